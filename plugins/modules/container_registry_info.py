#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: container_registry_info
short_description: Read Azure Container Registries
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one container registry, the registries of a resource group, or every registry of the subscription.
  - Never returns credentials.
options:
  name:
    description:
      - Name of the registry to read (needs O(resource_group)). A registry that does not exist gives an empty list.
    type: str
  resource_group:
    description: Resource group to read registries from. When not set, every registry of the subscription.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-containerregistry >= 10
seealso:
  - module: mlops.azure.container_registry
"""

EXAMPLES = r"""
- name: Read one registry
  mlops.azure.container_registry_info:
    name: crmlopsprodweu01
    resource_group: rg-mlops-shared-weu
  register: acr

- name: Every registry of the subscription
  mlops.azure.container_registry_info:
  register: registries
"""

RETURN = r"""
container_registries:
  description: The registries found, in the shape M(mlops.azure.container_registry) returns.
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
    sku:
      description: Service tier.
      type: str
    login_server:
      description: Login server.
      type: str
      sample: crmlopsprodweu01.azurecr.io
    admin_user_enabled:
      description: Whether the admin user is enabled.
      type: bool
    anonymous_pull_enabled:
      description: Whether anonymous pull is enabled.
      type: bool
    public_network_access:
      description: Public network access.
      type: str
    network_rule_set:
      description: Firewall (C(default_action), C(ip_rules)).
      type: dict
    network_rule_bypass_options:
      description: Whether trusted Azure services bypass the firewall.
      type: str
    export_policy:
      description: Export policy status.
      type: str
    zone_redundancy:
      description: Zone redundancy.
      type: str
    data_endpoint_enabled:
      description: Whether dedicated data endpoints are enabled.
      type: bool
    creation_date:
      description: When the registry was created.
      type: str
    provisioning_state:
      description: Provisioning state.
      type: str
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import info_module
from ansible_collections.mlops.azure.plugins.module_utils._container_registry import ContainerRegistry


def main():
    module = info_module()
    module.exit_json(changed=False, container_registries=ContainerRegistry.read_all(module))


if __name__ == "__main__":
    main()
