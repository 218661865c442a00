"""Microsoft.Network private DNS zones, their virtual network links and record sets, as the private DNS resource
provider answers them (REST specification ``privatedns``, api-version 2024-06-01).

* Zones and links live in location ``global``; PUT, PATCH and DELETE are long-running: 202 with
  ``Azure-AsyncOperation`` on ``…/resourceGroups/{g}/providers/Microsoft.Network/privateDnsOperationStatuses/{id}``
  and ``Location`` on ``…/privateDnsOperationResults/{id}``.
* A zone name has two to 34 labels; the names Azure reserves (``core.windows.net``, ``azure.com``, ...) are refused.
  A new zone has its SOA record set ``@``. A zone with virtual network links cannot be deleted.
* A link names an existing virtual network, which it cannot change afterwards; a network links a zone once, and
  registers (``registrationEnabled``) in one zone at most.
* A record sets (what private endpoints' zone groups write) are read, listed, written and deleted synchronously.

Sources and best-knowledge answers: ``emulator/README.md``, section "Private endpoints and private DNS".
"""

from __future__ import annotations

import re

from azure.mgmt.privatedns import models as dns_models

from .. import lro
from ..arm import ArmError, Context, Response, check_tags, new_guid, parent_not_found, resource_not_found
from ..registry import Provider, check_delete_allowed
from ..sdk import versions
from ..validation import validate
from . import network

API_VERSIONS = versions(("2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01"), "azure.mgmt.privatedns")

provider = Provider("Microsoft.Network", api_versions=API_VERSIONS)

TYPE = "Microsoft.Network/privateDnsZones"
LINK_TYPE = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
GROUP = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
ZONE = GROUP + "/providers/Microsoft.Network/privateDnsZones/{privateZoneName}"
LINK = ZONE + "/virtualNetworkLinks/{virtualNetworkLinkName}"
RECORD = ZONE + "/{recordType}/{relativeRecordSetName}"
OPERATIONS = GROUP + "/providers/Microsoft.Network"
ZONE_SECONDS = 30.0
LINK_SECONDS = 30.0
POLL_INTERVAL = 60.0  # the specification's examples answer Retry-After: 60
RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT")
MAX_RECORD_SETS = 25000
MAX_LINKS = 1000
MAX_REGISTRATION_LINKS = 100
LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")
#: zone names Azure blocks from creation (Microsoft Learn, "What is an Azure Private DNS zone?", Restrictions)
RESERVED = frozenset(
    name.lower()
    for name in (
        "azclient.ms", "azure.com", "cloudapp.net", "core.windows.net", "microsoft.com", "msidentity.com",
        "trafficmanager.net", "windows.net",
        "azclient.us", "azure.us", "usgovcloudapp.net", "core.usgovcloudapi.net", "microsoft.us", "msidentity.us",
        "usgovtrafficmanager.net", "usgovcloudapi.net",
        "azclient.cn", "azure.cn", "chinacloudapp.cn", "core.chinacloudapi.cn", "microsoft.cn", "msidentity.cn",
        "trafficmanager.cn", "chinacloudapi.cn",
    )
)  # fmt: skip


def _bad(message: str) -> ArmError:
    return ArmError(400, "BadRequest", message)


def check_zone_name(name: str) -> None:
    labels = name.split(".")
    if not 2 <= len(labels) <= 34:
        raise _bad(
            f"The zone name '{name}' is invalid: a private DNS zone name must have between 2 and 34 labels separated "
            "by dots (single-label zones are not supported)."
        )
    if len(name) > 253 or not all(LABEL.fullmatch(label) for label in labels):
        raise _bad(
            f"The zone name '{name}' is invalid: each label must be 1-63 letters, digits, hyphens or underscores, "
            "not start or end with a hyphen, and the name at most 253 characters."
        )
    if name.lower() in RESERVED:
        raise _bad(f"The zone name '{name}' is reserved and cannot be used for a private DNS zone.")


def _global(value) -> str:
    if not isinstance(value, str) or value.replace(" ", "").lower() != "global":
        raise ArmError(
            400,
            "LocationNotAvailableForResourceType",
            f"The provided location '{value}' is not available for resource type '{TYPE}'. List of available regions "
            "for the resource type is 'global'.",
        )
    return "global"


def _zone_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.Network/privateDnsZones/{p['privateZoneName']}"
    )


