"""Microsoft.Insights diagnostic settings on any resource the emulator holds, and the log and metric categories of the
resource types the stack uses.

``/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}``: PUT is synchronous (200 only), GET, DELETE
(200, or 204 when there is nothing to delete), and the list on the resource (one ``value`` page, as the service
answers). ``/{resourceUri}/providers/Microsoft.Insights/diagnosticSettingsCategories``: the categories.

Resource URIs of one level (``.../providers/NS/type/name``) and of two levels (``.../type/name/child/name``, such as a
storage account's ``blobServices/default``) are served. As in Azure, settings outlive their resource: deleting a
resource leaves them behind (unreachable while it is gone), and a resource re-created under the same id has them again.
"""

from __future__ import annotations

import re

from azure.mgmt.monitor.v2021_05_01_preview import models as monitor_models

from ..arm import ArmError, Context, Response, parse_id
from ..registry import Provider
from ..validation import validate

API_VERSIONS = ("2021-05-01-preview", "2020-01-01-preview", "2017-05-01-preview", "2016-09-01", "2015-07-01")
GROUPS_FROM = "2021-05-01-preview"  # category groups exist from this api-version on

provider = Provider("Microsoft.Insights", api_versions=API_VERSIONS)

SETTING_TYPE = "Microsoft.Insights/diagnosticSettings"
COLLECTION = "insights.diagnosticSettings"  # lower-case resource id -> {lower-case name: setting}
RESOURCE_1 = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{ns}/{t1}/{n1}"
RESOURCE_2 = RESOURCE_1 + "/{t2}/{n2}"
SETTINGS = "/providers/Microsoft.Insights/diagnosticSettings"
CATEGORIES = "/providers/Microsoft.Insights/diagnosticSettingsCategories"

_AUDIT = ["audit", "allLogs"]
_ALL = ["allLogs"]
_STORAGE_SERVICE = {
    "logs": {"StorageRead": _ALL, "StorageWrite": _AUDIT, "StorageDelete": _AUDIT},
    "metrics": ["Capacity", "Transaction"],
}
#: Machine Learning workspace logs (Learn "Supported logs for Microsoft.MachineLearningServices/workspaces"). The
#: ``audit`` group holds the access and change events (their tables are in Log Analytics' Audit category); compute
#: telemetry and run status are in ``allLogs`` only.
_ML_WORKSPACE_AUDIT_LOGS = (
    "ComputeInstanceEvent", "DataLabelChangeEvent", "DataLabelReadEvent", "DataSetChangeEvent", "DataSetReadEvent",
    "DataStoreChangeEvent", "DataStoreReadEvent", "DeploymentEventACI", "DeploymentEventAKS", "DeploymentReadEvent",
    "EnvironmentChangeEvent", "EnvironmentReadEvent", "InferencingOperationACI", "InferencingOperationAKS",
    "ModelsActionEvent", "ModelsChangeEvent", "ModelsReadEvent", "PipelineChangeEvent", "PipelineReadEvent", "RunEvent",
    "RunReadEvent",
)  # fmt: skip
_ML_WORKSPACE_OTHER_LOGS = (
    "AmlComputeClusterEvent", "AmlComputeClusterNodeEvent", "AmlComputeCpuGpuUtilization", "AmlComputeJobEvent",
    "AmlRunStatusChangedEvent",
)  # fmt: skip
_APP_INSIGHTS_LOGS = (
    "AppAvailabilityResults", "AppBrowserTimings", "AppEvents", "AppMetrics", "AppDependencies", "AppExceptions",
    "AppPageViews", "AppPerformanceCounters", "AppRequests", "AppSystemEvents", "AppTraces",
)  # fmt: skip

