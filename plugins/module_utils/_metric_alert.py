# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure Monitor metric alerts: durations, criteria shapes, REST <-> shape conversion and the reconcile resource."""

from __future__ import annotations

import copy
import re

from ansible_collections.mlops.azure.plugins.module_utils._action_group import MonitorManagementClient
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    AzureResource,
    ListByKey,
    ListOf,
    Refusal,
    norm_ci,
    norm_id,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import parse_resource_id

METRIC_ALERT_TYPE = "Microsoft.Insights/metricAlerts"
SINGLE_RESOURCE_CRITERIA = "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
STATIC_THRESHOLD = "StaticThresholdCriterion"
DEFAULT_LOCATION = "global"

# Used when the alert is created and the option is not set.
CREATE_DEFAULTS = {
    "severity": 3,
    "enabled": True,
    "evaluation_frequency": "PT1M",
    "window_size": "PT5M",
    "auto_mitigate": True,
    "description": "",
}

OPERATORS = ["Equals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"]
TIME_AGGREGATIONS = ["Average", "Count", "Minimum", "Maximum", "Total"]
DIMENSION_OPERATORS = ["Include", "Exclude"]

_DURATION = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def duration_seconds(value):
    """Seconds in an ISO 8601 duration (``PT5M`` -> 300, ``PT1H`` = ``PT60M``), or None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _DURATION.fullmatch(text)
    if not match or text.upper() in ("P", "PT") or text.upper().endswith("T"):
        return None
    total = 0.0
    for unit, seconds in _UNIT_SECONDS.items():
        if match.group(unit):
            total += float(match.group(unit)) * seconds
    return total


def norm_duration(value):
    seconds = duration_seconds(value)
    return seconds if seconds is not None else norm_ci(value)


def norm_number(value):
    if isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


METRIC_ALERT_RULES = {
    "location": norm_location,
    "scopes": ListOf(norm_id),
    "actions": ListOf(norm_id),
    "evaluation_frequency": norm_duration,
    "window_size": norm_duration,
    "criteria_type": norm_ci,
    "criteria": ListByKey("name", exclusive=True),
    "criteria.metric_name": norm_ci,
    "criteria.metric_namespace": norm_ci,
    "criteria.operator": norm_ci,
    "criteria.time_aggregation": norm_ci,
    "criteria.threshold": norm_number,
    "criteria.dimensions": ListByKey("name", exclusive=True),
    "criteria.dimensions.name": norm_ci,
    "criteria.dimensions.operator": norm_ci,
    "criteria.dimensions.values": ListOf(),
}


# ---------------------------------------------------------------------------------------------
# Criteria
# ---------------------------------------------------------------------------------------------


def dimension_shape(item):
    return {"name": item.get("name"), "operator": item.get("operator"), "values": list(item.get("values") or [])}


def criterion_shape(item):
    """One REST criterion (``allOf`` item) as the module shows it."""
    return {
        "name": item.get("name"),
        "metric_name": item.get("metricName"),
        "metric_namespace": item.get("metricNamespace"),
        "operator": item.get("operator"),
        "threshold": norm_number(item.get("threshold")),
        "time_aggregation": item.get("timeAggregation"),
        "dimensions": [dimension_shape(d) for d in item.get("dimensions") or []],
    }


def desired_criteria(items):
    """The user's ``criteria`` in shape form (unset keys dropped later by ``prune``)."""
    if items is None:
        return None
    result = []
    for item in items:
        criterion = {
            "name": item["name"],
            "metric_name": item["metric_name"],
            "metric_namespace": item.get("metric_namespace"),
            "operator": item["operator"],
            "threshold": norm_number(item["threshold"]),
            "time_aggregation": item["time_aggregation"],
            "dimensions": None,
        }
        if item.get("dimensions") is not None:
            criterion["dimensions"] = [
                {"name": d["name"], "operator": d.get("operator") or "Include", "values": list(d["values"])}
                for d in item["dimensions"]
            ]
        result.append(criterion)
    return result


def criterion_body(shape, current=None):
    """A REST ``StaticThresholdCriterion``; settings not managed here are kept from Azure's copy."""
    body = copy.deepcopy(current) if current else {}
    body["criterionType"] = STATIC_THRESHOLD
    body["name"] = shape["name"]
    body["metricName"] = shape["metric_name"]
    if shape.get("metric_namespace"):
        body["metricNamespace"] = shape["metric_namespace"]
    else:
        body.pop("metricNamespace", None)
    body["operator"] = shape["operator"]
    body["threshold"] = shape["threshold"]
    body["timeAggregation"] = shape["time_aggregation"]
    body["dimensions"] = [
        {"name": d["name"], "operator": d["operator"], "values": list(d["values"])}
        for d in shape.get("dimensions") or []
    ]
    return body


def criteria_body(criteria, current_criteria=None):
    """The REST ``criteria`` object: a single-resource, multiple-metric criteria with static thresholds."""
    current_criteria = current_criteria or {}
    current_items = {}
    if norm_ci(current_criteria.get("odata.type")) == norm_ci(SINGLE_RESOURCE_CRITERIA):
        current_items = dict(
            ((item.get("name") or "").casefold(), item) for item in current_criteria.get("allOf") or []
        )
    return {
        "odata.type": SINGLE_RESOURCE_CRITERIA,
        "allOf": [criterion_body(item, current_items.get(item["name"].casefold())) for item in criteria],
    }


def fill_criteria_defaults(shape):
    for item in shape.get("criteria") or []:
        item.setdefault("metric_namespace", None)
        if item.get("dimensions") is None:
            item["dimensions"] = []
    return shape


# ---------------------------------------------------------------------------------------------
# The alert
# ---------------------------------------------------------------------------------------------


