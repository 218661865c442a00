#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: resource_group
short_description: Create, update or delete an Azure resource group
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure an Azure resource group exists with the given location and tags, or does not exist.
  - Only the options you set are compared with Azure. The second run with the same options reports no change
    and sends no write.
  - Deleting a group that still holds resources deletes them all, so it needs O(force_delete_nonempty=true).
options:
  name:
    description:
      - Name of the resource group.
      - Checked against Azure's naming rules before anything is sent, when O(state=present). 1-90 letters,
        digits, underscores, hyphens, periods and parentheses, not ending with a period.
    type: str
    required: true
  location:
    description:
      - Azure location of the group, for example V(westeurope). Required to create the group.
      - The location of an existing group cannot change; a different value is refused.
    type: str
  state:
    description:
      - V(present) to create or update the group, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
  force_delete_nonempty:
    description:
      - With O(state=absent), delete the group even when it still holds resources (they are deleted with it).
      - Without it, deleting a group that holds resources is refused before anything is deleted.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-resource >= 26
seealso:
  - module: mlops.azure.resource_group_info
"""

EXAMPLES = r"""
- name: Resource group for the MLOps stack
  mlops.azure.resource_group:
    name: rg-mlops-prod-weu
    location: westeurope
    tags:
      environment: prod
      workload: mlops

- name: Delete a test resource group and everything in it
  mlops.azure.resource_group:
    name: rg-mlops-test-weu
    state: absent
    force_delete_nonempty: true
"""

RETURN = r"""
resource_group:
  description:
    - The resource group after the task; in check mode, the prediction.
    - V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops-prod-weu
    name:
      description: Name.
      type: str
      sample: rg-mlops-prod-weu
    location:
      description: Location.
      type: str
      sample: westeurope
    tags:
      description: Tags.
      type: dict
      sample: {"environment": "prod"}
    managed_by:
      description: Id of the resource that manages this group, if any.
      type: str
    provisioning_state:
      description: Provisioning state.
      type: str
      sample: Succeeded
diff:
  description: The resource group before and after the task (empty when absent).
  returned: always
  type: dict
  contains:
    before:
      description: Before.
      type: dict
    after:
      description: After (predicted in check mode).
      type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile
from ansible_collections.mlops.azure.plugins.module_utils._resource_group import ResourceGroup


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        location=dict(type="str"),
        force_delete_nonempty=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("resource_group", params["name"])
    group = ResourceGroup(
        module,
        params["name"],
        append_tags=params["append_tags"],
        force_delete_nonempty=params["force_delete_nonempty"],
    )
    result = module.run_reconcile(reconcile, group, ResourceGroup.desired_from(params), params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], resource_group=result["resource"])


if __name__ == "__main__":
    main()
