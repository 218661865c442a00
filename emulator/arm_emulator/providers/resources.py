"""Microsoft.Resources: subscriptions, tenants, resource groups, the generic resource lists, and ARM's own
operation results (the Location of a resource group deletion)."""

from __future__ import annotations

import re
import unicodedata

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_tags,
    group_id,
    group_not_found,
    new_guid,
    parse_id,
)
from ..config import LOCATIONS, SUBSCRIPTIONS, TENANT_ID
from ..registry import Provider, check_delete_allowed
from ..sdk import versions

RESOURCE_API_VERSIONS = versions(
    (
        "2015-01-01",
        "2015-11-01",
        "2016-02-01",
        "2016-06-01",
        "2016-07-01",
        "2016-09-01",
        "2017-05-10",
        "2017-08-01",
        "2018-02-01",
        "2018-05-01",
        "2019-03-01",
        "2019-05-01",
        "2019-05-10",
        "2019-07-01",
        "2019-08-01",
        "2019-10-01",
        "2020-06-01",
        "2020-08-01",
        "2020-10-01",
        "2021-01-01",
        "2021-04-01",
        "2022-09-01",
        "2023-07-01",
        "2024-03-01",
        "2024-07-01",
        "2024-11-01",
        "2025-03-01",
        "2025-04-01",
    ),
    "azure.mgmt.resource.resources",
)
SUBSCRIPTION_API_VERSIONS = (
    "2014-04-01",
    "2015-11-01",
    "2016-06-01",
    "2018-06-01",
    "2019-06-01",
    "2019-11-01",
    "2020-01-01",
    "2021-01-01",
    "2022-01-01",
    "2022-12-01",
    "2023-07-01",
    "2024-11-01",
    "2025-03-01",
)

provider = Provider(
    "Microsoft.Resources", api_versions=RESOURCE_API_VERSIONS, bad_version_code="InvalidApiVersionParameter"
)

GROUP = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}"
DELETE_SECONDS = 15.0  # a resource group with a few resources in it


def valid_group_name(name: str) -> bool:
    if not 1 <= len(name) <= 90 or name.endswith("."):
        return False
    for ch in name:
        if ch in "_-.()":
            continue
        if unicodedata.category(ch) not in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"):
            return False
    return True


def group_body(record: dict) -> dict:
    return record["body"]


def _group(ctx: Context) -> dict | None:
    return ctx.store.get(group_id(ctx.params["subscriptionId"], ctx.params["resourceGroupName"]))


