"""mlops.azure.private_dns_zone and private_dns_zone_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-dns"
ZONE = "privatelink.vaultcore.azure.net"
LOCATION = "westeurope"


@pytest.fixture
def dns_env(clean_emulator):
    env = clean_emulator
    env.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    net = env.client(NetworkManagementClient)
    env.vnets = []
    for index in (1, 2):
        body = {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": [f"10.{index}.0.0/16"]}}}
        env.vnets.append(net.virtual_networks.begin_create_or_update(RG, f"vnet-{index}", body).result().id)
    env.clear_requests()
    return env


def zone(**args):
    return {"mlops.azure.private_dns_zone": dict({"name": ZONE, "resource_group": RG}, **args)}


def test_four_steps_links_then_info(play, dns_env):
    links = [{"name": "link-1", "virtual_network": dns_env.vnets[0]}]
    args = {"virtual_network_links": links, "tags": {"env": "prod"}}
    check, real, check_again, real_again, one, missing = play(
        [
            dict(zone(**args), check_mode=True),
            zone(**args),
            dict(zone(**args), check_mode=True),
            CLEAR_REQUESTS,
            zone(**args),
            {"mlops.azure.private_dns_zone_info": {"name": ZONE, "resource_group": RG}},
            {"mlops.azure.private_dns_zone_info": {"name": "none.example.com", "resource_group": RG}},
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}, check.get("msg")
    assert real["changed"] and not real.get("failed"), real.get("msg")
    created = real["private_dns_zone"]
    assert created["location"] == "global" and created["provisioning_state"] == "Succeeded"
    (link,) = created["virtual_network_links"]
    assert link["virtual_network"] == dns_env.vnets[0] and link["registration_enabled"] is False
    for key in ("id", "name", "location", "tags", "virtual_network_links"):
        assert check["private_dns_zone"][key] == created[key], key
    assert not check_again["changed"] and check_again["diff"]["before"] == check_again["diff"]["after"]
    assert not real_again["changed"], real_again.get("msg")
    assert writes(dns_env.requests()) == [], "the idempotent run sends no write"
    assert one["private_dns_zones"] == [created]
    assert missing["private_dns_zones"] == []


def test_link_changes_refusals_and_delete(play, dns_env):
    first = [{"name": "link-1", "virtual_network": dns_env.vnets[0]}]
    play([zone(virtual_network_links=first)])
    dns_env.clear_requests()
    moved, bad_name, single, added, purged, gone, gone_again = play(
        [
            zone(virtual_network_links=[{"name": "link-1", "virtual_network": dns_env.vnets[1]}]),
            zone(name="core.windows.net"),
            zone(name="contoso"),
            zone(virtual_network_links=[{"name": "link-2", "virtual_network": dns_env.vnets[1]}]),
            zone(
                virtual_network_links=[{"name": "link-2", "virtual_network": dns_env.vnets[1]}],
                purge_virtual_network_links=True,
            ),
            zone(state="absent"),
            zone(state="absent"),
        ]
    )
    assert moved["failed"] and "cannot be changed" in moved["msg"] and moved.get("refused")
    assert bad_name["failed"] and "reserved" in bad_name["msg"]
    assert single["failed"] and "single-label" in single["msg"]
    assert added["changed"], added.get("msg")
    assert [lk["name"] for lk in added["private_dns_zone"]["virtual_network_links"]] == ["link-1", "link-2"]
    assert [lk["name"] for lk in purged["private_dns_zone"]["virtual_network_links"]] == ["link-2"]
    assert gone["changed"] and not gone.get("failed"), gone.get("msg")
    assert not gone_again["changed"]
    verbs = [w.split(" ")[0] + " " + w.split("/")[-1].split(" ")[0] for w in writes(dns_env.requests())]
    assert verbs == [
        "PUT link-2",
        "DELETE link-1",
        "DELETE link-2",
        "DELETE " + ZONE,
    ], "nothing sent for the refusals; links go before the zone"
