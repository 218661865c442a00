"""mlops.azure.private_endpoint and private_endpoint_info against the ARM emulator, through ansible-playbook: the
endpoint to a vault with its zone group, the refusals before any write, and the delete with the connection leaving
the vault and the record leaving the zone."""

from __future__ import annotations

import pytest
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-pep"
LOCATION = "westeurope"
KV_ZONE = "privatelink.vaultcore.azure.net"


@pytest.fixture
def pe_env(clean_emulator):
    """A network with an endpoint subnet and a delegated one, a vault, a Standard registry and the vault's zone."""
    env = clean_emulator
    env.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    subnets = [
        {"name": "snet-pe", "properties": {"addressPrefix": "10.30.1.0/24"}},
        {"name": "snet-pe2", "properties": {"addressPrefix": "10.30.3.0/24"}},
        {
            "name": "snet-web",
            "properties": {
                "addressPrefix": "10.30.2.0/24",
                "delegations": [{"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}],
            },
        },
    ]
    body = {
        "location": LOCATION,
        "properties": {"addressSpace": {"addressPrefixes": ["10.30.0.0/16"]}, "subnets": subnets},
    }
    vnet = env.client(NetworkManagementClient).virtual_networks.begin_create_or_update(RG, "vnet-pe", body).result()
    env.subnet = {s.name: s.id for s in vnet.subnets}
    vault = {"tenantId": env.env["AZURE_TENANT"], "sku": {"family": "A", "name": "standard"}, "accessPolicies": []}
    kv = env.client(KeyVaultManagementClient).vaults
    env.vault = kv.begin_create_or_update(RG, "kv-it-pep-01", {"location": LOCATION, "properties": vault}).result().id
    acr = env.client(ContainerRegistryManagementClient).registries
    env.registry = acr.begin_create(RG, "critpepstd", {"location": LOCATION, "sku": {"name": "Standard"}}).result().id
    env.zone = (
        env.client(PrivateDnsManagementClient)
        .private_zones.begin_create_or_update(RG, KV_ZONE, {"location": "global"}, polling_interval=0)
        .result()
        .id
    )
    env.clear_requests()
    return env


def pep(env, **args):
    base = {
        "name": "pep-kv-it",
        "resource_group": RG,
        "subnet": env.subnet["snet-pe"],
        "private_link_service_id": env.vault,
        "group_ids": ["vault"],
    }
    return {"mlops.azure.private_endpoint": dict(base, **args)}


def vault_connections(env):
    return env.client(KeyVaultManagementClient).vaults.get(RG, "kv-it-pep-01").properties.private_endpoint_connections


def test_four_steps_zone_group_then_info(play, pe_env):
    args = {"private_dns_zone_group": {"private_dns_zone_ids": [pe_env.zone]}, "tags": {"env": "prod"}}
    check, real, check_again, real_again, one, listed = play(
        [
            dict(pep(pe_env, **args), check_mode=True),
            pep(pe_env, **args),
            dict(pep(pe_env, **args), check_mode=True),
            CLEAR_REQUESTS,
            pep(pe_env, **args),
            {"mlops.azure.private_endpoint_info": {"name": "pep-kv-it", "resource_group": RG}},
            {"mlops.azure.private_endpoint_info": {"resource_group": RG}},
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}, check.get("msg")
    assert real["changed"] and not real.get("failed"), real.get("msg")
    created = real["private_endpoint"]
    assert created["connection_state"] == "Approved" and created["provisioning_state"] == "Succeeded"
    assert created["location"] == LOCATION, "the resource group's location by default"
    assert created["private_ip_addresses"] == ["10.30.1.4"]
    assert created["custom_dns_configs"] == [{"fqdn": "kv-it-pep-01.vault.azure.net", "ip_addresses": ["10.30.1.4"]}]
    group = created["private_dns_zone_group"]
    assert group["name"] == "default" and group["private_dns_zone_ids"] == [pe_env.zone]
    assert group["record_sets"] == [
        {"zone": KV_ZONE, "name": "kv-it-pep-01", "fqdn": f"kv-it-pep-01.{KV_ZONE}", "ip_addresses": ["10.30.1.4"]}
    ]
    for key in ("id", "subnet", "private_link_service_id", "group_ids", "connection_name", "tags"):
        assert check["private_endpoint"][key] == created[key], key
    assert not check_again["changed"] and check_again["diff"]["before"] == check_again["diff"]["after"]
    assert not real_again["changed"], real_again.get("msg")
    assert writes(pe_env.requests()) == [], "the idempotent run sends no write"
    assert one["private_endpoints"] == [created]
    assert [p["name"] for p in listed["private_endpoints"]] == ["pep-kv-it"]
    (connection,) = vault_connections(pe_env)
    assert connection.private_endpoint.id == created["id"]


def test_refusals_before_any_write(play, pe_env):
    play([pep(pe_env)])
    pe_env.clear_requests()
    moved, retarget, wrong_group, two_groups, bad_subnet, delegated, standard = play(
        [
            pep(pe_env, subnet=pe_env.subnet["snet-pe2"]),
            pep(pe_env, group_ids=["blob"], private_link_service_id=pe_env.vault.replace("kv-it-pep-01", "kv2")),
            pep(pe_env, name="pep-new", group_ids=["blob"]),
            pep(pe_env, name="pep-new", group_ids=["vault", "vault"]),
            pep(pe_env, name="pep-new", subnet="snet-pe"),
            pep(pe_env, name="pep-web", subnet=pe_env.subnet["snet-web"]),
            pep(pe_env, name="pep-cr", private_link_service_id=pe_env.registry, group_ids=["registry"]),
        ]
    )
    assert moved["failed"] and moved.get("refused") and "subnet cannot be changed" in moved["msg"]
    assert "fixes its subnet" in moved["msg"]
    assert retarget["failed"] and "nothing was sent" in retarget["msg"], retarget["msg"]
    assert wrong_group["failed"] and "not served by a microsoft.keyvault/vaults" in wrong_group["msg"]
    assert two_groups["failed"] and "exactly one group id" in two_groups["msg"]
    assert bad_subnet["failed"] and "is not a subnet resource id" in bad_subnet["msg"]
    assert [w for w in writes(pe_env.requests()) if "pep-kv-it" in w or "pep-new" in w] == []
    # what only Azure knows: a delegated subnet, a registry that is not Premium
    assert delegated["failed"] and "PrivateEndpointCreationNotAllowedAsSubnetIsDelegated" in delegated["msg"]
    assert standard["failed"] and "Premium" in standard["msg"]


def test_zone_group_removed_then_endpoint_deleted(play, pe_env):
    args = {"private_dns_zone_group": {"private_dns_zone_ids": [pe_env.zone]}}
    created, no_group, deleted, deleted_again = play(
        [
            pep(pe_env, **args),
            pep(pe_env, private_dns_zone_group={"private_dns_zone_ids": []}),
            {"mlops.azure.private_endpoint": {"name": "pep-kv-it", "resource_group": RG, "state": "absent"}},
            {"mlops.azure.private_endpoint": {"name": "pep-kv-it", "resource_group": RG, "state": "absent"}},
        ]
    )
    assert created["changed"] and created["private_endpoint"]["private_dns_zone_group"]["record_sets"]
    assert no_group["changed"] and no_group["private_endpoint"]["private_dns_zone_group"] is None
    dns = pe_env.client(PrivateDnsManagementClient)
    assert [r.name for r in dns.record_sets.list_by_type(RG, KV_ZONE, "A")] == [], "the record left with the group"
    assert deleted["changed"] and not deleted.get("failed"), deleted.get("msg")
    assert not deleted_again["changed"]
    assert vault_connections(pe_env) in (None, []), "the connection left the vault with the endpoint"
