#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: resource_group_info
short_description: Read Azure resource groups
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one resource group by name, or every resource group of the subscription.
options:
  name:
    description:
      - Name of the resource group to read. When not set, every group of the subscription is returned.
      - A group that does not exist gives an empty list, not a failure.
    type: str
  tags:
    description:
      - Only return groups that carry every one of these tags with these values.
    type: dict
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-resource >= 26
seealso:
  - module: mlops.azure.resource_group
"""

EXAMPLES = r"""
- name: Read one resource group
  mlops.azure.resource_group_info:
    name: rg-mlops-prod-weu
  register: rg

- name: Every resource group of the MLOps workload
  mlops.azure.resource_group_info:
    tags:
      workload: mlops
  register: groups
"""

RETURN = r"""
resource_groups:
  description: The resource groups found, in the shape M(mlops.azure.resource_group) returns.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops-prod-weu
    name:
      description: Name.
      type: str
    location:
      description: Location.
      type: str
    tags:
      description: Tags.
      type: dict
    managed_by:
      description: Id of the resource that manages this group, if any.
      type: str
    provisioning_state:
      description: Provisioning state.
      type: str
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule, string_tags
from ansible_collections.mlops.azure.plugins.module_utils._resource_group import ResourceGroup


def _has_tags(group, tags):
    have = group.get("tags") or {}
    return all(have.get(key) == value for key, value in tags.items())


def main():
    module = AzureModule(
        argument_spec=dict(name=dict(type="str"), tags=dict(type="dict")),
        supports_check_mode=True,
    )
    tags = string_tags(module.params["tags"]) or {}
    groups = [group for group in ResourceGroup.read_all(module) if _has_tags(group, tags)]
    module.exit_json(changed=False, resource_groups=groups)


if __name__ == "__main__":
    main()
