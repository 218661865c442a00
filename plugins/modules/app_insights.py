#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: app_insights
short_description: Create, update or delete a workspace-based Application Insights component
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a workspace-based Application Insights component exists with the given settings, or does not.
  - Workspace-based only (Azure.AppInsights.Workspace), classic components are retired. O(workspace_resource_id)
    is required and the ingestion mode is always C(LogAnalytics). Setting a workspace on an existing classic
    component migrates it, which Azure cannot undo.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure, so
    the second run with the same options reports no change and sends no write.
  - A change of tags only is sent as a tags update (PATCH); any other change re-sends the component (PUT), keeping
    the settings this module does not manage.
  - The connection string and instrumentation key are never part of RV(app_insights) or RV(diff). They are returned
    as RV(connection_string) and RV(instrumentation_key) only with O(return_connection_string=true), and then only
    when the task has C(no_log) set.
options:
  name:
    description:
      - Name of the component, 1-255 letters, digits, V(_), V(.), V(-), V((), V(\)), not ending with V(.).
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the component.
    type: str
    required: true
  location:
    description:
      - Azure location of the component. Defaults to the resource group's location when the component is created.
      - A component cannot move; a different location is refused.
    type: str
  state:
    description: V(present) to create or update the component, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
  workspace_resource_id:
    description:
      - Resource id of the Log Analytics workspace the telemetry is stored in (see
        M(mlops.azure.log_analytics_workspace)). Required with O(state=present).
      - Compared in any letter case. A different workspace moves new telemetry there.
    type: str
  application_type:
    description:
      - C(Application_Type), the type of application monitored. Not compared when not set; a new component gets
        V(web).
    type: str
    choices: [web, other]
  kind:
    description:
      - The component's kind, as the portal sets it (V(web), V(other), V(java), V(ios), V(store), V(phone)).
        Not compared when not set; a new component gets V(web).
    type: str
    choices: [web, other, java, ios, store, phone]
  disable_local_auth:
    description:
      - C(DisableLocalAuth), refuse telemetry authenticated only by the instrumentation key, leaving Microsoft
        Entra ID (Azure.AppInsights.LocalAuth).
      - Trade-off. SDKs that send with only the connection string stop reporting. Enable it where telemetry uses
        Entra ID, and document the exception where clients cannot. Not compared when not set.
    type: bool
  public_network_access_for_ingestion:
    description: Whether telemetry may be sent over public networks. Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  public_network_access_for_query:
    description: Whether the component may be queried over public networks. Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  retention_in_days:
    description:
      - C(RetentionInDays) of the component. With a workspace-based component, the workspace's table retention
        governs how long data is kept. Not compared when not set.
    type: int
    choices: [30, 60, 90, 120, 180, 270, 365, 550, 730]
  return_connection_string:
    description:
      - Return the component's connection string and instrumentation key as RV(connection_string) and
        RV(instrumentation_key), for example to store them in Key Vault.
      - The task must set C(no_log) to V(true), so the values never reach the output, logs or callbacks; without it
        the task fails before anything is changed.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-applicationinsights >= 4
  - azure-mgmt-resource >= 26 (only to take the location from the resource group)
notes:
  - In check mode the ids Azure assigns (RV(app_insights.app_id), RV(app_insights.application_id)) of a component
    that does not exist yet are V(null), and no connection string is returned.
seealso:
  - module: mlops.azure.app_insights_info
  - module: mlops.azure.log_analytics_workspace
"""

EXAMPLES = r"""
- name: Workspace for the telemetry
  mlops.azure.log_analytics_workspace:
    name: log-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
  register: law

- name: Application Insights for the model endpoints
  mlops.azure.app_insights:
    name: appi-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    workspace_resource_id: "{{ law.log_analytics_workspace.id }}"
    application_type: web
    disable_local_auth: true
    public_network_access_for_query: Disabled
    tags:
      environment: prod

- name: Get the connection string (kept out of every output)
  mlops.azure.app_insights:
    name: appi-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    workspace_resource_id: "{{ law.log_analytics_workspace.id }}"
    return_connection_string: true
  no_log: true
  register: appi
"""

RETURN = r"""
app_insights:
  description:
    - The component after the task; in check mode, the prediction. V(null) when O(state=absent).
    - Never holds the connection string or the instrumentation key.
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops-prod-weu/providers/Microsoft.Insights/components/appi1
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
    kind:
      description: Kind.
      type: str
      sample: web
    application_type:
      description: Application type.
      type: str
      sample: web
    workspace_resource_id:
      description: Log Analytics workspace id.
      type: str
    ingestion_mode:
      description: Ingestion mode.
      type: str
      sample: LogAnalytics
    disable_local_auth:
      description: Whether instrumentation-key-only authentication is refused.
      type: bool
    public_network_access_for_ingestion:
      description: Public network access for ingestion.
      type: str
    public_network_access_for_query:
      description: Public network access for queries.
      type: str
    retention_in_days:
      description: Retention in days.
      type: int
    app_id:
      description: Application Insights app id (used by the query API; not a secret).
      type: str
    application_id:
      description: Application id (the component's name as Azure keeps it).
      type: str
    provisioning_state:
      description: Provisioning state.
      type: str
connection_string:
  description:
    - The connection string telemetry SDKs use.
    - Only with O(return_connection_string=true) (and C(no_log) on the task), outside check mode or for an
      existing component.
  returned: when requested
  type: str
instrumentation_key:
  description:
    - The instrumentation key (part of RV(connection_string)).
    - Only with O(return_connection_string=true) (and C(no_log) on the task).
  returned: when requested
  type: str
diff:
  description: The component before and after the task, in the shape of RV(app_insights).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._app_insights import RETENTION_DAYS, AppInsights
from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        workspace_resource_id=dict(type="str"),
        application_type=dict(type="str", choices=["web", "other"]),
        kind=dict(type="str", choices=["web", "other", "java", "ios", "store", "phone"]),
        disable_local_auth=dict(type="bool"),
        public_network_access_for_ingestion=dict(type="str", choices=["Enabled", "Disabled"]),
        public_network_access_for_query=dict(type="str", choices=["Enabled", "Disabled"]),
        retention_in_days=dict(type="int", choices=RETENTION_DAYS),
        return_connection_string=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["workspace_resource_id"])],
    )
    params = module.params

    if params["return_connection_string"] and not module.no_log:
        module.fail_json(
            msg="return_connection_string needs no_log: true on the task, so the connection string and "
            "instrumentation key never reach the output or the logs. Add no_log: true to the task, or leave "
            "return_connection_string unset."
        )
    if params["state"] == "present":
        module.validate_name("app_insights", params["name"])
    component = AppInsights(
        module,
        params["name"],
        params["resource_group"],
        location=params["location"],
        append_tags=params["append_tags"],
    )
    result = module.run_reconcile(reconcile, component, AppInsights.desired_from(params), params["state"])
    output = dict(changed=result["changed"], diff=result["diff"], app_insights=result["resource"])
    if params["return_connection_string"] and params["state"] == "present":
        output.update(component.secrets())
    module.exit_json(**output)


if __name__ == "__main__":
    main()
