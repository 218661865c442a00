# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log Analytics workspaces: REST <-> shape conversion and the reconcile resource."""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    Refusal,
    norm_ci,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, parse_resource_id

LogAnalyticsManagementClient = optional_import(
    "azure.mgmt.loganalytics", "LogAnalyticsManagementClient", "azure-mgmt-loganalytics"
)

WORKSPACE_TYPE = "Microsoft.OperationalInsights/workspaces"
DEFAULT_SKU = "PerGB2018"
DEFAULT_RETENTION_DAYS = 30
UNLIMITED_QUOTA = -1.0
SKUS = ["PerGB2018", "CapacityReservation"]
CAPACITY_RESERVATION_LEVELS = [100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000]

# shape key -> REST property (under properties) for the plain settings.
PLAIN_PROPERTIES = {
    "retention_in_days": "retentionInDays",
    "public_network_access_for_ingestion": "publicNetworkAccessForIngestion",
    "public_network_access_for_query": "publicNetworkAccessForQuery",
}

# Features the workspace API accepts back; sent from the current workspace so a change of one keeps the others.
WRITABLE_FEATURES = (
    "enableDataExport",
    "immediatePurgeDataOn30Days",
    "enableLogAccessUsingOnlyResourcePermissions",
    "disableLocalAuth",
)


def _quota(value):
    """``dailyQuotaGb`` compares as a number: ``-1`` and ``-1.0`` (no cap) are the same."""
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


WORKSPACE_RULES = {
    "location": norm_location,
    "sku": norm_ci,
    "public_network_access_for_ingestion": norm_ci,
    "public_network_access_for_query": norm_ci,
    "daily_quota_gb": _quota,
}


def log_analytics_workspace_shape(body):
    """A workspace's REST JSON as the module returns it, with the service's defaults filled in."""
    if body is None:
        return None
    props = body.get("properties") or {}
    sku = props.get("sku") or {}
    capping = props.get("workspaceCapping") or {}
    features = props.get("features") or {}
    ids = parse_resource_id(body.get("id"))
    quota = capping.get("dailyQuotaGb")
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": ids.get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "customer_id": props.get("customerId"),
        "sku": sku.get("name") or DEFAULT_SKU,
        "capacity_reservation_level": sku.get("capacityReservationLevel"),
        "retention_in_days": props.get("retentionInDays"),
        "daily_quota_gb": UNLIMITED_QUOTA if quota is None else _quota(quota),
        "disable_local_auth": bool(features.get("disableLocalAuth")),
        "public_network_access_for_ingestion": props.get("publicNetworkAccessForIngestion") or "Enabled",
        "public_network_access_for_query": props.get("publicNetworkAccessForQuery") or "Enabled",
        "provisioning_state": props.get("provisioningState"),
    }


def _sku_body(shape):
    sku = {"name": shape.get("sku") or DEFAULT_SKU}
    if norm_ci(sku["name"]) == "capacityreservation" and shape.get("capacity_reservation_level") is not None:
        sku["capacityReservationLevel"] = shape["capacity_reservation_level"]
    return sku


def _features_body(after, current_raw):
    features = {}
    current = ((current_raw or {}).get("properties") or {}).get("features") or {}
    for key in WRITABLE_FEATURES:
        if current.get(key) is not None:
            features[key] = copy.deepcopy(current[key])
    features["disableLocalAuth"] = bool(after.get("disable_local_auth"))
    return features


def create_body(desired, location):
    properties = {"sku": _sku_body(desired)}
    for key, rest in PLAIN_PROPERTIES.items():
        if desired.get(key) is not None:
            properties[rest] = desired[key]
    if desired.get("daily_quota_gb") is not None:
        properties["workspaceCapping"] = {"dailyQuotaGb": desired["daily_quota_gb"]}
    if desired.get("disable_local_auth") is not None:
        properties["features"] = {"disableLocalAuth": desired["disable_local_auth"]}
    body = {"location": location, "properties": properties}
    if desired.get("tags"):
        body["tags"] = desired["tags"]
    return body


