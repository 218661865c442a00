# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container registries: REST <-> shape conversion, the SKU rules and the reconcile resource.

Premium-only features (firewall, trusted-service bypass, disabling public access or export, zone redundancy)
are refused on a Basic or Standard registry before anything is sent: the predicted registry (current settings
with the user's changes applied) must be one Azure accepts.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    ListOf,
    Refusal,
    canonical_ip,
    get_path,
    merge,
    norm_ci,
    norm_ip,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import (
    optional_import,
    parse_resource_id,
    private_endpoint_connections,
)

ContainerRegistryManagementClient = optional_import(
    "azure.mgmt.containerregistry", "ContainerRegistryManagementClient", "azure-mgmt-containerregistry"
)

REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"
DEFAULT_SKU = "Standard"
SKUS = ["Basic", "Standard", "Premium"]

# shape key -> REST property (under properties) for the plain settings.
PLAIN_PROPERTIES = {
    "admin_user_enabled": "adminUserEnabled",
    "anonymous_pull_enabled": "anonymousPullEnabled",
    "public_network_access": "publicNetworkAccess",
    "network_rule_bypass_options": "networkRuleBypassOptions",
    "zone_redundancy": "zoneRedundancy",
}

REGISTRY_RULES = {
    "location": norm_location,
    "sku": norm_ci,
    "public_network_access": norm_ci,
    "network_rule_bypass_options": norm_ci,
    "zone_redundancy": norm_ci,
    "export_policy": norm_ci,
    "network_rule_set.default_action": norm_ci,
    "network_rule_set.ip_rules": ListOf(norm_ip),
}

# What every registry has when the Premium-only features are not in use.
NEUTRAL = {
    "network_rule_set.default_action": "Allow",
    "network_rule_set.ip_rules": [],
    "network_rule_bypass_options": "AzureServices",
    "public_network_access": "Enabled",
    "export_policy": "enabled",
    "zone_redundancy": "Disabled",
}

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
    rule_set = rule_set or {}
    return {
        "default_action": rule_set.get("defaultAction") or "Allow",
        "ip_rules": [canonical_ip(rule.get("value")) for rule in rule_set.get("ipRules") or []],
    }


def network_rule_set_body(shape):
    return {
        "defaultAction": shape.get("default_action") or "Allow",
        "ipRules": [{"action": "Allow", "value": value} for value in shape.get("ip_rules") or []],
    }


def container_registry_shape(body):
    """A registry's REST JSON as the module returns it, with the service's defaults filled in."""
    if body is None:
        return None
    props = body.get("properties") or {}
    policies = props.get("policies") or {}
    ids = parse_resource_id(body.get("id"))
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": ids.get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "sku": (body.get("sku") or {}).get("name"),
        "login_server": props.get("loginServer"),
        "admin_user_enabled": bool(props.get("adminUserEnabled")),
        "anonymous_pull_enabled": bool(props.get("anonymousPullEnabled")),
        "public_network_access": props.get("publicNetworkAccess") or "Enabled",
        "network_rule_set": network_rule_set_shape(props.get("networkRuleSet")),
        "network_rule_bypass_options": props.get("networkRuleBypassOptions") or "AzureServices",
        "export_policy": (policies.get("exportPolicy") or {}).get("status") or "enabled",
        "zone_redundancy": props.get("zoneRedundancy") or "Disabled",
        "data_endpoint_enabled": bool(props.get("dataEndpointEnabled")),
        "creation_date": props.get("creationDate"),
        "private_endpoint_connections": private_endpoint_connections(props),
        "provisioning_state": props.get("provisioningState"),
    }


def desired_network_rule_set(rule_set):
    if rule_set is None:
        return None
    shape = {}
    if rule_set.get("default_action") is not None:
        shape["default_action"] = rule_set["default_action"]
    if rule_set.get("ip_rules") is not None:
        shape["ip_rules"] = [canonical_ip(value) for value in rule_set["ip_rules"]]
    return shape


def premium_problems(after):
    """The Premium-only features ``after`` (a predicted registry) uses, as sentences, when it is not Premium."""
    problems = []
    sku = norm_ci(after.get("sku") or DEFAULT_SKU)
    if sku != "premium":
        for path, neutral in NEUTRAL.items():
            value = get_path(after, path)
            rule = REGISTRY_RULES.get(path)
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


