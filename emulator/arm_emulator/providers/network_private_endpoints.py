"""Microsoft.Network private endpoints, their private DNS zone groups and the network interfaces they make, as the
network resource provider answers them.

* PUT and DELETE are long-running the network provider's way (``Azure-AsyncOperation`` on
  ``…/locations/{location}/operations/{id}``; the operations are served by ``network.py``).
* The request is checked at once (400): the subnet exists, is in the endpoint's region, is not delegated and is not
  the ``GatewaySubnet``; the connection names an existing target and one group id that target serves (the registry
  only on the Premium SKU); subnet and connection cannot change once the endpoint exists.
* ``privateLinkServiceConnections`` are approved at once (the emulator's principal may approve on every subscription it
  can write to); ``manualPrivateLinkServiceConnections`` stay ``Pending``. Either way the connection appears on the
  target's ``properties.privateEndpointConnections`` and goes away with the endpoint; a deleted target leaves the
  endpoint's connection ``Disconnected``.
* The endpoint gets a network interface with one private IP per member of the group (Azure reserves the first four
  addresses of a subnet), and ``customDnsConfigs`` list the target's FQDNs with those IPs.
* A private DNS zone group writes an A record (TTL 10) for each FQDN whose ``privatelink`` zone is one of its zones,
  and removes them when it goes (with the endpoint, or alone).

Sources and best-knowledge answers: ``emulator/README.md``, section "Private endpoints and private DNS".
"""

from __future__ import annotations

import ipaddress
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
from ..registry import Provider, check_delete_allowed
from ..validation import validate
from . import network

provider = Provider("Microsoft.Network", api_versions=network.API_VERSIONS)

TYPE = "Microsoft.Network/privateEndpoints"
GROUP_TYPE = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"
NIC_TYPE = "Microsoft.Network/networkInterfaces"
ZONE_TYPE = "Microsoft.Network/privateDnsZones"
RECORD_A_TYPE = "Microsoft.Network/privateDnsZones/A"
GROUP = network.GROUP
ENDPOINT = GROUP + "/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}"
ZONE_GROUP = ENDPOINT + "/privateDnsZoneGroups/{privateDnsZoneGroupName}"
NIC = GROUP + "/providers/Microsoft.Network/networkInterfaces/{networkInterfaceName}"
ENDPOINT_SECONDS = 30.0
ZONE_GROUP_SECONDS = 10.0
RECORD_TTL = 10
MAX_ZONE_CONFIGS = 5
AUTO_APPROVED = {"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"}
PENDING = {"status": "Pending", "description": "", "actionsRequired": "None"}
DISCONNECTED = {
    "status": "Disconnected",
    "description": "The private link resource was deleted.",
    "actionsRequired": "",
}
ID_SHAPE = re.compile(r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/[^/]+/[^/]+/[^/]+", re.IGNORECASE)


# what each target serves ----------------------------------------------------------------------------------------------
STORAGE_GROUPS = ("blob", "file", "queue", "table", "dfs", "web")
#: resource type (lower case) -> the group ids it accepts
GROUP_IDS = {
    "microsoft.keyvault/vaults": ("vault",),
    "microsoft.storage/storageaccounts": STORAGE_GROUPS,
    "microsoft.containerregistry/registries": ("registry",),
    "microsoft.machinelearningservices/workspaces": ("amlworkspace",),
}


def members(target: dict, group_id: str) -> list:
    """What an endpoint to ``target`` for ``group_id`` serves: ``[(member, [(fqdn, zone, record name)])]``, with the
    public cloud's names (the emulator's cloud metadata has the public suffixes)."""
    body = target["body"]
    name = body["name"]
    rtype = target["type"].lower()
    location = body.get("location")
    if rtype == "microsoft.keyvault/vaults":
        return [("default", [(f"{name}.vault.azure.net", "privatelink.vaultcore.azure.net", name)])]
    if rtype == "microsoft.storage/storageaccounts":
        return [(group_id, [(f"{name}.{group_id}.core.windows.net", f"privatelink.{group_id}.core.windows.net", name)])]
    if rtype == "microsoft.containerregistry/registries":
        lower = name.lower()
        return [
            ("registry", [(f"{lower}.azurecr.io", "privatelink.azurecr.io", lower)]),
            (
                f"registry_data_{location}",
                [(f"{lower}.{location}.data.azurecr.io", "privatelink.azurecr.io", f"{lower}.{location}.data")],
            ),
        ]
    props = body.get("properties") or {}
    wsid = props.get("workspaceId")
    api = f"{wsid}.workspace.{location}"
    notebook = (
        (props.get("notebookInfo") or {}).get("fqdn")
    ) or f"ml-{name.lower()}-{location}-{wsid}.notebooks.azure.net"
    return [
        (
            "default",
            [
                (f"{api}.api.azureml.ms", "privatelink.api.azureml.ms", api),
                (f"{api}.cert.api.azureml.ms", "privatelink.api.azureml.ms", f"{api}.cert"),
            ],
        ),
        ("notebook", [(notebook, "privatelink.notebooks.azure.net", notebook[: -len(".notebooks.azure.net")])]),
        (
            "inference",
            [
                (
                    f"*.{wsid}.inference.{location}.api.azureml.ms",
                    "privatelink.api.azureml.ms",
                    f"*.{wsid}.inference.{location}",
                )
            ],
        ),
    ]


def _call_failed(rtype: str, message: str) -> ArmError:
    """How the network provider reports what the target's provider refused (best knowledge of the code)."""
    return ArmError(400, "PrivateEndpointBadRequest", f"Call to {rtype} failed. Error message: {message}")


# ids ------------------------------------------------------------------------------------------------------------------
def _endpoint_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.Network/privateEndpoints/{p['privateEndpointName']}"
    )


