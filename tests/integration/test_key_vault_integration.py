"""mlops.azure.key_vault and key_vault_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-kv"
KV = "kv-it-mlops-01"
LOCATION = "westeurope"


def vault(**args):
    return {"mlops.azure.key_vault": dict({"name": KV, "resource_group": RG}, **args)}


@pytest.fixture
def kv_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def held(emulator, name=KV):
    return emulator.client(KeyVaultManagementClient).vaults.get(RG, name)


def test_four_steps(play, kv_env):
    args = {
        "location": LOCATION,
        "soft_delete_retention_in_days": 7,
        "network_acls": {
            "default_action": "Deny",
            "bypass": "AzureServices",
            "ip_rules": ["203.0.113.10", "198.51.100.0/24"],
        },
        "tags": {"env": "dev"},
    }
    # Equivalent spellings Azure treats the same must not count as a change.
    same = {
        **args,
        "location": "West Europe",
        "network_acls": {"default_action": "Deny", "ip_rules": ["198.51.100.7/24", "203.0.113.10/32"]},
    }
    check, real, check_again, real_again = play(
        [
            dict(vault(**args), check_mode=True),
            vault(**args),
            dict(vault(**same), check_mode=True),
            CLEAR_REQUESTS,
            vault(**same),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    created = real["key_vault"]
    predicted = check["key_vault"]
    for key in set(created) - {"vault_uri", "provisioning_state"}:
        assert predicted[key] == created[key], key
    assert created["enable_rbac_authorization"] is True, "RBAC is the default"
    assert created["soft_delete_retention_in_days"] == 7
    assert created["network_acls"]["ip_rules"] == ["203.0.113.10/32", "198.51.100.0/24"]
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(kv_env.requests()) == []

    vault_held = held(kv_env)
    props = vault_held.properties
    assert props.enable_rbac_authorization is True and props.soft_delete_retention_in_days == 7
    assert props.network_acls.default_action == "Deny"
    assert sorted(rule.value for rule in props.network_acls.ip_rules) == ["198.51.100.0/24", "203.0.113.10/32"]
    assert vault_held.tags == {"env": "dev"}
    assert props.tenant_id == kv_env.env["AZURE_TENANT"]


def test_updates_of_each_setting(play, kv_env):
    # Several settings per step keeps the play short; every managed setting changes at least once.
    steps = [
        (
            {"sku": "premium", "enable_rbac_authorization": False},
            lambda v: v.properties.sku.name == "premium" and v.properties.enable_rbac_authorization is False,
        ),
        (
            {"public_network_access": "Disabled", "network_acls": {"default_action": "Deny", "bypass": "None"}},
            lambda v: v.properties.public_network_access == "Disabled" and v.properties.network_acls.bypass == "None",
        ),
        (
            {"network_acls": {"ip_rules": ["192.0.2.1"]}, "tags": {"a": "1"}},
            lambda v: [r.value for r in v.properties.network_acls.ip_rules] == ["192.0.2.1/32"],
        ),
        (
            {"network_acls": {"ip_rules": []}, "tags": {"b": "2"}, "append_tags": False},
            lambda v: not v.properties.network_acls.ip_rules and v.tags == {"b": "2"},
        ),
        ({"enable_purge_protection": True}, lambda v: v.properties.enable_purge_protection is True),
    ]
    tasks = [vault(location=LOCATION, tags={"env": "dev"})]
    for change, _check in steps:
        tasks.append(dict(vault(**change), check_mode=True))
        tasks.append(vault(**change))
    results = play(tasks)
    assert results[0]["changed"]
    pairs = list(zip(results[1::2], results[2::2]))
    previous = results[0]["key_vault"]
    for (change, _held), (check, real) in zip(steps, pairs):
        assert check["changed"] and real["changed"], change
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["key_vault"] == real["diff"]["after"], change
        previous = real["key_vault"]
    # the emulator holds the last change of every setting (read through the SDK); RBAC is back on (the default)
    final = held(kv_env)
    assert final.properties.sku.name == "premium"
    assert final.properties.enable_rbac_authorization is True
    assert final.properties.public_network_access == "Disabled"
    assert final.properties.network_acls.default_action == "Deny" and final.properties.network_acls.bypass == "None"
    assert not final.properties.network_acls.ip_rules
    assert final.tags == {"b": "2"}
    assert final.properties.enable_purge_protection is True
    assert [step[1](final) for step in steps][-2:] == [True, True]


def test_refusals_happen_before_any_write(play, kv_env):
    play([vault(location=LOCATION, soft_delete_retention_in_days=7, enable_purge_protection=True)])
    kv_env.clear_requests()
    off, retention, moved, purge, purge_check = play(
        [
            vault(enable_purge_protection=False),
            vault(soft_delete_retention_in_days=90),
            vault(location="northeurope"),
            vault(state="absent", purge=True),
            dict(vault(state="absent", purge=True), check_mode=True),
        ]
    )
    assert off["failed"] and "purge protection" in off["msg"] and "irreversible" in off["msg"]
    assert retention["failed"] and "soft_delete_retention_in_days: 7" in retention["msg"]
    assert moved["failed"] and "location" in moved["msg"]
    assert purge["failed"] and "purge protection" in purge["msg"] and "purge: false" in purge["msg"]
    assert purge_check["failed"]
    for result in (off, retention, moved, purge):
        assert result.get("refused") is True
    assert writes(kv_env.requests()) == [], "refused before calling Azure"
    assert held(kv_env).properties.enable_purge_protection is True

    # a soft-deleted vault under purge protection cannot be purged either
    soft, purge_deleted = play([vault(state="absent"), vault(state="absent", purge=True)])
    assert soft["changed"]
    assert purge_deleted["failed"] and "purge protection" in purge_deleted["msg"]
    client = kv_env.client(KeyVaultManagementClient)
    assert client.vaults.get_deleted(KV, LOCATION).properties.purge_protection_enabled is True


def test_soft_delete_recover_and_purge(play, kv_env):
    client = kv_env.client(KeyVaultManagementClient)
    created, deleted, deleted_again, blocked, blocked_check, recover_check, recovered, info = play(
        [
            vault(location=LOCATION, tags={"env": "dev"}, soft_delete_retention_in_days=7),
            vault(state="absent"),
            vault(state="absent"),
            vault(location=LOCATION),
            dict(vault(location=LOCATION), check_mode=True),
            dict(vault(location=LOCATION, recover=True, public_network_access="Disabled"), check_mode=True),
            vault(location=LOCATION, recover=True, public_network_access="Disabled"),
            {"mlops.azure.key_vault_info": {"resource_group": RG, "include_deleted": True}},
        ]
    )
    assert created["changed"]
    assert deleted["changed"] and deleted["key_vault"] is None and deleted["diff"]["before"]["name"] == KV
    assert not deleted_again["changed"]
    for result in (blocked, blocked_check):
        assert result["failed"]
        assert "soft-deleted" in result["msg"] and "recover: true" in result["msg"] and "purge: true" in result["msg"]
    assert recover_check["changed"] and recover_check["key_vault"]["tags"] == {"env": "dev"}
    assert recovered["changed"] and recovered["key_vault"]["tags"] == {"env": "dev"}
    assert recovered["key_vault"]["public_network_access"] == "Disabled"
    assert recovered["key_vault"]["soft_delete_retention_in_days"] == 7
    assert [v["name"] for v in info["key_vaults"]] == [KV] and info["deleted_key_vaults"] == []
    assert held(kv_env).properties.public_network_access == "Disabled"

    # absent + purge: the name is free again
    purged, purged_again, info_after, recreated = play(
        [
            vault(state="absent", purge=True),
            vault(state="absent", purge=True),
            {"mlops.azure.key_vault_info": {"name": KV, "include_deleted": True}},
            vault(location=LOCATION),
        ]
    )
    assert purged["changed"] and not purged_again["changed"]
    assert info_after["deleted_key_vaults"] == []
    assert recreated["changed"] and recreated["key_vault"]["soft_delete_retention_in_days"] == 90
    with pytest.raises(ResourceNotFoundError):
        client.vaults.get_deleted(KV, LOCATION)


def test_purge_of_an_already_soft_deleted_vault(play, kv_env):
    play([vault(location=LOCATION), vault(state="absent")])
    check, purged = play([dict(vault(state="absent", purge=True), check_mode=True), vault(state="absent", purge=True)])
    assert check["changed"] and purged["changed"]
    with pytest.raises(ResourceNotFoundError):
        kv_env.client(KeyVaultManagementClient).vaults.get_deleted(KV, LOCATION)


def test_name_taken_in_another_subscription(play, kv_env):
    foreign = kv_env.client(KeyVaultManagementClient, subscription_id=kv_env.foreign_subscription_id)
    foreign_rm = kv_env.client(ResourceManagementClient, subscription_id=kv_env.foreign_subscription_id)
    foreign_rm.resource_groups.create_or_update("rg-someone-else", {"location": LOCATION})
    foreign.vaults.begin_create_or_update(
        "rg-someone-else",
        KV,
        {
            "location": LOCATION,
            "properties": {
                "tenantId": kv_env.env["AZURE_TENANT"],
                "sku": {"family": "A", "name": "standard"},
                "accessPolicies": [],
            },
        },
    ).result()
    check, real = play([dict(vault(location=LOCATION), check_mode=True), vault(location=LOCATION)])
    assert check["failed"] and "not available" in check["msg"] and "global" in check["msg"]
    assert real["failed"]
    assert "VaultAlreadyExists" in real["msg"] and "global across all of Azure" in real["msg"]
    assert real["azure_error"]["code"] == "VaultAlreadyExists" and real["azure_error"]["status"] == 409
    with pytest.raises(ResourceNotFoundError):
        held(kv_env)


def test_missing_resource_group(play, clean_emulator):
    check, real, with_default_location, absent = play(
        [
            dict(vault(location=LOCATION), check_mode=True),
            vault(location=LOCATION),
            vault(),
            vault(state="absent"),
        ]
    )
    assert check["changed"] and any(RG in w for w in check.get("warnings", []))
    assert real["failed"] and "ResourceGroupNotFound" in real["msg"] and "mlops.azure.resource_group" in real["msg"]
    assert with_default_location["failed"] and "set location" in with_default_location["msg"]
    assert not absent["changed"] and not absent.get("failed")


def test_throttling_and_unavailable_are_retried_unseen(play, kv_env):
    kv_env.add_fault(method="GET", path=f"/vaults/{KV}$", status=429, retry_after=1, count=1)
    kv_env.add_fault(method="PUT", path=f"/vaults/{KV}$", status=503, count=1)
    (result,) = play([vault(location=LOCATION)])
    assert result["changed"] and not result.get("failed") and not result.get("warnings")
    statuses = [r["status"] for r in kv_env.requests()]
    assert 429 in statuses and 503 in statuses, statuses
    assert held(kv_env).name == KV

    # a dropped connection on a read is retried too
    kv_env.add_fault(method="GET", path=f"/vaults/{KV}$", action="drop", count=1)
    (again,) = play([vault(location=LOCATION)])
    assert not again["changed"] and not again.get("failed"), again


def test_invalid_name_and_retention_fail_before_calling(play, kv_env):
    bad_name, bad_retention = play(
        [
            {"mlops.azure.key_vault": {"name": "kv--bad", "resource_group": RG}},
            vault(soft_delete_retention_in_days=3),
        ]
    )
    assert bad_name["failed"] and "consecutive hyphens" in bad_name["msg"]
    assert bad_retention["failed"] and "between 7 and 90" in bad_retention["msg"]
    assert kv_env.requests() == []


def test_info_returns_the_access_policies_a_vault_holds(play, kv_env):
    (created,) = play([vault(location=LOCATION)])
    assert created["changed"]
    client = kv_env.client(KeyVaultManagementClient)
    object_id = "0f7e3c2a-5b1d-4e6f-9a8c-7d2b1e0f3a4c"
    client.vaults.update_access_policy(
        RG,
        KV,
        "add",
        {
            "properties": {
                "accessPolicies": [
                    {
                        "tenantId": kv_env.env["AZURE_TENANT"],
                        "objectId": object_id,
                        "permissions": {"secrets": ["all"], "keys": ["get", "purge"]},
                    }
                ]
            }
        },
    )
    (info,) = play([{"mlops.azure.key_vault_info": {"name": KV, "resource_group": RG}}])
    (policy,) = info["key_vaults"][0]["access_policies"]
    assert policy["object_id"] == object_id and policy["tenant_id"] == kv_env.env["AZURE_TENANT"]
    assert policy["permissions"] == {"keys": ["get", "purge"], "secrets": ["all"], "certificates": [], "storage": []}
