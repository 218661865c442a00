"""Microsoft.OperationalInsights workspaces: create or update (200, ``provisioningState: Creating`` for a new workspace
until the pollers' GET finds it ``Succeeded``), PATCH, delete with and without ``force``, soft-deleted workspaces and
their recovery by re-creating them, read-only ``customerId``, server-filled defaults and the retention rules."""

from __future__ import annotations

import base64
import datetime
import re
import secrets
import time

from azure.mgmt.loganalytics import models as la_models

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_same_location,
    check_tags,
    iso,
    new_guid,
    parse_id,
    resource_not_found,
)
from ..registry import Provider, check_delete_allowed
from ..sdk import versions
from ..validation import validate

API_VERSIONS = versions(
    (
        "2015-03-20", "2015-11-01-preview", "2017-03-15-preview", "2020-03-01-preview", "2020-08-01", "2020-10-01",
        "2021-06-01", "2021-12-01-preview", "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01",
    ),
    "azure.mgmt.loganalytics",
)  # fmt: skip

provider = Provider("Microsoft.OperationalInsights", api_versions=API_VERSIONS)

TYPE = "Microsoft.OperationalInsights/workspaces"
BASE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights"
WORKSPACE = BASE + "/workspaces/{workspaceName}"
DELETED = "operationalinsights.deleted"  # collection: lower-case "sub/group/name" -> soft-deleted workspace
NAME_RULE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]")
SOFT_DELETE_DAYS = 14
CREATE_SECONDS = 5.0
RETENTION = {"free": (7, 7), "standard": (30, 30), "premium": (365, 365)}  # others: 30-730


def _operation_id() -> str:
    return secrets.token_hex(16)


def _workspace_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.OperationalInsights/workspaces/{p['workspaceName']}"
    )


def _deleted_key(subscription: str, group: str, name: str) -> str:
    return f"{subscription}/{group}/{name}".lower()


def deleted_workspaces(ctx: Context) -> dict:
    """Soft-deleted workspaces, dropping those whose 14 days are over (the service purges them then)."""
    coll = ctx.store.collection(DELETED)
    now = time.time()
    for key in [k for k, v in coll.items() if v["purge_at"] <= now]:
        del coll[key]
        ctx.store.touch()
    return coll


def _check_name(name: str) -> None:
    if not 4 <= len(name) <= 63:
        raise ArmError(
            400,
            "InvalidParameter",
            f"Workspace name '{name}' is invalid: it must be between 4 and 63 characters long. Operation Id: "
            f"'{_operation_id()}'",
        )
    if not NAME_RULE.fullmatch(name):
        raise ArmError(
            400,
            "InvalidParameter",
            "Workspace name must start and end with an alphanumeric character, and may contain only alphanumeric and "
            f"hyphen characters. Operation Id: '{_operation_id()}'",
        )


def _check_retention(sku: str, days) -> None:
    if days is None:
        return
    low, high = RETENTION.get(sku.lower(), (30, 730))
    if not low <= days <= high:
        raise ArmError(400, "BadRequest", "The value provided for retention is invalid", target="retention")


def _sku_name(value: str) -> str:
    return next(s.value for s in la_models.WorkspaceSkuNameEnum if s.value.lower() == value.lower())


def _defaults(sku: str) -> dict:
    now = datetime.datetime.now(datetime.timezone.utc)
    reset = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "customerId": new_guid(),
        "provisioningState": "Creating",
        "sku": {"name": sku, "lastSkuUpdate": iso(now)},
        "retentionInDays": 7 if sku == "Free" else 30,
        "features": {"legacy": 0, "searchVersion": 1, "enableLogAccessUsingOnlyResourcePermissions": True},
        "workspaceCapping": {
            "dailyQuotaGb": 0.5 if sku == "Free" else -1.0,
            "quotaNextResetTime": iso(reset),
            "dataIngestionStatus": "RespectQuota",
        },
        "publicNetworkAccessForIngestion": "Enabled",
        "publicNetworkAccessForQuery": "Enabled",
        "createdDate": iso(now),
        "modifiedDate": iso(now),
    }