#: lower-case resource type -> {"logs": {category: [category groups]}, "metrics": [categories]}
CATALOG = {
    "microsoft.keyvault/vaults": {
        "logs": {"AuditEvent": _AUDIT, "AzurePolicyEvaluationDetails": _ALL},
        "metrics": ["AllMetrics"],
    },
    "microsoft.storage/storageaccounts": {"logs": {}, "metrics": ["Capacity", "Transaction"]},
    "microsoft.storage/storageaccounts/blobservices": _STORAGE_SERVICE,
    "microsoft.storage/storageaccounts/fileservices": _STORAGE_SERVICE,
    "microsoft.storage/storageaccounts/queueservices": _STORAGE_SERVICE,
    "microsoft.storage/storageaccounts/tableservices": _STORAGE_SERVICE,
    "microsoft.containerregistry/registries": {
        "logs": {"ContainerRegistryRepositoryEvents": _AUDIT, "ContainerRegistryLoginEvents": _AUDIT},
        "metrics": ["AllMetrics"],
    },
    "microsoft.operationalinsights/workspaces": {
        "logs": {"Audit": _AUDIT, "SummaryLogs": _ALL},
        "metrics": ["AllMetrics"],
    },
    "microsoft.insights/components": {
        "logs": {name: _ALL for name in _APP_INSIGHTS_LOGS},
        "metrics": ["AllMetrics"],
    },
    "microsoft.network/virtualnetworks": {"logs": {"VMProtectionAlerts": _ALL}, "metrics": ["AllMetrics"]},
    "microsoft.machinelearningservices/workspaces": {
        "logs": {
            name: _AUDIT if name in _ML_WORKSPACE_AUDIT_LOGS else _ALL
            for name in sorted(_ML_WORKSPACE_AUDIT_LOGS + _ML_WORKSPACE_OTHER_LOGS)
        },
        "metrics": ["AllMetrics"],
    },
}
#: Where a resource's ``kind`` changes what it offers: (lower-case type, lower-case kind) -> catalog. A hub workspace
#: (the portal's "Azure AI") has metrics only.
KIND_CATALOG = {
    ("microsoft.machinelearningservices/workspaces", "hub"): {"logs": {}, "metrics": ["AllMetrics"]},
}
STORAGE_SERVICES = ("blobservices", "fileservices", "queueservices", "tableservices")
DESTINATIONS = (
    "storageAccountId",
    "workspaceId",
    "eventHubAuthorizationRuleId",
    "serviceBusRuleId",
    "marketplacePartnerId",
)
_BAD_NAME = re.compile(r"[<>*%&:\\?+/\x00-\x1f\x7f]")


# the resource a setting belongs to ----------------------------------------------------------------------------------
def _resource_uri(ctx: Context) -> str:
    p = ctx.params
    uri = (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/{p['ns']}/"
        f"{p['t1']}/{p['n1']}"
    )
    if "t2" in p:
        uri += f"/{p['t2']}/{p['n2']}"
    return uri


def _resource_type(uri: str) -> str:
    parsed = parse_id(uri)
    return (parsed.type or "").lower()


def _resource(ctx: Context) -> tuple[str, dict]:
    """``(resource id as stored, record)``, or the ARM 404 for a resource that does not exist."""
    uri = _resource_uri(ctx)
    record = ctx.store.get(uri)
    if record is None:
        parsed = parse_id(uri)
        rtype = parsed.type or ""
        name = "/".join(parsed.names)
        raise ArmError(
            404,
            "ResourceNotFound",
            f"The Resource '{rtype}/{name}' under resource group '{parsed.resource_group}' was not found. For more "
            "details please go to https://aka.ms/ARMResourceNotFoundFix",
        )
    return record["id"], record


def _catalog(ctx: Context, uri: str) -> dict:
    rtype = _resource_type(uri)
    record = ctx.store.get(uri)
    kind = str((record or {}).get("body", {}).get("kind") or "").lower()
    if (rtype, kind) in KIND_CATALOG:
        return KIND_CATALOG[(rtype, kind)]
    return CATALOG.get(rtype, {"logs": {}, "metrics": []})


