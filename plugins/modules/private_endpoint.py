#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: private_endpoint
short_description: Create, update or delete an Azure private endpoint and its private DNS zone group
version_added: 0.3.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a private endpoint exists in a subnet, connected to one sub-resource (group id) of a Key Vault,
    storage account, container registry, Machine Learning workspace or other Private Link resource, or does not.
  - With O(private_dns_zone_group), Azure writes the endpoint's A records into the given private DNS zones (the
    zones Microsoft recommends per service, for example C(privatelink.vaultcore.azure.net); see
    M(mlops.azure.private_dns_zone)).
  - Azure fixes the subnet and the connection (target, group id, connection name) when the endpoint is created. A
    change of any of them is refused, with the reason, before anything is sent.
  - Only the options you set are compared with Azure, so the second run with the same options reports no change and
    sends no write. An endpoint in provisioning state C(Failed) is sent again, which is how Azure repairs it.
  - The connection is approved at once when the identity running the module may approve connections on the target
    (C(Microsoft.*/privateEndpointConnectionsApproval/action), which an owner or contributor of the target has);
    otherwise it stays V(Pending) until the target's owner approves it, and the module warns.
options:
  name:
    description:
      - Name of the private endpoint, 2-64 letters, digits, underscores, periods and hyphens, starting with a letter
        or digit and ending with a letter, digit or underscore. Checked before anything is sent.
    type: str
    required: true
  resource_group:
    description: Resource group of the private endpoint.
    type: str
    required: true
  location:
    description:
      - Azure location of the endpoint; it must be the location of the subnet's virtual network. Defaults to the
        resource group's location when the endpoint is created.
    type: str
  state:
    description: V(present) to create or update the endpoint, V(absent) to delete it (and its zone group records).
    type: str
    choices: [present, absent]
    default: present
  subnet:
    description:
      - Resource id of the subnet the endpoint's network interface is placed in. Required to create the endpoint;
        fixed at creation.
      - The subnet must not be delegated and must not be the C(GatewaySubnet); Azure refuses both.
    type: str
  private_link_service_id:
    description:
      - Resource id of the resource the endpoint connects to (C(privateLinkServiceId)). Required to create the
        endpoint; fixed at creation.
    type: str
  group_ids:
    description:
      - The one sub-resource of the target the endpoint connects to. Required to create the endpoint; fixed at
        creation.
      - V(vault) for a Key Vault; V(blob), V(file), V(queue), V(table), V(dfs) or V(web) for a storage account;
        V(registry) for a container registry (Premium SKU only); V(amlworkspace) for a Machine Learning workspace.
        For these targets another value is refused before anything is sent.
    type: list
    elements: str
  connection_name:
    description: Name of the private link service connection. Defaults to the endpoint's name; fixed at creation.
    type: str
  custom_network_interface_name:
    description:
      - Name of the endpoint's network interface. Azure names it C(<endpoint>.nic.<guid>) when not set; fixed at
        creation.
    type: str
  private_dns_zone_group:
    description:
      - The endpoint's private DNS zone group (at most one per endpoint). Azure writes an A record for each of the
        endpoint's FQDNs into the listed zone that serves it, and removes them with the group or the endpoint.
      - Not managed when not set. An empty O(private_dns_zone_group.private_dns_zone_ids) removes the zone group.
    type: dict
    suboptions:
      name:
        description:
          - Name of the zone group. V(default) when the endpoint has none; when not set, an existing group keeps its
            name. A different name replaces the group.
        type: str
      private_dns_zone_ids:
        description: Resource ids of the private DNS zones (at most five).
        type: list
        elements: str
        required: true
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-network >= 25
notes:
  - In check mode, what Azure assigns to an endpoint that does not exist yet (network interface, IP addresses,
    connection state, DNS records) is V(null) or empty.
seealso:
  - module: mlops.azure.private_endpoint_info
  - module: mlops.azure.private_dns_zone
  - module: mlops.azure.virtual_network