def _apply(props: dict, update: dict) -> None:
    """Apply the settable properties of ``update`` to ``props`` (after validation)."""
    if (update.get("sku") or {}).get("name"):
        sku = _sku_name(update["sku"]["name"])
        if sku != props["sku"]["name"]:
            props["sku"] = {"name": sku, "lastSkuUpdate": iso()}
        if update["sku"].get("capacityReservationLevel") is not None:
            props["sku"]["capacityReservationLevel"] = update["sku"]["capacityReservationLevel"]
    if update.get("retentionInDays") is not None:
        props["retentionInDays"] = update["retentionInDays"]
    for key in (
        "publicNetworkAccessForIngestion",
        "publicNetworkAccessForQuery",
        "forceCmkForQuery",
        "defaultDataCollectionRuleResourceId",
    ):
        if update.get(key) is not None:
            props[key] = update[key]
    if update.get("features") is not None:
        features = props.setdefault("features", {})
        for key, value in update["features"].items():
            if value is not None and key not in ("clusterResourceId", "unifiedSentinelBillingOnly", "associations"):
                features[key] = value
    if update.get("workspaceCapping") is not None and update["workspaceCapping"].get("dailyQuotaGb") is not None:
        props["workspaceCapping"]["dailyQuotaGb"] = float(update["workspaceCapping"]["dailyQuotaGb"])
    props["modifiedDate"] = iso()


def _effective_sku(update: dict, current: dict | None) -> str:
    if (update.get("sku") or {}).get("name"):
        return _sku_name(update["sku"]["name"])
    return current["sku"]["name"] if current else "PerGB2018"


def _get_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_workspace_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["workspaceName"], ctx.params["resourceGroupName"])
    return record


# workspaces -----------------------------------------------------------------------------------------------------------
@provider.route("PUT", WORKSPACE)
def put_workspace(ctx: Context) -> Response:
    name = ctx.params["workspaceName"]
    _check_name(name)
    body = ctx.json()
    validate(body, la_models.Workspace, code="BadRequest")
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"))
    update = body.get("properties") or {}
    rid = _workspace_id(ctx)
    existing = ctx.store.get(rid)
    sku = _effective_sku(update, existing["body"]["properties"] if existing else None)
    _check_retention(sku, update.get("retentionInDays"))
    if existing is not None:
        current = existing["body"]
        check_same_location(current, location, name, ctx.params["resourceGroupName"])
        _check_retention(sku, update.get("retentionInDays", current["properties"]["retentionInDays"]))
        _apply(current["properties"], update)
        current["tags"] = tags
        current["systemData"] = ctx.system_data(current.get("systemData"))
        ctx.store.touch()
        if current["properties"].get("provisioningState") == "Failed":
            # the same PUT again repairs a failed workspace: a new operation, Updating until the pollers' GET finds
            # it settled
            return _start_create(ctx, existing, "Updating")
        return Response(200, current)

    sub, group = ctx.params["subscriptionId"], ctx.params["resourceGroupName"]
    deleted = deleted_workspaces(ctx)
    entry = deleted.get(_deleted_key(sub, group, name))
    if entry is None:
        other = next(
            (
                e
                for e in deleted.values()
                if e["subscription"].lower() == sub.lower() and e["workspace"]["name"].lower() == name.lower()
            ),
            None,
        )
        if other is not None:
            raise ArmError(409, "Conflict", f"The workspace name '{name}' is not unique")
    if entry is not None:
        if entry["workspace"]["location"] != location:
            raise ArmError(
                409,
                "Conflict",
                f"The workspace name '{name}' is not unique: a deleted workspace of that name in location "
                f"'{entry['workspace']['location']}' can be recovered only by re-creating it there.",
            )
        workspace = entry["workspace"]
        workspace["id"] = rid
        workspace["name"] = name
        workspace["properties"]["provisioningState"] = "Creating"
        del deleted[_deleted_key(sub, group, name)]
    else:
        workspace = {
            "id": rid,
            "name": name,
            "type": TYPE,
            "location": location,
            "properties": _defaults(sku),
        }
    _apply(workspace["properties"], update)
    workspace["tags"] = tags
    workspace["systemData"] = ctx.system_data(workspace.get("systemData"))
    workspace["etag"] = f'"{new_guid()}"'
    record = ctx.store.put(rid, TYPE, workspace, {})
    return _start_create(ctx, record, "Creating")