def create_body(desired, location):
    """The PUT body that creates a registry from the desired shape.

    A Basic or Standard registry is sent none of the Premium-only settings (by then they are at their
    neutral values, or the change was refused).
    """
    sku = desired.get("sku") or DEFAULT_SKU
    premium = norm_ci(sku) == "premium"
    properties = {}
    for key, rest in PLAIN_PROPERTIES.items():
        if desired.get(key) is not None and (premium or key not in NEUTRAL):
            properties[rest] = desired[key]
    if desired.get("network_rule_set") is not None and premium:
        rule_set = merge(network_rule_set_shape(None), desired["network_rule_set"], REGISTRY_RULES, "network_rule_set")
        properties["networkRuleSet"] = network_rule_set_body(rule_set)
    if desired.get("export_policy") is not None and premium:
        properties["policies"] = {"exportPolicy": {"status": desired["export_policy"]}}
    body = {"location": location, "sku": {"name": sku}, "properties": properties}
    if desired.get("tags"):
        body["tags"] = desired["tags"]
    return body


def update_body(after, differences, current_raw=None):
    """The PATCH body for the top-level settings that differ, taken from the predicted ``after`` shape."""
    body = {}
    properties = {}
    for key in differences.top_level():
        if key == "tags":
            body["tags"] = after.get("tags") or {}
        elif key == "sku":
            body["sku"] = {"name": after["sku"]}
        elif key == "network_rule_set":
            properties["networkRuleSet"] = network_rule_set_body(after["network_rule_set"])
        elif key == "export_policy":
            # Keep the other policies (quarantine, trust, retention) as they are.
            policies = copy.deepcopy(((current_raw or {}).get("properties") or {}).get("policies") or {})
            policies["exportPolicy"] = dict(policies.get("exportPolicy") or {}, status=after["export_policy"])
            properties["policies"] = policies
        elif key in PLAIN_PROPERTIES:
            properties[PLAIN_PROPERTIES[key]] = after[key]
    if properties:
        body["properties"] = properties
    return body


class ContainerRegistry(GroupedResource):
    kind = "container registry"
    arm_type = REGISTRY_TYPE
    immutable = {
        "location": "A registry's location is fixed at creation: create a new registry (and geo-replicate if "
        "needed) to use another location.",
        "zone_redundancy": "Zone redundancy is chosen when the registry is created: create a new registry to "
        "change it.",
    }

    def __init__(self, module, name, resource_group, location=None, append_tags=True):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.location = location
        self.client = module.client(ContainerRegistryManagementClient)
        self.rules = dict(REGISTRY_RULES, **tag_rules(append_tags))
        self.raw = None

    # -- reading ----------------------------------------------------------------------------
    def read(self):
        self.raw = self.module.read(self.label, self.client.registries.get, self.resource_group, self.name)
        return container_registry_shape(self.raw)

    # -- refusals ---------------------------------------------------------------------------
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
            self._check_name_available()

    def _check_name_available(self):
        self.check_name_available(
            self.client.registries.check_name_availability,
            REGISTRY_TYPE,
            "Registry names are global across all of Azure (the login server is NAME.azurecr.io): choose another name.",
        )

    # -- prediction -------------------------------------------------------------------------
    def predict_create(self, desired):
        body = create_body(desired, self.create_location(desired))
        body["id"] = self.resource_id
        body["name"] = self.name
        body["properties"]["provisioningState"] = "Succeeded"
        return container_registry_shape(body)

    # -- writing ----------------------------------------------------------------------------
    def create(self, desired):
        body = create_body(desired, self.create_location(desired))
        self.module.wait(
            "create", self.label, self.client.registries.begin_create, self.resource_group, self.name, body
        )

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        body = update_body(after, differences, self.raw)
        self.module.wait(
            "update", self.label, self.client.registries.begin_update, self.resource_group, self.name, body
        )

    def delete(self, current):
        self.module.wait("delete", self.label, self.client.registries.begin_delete, self.resource_group, self.name)
