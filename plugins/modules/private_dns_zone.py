#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: private_dns_zone
short_description: Create, update or delete an Azure private DNS zone and its virtual network links
version_added: 0.3.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a private DNS zone exists (in location C(global)), linked to the virtual networks that resolve names
    in it, or does not.
  - For private endpoints, use the zone Microsoft recommends for the service, for example
    C(privatelink.vaultcore.azure.net), C(privatelink.blob.core.windows.net), C(privatelink.azurecr.io),
    C(privatelink.api.azureml.ms) and C(privatelink.notebooks.azure.net) in the public cloud; endpoints write their
    A records into it through their zone group (M(mlops.azure.private_endpoint)).
  - Azure fixes the virtual network of a link when the link is created; a change is refused, with the reason, before
    anything is sent. Only the options you set are compared, so the second run with the same options reports no
    change and sends no write. A zone or link in provisioning state C(Failed) is sent again, which is how Azure
    repairs it.
  - Azure refuses to delete a zone that still has links, so O(state=absent) deletes the zone's links first, then the
    zone (and the records in it).
options:
  name:
    description:
      - The zone's DNS name, two to 34 labels (single-label zones are not supported), not one of the names Azure
        reserves (such as C(core.windows.net)). Checked before anything is sent.
    type: str
    required: true
  resource_group:
    description: Resource group of the zone.
    type: str
    required: true
  state:
    description: V(present) to create or update the zone, V(absent) to delete it with its links and records.
    type: str
    choices: [present, absent]
    default: present
  virtual_network_links:
    description:
      - The zone's links to virtual networks, matched by name. Links not listed are left alone unless
        O(purge_virtual_network_links=true). Not managed when not set.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the link, 1-80 letters, digits, underscores, periods and hyphens.
        type: str
        required: true
      virtual_network:
        description: Resource id of the virtual network. Fixed when the link is created.
        type: str
        required: true
      registration_enabled:
        description:
          - Whether virtual machines of the network register their names in the zone. A network registers in one
            zone at most. V(false) when not set.
        type: bool
      resolution_policy:
        description:
          - V(NxDomainRedirect) lets names missing from a C(privatelink) zone fall back to public resolution.
            V(Default) when not set.
        type: str
        choices: [Default, NxDomainRedirect]
  purge_virtual_network_links:
    description: Delete the links of the zone that O(virtual_network_links) does not list.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-privatedns >= 2
seealso:
  - module: mlops.azure.private_dns_zone_info
  - module: mlops.azure.private_endpoint
  - module: mlops.azure.virtual_network
"""

EXAMPLES = r"""
- name: The zone of Key Vault private endpoints, linked to the stack's network
  mlops.azure.private_dns_zone:
    name: privatelink.vaultcore.azure.net
    resource_group: rg-mlops-prod-weu
    virtual_network_links:
      - name: link-vnet-mlops-prod-weu
        virtual_network: "{{ network.virtual_network.id }}"
  register: kv_zone

- name: Delete the zone with its links and records
  mlops.azure.private_dns_zone:
    name: privatelink.vaultcore.azure.net
    resource_group: rg-mlops-prod-weu
    state: absent
"""

RETURN = r"""
private_dns_zone:
  description: The zone after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
    name:
      description: The zone's DNS name.
      type: str
      sample: privatelink.vaultcore.azure.net
    resource_group:
      description: Resource group.
      type: str
    location:
      description: Always V(global).
      type: str
      sample: global
    tags:
      description: Tags.
      type: dict
    virtual_network_links:
      description: The zone's links.
      type: list
      elements: dict
      contains:
        name:
          description: Name.
          type: str
        id:
          description: Resource id.
          type: str
        virtual_network:
          description: Resource id of the linked network.
          type: str
        registration_enabled:
          description: Whether auto-registration is on.
          type: bool
        resolution_policy:
          description: V(Default) or V(NxDomainRedirect).
          type: str
        virtual_network_link_state:
          description: V(InProgress) or V(Completed).
          type: str
        provisioning_state:
          description: Provisioning state of the link.
          type: str
        tags:
          description: Tags of the link.
          type: dict
    a_record_sets:
      description: The zone's A record sets (what private endpoints' zone groups wrote), read only.
      type: list
      elements: dict
      contains:
        name:
          description: Name relative to the zone.
          type: str
        fqdn:
          description: FQDN.
          type: str
        ttl:
          description: Time to live, in seconds.
          type: int
        ip_addresses:
          description: IPv4 addresses.
          type: list
          elements: str
    number_of_record_sets:
      description: Record sets in the zone (with the SOA record set).
      type: int
    number_of_virtual_network_links:
      description: Links of the zone.
      type: int
    number_of_virtual_network_links_with_registration:
      description: Links with auto-registration.
      type: int
    max_number_of_record_sets:
      description: The zone's record set limit.
      type: int
    provisioning_state:
      description: Provisioning state.
      type: str
      sample: Succeeded
diff:
  description: The zone before and after the task, in the shape of RV(private_dns_zone).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import (
    STATE_ARGSPEC,
    TAGS_ARGSPEC,
    AzureModule,
)
from ansible_collections.mlops.azure.plugins.module_utils._private_dns_zone import (
    RESOLUTION_POLICIES,
    PrivateDnsZone,
    link_problems,
    zone_name_problems,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        virtual_network_links=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                virtual_network=dict(type="str", required=True),
                registration_enabled=dict(type="bool"),
                resolution_policy=dict(type="str", choices=RESOLUTION_POLICIES),
            ),
        ),
        purge_virtual_network_links=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.fail_on_problems(zone_name_problems(params["name"]) + link_problems(params["virtual_network_links"]))
    zone = PrivateDnsZone(
        module,
        params["name"],
        params["resource_group"],
        append_tags=params["append_tags"],
        purge_links=params["purge_virtual_network_links"],
    )
    result = module.run_reconcile(reconcile, zone, PrivateDnsZone.desired_from(params), params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], private_dns_zone=result["resource"])


if __name__ == "__main__":
    main()
