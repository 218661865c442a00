"""Microsoft.Network virtual networks and their subnets (inline in the VNet body and as child resources), service
endpoints, address-space checks, ``Azure-AsyncOperation`` operations like the network resource provider, and the
``network.validate_subnet`` hook Key Vault and storage call for their network rules.

Subnets are kept as child records (``.../virtualNetworks/{v}/subnets/{s}``) and composed into the VNet body on every
answer, so the two views never disagree. A PUT of the VNet replaces its subnet list: subnets it leaves out are deleted,
as the service does.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
from typing import Optional

from azure.mgmt.network import models as net_models

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_same_location,
    check_tags,
    new_guid,
    parent_not_found,
    parse_id,
    resource_not_found,
)
from ..config import PAIRED
from ..registry import Provider, check_delete_allowed
from ..validation import validate

KNOWN_VERSIONS = (
    "2018-08-01", "2018-10-01", "2018-11-01", "2018-12-01", "2019-02-01", "2019-04-01", "2019-06-01", "2019-07-01",
    "2019-08-01", "2019-09-01", "2019-11-01", "2019-12-01", "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01",
    "2020-07-01", "2020-08-01", "2020-11-01", "2021-02-01", "2021-03-01", "2021-05-01", "2021-08-01", "2022-01-01",
    "2022-05-01", "2022-07-01", "2022-09-01", "2022-11-01", "2023-02-01", "2023-04-01", "2023-05-01", "2023-06-01",
    "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01", "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01",
    "2025-03-01", "2025-05-01", "2025-07-01", "2026-03-01",
)  # fmt: skip


def _sdk_default() -> Optional[str]:
    """azure-mgmt-network keeps its default api-version in the request builders, not in ``_configuration.py``."""
    spec = importlib.util.find_spec("azure.mgmt.network")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - the SDK is a dependency
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "operations", "_operations.py")
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:  # pragma: no cover
        return None
    pattern = r'def build_virtual_networks_get_request.*?_params\.pop\("api-version", "(\d{4}-\d{2}-\d{2}[^"]*)"\)'
    m = re.search(pattern, text, re.S)
    return m.group(1) if m else None


API_VERSIONS = tuple(sorted(set(KNOWN_VERSIONS) | ({_sdk_default()} - {None}), reverse=True))

provider = Provider("Microsoft.Network", api_versions=API_VERSIONS)

TYPE = "Microsoft.Network/virtualNetworks"
SUBNET_TYPE = "Microsoft.Network/virtualNetworks/subnets"
GROUP = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
VNET = GROUP + "/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}"
SUBNET = VNET + "/subnets/{subnetName}"
OPERATIONS = "/subscriptions/{subscriptionId}/providers/Microsoft.Network/locations/{location}"
VNET_SECONDS = 5.0
SUBNET_SECONDS = 3.0
POLL_INTERVAL = 10.0

# Services a subnet can carry an endpoint for (what the network resource provider lists as available).
SERVICES = (
    "Microsoft.AzureActiveDirectory", "Microsoft.AzureCosmosDB", "Microsoft.CognitiveServices",
    "Microsoft.ContainerRegistry", "Microsoft.EventHub", "Microsoft.KeyVault", "Microsoft.ServiceBus", "Microsoft.Sql",
    "Microsoft.Storage", "Microsoft.Storage.Global", "Microsoft.Web",
)  # fmt: skip


# names --------------------------------------------------------------------------------------------------------------
def _check_name(name: str, max_len: int) -> None:
    ok = 1 <= len(name) <= max_len and re.fullmatch(r"\w(?:[\w.-]*[\w])?", name, re.ASCII) is not None
    if not ok:
        raise ArmError(
            400,
            "InvalidResourceName",
            f"Resource name {name} is invalid. The name can be up to {max_len} characters long. It must begin with a "
            "word character, and it must end with a word character or with '_'. The name may contain word "
            "characters or '.', '-', '_'.",
        )


# ids and records ----------------------------------------------------------------------------------------------------
def _vnet_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.Network/virtualNetworks/{p['virtualNetworkName']}"
    )


def _etag() -> str:
    return f'W/"{new_guid()}"'


def _subnets_of(ctx: Context, vnet_id: str) -> list:
    records = [r for r in ctx.store.descendants(vnet_id) if r["type"] == SUBNET_TYPE]
    return sorted(records, key=lambda r: r["internal"].get("order", 0))


def _vnet_answer(ctx: Context, record: dict) -> dict:
    body = dict(record["body"])
    props = dict(body["properties"])
    props["subnets"] = [s["body"] for s in _subnets_of(ctx, record["id"])]
    body["properties"] = props
    return body


def _vnet_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_vnet_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["virtualNetworkName"], ctx.params["resourceGroupName"])
    return record


def _prefixes(props: dict) -> list:
    out = []
    if props.get("addressPrefix"):
        out.append(props["addressPrefix"])
    out.extend(p for p in props.get("addressPrefixes") or [] if p not in out)
    return out


def _network(prefix, resource_id: str):
    if not isinstance(prefix, str) or "/" not in prefix:
        raise ArmError(
            400,
            "InvalidAddressPrefixFormat",
            f"Address prefix {prefix} of resource {resource_id} is not formatted correctly. It should follow CIDR "
            "notation, for example 10.0.0.0/24.",
        )
    try:
        loose = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        raise ArmError(
            400,
            "InvalidAddressPrefixFormat",
            f"Address prefix {prefix} of resource {resource_id} is not formatted correctly. It should follow CIDR "
            "notation, for example 10.0.0.0/24.",
        ) from None
    if str(loose) != prefix.strip():
        raise ArmError(
            400,
            "InvalidCIDRNotation",
            f"The address prefix {prefix} in resource {resource_id} has an invalid CIDR notation. For the given prefix "
            f"length, the address prefix should be {loose}.",
        )
    return loose


# validation of a VNet's address space and subnets -------------------------------------------------------------------
def _check_layout(vnet_name: str, vnet_id: str, space: list, subnets: list) -> None:
    """``space``: the VNet's prefixes; ``subnets``: ``[(name, [prefixes])]`` in order. Raises the NRP errors."""
    space_nets = [_network(p, vnet_id) for p in space]
    seen: list = []
    for name, prefixes in subnets:
        subnet_id = f"{vnet_id}/subnets/{name}"
        if not prefixes:
            raise ArmError(
                400,
                "NetcfgInvalidSubnet",
                f"Subnet '{name}' is not valid in virtual network '{vnet_name}'.",
            )
        for prefix in prefixes:
            net = _network(prefix, subnet_id)
            if not any(net.version == s.version and net.subnet_of(s) for s in space_nets):
                raise ArmError(
                    400,
                    "NetcfgSubnetRangeOutsideVnet",
                    f"Subnet '{name}' is not valid because its IP address range is outside the IP address range of "
                    f"virtual network '{vnet_name}'.",
                )
            for _other, other in seen:
                if other.version == net.version and other.overlaps(net):
                    raise ArmError(
                        400,
                        "NetcfgSubnetRangesOverlap",
                        f"Subnet '{name}' is not valid because its IP address range overlaps with that of an existing "
                        f"subnet in virtual network '{vnet_name}'.",
                    )
            seen.append((name, net))


