#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: diagnostic_setting
short_description: Create, update or delete a diagnostic setting on any Azure resource
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a diagnostic setting exists on a resource (a key vault, a storage account's blob service, a
    container registry, ...) and sends the chosen resource logs and metrics to a Log Analytics workspace and/or a
    storage account, or that it does not exist.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure;
    O(logs) and O(metrics) are compared as sets of the enabled entries, in any order and letter case, so the
    second run with the same options reports no change and sends no write.
  - A setting needs at least one destination and at least one enabled log or metric entry; otherwise the task is
    refused before anything is sent.
  - Event Hub and partner destinations set outside this module are kept.
options:
  resource_id:
    description:
      - Id of the resource whose logs and metrics are sent, for example a vault id, or
        C(<storage account id>/blobServices/default) for a storage account's blob logs.
    type: str
    required: true
  name:
    description:
      - "Name of the diagnostic setting, unique on the resource. Up to 260 characters, none of
        C(< > * % & : \\ ? + /)."
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  state:
    description: V(present) to create or update the setting, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
  workspace_id:
    description:
      - Id of the Log Analytics workspace to send to. Compared in any letter case.
      - An empty string removes the destination. Not compared when not set.
    type: str
  storage_account_id:
    description:
      - Id of the storage account to archive to (in the same region as the resource). Compared in any letter case.
      - An empty string removes the destination. Not compared when not set.
    type: str
  logs:
    description:
      - Resource logs to send. The list replaces the setting's logs. Not compared when not set.
      - Each entry names a C(category) (for example C(AuditEvent) for Key Vault) or a C(category_group)
        (V(audit) or V(allLogs)). An entry with C(enabled=false) is the same as no entry.
    type: list
    elements: dict
    suboptions:
      category:
        description: A log category of the resource.
        type: str
      category_group:
        description: A group of categories.
        type: str
        choices: [audit, allLogs]
      enabled:
        description: Whether the entry is sent.
        type: bool
        default: true
  metrics:
    description:
      - Platform metrics to send. The list replaces the setting's metrics. Not compared when not set.
    type: list
    elements: dict
    suboptions:
      category:
        description: A metric category, usually V(AllMetrics).
        type: str
        required: true
      enabled:
        description: Whether the entry is sent.
        type: bool
        default: true
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes
requirements:
  - azure-mgmt-monitor >= 6, < 7 (7.0 dropped diagnostic settings)
seealso:
  - module: mlops.azure.diagnostic_setting_info
  - module: mlops.azure.log_analytics_workspace
  - name: Diagnostic settings in Azure Monitor
    description: Categories, category groups and destinations.
    link: https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings
"""

EXAMPLES = r"""
- name: Key Vault audit logs to Log Analytics (Azure.KeyVault.Logs)
  mlops.azure.diagnostic_setting:
    resource_id: "{{ vault.key_vault.id }}"
    name: audit-to-law
    workspace_id: "{{ law.log_analytics_workspace.id }}"
    logs:
      - category_group: audit
    metrics:
      - category: AllMetrics

- name: Blob service logs of a storage account
  mlops.azure.diagnostic_setting:
    resource_id: "{{ storage.storage_account.id }}/blobServices/default"
    name: blob-to-law
    workspace_id: "{{ law.log_analytics_workspace.id }}"
    logs:
      - category: StorageRead
      - category: StorageWrite
      - category: StorageDelete

- name: Remove a setting
  mlops.azure.diagnostic_setting:
    resource_id: "{{ vault.key_vault.id }}"
    name: audit-to-law
    state: absent
"""

RETURN = r"""
diagnostic_setting:
  description: The setting after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
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
      description: Table layout in the workspace, as Azure reports it (not managed).
      type: str
    logs:
      description: The enabled log entries (C(category) or C(category_group), C(enabled)).
      type: list
      elements: dict
      sample: [{"category": null, "category_group": "audit", "enabled": true}]
    metrics:
      description: The enabled metric entries (C(category), C(enabled)).
      type: list
      elements: dict
      sample: [{"category": "AllMetrics", "enabled": true}]
diff:
  description: The setting before and after the task, in the shape of RV(diagnostic_setting).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._diagnostic_setting import (
    CATEGORY_GROUPS,
    DiagnosticSetting,
    desired_entries,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import prune, reconcile


def main():
    argument_spec = dict(
        resource_id=dict(type="str", required=True),
        name=dict(type="str", required=True),
        workspace_id=dict(type="str"),
        storage_account_id=dict(type="str"),
        logs=dict(
            type="list",
            elements="dict",
            options=dict(
                category=dict(type="str"),
                category_group=dict(type="str", choices=CATEGORY_GROUPS),
                enabled=dict(type="bool", default=True),
            ),
        ),
        metrics=dict(
            type="list",
            elements="dict",
            options=dict(category=dict(type="str", required=True), enabled=dict(type="bool", default=True)),
        ),
    )
    argument_spec.update(STATE_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    logs, problems = desired_entries(params["logs"], "logs")
    metrics, metric_problems = desired_entries(params["metrics"], "metrics")
    problems.extend(metric_problems)
    if problems:
        module.fail_json(msg="; ".join(problems))
    if params["state"] == "present":
        module.validate_name("diagnostic_setting", params["name"])
    desired = prune(
        {
            "workspace_id": params["workspace_id"],
            "storage_account_id": params["storage_account_id"],
            "logs": logs,
            "metrics": metrics,
        }
    )
    setting = DiagnosticSetting(module, params["name"], params["resource_id"])
    result = module.run_reconcile(reconcile, setting, desired, params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], diagnostic_setting=result["resource"])


if __name__ == "__main__":
    main()
