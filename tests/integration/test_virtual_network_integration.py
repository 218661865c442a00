"""mlops.azure.virtual_network against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-vnet"
VNET = "vnet-it-mlops"
LOCATION = "westeurope"


def network(**args):
    return {"mlops.azure.virtual_network": dict({"name": VNET, "resource_group": RG}, **args)}


@pytest.fixture
def vnet_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def held(emulator, name=VNET):
    return emulator.client(NetworkManagementClient).virtual_networks.get(RG, name)


def endpoints(vnet):
    return {s.name: sorted(e.service for e in s.service_endpoints or []) for s in vnet.subnets}


def test_four_steps(play, vnet_env):
    args = {
        "location": LOCATION,
        "address_prefixes": ["10.20.0.0/16"],
        "subnets": [
            {
                "name": "snet-compute",
                "address_prefix": "10.20.1.0/24",
                "service_endpoints": ["Microsoft.KeyVault", "Microsoft.Storage"],
            },
            {"name": "snet-data", "address_prefix": "10.20.2.0/24"},
        ],
        "tags": {"env": "dev"},
    }
    same = dict(
        args,
        location="West Europe",
        subnets=[
            {"name": "SNET-DATA", "address_prefix": "10.20.2.0/24"},
            {
                "name": "snet-compute",
                "address_prefix": "10.20.1.0/24",
                "service_endpoints": ["microsoft.storage", "microsoft.keyvault"],
            },
        ],
    )
    check, real, check_again, real_again = play(
        [
            dict(network(**args), check_mode=True),
            network(**args),
            dict(network(**same), check_mode=True),
            CLEAR_REQUESTS,
            network(**same),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    created = real["virtual_network"]
    predicted = check["virtual_network"]
    for key in set(created) - {"provisioning_state"}:
        assert predicted[key] == created[key], key
    vnet_id = created["id"]
    assert created["subnet_ids"] == {
        "snet-compute": f"{vnet_id}/subnets/snet-compute",
        "snet-data": f"{vnet_id}/subnets/snet-data",
    }
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(vnet_env.requests()) == [], "the idempotent real run sends no write"

    vnet = held(vnet_env)
    assert vnet.address_space.address_prefixes == ["10.20.0.0/16"] and vnet.tags == {"env": "dev"}
    assert endpoints(vnet) == {"snet-compute": ["Microsoft.KeyVault", "Microsoft.Storage"], "snet-data": []}
    assert {s.name: s.address_prefix for s in vnet.subnets} == {
        "snet-compute": "10.20.1.0/24",
        "snet-data": "10.20.2.0/24",
    }


def test_updates_of_each_setting(play, vnet_env):
    base = [{"name": "snet-a", "address_prefix": "10.30.1.0/24"}]
    steps = [
        (
            {"address_prefixes": ["10.30.0.0/16", "10.31.0.0/16"]},
            lambda v: sorted(v.address_space.address_prefixes) == ["10.30.0.0/16", "10.31.0.0/16"],
        ),
        (
            {
                "subnets": [
                    {"name": "snet-a", "address_prefix": "10.30.1.0/24", "service_endpoints": ["Microsoft.KeyVault"]}
                ]
            },
            lambda v: endpoints(v)["snet-a"] == ["Microsoft.KeyVault"],
        ),
        (
            {
                "subnets": [
                    {"name": "snet-b", "address_prefix": "10.31.1.0/24", "service_endpoints": ["Microsoft.Storage"]}
                ]
            },
            lambda v: endpoints(v) == {"snet-a": ["Microsoft.KeyVault"], "snet-b": ["Microsoft.Storage"]},
        ),
        (
            {"subnets": [{"name": "snet-a", "address_prefix": "10.30.2.0/24", "service_endpoints": []}]},
            lambda v: (
                {s.name: s.address_prefix for s in v.subnets}["snet-a"] == "10.30.2.0/24"
                and endpoints(v)["snet-a"] == []
            ),
        ),
        ({"tags": {"a": "1"}}, lambda v: v.tags == {"env": "dev", "a": "1"}),
        ({"tags": {"b": "2"}, "append_tags": False}, lambda v: v.tags == {"b": "2"}),
        (
            {"subnets": [{"name": "snet-b", "address_prefix": "10.31.1.0/24"}], "purge_subnets": True},
            lambda v: [s.name for s in v.subnets] == ["snet-b"] and endpoints(v)["snet-b"] == ["Microsoft.Storage"],
        ),
        ({"address_prefixes": ["10.31.0.0/16"]}, lambda v: v.address_space.address_prefixes == ["10.31.0.0/16"]),
    ]
    tasks = [network(location=LOCATION, address_prefixes=["10.30.0.0/16"], subnets=base, tags={"env": "dev"})]
    for change, _held in steps:
        tasks.append(dict(network(**change), check_mode=True))
        tasks.append(network(**change))
    results = play(tasks)
    assert results[0]["changed"]
    previous = results[0]["virtual_network"]
    for (change, _held), check, real in zip(steps, results[1::2], results[2::2]):
        assert check["changed"] and real["changed"], (change, check, real)
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["virtual_network"] == real["diff"]["after"], change
        previous = real["virtual_network"]
    assert steps[-1][1](held(vnet_env))


def test_each_update_lands_and_tags_are_a_patch(play, vnet_env):
    play([network(location=LOCATION, address_prefixes=["10.40.0.0/16"])])
    for change, expect in [
        (
            {
                "subnets": [
                    {"name": "snet-a", "address_prefix": "10.40.1.0/24", "service_endpoints": ["Microsoft.KeyVault"]}
                ]
            },
            lambda v: endpoints(v) == {"snet-a": ["Microsoft.KeyVault"]},
        ),
        ({"address_prefixes": ["10.40.0.0/16", "10.41.0.0/16"]}, lambda v: len(v.address_space.address_prefixes) == 2),
    ]:
        (result,) = play([network(**change)])
        assert result["changed"] and expect(held(vnet_env)), change
    vnet_env.clear_requests()
    (tagged,) = play([network(tags={"a": "1"})])
    assert tagged["changed"] and [w.split()[0] for w in writes(vnet_env.requests())] == ["PATCH"]
    assert held(vnet_env).tags == {"a": "1"}


def test_unlisted_subnets_are_left_alone(play, vnet_env):
    play(
        [
            network(
                location=LOCATION,
                address_prefixes=["10.50.0.0/16"],
                subnets=[{"name": "snet-a", "address_prefix": "10.50.1.0/24"}],
            )
        ]
    )
    client = vnet_env.client(NetworkManagementClient)
    client.subnets.begin_create_or_update(
        RG,
        VNET,
        "snet-other",
        {"properties": {"addressPrefix": "10.50.9.0/24", "serviceEndpoints": [{"service": "Microsoft.Sql"}]}},
    ).result()
    (result,) = play(
        [
            network(
                subnets=[
                    {"name": "snet-a", "address_prefix": "10.50.1.0/24", "service_endpoints": ["Microsoft.Storage"]}
                ]
            )
        ]
    )
    assert result["changed"]
    vnet = held(vnet_env)
    assert endpoints(vnet) == {"snet-a": ["Microsoft.Storage"], "snet-other": ["Microsoft.Sql"]}
    assert {s.name: s.address_prefix for s in vnet.subnets}["snet-other"] == "10.50.9.0/24"
    assert sorted(result["virtual_network"]["subnet_ids"]) == ["snet-a", "snet-other"]


def test_subnet_ids_feed_a_key_vault_firewall(play, vnet_env):
    vnet, vault = play(
        [
            network(
                location=LOCATION,
                address_prefixes=["10.60.0.0/16"],
                subnets=[
                    {
                        "name": "snet-compute",
                        "address_prefix": "10.60.1.0/24",
                        "service_endpoints": ["Microsoft.KeyVault"],
                    }
                ],
            ),
            {
                "mlops.azure.key_vault": {
                    "name": "kv-it-vnet-01",
                    "resource_group": RG,
                    "location": LOCATION,
                    "network_acls": {
                        "default_action": "Deny",
                        "virtual_network_rules": [{"id": "{{ r0.virtual_network.subnet_ids['snet-compute'] }}"}],
                    },
                }
            },
        ]
    )
    assert vnet["changed"] and vault["changed"] and not vault.get("failed"), vault
    rules = vault["key_vault"]["network_acls"]["virtual_network_rules"]
    assert [r["id"].lower() for r in rules] == [vnet["virtual_network"]["subnet_ids"]["snet-compute"].lower()]


def test_refusals_happen_before_any_write(play, vnet_env):
    play(
        [
            network(
                location=LOCATION,
                address_prefixes=["10.70.0.0/16"],
                subnets=[{"name": "snet-a", "address_prefix": "10.70.1.0/24"}],
            )
        ]
    )
    vnet_env.clear_requests()
    results = play(
        [
            network(location="northeurope"),
            network(subnets=[{"name": "snet-out", "address_prefix": "10.99.1.0/24"}]),
            network(subnets=[{"name": "snet-b", "address_prefix": "10.70.1.128/25"}]),
            network(address_prefixes=["10.71.0.0/16"]),
            {"mlops.azure.virtual_network": {"name": "vnet-it-new", "resource_group": RG, "subnets": []}},
        ]
    )
    moved, outside, overlap, shrink, no_space = results
    assert "location cannot be changed" in moved["msg"]
    assert "snet-out (10.99.1.0/24) is not inside the address space" in outside["msg"]
    assert "snet-a (10.70.1.0/24) and snet-b (10.70.1.128/25) overlap" in overlap["msg"]
    assert "snet-a (10.70.1.0/24) is not inside the address space (10.71.0.0/16)" in shrink["msg"]
    assert "set address_prefixes" in no_space["msg"]
    for result in results:
        assert result["failed"] and result.get("refused") is True, result
    assert "virtual network 'vnet-it-mlops' in resource group 'rg-it-vnet'" in moved["msg"]
    assert writes(vnet_env.requests()) == []


def test_bad_input_fails_before_calling(play, vnet_env):
    results = play(
        [
            network(address_prefixes=["10.0.0.1/16"]),
            network(address_prefixes=["10.0.0.0"]),
            network(
                address_prefixes=["10.0.0.0/16"],
                subnets=[
                    {"name": "a", "address_prefix": "10.0.1.0/24"},
                    {"name": "A", "address_prefix": "10.0.2.0/24"},
                ],
            ),
            network(address_prefixes=["10.0.0.0/16"], subnets=[{"name": "bad name", "address_prefix": "10.0.1.0/24"}]),
            {"mlops.azure.virtual_network": {"name": "v", "resource_group": RG, "address_prefixes": ["10.0.0.0/16"]}},
        ]
    )
    host_bits, no_length, twice, bad_subnet, bad_name = results
    assert "10.0.0.1/16" in host_bits["msg"] and "CIDR" in host_bits["msg"]
    assert "'10.0.0.0'" in no_length["msg"]
    assert "twice" in twice["msg"]
    assert "bad name" in bad_subnet["msg"]
    assert "2-64" in bad_name["msg"] or "'v'" in bad_name["msg"]
    for result in results:
        assert result["failed"]
    assert vnet_env.requests() == []


def test_removal(play, vnet_env):
    created, check, removed, removed_again = play(
        [
            network(
                location=LOCATION,
                address_prefixes=["10.80.0.0/16"],
                subnets=[{"name": "snet-a", "address_prefix": "10.80.1.0/24"}],
            ),
            dict(network(state="absent"), check_mode=True),
            network(state="absent"),
            network(state="absent"),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == created["virtual_network"] and check["diff"]["after"] == {}
    assert removed["changed"] and removed["virtual_network"] is None and not removed_again["changed"]
    with pytest.raises(ResourceNotFoundError):
        held(vnet_env)


def test_info_reads_one_a_group_or_none(play, vnet_env):
    args = {
        "location": LOCATION,
        "address_prefixes": ["10.30.0.0/16"],
        "subnets": [{"name": "snet-a", "address_prefix": "10.30.1.0/24", "service_endpoints": ["Microsoft.Storage"]}],
    }
    _created, one, in_group, missing, everything = play(
        [
            network(**args),
            {"mlops.azure.virtual_network_info": {"name": VNET, "resource_group": RG}},
            {"mlops.azure.virtual_network_info": {"resource_group": RG}},
            {"mlops.azure.virtual_network_info": {"name": "vnet-none", "resource_group": RG}},
            {"mlops.azure.virtual_network_info": {}},
        ]
    )
    assert not one["changed"]
    (found,) = one["virtual_networks"]
    assert found["id"].lower() == held(vnet_env).id.lower()
    assert found["subnets"][0]["service_endpoints"] == ["Microsoft.Storage"]
    assert [n["name"] for n in in_group["virtual_networks"]] == [VNET]
    assert missing["virtual_networks"] == []
    assert VNET in [n["name"] for n in everything["virtual_networks"]]
