"""Microsoft.Insights action groups and metric alerts.

Action groups: PUT is synchronous (201 created, 200 updated), location ``Global`` (or one of the regions that keep
action group data in-region), ``groupShortName`` at most 12 characters, receiver names unique across all receivers
(case-insensitive), email receivers get a read-only ``status``; PATCH changes tags and ``enabled``; DELETE 200/204.

Metric alerts: PUT is synchronous and answers 200 whether it created or updated; location ``global``; severity 0-4;
``evaluationFrequency`` and ``windowSize`` from the allowed sets; every scope must exist and be of one type; metric
names are checked against the platform metrics of the resource types the stack uses; action groups must exist in the
alert's subscription; PATCH merges; DELETE 200/204.

Neither list is pageable in the SDKs (their list models have no ``nextLink``), so lists answer in one page, as the
service does.
"""

from __future__ import annotations

import copy
import re
from typing import Optional

from azure.mgmt.monitor.v2018_03_01 import models as alert_models
from azure.mgmt.monitor.v2023_01_01 import models as ag_models

from ..arm import ArmError, Context, Response, check_tags, iso, parse_id, resource_not_found
from ..config import normalize_location
from ..registry import Provider, check_delete_allowed
from ..validation import validate

ACTION_GROUP_API_VERSIONS = (
    "2017-04-01",
    "2018-03-01",
    "2018-09-01",
    "2019-03-01",
    "2019-06-01",
    "2021-09-01",
    "2022-04-01",
    "2022-06-01",
    "2023-01-01",
)
METRIC_ALERT_API_VERSIONS = ("2017-09-01-preview", "2018-03-01", "2024-03-01-preview")

provider = Provider("Microsoft.Insights", api_versions=ACTION_GROUP_API_VERSIONS)

GROUP_SCOPE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights"
ACTION_GROUP = GROUP_SCOPE + "/actionGroups/{actionGroupName}"
METRIC_ALERT = GROUP_SCOPE + "/metricAlerts/{ruleName}"
AG_TYPE = "Microsoft.Insights/actionGroups"
MA_TYPE = "Microsoft.Insights/metricAlerts"

#: Where action groups can live: global, or the regions that keep action group data in-region.
ACTION_GROUP_LOCATIONS = ("global", "swedencentral", "germanywestcentral")
RECEIVER_LISTS = (
    "emailReceivers",
    "smsReceivers",
    "webhookReceivers",
    "itsmReceivers",
    "azureAppPushReceivers",
    "automationRunbookReceivers",
    "voiceReceivers",
    "logicAppReceivers",
    "azureFunctionReceivers",
    "armRoleReceivers",
    "eventHubReceivers",
)
SHORT_NAME_MAX = 12
# Resource name rules of the two types (azure-facts.md section 1).
AG_NAME_FORBIDDEN = re.compile(r"[:<>+/&%\\?|]|[\x00-\x1f]")
MA_NAME_FORBIDDEN = re.compile(r"[*#&+:<>?@%{}\\/|]|[\x00-\x1f]")


def _bad(message: str) -> ArmError:
    return ArmError(400, "BadRequest", message)


def _check_name(name: str, forbidden: re.Pattern, rtype: str) -> None:
    if not 1 <= len(name) <= 260 or forbidden.search(name) or name.endswith((".", " ")):
        raise ArmError(
            400,
            "InvalidResourceName",
            f"The resource name '{name}' is invalid for type '{rtype}'. It must be 1-260 characters long, "
            "may not contain reserved characters and may not end with a period or a space.",
        )


def _location(body: dict, allowed: tuple, rtype: str) -> str:
    value = body.get("location")
    if value is None or value == "":
        raise ArmError(400, "LocationRequired", "The location property is required for this definition.")
    location = normalize_location(value) if isinstance(value, str) else ""
    if location not in allowed:
        raise ArmError(
            400,
            "LocationNotAvailableForResourceType",
            f"The provided location '{value}' is not available for resource type '{rtype.lower()}'. "
            f"List of available regions for the resource type is '{','.join(allowed)}'.",
        )
    return location


def _rid(ctx: Context, kind: str, name_param: str) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"microsoft.insights/{kind}/{p[name_param]}"
    )


def _get_or_404(ctx: Context, rid: str, rtype: str, name_param: str) -> dict:
    record = ctx.store.get(rid)
    if record is None:
        raise resource_not_found(rtype, ctx.params[name_param], ctx.params["resourceGroupName"])
    return record