def _zone_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_zone_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["privateZoneName"], ctx.params["resourceGroupName"])
    return record


def _links(ctx: Context, zone_id: str) -> list:
    return [r for r in ctx.store.descendants(zone_id) if r["type"] == LINK_TYPE]


def _record_sets(ctx: Context, zone_id: str) -> list:
    prefix = zone_id.lower() + "/"
    return [
        r
        for r in ctx.store.descendants(zone_id)
        if r["type"].startswith(TYPE + "/") and r["type"] != LINK_TYPE and r["id"].lower().startswith(prefix)
    ]


def _zone_answer(ctx: Context, record: dict) -> dict:
    body = dict(record["body"])
    links = _links(ctx, record["id"])
    body["properties"] = dict(
        body["properties"],
        numberOfRecordSets=len(_record_sets(ctx, record["id"])),
        numberOfVirtualNetworkLinks=len(links),
        numberOfVirtualNetworkLinksWithRegistration=sum(
            1 for link in links if link["body"]["properties"].get("registrationEnabled")
        ),
    )
    return body


def _check_etag(ctx: Context, current: dict | None) -> None:
    """``If-Match`` (the current etag, or ``*`` for any existing resource) and ``If-None-Match: *`` (create only)."""
    if_match = ctx.headers.get("If-Match")
    if_none = ctx.headers.get("If-None-Match")
    if if_none == "*" and current is not None:
        raise ArmError(412, "PreconditionFailed", "The resource already exists (If-None-Match: *).")
    if if_match and (current is None or (if_match != "*" and if_match.strip('"') != current.get("etag"))):
        raise ArmError(412, "PreconditionFailed", "The etag in If-Match does not match the resource's current etag.")


# long-running operations ----------------------------------------------------------------------------------------------
def _accepted(ctx: Context, op: dict) -> Response:
    base = (
        f"/subscriptions/{ctx.params['subscriptionId']}/resourceGroups/{ctx.params['resourceGroupName']}/providers/"
        "Microsoft.Network"
    )
    return lro.accepted(
        ctx,
        op,
        ctx.url(f"{base}/privateDnsOperationResults/{op['id']}"),
        async_operation=ctx.url(f"{base}/privateDnsOperationStatuses/{op['id']}"),
        interval=POLL_INTERVAL,
    )


