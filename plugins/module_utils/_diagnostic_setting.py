# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Diagnostic settings: REST <-> shape conversion and the reconcile resource.

A diagnostic setting lives under any resource (``{resource_id}/providers/Microsoft.Insights/diagnosticSettings/
{name}``). Its ``logs`` and ``metrics`` are compared as sets of the *enabled* entries: Azure lists categories it
was not asked for as disabled, and a disabled entry means the same as no entry.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    AzureResource,
    ListOf,
    Refusal,
    norm_id,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import

MonitorManagementClient = optional_import("azure.mgmt.monitor", "MonitorManagementClient", "azure-mgmt-monitor")

CATEGORY_GROUPS = ["audit", "allLogs"]

# Settings of the current diagnostic setting sent back with every PUT, so a change keeps them.
KEPT_PROPERTIES = (
    "eventHubAuthorizationRuleId",
    "eventHubName",
    "serviceBusRuleId",
    "marketplacePartnerId",
    "logAnalyticsDestinationType",
)


def norm_destination(value):
    """Resource ids compare case-insensitively; ``""`` (remove the destination) is the same as none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return norm_id(value)


def entry_key(entry):
    """A log or metric entry as ``(category, category_group)``, case-insensitive."""
    if not isinstance(entry, dict):
        return (str(entry).casefold(), "")
    return ((entry.get("category") or "").casefold(), (entry.get("category_group") or "").casefold())


DIAGNOSTIC_RULES = {
    "workspace_id": norm_destination,
    "storage_account_id": norm_destination,
    "logs": ListOf(entry_key),
    "metrics": ListOf(entry_key),
}


def _log_shape(entry):
    return {"category": entry.get("category"), "category_group": entry.get("categoryGroup"), "enabled": True}


def _metric_shape(entry):
    return {"category": entry.get("category"), "enabled": True}


def diagnostic_setting_shape(body, resource_id=None):
    """A diagnostic setting's REST JSON as the module returns it (only the enabled log and metric entries)."""
    if body is None:
        return None
    props = body.get("properties") or {}
    setting_id = body.get("id")
    if resource_id is None and setting_id:
        marker = "/providers/microsoft.insights/diagnosticsettings/"
        index = setting_id.casefold().rfind(marker)
        resource_id = setting_id[:index] if index > 0 else None
    return {
        "id": setting_id,
        "name": body.get("name"),
        "resource_id": resource_id,
        "workspace_id": props.get("workspaceId") or None,
        "storage_account_id": props.get("storageAccountId") or None,
        "log_analytics_destination_type": props.get("logAnalyticsDestinationType"),
        "logs": [_log_shape(entry) for entry in props.get("logs") or [] if entry.get("enabled")],
        "metrics": [_metric_shape(entry) for entry in props.get("metrics") or [] if entry.get("enabled")],
    }


def desired_entries(entries, what):
    """The user's ``logs`` / ``metrics`` as enabled shape entries, and the problems found."""
    if entries is None:
        return None, []
    result = []
    problems = []
    seen = set()
    for index, entry in enumerate(entries):
        category = entry.get("category")
        group = entry.get("category_group") if what == "logs" else None
        if bool(category) == bool(group):
            if what == "logs":
                problems.append(f"logs[{index}] needs exactly one of category or category_group")
            else:
                problems.append(f"metrics[{index}] needs a category (for example AllMetrics)")
            continue
        if not entry.get("enabled", True):
            continue
        shape = {"category": category, "category_group": group, "enabled": True}
        if what == "metrics":
            shape.pop("category_group")
        key = entry_key(shape)
        if key in seen:
            problems.append(f"{what} lists {category or group} twice")
            continue
        seen.add(key)
        result.append(shape)
    return result, problems


def _filled(shape):
    """Every log entry with both ``category`` and ``category_group`` keys, as read-back shapes have them."""
    shape["logs"] = [
        {"category": entry.get("category"), "category_group": entry.get("category_group"), "enabled": True}
        for entry in shape.get("logs") or []
    ]
    shape["metrics"] = [{"category": entry.get("category"), "enabled": True} for entry in shape.get("metrics") or []]
    return shape


