"""Private DNS zones, their virtual network links and record sets, driven through azure-mgmt-privatedns."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from emulator_helpers import LOCATION

ZONE = "privatelink.vaultcore.azure.net"


@pytest.fixture
def dns(clean_emulator):
    return clean_emulator.client(PrivateDnsManagementClient)


@pytest.fixture
def vnets(clean_emulator, group):
    net = clean_emulator.client(NetworkManagementClient)
    ids = []
    for index in (1, 2):
        body = {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": [f"10.{index}.0.0/16"]}}}
        ids.append(net.virtual_networks.begin_create_or_update(group, f"vnet-{index}", body).result().id)
    return ids


def link(vnet_id, registration=False):
    return {
        "location": "global",
        "properties": {"virtualNetwork": {"id": vnet_id}, "registrationEnabled": registration},
    }


def test_zone_lifecycle_is_long_running_and_global(clean_emulator, dns, group):
    zone = dns.private_zones.begin_create_or_update(
        group, ZONE, {"location": "Global", "tags": {"a": "b"}}, polling_interval=0
    ).result()
    put = next(r for r in clean_emulator.requests() if r["method"] == "PUT" and "privateDnsZones" in r["path"])
    assert put["status"] == 202
    assert any("/privateDnsOperationStatuses/" in r["path"] for r in clean_emulator.requests())
    assert (zone.location, zone.provisioning_state, zone.tags) == ("global", "Succeeded", {"a": "b"})
    assert zone.number_of_record_sets == 1 and zone.number_of_virtual_network_links == 0
    assert zone.max_number_of_virtual_network_links_with_registration == 100
    soa = dns.record_sets.get(group, ZONE, "SOA", "@")
    assert soa.fqdn == ZONE + "." and soa.soa_record.host == "azureprivatedns.net"
    assert [z.name for z in dns.private_zones.list_by_resource_group(group)] == [ZONE]
    assert [z.name for z in dns.private_zones.list()] == [ZONE]

    patched = dns.private_zones.begin_update(group, ZONE, {"tags": {"c": "d"}}, polling_interval=0).result()
    assert patched.tags == {"c": "d"}

    clean_emulator.clear_requests()
    dns.private_zones.begin_delete(group, ZONE, polling_interval=0).result()
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [202]
    with pytest.raises(ResourceNotFoundError):
        dns.private_zones.get(group, ZONE)
    dns.private_zones.begin_delete(group, ZONE, polling_interval=0).result()  # nothing left: 204


@pytest.mark.parametrize(
    "name, location, code",
    [
        ("contoso", "global", "BadRequest"),  # a single label
        (".".join(["a"] * 35), "global", "BadRequest"),  # 35 labels
        ("bad..zone.com", "global", "BadRequest"),
        ("core.windows.net", "global", "BadRequest"),  # reserved
        ("contoso.com", "westeurope", "LocationNotAvailableForResourceType"),
    ],
)
def test_zone_refusals(dns, group, name, location, code):
    with pytest.raises(HttpResponseError) as info:
        dns.private_zones.begin_create_or_update(group, name, {"location": location}).result()
    assert info.value.status_code == 400 and info.value.error.code == code


def test_links(clean_emulator, dns, group, vnets):
    dns.private_zones.begin_create_or_update(group, ZONE, {"location": "global"}, polling_interval=0).result()
    dns.private_zones.begin_create_or_update(
        group, "example.internal", {"location": "global"}, polling_interval=0
    ).result()
    created = dns.virtual_network_links.begin_create_or_update(
        group, ZONE, "link-1", link(vnets[0]), polling_interval=0
    ).result()
    assert created.virtual_network.id == vnets[0]
    assert (created.registration_enabled, created.virtual_network_link_state) == (False, "Completed")
    assert created.provisioning_state == "Succeeded" and created.resolution_policy == "Default"
    assert dns.private_zones.get(group, ZONE).number_of_virtual_network_links == 1

    # the same network twice in a zone, another network under an existing link, a missing network
    with pytest.raises(HttpResponseError) as info:
        dns.virtual_network_links.begin_create_or_update(group, ZONE, "link-dup", link(vnets[0])).result()
    assert info.value.status_code == 409
    with pytest.raises(HttpResponseError) as info:
        dns.virtual_network_links.begin_create_or_update(group, ZONE, "link-1", link(vnets[1])).result()
    assert "cannot be changed" in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        dns.virtual_network_links.begin_create_or_update(group, ZONE, "link-x", link(vnets[1] + "x")).result()
    assert "was not found" in info.value.error.message

    # a network registers in one zone at most
    dns.virtual_network_links.begin_create_or_update(
        group, "example.internal", "reg", link(vnets[1], registration=True), polling_interval=0
    ).result()
    with pytest.raises(HttpResponseError) as info:
        dns.virtual_network_links.begin_create_or_update(group, ZONE, "link-2", link(vnets[1], True)).result()
    assert "one private DNS zone at most" in info.value.error.message

    updated = dns.virtual_network_links.begin_update(
        group, ZONE, "link-1", {"tags": {"x": "y"}}, polling_interval=0
    ).result()
    assert updated.tags == {"x": "y"}
    assert [lk.name for lk in dns.virtual_network_links.list(group, ZONE)] == ["link-1"]

    # a zone with links cannot go; without them it can
    with pytest.raises(HttpResponseError) as info:
        dns.private_zones.begin_delete(group, ZONE).result()
    assert info.value.status_code == 409
    dns.virtual_network_links.begin_delete(group, ZONE, "link-1", polling_interval=0).result()
    with pytest.raises(ResourceNotFoundError):
        dns.virtual_network_links.get(group, ZONE, "link-1")
    dns.private_zones.begin_delete(group, ZONE, polling_interval=0).result()


def test_a_record_sets(dns, group):
    dns.private_zones.begin_create_or_update(group, ZONE, {"location": "global"}, polling_interval=0).result()
    body = {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.0.4"}]}}
    created = dns.record_sets.create_or_update(group, ZONE, "A", "kv1", body)
    assert created.fqdn == f"kv1.{ZONE}." and created.a_records[0].ipv4_address == "10.0.0.4"
    assert [r.name for r in dns.record_sets.list_by_type(group, ZONE, "A")] == ["kv1"]
    assert sorted(r.name for r in dns.record_sets.list(group, ZONE)) == ["@", "kv1"]
    dns.record_sets.delete(group, ZONE, "A", "kv1")
    with pytest.raises(ResourceNotFoundError):
        dns.record_sets.get(group, ZONE, "A", "kv1")