@provider.completion("privatedns.put")
def _put_done(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is not None:
        record["body"]["properties"]["provisioningState"] = "Failed" if failed else "Succeeded"
        if record["type"] == LINK_TYPE:
            record["body"]["properties"]["virtualNetworkLinkState"] = "Completed"


@provider.completion("privatedns.delete")
def _delete_done(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    if failed:
        record["body"]["properties"]["provisioningState"] = "Succeeded"
        return
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)


def _start(ctx: Context, kind: str, record: dict, seconds: float) -> Response:
    if kind == "privatedns.put":
        record["body"]["properties"]["provisioningState"] = "Updating"
    op = lro.start(ctx, kind, typical_seconds=seconds, params={"id": record["id"]})
    return _accepted(ctx, op)


def _operation(ctx: Context) -> dict:
    op = lro.get(ctx, ctx.params["operationId"])
    if op is None or not op["kind"].startswith("privatedns."):
        raise ArmError(404, "OperationNotFound", f"Operation {ctx.params['operationId']} not found.")
    return op


@provider.route("GET", OPERATIONS + "/privateDnsOperationStatuses/{operationId}")
def operation_status(ctx: Context) -> Response:
    answer = lro.async_status(ctx, _operation(ctx), interval=POLL_INTERVAL)
    body = {"status": answer.body["status"]}
    if "error" in answer.body:
        body["error"] = answer.body["error"]
    return Response(200, body, answer.headers)


@provider.route("GET", OPERATIONS + "/privateDnsOperationResults/{operationId}")
def operation_result(ctx: Context) -> Response:
    op = _operation(ctx)

    def done(finished: dict) -> Response:
        record = ctx.store.get(finished["params"]["id"])
        if finished["kind"] == "privatedns.put" and record is not None:
            return Response(200, _zone_answer(ctx, record) if record["type"] == TYPE else record["body"])
        return Response(204)

    return lro.location_poll(ctx, op, done, interval=POLL_INTERVAL)


# zones ----------------------------------------------------------------------------------------------------------------
@provider.route("PUT", ZONE)
def put_zone(ctx: Context) -> Response:
    name = ctx.params["privateZoneName"]
    check_zone_name(name)
    body = ctx.json()
    validate(body, dns_models.PrivateZone, code="BadRequest")
    _global(body.get("location"))
    tags = check_tags(body.get("tags"))
    rid = _zone_id(ctx)
    record = ctx.store.get(rid)
    _check_etag(ctx, record["body"] if record else None)
    if record is None:
        zone = {
            "id": rid,
            "name": name,
            "type": TYPE,
            "etag": new_guid(),
            "location": "global",
            "tags": tags,
            "properties": {
                "maxNumberOfRecordSets": MAX_RECORD_SETS,
                "maxNumberOfVirtualNetworkLinks": MAX_LINKS,
                "maxNumberOfVirtualNetworkLinksWithRegistration": MAX_REGISTRATION_LINKS,
                "provisioningState": "Creating",
                "internalId": new_guid(),
            },
        }
        record = ctx.store.put(rid, TYPE, zone, {})
        soa_id = f"{rid}/SOA/@"
        ctx.store.put(
            soa_id,
            f"{TYPE}/SOA",
            {
                "id": soa_id,
                "name": "@",
                "type": f"{TYPE}/SOA",
                "etag": new_guid(),
                "properties": {
                    "ttl": 3600,
                    "fqdn": f"{name}.",
                    "isAutoRegistered": False,
                    "soaRecord": {
                        "host": "azureprivatedns.net",
                        "email": "azureprivatedns-host.microsoft.com",
                        "serialNumber": 1,
                        "refreshTime": 3600,
                        "retryTime": 300,
                        "expireTime": 2419200,
                        "minimumTtl": 10,
                    },
                },
            },
        )
        return _start(ctx, "privatedns.put", record, ZONE_SECONDS)
    record["body"]["tags"] = tags
    record["body"]["etag"] = new_guid()
    return _start(ctx, "privatedns.put", record, ZONE_SECONDS)


@provider.route("PATCH", ZONE)
def patch_zone(ctx: Context) -> Response:
    record = _zone_or_404(ctx)
    body = ctx.json()
    _check_etag(ctx, record["body"])
    if body.get("tags") is not None:
        record["body"]["tags"] = check_tags(body["tags"])
    record["body"]["etag"] = new_guid()
    return _start(ctx, "privatedns.put", record, ZONE_SECONDS)


@provider.route("GET", ZONE)
def get_zone(ctx: Context) -> Response:
    return Response(200, _zone_answer(ctx, _zone_or_404(ctx)))


@provider.route("DELETE", ZONE)
def delete_zone(ctx: Context) -> Response:
    record = ctx.store.get(_zone_id(ctx))
    if record is None:
        return Response(204)
    _check_etag(ctx, record["body"])
    links = _links(ctx, record["id"])
    if links:
        raise ArmError(
            409,
            "CannotDeleteZoneWithVirtualNetworkLinks",
            f"Private DNS zone '{record['body']['name']}' cannot be deleted unless all virtual network links to it are "
            f"removed; it has {len(links)} ({', '.join(link['body']['name'] for link in links)}).",
        )
    check_delete_allowed(ctx, record["id"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    return _start(ctx, "privatedns.delete", record, ZONE_SECONDS)


@provider.route("GET", GROUP + "/providers/Microsoft.Network/privateDnsZones")
def list_zones(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(_zone_answer(ctx, r) for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Network/privateDnsZones")
def list_all_zones(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"])
    return ctx.paged(_zone_answer(ctx, r) for r in records)


# virtual network links ------------------------------------------------------------------------------------------------
def _parent_zone(ctx: Context) -> dict:
    record = ctx.store.get(_zone_id(ctx))
    if record is None:
        raise parent_not_found(TYPE, ctx.params["privateZoneName"])
    return record


def _link_id(ctx: Context) -> str:
    return f"{_zone_id(ctx)}/virtualNetworkLinks/{ctx.params['virtualNetworkLinkName']}"


def _same_id(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.rstrip("/").lower() == b.rstrip("/").lower()


@provider.route("PUT", LINK)
def put_link(ctx: Context) -> Response:
    zone = _parent_zone(ctx)
    name = ctx.params["virtualNetworkLinkName"]
    network._check_name(name, 80)  # noqa: SLF001 - links follow the network provider's name rule
    body = ctx.json()
    validate(body, dns_models.VirtualNetworkLink, code="BadRequest")
    _global(body.get("location"))
    tags = check_tags(body.get("tags"))
    props = body.get("properties") or {}
    rid = _link_id(ctx)
    record = ctx.store.get(rid)
    _check_etag(ctx, record["body"] if record else None)
    vnet_id = (props.get("virtualNetwork") or {}).get("id")
    if not vnet_id:
        raise _bad(f"The virtual network link '{name}' needs 'properties.virtualNetwork.id'.")
    if record is not None and not _same_id(vnet_id, record["body"]["properties"]["virtualNetwork"]["id"]):
        raise _bad(
            f"The virtual network of link '{name}' cannot be changed from "
            f"'{record['body']['properties']['virtualNetwork']['id']}' to '{vnet_id}'. Create another link instead."
        )
    vnet = ctx.store.get(vnet_id)
    if vnet is None or vnet["type"] != network.TYPE:
        raise ArmError(
            400,
            "BadRequest",
            f"The virtual network '{vnet_id}' of link '{name}' was not found. Please make sure that the virtual "
            "network exists.",
        )
    others = [link for link in _links(ctx, zone["id"]) if link["id"].lower() != rid.lower()]
    twin = next(
        (link for link in others if _same_id(link["body"]["properties"]["virtualNetwork"]["id"], vnet_id)), None
    )
    if twin is not None:
        raise ArmError(
            409,
            "Conflict",
            f"A virtual network cannot be linked to the same private DNS zone twice: '{vnet_id}' is already linked to "
            f"'{zone['body']['name']}' by link '{twin['body']['name']}'.",
        )
    registration = bool(props.get("registrationEnabled"))
    if registration:
        for link in ctx.store.iter_resources(LINK_TYPE):
            if link["id"].lower() == rid.lower() or not link["body"]["properties"].get("registrationEnabled"):
                continue
            if _same_id(link["body"]["properties"]["virtualNetwork"]["id"], vnet_id):
                raise _bad(
                    f"The virtual network '{vnet_id}' already has registration enabled on the private DNS zone of "
                    f"link '{link['id']}'; a virtual network registers in one private DNS zone at most."
                )
        if record is None or not record["body"]["properties"].get("registrationEnabled"):
            registering = [lk for lk in others if lk["body"]["properties"].get("registrationEnabled")]
            if len(registering) >= MAX_REGISTRATION_LINKS:
                raise _bad(
                    f"Private DNS zone '{zone['body']['name']}' has {MAX_REGISTRATION_LINKS} registration links."
                )
    if record is None and len(others) >= MAX_LINKS:
        raise _bad(f"Private DNS zone '{zone['body']['name']}' already has {MAX_LINKS} virtual network links.")
    policy = props.get("resolutionPolicy") or "Default"
    link = {
        "id": rid,
        "name": name,
        "type": LINK_TYPE,
        "etag": new_guid(),
        "location": "global",
        "tags": tags,
        "properties": {
            "virtualNetwork": {"id": vnet["id"]},
            "registrationEnabled": registration,
            "resolutionPolicy": policy,
            "virtualNetworkLinkState": "InProgress",
            "provisioningState": "Creating" if record is None else "Updating",
        },
    }
    record = ctx.store.put(rid, LINK_TYPE, link, {})
    return _start(ctx, "privatedns.put", record, LINK_SECONDS)


@provider.route("PATCH", LINK)
def patch_link(ctx: Context) -> Response:
    _parent_zone(ctx)
    record = ctx.store.get(_link_id(ctx))
    if record is None:
        raise resource_not_found(LINK_TYPE, ctx.params["virtualNetworkLinkName"], ctx.params["resourceGroupName"])
    body = ctx.json()
    _check_etag(ctx, record["body"])
    props = body.get("properties") or {}
    if body.get("tags") is not None:
        record["body"]["tags"] = check_tags(body["tags"])
    if props.get("registrationEnabled") is not None:
        record["body"]["properties"]["registrationEnabled"] = bool(props["registrationEnabled"])
    if props.get("resolutionPolicy") is not None:
        record["body"]["properties"]["resolutionPolicy"] = props["resolutionPolicy"]
    record["body"]["etag"] = new_guid()
    return _start(ctx, "privatedns.put", record, LINK_SECONDS)


@provider.route("GET", LINK)
def get_link(ctx: Context) -> Response:
    _parent_zone(ctx)
    record = ctx.store.get(_link_id(ctx))
    if record is None:
        raise resource_not_found(LINK_TYPE, ctx.params["virtualNetworkLinkName"], ctx.params["resourceGroupName"])
    return Response(200, record["body"])


@provider.route("DELETE", LINK)
def delete_link(ctx: Context) -> Response:
    zone = ctx.store.get(_zone_id(ctx))
    record = ctx.store.get(_link_id(ctx)) if zone is not None else None
    if record is None:
        return Response(204)
    _check_etag(ctx, record["body"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    return _start(ctx, "privatedns.delete", record, LINK_SECONDS)


@provider.route("GET", ZONE + "/virtualNetworkLinks")
def list_links(ctx: Context) -> Response:
    zone = _parent_zone(ctx)
    return ctx.paged(r["body"] for r in _links(ctx, zone["id"]))


# record sets ----------------------------------------------------------------------------------------------------------
def _record_type(ctx: Context) -> str:
    value = ctx.params["recordType"]
    match = next((t for t in RECORD_TYPES if t.lower() == value.lower()), None)
    if match is None:
        raise _bad(f"The record type '{value}' is not valid. Valid types: {', '.join(RECORD_TYPES)}.")
    return match


@provider.route("GET", ZONE + "/ALL")
def list_all_records(ctx: Context) -> Response:
    zone = _zone_or_404(ctx)
    return ctx.paged(r["body"] for r in _record_sets(ctx, zone["id"]))


@provider.route("GET", ZONE + "/{recordType}")
def list_records(ctx: Context) -> Response:
    zone = _zone_or_404(ctx)
    rtype = f"{TYPE}/{_record_type(ctx)}"
    return ctx.paged(r["body"] for r in _record_sets(ctx, zone["id"]) if r["type"] == rtype)


@provider.route("GET", RECORD)
def get_record(ctx: Context) -> Response:
    zone = _zone_or_404(ctx)
    rtype = _record_type(ctx)
    record = ctx.store.get(f"{zone['id']}/{rtype}/{ctx.params['relativeRecordSetName']}")
    if record is None:
        raise ArmError(
            404,
            "NotFound",
            f"The resource record '{ctx.params['relativeRecordSetName']}' of type '{rtype}' does not exist in zone "
            f"'{zone['body']['name']}'.",
        )
    return Response(200, record["body"])


@provider.route("PUT", RECORD)
def put_record(ctx: Context) -> Response:
    zone = _zone_or_404(ctx)
    rtype = _record_type(ctx)
    if rtype != "A":
        raise _bad(f"The emulator writes A record sets only; '{rtype}' is read-only here.")
    name = ctx.params["relativeRecordSetName"]
    body = ctx.json()
    validate(body, dns_models.RecordSet, code="BadRequest")
    props = body.get("properties") or {}
    rid = f"{zone['id']}/A/{name}"
    existing = ctx.store.get(rid)
    _check_etag(ctx, existing["body"] if existing else None)
    record = {
        "id": rid,
        "name": name,
        "type": f"{TYPE}/A",
        "etag": new_guid(),
        "properties": {
            "ttl": props.get("ttl") if props.get("ttl") is not None else 3600,
            "fqdn": f"{name}.{zone['body']['name']}.",
            "isAutoRegistered": False,
            "aRecords": [{"ipv4Address": r.get("ipv4Address")} for r in props.get("aRecords") or []],
        },
    }
    if props.get("metadata"):
        record["properties"]["metadata"] = props["metadata"]
    ctx.store.put(rid, f"{TYPE}/A", record, {})
    return Response(200 if existing else 201, record)


@provider.route("DELETE", RECORD)
def delete_record(ctx: Context) -> Response:
    zone = _zone_or_404(ctx)
    rtype = _record_type(ctx)
    if rtype == "SOA":
        raise _bad("The SOA record set of a zone cannot be deleted.")
    record = ctx.store.get(f"{zone['id']}/{rtype}/{ctx.params['relativeRecordSetName']}")
    if record is None:
        return Response(204)
    ctx.store.remove(record["id"])
    return Response(200)