def setting_body(after, current_raw=None):
    """The full PUT body for the predicted ``after`` shape, keeping the destinations this module does not manage."""
    current_props = ((current_raw or {}).get("properties") or {}) if current_raw else {}
    properties = {}
    for key in KEPT_PROPERTIES:
        if current_props.get(key) is not None:
            properties[key] = copy.deepcopy(current_props[key])
    if norm_destination(after.get("workspace_id")):
        properties["workspaceId"] = after["workspace_id"]
    if norm_destination(after.get("storage_account_id")):
        properties["storageAccountId"] = after["storage_account_id"]
    logs = []
    for entry in after.get("logs") or []:
        item = {"enabled": True}
        if entry.get("category_group"):
            item["categoryGroup"] = entry["category_group"]
        else:
            item["category"] = entry["category"]
        logs.append(item)
    properties["logs"] = logs
    properties["metrics"] = [{"category": entry["category"], "enabled": True} for entry in after.get("metrics") or []]
    return {"properties": properties}


class DiagnosticSetting(AzureResource):
    kind = "diagnostic setting"

    def __init__(self, module, name, resource_id):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_id = resource_id.rstrip("/")
        self.client = module.client(MonitorManagementClient)
        self.rules = dict(DIAGNOSTIC_RULES)
        self.raw = None

    @property
    def label(self):
        return f"diagnostic setting '{self.name}' of {self.resource_id}"

    def read(self):
        self.raw = self.module.read(self.label, self.client.diagnostic_settings.get, self.resource_id, self.name)
        return diagnostic_setting_shape(self.raw, self.resource_id)

    def check(self, desired, current):
        after = self.predict_create(desired) if current is None else self.predict_update(desired, current)
        kept = ((self.raw or {}).get("properties") or {}) if current is not None else {}
        destinations = [
            after.get("workspace_id"),
            after.get("storage_account_id"),
            kept.get("eventHubAuthorizationRuleId"),
            kept.get("marketplacePartnerId"),
        ]
        if not any(norm_destination(value) for value in destinations):
            raise Refusal(
                f"{self.label} would have no destination: set workspace_id (a Log Analytics workspace) and/or "
                "storage_account_id."
            )
        logs = after.get("logs") or []
        if any(entry.get("category") for entry in logs) and any(entry.get("category_group") for entry in logs):
            raise Refusal(
                f"{self.label}: Azure does not accept log categories and category groups in one setting. List either "
                "categories (such as AuditEvent) or category groups (audit, allLogs) in logs, or use two settings."
            )
        if not after.get("logs") and not after.get("metrics"):
            raise Refusal(
                f"{self.label} would collect nothing: enable at least one entry of logs (a category, or a "
                "category_group such as audit or allLogs) or metrics (such as AllMetrics)."
            )

    def predict_create(self, desired):
        shape = {
            "id": f"{self.resource_id}/providers/Microsoft.Insights/diagnosticSettings/{self.name}",
            "name": self.name,
            "resource_id": self.resource_id,
            "workspace_id": norm_destination(desired.get("workspace_id")) and desired.get("workspace_id"),
            "storage_account_id": norm_destination(desired.get("storage_account_id"))
            and desired.get("storage_account_id"),
            "log_analytics_destination_type": None,
            "logs": desired.get("logs") or [],
            "metrics": desired.get("metrics") or [],
        }
        return _filled(shape)

    def predict_update(self, desired, current):
        after = super().predict_update(desired, current)
        for key in ("workspace_id", "storage_account_id"):
            if not norm_destination(after.get(key)):
                after[key] = None
        return _filled(after)

    def create(self, desired):
        self._put(self.predict_create(desired), None, "create")

    def update(self, desired, current, differences):
        self._put(self.predict_update(desired, current), self.raw, "update")

    def _put(self, after, current_raw, action):
        self.module.call(
            action,
            self.label,
            self.client.diagnostic_settings.create_or_update,
            self.resource_id,
            self.name,
            setting_body(after, current_raw),
        )

    def delete(self, current):
        self.module.call("delete", self.label, self.client.diagnostic_settings.delete, self.resource_id, self.name)
