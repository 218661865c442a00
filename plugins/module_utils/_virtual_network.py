# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual networks with their subnets and service endpoints: REST <-> shape conversion and the reconcile resource.

A virtual network PUT replaces the subnet list (subnets left out are deleted), so every write other than a tags
update re-sends the network as Azure returned it, with only the managed settings changed: the address space, and
the address prefix and service endpoints of the listed subnets. Everything else (network security groups, route
tables, delegations, peerings, subnets the user did not list) goes back unchanged.
"""

from __future__ import annotations

import copy
import ipaddress

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    ListByKey,
    ListOf,
    Refusal,
    norm_ci,
    norm_ip,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, parse_resource_id

NetworkManagementClient = optional_import("azure.mgmt.network", "NetworkManagementClient", "azure-mgmt-network")

VNET_TYPE = "Microsoft.Network/virtualNetworks"

VNET_RULES = {
    "location": norm_location,
    "address_prefixes": ListOf(norm_ip),
    "subnets": ListByKey("name"),
    "subnets.name": norm_ci,
    "subnets.address_prefix": norm_ip,
    "subnets.service_endpoints": ListOf(norm_ci),
}

# Read-only properties dropped from a body that is sent back.
_READ_ONLY = ("etag", "provisioningState", "resourceGuid", "flowLogs", "purpose", "type")
_SUBNET_READ_ONLY = (
    "etag",
    "provisioningState",
    "purpose",
    "type",
    "ipConfigurations",
    "ipConfigurationProfiles",
    "privateEndpoints",
    "resourceNavigationLinks",
    "serviceAssociationLinks",
)


def subnet_prefix(props):
    """A subnet's address prefix: ``addressPrefix``, or the first of ``addressPrefixes``."""
    if props.get("addressPrefix"):
        return props["addressPrefix"]
    prefixes = props.get("addressPrefixes") or []
    return prefixes[0] if prefixes else None


def subnet_shape(body):
    props = body.get("properties") or {}
    return {
        "name": body.get("name"),
        "id": body.get("id"),
        "address_prefix": subnet_prefix(props),
        "service_endpoints": [item.get("service") for item in props.get("serviceEndpoints") or []],
        # Read only: the services the subnet is delegated to (a delegated subnet takes no private endpoint).
        "delegations": [
            (item.get("properties") or {}).get("serviceName") or item.get("name")
            for item in props.get("delegations") or []
        ],
    }


def virtual_network_shape(body):
    """A virtual network's REST JSON as the module returns it, with ``subnet_ids`` (name -> id) for roles."""
    if body is None:
        return None
    props = body.get("properties") or {}
    ids = parse_resource_id(body.get("id"))
    subnets = [subnet_shape(item) for item in props.get("subnets") or []]
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": ids.get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "address_prefixes": list((props.get("addressSpace") or {}).get("addressPrefixes") or []),
        "subnets": subnets,
        "subnet_ids": dict((item["name"], item["id"]) for item in subnets),
        "provisioning_state": props.get("provisioningState"),
    }


def prefix_problems(prefixes, what="address_prefixes"):
    """Prefixes that are not networks in CIDR form (``10.0.0.0/16``; host bits must be zero, as Azure requires)."""
    problems = []
    for prefix in prefixes or []:
        try:
            if "/" not in str(prefix):
                raise ValueError("no prefix length")
            ipaddress.ip_network(prefix, strict=True)
        except ValueError as exc:
            problems.append(f"{what}: {prefix!r} is not a network in CIDR form, for example 10.0.0.0/16 ({exc})")
    return problems


def normalise_subnets(items, name_errors=None):
    """``subnets`` as given -> (list of shape dicts, problems). ``service_endpoints: null`` means not managed."""
    result = []
    problems = []
    seen = set()
    for index, item in enumerate(items or []):
        name = item.get("name")
        if name_errors is not None:
            problems.extend(name_errors("subnet", name))
        key = (name or "").casefold()
        if key in seen:
            problems.append(f"subnets lists {name} twice")
            continue
        seen.add(key)
        prefix = item.get("address_prefix")
        bad = prefix_problems([prefix], f"subnets[{index}] ({name}).address_prefix")
        if bad:
            problems.extend(bad)
            continue
        subnet = {"name": name, "address_prefix": prefix}
        if item.get("service_endpoints") is not None:
            subnet["service_endpoints"] = list(item["service_endpoints"])
        result.append(subnet)
    return result, problems


def _network(prefix):
    try:
        return ipaddress.ip_network(prefix, strict=False)
    except (TypeError, ValueError):
        return None


def address_problems(after):
    """Subnets outside the address space, and subnets that overlap, in the predicted network ``after``."""
    problems = []
    space = [net for net in (_network(p) for p in after.get("address_prefixes") or []) if net is not None]
    subnets = [(item["name"], _network(item.get("address_prefix"))) for item in after.get("subnets") or []]
    for name, net in subnets:
        if net is None:
            continue
        if not any(net.version == outer.version and net.subnet_of(outer) for outer in space):
            problems.append(
                "subnet {} ({}) is not inside the address space ({})".format(
                    name, net, ", ".join(str(outer) for outer in space) or "empty"
                )
            )
    for index, (name, net) in enumerate(subnets):
        for other_name, other in subnets[index + 1 :]:
            if net is not None and other is not None and net.version == other.version and net.overlaps(other):
                problems.append(f"subnets {name} ({net}) and {other_name} ({other}) overlap")
    return problems


def _strip(body, keys):
    props = body.get("properties")
    for key in keys:
        body.pop(key, None)
        if isinstance(props, dict):
            props.pop(key, None)
    return body


