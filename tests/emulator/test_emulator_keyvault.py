"""Key Vault vaults: lifecycle, soft delete, recover, purge, global names, irreversible settings."""

from __future__ import annotations

import datetime

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from emulator_helpers import LOCATION, vault_body, with_status


def test_create_registers_dns_then_succeeds_with_defaults(clean_emulator, kv, group, tenant):
    vault = kv.vaults.begin_create_or_update(group, "kv-Life", vault_body(tenant)).result()
    log = clean_emulator.requests()
    put = next(r for r in log if r["method"] == "PUT" and "/vaults/" in r["path"])
    assert put["status"] == 200
    assert vault.name == "kv-Life"
    assert vault.properties.provisioning_state == "Succeeded"
    assert vault.properties.enable_soft_delete is True
    assert vault.properties.soft_delete_retention_in_days == 90
    assert vault.properties.public_network_access == "Enabled"
    assert vault.properties.vault_uri == "https://kv-Life.vault.azure.net/"
    assert vault.properties.enable_purge_protection is None
    got = kv.vaults.get(group, "KV-LIFE")
    assert got.id == vault.id


def test_first_answer_is_registering_dns(clean_emulator, kv, group, tenant):
    poller = kv.vaults.begin_create_or_update(group, "kv-dns", vault_body(tenant), polling=False)
    assert poller.result().properties.provisioning_state == "RegisteringDns"


def test_update_list_and_access_policies(kv, group, tenant):
    kv.vaults.begin_create_or_update(group, "kv-upd", vault_body(tenant)).result()
    updated = kv.vaults.update(
        group,
        "kv-upd",
        {
            "tags": {"env": "dev"},
            "properties": {
                "enableRbacAuthorization": True,
                "enablePurgeProtection": True,
                "networkAcls": {
                    "defaultAction": "Deny",
                    "bypass": "AzureServices",
                    "ipRules": [{"value": "198.51.100.0/24"}],
                },
            },
        },
    )
    assert updated.tags == {"env": "dev"}
    assert updated.properties.enable_purge_protection is True
    assert updated.properties.network_acls.default_action == "Deny"
    assert [v.name for v in kv.vaults.list_by_resource_group(group)] == ["kv-upd"]
    assert [v.name for v in kv.vaults.list_by_subscription()] == ["kv-upd"]


def test_ip_rules_take_public_ipv4_only_and_a_single_address_becomes_a_32(kv, group, tenant):
    acls = {"defaultAction": "Deny", "ipRules": [{"value": "203.0.113.10"}, {"value": "198.51.100.0/24"}]}
    vault = kv.vaults.begin_create_or_update(group, "kv-ips", vault_body(tenant, networkAcls=acls)).result()
    assert [r.value for r in vault.properties.network_acls.ip_rules] == ["203.0.113.10/32", "198.51.100.0/24"]
    # unlike storage, Key Vault keeps a /32
    vault = kv.vaults.update(group, "kv-ips", {"properties": {"networkAcls": {"ipRules": [{"value": "192.0.2.7/32"}]}}})
    assert [r.value for r in vault.properties.network_acls.ip_rules] == ["192.0.2.7/32"]

    forbidden = {
        "10.0.0.0/8": "10.0.0.0\u201310.255.255.255",
        "172.20.0.0/16": "172.16.0.0\u2013172.31.255.255",
        "192.168.1.5": "192.168.0.0\u2013192.168.255.255",
    }
    for value, span in forbidden.items():
        with pytest.raises(HttpResponseError) as info:
            kv.vaults.update(group, "kv-ips", {"properties": {"networkAcls": {"ipRules": [{"value": value}]}}})
        assert info.value.status_code == 400 and info.value.error.code == "BadRequest"
        assert info.value.error.message == (
            f"Invalid value found at properties.networkAcls.ipRules[0].value: {value} belongs to forbidden range "
            f"{span} (private IP addresses)"
        )
    for value in ("10.0.0.0/33", "300.1.1.1", "not-an-ip", "2001:db8::/64"):
        body = vault_body(tenant, networkAcls={"ipRules": [{"value": "203.0.113.10"}, {"value": value}]})
        with pytest.raises(HttpResponseError) as info:
            kv.vaults.begin_create_or_update(group, "kv-ips-bad", body).result()
        assert info.value.status_code == 400 and info.value.error.code == "BadRequest"
        assert info.value.error.message.startswith("Invalid value found at properties.networkAcls.ipRules[1].value: ")
    assert [r.value for r in kv.vaults.get(group, "kv-ips").properties.network_acls.ip_rules] == ["192.0.2.7/32"]


