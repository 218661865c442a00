#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: private_dns_zone_info
short_description: Read Azure private DNS zones with their links and A records
version_added: 0.3.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one private DNS zone, the zones of a resource group, or every zone of the subscription, in the shape
    M(mlops.azure.private_dns_zone) returns, with the virtual network links and the A record sets of each.
options:
  name:
    description:
      - DNS name of the zone to read (needs O(resource_group)). A zone that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read zones from. When not set, every zone of the subscription.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-privatedns >= 2
seealso:
  - module: mlops.azure.private_dns_zone
"""

EXAMPLES = r"""
- name: The vault zone of a platform team's hub
  mlops.azure.private_dns_zone_info:
    name: privatelink.vaultcore.azure.net
    resource_group: rg-dns-hub
  register: hub_zone
"""

RETURN = r"""
private_dns_zones:
  description:
    - The zones found, in the shape M(mlops.azure.private_dns_zone) returns
      (see its RV(mlops.azure.private_dns_zone#module:private_dns_zone)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io
      name: privatelink.azurecr.io
      resource_group: rg1
      location: global
      virtual_network_links:
        - name: link-vnet1
          virtual_network: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1
          registration_enabled: false
      a_record_sets:
        - name: cr1
          fqdn: cr1.privatelink.azurecr.io.
          ttl: 10
          ip_addresses: [10.0.1.4]
      provisioning_state: Succeeded
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module
from ansible_collections.mlops.azure.plugins.module_utils._private_dns_zone import PrivateDnsZone


def main():
    module = info_module()
    module.exit_json(changed=False, private_dns_zones=PrivateDnsZone.read_all(module))


if __name__ == "__main__":
    main()