# categories -----------------------------------------------------------------------------------------------------------
def _category_body(uri: str, name: str, kind: str, groups: list | None) -> dict:
    props: dict = {"categoryType": kind}
    if kind == "Logs":
        props["categoryGroups"] = list(groups or [])
    return {
        "id": f"{uri}/providers/microsoft.insights/diagnosticSettingsCategories/{name}",
        "name": name,
        "type": "microsoft.insights/diagnosticSettingsCategories",
        "location": None,
        "properties": props,
    }


def _categories(ctx: Context, uri: str) -> list:
    catalog = _catalog(ctx, uri)
    with_groups = (ctx.api_version or "") >= GROUPS_FROM
    out = [_category_body(uri, name, "Metrics", None) for name in catalog["metrics"]]
    out += [
        _category_body(uri, name, "Logs", groups if with_groups else None) for name, groups in catalog["logs"].items()
    ]
    return out


def list_categories(ctx: Context) -> Response:
    uri, _ = _resource(ctx)
    return Response(200, {"value": _categories(ctx, uri)})


def get_category(ctx: Context) -> Response:
    uri, _ = _resource(ctx)
    wanted = ctx.params["categoryName"].lower()
    for category in _categories(ctx, uri):
        if category["name"].lower() == wanted:
            return Response(200, category)
    raise ArmError(404, "ResourceNotFound", f"Category '{ctx.params['categoryName']}' is not supported.")


# settings -------------------------------------------------------------------------------------------------------------
def _setting_id(uri: str, name: str) -> str:
    return f"{uri}/providers/microsoft.insights/diagnosticSettings/{name}"


def _check_destination(ctx: Context, props: dict) -> None:
    given = [key for key in DESTINATIONS if props.get(key)]
    if not given:
        raise ArmError(
            400,
            "BadRequest",
            "At least one destination must be specified: a storage account (storageAccountId), a Log Analytics "
            "workspace (workspaceId), an event hub (eventHubAuthorizationRuleId) or a partner solution "
            "(marketplacePartnerId).",
        )
    for key, rtype in (
        ("workspaceId", "Microsoft.OperationalInsights/workspaces"),
        ("storageAccountId", "Microsoft.Storage/storageAccounts"),
    ):
        value = props.get(key)
        if not value:
            continue
        if not isinstance(value, str) or not re.match(r"/(subscriptions|providers)/", value, re.IGNORECASE):
            raise ArmError(
                400,
                "LinkedInvalidPropertyId",
                f"Property id '{value}' at path 'properties.{key}' is invalid. Expect fully qualified resource Id that "
                "start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.",
            )
        record = ctx.store.get(value)
        if record is None or record["type"].lower() != rtype.lower():
            parsed = parse_id(value)
            raise ArmError(
                404,
                "ResourceNotFound",
                f"The Resource '{rtype}/{parsed.name}' under resource group '{parsed.resource_group}' was not found. "
                "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
            )


def _normalize_logs(ctx: Context, uri: str, logs: list) -> list:
    catalog = _catalog(ctx, uri)["logs"]
    known = {name.lower(): name for name in catalog}
    groups = {group.lower(): group for names in catalog.values() for group in names}
    with_groups = (ctx.api_version or "") >= GROUPS_FROM
    has_category = any(entry.get("category") for entry in logs)
    has_group = with_groups and any(entry.get("categoryGroup") for entry in logs)
    if has_category and has_group:
        raise ArmError(
            400, "BadRequest", "Diagnostic setting does not support mix of log category and log category group."
        )
    out = []
    for entry in logs:
        category = entry.get("category")
        group = entry.get("categoryGroup") if with_groups else None
        if category:
            if category.lower() not in known:
                raise ArmError(400, "BadRequest", f"Category '{category}' is not supported.")
            category = known[category.lower()]
        elif group:
            if group.lower() not in groups:
                raise ArmError(400, "BadRequest", f"Category group '{group}' is not supported.")
            group = groups[group.lower()]
        else:
            raise ArmError(400, "BadRequest", "A log setting must name a category or a category group.")
        item = {"category": category, "categoryGroup": group, "enabled": bool(entry["enabled"])}
        item["retentionPolicy"] = entry.get("retentionPolicy") or {"enabled": False, "days": 0}
        out.append(item)
    return out


