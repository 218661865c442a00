"""mlops.azure.name_availability against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient

RG = "rg-it-names"
FOREIGN_RG = "rg-someone-else"
LOCATION = "westeurope"


def vault_body(env):
    return {
        "location": LOCATION,
        "properties": {
            "tenantId": env.env["AZURE_TENANT"],
            "sku": {"family": "A", "name": "standard"},
            "accessPolicies": [],
            "softDeleteRetentionInDays": 7,
        },
    }


@pytest.fixture
def names_env(clean_emulator):
    """Names taken in the foreign subscription, ours in RG, and a vault soft-deleted in our subscription."""
    env = clean_emulator
    foreign = env.foreign_subscription_id
    env.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    env.client(ResourceManagementClient, subscription_id=foreign).resource_groups.create_or_update(
        FOREIGN_RG, {"location": LOCATION}
    )
    account = {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    storage = env.client(StorageManagementClient)
    storage.storage_accounts.begin_create(RG, "stitnamesmine", account).result()
    env.client(StorageManagementClient, subscription_id=foreign).storage_accounts.begin_create(
        FOREIGN_RG, "stitnamestaken", account
    ).result()
    vaults = env.client(KeyVaultManagementClient)
    vaults.vaults.begin_create_or_update(RG, "kv-it-mine", vault_body(env)).result()
    vaults.vaults.begin_create_or_update(RG, "kv-it-deleted", vault_body(env)).result()
    vaults.vaults.delete(RG, "kv-it-deleted")
    env.client(KeyVaultManagementClient, subscription_id=foreign).vaults.begin_create_or_update(
        FOREIGN_RG, "kv-it-taken", vault_body(env)
    ).result()
    env.client(ContainerRegistryManagementClient, subscription_id=foreign).registries.begin_create(
        FOREIGN_RG, "critnamestaken", {"location": LOCATION, "sku": {"name": "Standard"}}
    ).result()
    env.clear_requests()
    return env


def check(names, type_, **args):
    return {"mlops.azure.name_availability": dict({"names": names, "type": type_}, **args)}


def by_name(result):
    return {item["name"]: item for item in result["availability"]}


def non_reads(requests):
    return [f"{r['method']} {r['path']}" for r in requests if r["method"] != "GET"]


def test_key_vault_names(play, names_env):
    names = ["kv-it-free", "kv-it-taken", "kv-it-deleted", "KV-IT-MINE", "1kv-bad", "windows-vault"]
    real, in_check_mode, with_location = play(
        [
            check(names, "key_vault", resource_group=RG),
            dict(check(names, "key_vault", resource_group=RG), check_mode=True),
            check(["kv-it-deleted"], "key_vault", location=LOCATION),
        ]
    )
    assert not real["changed"] and not in_check_mode["changed"]
    assert real["availability"] == in_check_mode["availability"], "check mode answers the same"
    assert [item["name"] for item in real["availability"]] == names, "one answer per name, in order"
    answers = by_name(real)
    assert {name: answers[name]["reason"] for name in names} == {
        "kv-it-free": "valid",
        "kv-it-taken": "taken",
        "kv-it-deleted": "soft_deleted",
        "KV-IT-MINE": "exists",
        "1kv-bad": "invalid",
        "windows-vault": "reserved",
    }
    assert answers["kv-it-free"]["available"] and answers["kv-it-free"]["usable"]
    assert not answers["kv-it-taken"]["available"] and not answers["kv-it-taken"]["usable"]
    deleted = answers["kv-it-deleted"]
    assert deleted["recoverable"] and deleted["location"] == LOCATION
    assert deleted["deletion_date"] and deleted["scheduled_purge_date"]
    assert "recover: true" in deleted["message"]
    assert answers["KV-IT-MINE"]["usable"] and answers["KV-IT-MINE"]["id"].lower().endswith("/vaults/kv-it-mine")
    assert answers["1kv-bad"]["errors"] and "start with" in answers["1kv-bad"]["message"]
    assert answers["windows-vault"]["errors"] and "WINDOWS" in answers["windows-vault"]["message"]
    assert not real["all_available"] and not real["all_usable"]
    assert by_name(with_location)["kv-it-deleted"]["reason"] == "soft_deleted"

    requests = names_env.requests()
    assert all(path.endswith(("/checkNameAvailability", "/checkResourceName")) for path in non_reads(requests)), (
        non_reads(requests)
    )
    posted = [r["path"] for r in requests if r["method"] == "POST"]
    # Names that break the rules are never sent. With resource_group, the name held there is only read (one GET
    # per run), never sent; the three others are checked by ARM and by the service, per run.
    assert len([p for p in posted if p.endswith("/checkResourceName")]) == 3 * 2 + 1
    assert len([p for p in posted if p.endswith("/checkNameAvailability")]) == 3 * 2 + 1
    mine = [
        r
        for r in requests
        if r["path"].lower().endswith(f"/resourcegroups/{RG}/providers/microsoft.keyvault/vaults/kv-it-mine")
    ]
    assert [r["method"] for r in mine] == ["GET", "GET"]


def test_storage_account_names(play, names_env):
    (result,) = play(
        [check(["stitnamesfree", "stitnamestaken", "stitnamesmine", "St-Bad", "loginstore"], "storage_account")]
    )
    answers = by_name(result)
    assert {name: item["reason"] for name, item in answers.items()} == {
        "stitnamesfree": "valid",
        "stitnamestaken": "taken",
        "stitnamesmine": "taken",
        "St-Bad": "invalid",
        "loginstore": "reserved",
    }, "without resource_group, our own account's name is taken like any other"
    assert "stitnamestaken" in answers["stitnamestaken"]["message"]
    assert len(answers["St-Bad"]["errors"]) >= 2


def test_storage_name_of_ours_is_usable_with_the_resource_group(play, names_env):
    (result,) = play([check(["stitnamesmine", "stitnamesfree"], "storage_account", resource_group=RG)])
    assert [item["reason"] for item in result["availability"]] == ["exists", "valid"]
    assert result["all_usable"] and not result["all_available"]


def test_container_registry_names_without_check_resource_name(play, names_env):
    (result,) = play(
        [check(["critnamesfree", "CRITNAMESTAKEN", "cr1", "azure"], "container_registry", check_resource_name=False)]
    )
    assert [item["reason"] for item in result["availability"]] == ["valid", "taken", "invalid", "reserved"]
    assert not any(r["path"].endswith("/checkResourceName") for r in names_env.requests())


def test_all_free(play, names_env):
    (result,) = play([check(["kv-it-free-1", "kv-it-free-2"], "key_vault")])
    assert result["all_available"] and result["all_usable"] and not result["changed"]
