#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: log_analytics_workspace_info
short_description: Read Azure Log Analytics workspaces
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one Log Analytics workspace, the workspaces of a resource group, or every workspace of the subscription.
  - Never returns the workspace's shared keys.
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
  - azure-mgmt-loganalytics >= 13
seealso:
  - module: mlops.azure.log_analytics_workspace
"""

EXAMPLES = r"""
- name: Read the stack's workspace
  mlops.azure.log_analytics_workspace_info:
    name: log-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
  register: law

- name: Its customer id
  ansible.builtin.debug:
    msg: "{{ law.log_analytics_workspaces[0].customer_id }}"
"""

RETURN = r"""
log_analytics_workspaces:
  description: The workspaces found, in the shape M(mlops.azure.log_analytics_workspace) returns.
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
    customer_id:
      description: The workspace id agents and queries use.
      type: str
    sku:
      description: Pricing tier.
      type: str
    capacity_reservation_level:
      description: Reserved daily volume in GB.
      type: int
    retention_in_days:
      description: Retention in days.
      type: int
    daily_quota_gb:
      description: Daily ingestion cap in GB, V(-1) for none.
      type: float
    disable_local_auth:
      description: Whether shared-key access is disabled.
      type: bool
    public_network_access_for_ingestion:
      description: Public network access for ingestion.
      type: str
    public_network_access_for_query:
      description: Public network access for queries.
      type: str
    provisioning_state:
      description: Provisioning state.
      type: str
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module
from ansible_collections.mlops.azure.plugins.module_utils._log_analytics_workspace import LogAnalyticsWorkspace


def main():
    module = info_module()
    module.exit_json(changed=False, log_analytics_workspaces=LogAnalyticsWorkspace.read_all(module))


if __name__ == "__main__":
    main()
