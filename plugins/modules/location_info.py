#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: location_info
short_description: List the locations (regions) of an Azure subscription
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns the locations of the subscription, as C(GET /subscriptions/{id}/locations) lists them, or the one
    location named O(name).
  - One read, whatever the number of locations. The P(mlops.azure.preflight#role) role uses it to refuse a location
    the subscription does not have before anything is created.
  - The list is what the subscription offers; each resource provider supports a subset of it, so a listed location
    can still be refused for one resource type.
options:
  name:
    description:
      - Only return this location. Matched as Azure matches locations, by name (V(westeurope)) or display name
        (V(West Europe)), in any letter case and with or without spaces.
      - A location the subscription does not have gives an empty list, not a failure.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-resource >= 26
notes:
  - The call goes through the resource management client's pipeline (azure-mgmt-resource 26 no longer has an
    operation for it), API version 2022-12-01.
seealso:
  - name: Subscriptions - List Locations
    description: The REST operation this module calls.
    link: https://learn.microsoft.com/rest/api/resources/subscriptions/list-locations
"""

EXAMPLES = r"""
- name: Every location of the subscription
  mlops.azure.location_info:
  register: subscription_locations

- name: Stop when the stack's location is not one of them
  ansible.builtin.assert:
    that: mlops_location in (subscription_locations.locations | map(attribute='name'))
    fail_msg: "{{ mlops_location }} is not a location of this subscription"

- name: One location, by its display name
  mlops.azure.location_info:
    name: West Europe
  register: west_europe
"""

RETURN = r"""
locations:
  description: The locations found, in the order Azure lists them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource id of the location.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/locations/westeurope
    name:
      description: Name of the location, as resources take it.
      type: str
      sample: westeurope
    display_name:
      description: Display name.
      type: str
      sample: West Europe
    regional_display_name:
      description: Display name with its geography.
      type: str
      sample: (Europe) West Europe
    type:
      description: V(Region) or V(EdgeZone).
      type: str
    region_type:
      description: V(Physical) or V(Logical); null when Azure does not say.
      type: str
    region_category:
      description: V(Recommended), V(Extended) or V(Other); null when Azure does not say.
      type: str
    geography:
      description: Geography of the location; null when Azure does not say.
      type: str
    geography_group:
      description: Geography group of the location; null when Azure does not say.
      type: str
      sample: Europe
    physical_location:
      description: Where the location is; null when Azure does not say.
      type: str
      sample: Netherlands
    paired_regions:
      description: Names of the regions paired with this one.
      type: list
      elements: str
      sample: [northeurope]
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._location import list_locations, location_shape, matches
from ansible_collections.mlops.azure.plugins.module_utils._resource_client import ResourceManagementClient


def main():
    module = AzureModule(argument_spec=dict(name=dict(type="str")), supports_check_mode=True)
    name = module.params["name"]
    found = list_locations(module, module.client(ResourceManagementClient))
    if name:
        found = [body for body in found if matches(body, name)]
    module.exit_json(changed=False, locations=[location_shape(body) for body in found])


if __name__ == "__main__":
    main()