def test_irreversible_settings_are_refused(kv, group, tenant):
    kv.vaults.begin_create_or_update(
        group, "kv-irr", vault_body(tenant, enablePurgeProtection=True, softDeleteRetentionInDays=7)
    ).result()
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.update(group, "kv-irr", {"properties": {"enablePurgeProtection": False}})
    assert info.value.status_code == 400
    assert info.value.error.code == "BadRequest"
    assert 'The property "enablePurgeProtection" cannot be set to false' in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.update(group, "kv-irr", {"properties": {"enableSoftDelete": False}})
    assert info.value.error.code == "BadRequest"
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(group, "kv-irr", vault_body(tenant, softDeleteRetentionInDays=90)).result()
    assert info.value.error.code == "BadRequest"
    assert "softDeleteRetentionInDays" in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(group, "kv-new", vault_body(tenant, enableSoftDelete=False)).result()
    assert info.value.error.code == "BadRequest"
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(group, "kv-new", vault_body(tenant, softDeleteRetentionInDays=3)).result()
    assert info.value.error.code == "BadRequest"


def test_invalid_names_and_bodies(kv, group, tenant):
    for name in ("kv", "1vault", "kv--double", "vault-", "a" * 25, "kv_under"):
        with pytest.raises(HttpResponseError) as info:
            kv.vaults.begin_create_or_update(group, name, vault_body(tenant)).result()
        assert info.value.error.code == "VaultNameNotValid", name
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(
            group, "kv-sku", vault_body(tenant, sku={"family": "A", "name": "gold"})
        ).result()
    assert info.value.status_code == 400
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(group, "kv-loc", vault_body(tenant, location="mars")).result()
    assert info.value.error.code == "LocationNotAvailableForResourceType"


def test_missing_vault_and_missing_group(kv, group):
    with pytest.raises(ResourceNotFoundError) as info:
        kv.vaults.get(group, "kv-none")
    assert info.value.error.code == "ResourceNotFound"
    assert info.value.error.message.startswith(
        f"The Resource 'Microsoft.KeyVault/vaults/kv-none' under resource group '{group}' was not found."
    )
    with pytest.raises(ResourceNotFoundError) as info:
        kv.vaults.get("rg-none", "kv-none")
    assert info.value.error.code == "ResourceGroupNotFound"
    status, _ = with_status(kv.vaults.delete, group, "kv-none")
    assert status == 204


