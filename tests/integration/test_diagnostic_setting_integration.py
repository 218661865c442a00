"""mlops.azure.diagnostic_setting and diagnostic_setting_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.monitor import MonitorManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-diag"
LOCATION = "westeurope"
SETTING = "audit-to-law"


@pytest.fixture
def diag_env(clean_emulator):
    env = clean_emulator
    env.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    law = env.client(LogAnalyticsManagementClient)
    env.workspace_id = law.workspaces.begin_create_or_update(RG, "log-it-diag", {"location": LOCATION}).result().id
    env.vault_id = (
        env.client(KeyVaultManagementClient)
        .vaults.begin_create_or_update(
            RG,
            "kv-it-diag-01",
            {
                "location": LOCATION,
                "properties": {"tenantId": env.env["AZURE_TENANT"], "sku": {"family": "A", "name": "standard"}},
            },
        )
        .result()
        .id
    )
    storage = env.client(StorageManagementClient)
    env.storage_id = (
        storage.storage_accounts.begin_create(
            RG, "stitdiag01", {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
        )
        .result()
        .id
    )
    env.clear_requests()
    return env


def setting(resource_id, **args):
    return {"mlops.azure.diagnostic_setting": dict({"resource_id": resource_id, "name": SETTING}, **args)}


def held(env, resource_id, name=SETTING):
    return env.client(MonitorManagementClient).diagnostic_settings.get(resource_id, name)


def test_four_steps(play, diag_env):
    args = {
        "workspace_id": diag_env.workspace_id,
        "logs": [{"category_group": "audit"}],
        "metrics": [{"category": "AllMetrics"}],
    }
    same = {
        "workspace_id": diag_env.workspace_id.upper(),
        "logs": [{"category_group": "audit"}, {"category_group": "allLogs", "enabled": False}],
        "metrics": [{"category": "allmetrics"}],
    }
    vault = diag_env.vault_id
    check, real, check_again, real_again = play(
        [
            dict(setting(vault, **args), check_mode=True),
            setting(vault, **args),
            dict(setting(vault, **same), check_mode=True),
            CLEAR_REQUESTS,
            setting(vault, **same),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    created = real["diagnostic_setting"]
    predicted = check["diagnostic_setting"]
    for key in set(created) - {"id"}:
        assert predicted[key] == created[key], key
    assert predicted["id"].lower() == created["id"].lower()
    assert created["logs"] == [{"category": None, "category_group": "audit", "enabled": True}]
    assert created["resource_id"] == vault
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(diag_env.requests()) == [], "the idempotent real run sends no write"

    got = held(diag_env, vault)
    assert got.workspace_id == diag_env.workspace_id and got.storage_account_id is None
    assert [(log.category_group, log.enabled) for log in got.logs] == [("audit", True)]
    assert [(m.category, m.enabled) for m in got.metrics] == [("AllMetrics", True)]


def test_updates_of_each_setting(play, diag_env):
    vault = diag_env.vault_id
    steps = [
        ({"storage_account_id": diag_env.storage_id}, lambda s: s.storage_account_id == diag_env.storage_id),
        ({"logs": [{"category_group": "allLogs"}]}, lambda s: [x.category_group for x in s.logs] == ["allLogs"]),
        (
            {"logs": [{"category": "AuditEvent"}, {"category": "AzurePolicyEvaluationDetails"}]},
            lambda s: sorted(x.category for x in s.logs) == ["AuditEvent", "AzurePolicyEvaluationDetails"],
        ),
        (
            {"metrics": [{"category": "AllMetrics"}]},
            lambda s: [m.category for m in s.metrics if m.enabled] == ["AllMetrics"],
        ),
        ({"workspace_id": ""}, lambda s: s.workspace_id is None and s.storage_account_id == diag_env.storage_id),
        ({"workspace_id": diag_env.workspace_id, "metrics": []}, lambda s: not s.metrics and s.workspace_id),
    ]
    tasks = [setting(vault, workspace_id=diag_env.workspace_id, logs=[{"category_group": "audit"}])]
    for change, _held in steps:
        tasks.append(dict(setting(vault, **change), check_mode=True))
        tasks.append(setting(vault, **change))
    results = play(tasks)
    assert results[0]["changed"], results[0]
    previous = results[0]["diagnostic_setting"]
    for (change, _held), check, real in zip(steps, results[1::2], results[2::2]):
        assert check["changed"] and real["changed"], (change, check, real)
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["diagnostic_setting"] == real["diff"]["after"], change
        previous = real["diagnostic_setting"]
    got = held(diag_env, vault)
    assert steps[-1][1](got) and got.workspace_id == diag_env.workspace_id
    assert sorted(x.category for x in got.logs) == ["AuditEvent", "AzurePolicyEvaluationDetails"]


def test_blob_service_of_a_storage_account(play, diag_env):
    blob = diag_env.storage_id + "/blobServices/default"
    args = {
        "workspace_id": diag_env.workspace_id,
        "logs": [{"category": "StorageRead"}, {"category": "StorageWrite"}, {"category": "StorageDelete"}],
        "metrics": [{"category": "Transaction"}],
    }
    created, again = play([setting(blob, name="blob-to-law", **args), setting(blob, name="blob-to-law", **args)])
    assert created["changed"] and not again["changed"]
    got = held(diag_env, blob, "blob-to-law")
    assert sorted(x.category for x in got.logs) == ["StorageDelete", "StorageRead", "StorageWrite"]


def test_refusals_happen_before_any_write(play, diag_env):
    vault = diag_env.vault_id
    play([setting(vault, workspace_id=diag_env.workspace_id, logs=[{"category_group": "audit"}])])
    diag_env.clear_requests()
    results = play(
        [
            setting(vault, name="no-destination", logs=[{"category_group": "audit"}]),
            setting(vault, workspace_id=""),
            setting(vault, logs=[], metrics=[]),
            setting(
                vault,
                name="nothing",
                workspace_id=diag_env.workspace_id,
                logs=[{"category": "AuditEvent", "enabled": False}],
            ),
            setting(vault, logs=[{"category": "AuditEvent"}, {"category_group": "audit"}]),
            dict(setting(vault, name="no-destination", logs=[{"category_group": "audit"}]), check_mode=True),
        ]
    )
    no_dest, removed_dest, empty, nothing, mixed, no_dest_check = results
    for result in (no_dest, removed_dest, no_dest_check):
        assert "no destination" in result["msg"] and "workspace_id" in result["msg"]
    for result in (empty, nothing):
        assert "collect nothing" in result["msg"]
    assert "categories" in mixed["msg"] and "category groups" in mixed["msg"]
    for result in results:
        assert result["failed"] and result.get("refused") is True, result
    assert f"diagnostic setting 'no-destination' of {vault}" in no_dest["msg"]
    assert writes(diag_env.requests()) == []
    got = held(diag_env, vault)
    assert got.workspace_id == diag_env.workspace_id and [x.category_group for x in got.logs] == ["audit"]


def test_bad_input_fails_before_calling(play, diag_env):
    both, neither, bad_name = play(
        [
            setting(
                diag_env.vault_id,
                workspace_id=diag_env.workspace_id,
                logs=[{"category": "AuditEvent", "category_group": "audit"}],
            ),
            setting(diag_env.vault_id, workspace_id=diag_env.workspace_id, logs=[{"enabled": True}]),
            setting(
                diag_env.vault_id,
                name="bad:name",
                workspace_id=diag_env.workspace_id,
                metrics=[{"category": "AllMetrics"}],
            ),
        ]
    )
    assert both["failed"] and "exactly one of category or category_group" in both["msg"]
    assert neither["failed"] and "logs[0]" in neither["msg"]
    assert bad_name["failed"] and "bad:name" in bad_name["msg"]
    assert diag_env.requests() == []


def test_unknown_category_is_azure_error_with_advice(play, diag_env):
    (result,) = play([setting(diag_env.vault_id, workspace_id=diag_env.workspace_id, logs=[{"category": "NoSuch"}])])
    assert (
        result["failed"] and f"Could not create diagnostic setting '{SETTING}' of {diag_env.vault_id}" in result["msg"]
    )
    assert "BadRequest" in result["msg"] and "What to do" in result["msg"]


def test_removal_and_info(play, diag_env):
    vault = diag_env.vault_id
    results = play(
        [
            setting(vault, workspace_id=diag_env.workspace_id, logs=[{"category_group": "audit"}]),
            setting(
                vault,
                name="metrics-to-st",
                storage_account_id=diag_env.storage_id,
                metrics=[{"category": "AllMetrics"}],
            ),
            {"mlops.azure.diagnostic_setting_info": {"resource_id": vault, "name": SETTING}},
            {"mlops.azure.diagnostic_setting_info": {"resource_id": vault}},
            {"mlops.azure.diagnostic_setting_info": {"resource_id": vault, "name": "missing"}},
            dict(setting(vault, state="absent"), check_mode=True),
            setting(vault, state="absent"),
            setting(vault, state="absent"),
            {"mlops.azure.diagnostic_setting_info": {"resource_id": vault}},
        ]
    )
    created, _other, one, every, missing, check, removed, removed_again, after = results
    assert one["diagnostic_settings"] == [created["diagnostic_setting"]]
    assert sorted(s["name"] for s in every["diagnostic_settings"]) == [SETTING, "metrics-to-st"]
    assert missing["diagnostic_settings"] == [] and not missing.get("failed")
    assert check["changed"] and check["diff"]["after"] == {}
    assert removed["changed"] and removed["diagnostic_setting"] is None and not removed_again["changed"]
    assert [s["name"] for s in after["diagnostic_settings"]] == ["metrics-to-st"]
    with pytest.raises(ResourceNotFoundError):
        held(diag_env, vault)