"""

EXAMPLES = r"""
- name: The Key Vault's private endpoint, with its record in the linked zone
  mlops.azure.private_endpoint:
    name: pep-kv-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    location: westeurope
    subnet: "{{ network.virtual_network.subnet_ids['snet-endpoints'] }}"
    private_link_service_id: "{{ vault.key_vault.id }}"
    group_ids: [vault]
    private_dns_zone_group:
      private_dns_zone_ids:
        - "{{ kv_zone.private_dns_zone.id }}"
  register: endpoint

- name: Delete it
  mlops.azure.private_endpoint:
    name: pep-kv-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    state: absent
"""

RETURN = r"""
private_endpoint:
  description: The private endpoint after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
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
    subnet:
      description: Resource id of the subnet.
      type: str
    private_link_service_id:
      description: Resource id of the connected resource.
      type: str
    group_ids:
      description: The group id of the connection.
      type: list
      elements: str
      sample: [vault]
    connection_name:
      description: Name of the connection.
      type: str
    connection_state:
      description: V(Approved), V(Pending), V(Rejected) or V(Disconnected).
      type: str
      sample: Approved
    manual_approval:
      description: Whether the connection is a manual one (it waits for the target's owner).
      type: bool
    custom_network_interface_name:
      description: The custom name of the network interface (empty when Azure named it).
      type: str
    network_interfaces:
      description: Resource ids of the endpoint's network interfaces.
      type: list
      elements: str
    custom_dns_configs:
      description: The FQDNs of the target the endpoint serves and their private IP addresses.
      type: list
      elements: dict
      contains:
        fqdn:
          description: FQDN.
          type: str
          sample: kv-mlops-prod.vault.azure.net
        ip_addresses:
          description: Private IP addresses.
          type: list
          elements: str
    private_ip_addresses:
      description: Every private IP address of the endpoint.
      type: list
      elements: str
      sample: [10.0.1.4]
    private_dns_zone_group:
      description: The zone group, V(null) when there is none.
      type: dict
      contains:
        name:
          description: Name.
          type: str
        private_dns_zone_ids:
          description: Resource ids of its zones.
          type: list
          elements: str
        record_sets:
          description: The A records Azure wrote (zone, name, fqdn, ip_addresses); V(null) in a check mode prediction.
          type: list
          elements: dict
        provisioning_state:
          description: Provisioning state of the zone group.
          type: str
    provisioning_state:
      description: Provisioning state.
      type: str
      sample: Succeeded
diff:
  description: The endpoint before and after the task, in the shape of RV(private_endpoint).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import (
    STATE_ARGSPEC,
    TAGS_ARGSPEC,
    AzureModule,
)
from ansible_collections.mlops.azure.plugins.module_utils._private_endpoint import PrivateEndpoint, input_problems
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        subnet=dict(type="str"),
        private_link_service_id=dict(type="str"),
        group_ids=dict(type="list", elements="str"),
        connection_name=dict(type="str"),
        custom_network_interface_name=dict(type="str"),
        private_dns_zone_group=dict(
            type="dict",
            options=dict(
                name=dict(type="str"),
                private_dns_zone_ids=dict(type="list", elements="str", required=True),
            ),
        ),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("private_endpoint", params["name"])
        module.fail_on_problems(input_problems(params))
    endpoint = PrivateEndpoint(
        module, params["name"], params["resource_group"], location=params["location"], append_tags=params["append_tags"]
    )
    result = module.run_reconcile(reconcile, endpoint, PrivateEndpoint.desired_from(params), params["state"])
    after = result["resource"] or {}
    if after.get("connection_state") and after["connection_state"] != "Approved":
        module.warn(
            "{} is connected but its connection is {}: the owner of {} must approve it before traffic flows.".format(
                endpoint.label, after["connection_state"], after.get("private_link_service_id")
            )
        )
    module.exit_json(changed=result["changed"], diff=result["diff"], private_endpoint=result["resource"])


if __name__ == "__main__":
    main()
