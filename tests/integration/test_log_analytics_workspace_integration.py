"""mlops.azure.log_analytics_workspace and _info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-law"
LAW = "log-it-mlops"
LOCATION = "westeurope"


def workspace(**args):
    return {"mlops.azure.log_analytics_workspace": dict({"name": LAW, "resource_group": RG}, **args)}


@pytest.fixture
def law_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def held(emulator, name=LAW):
    return emulator.client(LogAnalyticsManagementClient).workspaces.get(RG, name)


def test_four_steps(play, law_env):
    args = {
        "location": LOCATION,
        "sku": "PerGB2018",
        "retention_in_days": 60,
        "daily_quota_gb": 2.5,
        "disable_local_auth": True,
        "public_network_access_for_query": "Disabled",
        "tags": {"env": "dev"},
    }
    same = dict(args, location="West Europe", daily_quota_gb="2.50")
    check, real, check_again, real_again = play(
        [
            dict(workspace(**args), check_mode=True),
            workspace(**args),
            dict(workspace(**same), check_mode=True),
            CLEAR_REQUESTS,
            workspace(**same),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    created = real["log_analytics_workspace"]
    predicted = check["log_analytics_workspace"]
    for key in set(created) - {"customer_id", "provisioning_state"}:
        assert predicted[key] == created[key], key
    assert created["customer_id"] and predicted["customer_id"] is None
    assert created["provisioning_state"] == "Succeeded"
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(law_env.requests()) == [], "the idempotent real run sends no write"

    ws = held(law_env)
    assert ws.sku.name == "PerGB2018" and ws.retention_in_days == 60 and ws.tags == {"env": "dev"}
    assert ws.workspace_capping.daily_quota_gb == 2.5 and ws.features.disable_local_auth is True
    assert ws.public_network_access_for_query == "Disabled" and ws.public_network_access_for_ingestion == "Enabled"
    assert ws.customer_id == created["customer_id"]


def test_updates_of_each_setting(play, law_env):
    steps = [
        ({"retention_in_days": 90}, lambda w: w.retention_in_days == 90),
        ({"daily_quota_gb": 1}, lambda w: w.workspace_capping.daily_quota_gb == 1.0),
        ({"daily_quota_gb": -1}, lambda w: w.workspace_capping.daily_quota_gb == -1.0),
        ({"disable_local_auth": True}, lambda w: w.features.disable_local_auth is True),
        (
            {"public_network_access_for_ingestion": "Disabled"},
            lambda w: w.public_network_access_for_ingestion == "Disabled",
        ),
        ({"public_network_access_for_query": "Disabled"}, lambda w: w.public_network_access_for_query == "Disabled"),
        (
            {"sku": "CapacityReservation", "capacity_reservation_level": 100},
            lambda w: w.sku.name == "CapacityReservation" and w.sku.capacity_reservation_level == 100,
        ),
        ({"capacity_reservation_level": 200}, lambda w: w.sku.capacity_reservation_level == 200),
        ({"tags": {"a": "1"}}, lambda w: w.tags == {"env": "dev", "a": "1"}),
        ({"tags": {"b": "2"}, "append_tags": False}, lambda w: w.tags == {"b": "2"}),
        ({"sku": "PerGB2018"}, lambda w: w.sku.name == "PerGB2018"),
    ]
    tasks = [workspace(location=LOCATION, tags={"env": "dev"})]
    for change, _held in steps:
        tasks.append(dict(workspace(**change), check_mode=True))
        tasks.append(workspace(**change))
    results = play(tasks)
    assert results[0]["changed"]
    previous = results[0]["log_analytics_workspace"]
    for (change, _held), check, real in zip(steps, results[1::2], results[2::2]):
        assert check["changed"] and real["changed"], change
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["log_analytics_workspace"] == real["diff"]["after"], change
        previous = real["log_analytics_workspace"]
    ws = held(law_env)
    assert steps[-1][1](ws) and ws.features.disable_local_auth is True
    assert ws.features.enable_log_access_using_only_resource_permissions is True, "other features are kept"


def test_refusals_happen_before_any_write(play, law_env):
    play([workspace(location=LOCATION)])
    law_env.clear_requests()
    moved, reserved, quota, bad_name = play(
        [
            workspace(location="northeurope"),
            workspace(sku="CapacityReservation"),
            workspace(daily_quota_gb=0),
            {"mlops.azure.log_analytics_workspace": {"name": "-bad", "resource_group": RG}},
        ]
    )
    assert moved["failed"] and "location cannot be changed" in moved["msg"] and moved.get("refused") is True
    assert LAW in moved["msg"] and RG in moved["msg"]
    assert reserved["failed"] and "capacity_reservation_level" in reserved["msg"] and reserved.get("refused") is True
    assert quota["failed"] and "daily_quota_gb" in quota["msg"]
    assert bad_name["failed"] and "-bad" in bad_name["msg"]
    assert writes(law_env.requests()) == []
    assert held(law_env).location == LOCATION


def test_azure_refusal_names_the_resource_and_code(play, law_env):
    # a retention the PerGB2018 tier does not accept: Azure's own answer, translated for the user
    (result,) = play([workspace(location=LOCATION, retention_in_days=5000)])
    assert result["failed"] and "Could not create Log Analytics workspace 'log-it-mlops'" in result["msg"]
    assert "400 BadRequest" in result["msg"] and "What to do" in result["msg"]
    assert "Traceback" not in result["msg"]


def test_soft_delete_recreate_and_force(play, law_env):
    created, check, removed, removed_again, info, recovered = play(
        [
            workspace(location=LOCATION, retention_in_days=60),
            dict(workspace(state="absent"), check_mode=True),
            workspace(state="absent"),
            workspace(state="absent"),
            {"mlops.azure.log_analytics_workspace_info": {"resource_group": RG}},
            workspace(location=LOCATION),
        ]
    )
    customer_id = created["log_analytics_workspace"]["customer_id"]
    assert check["changed"] and check["diff"]["after"] == {}
    assert removed["changed"] and removed["log_analytics_workspace"] is None and not removed_again["changed"]
    assert info["log_analytics_workspaces"] == []
    # re-creating a soft-deleted workspace (same group, name, location) recovers it with its customer id
    assert recovered["changed"] and recovered["log_analytics_workspace"]["customer_id"] == customer_id
    assert recovered["log_analytics_workspace"]["retention_in_days"] == 60

    forced, fresh = play([workspace(state="absent", force=True), workspace(location=LOCATION)])
    assert forced["changed"]
    # nothing left to recover after a force delete: a new workspace with a new customer id
    assert fresh["changed"] and fresh["log_analytics_workspace"]["customer_id"] != customer_id


def test_info(play, law_env):
    created, other, one, group, everything, missing = play(
        [
            workspace(location=LOCATION),
            {"mlops.azure.log_analytics_workspace": {"name": "log-it-other", "resource_group": RG}},
            {"mlops.azure.log_analytics_workspace_info": {"name": LAW, "resource_group": RG}},
            {"mlops.azure.log_analytics_workspace_info": {"resource_group": RG}},
            {"mlops.azure.log_analytics_workspace_info": {}},
            {"mlops.azure.log_analytics_workspace_info": {"name": "log-missing", "resource_group": RG}},
        ]
    )
    assert other["changed"] and other["log_analytics_workspace"]["location"] == LOCATION, "location from the group"
    assert one["log_analytics_workspaces"] == [created["log_analytics_workspace"]]
    assert sorted(w["name"] for w in group["log_analytics_workspaces"]) == [LAW, "log-it-other"]
    assert sorted(w["name"] for w in everything["log_analytics_workspaces"]) == [LAW, "log-it-other"]
    assert missing["log_analytics_workspaces"] == [] and not missing.get("failed")
    with pytest.raises(ResourceNotFoundError):
        held(law_env, "log-missing")