def _list(ctx: Context, rtype: str, group: Optional[str]) -> Response:
    records = ctx.store.iter_resources(rtype, ctx.params["subscriptionId"], group)
    return Response(200, {"value": [copy.deepcopy(r["body"]) for r in records]})


# action groups --------------------------------------------------------------------------------------------------------
def _receivers(props: dict) -> dict:
    out = {}
    seen: set = set()
    for key in RECEIVER_LISTS:
        items = []
        for receiver in props.get(key) or []:
            name = receiver.get("name")
            if not isinstance(name, str) or not name.strip():
                raise _bad(f"The name of every receiver in '{key}' is required.")
            if name.lower() in seen:
                raise _bad(
                    f"The receiver name '{name}' is used more than once. Receiver names must be unique "
                    "(case-insensitive) across all receivers within an action group."
                )
            seen.add(name.lower())
            item = copy.deepcopy(receiver)
            if key in ("emailReceivers", "smsReceivers", "azureAppPushReceivers", "voiceReceivers"):
                item.pop("status", None)
            if key in (
                "emailReceivers",
                "webhookReceivers",
                "itsmReceivers",
                "automationRunbookReceivers",
                "logicAppReceivers",
                "azureFunctionReceivers",
                "armRoleReceivers",
                "eventHubReceivers",
            ):
                item.setdefault("useCommonAlertSchema", False)
            if key in ("emailReceivers", "smsReceivers"):
                item["status"] = "Enabled"
            items.append(item)
        out[key] = items
    return out


@provider.route("PUT", ACTION_GROUP)
def put_action_group(ctx: Context) -> Response:
    name = ctx.params["actionGroupName"]
    _check_name(name, AG_NAME_FORBIDDEN, AG_TYPE)
    body = ctx.json()
    location = _location(body, ACTION_GROUP_LOCATIONS, AG_TYPE)
    props = body.get("properties") if isinstance(body.get("properties"), dict) else {}
    short = props.get("groupShortName")
    if not isinstance(short, str) or not short:
        raise _bad("The required property 'properties.groupShortName' is missing.")
    if len(short) > SHORT_NAME_MAX:
        raise ArmError(
            400,
            "GroupShortNameIsTooLong",
            f"The action group short name '{short}' is too long. Please "
            f"specify a short name with '{SHORT_NAME_MAX}' or less characters.",
        )
    validate(body, ag_models.ActionGroupResource, code="BadRequest")
    tags = check_tags(body.get("tags"))
    enabled = props.get("enabled", True)
    group = {
        "id": _rid(ctx, "actionGroups", "actionGroupName"),
        "type": "Microsoft.Insights/ActionGroups",
        "name": name,
        "location": "Global" if location == "global" else location,
        "tags": tags,
        "properties": {"groupShortName": short, "enabled": enabled, **_receivers(props)},
    }
    existing = ctx.store.get(group["id"])
    if existing is not None:
        group["name"] = existing["body"]["name"]
        existing["body"] = group
        ctx.store.touch()
        return Response(200, copy.deepcopy(group))
    ctx.store.put(group["id"], AG_TYPE, group)
    return Response(201, copy.deepcopy(group))


@provider.route("GET", ACTION_GROUP)
def get_action_group(ctx: Context) -> Response:
    record = _get_or_404(ctx, _rid(ctx, "actionGroups", "actionGroupName"), AG_TYPE, "actionGroupName")
    return Response(200, copy.deepcopy(record["body"]))


@provider.route("PATCH", ACTION_GROUP)
def patch_action_group(ctx: Context) -> Response:
    record = _get_or_404(ctx, _rid(ctx, "actionGroups", "actionGroupName"), AG_TYPE, "actionGroupName")
    body = ctx.json()
    validate(body, ag_models.ActionGroupPatchBody, code="BadRequest")
    if body.get("tags") is not None:
        record["body"]["tags"] = check_tags(body["tags"])
    enabled = (body.get("properties") or {}).get("enabled")
    if enabled is not None:
        record["body"]["properties"]["enabled"] = enabled
    ctx.store.touch()
    return Response(200, copy.deepcopy(record["body"]))


@provider.route("DELETE", ACTION_GROUP)
def delete_action_group(ctx: Context) -> Response:
    record = ctx.store.get(_rid(ctx, "actionGroups", "actionGroupName"))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


@provider.route("GET", GROUP_SCOPE + "/actionGroups")
def list_action_groups_by_group(ctx: Context) -> Response:
    return _list(ctx, AG_TYPE, ctx.params["resourceGroupName"])


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/actionGroups")
def list_action_groups(ctx: Context) -> Response:
    return _list(ctx, AG_TYPE, None)


