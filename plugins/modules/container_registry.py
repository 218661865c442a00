#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: container_registry
short_description: Create, update or delete an Azure Container Registry
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure an Azure Container Registry exists with the given settings, or does not.
  - Option names are the ARM property names in snake_case. Only the options you set (or that have a secure
    default) are compared with Azure, so the second run with the same options reports no change and sends no write.
  - The admin user and anonymous pull are off by default (Azure.ACR.AdminUser, Azure.ACR.AnonymousAccess).
  - Features that need the Premium SKU (the firewall O(network_rule_set), O(network_rule_bypass_options),
    O(public_network_access=Disabled), O(export_policy=disabled), O(zone_redundancy=Enabled)) are refused on a
    Basic or Standard registry before anything is sent, and so is a move to a lower SKU while the registry still
    uses them. Anonymous pull needs Standard or Premium. Disabling export also needs public network access disabled.
  - Before a registry is created, the module checks that its name, global across Azure, is available.
options:
  name:
    description:
      - Name of the registry, 5-50 letters and digits, global across Azure (the login server is
        C(NAME.azurecr.io), in lower case).
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the registry.
    type: str
    required: true
  location:
    description:
      - Azure location of the registry. Defaults to the resource group's location when the registry is created.
      - A registry cannot move; a different location is refused.
    type: str
  state:
    description: V(present) to create or update the registry, V(absent) to delete it with its images.
    type: str
    choices: [present, absent]
    default: present
  sku:
    description:
      - Service tier. V(Premium) is needed for the firewall, private endpoints, export control and zone redundancy.
      - Not compared when not set; a new registry gets V(Standard) (Azure.ACR.MinSku).
    type: str
    choices: [Basic, Standard, Premium]
  admin_user_enabled:
    description:
      - Enable the admin user (a shared user name and password). Off is the secure baseline; use Microsoft Entra
        identities and role assignments (AcrPull, AcrPush) instead.
    type: bool
    default: false
  anonymous_pull_enabled:
    description: Allow pulls without authentication (Standard and Premium only).
    type: bool
    default: false
  public_network_access:
    description:
      - Whether the registry accepts traffic from public networks (subject to O(network_rule_set)).
      - V(Disabled) leaves only private endpoints and needs the Premium SKU.
      - Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  network_rule_set:
    description:
      - The registry's firewall (Premium only). Only the keys you set are compared.
      - On a Basic or Standard registry only the neutral values (V(Allow), no IP rules) are accepted.
    type: dict
    suboptions:
      default_action:
        description: What happens to traffic no rule matches. V(Deny) is the secure baseline (Azure.ACR.Firewall).
        type: str
        choices: [Allow, Deny]
      ip_rules:
        description:
          - Public IPv4 addresses or CIDR ranges allowed in. Compared as a set; V(1.2.3.4) and V(1.2.3.4/32) are
            the same rule. The list replaces the registry's rules.
        type: list
        elements: str
  network_rule_bypass_options:
    description:
      - Whether trusted Azure services may bypass the firewall (Premium only for V(None)). Not compared when not set.
    type: str
    choices: [AzureServices, None]
  export_policy:
    description:
      - C(policies.exportPolicy.status), whether artifacts may be exported (imported into other registries,
        pipelines). V(disabled) prevents data exfiltration; it needs the Premium SKU and
        O(public_network_access=Disabled).
      - Not compared when not set.
    type: str
    choices: [enabled, disabled]
  zone_redundancy:
    description:
      - Spread the registry over availability zones (Premium only, in regions with zones).
      - Set at creation only; a different value for an existing registry is refused. Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-containerregistry >= 10
  - azure-mgmt-resource >= 26 (only to take the location from the resource group)
notes:
  - The module manages the control plane only. It never reads or returns the admin credentials.
  - In check mode, the login server of a registry that does not exist yet is V(null).
