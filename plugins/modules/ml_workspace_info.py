#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: ml_workspace_info
short_description: Read Azure Machine Learning workspaces
version_added: 0.2.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one Azure Machine Learning workspace, the workspaces of a resource group, or every workspace of the
    subscription, in the shape M(mlops.azure.ml_workspace) returns (with its C(provisioning_state)).
  - Soft-deleted workspaces are not returned.
  - Speaks the workspace REST API at api-version C(2025-12-01), as M(mlops.azure.ml_workspace) does.
options:
  name:
    description:
      - Name of the workspace to read (needs O(resource_group)). A workspace that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read workspaces from. When not set, every workspace of the subscription.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-resource >= 26
seealso:
  - module: mlops.azure.ml_workspace
"""

EXAMPLES = r"""
- name: Read the stack's workspace
  mlops.azure.ml_workspace_info:
    name: mlw-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
  register: mlw

- name: The principal of its identity
  ansible.builtin.debug:
    msg: "{{ mlw.ml_workspaces[0].principal_id }}"
"""

RETURN = r"""
ml_workspaces:
  description:
    - The workspaces found, in the shape M(mlops.azure.ml_workspace) returns
      (see its RV(mlops.azure.ml_workspace#module:ml_workspace)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw1
      name: mlw1
      resource_group: rg1
      location: westeurope
      sku: Basic
      identity_type: SystemAssigned
      principal_id: 3f2c7a9e-0b1d-4e5f-8a6b-9c0d1e2f3a4b
      storage_account: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st1
      key_vault: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1
      public_network_access: Enabled
      hbi_workspace: false
      isolation_mode: Disabled
      system_datastores_auth_mode: AccessKey
      provisioning_state: Succeeded
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module
from ansible_collections.mlops.azure.plugins.module_utils._ml_workspace import MLWorkspace


def main():
    module = info_module()
    module.exit_json(changed=False, ml_workspaces=MLWorkspace.read_all(module))


if __name__ == "__main__":
    main()
