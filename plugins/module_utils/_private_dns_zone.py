# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private DNS zones with their virtual network links, declared on the resource kit (``_resource.py``) and spoken
through azure-mgmt-privatedns (``private_zones``, ``virtual_network_links``, ``record_sets``).

A zone lives in location ``global``. Its links are child resources, managed as the option
``virtual_network_links`` (matched by name; links the user did not list stay unless ``purge_virtual_network_links``).
Azure fixes the virtual network of a link, and a zone with links cannot be deleted: deleting the zone deletes its
links first. The A record sets (what private endpoints' zone groups write) are returned, read only.
"""

from __future__ import annotations

import re

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import ListByKey, Refusal, norm_ci, norm_id
from ansible_collections.mlops.azure.plugins.module_utils._resource import Field, SdkResource
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, rest_dict

PrivateDnsManagementClient = optional_import(
    "azure.mgmt.privatedns", "PrivateDnsManagementClient", "azure-mgmt-privatedns"
)

ZONE_TYPE = "Microsoft.Network/privateDnsZones"
RESOLUTION_POLICIES = ["Default", "NxDomainRedirect"]

_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")
_LINK_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?")
_VNET_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/?", re.IGNORECASE
)
# Zone names Azure blocks (Microsoft Learn, "What is an Azure Private DNS zone?", Restrictions).
RESERVED_ZONES = frozenset(
    [
        "azclient.ms", "azure.com", "cloudapp.net", "core.windows.net", "microsoft.com", "msidentity.com",
        "trafficmanager.net", "windows.net",
        "azclient.us", "azure.us", "usgovcloudapp.net", "core.usgovcloudapi.net", "microsoft.us", "msidentity.us",
        "usgovtrafficmanager.net", "usgovcloudapi.net",
        "azclient.cn", "azure.cn", "chinacloudapp.cn", "core.chinacloudapi.cn", "microsoft.cn", "msidentity.cn",
        "trafficmanager.cn", "chinacloudapi.cn",
    ]
)  # fmt: skip


def zone_name_problems(name):
    """Azure's rules for a private DNS zone name (Learn: two to 34 labels, no single-label zones, reserved names;
    DNS: labels of 1-63 characters, at most 253 in all)."""
    if not isinstance(name, str) or not name:
        return ["name must be the zone's DNS name, such as privatelink.vaultcore.azure.net"]
    problems = []
    labels = name.rstrip(".").split(".")
    if not 2 <= len(labels) <= 34:
        problems.append(
            f"zone name {name!r} has {len(labels)} label(s); a private DNS zone needs 2 to 34 labels separated by "
            "dots (single-label zones are not supported)"
        )
    if len(name) > 253:
        problems.append(f"zone name {name!r} is {len(name)} characters long; a DNS name has at most 253")
    bad = [label for label in labels if not _LABEL.fullmatch(label)]
    if bad:
        problems.append(
            "zone name {!r} has labels that are not 1-63 letters, digits, hyphens or underscores (not starting or "
            "ending with a hyphen): {}".format(name, ", ".join(repr(label) for label in bad))
        )
    if name.rstrip(".").lower() in RESERVED_ZONES:
        problems.append(f"zone name {name!r} is reserved by Azure and cannot be created")
    return problems


def link_problems(links):
    """Problems with the ``virtual_network_links`` option, before anything is sent."""
    problems = []
    seen = set()
    networks = set()
    for index, link in enumerate(links or []):
        name = link.get("name")
        where = f"virtual_network_links[{index}]"
        if not isinstance(name, str) or not _LINK_NAME.fullmatch(name):
            problems.append(
                f"{where}.name {name!r} must be 1-80 letters, digits, underscores, periods and hyphens, starting with "
                "a letter or digit and ending with a letter, digit or underscore"
            )
        if norm_ci(name) in seen:
            problems.append(f"{where}: the link name {name!r} is listed twice")
        seen.add(norm_ci(name))
        vnet = link.get("virtual_network")
        if not isinstance(vnet, str) or not _VNET_ID.fullmatch(vnet.strip()):
            problems.append(f"{where}.virtual_network {vnet!r} is not a virtual network resource id")
        elif norm_id(vnet) in networks:
            problems.append(
                f"{where}: the virtual network {vnet} is linked twice; Azure links a network to a zone once"
            )
        else:
            networks.add(norm_id(vnet))
    registering = [link for link in links or [] if link.get("registration_enabled")]
    if len(registering) > 100:
        problems.append("more than 100 links with registration_enabled; Azure allows 100 per zone")
    return problems


def link_shape(body):
    props = body.get("properties") or {}
    return {
        "name": body.get("name"),
        "id": body.get("id"),
        "virtual_network": (props.get("virtualNetwork") or {}).get("id"),
        "registration_enabled": bool(props.get("registrationEnabled")),
        "resolution_policy": props.get("resolutionPolicy") or "Default",
        "virtual_network_link_state": props.get("virtualNetworkLinkState"),
        "provisioning_state": props.get("provisioningState"),
        "tags": body.get("tags") or {},
    }


def record_set_shape(body):
    props = body.get("properties") or {}
    return {
        "name": body.get("name"),
        "fqdn": props.get("fqdn"),
        "ttl": props.get("ttl"),
        "ip_addresses": [r.get("ipv4Address") for r in props.get("aRecords") or []],
    }


def link_body(link):
    props = {
        "virtualNetwork": {"id": link["virtual_network"]},
        "registrationEnabled": bool(link.get("registration_enabled")),
    }
    if link.get("resolution_policy"):
        props["resolutionPolicy"] = link["resolution_policy"]
    return {"location": "global", "properties": props}


class PrivateDnsZone(SdkResource):
    kind = "private DNS zone"
    arm_type = ZONE_TYPE
    location_fixed = "A private DNS zone is global."
    sdk_client = PrivateDnsManagementClient
    sdk_operations = "private_zones"
    fields = (
        Field("number_of_record_sets", "properties.numberOfRecordSets", read_only=True),
        Field("number_of_virtual_network_links", "properties.numberOfVirtualNetworkLinks", read_only=True),
        Field(
            "number_of_virtual_network_links_with_registration",
            "properties.numberOfVirtualNetworkLinksWithRegistration",
            read_only=True,
        ),
        Field("max_number_of_record_sets", "properties.maxNumberOfRecordSets", read_only=True),
    )
    link_fixed = (
        "Azure fixes the virtual network of a link when it is created: give the link another name to link another "
        "network (and remove this one, or set purge_virtual_network_links)."
    )

    def __init__(self, module, name, resource_group, append_tags=True, purge_links=False):
        super().__init__(module, name, resource_group, "global", append_tags)
        self.rules["virtual_network_links"] = ListByKey("name", exclusive=purge_links)
        self.rules["virtual_network_links.name"] = norm_ci
        self.rules["virtual_network_links.virtual_network"] = norm_id
        self.rules["virtual_network_links.resolution_policy"] = norm_ci
        self.purge_links = purge_links

    @classmethod
    def desired_from(cls, params):
        desired = super().desired_from(params)
        desired.pop("location", None)
        links = params.get("virtual_network_links")
        if links is not None:
            desired["virtual_network_links"] = [
                dict((k, v) for k, v in link.items() if v is not None) for link in links
            ]
        return desired

    @classmethod
    def shape(cls, body):
        shape = super().shape(body)
        if shape is not None:
            shape.setdefault("virtual_network_links", [])
            shape.setdefault("a_record_sets", [])
        return shape

    def create_location(self, desired):
        return "global"

    # -- the reconcile resource ---------------------------------------------------------------
    def read_children(self, shape):
        """The zone with its virtual network links and A record sets."""
        links = self.client.virtual_network_links
        records = self.client.record_sets
        shape["virtual_network_links"] = self.module.call(
            "read the virtual network links of",
            self.label,
            lambda: [link_shape(rest_dict(x)) for x in links.list(self.resource_group, self.name)],
        )
        shape["a_record_sets"] = self.module.call(
            "read the A record sets of",
            self.label,
            lambda: [record_set_shape(rest_dict(x)) for x in records.list_by_type(self.resource_group, self.name, "A")],
        )
        return shape

    def check(self, desired, current):
        super().check(desired, current)
        if current is None:
            return
        have = dict((norm_ci(link["name"]), link) for link in current.get("virtual_network_links") or [])
        for link in desired.get("virtual_network_links") or []:
            old = have.get(norm_ci(link.get("name")))
            if old is not None and norm_id(old["virtual_network"]) != norm_id(link.get("virtual_network")):
                raise Refusal(
                    "{}: the virtual network of link '{}' cannot be changed from {} to {}. {}".format(
                        self.label,
                        link.get("name"),
                        old["virtual_network"],
                        link.get("virtual_network"),
                        self.link_fixed,
                    )
                )

    def predict_create(self, desired):
        shape = super().predict_create(desired)
        shape["location"] = "global"
        shape["virtual_network_links"] = [
            self._predict_link(link) for link in desired.get("virtual_network_links") or []
        ]
        shape["a_record_sets"] = []
        return shape

    def predict_update(self, desired, current):
        shape = super().predict_update(desired, current)
        shape["virtual_network_links"] = [self._predict_link(link) for link in shape.get("virtual_network_links") or []]
        return shape

    def _predict_link(self, link):
        predicted = {
            "name": link["name"],
            "id": link.get("id") or f"{self.resource_id}/virtualNetworkLinks/{link['name']}",
            "virtual_network": link.get("virtual_network"),
            "registration_enabled": bool(link.get("registration_enabled")),
            "resolution_policy": link.get("resolution_policy") or "Default",
            "virtual_network_link_state": link.get("virtual_network_link_state") or "Completed",
            "provisioning_state": link.get("provisioning_state") or "Succeeded",
            "tags": link.get("tags") or {},
        }
        return predicted

    def create(self, desired):
        super().create(desired)
        for link in desired.get("virtual_network_links") or []:
            self._put_link(link)

    def update(self, desired, current, differences):
        """The kit's PATCH (the tags: every other field is read only), then the links."""
        super().update(desired, current, differences)
        if "virtual_network_links" in differences.top_level():
            self._apply_links(desired.get("virtual_network_links") or [], current.get("virtual_network_links") or [])

    def repair(self, desired, current, differences):
        after = self.predict_update(desired, current)
        self.put(self.body(after), "repair")
        self._apply_links(desired.get("virtual_network_links") or [], current.get("virtual_network_links") or [])

    def _apply_links(self, wanted, current):
        have = dict((norm_ci(link["name"]), link) for link in current)
        for link in wanted:
            old = have.get(norm_ci(link["name"]))
            merged = dict(old or {}, **link)
            same = old is not None and all(
                norm_ci(str(old.get(key))) == norm_ci(str(merged.get(key)))
                for key in ("virtual_network", "registration_enabled", "resolution_policy")
            )
            if not same or (old.get("provisioning_state") or "").casefold() in ("failed", "canceled"):
                self._put_link(merged)
        if self.purge_links:
            listed = set(norm_ci(link["name"]) for link in wanted)
            for link in current:
                if norm_ci(link["name"]) not in listed:
                    self._delete_link(link["name"])

    def _put_link(self, link):
        self.module.wait(
            f"link virtual network {link['virtual_network']} to",
            self.label,
            self.client.virtual_network_links.begin_create_or_update,
            self.resource_group,
            self.name,
            link["name"],
            link_body(link),
        )

    def _delete_link(self, name):
        self.module.wait(
            f"delete virtual network link '{name}' of",
            self.label,
            self.client.virtual_network_links.begin_delete,
            self.resource_group,
            self.name,
            name,
        )

    def delete(self, current):
        for link in current.get("virtual_network_links") or []:
            self._delete_link(link["name"])
        self.remove()
