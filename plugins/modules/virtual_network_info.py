#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: virtual_network_info
short_description: Read Azure virtual networks with their subnets and service endpoints
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one virtual network, the networks of a resource group, or the networks of the subscription, in the shape
    M(mlops.azure.virtual_network) returns, each with its subnets and their service endpoints.
  - The preflight role uses it to check, before anything is created, that the subnets a stack names exist and carry
    the service endpoints the Key Vault and storage firewalls need.
options:
  name:
    description:
      - Name of the network to read (needs O(resource_group)). A network that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read networks from. When not set, every network of the subscription.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-network
seealso:
  - module: mlops.azure.virtual_network
"""

EXAMPLES = r"""
- name: Read the network the pipelines' compute runs in
  mlops.azure.virtual_network_info:
    name: vnet-compute-prod-weu
    resource_group: rg-network-prod-weu
  register: network

- name: The pipelines' subnet carries the Key Vault service endpoint
  ansible.builtin.assert:
    that: >-
      'Microsoft.KeyVault' in (network.virtual_networks[0].subnets
      | selectattr('name', 'equalto', 'snet-pipelines') | first).service_endpoints
"""

RETURN = r"""
virtual_networks:
  description: The networks found, in the shape M(mlops.azure.virtual_network) returns.
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
      description: Azure region.
      type: str
    tags:
      description: Tags.
      type: dict
    address_prefixes:
      description: Address space.
      type: list
      elements: str
    subnets:
      description:
        - Every subnet (C(name), C(id), C(address_prefix), C(service_endpoints)), and C(delegations), the services
          the subnet is delegated to (a delegated subnet takes no private endpoint).
      type: list
      elements: dict
    subnet_ids:
      description: Subnet name to subnet id.
      type: dict
    provisioning_state:
      description: Provisioning state.
      type: str
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._virtual_network import (
    NetworkManagementClient,
    virtual_network_shape,
)


def main():
    module = AzureModule(
        argument_spec=dict(name=dict(type="str"), resource_group=dict(type="str")),
        required_by=dict(name="resource_group"),
        supports_check_mode=True,
    )
    client = module.client(NetworkManagementClient)
    bodies = module.read_resources(
        "virtual network",
        client.virtual_networks,
        module.params["name"],
        module.params["resource_group"],
        list_in_group="list",
        list_all="list_all",
    )
    module.exit_json(changed=False, virtual_networks=[virtual_network_shape(body) for body in bodies])


if __name__ == "__main__":
    main()