seealso:
  - module: mlops.azure.container_registry_info
  - module: mlops.azure.diagnostic_setting
  - name: Azure Container Registry service tiers
    description: Which features need which SKU.
    link: https://learn.microsoft.com/azure/container-registry/container-registry-skus
"""

EXAMPLES = r"""
- name: Premium registry, firewalled, no export
  mlops.azure.container_registry:
    name: crmlopsprodweu01
    resource_group: rg-mlops-shared-weu
    location: westeurope
    sku: Premium
    public_network_access: Disabled
    export_policy: disabled
    zone_redundancy: Enabled
    network_rule_set:
      default_action: Deny
    network_rule_bypass_options: AzureServices
    tags:
      environment: prod
  register: acr

- name: Show the login server
  ansible.builtin.debug:
    msg: "docker login {{ acr.container_registry.login_server }}"

- name: Standard registry for a dev stack
  mlops.azure.container_registry:
    name: crmlopsdevweu01
    resource_group: rg-mlops-dev-weu
    sku: Standard

- name: Remove a test registry and its images
  mlops.azure.container_registry:
    name: crmlopstestweu01
    resource_group: rg-mlops-test-weu
    state: absent
"""

RETURN = r"""
container_registry:
  description:
    - The registry after the task; in check mode, the prediction. V(null) when O(state=absent). No credentials.
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.ContainerRegistry/registries/cr1
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
      sample: Premium
    login_server:
      description: Host name to log in to and to tag images with (V(null) in a check-mode prediction of a new registry).
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
      sample: Enabled
    network_rule_set:
      description: Firewall, with Azure's defaults filled in.
      type: dict
      contains:
        default_action:
          description: Default action.
          type: str
        ip_rules:
          description: IP rules.
          type: list
          elements: str
    network_rule_bypass_options:
      description: Whether trusted Azure services bypass the firewall.
      type: str
      sample: AzureServices
    export_policy:
      description: Export policy status.
      type: str
      sample: enabled
    zone_redundancy:
      description: Zone redundancy.
      type: str
      sample: Disabled
    data_endpoint_enabled:
      description: Whether dedicated data endpoints are enabled (not managed by this module).
      type: bool
    creation_date:
      description: When the registry was created.
      type: str
    private_endpoint_connections:
      description:
        - The private endpoints connected to it (read only), each with C(id), C(private_endpoint_id), C(status)
          (V(Approved), V(Pending), V(Rejected) or V(Disconnected)) and C(provisioning_state). Empty without private
          endpoints.
      type: list
      elements: dict
      sample: []
    provisioning_state:
      description: Provisioning state.
      type: str
diff:
  description: The registry before and after the task, in the shape of RV(container_registry).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._container_registry import SKUS, ContainerRegistry
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        sku=dict(type="str", choices=SKUS),
        admin_user_enabled=dict(type="bool", default=False),
        anonymous_pull_enabled=dict(type="bool", default=False),
        public_network_access=dict(type="str", choices=["Enabled", "Disabled"]),
        network_rule_set=dict(
            type="dict",
            options=dict(
                default_action=dict(type="str", choices=["Allow", "Deny"]),
                ip_rules=dict(type="list", elements="str"),
            ),
        ),
        network_rule_bypass_options=dict(type="str", choices=["AzureServices", "None"]),
        export_policy=dict(type="str", choices=["enabled", "disabled"]),
        zone_redundancy=dict(type="str", choices=["Enabled", "Disabled"]),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("container_registry", params["name"])
    module.check_ip_rules(
        (params["network_rule_set"] or {}).get("ip_rules"), "container_registry", "network_rule_set.ip_rules"
    )
    registry = ContainerRegistry(
        module,
        params["name"],
        params["resource_group"],
        location=params["location"],
        append_tags=params["append_tags"],
    )
    result = module.run_reconcile(reconcile, registry, ContainerRegistry.desired_from(params), params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], container_registry=result["resource"])


if __name__ == "__main__":
    main()