def _endpoint_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_endpoint_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["privateEndpointName"], ctx.params["resourceGroupName"])
    return record


def _check_name(name: str) -> None:
    if len(name) < 2:
        raise ArmError(
            400,
            "InvalidResourceName",
            f"Resource name {name} is invalid. The name can be between 2 and 64 characters long.",
        )
    network._check_name(name, 64)  # noqa: SLF001 - the network provider's own name rule


# the subnet -----------------------------------------------------------------------------------------------------------
def _subnet(ctx: Context, endpoint_id: str, subnet_id, location: str) -> dict:
    if not isinstance(subnet_id, str) or not subnet_id:
        raise ArmError(
            400,
            "InvalidRequestFormat",
            f"Cannot parse the request: private endpoint {endpoint_id} must reference a subnet (properties.subnet.id).",
        )
    record = ctx.store.get(subnet_id)
    vnet = ctx.store.get(subnet_id.rsplit("/subnets/", 1)[0]) if "/subnets/" in subnet_id.lower() else None
    if record is None or record["type"] != network.SUBNET_TYPE or vnet is None:
        raise ArmError(
            400,
            "InvalidResourceReference",
            f"Resource {subnet_id} referenced by resource {endpoint_id} was not found. Please make sure that the "
            "referenced resource exists, and that both resources are in the same region.",
        )
    if vnet["body"]["location"] != location:
        raise ArmError(
            400,
            "InvalidResourceReference",
            f"Resource {subnet_id} referenced by resource {endpoint_id} was not found. Please make sure that the "
            "referenced resource exists, and that both resources are in the same region.",
        )
    props = record["body"]["properties"]
    if record["body"]["name"].lower() == "gatewaysubnet":
        raise ArmError(
            400,
            "PrivateEndpointCreationNotAllowedInGatewaySubnet",
            f"Private endpoint {endpoint_id} cannot be created in subnet {subnet_id}: the GatewaySubnet is reserved "
            "for virtual network gateways.",
        )
    if props.get("delegations"):
        raise ArmError(
            400,
            "PrivateEndpointCreationNotAllowedAsSubnetIsDelegated",
            f"Private endpoint {endpoint_id} cannot be created as subnet {subnet_id} is delegated.",
        )
    return record


def _used_ips(ctx: Context, subnet_id: str) -> set:
    used = set()
    for nic in ctx.store.iter_resources(NIC_TYPE):
        for conf in nic["body"]["properties"].get("ipConfigurations") or []:
            if (conf["properties"].get("subnet") or {}).get("id", "").lower() == subnet_id.lower():
                used.add(conf["properties"]["privateIPAddress"])
    return used


