#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: log_analytics_workspace
short_description: Create, update or delete an Azure Log Analytics workspace
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a Log Analytics workspace exists with the given settings, or does not.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure, so
    the second run with the same options reports no change and sends no write.
  - The workspace is where Application Insights (M(mlops.azure.app_insights)) and diagnostic settings
    (M(mlops.azure.diagnostic_setting)) send their data.
  - Deleting a workspace soft-deletes it for 14 days, during which creating a workspace with the same name, in the
    same resource group and location, recovers it with its data. O(force=true) deletes it for good.
options:
  name:
    description:
      - Name of the workspace, 4-63 letters, digits and hyphens, starting and ending with a letter or digit.
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the workspace.
    type: str
    required: true
  location:
    description:
      - Azure location of the workspace. Defaults to the resource group's location when the workspace is created.
      - A workspace cannot move; a different location is refused.
    type: str
  state:
    description: V(present) to create or update the workspace, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
  sku:
    description:
      - Pricing tier, V(PerGB2018) (pay as you go) or V(CapacityReservation) (with O(capacity_reservation_level)).
      - Not compared when not set; a new workspace gets V(PerGB2018).
    type: str
    choices: [PerGB2018, CapacityReservation]
  capacity_reservation_level:
    description: Daily volume reserved, in GB, with O(sku=CapacityReservation). Not compared when not set.
    type: int
    choices: [100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000]
  retention_in_days:
    description:
      - Days data is kept available for queries (the interactive retention of tables that do not set their own),
        up to 730. Azure checks the range allowed for the pricing tier; the first 31 days are included in the
        ingestion price.
      - Not compared when not set; a new workspace keeps data 30 days.
    type: int
  daily_quota_gb:
    description:
      - C(workspaceCapping.dailyQuotaGb), a daily ingestion cap in GB; V(-1) for no cap.
      - Not compared when not set; a new workspace has no cap.
    type: float
  disable_local_auth:
    description:
      - C(features.disableLocalAuth), refuse data ingestion and queries authorised with the workspace keys
        (shared keys), leaving Microsoft Entra ID only.
      - Trade-off. Agents and tools that still use the workspace ID and key stop sending data. Azure Monitor Agent,
        diagnostic settings and workspace-based Application Insights work with Entra ID.
      - Not compared when not set.
    type: bool
  public_network_access_for_ingestion:
    description: Whether data may be ingested over public networks. Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  public_network_access_for_query:
    description: Whether the workspace may be queried over public networks. Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  force:
    description:
      - With O(state=absent), delete the workspace for good instead of soft-deleting it for 14 days. Its data and
        its name cannot be recovered.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-loganalytics >= 13
  - azure-mgmt-resource >= 26 (only to take the location from the resource group)
notes:
  - The module never reads or returns the workspace's shared keys.
  - In check mode, the customer id of a workspace that does not exist yet is V(null).
seealso:
  - module: mlops.azure.log_analytics_workspace_info
  - module: mlops.azure.app_insights
  - module: mlops.azure.diagnostic_setting
"""

EXAMPLES = r"""
- name: Workspace for the MLOps stack's logs
  mlops.azure.log_analytics_workspace:
    name: log-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    location: westeurope
    sku: PerGB2018
    retention_in_days: 90
    daily_quota_gb: 5
    disable_local_auth: true
    tags:
      environment: prod
  register: law

- name: Delete a test workspace for good
  mlops.azure.log_analytics_workspace:
    name: log-mlops-test-weu
    resource_group: rg-mlops-test-weu
    state: absent
    force: true
"""

RETURN = r"""
log_analytics_workspace:
  description:
    - The workspace after the task; in check mode, the prediction. V(null) when O(state=absent). No keys.
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/log1
    name:
      description: Name.
      type: str
    resource_group:
      description: Resource group.
      type: str
    location:
      description: Location.
      type: str
    tags:
      description: Tags.
      type: dict
    customer_id:
      description: The workspace id agents and queries use (V(null) in a check-mode prediction of a new workspace).
      type: str
      sample: 6f1b9e04-1f2c-4a5e-9f7c-0d3c1c2b3a4d
    sku:
      description: Pricing tier.
      type: str
      sample: PerGB2018
    capacity_reservation_level:
      description: Reserved daily volume in GB (with the CapacityReservation tier).
      type: int
    retention_in_days:
      description: Retention in days.
      type: int
      sample: 30
    daily_quota_gb:
      description: Daily ingestion cap in GB, V(-1) for none.
      type: float
      sample: -1.0
    disable_local_auth:
      description: Whether shared-key access is disabled.
      type: bool
    public_network_access_for_ingestion:
      description: Public network access for ingestion.
      type: str
      sample: Enabled
    public_network_access_for_query:
      description: Public network access for queries.
      type: str
      sample: Enabled
    provisioning_state:
      description: Provisioning state.
      type: str
diff:
  description: The workspace before and after the task, in the shape of RV(log_analytics_workspace).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._log_analytics_workspace import (
    CAPACITY_RESERVATION_LEVELS,
    SKUS,
    LogAnalyticsWorkspace,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        sku=dict(type="str", choices=SKUS),
        capacity_reservation_level=dict(type="int", choices=CAPACITY_RESERVATION_LEVELS),
        retention_in_days=dict(type="int"),
        daily_quota_gb=dict(type="float"),
        disable_local_auth=dict(type="bool"),
        public_network_access_for_ingestion=dict(type="str", choices=["Enabled", "Disabled"]),
        public_network_access_for_query=dict(type="str", choices=["Enabled", "Disabled"]),
        force=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("log_analytics_workspace", params["name"])
        quota = params["daily_quota_gb"]
        if quota is not None and quota != -1 and quota <= 0:
            module.fail_json(msg=f"daily_quota_gb must be more than 0, or -1 for no cap, got {quota}")
    workspace = LogAnalyticsWorkspace(
        module,
        params["name"],
        params["resource_group"],
        location=params["location"],
        append_tags=params["append_tags"],
        force=params["force"],
    )
    result = module.run_reconcile(reconcile, workspace, LogAnalyticsWorkspace.desired_from(params), params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], log_analytics_workspace=result["resource"])


if __name__ == "__main__":
    main()
