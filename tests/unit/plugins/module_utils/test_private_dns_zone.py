"""Private DNS zones on the resource kit: global location, links matched by name, the link's fixed network, links
deleted before the zone, and the name checks, against a recording fake of azure-mgmt-privatedns."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._private_dns_zone import (
    PrivateDnsZone,
    link_problems,
    zone_name_problems,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, reconcile
from azure_fakes import FakeModule, NotFound, Poller

SUB = "00000000-0000-0000-0000-000000000001"
ZONE = "privatelink.vaultcore.azure.net"
ZONE_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Network/privateDnsZones/{ZONE}"
VNET = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet"


class Fake:
    """Zones, links and records as the service keeps them, written for this test."""

    def __init__(self, zone=None, links=None):
        self.zone = copy.deepcopy(zone)
        self.links = copy.deepcopy(links or {})
        self.calls = []

    def get(self, group, name):
        if self.zone is None:
            raise NotFound()
        return copy.deepcopy(self.zone)

    def begin_create_or_update(self, group, zone, *rest):
        if rest:  # a link
            name, body = rest
            self.calls.append(("put_link", name, copy.deepcopy(body)))
            self.links[name] = {
                "name": name,
                "id": f"{ZONE_ID}/virtualNetworkLinks/{name}",
                "properties": dict(body["properties"], provisioningState="Succeeded"),
            }
            return Poller(self.links[name])
        (body,) = rest or (None,)
        return Poller(None)

    def begin_delete(self, group, zone, *rest):
        self.calls.append(("delete_link", rest[0]) if rest else ("delete_zone", zone))
        if rest:
            self.links.pop(rest[0])
        else:
            self.zone = None
        return Poller(None)

    def list(self, group, zone):
        return [copy.deepcopy(link) for link in self.links.values()]

    def list_by_type(self, group, zone, record_type):
        return []


class Zones:
    def __init__(self, fake):
        self.fake = fake

    def get(self, group, name):
        return self.fake.get(group, name)

    def begin_create_or_update(self, group, name, body):
        self.fake.calls.append(("put_zone", copy.deepcopy(body)))
        self.fake.zone = dict(
            body, id=ZONE_ID, name=name, location="global", properties={"provisioningState": "Succeeded"}
        )
        return Poller(self.fake.zone)

    def begin_update(self, group, name, body):
        self.fake.calls.append(("patch_zone", copy.deepcopy(body)))
        self.fake.zone["tags"] = body["tags"]
        return Poller(self.fake.zone)

    def begin_delete(self, group, name):
        return self.fake.begin_delete(group, name)


class Client:
    def __init__(self, fake):
        self.private_zones = Zones(fake)
        self.virtual_network_links = fake
        self.record_sets = fake


def zone(fake=None, check_mode=False, purge=False):
    fake = fake or Fake()
    return PrivateDnsZone(FakeModule(Client(fake), check_mode=check_mode), ZONE, "rg1", purge_links=purge), fake


LINKS = [{"name": "link-1", "virtual_network": VNET + "1"}]


def test_create_is_global_with_its_links_and_the_rerun_writes_nothing():
    predicted = reconcile(zone(check_mode=True)[0], {"tags": {"a": "b"}, "virtual_network_links": LINKS})["resource"]
    assert predicted["location"] == "global"
    assert predicted["virtual_network_links"][0]["registration_enabled"] is False

    resource, fake = zone()
    created = reconcile(resource, {"tags": {"a": "b"}, "virtual_network_links": LINKS})["resource"]
    assert fake.calls[0] == ("put_zone", {"location": "global", "tags": {"a": "b"}})
    assert fake.calls[1] == (
        "put_link",
        "link-1",
        {"location": "global", "properties": {"virtualNetwork": {"id": VNET + "1"}, "registrationEnabled": False}},
    )
    assert created["virtual_network_links"][0]["virtual_network"] == VNET + "1"
    again, fake = zone(Fake(fake.zone, fake.links))
    assert not reconcile(again, {"tags": {"a": "b"}, "virtual_network_links": LINKS})["changed"]
    assert fake.calls == []


def test_a_link_keeps_its_network_and_purge_removes_unlisted_links():
    resource, fake = zone()
    reconcile(resource, {"virtual_network_links": LINKS})
    moved, fake = zone(Fake(fake.zone, fake.links))
    with pytest.raises(Refusal, match="virtual network of link 'link-1' cannot be changed"):
        reconcile(moved, {"virtual_network_links": [{"name": "link-1", "virtual_network": VNET + "2"}]})
    assert fake.calls == []
    purged, fake = zone(Fake(fake.zone, fake.links), purge=True)
    reconcile(purged, {"virtual_network_links": [{"name": "link-2", "virtual_network": VNET + "2"}]})
    assert [call[:2] for call in fake.calls] == [("put_link", "link-2"), ("delete_link", "link-1")]


def test_absent_deletes_the_links_before_the_zone():
    resource, fake = zone()
    reconcile(resource, {"virtual_network_links": LINKS})
    gone, fake = zone(Fake(fake.zone, fake.links))
    assert reconcile(gone, {}, state="absent")["changed"]
    assert fake.calls == [("delete_link", "link-1"), ("delete_zone", ZONE)]


def test_name_and_link_checks():
    assert zone_name_problems(ZONE) == []
    assert "single-label" in zone_name_problems("contoso")[0]
    assert "reserved" in " ".join(zone_name_problems("core.windows.net"))
    assert zone_name_problems(".".join(["a"] * 35))
    assert zone_name_problems("bad_-.-x.com")
    problems = " | ".join(
        link_problems(
            [
                {"name": "l1", "virtual_network": VNET + "1"},
                {"name": "l1", "virtual_network": VNET + "1"},
                {"name": "-bad", "virtual_network": "vnet"},
            ]
        )
    )
    assert "listed twice" in problems and "linked twice" in problems
    assert "'-bad' must be" in problems and "is not a virtual network resource id" in problems
