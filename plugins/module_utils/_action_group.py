# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure Monitor action groups, declared on the resource kit (``_resource.py``) over ``azure-mgmt-monitor``, and
webhook URI redaction.

The service takes no PATCH: every update is a PUT of the whole group, which carries Azure's copy of what this module
does not manage (other receiver kinds, receiver settings) along with the user's receivers.
"""

from __future__ import annotations

import copy
import hashlib
from urllib.parse import urlsplit

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import ListByKey, Refusal
from ansible_collections.mlops.azure.plugins.module_utils._resource import Field, SdkResource
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import
from ansible_collections.mlops.azure.plugins.module_utils._validate import ACTION_GROUP_SHORT_NAME_LENGTH

MonitorManagementClient = optional_import("azure.mgmt.monitor", "MonitorManagementClient", "azure-mgmt-monitor")

ACTION_GROUP_TYPE = "Microsoft.Insights/actionGroups"
DEFAULT_LOCATION = "Global"
MAX_SHORT_NAME = ACTION_GROUP_SHORT_NAME_LENGTH[1]

# shape key -> REST key, per receiver kind.
EMAIL_FIELDS = {"name": "name", "email_address": "emailAddress", "use_common_alert_schema": "useCommonAlertSchema"}
WEBHOOK_FIELDS = {"name": "name", "service_uri": "serviceUri", "use_common_alert_schema": "useCommonAlertSchema"}
RECEIVER_OPTIONS = ("email_receivers", "webhook_receivers")


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


def fill_receiver_defaults(shape):
    """Receivers the user added without ``use_common_alert_schema`` get Azure's default (false)."""
    for key in RECEIVER_OPTIONS:
        for item in shape.get(key) or []:
            if item.get("use_common_alert_schema") is None:
                item["use_common_alert_schema"] = False
    return shape


def receivers(fields):
    """``read`` and ``write`` of a receiver list whose items map shape keys to REST keys by ``fields``. A written
    receiver keeps the settings this module does not manage from Azure's copy of the receiver of the same name."""

    def read(items):
        shapes = [dict((key, item.get(rest)) for key, rest in fields.items()) for item in items]
        for shape in shapes:
            shape["use_common_alert_schema"] = bool(shape.get("use_common_alert_schema"))
        return shapes

    def write(items, held):
        held_by_name = dict(((item.get("name") or ""), item) for item in held or [])
        result = []
        for item in items:
            body = copy.deepcopy(held_by_name.get(item["name"], {}))
            body.pop("status", None)  # read-only
            for key, rest in fields.items():
                value = item.get(key)
                if key == "use_common_alert_schema" and value is None:
                    value = False
                if value is None:
                    body.pop(rest, None)
                else:
                    body[rest] = value
            result.append(body)
        return result

    return {"read": read, "write": write}


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


class ActionGroup(SdkResource):
    kind = "action group"
    arm_type = ACTION_GROUP_TYPE
    location_fixed = "An action group's location is fixed at creation: delete it and create it again to move it."
    provisioning_state_path = None
    sdk_client = MonitorManagementClient
    sdk_operations = "action_groups"
    sdk_create = "create_or_update"
    sdk_update = None
    sdk_delete = "delete"
    fields = (
        Field("group_short_name", "properties.groupShortName"),
        Field("enabled", "properties.enabled", default=True, create_default=True),
        Field(
            "email_receivers",
            "properties.emailReceivers",
            norm=ListByKey("name", exclusive=True),
            default=[],
            create_default=[],
            **receivers(EMAIL_FIELDS),
        ),
        Field(
            "webhook_receivers",
            "properties.webhookReceivers",
            norm=ListByKey("name", exclusive=True),
            default=[],
            create_default=[],
            **receivers(WEBHOOK_FIELDS),
        ),
    )

    def create_location(self, desired):
        """``Global`` unless the user names a region (not one of the subscription's locations, so not checked)."""
        return desired.get("location") or DEFAULT_LOCATION

    def fields_body(self, shape, options=None, location=None, held=None):
        """A PUT replaces the whole group: it carries Azure's copy of the settings this module does not manage, and
        the tags, always, as the shape has them."""
        body = super().fields_body(shape, options, location, held)
        properties = copy.deepcopy((held or {}).get("properties") or {})
        properties.pop("provisioningState", None)
        properties.update(body.get("properties") or {})
        body["properties"] = properties
        body["tags"] = shape.get("tags") or {}
        return body

    def check(self, desired, current):
        if current is None and not desired.get("group_short_name"):
            raise Refusal(
                f"{self.label} does not exist: set group_short_name (1-{MAX_SHORT_NAME} characters) to create it."
            )
        super().check(desired, current)

    def predict_update(self, desired, current):
        return fill_receiver_defaults(super().predict_update(desired, current))
