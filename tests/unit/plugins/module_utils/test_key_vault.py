"""Key Vault shapes, bodies, refusals and the soft-delete lifecycle, against an in-memory fake client."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._key_vault import KeyVault, desired_network_acls
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, reconcile
from azure_fakes import FakeModule, NotFound, Poller, Recorder

SUB = "00000000-0000-0000-0000-000000000001"
VAULT_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/a"


def vault_body(**properties):
    props = {"tenantId": "tenant-1", "sku": {"family": "A", "name": "standard"}, "vaultUri": "https://kv1/"}
    props.update(properties)
    return {"id": VAULT_ID, "name": "kv1", "location": "westeurope", "tags": {}, "properties": props}


class FakeVaults:
    """An in-memory ``vaults`` operation group with Azure's soft-delete behaviour (as far as tests need)."""

    def __init__(self, recorder, vault=None, deleted=None, name_available=True):
        self.recorder = recorder
        self.vault = vault
        self.deleted = deleted
        self.name_available = name_available

    def get(self, group, name):
        self.recorder.record("vaults.get", group, name)
        if self.vault is None:
            raise NotFound()
        return copy.deepcopy(self.vault)

    def get_deleted(self, name, location):
        self.recorder.record("vaults.get_deleted", name, location)
        if self.deleted is None:
            raise NotFound()
        return copy.deepcopy(self.deleted)

    def list_deleted(self):
        self.recorder.record("vaults.list_deleted")
        return [copy.deepcopy(self.deleted)] if self.deleted else []

    def check_name_availability(self, body):
        self.recorder.record("vaults.check_name_availability", body)
        if self.name_available:
            return {"nameAvailable": True}
        return {"nameAvailable": False, "reason": "AlreadyExists", "message": "taken"}

    def begin_create_or_update(self, group, name, body):
        self.recorder.record("vaults.begin_create_or_update", group, name, body)
        if body["properties"].get("createMode") == "recover":
            old = self.deleted["properties"]
            self.vault = vault_body(
                enablePurgeProtection=old.get("purgeProtectionEnabled"), softDeleteRetentionInDays=7
            )
            self.vault["tags"] = old.get("tags") or {}
            self.deleted = None
        else:
            self.vault = dict(copy.deepcopy(body), id=VAULT_ID, name=name)
        return Poller()

    def update(self, group, name, body):
        self.recorder.record("vaults.update", group, name, body)
        self.vault["properties"].update(body.get("properties") or {})
        if "tags" in body:
            self.vault["tags"] = body["tags"]
        return copy.deepcopy(self.vault)

    def delete(self, group, name):
        self.recorder.record("vaults.delete", group, name)
        props = self.vault["properties"]
        self.deleted = {
            "name": name,
            "properties": {
                "location": "westeurope",
                "purgeProtectionEnabled": bool(props.get("enablePurgeProtection")),
            },
        }
        self.vault = None

    def begin_purge_deleted(self, name, location):
        self.recorder.record("vaults.begin_purge_deleted", name, location)
        self.deleted = None
        return Poller()


class FakeClient:
    def __init__(self, **kwargs):
        self.recorder = Recorder()
        self.vaults = FakeVaults(self.recorder, **kwargs)


def make_vault(client, check_mode=False, **options):
    module = FakeModule(client, check_mode=check_mode)
    options.setdefault("location", "westeurope")
    return KeyVault(module, "kv1", "rg1", **options)


# --------------------------------------------------------------------------------------------- shapes


def test_shape_fills_service_defaults():
    shape = KeyVault.shape(vault_body())
    assert shape["resource_group"] == "rg1"
    assert shape["enable_soft_delete"] is True
    assert shape["soft_delete_retention_in_days"] == 90
    assert shape["enable_purge_protection"] is False
    assert shape["enable_rbac_authorization"] is False
    assert shape["public_network_access"] == "Enabled"
    assert shape["network_acls"] == {
        "default_action": "Allow",
        "bypass": "AzureServices",
        "ip_rules": [],
        "virtual_network_rules": [],
    }


def test_ip_rule_spelled_either_way_is_no_change():
    current = KeyVault.shape(vault_body(networkAcls={"defaultAction": "Deny", "ipRules": [{"value": "1.2.3.4/32"}]}))
    acls, _ignore = desired_network_acls({"default_action": "deny", "ip_rules": ["1.2.3.4"]})
    vault = make_vault(FakeClient())
    assert not compare({"network_acls": acls}, current, vault.rules)


def test_lower_cased_subnet_ids_are_no_change():
    current = KeyVault.shape(vault_body(networkAcls={"virtualNetworkRules": [{"id": SUBNET.lower()}]}))
    acls, ignore = desired_network_acls(
        {"virtual_network_rules": [{"id": SUBNET, "ignore_missing_vnet_service_endpoint": True}]}
    )
    assert ignore == {SUBNET.lower(): True}
    assert not compare({"network_acls": acls}, current, make_vault(FakeClient()).rules)


def test_create_body():
    acls, ignore = desired_network_acls(
        {
            "default_action": "Deny",
            "ip_rules": ["1.2.3.4"],
            "virtual_network_rules": [{"id": SUBNET, "ignore_missing_vnet_service_endpoint": True}],
        }
    )
    vault = make_vault(FakeClient())
    vault.module.tenant_id = "t"
    vault.ignore_missing = ignore
    body = vault.body({"enable_rbac_authorization": True, "network_acls": acls, "enable_purge_protection": False})
    props = body["properties"]
    assert props["sku"] == {"family": "A", "name": "standard"}
    assert props["tenantId"] == "t" and props["accessPolicies"] == []
    assert "enablePurgeProtection" not in props, "false is sent as absent; Azure refuses an explicit false"
    assert props["networkAcls"] == {
        "defaultAction": "Deny",
        "bypass": "AzureServices",
        "ipRules": [{"value": "1.2.3.4/32"}],
        "virtualNetworkRules": [{"id": SUBNET, "ignoreMissingVnetServiceEndpoint": True}],
    }