# metric alerts --------------------------------------------------------------------------------------------------------
SINGLE = "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
MULTIPLE = "Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria"
WEBTEST = "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria"
CRITERIA_MODELS = {
    SINGLE.lower(): alert_models.MetricAlertSingleResourceMultipleMetricCriteria,
    MULTIPLE.lower(): alert_models.MetricAlertMultipleResourceMultipleMetricCriteria,
    WEBTEST.lower(): alert_models.WebtestLocationAvailabilityCriteria,
}
STATIC_OPERATORS = ("Equals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual")
DYNAMIC_OPERATORS = ("GreaterThan", "LessThan", "GreaterOrLessThan")
AGGREGATIONS = ("Average", "Count", "Minimum", "Maximum", "Total")
#: Allowed values, in seconds (ISO 8601 durations are compared by value: PT60M is PT1H).
FREQUENCIES = {60: "PT1M", 300: "PT5M", 900: "PT15M", 1800: "PT30M", 3600: "PT1H"}
WINDOWS = {
    60: "PT1M",
    300: "PT5M",
    900: "PT15M",
    1800: "PT30M",
    3600: "PT1H",
    21600: "PT6H",
    43200: "PT12H",
    86400: "P1D",
}
DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.IGNORECASE)

#: Platform metrics (REST API names) of the resource types the stack alerts on, from Microsoft's supported-metrics
#: reference. Types not listed here are not checked.
PLATFORM_METRICS = {
    "microsoft.keyvault/vaults": (
        "Availability",
        "SaturationShoebox",
        "ServiceApiHit",
        "ServiceApiLatency",
        "ServiceApiResult",
    ),
    "microsoft.storage/storageaccounts": (
        "UsedCapacity",
        "Transactions",
        "Ingress",
        "Egress",
        "SuccessServerLatency",
        "SuccessE2ELatency",
        "Availability",
    ),
    "microsoft.storage/storageaccounts/blobservices": (
        "BlobCapacity",
        "BlobCount",
        "BlobProvisionedSize",
        "ContainerCount",
        "IndexCapacity",
        "Transactions",
        "Ingress",
        "Egress",
        "SuccessServerLatency",
        "SuccessE2ELatency",
        "Availability",
    ),
    "microsoft.containerregistry/registries": (
        "AgentPoolCPUTime",
        "RunDuration",
        "StorageUsed",
        "SuccessfulPullCount",
        "SuccessfulPushCount",
        "TotalPullCount",
        "TotalPushCount",
    ),
    "microsoft.insights/components": (
        "availabilityResults/availabilityPercentage",
        "availabilityResults/count",
        "availabilityResults/duration",
        "browserTimings/networkDuration",
        "browserTimings/processingDuration",
        "browserTimings/receiveDuration",
        "browserTimings/sendDuration",
        "browserTimings/totalDuration",
        "customEvents/count",
        "dependencies/count",
        "dependencies/duration",
        "dependencies/failed",
        "exceptions/browser",
        "exceptions/count",
        "exceptions/server",
        "pageViews/count",
        "pageViews/duration",
        "performanceCounters/exceptionsPerSecond",
        "performanceCounters/memoryAvailableBytes",
        "performanceCounters/processCpuPercentage",
        "performanceCounters/processCpuPercentageTotal",
        "performanceCounters/processIOBytesPerSecond",
        "performanceCounters/processPrivateBytes",
        "performanceCounters/processorCpuPercentage",
        "performanceCounters/requestExecutionTime",
        "performanceCounters/requestsInQueue",
        "performanceCounters/requestsPerSecond",
        "requests/count",
        "requests/duration",
        "requests/failed",
        "requests/rate",
        "sessions/count",
        "traces/count",
        "users/authenticated",
        "users/count",
    ),
}


