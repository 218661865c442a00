"""mlops.azure.ml_workspace and ml_workspace_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-mlw"
MLW = "mlw-it-mlops"
LOCATION = "westeurope"


@pytest.fixture
def mlw_env(clean_emulator):
    """A resource group with two storage accounts (one with hierarchical namespace) and a Key Vault."""
    env = clean_emulator
    env.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    storage = env.client(StorageManagementClient).storage_accounts
    ids = {}
    for name, hns in (("stitmlw01", False), ("stitmlw02", False), ("stitmlwhns", True)):
        body = {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
        body["properties"] = {"isHnsEnabled": hns}
        ids[name] = storage.begin_create(RG, name, body, polling_interval=0).result().id
    vault = {"tenantId": env.env["AZURE_TENANT"], "sku": {"family": "A", "name": "standard"}, "accessPolicies": []}
    poller = env.client(KeyVaultManagementClient).vaults.begin_create_or_update(
        RG, "kv-it-mlw-01", {"location": LOCATION, "properties": vault}, polling_interval=0
    )
    ids["kv"] = poller.result().id
    env.ids = ids
    env.clear_requests()
    return env


def ws(env, **args):
    base = {
        "name": MLW,
        "resource_group": RG,
        "location": LOCATION,
        "storage_account": env.ids["stitmlw01"],
        "key_vault": env.ids["kv"],
    }
    return {"mlops.azure.ml_workspace": dict(base, **args)}


def test_four_steps_then_info(play, mlw_env):
    args = {"identity_type": "SystemAssigned", "hbi_workspace": True, "friendly_name": "Pipelines", "tags": {"a": "b"}}
    check, real, check_again, real_again, one, in_group, missing = play(
        [
            dict(ws(mlw_env, **args), check_mode=True),
            ws(mlw_env, **args),
            dict(ws(mlw_env, **args), check_mode=True),
            CLEAR_REQUESTS,
            ws(mlw_env, **args),
            {"mlops.azure.ml_workspace_info": {"name": MLW, "resource_group": RG}},
            {"mlops.azure.ml_workspace_info": {"resource_group": RG}},
            {"mlops.azure.ml_workspace_info": {"name": "mlw-none", "resource_group": RG}},
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}, check.get("msg")
    assert real["changed"] and not real.get("failed"), real.get("msg")
    created = real["ml_workspace"]
    assert created["provisioning_state"] == "Succeeded" and created["hbi_workspace"] is True
    assert created["principal_id"] and created["workspace_id"]
    for key, value in check["ml_workspace"].items():
        if key not in ("principal_id", "workspace_id", "discovery_url", "ml_flow_tracking_uri"):
            assert created[key] == value, (key, created[key], value)
    assert not check_again["changed"] and check_again["diff"]["before"] == check_again["diff"]["after"]
    assert not real_again["changed"]
    assert writes(mlw_env.requests()) == [], "the idempotent run sends no write"
    assert one["ml_workspaces"] == [created]
    assert [w["name"] for w in in_group["ml_workspaces"]] == [MLW]
    assert missing["ml_workspaces"] == []


def test_changes_azure_refuses_are_refused_before_any_write(play, mlw_env):
    play([ws(mlw_env, hbi_workspace=True, isolation_mode="AllowInternetOutbound")])
    mlw_env.clear_requests()
    storage, hbi, network, update = play(
        [
            ws(mlw_env, storage_account=mlw_env.ids["stitmlw02"]),
            ws(mlw_env, hbi_workspace=False),
            ws(mlw_env, isolation_mode="Disabled"),
            ws(mlw_env, public_network_access="Disabled", description="ML pipelines"),
        ]
    )
    assert storage["failed"] and "storage_account cannot be changed" in storage["msg"]
    assert "does not let a workspace change its storage account" in storage["msg"]
    assert hbi["failed"] and "only when the workspace is created" in hbi["msg"]
    assert network["failed"] and "only lets a managed network become stricter" in network["msg"]
    assert update["changed"] and not update.get("failed"), update.get("msg")
    assert update["ml_workspace"]["public_network_access"] == "Disabled"
    assert [w.split(" ")[0] for w in writes(mlw_env.requests())] == ["PATCH"], "only the allowed update was sent"


def test_azure_refusals_through_the_operation_name_the_reason(play, mlw_env):
    (hns,) = play([ws(mlw_env, storage_account=mlw_env.ids["stitmlwhns"])])
    assert hns["failed"] and "ended in provisioning state Failed: BadRequest:" in hns["msg"], hns["msg"]
    assert "HNS" in hns["msg"]


def test_absent_soft_deletes_and_the_name_stays_taken_until_purged(play, mlw_env):
    created, deleted, recreate, purge, purge_again, again = play(
        [
            ws(mlw_env),
            {"mlops.azure.ml_workspace": {"name": MLW, "resource_group": RG, "state": "absent"}},
            ws(mlw_env),
            {"mlops.azure.ml_workspace": {"name": MLW, "resource_group": RG, "state": "absent", "purge": True}},
            {"mlops.azure.ml_workspace": {"name": MLW, "resource_group": RG, "state": "absent", "purge": True}},
            ws(mlw_env),
        ]
    )
    assert created["changed"] and deleted["changed"]
    assert recreate["failed"] and "Soft-deleted workspace exists" in recreate["msg"]
    assert "purge: true" in recreate["msg"], "the hint says how to free the name"
    assert purge["changed"] and not purge.get("failed"), purge.get("msg")
    assert not purge_again["changed"] and not purge_again.get("failed"), "nothing left to purge (Azure answers 204)"
    assert again["changed"] and not again.get("failed"), again.get("msg")