# --------------------------------------------------------------------------------------------- lifecycle


def test_create_then_idempotent():
    client = FakeClient()
    desired = {"enable_rbac_authorization": True, "tags": {"env": "dev"}}
    predicted = reconcile(make_vault(client, check_mode=True), desired)
    assert client.recorder.writes == []
    assert (
        "vaults.check_name_availability",
        ({"name": "kv1", "type": "Microsoft.KeyVault/vaults"},),
    ) in client.recorder.calls
    result = reconcile(make_vault(client), desired)
    assert client.recorder.writes == ["vaults.begin_create_or_update"]
    for key in ("enable_rbac_authorization", "tags", "sku", "tenant_id", "soft_delete_retention_in_days", "location"):
        assert result["resource"][key] == predicted["resource"][key], key
    client.recorder.calls.clear()
    assert not reconcile(make_vault(client), desired)["changed"]
    assert client.recorder.writes == []


def test_taken_name_fails_in_check_mode():
    client = FakeClient(name_available=False)
    with pytest.raises(Refusal) as caught:
        reconcile(make_vault(client, check_mode=True), {})
    assert "global" in caught.value.msg


def test_update_sends_only_what_differs():
    client = FakeClient(vault=vault_body(enableRbacAuthorization=True))
    reconcile(make_vault(client), {"enable_rbac_authorization": True, "public_network_access": "Disabled"})
    ((_name, (_g, _n, body)),) = [c for c in client.recorder.calls if c[0] == "vaults.update"]
    assert body == {"properties": {"publicNetworkAccess": "Disabled"}}


@pytest.mark.parametrize(
    "current, desired, words",
    [
        ({"enablePurgeProtection": True}, {"enable_purge_protection": False}, "purge protection is on"),
        ({"softDeleteRetentionInDays": 90}, {"soft_delete_retention_in_days": 7}, "cannot be changed"),
    ],
)
def test_irreversible_changes_are_refused_before_any_write(current, desired, words):
    client = FakeClient(vault=vault_body(**current))
    for check_mode in (True, False):
        with pytest.raises(Refusal) as caught:
            reconcile(make_vault(client, check_mode=check_mode), dict(desired, tags={"a": "b"}))
        assert words in caught.value.msg
    assert client.recorder.writes == []


def test_soft_deleted_name_without_recover_fails_with_how_to():
    deleted = {"name": "kv1", "properties": {"location": "westeurope", "scheduledPurgeDate": "2030-01-01"}}
    client = FakeClient(deleted=deleted)
    with pytest.raises(Refusal) as caught:
        reconcile(make_vault(client), {})
    assert "recover: true" in caught.value.msg and "purge: true" in caught.value.msg
    assert client.recorder.writes == []


def test_recover_then_apply_the_rest():
    deleted = {"name": "kv1", "properties": {"location": "westeurope", "tags": {"old": "1"}}}
    client = FakeClient(deleted=deleted)
    result = reconcile(
        make_vault(client, recover=True), {"soft_delete_retention_in_days": 7, "public_network_access": "Disabled"}
    )
    assert client.recorder.writes == ["vaults.begin_create_or_update", "vaults.update"]
    create = client.recorder.calls[[c[0] for c in client.recorder.calls].index("vaults.begin_create_or_update")]
    assert create[1][2]["properties"]["createMode"] == "recover"
    assert result["resource"]["public_network_access"] == "Disabled"
    assert result["resource"]["tags"] == {"old": "1"}


def test_recover_refuses_turning_purge_protection_off():
    deleted = {"name": "kv1", "properties": {"location": "westeurope", "purgeProtectionEnabled": True}}
    client = FakeClient(deleted=deleted)
    with pytest.raises(Refusal):
        reconcile(make_vault(client, recover=True), {"enable_purge_protection": False})
    assert client.recorder.writes == []


def test_absent_soft_deletes_and_purge_needs_its_option():
    client = FakeClient(vault=vault_body())
    result = reconcile(make_vault(client), {}, state="absent")
    assert result["changed"] and client.recorder.writes == ["vaults.delete"]
    assert client.vaults.deleted is not None, "soft-deleted, not purged"
    client.recorder.calls.clear()
    assert not reconcile(make_vault(client), {}, state="absent")["changed"]
    result = reconcile(make_vault(client, purge=True, location=None), {}, state="absent")
    assert result["changed"] and client.recorder.writes == ["vaults.begin_purge_deleted"]
    assert client.vaults.deleted is None


def test_purge_is_refused_under_purge_protection_before_deleting():
    client = FakeClient(vault=vault_body(enablePurgeProtection=True))
    with pytest.raises(Refusal) as caught:
        reconcile(make_vault(client, purge=True), {}, state="absent")
    assert "purge protection" in caught.value.msg
    assert client.recorder.writes == []
    client.vaults.delete("rg1", "kv1")
    client.recorder.calls.clear()
    with pytest.raises(Refusal):
        reconcile(make_vault(client, purge=True), {}, state="absent")
    assert client.recorder.writes == []
