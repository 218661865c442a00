"""Storage account shapes, containers, refusals and the create/update flow, against an in-memory fake client."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, reconcile
from ansible_collections.mlops.azure.plugins.module_utils._storage_account import (
    StorageAccount,
    bypass_list,
    desired_blob_service,
    desired_network_acls,
    network_acls_body,
    normalise_containers,
)
from azure_fakes import FakeModule, NotFound, Poller, Recorder

SUB = "00000000-0000-0000-0000-000000000001"
ACCOUNT_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st1"

SECURE = {
    "kind": "StorageV2",
    "supports_https_traffic_only": True,
    "minimum_tls_version": "TLS1_2",
    "allow_blob_public_access": False,
    "allow_shared_key_access": False,
    "allow_cross_tenant_replication": False,
    "blob_service_properties": {
        "delete_retention_policy": {"enabled": True, "days": 7},
        "container_delete_retention_policy": {"enabled": True, "days": 7},
    },
}


class FakeStorage:
    def __init__(self, recorder, account=None):
        self.recorder = recorder
        self.account = account
        self.blob = {}
        self.containers = {}

    # storage_accounts
    def get_properties(self, group, name):
        self.recorder.record("storage_accounts.get_properties", group, name)
        if self.account is None:
            raise NotFound()
        return copy.deepcopy(self.account)

    def check_name_availability(self, body):
        self.recorder.record("storage_accounts.check_name_availability", body)
        return {"nameAvailable": True}

    def begin_create(self, group, name, body):
        self.recorder.record("storage_accounts.begin_create", group, name, body)
        self.account = dict(copy.deepcopy(body), id=ACCOUNT_ID, name=name)
        return Poller()

    def update(self, group, name, body):
        self.recorder.record("storage_accounts.update", group, name, body)
        self.account["properties"].update(body.get("properties") or {})
        for key in ("tags", "sku"):
            if key in body:
                self.account[key] = body[key]

    def delete(self, group, name):
        self.recorder.record("storage_accounts.delete", group, name)
        self.account = None


class FakeBlobServices:
    def __init__(self, store):
        self.store = store

    def get_service_properties(self, group, name):
        self.store.recorder.record("blob_services.get_service_properties")
        return {"properties": copy.deepcopy(self.store.blob)}

    def set_service_properties(self, group, name, body):
        self.store.recorder.record("blob_services.set_service_properties", body)
        self.store.blob.update(body["properties"])


class FakeContainers:
    def __init__(self, store):
        self.store = store

    def list(self, group, name):
        self.store.recorder.record("blob_containers.list")
        return [copy.deepcopy(item) for item in self.store.containers.values()]

    def create(self, group, account, name, body):
        self.store.recorder.record("blob_containers.create", name, body)
        self.store.containers[name] = {"name": name, "properties": body["properties"]}

    def update(self, group, account, name, body):
        self.store.recorder.record("blob_containers.update", name, body)
        self.store.containers[name]["properties"].update(body["properties"])

    def delete(self, group, account, name):
        self.store.recorder.record("blob_containers.delete", name)
        del self.store.containers[name]


class FakeClient:
    def __init__(self, account=None):
        self.recorder = Recorder()
        self.storage_accounts = FakeStorage(self.recorder, account)
        self.blob_services = FakeBlobServices(self.storage_accounts)
        self.blob_containers = FakeContainers(self.storage_accounts)


def make_account(client, check_mode=False, **options):
    return StorageAccount(FakeModule(client, check_mode=check_mode), "st1", "rg1", **options)


def desired_with(**extra):
    desired = copy.deepcopy(SECURE)
    desired["location"] = "westeurope"
    desired.update(extra)
    return desired


# --------------------------------------------------------------------------------------------- conversions


def test_bypass_flags():
    assert bypass_list("Logging, Metrics") == ["Logging", "Metrics"]
    assert bypass_list("None") == []
    assert bypass_list(["None"]) == []
    assert network_acls_body({"bypass": []})["bypass"] == "None"
    assert network_acls_body({"bypass": ["AzureServices", "Logging"]})["bypass"] == "AzureServices, Logging"


def test_shape_defaults_and_ip_canonical_form():
    shape = StorageAccount.shape(
        {
            "id": ACCOUNT_ID,
            "name": "st1",
            "kind": "StorageV2",
            "sku": {"name": "Standard_LRS"},
            "properties": {
                "networkAcls": {
                    "defaultAction": "Deny",
                    "bypass": "Metrics, AzureServices",
                    "ipRules": [{"value": "1.2.3.4"}],
                }
            },
        },
        {},
        [],
    )
    assert shape["allow_shared_key_access"] is True, "Azure documents null as true"
    assert shape["supports_https_traffic_only"] is True
    assert shape["network_acls"]["ip_rules"] == ["1.2.3.4"]
    desired = {
        "network_acls": desired_network_acls({"bypass": ["AzureServices", "Metrics"], "ip_rules": ["1.2.3.4/32"]})
    }
    assert desired["network_acls"]["ip_rules"] == ["1.2.3.4"], "Azure storage refuses /32; it is sent bare"
    assert not compare(desired, shape, make_account(FakeClient()).rules)
    assert shape["blob_service_properties"]["delete_retention_policy"] == {"enabled": False, "days": None}


def test_disabled_policy_drops_days():
    assert desired_blob_service(
        {"delete_retention_policy": {"enabled": False, "days": 7}, "is_versioning_enabled": None}
    ) == {"delete_retention_policy": {"enabled": False}}


def test_containers_names_and_dicts():
    containers, problems = normalise_containers(
        [
            "data",
            {"name": "models", "metadata": {"owner": "ml", "n": 1}},
            {"name": "Bad--Name"},
            7,
            {"name": "x", "size": 1},
        ],
        name_errors,
    )
    assert containers == [
        {"name": "data", "public_access": "None"},
        {"name": "models", "public_access": "None", "metadata": {"owner": "ml", "n": "1"}},
        {"name": "Bad--Name", "public_access": "None"},
    ]
    assert any("Bad--Name" in problem and "lower case" in problem for problem in problems)
    assert any("consecutive hyphens" in problem for problem in problems)
    assert any("blob_containers[3]" in problem for problem in problems)
    assert any("unknown keys size" in problem for problem in problems)
    _containers, problems = normalise_containers(["data", "data", {"name": "p", "public_access": "Open"}])
    assert any("twice" in p for p in problems) and any("public_access" in p for p in problems)


# --------------------------------------------------------------------------------------------- lifecycle


def test_create_with_blob_properties_and_containers_then_idempotent():
    client = FakeClient()
    desired = desired_with(blob_containers=[{"name": "data", "public_access": "None"}])
    predicted = reconcile(make_account(client, check_mode=True), desired)
    assert client.recorder.writes == []
    result = reconcile(make_account(client), desired)
    assert client.recorder.writes == [
        "storage_accounts.begin_create",
        "blob_services.set_service_properties",
        "blob_containers.create",
    ]
    create_body = client.recorder.calls[[c[0] for c in client.recorder.calls].index("storage_accounts.begin_create")][
        1
    ][2]
    assert create_body["kind"] == "StorageV2" and create_body["sku"] == {"name": "Standard_LRS"}
    assert create_body["properties"]["minimumTlsVersion"] == "TLS1_2"
    assert create_body["properties"]["allowSharedKeyAccess"] is False
    for key in SECURE:
        assert result["resource"][key] == predicted["resource"][key], key
    assert [c["name"] for c in result["resource"]["blob_containers"]] == ["data"]
    client.recorder.calls.clear()
    assert not reconcile(make_account(client), desired)["changed"]
    assert client.recorder.writes == []


def _existing(client, **properties):
    reconcile(make_account(client), desired_with(**properties))
    client.recorder.calls.clear()


def test_unlisted_containers_are_left_alone_unless_purged():
    client = FakeClient()
    _existing(client, blob_containers=[{"name": "a", "public_access": "None"}, {"name": "b", "public_access": "None"}])
    assert not reconcile(make_account(client), desired_with(blob_containers=[{"name": "a"}]))["changed"]
    result = reconcile(make_account(client, purge_blob_containers=True), desired_with(blob_containers=[{"name": "a"}]))
    assert result["changed"] and client.recorder.writes == ["blob_containers.delete"]


@pytest.mark.parametrize(
    "change, words",
    [
        ({"kind": "BlobStorage"}, "kind"),
        ({"sku": "Premium_LRS"}, "Standard and Premium"),
        ({"location": "northeurope"}, "location is fixed"),
    ],
)
def test_refusals_before_any_write(change, words):
    client = FakeClient()
    _existing(client)
    with pytest.raises(Refusal) as caught:
        reconcile(make_account(client), desired_with(allow_shared_key_access=True, **change))
    assert words in caught.value.msg
    assert client.recorder.writes == []


def test_sku_change_within_standard_is_an_update():
    client = FakeClient()
    _existing(client)
    reconcile(make_account(client), desired_with(sku="Standard_GRS"))
    assert client.recorder.writes == ["storage_accounts.update"]


def test_delete_with_containers_needs_the_option():
    client = FakeClient()
    _existing(client, blob_containers=[{"name": "a", "public_access": "None"}])
    with pytest.raises(Refusal) as caught:
        reconcile(make_account(client), {}, state="absent")
    assert "force_delete_nonempty" in caught.value.msg
    assert client.recorder.writes == []
    assert reconcile(make_account(client, force_delete_nonempty=True), {}, state="absent")["changed"]
    assert client.recorder.writes == ["storage_accounts.delete"]


def test_create_without_kind_or_sku_sends_what_azure_requires():
    client = FakeClient()
    reconcile(make_account(client), {"location": "westeurope", "minimum_tls_version": "TLS1_2"})
    ((_name, (_group, _account, body)),) = [c for c in client.recorder.calls if c[0] == "storage_accounts.begin_create"]
    assert body["kind"] == "StorageV2" and body["sku"] == {"name": "Standard_LRS"}
