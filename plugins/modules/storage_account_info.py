#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: storage_account_info
short_description: Read Azure Storage Accounts
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one storage account (with its blob service properties and blob containers), the accounts of a
    resource group, or the accounts of the subscription, in the shape M(mlops.azure.storage_account) returns.
  - Never returns account keys or connection strings.
options:
  name:
    description:
      - Name of the account to read (needs O(resource_group)). An account that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read accounts from. When not set, every account of the subscription.
    type: str
  show_blob_details:
    description:
      - Also read the blob service properties and blob containers of each account (two more requests per
        account). Always done when O(name) is set.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-storage >= 21
seealso:
  - module: mlops.azure.storage_account
"""

EXAMPLES = r"""
- name: Read one account with its containers
  mlops.azure.storage_account_info:
    name: stmlopsprodweu01
    resource_group: rg-mlops-prod-weu
  register: st

- name: Every account of a resource group
  mlops.azure.storage_account_info:
    resource_group: rg-mlops-prod-weu
  register: accounts
"""

RETURN = r"""
storage_accounts:
  description:
    - The accounts found, in the shape M(mlops.azure.storage_account) returns.
    - C(blob_service_properties) and C(blob_containers) only with O(name) or O(show_blob_details=true).
  returned: always
  type: list
  elements: dict
  sample:
    - id: /subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1
      name: st1
      kind: StorageV2
      sku: Standard_LRS
      minimum_tls_version: TLS1_2
      allow_shared_key_access: false
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module
from ansible_collections.mlops.azure.plugins.module_utils._storage_account import StorageAccount


def main():
    module = info_module(show_blob_details=dict(type="bool", default=False))
    # One account is always read whole; a list reads each account's blob service only when asked.
    found = StorageAccount.read_all(module, children=module.params["show_blob_details"])
    module.exit_json(changed=False, storage_accounts=found)


if __name__ == "__main__":
    main()
