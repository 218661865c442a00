#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: private_endpoint_info
short_description: Read Azure private endpoints with their private DNS zone groups
version_added: 0.3.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one private endpoint, the endpoints of a resource group, or every endpoint of the subscription, in the
    shape M(mlops.azure.private_endpoint) returns (connection state, IP addresses, zone group and its records).
options:
  name:
    description:
      - Name of the endpoint to read (needs O(resource_group)). An endpoint that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read endpoints from. When not set, every endpoint of the subscription.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-network >= 25
seealso:
  - module: mlops.azure.private_endpoint
"""

EXAMPLES = r"""
- name: Read the stack's endpoints
  mlops.azure.private_endpoint_info:
    resource_group: rg-mlops-prod-weu
  register: endpoints

- name: Every one is approved
  ansible.builtin.assert:
    that: endpoints.private_endpoints | map(attribute='connection_state') | unique == ['Approved']
"""

RETURN = r"""
private_endpoints:
  description:
    - The endpoints found, in the shape M(mlops.azure.private_endpoint) returns
      (see its RV(mlops.azure.private_endpoint#module:private_endpoint)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.Network/privateEndpoints/pep-kv
      name: pep-kv
      resource_group: rg1
      location: westeurope
      subnet: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/snet1
      private_link_service_id: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1
      group_ids: [vault]
      connection_state: Approved
      private_ip_addresses: [10.0.1.4]
      provisioning_state: Succeeded
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module
from ansible_collections.mlops.azure.plugins.module_utils._private_endpoint import PrivateEndpoint


def main():
    module = info_module()
    module.exit_json(changed=False, private_endpoints=PrivateEndpoint.read_all(module))


if __name__ == "__main__":
    main()
