"""Microsoft.Insights components (Application Insights): PUT is synchronous and answers 200 only, properties are
PascalCase as the service spells them, read-only keys and ids are filled by the server, only workspace-based
components can be created (classic mode is retired), PATCH changes tags only, DELETE answers 200 or 204."""

from __future__ import annotations

from azure.mgmt.applicationinsights.v2020_02_02 import models as ai_models

from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_same_location,
    check_tags,
    iso,
    new_guid,
    resource_not_found,
)
from ..registry import Provider, check_delete_allowed
from ..validation import validate

# the versions the service lists for components (azure-mgmt-applicationinsights 4 sends 2020-02-02)
API_VERSIONS = (
    "2020-02-02-preview",
    "2020-02-02",
    "2018-05-01-preview",
    "2015-05-01",
    "2014-12-01-preview",
    "2014-08-01",
    "2014-04-01",
)

provider = Provider("Microsoft.Insights", api_versions=API_VERSIONS)

TYPE = "microsoft.insights/components"  # the service answers the type in lower case
BASE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights"
COMPONENT = BASE + "/components/{resourceName}"
WORKSPACE_TYPE = "microsoft.operationalinsights/workspaces"
RETENTION_DAYS = (30, 60, 90, 120, 180, 270, 365, 550, 730)
CLASSIC_RETIRED = (
    "Region doesn't support Classic resource mode for Application Insights resources. Please use Workspace-based mode."
)


def _component_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"microsoft.insights/components/{p['resourceName']}"
    )


def _check_name(name: str) -> None:
    bad = any(ch in "%&\\?/" or ord(ch) < 32 or ord(ch) == 127 for ch in name)
    if bad or len(name) > 260 or name.endswith((".", " ")):
        raise ArmError(
            400,
            "InvalidResourceName",
            f"The resource name '{name}' is invalid. It can be up to 260 characters long, may not contain '%', '&', "
            "'\\', '?', '/' or control characters and may not end with a period or a space.",
        )


def _get_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_component_id(ctx))
    if record is None:
        raise resource_not_found(
            "Microsoft.Insights/components", ctx.params["resourceName"], ctx.params["resourceGroupName"]
        )
    return record


def _workspace(ctx: Context, workspace_id) -> dict:
    """The Log Analytics workspace a component points at; the service refuses an id it cannot resolve."""
    record = ctx.store.get(workspace_id) if isinstance(workspace_id, str) and workspace_id.startswith("/") else None
    if record is None or record["type"].lower() != WORKSPACE_TYPE:
        raise ArmError(400, "BadRequest", "Provided WorkspaceResourceId is invalid")
    return record


def _connection_string(ikey: str, app_id: str, location: str) -> str:
    return (
        f"InstrumentationKey={ikey};IngestionEndpoint=https://{location}-0.in.applicationinsights.azure.com/;"
        f"LiveEndpoint=https://{location}.livediagnostics.monitor.azure.com/;ApplicationId={app_id}"
    )


SETTABLE = (
    "Application_Type",
    "Flow_Type",
    "Request_Source",
    "HockeyAppId",
    "SamplingPercentage",
    "RetentionInDays",
    "DisableIpMasking",
    "ImmediatePurgeDataOn30Days",
    "publicNetworkAccessForIngestion",
    "publicNetworkAccessForQuery",
    "DisableLocalAuth",
    "ForceCustomerStorageForProfiler",
)


@provider.route("PUT", COMPONENT)
def put_component(ctx: Context) -> Response:
    name = ctx.params["resourceName"]
    _check_name(name)
    body = ctx.json()
    validate(body, ai_models.ApplicationInsightsComponent, code="BadRequest")
    location = check_location(body.get("location"), "Microsoft.Insights/components")
    tags = check_tags(body.get("tags"))
    props = body.get("properties") or {}
    if not props.get("WorkspaceResourceId"):
        raise ArmError(400, "BadRequest", CLASSIC_RETIRED)
    workspace = _workspace(ctx, props["WorkspaceResourceId"])
    days = props.get("RetentionInDays")
    if days is not None and days not in RETENTION_DAYS:
        raise ArmError(
            400,
            "BadRequest",
            f"RetentionInDays '{days}' is invalid. Allowed values: {', '.join(str(d) for d in RETENTION_DAYS)}.",
        )
    rid = _component_id(ctx)
    existing = ctx.store.get(rid)
    if existing is not None:
        component = existing["body"]
        check_same_location(component, location, name, ctx.params["resourceGroupName"])
        current = component["properties"]
    else:
        app_id, ikey = new_guid(), new_guid()
        current = {
            "ApplicationId": name,
            "AppId": app_id,
            "Application_Type": "web",
            "Flow_Type": "Bluefield",
            "Request_Source": "rest",
            "InstrumentationKey": ikey,
            "ConnectionString": _connection_string(ikey, app_id, location),
            "Name": name,
            "CreationDate": iso(),
            "TenantId": ctx.params["subscriptionId"],
            "provisioningState": "Succeeded",
            "RetentionInDays": 90,
            "IngestionMode": "LogAnalytics",
            "publicNetworkAccessForIngestion": "Enabled",
            "publicNetworkAccessForQuery": "Enabled",
            "DisableLocalAuth": False,
        }
        component = {
            "id": rid,
            "name": name,
            "type": TYPE,
            "location": location,
            "kind": body["kind"],
            "properties": current,
        }
    for key in SETTABLE:
        if props.get(key) is not None:
            current[key] = props[key]
    current["WorkspaceResourceId"] = workspace["id"]
    current["IngestionMode"] = "LogAnalytics"  # a workspace-based component always ingests into its workspace
    component["kind"] = body["kind"]
    component["tags"] = tags
    component["etag"] = f'"{new_guid()}"'
    ctx.store.put(rid, TYPE, component, existing["internal"] if existing else {})
    return Response(200, component)


@provider.route("GET", COMPONENT)
def get_component(ctx: Context) -> Response:
    return Response(200, _get_or_404(ctx)["body"])


@provider.route("PATCH", COMPONENT)
def update_tags(ctx: Context) -> Response:
    record = _get_or_404(ctx)
    body = ctx.json()
    validate(body, ai_models.TagsResource, code="BadRequest")
    record["body"]["tags"] = check_tags(body.get("tags"))
    ctx.store.touch()
    return Response(200, record["body"])


@provider.route("DELETE", COMPONENT)
def delete_component(ctx: Context) -> Response:
    record = ctx.store.get(_component_id(ctx))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


@provider.route("GET", BASE + "/components")
def list_by_group(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(r["body"] for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/components")
def list_by_subscription(ctx: Context) -> Response:
    return ctx.paged(r["body"] for r in ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"]))