def metric_alert_shape(body):
    """A metric alert's REST JSON as the module returns it."""
    if body is None:
        return None
    props = body.get("properties") or {}
    criteria = props.get("criteria") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": parse_resource_id(body.get("id")).get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "description": props.get("description") or "",
        "severity": props.get("severity"),
        "enabled": props.get("enabled") is not False,
        "scopes": list(props.get("scopes") or []),
        "evaluation_frequency": props.get("evaluationFrequency"),
        "window_size": props.get("windowSize"),
        "auto_mitigate": props.get("autoMitigate") is not False,
        "target_resource_type": props.get("targetResourceType"),
        "target_resource_region": props.get("targetResourceRegion"),
        "criteria_type": criteria.get("odata.type"),
        "criteria": [criterion_shape(item) for item in criteria.get("allOf") or []],
        "actions": [item.get("actionGroupId") for item in props.get("actions") or [] if item.get("actionGroupId")],
    }


def metric_alert_body(shape, current_body=None):
    """The PUT body for ``shape``; settings this module does not manage are kept from ``current_body``."""
    current_body = current_body or {}
    props = copy.deepcopy(current_body.get("properties") or {})
    for read_only in ("lastUpdatedTime", "isMigrated", "provisioningState"):
        props.pop(read_only, None)
    props["description"] = shape.get("description") or ""
    props["severity"] = shape["severity"]
    props["enabled"] = shape.get("enabled") is not False
    props["scopes"] = list(shape["scopes"])
    props["evaluationFrequency"] = shape["evaluation_frequency"]
    props["windowSize"] = shape["window_size"]
    props["autoMitigate"] = shape.get("auto_mitigate") is not False
    props["criteria"] = criteria_body(shape["criteria"], props.get("criteria"))
    current_actions = dict((norm_id(item.get("actionGroupId")), item) for item in props.get("actions") or [])
    props["actions"] = [
        copy.deepcopy(current_actions.get(norm_id(action_id))) or {"actionGroupId": action_id, "webHookProperties": {}}
        for action_id in shape.get("actions") or []
    ]
    return {"location": shape.get("location") or DEFAULT_LOCATION, "tags": shape.get("tags") or {}, "properties": props}


def timing_errors(evaluation_frequency, window_size):
    """Why the evaluation frequency / window size pair cannot be used, or an empty list."""
    errors = []
    for option, value in (("evaluation_frequency", evaluation_frequency), ("window_size", window_size)):
        if value is not None and duration_seconds(value) is None:
            errors.append(f"{option} '{value}' is not an ISO 8601 duration such as PT1M, PT5M or PT1H")
    frequency = duration_seconds(evaluation_frequency)
    window = duration_seconds(window_size)
    if frequency is not None and window is not None and window < frequency:
        errors.append(
            f"window_size ({window_size}) must be at least evaluation_frequency ({evaluation_frequency}): "
            "each evaluation looks back over the window"
        )
    return errors


class MetricAlert(AzureResource):
    kind = "metric alert"
    immutable = {
        "location": "A metric alert's location is fixed at creation.",
    }

    def __init__(self, module, name, resource_group, append_tags=True):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.client = module.client(MonitorManagementClient)
        self.rules = dict(METRIC_ALERT_RULES, **tag_rules(append_tags))
        self.current_body = None

    @property
    def label(self):
        return f"metric alert '{self.name}' in resource group '{self.resource_group}'"

    @property
    def group_id(self):
        return f"/subscriptions/{self.module.subscription_id}/resourceGroups/{self.resource_group}"

    def read(self):
        body = self.module.read(self.label, self.client.metric_alerts.get, self.resource_group, self.name)
        self.current_body = body
        return metric_alert_shape(body)

    def check(self, desired, current):
        if current is None:
            missing = [key for key in ("scopes", "criteria") if not desired.get(key)]
            if missing:
                raise Refusal(
                    "{} does not exist: set {} to create it.".format(self.label, " and ".join(missing)),
                )
            shape = self.predict_create(desired)
        else:
            super().check(desired, current)
            shape = self.predict_update(desired, current)
        errors = timing_errors(shape.get("evaluation_frequency"), shape.get("window_size"))
        if errors:
            raise Refusal("{}: {}.".format(self.label, "; ".join(errors)))
        if not shape.get("criteria"):
            raise Refusal(f"{self.label}: criteria must hold at least one criterion.")

    def predict_create(self, desired):
        shape = {
            "id": f"{self.group_id}/providers/{METRIC_ALERT_TYPE}/{self.name}",
            "name": self.name,
            "resource_group": self.resource_group,
            "location": desired.get("location") or DEFAULT_LOCATION,
            "tags": desired.get("tags") or {},
            "target_resource_type": None,
            "target_resource_region": None,
            "criteria_type": SINGLE_RESOURCE_CRITERIA,
            "actions": [],
        }
        for key, value in CREATE_DEFAULTS.items():
            shape[key] = value
        for key, value in desired.items():
            if key not in ("location", "tags"):
                shape[key] = copy.deepcopy(value)
        return fill_criteria_defaults(shape)

    def predict_update(self, desired, current):
        return fill_criteria_defaults(super().predict_update(desired, current))

    def _put(self, action, shape, current_body):
        body = metric_alert_body(shape, current_body)
        self.module.call(
            action, self.label, self.client.metric_alerts.create_or_update, self.resource_group, self.name, body
        )

    def create(self, desired):
        self._put("create", self.predict_create(desired), None)

    def update(self, desired, current, differences):
        self._put("update", self.predict_update(desired, current), self.current_body)

    def delete(self, current):
        self.module.call("delete", self.label, self.client.metric_alerts.delete, self.resource_group, self.name)