def _service_endpoints(subnet_name: str, endpoints: Optional[list], location: str) -> list:
    out = []
    for entry in endpoints or []:
        service = (entry or {}).get("service")
        match = next((s for s in SERVICES if isinstance(service, str) and s.lower() == service.lower()), None)
        if match is None:
            raise ArmError(
                400,
                "InvalidServiceNameOnServiceEndpoint",
                f"Invalid service name {service} on service endpoint in subnet {subnet_name}. Available services: "
                f"{', '.join(SERVICES)}.",
            )
        locations = entry.get("locations")
        if not locations:
            if match == "Microsoft.Storage":
                locations = [location] + ([PAIRED[location]] if location in PAIRED else [])
            else:
                locations = ["*"]
        out.append({"service": match, "locations": list(locations), "provisioningState": "Succeeded"})
    return out


def _subnet_body(ctx: Context, vnet: dict, name: str, props: dict, previous: Optional[dict]) -> dict:
    subnet_id = f"{vnet['id']}/subnets/{name}"
    out: dict = {
        "provisioningState": "Succeeded",
        "serviceEndpoints": _service_endpoints(name, props.get("serviceEndpoints"), vnet["location"]),
        "delegations": props.get("delegations") or [],
        "privateEndpointNetworkPolicies": props.get("privateEndpointNetworkPolicies") or "Disabled",
        "privateLinkServiceNetworkPolicies": props.get("privateLinkServiceNetworkPolicies") or "Enabled",
    }
    if props.get("addressPrefix"):
        out["addressPrefix"] = props["addressPrefix"]
    if props.get("addressPrefixes"):
        out["addressPrefixes"] = list(props["addressPrefixes"])
    for key in ("networkSecurityGroup", "routeTable", "natGateway", "defaultOutboundAccess", "sharingScope"):
        if props.get(key) is not None:
            out[key] = props[key]
    for key in ("ipConfigurations", "privateEndpoints"):
        if previous and previous["properties"].get(key):
            out[key] = previous["properties"][key]
    return {"name": name, "id": subnet_id, "etag": _etag(), "type": SUBNET_TYPE, "properties": out}