def update_body(after, differences, current_raw=None):
    """The PATCH body for the top-level settings that differ, from the predicted ``after`` shape."""
    body = {}
    properties = {}
    for key in differences.top_level():
        if key == "tags":
            body["tags"] = after.get("tags") or {}
        elif key in ("sku", "capacity_reservation_level"):
            properties["sku"] = _sku_body(after)
        elif key == "daily_quota_gb":
            properties["workspaceCapping"] = {"dailyQuotaGb": after["daily_quota_gb"]}
        elif key == "disable_local_auth":
            properties["features"] = _features_body(after, current_raw)
        elif key in PLAIN_PROPERTIES:
            properties[PLAIN_PROPERTIES[key]] = after[key]
    if properties:
        body["properties"] = properties
    return body


class LogAnalyticsWorkspace(GroupedResource):
    kind = "Log Analytics workspace"
    arm_type = WORKSPACE_TYPE
    immutable = {
        "location": "A workspace's location is fixed at creation: create a new workspace to use another location.",
    }

    def __init__(self, module, name, resource_group, location=None, append_tags=True, force=False):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.location = location
        self.force = force
        self.client = module.client(LogAnalyticsManagementClient)
        self.rules = dict(WORKSPACE_RULES, **tag_rules(append_tags))
        self.raw = None

    def read(self):
        self.raw = self.module.read(self.label, self.client.workspaces.get, self.resource_group, self.name)
        return log_analytics_workspace_shape(self.raw)

    def check(self, desired, current):
        super().check(desired, current)
        after = self.predict_create(desired) if current is None else self.predict_update(desired, current)
        reserved = norm_ci(after.get("sku")) == "capacityreservation"
        if reserved and not after.get("capacity_reservation_level"):
            raise Refusal(
                f"{self.label}: sku CapacityReservation needs capacity_reservation_level (GB per day, for example 100)."
            )
        if not reserved and desired.get("capacity_reservation_level") is not None:
            raise Refusal(
                f"{self.label}: capacity_reservation_level applies only with sku CapacityReservation (the workspace "
                f"would be {after.get('sku')}). Set sku: CapacityReservation, or leave capacity_reservation_level "
                "unset."
            )

    def predict_update(self, desired, current):
        after = super().predict_update(desired, current)
        if norm_ci(after.get("sku")) != "capacityreservation":
            # Azure keeps a reservation level only with the CapacityReservation tier.
            after["capacity_reservation_level"] = None
        return after

    def predict_create(self, desired):
        body = create_body(desired, self.create_location(desired))
        body["id"] = self.resource_id
        body["name"] = self.name
        body["properties"]["provisioningState"] = "Succeeded"
        body["properties"].setdefault("retentionInDays", DEFAULT_RETENTION_DAYS)
        return log_analytics_workspace_shape(body)

    def create(self, desired):
        body = create_body(desired, self.create_location(desired))
        self.module.wait(
            "create", self.label, self.client.workspaces.begin_create_or_update, self.resource_group, self.name, body
        )

    def repair(self, desired, current, differences):
        """The same PUT again, with the user's settings on top of the workspace's. ``features.disableLocalAuth`` goes
        only when the user set it or the workspace holds it: the service answers it only when it was set, so the
        shape's default (false) sent back would leave the repaired workspace unlike a freshly created one."""
        repaired = self.predict_update(desired, current)
        features = ((self.raw or {}).get("properties") or {}).get("features") or {}
        if desired.get("disable_local_auth") is None and features.get("disableLocalAuth") is None:
            repaired["disable_local_auth"] = None
        self.create(repaired)

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        body = update_body(after, differences, self.raw)
        self.module.call("update", self.label, self.client.workspaces.update, self.resource_group, self.name, body)

    def delete(self, current):
        self.module.wait(
            "delete", self.label, self.client.workspaces.begin_delete, self.resource_group, self.name, force=self.force
        )
