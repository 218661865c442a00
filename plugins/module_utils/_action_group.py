# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure Monitor action groups: REST <-> shape conversion, webhook URI redaction and the reconcile resource."""

from __future__ import annotations

import copy
import hashlib
from urllib.parse import urlsplit

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    AzureResource,
    ListByKey,
    Refusal,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, parse_resource_id

MonitorManagementClient = optional_import("azure.mgmt.monitor", "MonitorManagementClient", "azure-mgmt-monitor")

ACTION_GROUP_TYPE = "Microsoft.Insights/actionGroups"
DEFAULT_LOCATION = "Global"
MAX_SHORT_NAME = 12

# shape key -> REST key, per receiver kind.
EMAIL_FIELDS = {"name": "name", "email_address": "emailAddress", "use_common_alert_schema": "useCommonAlertSchema"}
WEBHOOK_FIELDS = {"name": "name", "service_uri": "serviceUri", "use_common_alert_schema": "useCommonAlertSchema"}
RECEIVERS = {
    "email_receivers": ("emailReceivers", EMAIL_FIELDS),
    "webhook_receivers": ("webhookReceivers", WEBHOOK_FIELDS),
}

ACTION_GROUP_RULES = {
    "location": norm_location,
    "email_receivers": ListByKey("name", exclusive=True),
    "webhook_receivers": ListByKey("name", exclusive=True),
}


def short_name_errors(short_name):
    """Why ``group_short_name`` cannot be used (Azure: 1-12 characters), or an empty list."""
    if short_name is None:
        return []
    if not short_name.strip():
        return ["group_short_name must not be empty"]
    if len(short_name) > MAX_SHORT_NAME:
        return [
            f"group_short_name '{short_name}' has {len(short_name)} characters; Azure allows at most {MAX_SHORT_NAME} "
            "(it is shown as the sender of SMS and email notifications)"
        ]
    return []


def _receiver_shape(item, fields):
    shape = dict((key, item.get(rest)) for key, rest in fields.items())
    shape["use_common_alert_schema"] = bool(shape.get("use_common_alert_schema"))
    return shape


def action_group_shape(body):
    """An action group's REST JSON as the module returns it (webhook URIs not yet redacted)."""
    if body is None:
        return None
    props = body.get("properties") or {}
    shape = {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": parse_resource_id(body.get("id")).get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "group_short_name": props.get("groupShortName"),
        "enabled": props.get("enabled") is not False,
    }
    for key, (rest, fields) in RECEIVERS.items():
        shape[key] = [_receiver_shape(item, fields) for item in props.get(rest) or []]
    return shape


def fill_receiver_defaults(shape):
    """Receivers the user added without ``use_common_alert_schema`` get Azure's default (false)."""
    for key in RECEIVERS:
        for item in shape.get(key) or []:
            if item.get("use_common_alert_schema") is None:
                item["use_common_alert_schema"] = False
    return shape


def _receivers_body(items, current_items, fields):
    """REST receivers from shape items; settings this module does not manage are kept from Azure's copy."""
    current_by_name = dict(((item.get("name") or ""), item) for item in current_items or [])
    result = []
    for item in items or []:
        body = copy.deepcopy(current_by_name.get(item["name"], {}))
        body.pop("status", None)  # read-only
        for key, rest in fields.items():
            value = item.get(key)
            if value is None:
                body.pop(rest, None)
            else:
                body[rest] = value
        result.append(body)
    return result


def action_group_body(shape, current_body=None):
    """The PUT body for the shape ``shape``; other receiver kinds and settings are kept from ``current_body``."""
    current_body = current_body or {}
    props = copy.deepcopy(current_body.get("properties") or {})
    props.pop("provisioningState", None)
    props["groupShortName"] = shape["group_short_name"]
    props["enabled"] = shape.get("enabled") is not False
    for key, (rest, fields) in RECEIVERS.items():
        props[rest] = _receivers_body(shape.get(key), props.get(rest), fields)
    # A PUT replaces the whole resource: the tags are always sent, as the shape has them.
    return {"location": shape.get("location") or DEFAULT_LOCATION, "tags": shape.get("tags") or {}, "properties": props}


def redact_uri(uri):
    """A webhook URI safe to log: scheme and host, then a fingerprint of the rest (tokens often sit in it)."""
    if not isinstance(uri, str) or not uri:
        return uri
    parts = urlsplit(uri)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if not (parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password):
        return uri
    digest = hashlib.sha256(uri.encode("utf-8")).hexdigest()[:12]
    prefix = f"{parts.scheme}://{host}" if parts.scheme and host else ""
    return f"{prefix}/REDACTED-sha256:{digest}"


def redact_shape(shape):
    """A copy of an action group shape with every webhook ``service_uri`` redacted."""
    if not shape:
        return shape
    result = copy.deepcopy(shape)
    for item in result.get("webhook_receivers") or []:
        item["service_uri"] = redact_uri(item.get("service_uri"))
    return result


class ActionGroup(AzureResource):
    kind = "action group"
    immutable = {
        "location": "An action group's location is fixed at creation: delete it and create it again to move it.",
    }

    def __init__(self, module, name, resource_group, append_tags=True):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.client = module.client(MonitorManagementClient)
        self.rules = dict(ACTION_GROUP_RULES, **tag_rules(append_tags))
        self.current_body = None

    @property
    def label(self):
        return f"action group '{self.name}' in resource group '{self.resource_group}'"

    @property
    def group_id(self):
        return f"/subscriptions/{self.module.subscription_id}/resourceGroups/{self.resource_group}"

    def read(self):
        body = self.module.read(self.label, self.client.action_groups.get, self.resource_group, self.name)
        self.current_body = body
        return action_group_shape(body)

    def check(self, desired, current):
        if current is None and not desired.get("group_short_name"):
            raise Refusal(
                f"{self.label} does not exist: set group_short_name (1-{MAX_SHORT_NAME} characters) to create it."
            )
        super().check(desired, current)

    def predict_create(self, desired):
        shape = {
            "id": f"{self.group_id}/providers/{ACTION_GROUP_TYPE}/{self.name}",
            "name": self.name,
            "resource_group": self.resource_group,
            "location": desired.get("location") or DEFAULT_LOCATION,
            "tags": desired.get("tags") or {},
            "group_short_name": desired.get("group_short_name"),
            "enabled": desired.get("enabled") is not False,
        }
        for key in RECEIVERS:
            shape[key] = copy.deepcopy(desired.get(key) or [])
        return fill_receiver_defaults(shape)

    def predict_update(self, desired, current):
        return fill_receiver_defaults(super().predict_update(desired, current))

    def _put(self, action, shape, current_body):
        body = action_group_body(shape, current_body)
        self.module.call(
            action, self.label, self.client.action_groups.create_or_update, self.resource_group, self.name, body
        )

    def create(self, desired):
        self._put("create", self.predict_create(desired), None)

    def update(self, desired, current, differences):
        self._put("update", self.predict_update(desired, current), self.current_body)

    def delete(self, current):
        self.module.call("delete", self.label, self.client.action_groups.delete, self.resource_group, self.name)