def _allocate(ctx: Context, subnet: dict, count: int, endpoint_id: str) -> list:
    """``count`` free addresses of the subnet: Azure keeps the first four and the last one of every subnet."""
    prefix = network._prefixes(subnet["body"]["properties"])[0]  # noqa: SLF001
    net = ipaddress.ip_network(prefix, strict=False)
    used = _used_ips(ctx, subnet["id"])
    out = []
    for offset in range(4, net.num_addresses - 1):
        address = str(net.network_address + offset)
        if address not in used:
            out.append(address)
            if len(out) == count:
                return out
    raise ArmError(
        400,
        "SubnetIsFull",
        f"Subnet {subnet['body']['name']} with address prefix {prefix} does not have enough capacity for "
        f"{count} IP addresses for private endpoint {endpoint_id}.",
    )


# the connection -------------------------------------------------------------------------------------------------------
def _connection(endpoint_id: str, props: dict) -> tuple:
    """(the connection as sent, manual?) — exactly one connection, automatic or manual."""
    auto = props.get("privateLinkServiceConnections") or []
    manual = props.get("manualPrivateLinkServiceConnections") or []
    if len(auto) + len(manual) != 1:
        raise ArmError(
            400,
            "InvalidRequestFormat",
            f"Cannot parse the request: private endpoint {endpoint_id} needs exactly one private link service "
            f"connection; it has {len(auto) + len(manual)}.",
        )
    conn = (auto or manual)[0]
    if not conn.get("name"):
        raise ArmError(400, "InvalidRequestFormat", "Cannot parse the request: the connection needs a 'name'.")
    return conn, bool(manual)


def _target(ctx: Context, conn: dict) -> tuple:
    props = conn.get("properties") or {}
    target_id = props.get("privateLinkServiceId")
    groups = props.get("groupIds") or []
    if not isinstance(target_id, str) or not ID_SHAPE.fullmatch(target_id):
        raise ArmError(
            400,
            "InvalidPrivateLinkServiceId",
            f"The private link service id '{target_id}' of connection '{conn.get('name')}' is not a valid resource id.",
        )
    parsed = parse_id(target_id)
    rtype = parsed.type or ""
    accepted = GROUP_IDS.get(rtype.lower())
    target = ctx.store.get(target_id)
    if accepted is None:
        raise _call_failed(rtype, f"Resource type '{rtype}' does not support private endpoints in this emulator.")
    if target is None or target["type"].lower() != rtype.lower():
        raise _call_failed(rtype, f"Resource '{target_id}' was not found.")
    if len(groups) != 1:
        raise _call_failed(
            target["type"], f"Exactly one group id is required; valid group ids are: {', '.join(accepted)}."
        )
    group = groups[0]
    canonical = next((g for g in accepted if isinstance(group, str) and g.lower() == group.lower()), None)
    if canonical is None:
        raise _call_failed(
            target["type"], f"The group id '{group}' is not valid. Valid group ids are: {', '.join(accepted)}."
        )
    if rtype.lower() == "microsoft.containerregistry/registries" and target["body"]["sku"]["name"] != "Premium":
        raise _call_failed(
            target["type"],
            f"Private endpoint connections are only supported for registries with the Premium SKU; registry "
            f"'{target['body']['name']}' is {target['body']['sku']['name']}. For more information, please visit "
            "https://aka.ms/acr/private-link.",
        )
    return target, canonical


def _target_connection(target: dict, endpoint_id: str, connection_id: str, group: str, state: dict) -> dict:
    return {
        "id": connection_id,
        "name": connection_id.rsplit("/", 1)[-1],
        "type": f"{target['type']}/privateEndpointConnections",
        "properties": {
            "privateEndpoint": {"id": endpoint_id},
            "groupIds": [group],
            "privateLinkServiceConnectionState": dict(state),
            "provisioningState": "Succeeded",
        },
    }


def _attach(ctx: Context, target: dict, connection: dict) -> None:
    props = target["body"].setdefault("properties", {})
    props["privateEndpointConnections"] = [
        c for c in props.get("privateEndpointConnections") or [] if c["id"].lower() != connection["id"].lower()
    ] + [connection]
    if target["type"].lower() == "microsoft.machinelearningservices/workspaces":
        props["privateLinkCount"] = len(props["privateEndpointConnections"])
    ctx.store.touch()


def _detach(ctx: Context, target_id: str, connection_id: str) -> None:
    target = ctx.store.get(target_id)
    if target is None:
        return
    props = target["body"].get("properties") or {}
    kept = [c for c in props.get("privateEndpointConnections") or [] if c["id"].lower() != connection_id.lower()]
    props["privateEndpointConnections"] = kept
    if target["type"].lower() == "microsoft.machinelearningservices/workspaces":
        props["privateLinkCount"] = len(kept)
    ctx.store.touch()