def _normalize_metrics(ctx: Context, uri: str, metrics: list) -> list:
    known = {name.lower(): name for name in _catalog(ctx, uri)["metrics"]}
    out = []
    for entry in metrics:
        category = entry.get("category") or "AllMetrics"
        if category.lower() not in known:
            supported = ", ".join(f"'{name}'" for name in known.values())
            raise ArmError(
                400,
                "BadRequest",
                f"Metric category '{category}' is not supported, supported categories are: {supported}.",
            )
        out.append(
            {
                "timeGrain": entry.get("timeGrain"),
                "category": known[category.lower()],
                "enabled": bool(entry["enabled"]),
                "retentionPolicy": entry.get("retentionPolicy") or {"enabled": False, "days": 0},
            }
        )
    return out


def _settings(ctx: Context, uri: str) -> dict:
    """The settings of one resource: lower-case name -> body (kept apart from the resource, which may go and come)."""
    return ctx.store.collection(COLLECTION).setdefault(uri.lower(), {})


def put_setting(ctx: Context) -> Response:
    uri, _ = _resource(ctx)
    name = ctx.params["settingName"]
    if not 1 <= len(name) <= 260 or _BAD_NAME.search(name):
        raise ArmError(
            400,
            "BadRequest",
            f"The diagnostic setting name '{name}' is invalid. It can be up to 260 characters long and may not "
            "contain '<', '>', '*', '%', '&', ':', '\\', '?', '+', '/' or control characters.",
        )
    body = ctx.json()
    validate(body, monitor_models.DiagnosticSettingsResource, code="BadRequest")
    props = body.get("properties") or {}
    _check_destination(ctx, props)
    logs = _normalize_logs(ctx, uri, props.get("logs") or [])
    metrics = _normalize_metrics(ctx, uri, props.get("metrics") or [])
    settings = _settings(ctx, uri)
    existing = settings.get(name.lower())
    if existing is not None:
        name = existing["name"]
    out = {key: props.get(key) for key in DESTINATIONS + ("eventHubName",)}
    out.update({"logs": logs, "metrics": metrics})
    out["logAnalyticsDestinationType"] = props.get("logAnalyticsDestinationType")
    setting = {
        "id": _setting_id(uri, name),
        "name": name,
        "type": SETTING_TYPE,
        "systemData": ctx.system_data(existing.get("systemData") if existing else None),
        "properties": out,
    }
    settings[name.lower()] = setting
    ctx.store.touch()
    return Response(200, setting)


def get_setting(ctx: Context) -> Response:
    uri, _ = _resource(ctx)
    setting = _settings(ctx, uri).get(ctx.params["settingName"].lower())
    if setting is None:
        raise ArmError(404, "ResourceNotFound", f"The diagnostic setting '{ctx.params['settingName']}' doesn't exist.")
    return Response(200, setting)


def delete_setting(ctx: Context) -> Response:
    uri, _ = _resource(ctx)
    if _settings(ctx, uri).pop(ctx.params["settingName"].lower(), None) is None:
        return Response(204)
    ctx.store.touch()
    return Response(200)


def list_settings(ctx: Context) -> Response:
    uri, _ = _resource(ctx)
    return Response(200, {"value": list(_settings(ctx, uri).values())})


for _base in (RESOURCE_1, RESOURCE_2):
    provider.route("PUT", _base + SETTINGS + "/{settingName}")(put_setting)
    provider.route("GET", _base + SETTINGS + "/{settingName}")(get_setting)
    provider.route("DELETE", _base + SETTINGS + "/{settingName}")(delete_setting)
    provider.route("GET", _base + SETTINGS)(list_settings)
    provider.route("GET", _base + CATEGORIES)(list_categories)
    provider.route("GET", _base + CATEGORIES + "/{categoryName}")(get_category)