def _subnet_spec(entry) -> tuple:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ArmError(400, "InvalidRequestFormat", "Cannot parse the request: every subnet needs a 'name'.")
    props = entry.get("properties") or {}
    return entry["name"], props


# LRO plumbing ---------------------------------------------------------------------------------------------------------
def _async_url(ctx: Context, location: str, op: dict) -> str:
    sub = ctx.params["subscriptionId"]
    return ctx.url(f"/subscriptions/{sub}/providers/Microsoft.Network/locations/{location}/operations/{op['id']}")


def _result_url(ctx: Context, location: str, op: dict) -> str:
    sub = ctx.params["subscriptionId"]
    return ctx.url(f"/subscriptions/{sub}/providers/Microsoft.Network/locations/{location}/operationResults/{op['id']}")


def _put_answer(ctx: Context, status: int, body: dict, location: str, op: dict) -> Response:
    body = dict(body)
    body["properties"] = dict(body["properties"], provisioningState="Updating")
    headers = {"Azure-AsyncOperation": _async_url(ctx, location, op), "Retry-After": lro.retry_after(ctx, op, 10)}
    return Response(status, body, headers)


def _delete_answer(ctx: Context, location: str, op: dict) -> Response:
    return Response(
        202,
        None,
        {
            "Azure-AsyncOperation": _async_url(ctx, location, op),
            "Location": _result_url(ctx, location, op),
            "Retry-After": lro.retry_after(ctx, op, 10),
        },
    )


@provider.completion("network.provisioned")
def _provisioned(ctx: Context, op: dict, failed: bool) -> None:
    for rid in op["params"].get("ids", []):
        record = ctx.store.get(rid)
        if record is not None:
            record["body"]["properties"]["provisioningState"] = "Failed" if failed else "Succeeded"


@provider.completion("network.delete")
def _deleted(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    if failed:
        record["body"]["properties"]["provisioningState"] = "Succeeded"
        return
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)


def _mark_updating(ctx: Context, ids: list, seconds: float) -> dict:
    op = lro.start(ctx, "network.provisioned", typical_seconds=seconds, params={"ids": ids})
    if op["status"] == "InProgress":
        for rid in ids:
            record = ctx.store.get(rid)
            if record is not None:
                record["body"]["properties"]["provisioningState"] = "Updating"
    return op