# subscriptions and tenants --------------------------------------------------------------------------------------------
def _subscription(sub: str) -> dict:
    return {
        "id": f"/subscriptions/{sub}",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub,
        "tenantId": TENANT_ID,
        "displayName": SUBSCRIPTIONS[sub],
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


@provider.route("GET", "/subscriptions", api_versions=SUBSCRIPTION_API_VERSIONS)
def list_subscriptions(ctx: Context) -> Response:
    return ctx.paged(_subscription(s) for s in SUBSCRIPTIONS)


@provider.route("GET", "/subscriptions/{subscriptionId}", api_versions=SUBSCRIPTION_API_VERSIONS)
def get_subscription(ctx: Context) -> Response:
    return Response(200, _subscription(ctx.params["subscriptionId"].lower()))


@provider.route("GET", "/subscriptions/{subscriptionId}/locations", api_versions=SUBSCRIPTION_API_VERSIONS)
def list_locations(ctx: Context) -> Response:
    sub = ctx.params["subscriptionId"].lower()
    return Response(
        200,
        {
            "value": [
                {
                    "id": f"/subscriptions/{sub}/locations/{name}",
                    "name": name,
                    "displayName": display,
                    "regionalDisplayName": display,
                    "type": "Region",
                }
                for name, display in LOCATIONS.items()
            ]
        },
    )


@provider.route("GET", "/tenants", api_versions=SUBSCRIPTION_API_VERSIONS)
def list_tenants(ctx: Context) -> Response:
    return ctx.paged([{"id": f"/tenants/{TENANT_ID}", "tenantId": TENANT_ID, "tenantCategory": "Home"}])


# resource groups ------------------------------------------------------------------------------------------------------
@provider.route("PUT", GROUP, group_must_exist=False)
def put_group(ctx: Context) -> Response:
    sub, name = ctx.params["subscriptionId"], ctx.params["resourceGroupName"]
    if not valid_group_name(name):
        raise ArmError(
            400,
            "InvalidResourceGroup",
            f"The provided resource group name '{name}' has these invalid characters or length. The name "
            "can only be a letter, digit, '-', '.', '(', ')' or '_', at most 90 characters, and may not "
            "end with a period.",
        )
    body = ctx.json()
    location = body.get("location")
    if location is None:
        raise ArmError(400, "LocationRequired", "The location property is required for this definition.")
    if not isinstance(location, str) or location.replace(" ", "").lower() not in LOCATIONS:
        raise ArmError(
            400,
            "LocationNotAvailableForResourceGroup",
            f"The provided location '{location}' is not available for resource group. List of available "
            f"regions is '{','.join(LOCATIONS)}'.",
        )
    location = location.replace(" ", "").lower()
    tags = check_tags(body.get("tags"))
    managed_by = body.get("managedBy")
    record = ctx.store.get(group_id(sub, name))
    if record is not None:
        current = record["body"]
        if current["properties"]["provisioningState"] == "Deleting":
            raise ArmError(
                409,
                "ResourceGroupBeingDeleted",
                f"The resource group '{current['name']}' is in deprovisioning state and cannot perform this operation.",
            )
        if current["location"] != location:
            raise ArmError(
                409,
                "InvalidResourceGroupLocation",
                f"Invalid resource group location '{location}'. The Resource group already exists in "
                f"location '{current['location']}'.",
            )
        current["tags"] = tags
        if managed_by is not None:
            current["managedBy"] = managed_by
        ctx.store.touch()
        return Response(200, current)
    rid = group_id(sub, name)
    body = {
        "id": rid,
        "name": name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": location,
        "tags": tags,
        "properties": {"provisioningState": "Succeeded"},
    }
    if managed_by:
        body["managedBy"] = managed_by
    ctx.store.put(rid, "Microsoft.Resources/resourceGroups", body)
    return Response(201, body)


@provider.route("GET", GROUP, group_must_exist=False)
def get_group(ctx: Context) -> Response:
    record = _group(ctx)
    if record is None:
        raise group_not_found(ctx.params["resourceGroupName"])
    return Response(200, record["body"])


@provider.route("HEAD", GROUP, group_must_exist=False)
def head_group(ctx: Context) -> Response:
    return Response(204 if _group(ctx) is not None else 404)


@provider.route("PATCH", GROUP, group_must_exist=False)
def patch_group(ctx: Context) -> Response:
    record = _group(ctx)
    if record is None:
        raise group_not_found(ctx.params["resourceGroupName"])
    body = ctx.json()
    current = record["body"]
    if (
        "location" in body
        and body["location"]
        and check_location(body["location"], "resourceGroups") != current["location"]
    ):
        raise ArmError(
            409,
            "InvalidResourceGroupLocation",
            f"Invalid resource group location '{body['location']}'. The Resource group already exists in "
            f"location '{current['location']}'.",
        )
    if "tags" in body and body["tags"] is not None:
        current["tags"] = check_tags(body["tags"])
    if body.get("managedBy") is not None:
        current["managedBy"] = body["managedBy"]
    ctx.store.touch()
    return Response(200, current)


@provider.route("DELETE", GROUP, group_must_exist=False)
def delete_group(ctx: Context) -> Response:
    sub = ctx.params["subscriptionId"]
    record = _group(ctx)
    if record is None:
        raise group_not_found(ctx.params["resourceGroupName"])
    rid = record["id"]
    running = record["internal"].get("delete_operation")
    op = lro.get(ctx, running) if running else None
    if op is None or op["status"] != "InProgress":
        check_delete_allowed(ctx, rid)
        record["body"]["properties"]["provisioningState"] = "Deleting"
        op = lro.start(
            ctx,
            "resources.group_delete",
            typical_seconds=DELETE_SECONDS,
            params={"id": rid},
            failure=_deletion_blocked(ctx, record),
        )
        if op["status"] == "InProgress":
            record["internal"]["delete_operation"] = op["id"]
    location = ctx.url(f"/subscriptions/{sub}/operationresults/{op['id']}")
    return lro.accepted(ctx, op, location, interval=15)


def _deletion_blocked(ctx: Context, record: dict) -> dict:
    """How ARM reports a group deletion that failed (its Location poll answers 409): the resources it could not
    delete, and the group's provisioning state rolled back."""
    blocked = [
        f"{r['type']}/{r['body'].get('name')}"
        for r in ctx.store.descendants(record["id"])
        if len(parse_id(r["id"]).types) == 1
    ]
    return {
        "status": 409,
        "code": "ResourceGroupDeletionBlocked",
        "message": f"Deletion of resource group '{record['body']['name']}' failed as resources with identifiers "
        f"'{', '.join(blocked)}' could not be deleted. The provisioning state of the resource group will be rolled "
        f"back. The tracking Id is '{new_guid()}'. Please check audit logs for more details.",
    }


@provider.completion("resources.group_delete")
def _finish_group_delete(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    if failed:
        record["body"]["properties"]["provisioningState"] = "Succeeded"
        record["internal"].pop("delete_operation", None)
        return
    delete_group_contents(ctx, record["id"])
    ctx.store.remove(record["id"])


def delete_group_contents(ctx: Context, rid: str) -> None:
    registry = ctx.hooks._registry  # noqa: SLF001
    top_level = [r for r in ctx.store.descendants(rid) if len(parse_id(r["id"]).types) == 1]
    for record in top_level:
        handler = registry.group_delete.get(record["type"].lower())
        if handler is not None:
            handler(ctx, record)
        removed = ctx.store.remove(record["id"])
        for gone in removed:
            ctx.hooks.emit("resource.deleted", ctx, gone)
    for gone in ctx.store.remove(rid):
        ctx.hooks.emit("resource.deleted", ctx, gone)


@provider.route("GET", "/subscriptions/{subscriptionId}/operationresults/{operationId}")
def operation_result(ctx: Context) -> Response:
    op = lro.get(ctx, ctx.params["operationId"])
    if op is None:
        raise ArmError(404, "OperationNotFound", f"The operation '{ctx.params['operationId']}' could not be found.")
    return lro.location_poll(ctx, op, lambda _: Response(200), interval=15)


@provider.route("GET", "/subscriptions/{subscriptionId}/resourcegroups")
def list_groups(ctx: Context) -> Response:
    sub = ctx.params["subscriptionId"]
    groups = [r["body"] for r in ctx.store.iter_resources("Microsoft.Resources/resourceGroups", sub)]
    groups = _apply_filter(ctx, groups)
    return ctx.paged(groups)


# generic resource lists -----------------------------------------------------------------------------------------------
def _generic(record: dict) -> dict:
    body = record["body"]
    item = {"id": body.get("id", record["id"]), "name": body.get("name"), "type": record["type"]}
    for key in ("kind", "location", "managedBy", "sku", "identity", "tags", "plan"):
        if body.get(key) is not None:
            item[key] = body[key]
    return item


_CLAUSE = re.compile(
    r"\s*(resourceType|name|tagName|tagValue|location|resourceGroup)\s+eq\s+'([^']*)'\s*", re.IGNORECASE
)


def _apply_filter(ctx: Context, items: list) -> list:
    text = ctx.param("$filter")
    if not text:
        return items
    wanted: dict = {}
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        m = _CLAUSE.fullmatch(clause)
        if not m:
            raise ArmError(
                400,
                "InvalidFilterInQueryString",
                f"The $filter '{text}' is invalid. Supported: resourceType, name, location, tagName, "
                "tagValue with 'eq', joined by 'and'.",
            )
        wanted[m.group(1).lower()] = m.group(2)

    def keep(item: dict) -> bool:
        if "resourcetype" in wanted and item.get("type", "").lower() != wanted["resourcetype"].lower():
            return False
        if "name" in wanted and (item.get("name") or "").lower() != wanted["name"].lower():
            return False
        if "location" in wanted and (item.get("location") or "").lower() != wanted["location"].lower():
            return False
        tags = {k.lower(): v for k, v in (item.get("tags") or {}).items()}
        if "tagname" in wanted:
            if wanted["tagname"].lower() not in tags:
                return False
            if "tagvalue" in wanted and tags[wanted["tagname"].lower()] != wanted["tagvalue"]:
                return False
        return True

    return [i for i in items if keep(i)]


def _top_level(records) -> list:
    return [
        _generic(r)
        for r in records
        if r["type"] != "Microsoft.Resources/resourceGroups" and len(parse_id(r["id"]).types) == 1
    ]


@provider.route("GET", "/subscriptions/{subscriptionId}/resources")
def list_resources(ctx: Context) -> Response:
    return ctx.paged(_apply_filter(ctx, _top_level(ctx.store.iter_resources(None, ctx.params["subscriptionId"]))))


@provider.route("GET", GROUP + "/resources")
def list_group_resources(ctx: Context) -> Response:
    records = ctx.store.iter_resources(None, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(_apply_filter(ctx, _top_level(records)))
