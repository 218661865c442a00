#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: app_insights_info
short_description: Read Application Insights components
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one Application Insights component, the components of a resource group, or every component of the
    subscription, without their connection strings.
  - With O(return_connection_string=true) (on a task with C(no_log)), each component found also carries its
    connection string and instrumentation key in RV(connection_strings).
options:
  name:
    description:
      - Name of the component to read (needs O(resource_group)). A component that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read components from. When not set, every component of the subscription.
    type: str
  return_connection_string:
    description:
      - Also return the connection string and instrumentation key of each component found, in RV(connection_strings).
      - The task must set C(no_log) to V(true); without it the task fails.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-applicationinsights >= 4
seealso:
  - module: mlops.azure.app_insights
"""

EXAMPLES = r"""
- name: Read the stack's component
  mlops.azure.app_insights_info:
    name: appi-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
  register: appi

- name: Its connection string, for the model endpoint's settings
  mlops.azure.app_insights_info:
    name: appi-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    return_connection_string: true
  no_log: true
  register: appi_secret
"""

RETURN = r"""
app_insights:
  description: The components found, in the shape M(mlops.azure.app_insights) returns (no connection strings).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource id.
      type: str
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
    application_type:
      description: Application type.
      type: str
    workspace_resource_id:
      description: Log Analytics workspace id (V(null) for a classic component).
      type: str
    ingestion_mode:
      description: Ingestion mode.
      type: str
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
      description: Application Insights app id.
      type: str
    application_id:
      description: Application id.
      type: str
    provisioning_state:
      description: Provisioning state.
      type: str
connection_strings:
  description:
    - Component id to C(connection_string) and C(instrumentation_key), for every component found.
    - Only with O(return_connection_string=true) and C(no_log) on the task.
  returned: when requested
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._app_insights import AppInsights, component_secrets
from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module


def main():
    module = info_module(return_connection_string=dict(type="bool", default=False))
    if module.params["return_connection_string"] and not module.no_log:
        module.fail_json(
            msg="return_connection_string needs no_log: true on the task, so the connection strings never reach "
            "the output or the logs."
        )
    bodies = AppInsights.find_raw(module, module.params["name"], module.params["resource_group"])
    result = dict(changed=False, app_insights=[AppInsights.shape(body) for body in bodies])
    if module.params["return_connection_string"]:
        result["connection_strings"] = dict((body.get("id"), component_secrets(body)) for body in bodies)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
