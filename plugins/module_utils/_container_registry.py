# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container registries, declared on the resource kit (``_resource.py``) over ``azure-mgmt-containerregistry``, and
the SKU rules.

Premium-only features (firewall, trusted-service bypass, disabling public access or export, zone redundancy)
are refused on a Basic or Standard registry before anything is sent: the predicted registry (current settings
with the user's changes applied) must be one Azure accepts.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    ListOf,
    Refusal,
    canonical_ip,
    get_path,
    norm_ci,
    norm_ip,
)
from ansible_collections.mlops.azure.plugins.module_utils._resource import (
    Field,
    SdkResource,
    private_endpoint_connections_field,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import

ContainerRegistryManagementClient = optional_import(
    "azure.mgmt.containerregistry", "ContainerRegistryManagementClient", "azure-mgmt-containerregistry"
)

REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"
DEFAULT_SKU = "Standard"
SKUS = ["Basic", "Standard", "Premium"]

# What every registry has when the Premium-only features are not in use.
NEUTRAL = {
    "network_rule_set.default_action": "Allow",
    "network_rule_set.ip_rules": [],
    "network_rule_bypass_options": "AzureServices",
    "public_network_access": "Enabled",
    "export_policy": "enabled",
    "zone_redundancy": "Disabled",
}
PREMIUM_ONLY = tuple(sorted(set(path.split(".")[0] for path in NEUTRAL)))

PREMIUM_WHY = {
    "network_rule_set.default_action": "a registry firewall (network_rule_set)",
    "network_rule_set.ip_rules": "IP rules (network_rule_set.ip_rules)",
    "network_rule_bypass_options": "choosing whether trusted Azure services bypass the firewall "
    "(network_rule_bypass_options)",
    "public_network_access": "disabling public network access (private endpoints)",
    "export_policy": "disabling export (export_policy)",
    "zone_redundancy": "zone redundancy (zone_redundancy)",
}


def network_rule_set_shape(rule_set):
    return {
        "default_action": rule_set.get("defaultAction") or "Allow",
        "ip_rules": [canonical_ip(rule.get("value")) for rule in rule_set.get("ipRules") or []],
    }


def network_rule_set_body(shape, held=None):
    return {
        "defaultAction": shape.get("default_action") or "Allow",
        "ipRules": [{"action": "Allow", "value": value} for value in shape.get("ip_rules") or []],
    }


def export_policy_body(status, held):
    """``properties.policies`` with the export policy's status: an update keeps the other policies (quarantine,
    trust, retention) as Azure holds them."""
    policies = copy.deepcopy(held or {})
    policies["exportPolicy"] = dict(policies.get("exportPolicy") or {}, status=status)
    return policies


def premium_problems(after):
    """The Premium-only features ``after`` (a predicted registry) uses, as sentences, when it is not Premium."""
    problems = []
    rules = ContainerRegistry.field_rules()
    sku = norm_ci(after.get("sku") or DEFAULT_SKU)
    if sku != "premium":
        for path, neutral in NEUTRAL.items():
            value = get_path(after, path)
            rule = rules.get(path)
            if isinstance(rule, ListOf):
                same = rule.key(value) == rule.key(neutral)
            else:
                same = norm_ci(value) == norm_ci(neutral)
            if not same:
                problems.append(f"{PREMIUM_WHY[path]} needs the Premium SKU ({path}: {value!r})")
    if sku == "basic" and after.get("anonymous_pull_enabled"):
        problems.append("anonymous pull needs the Standard or Premium SKU")
    if norm_ci(after.get("export_policy")) == "disabled" and norm_ci(after.get("public_network_access")) != "disabled":
        problems.append("disabling export (export_policy: disabled) needs public_network_access: Disabled as well")
    return problems


class ContainerRegistry(SdkResource):
    kind = "container registry"
    plural = "container registries"
    arm_type = REGISTRY_TYPE
    location_fixed = (
        "A registry's location is fixed at creation: create a new registry (and geo-replicate if needed) to use "
        "another location."
    )
    sdk_client = ContainerRegistryManagementClient
    sdk_operations = "registries"
    sdk_create = "begin_create"
    fields = (
        Field("sku", "sku.name", norm=norm_ci, create_default=DEFAULT_SKU),
        Field("login_server", "properties.loginServer", read_only=True),
        Field("admin_user_enabled", "properties.adminUserEnabled", default=False),
        Field("anonymous_pull_enabled", "properties.anonymousPullEnabled", default=False),
        Field("public_network_access", "properties.publicNetworkAccess", norm=norm_ci, default="Enabled"),
        private_endpoint_connections_field(),
        Field(
            "network_rule_set",
            "properties.networkRuleSet",
            norm={"default_action": norm_ci, "ip_rules": ListOf(norm_ip)},
            default={"default_action": "Allow", "ip_rules": []},
            read=network_rule_set_shape,
            write=network_rule_set_body,
        ),
        Field(
            "network_rule_bypass_options", "properties.networkRuleBypassOptions", norm=norm_ci, default="AzureServices"
        ),
        Field(
            "export_policy",
            "properties.policies",
            norm=norm_ci,
            default="enabled",
            read=lambda policies: (policies.get("exportPolicy") or {}).get("status"),
            write=export_policy_body,
        ),
        Field(
            "zone_redundancy",
            "properties.zoneRedundancy",
            norm=norm_ci,
            default="Disabled",
            create_only="Zone redundancy is chosen when the registry is created: create a new registry to change it.",
        ),
        Field("data_endpoint_enabled", "properties.dataEndpointEnabled", read_only=True, default=False),
        Field("creation_date", "properties.creationDate", read_only=True),
    )

    @classmethod
    def desired_from(cls, params):
        """IP rules as Azure stores them (``1.2.3.4/32`` is sent as ``1.2.3.4``)."""
        desired = super().desired_from(params)
        rule_set = desired.get("network_rule_set") or {}
        if rule_set.get("ip_rules") is not None:
            rule_set["ip_rules"] = [canonical_ip(value) for value in rule_set["ip_rules"]]
        return desired

    def body(self, shape, differences=None):
        """A Basic or Standard registry is created with none of the Premium-only settings (by then they are at
        their neutral values, or the change was refused)."""
        if differences is None and norm_ci(shape.get("sku") or DEFAULT_SKU) != "premium":
            shape = dict(shape, **dict.fromkeys(PREMIUM_ONLY))
        return super().body(shape, differences)

    def check(self, desired, current):
        super().check(desired, current)
        after = self.predict_create(desired) if current is None else self.predict_update(desired, current)
        problems = premium_problems(after)
        if problems:
            advice = ""
            if norm_ci(after.get("sku")) != "premium":
                advice = (
                    f" Set sku: Premium, or leave these options at their defaults for a {after.get('sku')} registry."
                )
            raise Refusal("{}: {}.{}".format(self.label, "; ".join(problems), advice))
        if current is None:
            self.check_name_available(
                self.operations.check_name_availability,
                REGISTRY_TYPE,
                "Registry names are global across all of Azure (the login server is NAME.azurecr.io): choose another "
                "name.",
            )