def _seconds(value, field: str) -> int:
    m = DURATION.fullmatch(value) if isinstance(value, str) else None
    if not m or not any(m.groups()):
        raise _bad(f"The value '{value}' of 'properties.{field}' is not a valid ISO 8601 duration.")
    days, hours, minutes, seconds = (int(g or 0) for g in m.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _check_timing(props: dict) -> None:
    frequency = _seconds(props["evaluationFrequency"], "evaluationFrequency")
    window = _seconds(props["windowSize"], "windowSize")
    if frequency not in FREQUENCIES:
        raise _bad(
            f"The evaluation frequency '{props['evaluationFrequency']}' is not supported. Supported values "
            f"are: {', '.join(FREQUENCIES.values())}."
        )
    if window not in WINDOWS:
        raise _bad(
            f"The window size '{props['windowSize']}' is not supported. Supported values are: "
            f"{', '.join(WINDOWS.values())}."
        )
    if window > 4 * 3600 and frequency < 300:
        raise _bad(
            "Evaluation frequency must be greater than or equal to five minutes since the period is greater "
            "than four hours."
        )
    if window < frequency:
        raise _bad("Window size must be greater than or equal to evaluation frequency.")


def _scope_type(scope: str) -> Optional[str]:
    parsed = parse_id(scope)
    return parsed.type if parsed.namespace else None


def _check_scopes(ctx: Context, props: dict, odata: str) -> str:
    """Every scope exists and all share one type; answers that type (lower-case) or the declared target type."""
    scopes = props["scopes"]
    if not scopes:
        raise _bad("Alert scope is invalid. Activity ID: " + ctx.request_id + ".")
    types = set()
    for scope in scopes:
        parsed = parse_id(scope) if isinstance(scope, str) else None
        if parsed is None or not parsed.subscription:
            raise _bad("Alert scope is invalid. Activity ID: " + ctx.request_id + ".")
        if parsed.namespace:
            if ctx.store.get(scope) is None:
                raise _bad("Alert scope is invalid. Activity ID: " + ctx.request_id + ".")
            types.add(parsed.type.lower())
        elif (
            parsed.resource_group
            and ctx.store.get(f"/subscriptions/{parsed.subscription}/resourceGroups/{parsed.resource_group}") is None
        ):
            raise _bad("Alert scope is invalid. Activity ID: " + ctx.request_id + ".")
    target = props.get("targetResourceType")
    if target:
        types.add(target.lower())
    if len(types) > 1:
        raise _bad("You can't define a scope that is different from the selected target resource type.")
    if odata == SINGLE.lower() and (len(scopes) != 1 or not types or not parse_id(scopes[0]).namespace):
        raise _bad("Alert scope is invalid. Activity ID: " + ctx.request_id + ".")
    if not types:
        raise _bad(
            "The target resource type must be specified when the alert scope is a subscription or a resource group."
        )
    return types.pop()


def _check_criteria(ctx: Context, props: dict, target_type: str) -> None:
    criteria = props["criteria"]
    odata = str(criteria.get("odata.type") or "").lower()
    model = CRITERIA_MODELS.get(odata)
    if model is None:
        raise _bad(f"The criteria type '{criteria.get('odata.type')}' is not supported.")
    validate(criteria, model, code="BadRequest", prefix="properties.criteria")
    if odata == WEBTEST.lower():
        return
    all_of = criteria.get("allOf") or []
    if not all_of:
        raise _bad("The alert criteria must contain at least one condition.")
    metrics = PLATFORM_METRICS.get(target_type)
    for index, criterion in enumerate(all_of):
        path = f"properties.criteria.allOf[{index}]"
        kind = str(criterion.get("criterionType") or "")
        if kind not in ("StaticThresholdCriterion", "DynamicThresholdCriterion"):
            raise _bad(f"The value '{kind}' of '{path}.criterionType' is not valid.")
        sub = alert_models.MetricCriteria if kind == "StaticThresholdCriterion" else alert_models.DynamicMetricCriteria
        validate(criterion, sub, code="BadRequest", prefix=path)
        operators = STATIC_OPERATORS if kind == "StaticThresholdCriterion" else DYNAMIC_OPERATORS
        if criterion["operator"] not in operators:
            raise _bad(
                f"The value '{criterion['operator']}' of '{path}.operator' is not valid. Allowed values are: "
                f"{', '.join(operators)}."
            )
        if criterion["timeAggregation"] not in AGGREGATIONS:
            raise _bad(
                f"The value '{criterion['timeAggregation']}' of '{path}.timeAggregation' is not valid. "
                f"Allowed values are: {', '.join(AGGREGATIONS)}."
            )
        for dimension in criterion.get("dimensions") or []:
            if str(dimension.get("operator")) not in ("Include", "Exclude"):
                raise _bad(
                    f"The dimension operator '{dimension.get('operator')}' is not valid. Allowed values are: "
                    "Include, Exclude."
                )
        namespace = criterion.get("metricNamespace")
        custom = namespace and namespace.lower() != target_type
        if metrics is None or custom or criterion.get("skipMetricValidation"):
            continue
        if criterion["metricName"].lower() not in {m.lower() for m in metrics}:
            raise _bad(
                f"Couldn't find a metric named {criterion['metricName']}. Make sure the name is correct. "
                f"Activity ID: {ctx.request_id}."
            )


def _check_actions(ctx: Context, props: dict) -> list:
    actions = []
    for action in props.get("actions") or []:
        group_id = action.get("actionGroupId")
        parsed = parse_id(group_id) if isinstance(group_id, str) else None
        if (
            parsed is None
            or (parsed.type or "").lower() != AG_TYPE.lower()
            or (parsed.subscription or "").lower() != ctx.params["subscriptionId"].lower()
            or ctx.store.get(group_id) is None
        ):
            raise _bad(f"Arm resource {group_id} is invalid or in a different subscription as alert rule.")
        item = {"actionGroupId": group_id, "webHookProperties": dict(action.get("webHookProperties") or {})}
        actions.append(item)
    return actions


def _check_alert(ctx: Context, body: dict) -> dict:
    """Validate a whole alert (PUT body, or the merged result of a PATCH); answer its normalised properties."""
    validate(body, alert_models.MetricAlertResource, code="BadRequest")
    props = copy.deepcopy(body["properties"])
    severity = props["severity"]
    if isinstance(severity, bool) or not isinstance(severity, int) or not 0 <= severity <= 4:
        raise _bad(f"The severity '{severity}' is not valid. Severity must be an integer between 0 and 4.")
    _check_timing(props)
    odata = str(props["criteria"].get("odata.type") or "").lower()
    target_type = _check_scopes(ctx, props, odata)
    _check_criteria(ctx, props, target_type)
    props["actions"] = _check_actions(ctx, props)
    props.setdefault("description", "")
    if props.get("autoMitigate") is None:
        props["autoMitigate"] = True
    for read_only in ("lastUpdatedTime", "isMigrated"):
        props.pop(read_only, None)
    return props


@provider.route("PUT", METRIC_ALERT, api_versions=METRIC_ALERT_API_VERSIONS)
def put_metric_alert(ctx: Context) -> Response:
    name = ctx.params["ruleName"]
    _check_name(name, MA_NAME_FORBIDDEN, MA_TYPE)
    body = ctx.json()
    _location(body, ("global",), MA_TYPE)
    tags = check_tags(body.get("tags"))
    props = _check_alert(ctx, body)
    rid = _rid(ctx, "metricalerts", "ruleName")
    existing = ctx.store.get(rid)
    alert = {
        "id": rid,
        "type": MA_TYPE,
        "name": existing["body"]["name"] if existing else name,
        "location": "global",
        "tags": tags,
        "properties": {**props, "lastUpdatedTime": iso(), "isMigrated": False},
    }
    ctx.store.put(rid, MA_TYPE, alert)
    return Response(200, copy.deepcopy(alert))


@provider.route("GET", METRIC_ALERT, api_versions=METRIC_ALERT_API_VERSIONS)
def get_metric_alert(ctx: Context) -> Response:
    record = _get_or_404(ctx, _rid(ctx, "metricalerts", "ruleName"), MA_TYPE, "ruleName")
    return Response(200, copy.deepcopy(record["body"]))


@provider.route("PATCH", METRIC_ALERT, api_versions=METRIC_ALERT_API_VERSIONS)
def patch_metric_alert(ctx: Context) -> Response:
    record = _get_or_404(ctx, _rid(ctx, "metricalerts", "ruleName"), MA_TYPE, "ruleName")
    body = ctx.json()
    validate(body, alert_models.MetricAlertResourcePatch, code="BadRequest")
    merged = copy.deepcopy(record["body"])
    merged["properties"].update({k: v for k, v in (body.get("properties") or {}).items() if v is not None})
    if body.get("tags") is not None:
        merged["tags"] = check_tags(body["tags"])
    merged["properties"] = {**_check_alert(ctx, merged), "lastUpdatedTime": iso(), "isMigrated": False}
    record["body"] = merged
    ctx.store.touch()
    return Response(200, copy.deepcopy(merged))


@provider.route("DELETE", METRIC_ALERT, api_versions=METRIC_ALERT_API_VERSIONS)
def delete_metric_alert(ctx: Context) -> Response:
    record = ctx.store.get(_rid(ctx, "metricalerts", "ruleName"))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


@provider.route("GET", GROUP_SCOPE + "/metricAlerts", api_versions=METRIC_ALERT_API_VERSIONS)
def list_metric_alerts_by_group(ctx: Context) -> Response:
    return _list(ctx, MA_TYPE, ctx.params["resourceGroupName"])


@provider.route(
    "GET",
    "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/metricAlerts",
    api_versions=METRIC_ALERT_API_VERSIONS,
)
def list_metric_alerts(ctx: Context) -> Response:
    return _list(ctx, MA_TYPE, None)
