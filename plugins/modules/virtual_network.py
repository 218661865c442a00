#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: virtual_network
short_description: Create, update or delete an Azure virtual network with its subnets and service endpoints
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a virtual network exists with the given address space and subnets, or does not.
  - For stacks that bring no network of their own, the subnets' service endpoints (C(Microsoft.KeyVault),
    C(Microsoft.Storage), ...) let Key Vault and storage firewalls admit them; RV(virtual_network.subnet_ids) gives
    the ids to put in their network rules.
  - Only the options you set are compared with Azure; address prefixes compare as networks, in any order, and
    service endpoints as sets in any letter case, so the second run with the same options reports no change and
    sends no write.
  - Subnets that exist but are not listed are left alone, unless O(purge_subnets=true). Settings of a subnet this
    module does not manage (network security group, route table, delegations, ...) are kept.
  - Subnets outside the address space, and subnets that overlap, are refused before anything is sent.
options:
  name:
    description:
      - Name of the virtual network, 2-64 letters, digits, V(_), V(.), V(-).
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the network.
    type: str
    required: true
  location:
    description:
      - Azure location of the network. Defaults to the resource group's location when the network is created.
      - A network cannot move; a different location is refused.
    type: str
  state:
    description: V(present) to create or update the network, V(absent) to delete it (with its subnets).
    type: str
    choices: [present, absent]
    default: present
  address_prefixes:
    description:
      - C(addressSpace.addressPrefixes), the network's address ranges in CIDR form. Required to create the network.
      - Compared as a set; the list replaces the network's address space. Not compared when not set.
    type: list
    elements: str
  subnets:
    description:
      - Subnets that must exist, with their address prefix and service endpoints. Matched by name (in any letter
        case). Not compared when not set.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the subnet, 1-80 letters, digits, V(_), V(.), V(-).
        type: str
        required: true
      address_prefix:
        description: Address range of the subnet in CIDR form, inside O(address_prefixes).
        type: str
        required: true
      service_endpoints:
        description:
          - Services the subnet reaches over the Azure backbone, for example C(Microsoft.KeyVault),
            C(Microsoft.Storage), C(Microsoft.ContainerRegistry). Compared as a set; the list replaces the
            subnet's service endpoints. Not compared when not set.
        type: list
        elements: str
  purge_subnets:
    description:
      - Delete the subnets of the network that O(subnets) does not list. Azure refuses to delete a subnet in use.
      - Only when O(subnets) is set.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-network >= 25
  - azure-mgmt-resource >= 26 (only to take the location from the resource group)
seealso:
  - module: mlops.azure.key_vault
  - module: mlops.azure.storage_account
"""

EXAMPLES = r"""
- name: Network for the MLOps stack
  mlops.azure.virtual_network:
    name: vnet-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    location: westeurope
    address_prefixes:
      - 10.20.0.0/16
    subnets:
      - name: snet-compute
        address_prefix: 10.20.1.0/24
        service_endpoints:
          - Microsoft.KeyVault
          - Microsoft.Storage
          - Microsoft.ContainerRegistry
    tags:
      environment: prod
  register: vnet

- name: Let the compute subnet through the vault's firewall
  mlops.azure.key_vault:
    name: kv-mlops-prod-weu-01
    resource_group: rg-mlops-prod-weu
    network_acls:
      default_action: Deny
      virtual_network_rules:
        - id: "{{ vnet.virtual_network.subnet_ids['snet-compute'] }}"
"""

RETURN = r"""
virtual_network:
  description: The network after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops-prod-weu/providers/Microsoft.Network/virtualNetworks/vnet1
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
    address_prefixes:
      description: Address space.
      type: list
      elements: str
      sample: ["10.20.0.0/16"]
    subnets:
      description:
        - Every subnet of the network (C(name), C(id), C(address_prefix), C(service_endpoints)), and C(delegations),
          the services the subnet is delegated to (read only; a delegated subnet takes no private endpoint).
      type: list
      elements: dict
      sample:
        - name: snet-a
          id: /subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/snet-a
          address_prefix: 10.20.1.0/24
          service_endpoints: [Microsoft.KeyVault, Microsoft.Storage]
          delegations: []
    subnet_ids:
      description: Subnet name to subnet id, for the network rules of Key Vault, storage and registries.
      type: dict
      sample: {"snet-compute": "/subscriptions/0000/.../virtualNetworks/vnet1/subnets/snet-compute"}
    provisioning_state:
      description: Provisioning state.
      type: str
diff:
  description: The network before and after the task, in the shape of RV(virtual_network).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import (
    STATE_ARGSPEC,
    TAGS_ARGSPEC,
    AzureModule,
    string_tags,
)
from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import prune, reconcile
from ansible_collections.mlops.azure.plugins.module_utils._virtual_network import (
    VirtualNetwork,
    normalise_subnets,
    prefix_problems,
)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        address_prefixes=dict(type="list", elements="str"),
        subnets=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                address_prefix=dict(type="str", required=True),
                service_endpoints=dict(type="list", elements="str"),
            ),
        ),
        purge_subnets=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    subnets = None
    if params["state"] == "present":
        module.validate_name("virtual_network", params["name"])
        problems = prefix_problems(params["address_prefixes"])
        if params["subnets"] is not None:
            subnets, subnet_problems = normalise_subnets(params["subnets"], name_errors)
            problems.extend(subnet_problems)
        if problems:
            module.fail_json(msg="; ".join(problems))
    desired = prune(
        {
            "location": params["location"],
            "tags": string_tags(params["tags"]),
            "address_prefixes": params["address_prefixes"],
            "subnets": subnets,
        }
    )
    network = VirtualNetwork(
        module,
        params["name"],
        params["resource_group"],
        location=params["location"],
        append_tags=params["append_tags"],
        purge_subnets=params["purge_subnets"] and params["subnets"] is not None,
    )
    result = module.run_reconcile(reconcile, network, desired, params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], virtual_network=result["resource"])


if __name__ == "__main__":
    main()