# virtual networks -----------------------------------------------------------------------------------------------------
@provider.route("PUT", VNET)
def put_vnet(ctx: Context) -> Response:
    name = ctx.params["virtualNetworkName"]
    _check_name(name, 64)
    body = ctx.json()
    validate(body, net_models.VirtualNetwork, code="InvalidRequestFormat")
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"))
    props = body.get("properties") or {}
    rid = _vnet_id(ctx)
    existing = ctx.store.get(rid)
    check_same_location(existing and existing["body"], location, name, ctx.params["resourceGroupName"])
    space = list((props.get("addressSpace") or {}).get("addressPrefixes") or [])
    specs = [_subnet_spec(s) for s in props.get("subnets") or []]
    names = [n.lower() for n, _ in specs]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ArmError(
            400,
            "InvalidRequestFormat",
            f"Cannot parse the request: the subnet name '{duplicate}' appears more than once.",
        )
    for subnet_name, _ in specs:
        _check_name(subnet_name, 80)
    _check_layout(name, rid, space, [(n, _prefixes(p)) for n, p in specs])

    vnet = {
        "name": name,
        "id": rid,
        "etag": _etag(),
        "type": TYPE,
        "location": location,
        "tags": tags,
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": existing["body"]["properties"]["resourceGuid"] if existing else new_guid(),
            "addressSpace": {"addressPrefixes": space},
            "virtualNetworkPeerings": [],
            "enableDdosProtection": bool(props.get("enableDdosProtection", False)),
            "privateEndpointVNetPolicies": props.get("privateEndpointVNetPolicies") or "Disabled",
        },
    }
    for key in ("dhcpOptions", "flowTimeoutInMinutes", "encryption", "ddosProtectionPlan", "bgpCommunities"):
        if props.get(key) is not None:
            vnet["properties"][key] = props[key]
    old_subnets = {r["body"]["name"].lower(): r for r in _subnets_of(ctx, rid)} if existing else {}
    record = ctx.store.put(rid, TYPE, vnet, existing["internal"] if existing else {})
    # a PUT replaces the subnet list: subnets it leaves out go
    for key, old in old_subnets.items():
        if key not in names:
            _check_not_in_use(old)
            check_delete_allowed(ctx, old["id"])
            for gone in ctx.store.remove(old["id"]):
                ctx.hooks.emit("resource.deleted", ctx, gone)
    ids = [rid]
    for order, (subnet_name, sprops) in enumerate(specs):
        old = old_subnets.get(subnet_name.lower())
        sbody = _subnet_body(ctx, vnet, subnet_name, sprops, old["body"] if old else None)
        ctx.store.put(sbody["id"], SUBNET_TYPE, sbody, {"order": order})
        ids.append(sbody["id"])
    record["internal"]["next_order"] = len(specs)
    op = _mark_updating(ctx, ids, VNET_SECONDS)
    return _put_answer(ctx, 200 if existing else 201, _vnet_answer(ctx, record), location, op)


@provider.route("GET", VNET)
def get_vnet(ctx: Context) -> Response:
    return Response(200, _vnet_answer(ctx, _vnet_or_404(ctx)))


@provider.route("PATCH", VNET)
def update_vnet_tags(ctx: Context) -> Response:
    record = _vnet_or_404(ctx)
    body = ctx.json()
    validate(body, net_models.TagsObject, code="InvalidRequestFormat")
    if body.get("tags") is not None:
        record["body"]["tags"] = check_tags(body["tags"])
    record["body"]["etag"] = _etag()
    ctx.store.touch()
    return Response(200, _vnet_answer(ctx, record))