# endpoints ------------------------------------------------------------------------------------------------------------
@provider.route("PUT", ENDPOINT)
def put_endpoint(ctx: Context) -> Response:
    name = ctx.params["privateEndpointName"]
    _check_name(name)
    body = ctx.json()
    validate(body, net_models.PrivateEndpoint, code="InvalidRequestFormat")
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"))
    props = body.get("properties") or {}
    rid = _endpoint_id(ctx)
    existing = ctx.store.get(rid)
    check_same_location(existing and existing["body"], location, name, ctx.params["resourceGroupName"])
    subnet_id = (props.get("subnet") or {}).get("id")
    conn, manual = _connection(rid, props)
    if existing is not None:
        return _update_endpoint(ctx, existing, subnet_id, conn, manual, tags)
    subnet = _subnet(ctx, rid, subnet_id, location)
    target, group = _target(ctx, conn)
    served = members(target, group)
    ips = _allocate(ctx, subnet, len(served), rid)
    guid = new_guid()
    nic_name = props.get("customNetworkInterfaceName") or f"{name}.nic.{guid}"
    parsed = parse_id(rid)
    nic_id = (
        f"/subscriptions/{parsed.subscription}/resourceGroups/{parsed.resource_group}/providers/{NIC_TYPE}/{nic_name}"
    )
    if ctx.store.get(nic_id) is not None:
        raise ArmError(
            400,
            "NetworkInterfaceNameAlreadyInUse",
            f"Network interface {nic_id} already exists: choose another customNetworkInterfaceName.",
        )
    state = PENDING if manual else AUTO_APPROVED
    if manual and conn["properties"].get("requestMessage"):
        state = dict(PENDING, description=conn["properties"]["requestMessage"])
    connection_id = f"{target['id']}/privateEndpointConnections/{name}.{guid}"
    conn_body = {
        "name": conn["name"],
        "id": f"{rid}/{'manualPrivateLinkServiceConnections' if manual else 'privateLinkServiceConnections'}/"
        f"{conn['name']}",
        "etag": network._etag(),  # noqa: SLF001
        "type": f"{TYPE}/{'manualPrivateLinkServiceConnections' if manual else 'privateLinkServiceConnections'}",
        "properties": {
            "provisioningState": "Succeeded",
            "privateLinkServiceId": target["id"],
            "groupIds": [group],
            "privateLinkServiceConnectionState": dict(state),
        },
    }
    if conn["properties"].get("requestMessage"):
        conn_body["properties"]["requestMessage"] = conn["properties"]["requestMessage"]
    ip_configs = []
    dns = []
    for index, ((member, names), address) in enumerate(zip(served, ips)):
        config_name = f"privateEndpointIpConfig.{new_guid()}"
        ip_configs.append(
            {
                "name": config_name,
                "id": f"{nic_id}/ipConfigurations/{config_name}",
                "type": f"{NIC_TYPE}/ipConfigurations",
                "properties": {
                    "provisioningState": "Succeeded",
                    "privateIPAddress": address,
                    "privateIPAllocationMethod": "Dynamic",
                    "privateIPAddressVersion": "IPv4",
                    "subnet": {"id": subnet["id"]},
                    "primary": index == 0,
                    "privateLinkConnectionProperties": {
                        "groupId": group,
                        "requiredMemberName": member,
                        "fqdns": [fqdn for fqdn, _zone, _record in names],
                    },
                },
            }
        )
        dns.extend({"fqdn": fqdn, "ipAddresses": [address]} for fqdn, _zone, _record in names)
    nic = {
        "name": nic_name,
        "id": nic_id,
        "etag": network._etag(),  # noqa: SLF001
        "type": NIC_TYPE,
        "location": location,
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": new_guid(),
            "ipConfigurations": ip_configs,
            "dnsSettings": {"dnsServers": [], "appliedDnsServers": []},
            "enableAcceleratedNetworking": False,
            "enableIPForwarding": False,
            "privateEndpoint": {"id": rid},
            "nicType": "Standard",
        },
    }
    ctx.store.put(nic_id, NIC_TYPE, nic, {"endpoint": rid})
    subnet_props = subnet["body"]["properties"]
    subnet_props["ipConfigurations"] = list(subnet_props.get("ipConfigurations") or []) + [
        {"id": c["id"]} for c in ip_configs
    ]
    subnet_props["privateEndpoints"] = list(subnet_props.get("privateEndpoints") or []) + [{"id": rid}]
    endpoint = {
        "name": name,
        "id": rid,
        "etag": network._etag(),  # noqa: SLF001
        "type": TYPE,
        "location": location,
        "tags": tags,
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": new_guid(),
            "subnet": {"id": subnet["id"]},
            "privateLinkServiceConnections": [] if manual else [conn_body],
            "manualPrivateLinkServiceConnections": [conn_body] if manual else [],
            "customNetworkInterfaceName": props.get("customNetworkInterfaceName") or "",
            "networkInterfaces": [{"id": nic_id}],
            "ipConfigurations": [],
            "applicationSecurityGroups": list(props.get("applicationSecurityGroups") or []),
            "customDnsConfigs": dns,
            "isIPv6Enabled": False,
        },
    }
    internal = {
        "target": target["id"],
        "connection": connection_id,
        "nic": nic_id,
        "subnet": subnet["id"],
        "group": group,
        "members": [[member, [list(n) for n in names], address] for (member, names), address in zip(served, ips)],
    }
    record = ctx.store.put(rid, TYPE, endpoint, internal)
    _attach(ctx, target, _target_connection(target, rid, connection_id, group, state))
    op = network._mark_updating(ctx, [rid], ENDPOINT_SECONDS)  # noqa: SLF001
    return network._put_answer(ctx, 201, record["body"], location, op)  # noqa: SLF001


