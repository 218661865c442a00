#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: diagnostic_setting_info
short_description: Read the diagnostic settings of an Azure resource
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one diagnostic setting of a resource, or all of them, for example to audit that a key vault sends
    its audit logs somewhere.
options:
  resource_id:
    description: Id of the resource (for a storage account's blob logs, C(<account id>/blobServices/default)).
    type: str
    required: true
  name:
    description: Name of the setting to read. When not set, every setting of the resource. A setting that does not
      exist gives an empty list.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-monitor >= 6, < 7
seealso:
  - module: mlops.azure.diagnostic_setting
"""

EXAMPLES = r"""
- name: Every diagnostic setting of the vault
  mlops.azure.diagnostic_setting_info:
    resource_id: "{{ vault.key_vault.id }}"
  register: settings

- name: Fail when no setting sends the audit logs
  ansible.builtin.assert:
    that: >-
      settings.diagnostic_settings
      | map(attribute='logs') | flatten
      | selectattr('category_group', 'equalto', 'audit') | list | length > 0
"""

RETURN = r"""
diagnostic_settings:
  description: The settings found, in the shape M(mlops.azure.diagnostic_setting) returns.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource id of the setting.
      type: str
    name:
      description: Name.
      type: str
    resource_id:
      description: Id of the resource the setting is on.
      type: str
    workspace_id:
      description: Log Analytics destination.
      type: str
    storage_account_id:
      description: Storage account destination.
      type: str
    log_analytics_destination_type:
      description: Table layout in the workspace.
      type: str
    logs:
      description: The enabled log entries.
      type: list
      elements: dict
    metrics:
      description: The enabled metric entries.
      type: list
      elements: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._diagnostic_setting import (
    MonitorManagementClient,
    diagnostic_setting_shape,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import rest_dict


def main():
    module = AzureModule(
        argument_spec=dict(resource_id=dict(type="str", required=True), name=dict(type="str")),
        supports_check_mode=True,
    )
    resource_id = module.params["resource_id"].rstrip("/")
    name = module.params["name"]
    client = module.client(MonitorManagementClient)
    if name:
        body = module.read(
            f"diagnostic setting '{name}' of {resource_id}", client.diagnostic_settings.get, resource_id, name
        )
        settings = [diagnostic_setting_shape(body, resource_id)] if body is not None else []
    else:
        with module.azure_errors("list the diagnostic settings of", resource_id):
            settings = [
                diagnostic_setting_shape(rest_dict(item), resource_id)
                for item in client.diagnostic_settings.list(resource_id)
            ]
    module.exit_json(changed=False, diagnostic_settings=settings)


if __name__ == "__main__":
    main()
