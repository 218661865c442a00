"""Key Vault and storage firewall rules that name subnets, against the emulator's virtual networks."""

from __future__ import annotations

import pytest
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-net"
LOCATION = "westeurope"


@pytest.fixture
def subnets(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    network = clean_emulator.client(NetworkManagementClient)
    network.virtual_networks.begin_create_or_update(
        RG,
        "vnet-it",
        {
            "location": LOCATION,
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                "subnets": [
                    {
                        "name": "snet-kv",
                        "properties": {
                            "addressPrefix": "10.10.1.0/24",
                            "serviceEndpoints": [{"service": "Microsoft.KeyVault"}, {"service": "Microsoft.Storage"}],
                        },
                    },
                    {"name": "snet-plain", "properties": {"addressPrefix": "10.10.2.0/24"}},
                ],
            },
        },
    ).result()
    base = f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{RG}/providers/Microsoft.Network"
    clean_emulator.clear_requests()
    return {
        "with_endpoints": f"{base}/virtualNetworks/vnet-it/subnets/snet-kv",
        "plain": f"{base}/virtualNetworks/vnet-it/subnets/snet-plain",
    }


def vault(**args):
    return {"mlops.azure.key_vault": dict({"name": "kv-it-net-01", "resource_group": RG, "location": LOCATION}, **args)}


def account(**args):
    return {
        "mlops.azure.storage_account": dict({"name": "stitnet01", "resource_group": RG, "location": LOCATION}, **args)
    }


def test_key_vault_subnet_rules(play, subnets, clean_emulator):
    good = subnets["with_endpoints"]
    plain = subnets["plain"]
    acls = {"default_action": "Deny", "virtual_network_rules": [{"id": good}]}
    created, refused, ignored, again = play(
        [
            vault(network_acls=acls),
            vault(network_acls={"virtual_network_rules": [{"id": good}, {"id": plain}]}),
            vault(
                network_acls={
                    "virtual_network_rules": [{"id": good}, {"id": plain, "ignore_missing_vnet_service_endpoint": True}]
                }
            ),
            CLEAR_REQUESTS,
            vault(network_acls={"virtual_network_rules": [{"id": plain}, {"id": good.lower()}]}),
        ]
    )
    assert created["changed"]
    assert created["key_vault"]["network_acls"]["virtual_network_rules"] == [{"id": good}]
    assert refused["failed"] and "VirtualNetworkNotValid" in refused["msg"]
    assert "service endpoint" in refused["msg"] and "ignore_missing_vnet_service_endpoint" in refused["msg"]
    assert ignored["changed"]
    assert not again["changed"], "subnet ids compare case-insensitively and as a set"
    assert writes(clean_emulator.requests()) == []
    rules = clean_emulator.client(KeyVaultManagementClient).vaults.get(RG, "kv-it-net-01").properties.network_acls
    assert sorted(r.id.lower() for r in rules.virtual_network_rules) == sorted([good.lower(), plain.lower()])


def test_storage_subnet_rules(play, subnets, clean_emulator):
    good = subnets["with_endpoints"]
    created, refused, again, removed = play(
        [
            account(network_acls={"default_action": "Deny", "virtual_network_rules": [{"id": good}]}),
            account(network_acls={"virtual_network_rules": [{"id": good}, {"id": subnets["plain"]}]}),
            account(network_acls={"virtual_network_rules": [{"id": good.lower()}]}),
            account(network_acls={"virtual_network_rules": []}),
        ]
    )
    assert created["changed"] and created["storage_account"]["network_acls"]["virtual_network_rules"] == [{"id": good}]
    assert refused["failed"] and "NetworkAclsValidationFailure" in refused["msg"]
    assert "Microsoft.Storage service endpoint" in refused["msg"]
    assert not again["changed"]
    assert removed["changed"] and removed["storage_account"]["network_acls"]["virtual_network_rules"] == []
    props = clean_emulator.client(StorageManagementClient).storage_accounts.get_properties(RG, "stitnet01")
    assert props.network_rule_set.virtual_network_rules == [] or not props.network_rule_set.virtual_network_rules