def _same_id(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.rstrip("/").lower() == b.rstrip("/").lower()


def _update_endpoint(ctx: Context, record: dict, subnet_id, conn: dict, manual: bool, tags: dict) -> Response:
    """A PUT of an existing endpoint: tags and application security groups may change; what Azure fixes at creation
    (the subnet, the connection's target, group ids and kind) is refused."""
    body = record["body"]
    props = body["properties"]
    rid = record["id"]
    if not _same_id(subnet_id, props["subnet"]["id"]):
        raise ArmError(
            400,
            "PrivateEndpointSubnetCannotBeChanged",
            f"The subnet of private endpoint {rid} cannot be changed from {props['subnet']['id']} to {subnet_id}. "
            "Delete the private endpoint and create it in the other subnet.",
        )
    current = (props["manualPrivateLinkServiceConnections"] or props["privateLinkServiceConnections"])[0]
    was_manual = bool(props["manualPrivateLinkServiceConnections"])
    cprops = conn.get("properties") or {}
    same = (
        manual == was_manual
        and conn.get("name", "").lower() == current["name"].lower()
        and _same_id(cprops.get("privateLinkServiceId"), current["properties"]["privateLinkServiceId"])
        and [g.lower() for g in cprops.get("groupIds") or []] == [g.lower() for g in current["properties"]["groupIds"]]
    )
    if not same:
        raise ArmError(
            400,
            "PrivateLinkServiceConnectionCannotBeChanged",
            f"The private link service connection of private endpoint {rid} cannot be changed (name, target, group "
            "ids or approval kind). Delete the private endpoint and create a new one.",
        )
    body["tags"] = tags
    body["etag"] = network._etag()  # noqa: SLF001
    ctx.store.touch()
    op = network._mark_updating(ctx, [rid], ENDPOINT_SECONDS)  # noqa: SLF001
    return network._put_answer(ctx, 200, body, body["location"], op)  # noqa: SLF001


@provider.route("GET", ENDPOINT)
def get_endpoint(ctx: Context) -> Response:
    return Response(200, _endpoint_or_404(ctx)["body"])


@provider.route("DELETE", ENDPOINT)
def delete_endpoint(ctx: Context) -> Response:
    record = ctx.store.get(_endpoint_id(ctx))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    op = lro.start(ctx, "network.delete", typical_seconds=ENDPOINT_SECONDS, params={"id": record["id"]})
    return network._delete_answer(ctx, record["body"]["location"], op)  # noqa: SLF001


@provider.route("GET", GROUP + "/providers/Microsoft.Network/privateEndpoints")
def list_endpoints(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(r["body"] for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Network/privateEndpoints")
def list_all_endpoints(ctx: Context) -> Response:
    return ctx.paged(r["body"] for r in ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"]))


@provider.route("GET", NIC)
def get_nic(ctx: Context) -> Response:
    p = ctx.params
    rid = (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/{NIC_TYPE}/"
        f"{p['networkInterfaceName']}"
    )
    record = ctx.store.get(rid)
    if record is None:
        raise resource_not_found(NIC_TYPE, p["networkInterfaceName"], p["resourceGroupName"])
    return Response(200, record["body"])


# zone groups ----------------------------------------------------------------------------------------------------------
def _zone_group_id(ctx: Context) -> str:
    return f"{_endpoint_id(ctx)}/privateDnsZoneGroups/{ctx.params['privateDnsZoneGroupName']}"


def _records_of(endpoint: dict) -> list:
    """``[(fqdn, zone name, record name, ip)]`` of an endpoint."""
    out = []
    for _member, names, address in endpoint["internal"].get("members") or []:
        for fqdn, zone, record in names:
            out.append((fqdn, zone, record, address))
    return out


def _remove_records(ctx: Context, group_id: str, keep: Optional[set] = None) -> None:
    """Remove the A records a zone group wrote (but those in ``keep``, lower-case record ids)."""
    for record in list(ctx.store.iter_resources(RECORD_A_TYPE)):
        if record["internal"].get("owner", "").lower() != group_id.lower():
            continue
        if keep and record["id"].lower() in keep:
            continue
        ctx.store.remove(record["id"])


@provider.route("PUT", ZONE_GROUP)
def put_zone_group(ctx: Context) -> Response:
    endpoint = ctx.store.get(_endpoint_id(ctx))
    if endpoint is None:
        raise parent_not_found(TYPE, ctx.params["privateEndpointName"])
    name = ctx.params["privateDnsZoneGroupName"]
    network._check_name(name, 80)  # noqa: SLF001
    body = ctx.json()
    validate(body, net_models.PrivateDnsZoneGroup, code="InvalidRequestFormat")
    rid = _zone_group_id(ctx)
    others = [
        r for r in ctx.store.descendants(endpoint["id"]) if r["type"] == GROUP_TYPE and r["id"].lower() != rid.lower()
    ]
    if others:
        raise ArmError(
            400,
            "OnlyOnePrivateDnsZoneGroupAllowedPerPrivateEndpoint",
            f"Private endpoint {endpoint['id']} already has the private DNS zone group {others[0]['body']['name']}; "
            "a private endpoint has at most one zone group.",
        )
    configs = (body.get("properties") or {}).get("privateDnsZoneConfigs") or []
    if len(configs) > MAX_ZONE_CONFIGS:
        raise ArmError(
            400,
            "PrivateDnsZoneGroupHasTooManyZoneConfigs",
            f"Private DNS zone group {rid} has {len(configs)} zone configurations; at most {MAX_ZONE_CONFIGS} are "
            "allowed.",
        )
    zones = []
    seen = set()
    for config in configs:
        zone_id = (config.get("properties") or {}).get("privateDnsZoneId")
        zone = ctx.store.get(zone_id) if isinstance(zone_id, str) else None
        if zone is None or zone["type"] != ZONE_TYPE:
            raise ArmError(
                400,
                "InvalidResourceReference",
                f"Resource {zone_id} referenced by resource {rid} was not found. Please make sure that the referenced "
                "resource exists.",
            )
        if zone["id"].lower() in seen:
            raise ArmError(
                400,
                "DuplicatePrivateDnsZoneIds",
                f"Private DNS zone {zone_id} appears more than once in private DNS zone group {rid}.",
            )
        seen.add(zone["id"].lower())
        zones.append((config.get("name") or zone["body"]["name"].replace(".", "-"), zone))
    written = set()
    out_configs = []
    for config_name, zone in zones:
        record_sets = []
        for _fqdn, zone_name, record_name, address in _records_of(endpoint):
            if zone_name.lower() != zone["body"]["name"].lower():
                continue
            record_id = f"{zone['id']}/A/{record_name}"
            ctx.store.put(
                record_id,
                RECORD_A_TYPE,
                {
                    "id": record_id,
                    "name": record_name,
                    "type": RECORD_A_TYPE,
                    "etag": new_guid(),
                    "properties": {
                        "ttl": RECORD_TTL,
                        "fqdn": f"{record_name}.{zone['body']['name']}.",
                        "isAutoRegistered": False,
                        "aRecords": [{"ipv4Address": address}],
                    },
                },
                {"owner": rid},
            )
            written.add(record_id.lower())
            record_sets.append(
                {
                    "recordType": "A",
                    "recordSetName": record_name,
                    "fqdn": f"{record_name}.{zone['body']['name']}",
                    "provisioningState": "Succeeded",
                    "ttl": RECORD_TTL,
                    "ipAddresses": [address],
                }
            )
        out_configs.append(
            {
                "name": config_name,
                "properties": {"privateDnsZoneId": zone["id"], "recordSets": record_sets},
            }
        )
    _remove_records(ctx, rid, keep=written)
    existing = ctx.store.get(rid)
    group = {
        "name": name,
        "id": rid,
        "etag": network._etag(),  # noqa: SLF001
        "properties": {"provisioningState": "Succeeded", "privateDnsZoneConfigs": out_configs},
    }
    record = ctx.store.put(rid, GROUP_TYPE, group, {"endpoint": endpoint["id"]})
    op = network._mark_updating(ctx, [rid], ZONE_GROUP_SECONDS)  # noqa: SLF001
    return network._put_answer(ctx, 200 if existing else 201, record["body"], endpoint["body"]["location"], op)  # noqa: SLF001


@provider.route("GET", ZONE_GROUP)
def get_zone_group(ctx: Context) -> Response:
    endpoint = ctx.store.get(_endpoint_id(ctx))
    if endpoint is None:
        raise parent_not_found(TYPE, ctx.params["privateEndpointName"])
    record = ctx.store.get(_zone_group_id(ctx))
    if record is None:
        raise ArmError(404, "NotFound", f"Resource {_zone_group_id(ctx)} not found.")
    return Response(200, record["body"])


@provider.route("DELETE", ZONE_GROUP)
def delete_zone_group(ctx: Context) -> Response:
    endpoint = ctx.store.get(_endpoint_id(ctx))
    record = ctx.store.get(_zone_group_id(ctx)) if endpoint is not None else None
    if record is None:
        return Response(204)
    record["body"]["properties"]["provisioningState"] = "Deleting"
    op = lro.start(ctx, "network.delete", typical_seconds=ZONE_GROUP_SECONDS, params={"id": record["id"]})
    return network._delete_answer(ctx, endpoint["body"]["location"], op)  # noqa: SLF001


@provider.route("GET", ENDPOINT + "/privateDnsZoneGroups")
def list_zone_groups(ctx: Context) -> Response:
    endpoint = ctx.store.get(_endpoint_id(ctx))
    if endpoint is None:
        raise resource_not_found(TYPE, ctx.params["privateEndpointName"], ctx.params["resourceGroupName"])
    return ctx.paged(r["body"] for r in ctx.store.descendants(endpoint["id"]) if r["type"] == GROUP_TYPE)


# what happens when things go ------------------------------------------------------------------------------------------
@provider.on("resource.deleted")
def _gone(ctx: Context, record: dict) -> None:
    rtype = record["type"]
    if rtype == GROUP_TYPE:
        _remove_records(ctx, record["id"])
    elif rtype == TYPE:
        internal = record.get("internal") or {}
        _detach(ctx, internal.get("target", ""), internal.get("connection", ""))
        nic_id = internal.get("nic")
        nic = ctx.store.get(nic_id) if nic_id else None
        configs = {c["id"].lower() for c in (nic["body"]["properties"]["ipConfigurations"] if nic else [])}
        if nic is not None:
            ctx.store.remove(nic_id)
        subnet = ctx.store.get(internal.get("subnet", "")) if internal.get("subnet") else None
        if subnet is not None:
            sprops = subnet["body"]["properties"]
            sprops["ipConfigurations"] = [
                c for c in sprops.get("ipConfigurations") or [] if c["id"].lower() not in configs
            ]
            sprops["privateEndpoints"] = [
                p for p in sprops.get("privateEndpoints") or [] if p["id"].lower() != record["id"].lower()
            ]
            ctx.store.touch()
    elif rtype.lower() in GROUP_IDS:
        for endpoint in ctx.store.iter_resources(TYPE):
            if endpoint["internal"].get("target", "").lower() != record["id"].lower():
                continue
            props = endpoint["body"]["properties"]
            for conn in props["privateLinkServiceConnections"] + props["manualPrivateLinkServiceConnections"]:
                conn["properties"]["privateLinkServiceConnectionState"] = dict(DISCONNECTED)
            ctx.store.touch()