def test_soft_delete_recover_and_purge(clean_emulator, kv, group, tenant):
    body = vault_body(tenant, softDeleteRetentionInDays=7)
    body["tags"] = {"a": "b"}
    kv.vaults.begin_create_or_update(group, "kv-soft", body).result()
    status, _ = with_status(kv.vaults.delete, group, "kv-soft")
    assert status == 200
    with pytest.raises(ResourceNotFoundError):
        kv.vaults.get(group, "kv-soft")
    deleted = kv.vaults.get_deleted("kv-soft", LOCATION)
    assert deleted.properties.location == LOCATION
    assert deleted.properties.scheduled_purge_date - deleted.properties.deletion_date == datetime.timedelta(days=7)
    assert [d.name for d in kv.vaults.list_deleted()] == ["kv-soft"]

    # the name stays reserved while the vault is soft-deleted
    with pytest.raises(ResourceExistsError) as info:
        kv.vaults.begin_create_or_update(group, "kv-soft", vault_body(tenant)).result()
    assert info.value.error.code == "ConflictError"
    assert "already exists in deleted state" in info.value.error.message
    availability = kv.vaults.check_name_availability({"name": "kv-soft", "type": "Microsoft.KeyVault/vaults"})
    assert availability.name_available is False and availability.reason == "AlreadyExists"
    assert "deleted" in availability.message

    recovered = kv.vaults.begin_create_or_update(group, "kv-soft", vault_body(tenant, createMode="recover")).result()
    assert recovered.properties.provisioning_state == "Succeeded"
    assert recovered.properties.soft_delete_retention_in_days == 7
    assert recovered.tags == {"a": "b"}
    assert list(kv.vaults.list_deleted()) == []

    kv.vaults.delete(group, "kv-soft")
    clean_emulator.clear_requests()
    kv.vaults.begin_purge_deleted("kv-soft", LOCATION).result()
    log = clean_emulator.requests()
    assert log[0]["method"] == "POST" and log[0]["status"] == 202
    assert "/operationResults/" in log[1]["path"]
    with pytest.raises(ResourceNotFoundError):
        kv.vaults.get_deleted("kv-soft", LOCATION)
    # the name is free again
    kv.vaults.begin_create_or_update(group, "kv-soft", vault_body(tenant)).result()


def test_recover_with_nothing_to_recover(kv, group, tenant):
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(group, "kv-ghost", vault_body(tenant, createMode="recover")).result()
    assert info.value.error.code == "SoftDeletedVaultDoesNotExist"


def test_purge_refused_under_purge_protection(kv, group, tenant):
    kv.vaults.begin_create_or_update(group, "kv-pp", vault_body(tenant, enablePurgeProtection=True)).result()
    kv.vaults.delete(group, "kv-pp")
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_purge_deleted("kv-pp", LOCATION).result()
    assert info.value.error.code == "InvalidOperation"
    assert info.value.error.message == "Operation 'DeletedVaultPurge' is not allowed."
    assert kv.vaults.get_deleted("kv-pp", LOCATION).properties.purge_protection_enabled is True


def test_global_names_across_subscriptions(clean_emulator, kv, group, tenant):
    foreign_rm = clean_emulator.client(ResourceManagementClient, clean_emulator.foreign_subscription_id)
    foreign_rm.resource_groups.create_or_update("rg-theirs", {"location": LOCATION})
    foreign_kv = clean_emulator.client(KeyVaultManagementClient, clean_emulator.foreign_subscription_id)
    foreign_kv.vaults.begin_create_or_update("rg-theirs", "kv-Taken", vault_body(tenant)).result()
    with pytest.raises(ResourceExistsError) as info:
        kv.vaults.begin_create_or_update(group, "kv-taken", vault_body(tenant)).result()
    assert info.value.error.code == "VaultAlreadyExists"
    assert "The vault name 'kv-taken' is already in use." in info.value.error.message
    answer = kv.vaults.check_name_availability({"name": "KV-TAKEN", "type": "Microsoft.KeyVault/vaults"})
    assert answer.name_available is False and answer.reason == "AlreadyExists"
    # soft-deleted in the other subscription: still taken, and not recoverable from here
    foreign_kv.vaults.delete("rg-theirs", "kv-Taken")
    with pytest.raises(ResourceExistsError) as info:
        kv.vaults.begin_create_or_update(group, "kv-taken", vault_body(tenant)).result()
    assert info.value.error.code == "VaultAlreadyExists"


def test_check_name_availability(kv):
    free = kv.vaults.check_name_availability({"name": "kv-free", "type": "Microsoft.KeyVault/vaults"})
    assert free.name_available is True
    bad = kv.vaults.check_name_availability({"name": "9-bad", "type": "Microsoft.KeyVault/vaults"})
    assert bad.name_available is False and bad.reason == "AccountNameInvalid"