def _start_create(ctx: Context, record: dict, state: str) -> Response:
    """Provision a workspace: 200 with the workspace in ``state`` and no polling header (the SDK GETs it)."""
    record["body"]["properties"]["provisioningState"] = state
    op = lro.start(ctx, "operationalinsights.create", typical_seconds=CREATE_SECONDS, params={"id": record["id"]})
    if op["status"] == "InProgress":
        record["internal"]["operation"] = op["id"]
    answer = dict(record["body"], properties=dict(record["body"]["properties"], provisioningState=state))
    return Response(200, answer)


@provider.completion("operationalinsights.create")
def _created(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    record["internal"].pop("operation", None)
    record["body"]["properties"]["provisioningState"] = "Failed" if failed else "Succeeded"


@provider.route("GET", WORKSPACE)
def get_workspace(ctx: Context) -> Response:
    return Response(200, _get_or_404(ctx)["body"])


@provider.route("PATCH", WORKSPACE)
def patch_workspace(ctx: Context) -> Response:
    record = _get_or_404(ctx)
    body = ctx.json()
    validate(body, la_models.WorkspacePatch, code="BadRequest")
    update = body.get("properties") or {}
    current = record["body"]
    sku = _effective_sku(update, current["properties"])
    _check_retention(sku, update.get("retentionInDays", current["properties"]["retentionInDays"]))
    _apply(current["properties"], update)
    if body.get("tags") is not None:
        current["tags"] = check_tags(body["tags"])
    current["systemData"] = ctx.system_data(current.get("systemData"))
    ctx.store.touch()
    return Response(200, current)


def soft_delete(ctx: Context, record: dict) -> None:
    parsed = parse_id(record["id"])
    workspace = record["body"]
    deleted_workspaces(ctx)[_deleted_key(parsed.subscription, parsed.resource_group, workspace["name"])] = {
        "subscription": parsed.subscription,
        "resource_group": parsed.resource_group,
        "workspace": workspace,
        "deleted_at": time.time(),
        "purge_at": time.time() + SOFT_DELETE_DAYS * 86400,
    }
    ctx.store.touch()


@provider.route("DELETE", WORKSPACE)
def delete_workspace(ctx: Context) -> Response:
    record = ctx.store.get(_workspace_id(ctx))
    force = str(ctx.param("force") or "false").lower() == "true"
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    if not force:
        soft_delete(ctx, record)
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


@provider.on_group_delete(TYPE)
def _workspace_with_group(ctx: Context, record: dict) -> None:
    soft_delete(ctx, record)


@provider.route("GET", BASE + "/workspaces")
def list_by_group(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(r["body"] for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.OperationalInsights/workspaces")
def list_by_subscription(ctx: Context) -> Response:
    return ctx.paged(r["body"] for r in ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"]))


# soft-deleted workspaces ------------------------------------------------------------------------------------------
def _deleted_public(entry: dict) -> dict:
    body = dict(entry["workspace"])
    body["properties"] = dict(body["properties"], provisioningState="Succeeded")
    return body


def _deleted_list(ctx: Context, group: str | None) -> Response:
    sub = ctx.params["subscriptionId"].lower()
    entries = [
        e
        for e in deleted_workspaces(ctx).values()
        if e["subscription"].lower() == sub and (group is None or e["resource_group"].lower() == group.lower())
    ]
    return ctx.paged(_deleted_public(e) for e in entries)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.OperationalInsights/deletedWorkspaces")
def list_deleted(ctx: Context) -> Response:
    return _deleted_list(ctx, None)


@provider.route("GET", BASE + "/deletedWorkspaces")
def list_deleted_by_group(ctx: Context) -> Response:
    return _deleted_list(ctx, ctx.params["resourceGroupName"])


# what a workspace lists and hands out besides itself ------------------------------------------------------------------
#: The intelligence packs (legacy solutions) a workspace lists, with their display names, as the REST specification's
#: example lists them. A new workspace has Log Management on (the workspace's own logs) and the others off.
INTELLIGENCE_PACKS = (
    ("CapacityPerformance", "Capacity and Performance"),
    ("AzureWebAppsAnalytics", "Azure Web Apps Analytics (Preview)"),
    ("Security", "Security and Audit"), ("Updates", "Update Management"), ("AntiMalware", "Antimalware Assessment"),
    ("LogManagement", "Log Management"), ("ChangeTracking", "Change Tracking"), ("SQLAssessment", "SQL Assessment"),
    ("ServiceDesk", "IT Service Management Connector(Preview)"), ("ADAssessment", "AD Assessment"),
    ("AlertManagement", "Alert Management"), ("AzureAutomation", "Azure Automation"), ("WireData", "Wire Data"),
    ("SiteRecovery", "Azure Site Recovery"), ("Backup", "Backup"), ("NetworkMonitoring", "Network Performance Monitor"),
    ("Containers", "Container Monitoring Solution"), ("ServiceMap", "Service Map"),
    ("ADReplication", "AD Replication Status"), ("KeyVaultAnalytics", "Key Vault Analytics"),
    ("AzureActivity", "Activity Log Analytics"), ("AzureSQLAnalytics", "Azure SQL Analytics (Preview)"),
    ("AzureNSGAnalytics", "Azure Network Security Group Analytics"), ("SecurityCenterFree", "Security Center Free"),
)  # fmt: skip
DEFAULT_PACKS = frozenset({"LogManagement"})


def _packs(record: dict) -> dict:
    """The workspace's pack switches (name -> enabled), created with the defaults on first use."""
    packs = record["internal"].get("intelligence_packs")
    if packs is None:
        packs = {name: name in DEFAULT_PACKS for name, _ in INTELLIGENCE_PACKS}
        record["internal"]["intelligence_packs"] = packs
    return packs


@provider.route("GET", WORKSPACE + "/intelligencePacks")
def list_intelligence_packs(ctx: Context) -> Response:
    """``IntelligencePacks_List``: a bare JSON array (not a ``value`` page), every pack with its switch."""
    packs = _packs(_get_or_404(ctx))
    return Response(
        200, [{"name": name, "enabled": packs[name], "displayName": display} for name, display in INTELLIGENCE_PACKS]
    )


@provider.route("POST", WORKSPACE + "/intelligencePacks/{packName}/{action}")
def switch_intelligence_pack(ctx: Context) -> Response:
    """``IntelligencePacks_Enable`` / ``_Disable``: 200 with no body."""
    action = ctx.params["action"].lower()
    if action not in ("enable", "disable"):
        raise ArmError(404, "NotFound", f"The requested path '{ctx.path}' is not served by this endpoint.")
    record = _get_or_404(ctx)
    packs = _packs(record)
    name = next((known for known in packs if known.lower() == ctx.params["packName"].lower()), None)
    if name is None:
        raise ArmError(
            400,
            "BadRequest",
            f"The intelligence pack '{ctx.params['packName']}' is not valid. Operation Id: '{_operation_id()}'",
        )
    packs[name] = action == "enable"
    ctx.store.touch()
    return Response(200)


def _shared_key() -> str:
    return base64.b64encode(secrets.token_bytes(64)).decode("ascii")


@provider.route("POST", WORKSPACE + "/sharedKeys")
def get_shared_keys(ctx: Context) -> Response:
    """``SharedKeys_GetSharedKeys`` (a POST: it hands out secrets): the agents' primary and secondary keys."""
    record = _get_or_404(ctx)
    keys = record["internal"].get("shared_keys")
    if keys is None:
        keys = {"primarySharedKey": _shared_key(), "secondarySharedKey": _shared_key()}
        record["internal"]["shared_keys"] = keys
        ctx.store.touch()
    return Response(200, dict(keys))


@provider.route("GET", WORKSPACE + "/managementGroups")
def list_management_groups(ctx: Context) -> Response:
    """``ManagementGroups_List``: the System Center Operations Manager groups connected to the workspace; none here."""
    _get_or_404(ctx)
    return Response(200, {"value": []})


@provider.route("GET", WORKSPACE + "/usages")
def list_usages(ctx: Context) -> Response:
    """``Usages_List``: the data analysed today against the daily cap (-1 with no cap); the emulator ingests nothing."""
    props = _get_or_404(ctx)["body"]["properties"]
    capping = props.get("workspaceCapping") or {}
    quota = capping.get("dailyQuotaGb", -1.0)
    return Response(
        200,
        {
            "value": [
                {
                    "name": {"value": "DataAnalyzed", "localizedValue": "Data Analyzed"},
                    "unit": "Bytes",
                    "currentValue": 0.0,
                    "limit": float(quota * 1024**3) if quota is not None and quota >= 0 else -1.0,
                    "nextResetTime": capping.get("quotaNextResetTime"),
                    "quotaPeriod": "P1D",
                }
            ]
        },
    )
