# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private endpoints with their private DNS zone group, declared on the resource kit (``_resource.py``) and spoken
through azure-mgmt-network (``private_endpoints``, ``private_dns_zone_groups``).

An endpoint has one private link service connection: the target resource (``private_link_service_id``), one group id
(the target's sub-resource: ``vault``, ``blob``, ``registry``, ``amlworkspace``, ...) and a name. Azure fixes the
subnet and the connection when the endpoint is created, so a change of either is refused before anything is sent.
The network resource provider has no PATCH for endpoints: a tags change re-sends the endpoint as Azure returned it.

The zone group is a child resource (at most one per endpoint) whose zones receive the endpoint's A records; the
module manages it as the option ``private_dns_zone_group``. ``PRIVATE_DNS_ZONES`` is the table of the zone names
Microsoft recommends per cloud and group id, for roles that create the zones.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import ListOf, Refusal, merge, norm_ci, norm_id
from ansible_collections.mlops.azure.plugins.module_utils._resource import Field, SdkResource
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, parse_resource_id, rest_dict

NetworkManagementClient = optional_import("azure.mgmt.network", "NetworkManagementClient", "azure-mgmt-network")

ENDPOINT_TYPE = "Microsoft.Network/privateEndpoints"
DEFAULT_ZONE_GROUP = "default"
MAX_ZONE_CONFIGS = 5

# The group ids (sub-resources) each target type serves (Microsoft Learn, "What is a private endpoint?",
# Private-link resource). Keys are lower-case resource types.
GROUP_IDS = {
    "microsoft.keyvault/vaults": ["vault"],
    "microsoft.storage/storageaccounts": ["blob", "file", "queue", "table", "dfs", "web"],
    "microsoft.containerregistry/registries": ["registry"],
    "microsoft.machinelearningservices/workspaces": ["amlworkspace"],
}

# The private DNS zones Microsoft recommends for each group id, per cloud (Learn, "Azure Private Endpoint private DNS
# zone values"; the sovereign clouds follow their own suffixes). A registry's regional data endpoint gets its records
# ("{registry}.{region}.data") in the registry's zone.
PRIVATE_DNS_ZONES = {
    "AzureCloud": {
        "vault": ["privatelink.vaultcore.azure.net"],
        "blob": ["privatelink.blob.core.windows.net"],
        "file": ["privatelink.file.core.windows.net"],
        "queue": ["privatelink.queue.core.windows.net"],
        "table": ["privatelink.table.core.windows.net"],
        "dfs": ["privatelink.dfs.core.windows.net"],
        "web": ["privatelink.web.core.windows.net"],
        "registry": ["privatelink.azurecr.io"],
        "amlworkspace": ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
    },
    "AzureUSGovernment": {
        "vault": ["privatelink.vaultcore.usgovcloudapi.net"],
        "blob": ["privatelink.blob.core.usgovcloudapi.net"],
        "file": ["privatelink.file.core.usgovcloudapi.net"],
        "queue": ["privatelink.queue.core.usgovcloudapi.net"],
        "table": ["privatelink.table.core.usgovcloudapi.net"],
        "dfs": ["privatelink.dfs.core.usgovcloudapi.net"],
        "web": ["privatelink.web.core.usgovcloudapi.net"],
        "registry": ["privatelink.azurecr.us"],
        "amlworkspace": ["privatelink.api.ml.azure.us", "privatelink.notebooks.usgovcloudapi.net"],
    },
    "AzureChinaCloud": {
        "vault": ["privatelink.vaultcore.azure.cn"],
        "blob": ["privatelink.blob.core.chinacloudapi.cn"],
        "file": ["privatelink.file.core.chinacloudapi.cn"],
        "queue": ["privatelink.queue.core.chinacloudapi.cn"],
        "table": ["privatelink.table.core.chinacloudapi.cn"],
        "dfs": ["privatelink.dfs.core.chinacloudapi.cn"],
        "web": ["privatelink.web.core.chinacloudapi.cn"],
        "registry": ["privatelink.azurecr.cn"],
        "amlworkspace": ["privatelink.api.ml.azure.cn", "privatelink.notebooks.chinacloudapi.cn"],
    },
}

_ID = r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
_SUBNET_ID = re.compile(_ID + r"Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+/?", re.IGNORECASE)
_RESOURCE_ID = re.compile(_ID + r"[^/]+/[^/]+/[^/]+/?", re.IGNORECASE)
_ZONE_ID = re.compile(_ID + r"Microsoft\.Network/privateDnsZones/[^/]+/?", re.IGNORECASE)

# Where the connection is kept in the view of the body the field table reads (see ``PrivateEndpoint.shape``).
_CONNECTION = "properties.connection"

_FIXED = "Azure fixes {} when a private endpoint is created: delete the endpoint and create a new one to change it."


def private_dns_zone_names(group_id, cloud="AzureCloud"):
    """The recommended private DNS zone names for ``group_id`` in ``cloud`` (``AzureCloud``, ``AzureUSGovernment``,
    ``AzureChinaCloud``); an empty list when the table does not know them."""
    return list(PRIVATE_DNS_ZONES.get(cloud, {}).get((group_id or "").lower(), []))


def target_type(resource_id):
    """The lower-case resource type (``microsoft.keyvault/vaults``) of a resource id, or None."""
    parts = [p for p in (resource_id or "").split("/") if p]
    lowered = [p.lower() for p in parts]
    if "providers" not in lowered:
        return None
    index = lowered.index("providers")
    if len(parts) < index + 4:
        return None
    return f"{lowered[index + 1]}/{lowered[index + 2]}"


def input_problems(params):
    """Every problem with a private endpoint's options, before anything is sent to Azure."""
    problems = []
    subnet = params.get("subnet")
    if subnet is not None and not _SUBNET_ID.fullmatch(subnet.strip()):
        problems.append(
            f"subnet {subnet!r} is not a subnet resource id "
            "(/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/"
            "{subnet})"
        )
    target = params.get("private_link_service_id")
    if target is not None and not _RESOURCE_ID.fullmatch(target.strip()):
        problems.append(f"private_link_service_id {target!r} is not the resource id of the target resource")
    groups = params.get("group_ids")
    if groups is not None:
        if len(groups) != 1:
            problems.append(f"group_ids must name exactly one group id (sub-resource); {len(groups)} given")
        known = GROUP_IDS.get(target_type(target) or "")
        if known is not None:
            wrong = [g for g in groups if norm_ci(g) not in known]
            if wrong:
                problems.append(
                    "group_ids {} are not served by a {}; it serves {}".format(
                        ", ".join(repr(g) for g in wrong), target_type(target), ", ".join(known)
                    )
                )
    group = params.get("private_dns_zone_group")
    if group is not None:
        ids = group.get("private_dns_zone_ids") or []
        bad = [value for value in ids if not _ZONE_ID.fullmatch(str(value).strip())]
        if bad:
            problems.append(
                "private_dns_zone_group.private_dns_zone_ids: {} are not private DNS zone resource ids".format(
                    ", ".join(repr(value) for value in bad)
                )
            )
        if len(ids) > MAX_ZONE_CONFIGS:
            problems.append(
                f"private_dns_zone_group.private_dns_zone_ids names {len(ids)} zones; Azure allows at most "
                f"{MAX_ZONE_CONFIGS} in a zone group"
            )
        if len({norm_id(value) for value in ids}) != len(ids):
            problems.append("private_dns_zone_group.private_dns_zone_ids names a zone twice")
    return problems


def zone_config_name(zone_id):
    """A zone configuration's name, as the portal makes it: the zone name with dots as hyphens."""
    return parse_resource_id(zone_id).get("name", "zone").replace(".", "-")


def zone_group_shape(body):
    """A zone group's REST JSON as the module returns it (``None`` when there is none)."""
    if body is None:
        return None
    configs = (body.get("properties") or {}).get("privateDnsZoneConfigs") or []
    records = []
    for config in configs:
        props = config.get("properties") or {}
        zone = parse_resource_id(props.get("privateDnsZoneId")).get("name")
        for record in props.get("recordSets") or []:
            records.append(
                {
                    "zone": zone,
                    "name": record.get("recordSetName"),
                    "fqdn": record.get("fqdn"),
                    "ip_addresses": list(record.get("ipAddresses") or []),
                }
            )
    return {
        "name": body.get("name"),
        "private_dns_zone_ids": [(c.get("properties") or {}).get("privateDnsZoneId") for c in configs],
        "record_sets": records,
        "provisioning_state": (body.get("properties") or {}).get("provisioningState"),
    }


def zone_group_body(zone_ids):
    return {
        "properties": {
            "privateDnsZoneConfigs": [
                {"name": zone_config_name(zone_id), "properties": {"privateDnsZoneId": zone_id}} for zone_id in zone_ids
            ]
        }
    }


# Properties Azure fills in or reports only: dropped from a body that is sent back.
_READ_ONLY = ("etag", "type", "provisioningState", "resourceGuid", "networkInterfaces", "customDnsConfigs")


def _put_body(raw):
    """An endpoint as Azure returned it, stripped of what Azure fills in, to PUT back."""
    body = copy.deepcopy(raw)
    props = body.get("properties") or {}
    for key in _READ_ONLY:
        body.pop(key, None)
        props.pop(key, None)
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in props.get(key) or []:
            for drop in ("etag", "type", "id"):
                conn.pop(drop, None)
            (conn.get("properties") or {}).pop("provisioningState", None)
    for drop in ("id", "name"):
        body.pop(drop, None)
    return body


class PrivateEndpoint(SdkResource):
    kind = "private endpoint"
    arm_type = ENDPOINT_TYPE
    sdk_client = NetworkManagementClient
    sdk_operations = "private_endpoints"
    # No PATCH: an update is a PUT of the endpoint as Azure returned it (``put_body``).
    sdk_update = None
    sdk_list_in_group = "list"
    sdk_list_all = "list_by_subscription"
    fields = (
        Field("subnet", "properties.subnet.id", norm=norm_id, create_only=_FIXED.format("its subnet")),
        Field(
            "private_link_service_id",
            _CONNECTION + ".privateLinkServiceId",
            norm=norm_id,
            create_only=_FIXED.format("the resource it connects to"),
        ),
        Field(
            "group_ids",
            _CONNECTION + ".groupIds",
            norm=ListOf(norm_ci),
            create_only=_FIXED.format("the group ids of its connection"),
        ),
        Field("connection_name", _CONNECTION + ".name", create_only=_FIXED.format("the name of its connection")),
        Field(
            "custom_network_interface_name",
            "properties.customNetworkInterfaceName",
            create_only=_FIXED.format("the name of its network interface"),
        ),
        Field("connection_state", _CONNECTION + ".privateLinkServiceConnectionState.status", read_only=True),
    )

    # -- the declaration, with the connection and the zone group -----------------------------
    @classmethod
    def field_rules(cls):
        rules = super().field_rules()
        rules["private_dns_zone_group.name"] = norm_ci
        rules["private_dns_zone_group.private_dns_zone_ids"] = ListOf(norm_id)
        return rules

    @classmethod
    def desired_from(cls, params):
        desired = super().desired_from(params)
        group = params.get("private_dns_zone_group")
        if group is not None:
            wanted = {"private_dns_zone_ids": list(group.get("private_dns_zone_ids") or [])}
            if group.get("name"):
                wanted["name"] = group["name"]
            desired["private_dns_zone_group"] = wanted
        return desired

    @classmethod
    def shape(cls, body):
        """The endpoint as the module returns it: the field table read from a view of the body in which the one
        connection (automatic or manual) sits at ``properties.connection``, then the addresses and names."""
        if body is None:
            return None
        view = copy.deepcopy(body)
        props = view.setdefault("properties", {})
        manual = props.get("manualPrivateLinkServiceConnections") or []
        connections = (props.get("privateLinkServiceConnections") or []) + manual
        if connections:
            conn = connections[0]
            props["connection"] = dict(conn.get("properties") or {}, name=conn.get("name"))
        shape = super().shape(view)
        configs = props.get("customDnsConfigs") or []
        shape["manual_approval"] = bool(manual)
        shape["network_interfaces"] = [nic.get("id") for nic in props.get("networkInterfaces") or []]
        shape["custom_dns_configs"] = [
            {"fqdn": c.get("fqdn"), "ip_addresses": list(c.get("ipAddresses") or [])} for c in configs
        ]
        addresses = []
        for config in configs:
            addresses.extend(ip for ip in config.get("ipAddresses") or [] if ip not in addresses)
        shape["private_ip_addresses"] = addresses
        shape.setdefault("private_dns_zone_group", None)
        return shape

    def body(self, shape, differences=None):
        body = super().body(shape, differences)
        props = body.get("properties") or {}
        conn = props.pop("connection", None)
        if conn is not None:
            name = conn.pop("name", None) or self.name
            props["privateLinkServiceConnections"] = [{"name": name, "properties": conn}]
        return body

    # -- the reconcile resource ---------------------------------------------------------------
    def read_children(self, shape):
        """The endpoint with its zone group (Azure allows one)."""
        zone_groups = self.client.private_dns_zone_groups
        groups = self.module.call(
            "read the private DNS zone groups of",
            self.label,
            lambda: [rest_dict(item) for item in zone_groups.list(self.name, self.resource_group)],
        )
        shape["private_dns_zone_group"] = zone_group_shape(groups[0] if groups else None)
        return shape

    def check(self, desired, current):
        if current is None:
            missing = [o for o in ("subnet", "private_link_service_id", "group_ids") if not desired.get(o)]
            if missing:
                raise Refusal("{} does not exist: set {} to create it.".format(self.label, ", ".join(missing)))
        super().check(desired, current)

    def predict_create(self, desired):
        shape = super().predict_create(desired)
        shape["connection_name"] = shape.get("connection_name") or self.name
        shape["custom_network_interface_name"] = shape.get("custom_network_interface_name") or ""
        shape["private_dns_zone_group"] = self._predict_group(desired.get("private_dns_zone_group"), None)
        return shape

    def predict_update(self, desired, current):
        shape = merge(current, {k: v for k, v in desired.items() if k != "private_dns_zone_group"}, self.rules)
        if "private_dns_zone_group" in desired:
            shape["private_dns_zone_group"] = self._predict_group(
                desired["private_dns_zone_group"], current.get("private_dns_zone_group")
            )
        return shape

    @staticmethod
    def _predict_group(wanted, current):
        if wanted is None:
            return copy.deepcopy(current)
        ids = wanted.get("private_dns_zone_ids") or []
        if not ids:
            return None
        same = current is not None and ListOf(norm_id).key(ids) == ListOf(norm_id).key(
            current.get("private_dns_zone_ids")
        )
        name = wanted.get("name") or (current or {}).get("name") or DEFAULT_ZONE_GROUP
        if same and norm_ci(name) == norm_ci(current.get("name")):
            return copy.deepcopy(current)
        return {"name": name, "private_dns_zone_ids": list(ids), "record_sets": None, "provisioning_state": "Succeeded"}

    def create(self, desired):
        super().create(desired)
        group = desired.get("private_dns_zone_group")
        if group:
            self._apply_group(group, None)

    def put_body(self, after):
        """The endpoint as Azure returned it, with the tags of ``after``: a PUT keeps what the module does not
        manage (its network interface, IP configurations, application security groups)."""
        body = _put_body(self.raw)
        if after.get("tags"):
            body["tags"] = after["tags"]
        else:
            body.pop("tags", None)
        return body

    def update(self, desired, current, differences):
        top = differences.top_level()
        if "tags" in top:
            super().update(desired, current, differences)
        if "private_dns_zone_group" in top:
            self._apply_group(desired.get("private_dns_zone_group"), current.get("private_dns_zone_group"))

    def repair(self, desired, current, differences):
        self.put(self.put_body(self.predict_update(desired, current)), "repair")
        if "private_dns_zone_group" in desired:
            self._apply_group(desired["private_dns_zone_group"], current.get("private_dns_zone_group"))

    def _apply_group(self, wanted, current):
        """Make the zone group what ``wanted`` says: its zones, under its name (a renamed group is replaced); no zones
        means no zone group."""
        ids = (wanted or {}).get("private_dns_zone_ids") or []
        name = (wanted or {}).get("name") or (current or {}).get("name") or DEFAULT_ZONE_GROUP
        if current is not None and (not ids or norm_ci(current.get("name")) != norm_ci(name)):
            self.module.wait(
                "delete the private DNS zone group of",
                self.label,
                self.client.private_dns_zone_groups.begin_delete,
                self.resource_group,
                self.name,
                current["name"],
            )
        if ids:
            self.module.wait(
                "set the private DNS zone group of",
                self.label,
                self.client.private_dns_zone_groups.begin_create_or_update,
                self.resource_group,
                self.name,
                name,
                zone_group_body(ids),
            )