def _endpoint_body(service, current_endpoints):
    for item in current_endpoints:
        if norm_ci(item.get("service")) == norm_ci(service):
            kept = dict((k, v) for k, v in item.items() if k != "provisioningState")
            kept["service"] = service
            return kept
    return {"service": service}


def subnet_body(subnet, current_raw=None):
    """A subnet for the network PUT: the current subnet as Azure returned it, with the managed settings applied."""
    if current_raw is not None:
        body = _strip(copy.deepcopy(current_raw), _SUBNET_READ_ONLY)
    else:
        body = {"name": subnet["name"], "properties": {}}
    props = body.setdefault("properties", {})
    current = subnet_shape(current_raw) if current_raw is not None else {}
    if current_raw is None or norm_ip(current.get("address_prefix")) != norm_ip(subnet.get("address_prefix")):
        props["addressPrefix"] = subnet["address_prefix"]
        props.pop("addressPrefixes", None)
    wanted = subnet.get("service_endpoints")
    if wanted is not None and (
        current_raw is None
        or VNET_RULES["subnets.service_endpoints"].key(wanted)
        != VNET_RULES["subnets.service_endpoints"].key(current.get("service_endpoints"))
    ):
        current_endpoints = props.get("serviceEndpoints") or []
        props["serviceEndpoints"] = [_endpoint_body(service, current_endpoints) for service in wanted]
    return body


def virtual_network_body(after, location, current_raw=None):
    """The full PUT body for the predicted network ``after``."""
    if current_raw is not None:
        body = _strip(copy.deepcopy(current_raw), _READ_ONLY)
    else:
        body = {"location": location, "properties": {}}
    body["location"] = body.get("location") or location
    if after.get("tags"):
        body["tags"] = after["tags"]
    else:
        body.pop("tags", None)
    props = body.setdefault("properties", {})
    address_space = props.setdefault("addressSpace", {})
    address_space["addressPrefixes"] = list(after.get("address_prefixes") or [])
    current_subnets = dict(
        ((item.get("name") or "").casefold(), item) for item in (props.get("subnets") or []) if isinstance(item, dict)
    )
    props["subnets"] = [
        subnet_body(subnet, current_subnets.get((subnet.get("name") or "").casefold()))
        for subnet in after.get("subnets") or []
    ]
    return body


class VirtualNetwork(GroupedResource):
    kind = "virtual network"
    arm_type = VNET_TYPE
    immutable = {
        "location": "A virtual network's location is fixed at creation: create a new network to use another location.",
    }

    def __init__(self, module, name, resource_group, location=None, append_tags=True, purge_subnets=False):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.location = location
        self.client = module.client(NetworkManagementClient)
        self.rules = dict(VNET_RULES, **tag_rules(append_tags))
        if purge_subnets:
            self.rules["subnets"] = ListByKey("name", exclusive=True)
        self.raw = None

    def read(self):
        self.raw = self.module.read(self.label, self.client.virtual_networks.get, self.resource_group, self.name)
        return virtual_network_shape(self.raw)

    def check(self, desired, current):
        if current is None and not desired.get("address_prefixes"):
            raise Refusal(f"{self.label} does not exist: set address_prefixes to create it.")
        super().check(desired, current)
        after = self.predict_create(desired) if current is None else self.predict_update(desired, current)
        problems = address_problems(after)
        if problems:
            raise Refusal(
                "{}: {}. Fix address_prefixes or the subnets' address_prefix.".format(self.label, "; ".join(problems))
            )

    def _with_ids(self, shape):
        base = shape.get("id") or self.resource_id
        for subnet in shape.get("subnets") or []:
            subnet.setdefault("service_endpoints", [])
            if not subnet.get("id"):
                subnet["id"] = f"{base}/subnets/{subnet['name']}"
        ordered = []
        for subnet in shape.get("subnets") or []:
            ordered.append(
                {
                    "name": subnet["name"],
                    "id": subnet["id"],
                    "address_prefix": subnet.get("address_prefix"),
                    "service_endpoints": subnet.get("service_endpoints"),
                    "delegations": subnet.get("delegations") or [],
                }
            )
        shape["subnets"] = ordered
        shape["subnet_ids"] = dict((subnet["name"], subnet["id"]) for subnet in ordered)
        return shape

    def predict_create(self, desired):
        shape = {
            "id": self.resource_id,
            "name": self.name,
            "resource_group": self.resource_group,
            "location": self.create_location(desired),
            "tags": copy.deepcopy(desired.get("tags") or {}),
            "address_prefixes": list(desired.get("address_prefixes") or []),
            "subnets": copy.deepcopy(desired.get("subnets") or []),
            "subnet_ids": {},
            "provisioning_state": "Succeeded",
        }
        return self._with_ids(shape)

    def predict_update(self, desired, current):
        return self._with_ids(super().predict_update(desired, current))

    def create(self, desired):
        after = self.predict_create(desired)
        self._put(virtual_network_body(after, after["location"]), "create")

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        if differences.top_level() == ["tags"]:
            self.module.call(
                "update the tags of",
                self.label,
                self.client.virtual_networks.update_tags,
                self.resource_group,
                self.name,
                {"tags": after.get("tags") or {}},
            )
            return
        self._put(virtual_network_body(after, current.get("location"), self.raw), "update")

    def _put(self, body, action):
        self.module.wait(
            action,
            self.label,
            self.client.virtual_networks.begin_create_or_update,
            self.resource_group,
            self.name,
            body,
        )

    def delete(self, current):
        self.module.wait(
            "delete", self.label, self.client.virtual_networks.begin_delete, self.resource_group, self.name
        )