@provider.route("DELETE", VNET)
def delete_vnet(ctx: Context) -> Response:
    record = ctx.store.get(_vnet_id(ctx))
    if record is None:
        return Response(204)
    for subnet in _subnets_of(ctx, record["id"]):
        _check_not_in_use(subnet)
    check_delete_allowed(ctx, record["id"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    op = lro.start(ctx, "network.delete", typical_seconds=VNET_SECONDS, params={"id": record["id"]})
    return _delete_answer(ctx, record["body"]["location"], op)


@provider.route("GET", GROUP + "/providers/Microsoft.Network/virtualNetworks")
def list_vnets(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(_vnet_answer(ctx, r) for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks")
def list_all_vnets(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"])
    return ctx.paged(_vnet_answer(ctx, r) for r in records)


# subnets as child resources -----------------------------------------------------------------------------------------
def _parent_vnet(ctx: Context) -> dict:
    record = ctx.store.get(_vnet_id(ctx))
    if record is None:
        raise parent_not_found(TYPE, ctx.params["virtualNetworkName"])
    return record


def _subnet_not_found(subnet_id: str) -> ArmError:
    return ArmError(404, "NotFound", f"Resource {subnet_id} not found.")


@provider.route("PUT", SUBNET)
def put_subnet(ctx: Context) -> Response:
    vnet = _parent_vnet(ctx)
    name = ctx.params["subnetName"]
    _check_name(name, 80)
    body = ctx.json()
    validate(body, net_models.Subnet, code="InvalidRequestFormat")
    props = body.get("properties") or {}
    subnet_id = f"{vnet['id']}/subnets/{name}"
    siblings = [r for r in _subnets_of(ctx, vnet["id"]) if r["body"]["name"].lower() != name.lower()]
    layout = [(r["body"]["name"], _prefixes(r["body"]["properties"])) for r in siblings]
    layout.append((name, _prefixes(props)))
    space = vnet["body"]["properties"]["addressSpace"]["addressPrefixes"]
    _check_layout(vnet["body"]["name"], vnet["id"], space, layout)
    existing = ctx.store.get(subnet_id)
    if existing is not None:
        order = existing["internal"].get("order", 0)
        name = existing["body"]["name"]
    else:
        order = vnet["internal"].get("next_order", len(siblings))
        vnet["internal"]["next_order"] = order + 1
    sbody = _subnet_body(ctx, vnet["body"], name, props, existing["body"] if existing else None)
    ctx.store.put(sbody["id"], SUBNET_TYPE, sbody, {"order": order})
    vnet["body"]["etag"] = sbody["etag"]
    op = _mark_updating(ctx, [sbody["id"]], SUBNET_SECONDS)
    return _put_answer(ctx, 200 if existing else 201, sbody, vnet["body"]["location"], op)


def _check_not_in_use(record: dict) -> None:
    """A subnet that holds IP configurations (network interfaces, private endpoints) cannot go."""
    if record["body"]["properties"].get("ipConfigurations"):
        raise ArmError(
            400,
            "InUseSubnetCannotBeDeleted",
            f"Subnet {record['body']['name']} is in use by {record['body']['properties']['ipConfigurations'][0]['id']}"
            " and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.",
        )


@provider.route("GET", SUBNET)
def get_subnet(ctx: Context) -> Response:
    vnet = _parent_vnet(ctx)
    record = ctx.store.get(f"{vnet['id']}/subnets/{ctx.params['subnetName']}")
    if record is None:
        raise _subnet_not_found(f"{_vnet_id(ctx)}/subnets/{ctx.params['subnetName']}")
    return Response(200, record["body"])


@provider.route("DELETE", SUBNET)
def delete_subnet(ctx: Context) -> Response:
    vnet = _parent_vnet(ctx)
    record = ctx.store.get(f"{vnet['id']}/subnets/{ctx.params['subnetName']}")
    if record is None:
        return Response(204)
    _check_not_in_use(record)
    check_delete_allowed(ctx, record["id"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    op = lro.start(ctx, "network.delete", typical_seconds=SUBNET_SECONDS, params={"id": record["id"]})
    return _delete_answer(ctx, vnet["body"]["location"], op)


@provider.route("GET", SUBNET.rsplit("/", 1)[0])
def list_subnets(ctx: Context) -> Response:
    vnet = _parent_vnet(ctx)
    return ctx.paged(r["body"] for r in _subnets_of(ctx, vnet["id"]))


# operation status ---------------------------------------------------------------------------------------------------
def _operation(ctx: Context) -> dict:
    op = lro.get(ctx, ctx.params["operationId"])
    if op is None or not op["kind"].startswith("network."):
        raise ArmError(404, "OperationNotFound", f"Operation {ctx.params['operationId']} not found.")
    return op


@provider.route("GET", OPERATIONS + "/operations/{operationId}")
def operation_status(ctx: Context) -> Response:
    op = _operation(ctx)
    answer = lro.async_status(ctx, op, interval=POLL_INTERVAL)
    # the network resource provider answers only the status (and the error when it failed)
    body = {"status": answer.body["status"]}
    if "error" in answer.body:
        body["error"] = answer.body["error"]
    return Response(200, body, answer.headers)


@provider.route("GET", OPERATIONS + "/operationResults/{operationId}")
def operation_result(ctx: Context) -> Response:
    op = _operation(ctx)
    return lro.location_poll(ctx, op, lambda _: Response(204), interval=POLL_INTERVAL)


# the hook Key Vault and storage call for their network rules ------------------------------------------------------
def _kv_error(status: int, reason: str, code: str, message: str) -> ArmError:
    return ArmError(
        400,
        "VirtualNetworkNotValid",
        f"Operation on Virtual Network could not be performed. StatusCode: {status} ({reason}). Error Code: {code}. "
        f"Error Message: {message}.",
    )


def _storage_error(code: str, message: str) -> ArmError:
    return ArmError(400, "NetworkAclsValidationFailure", f"Validation of network acls failure: {code}:{message}.")


@provider.on("network.validate_subnet")
def validate_subnet(ctx: Context, subnet_id: str, service: str, ignore_missing: bool) -> None:
    """Refuse a network rule the way the calling service does when its subnet is missing or lacks the endpoint."""
    parsed = parse_id(subnet_id)
    vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
    vnet_name = parsed.names[0] if parsed.names else ""
    storage = service.lower().startswith("microsoft.storage")
    vnet = ctx.store.get(vnet_id)
    if vnet is None or vnet["type"] != TYPE:
        if storage:
            raise _storage_error(
                "ParentResourceNotFound",
                f"Can not perform requested operation on nested resource. Parent resource '{vnet_name}' not found.",
            )
        raise _kv_error(
            404,
            "NotFound",
            "ParentResourceNotFound",
            f"Failed to perform 'action' on resource(s) of type 'virtualNetworks/taggedTrafficConsumers', because the "
            f"parent resource '{vnet_id}' could not be found.",
        )
    subnet = ctx.store.get(subnet_id)
    if subnet is None:
        if storage:
            raise _storage_error("NotFound", f"Resource {subnet_id} not found.")
        raise _kv_error(404, "NotFound", "NotFound", f"Resource {subnet_id} not found.")
    if ignore_missing:
        return
    wanted = {"microsoft.storage", "microsoft.storage.global"} if storage else {service.lower()}
    endpoints = {e["service"].lower() for e in subnet["body"]["properties"].get("serviceEndpoints") or []}
    if endpoints & wanted:
        return
    label = "Microsoft.Storage" if storage else service
    message = (
        f"Subnets {subnet['body']['name']} of virtual network {vnet['id']} do not have ServiceEndpoints for {label} "
        f"resources configured. Add {label} to subnet's ServiceEndpoints collection before trying to ACL {label} "
        "resources to these subnets."
    )
    if storage:
        raise _storage_error("SubnetsHaveNoServiceEndpointsConfigured", message)
    raise _kv_error(400, "BadRequest", "SubnetsHaveNoServiceEndpointsConfigured", message)
