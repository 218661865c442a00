"""mlops.azure.app_insights and app_insights_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import json

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-appi"
APPI = "appi-it-mlops"
LAW = "log-it-appi"
LOCATION = "westeurope"


@pytest.fixture
def appi_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    law = clean_emulator.client(LogAnalyticsManagementClient)
    for name in (LAW, LAW + "2"):
        law.workspaces.begin_create_or_update(RG, name, {"location": LOCATION}).result()
    clean_emulator.workspace_id = law.workspaces.get(RG, LAW).id
    clean_emulator.other_workspace_id = law.workspaces.get(RG, LAW + "2").id
    clean_emulator.clear_requests()
    return clean_emulator


def component(env, **args):
    base = {"name": APPI, "resource_group": RG, "workspace_resource_id": env.workspace_id}
    return {"mlops.azure.app_insights": dict(base, **args)}


def held(emulator, name=APPI):
    return emulator.client(ApplicationInsightsManagementClient).components.get(RG, name)


def test_four_steps(play, appi_env):
    args = {
        "location": LOCATION,
        "application_type": "web",
        "kind": "web",
        "disable_local_auth": True,
        "public_network_access_for_query": "Disabled",
        "retention_in_days": 30,
        "tags": {"env": "dev"},
    }
    same = dict(args, location="West Europe", workspace_resource_id=appi_env.workspace_id.upper())
    check, real, check_again, real_again = play(
        [
            dict(component(appi_env, **args), check_mode=True),
            component(appi_env, **args),
            dict(component(appi_env, **same), check_mode=True),
            CLEAR_REQUESTS,
            component(appi_env, **same),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    created = real["app_insights"]
    predicted = check["app_insights"]
    for key in set(created) - {"app_id", "application_id", "id"}:
        assert predicted[key] == created[key], key
    assert predicted["id"].lower() == created["id"].lower()
    assert created["ingestion_mode"] == "LogAnalytics" and created["app_id"]
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(appi_env.requests()) == [], "the idempotent real run sends no write"

    comp = held(appi_env)
    assert comp.application_type == "web" and comp.kind == "web" and comp.tags == {"env": "dev"}
    assert comp.workspace_resource_id.lower() == appi_env.workspace_id.lower()
    assert comp.ingestion_mode == "LogAnalytics" and comp.disable_local_auth is True
    assert comp.public_network_access_for_query == "Disabled" and comp.retention_in_days == 30
    # the secrets are nowhere in what the module returned
    for result in (check, real, check_again, real_again):
        text = json.dumps(result)
        assert comp.instrumentation_key not in text and "InstrumentationKey=" not in text


def test_updates_of_each_setting(play, appi_env):
    steps = [
        ({"disable_local_auth": True}, lambda c: c.disable_local_auth is True),
        (
            {"public_network_access_for_ingestion": "Disabled"},
            lambda c: c.public_network_access_for_ingestion == "Disabled",
        ),
        ({"public_network_access_for_query": "Disabled"}, lambda c: c.public_network_access_for_query == "Disabled"),
        ({"retention_in_days": 120}, lambda c: c.retention_in_days == 120),
        ({"application_type": "other"}, lambda c: c.application_type == "other"),
        ({"kind": "other"}, lambda c: c.kind == "other"),
        ({"workspace_resource_id": "OTHER"}, lambda c: c.workspace_resource_id.endswith(LAW + "2")),
        ({"tags": {"a": "1"}}, lambda c: c.tags == {"env": "dev", "a": "1"}),
        ({"tags": {"b": "2"}, "append_tags": False}, lambda c: c.tags == {"b": "2"}),
    ]
    tasks = [component(appi_env, location=LOCATION, tags={"env": "dev"})]
    for change, _held in steps:
        if change.get("workspace_resource_id") == "OTHER":
            change = dict(change, workspace_resource_id=appi_env.other_workspace_id)
        tasks.append(dict(component(appi_env, **change), check_mode=True))
        tasks.append(component(appi_env, **change))
    results = play(tasks)
    assert results[0]["changed"]
    previous = results[0]["app_insights"]
    for (change, _held), check, real in zip(steps, results[1::2], results[2::2]):
        assert check["changed"] and real["changed"], change
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["app_insights"] == real["diff"]["after"], change
        previous = real["app_insights"]
    comp = held(appi_env)
    assert steps[-1][1](comp) and comp.disable_local_auth is True and comp.retention_in_days == 120
    assert comp.ingestion_mode == "LogAnalytics"


def test_tags_change_is_a_patch_and_settings_a_put(play, appi_env):
    play([component(appi_env, location=LOCATION)])
    appi_env.clear_requests()
    play([component(appi_env, tags={"a": "1"})])
    assert [w.split()[0] for w in writes(appi_env.requests())] == ["PATCH"]
    appi_env.clear_requests()
    play([component(appi_env, disable_local_auth=True)])
    assert [w.split()[0] for w in writes(appi_env.requests())] == ["PUT"]
    assert held(appi_env).tags == {"a": "1"}, "a PUT keeps the tags"


def test_connection_string_only_under_no_log(play, appi_env):
    play([component(appi_env, location=LOCATION)])
    comp = held(appi_env)
    refused, given, info_refused, info_given = play(
        [
            component(appi_env, return_connection_string=True),
            dict(component(appi_env, return_connection_string=True), no_log=True),
            {"mlops.azure.app_insights_info": {"name": APPI, "resource_group": RG, "return_connection_string": True}},
            dict(
                {
                    "mlops.azure.app_insights_info": {
                        "name": APPI,
                        "resource_group": RG,
                        "return_connection_string": True,
                    }
                },
                no_log=True,
            ),
        ]
    )
    for result in (refused, info_refused):
        assert result["failed"] and "no_log: true" in result["msg"]
    assert (
        given["connection_string"] == comp.connection_string
        and given["instrumentation_key"] == comp.instrumentation_key
    )
    assert comp.instrumentation_key not in json.dumps(given["app_insights"]) + json.dumps(given["diff"])
    assert info_given["connection_strings"] == {
        comp.id: {"connection_string": comp.connection_string, "instrumentation_key": comp.instrumentation_key}
    }
    assert comp.instrumentation_key not in play.stdout, "never shown in the output"


def test_refusals_happen_before_any_write(play, appi_env):
    play([component(appi_env, location=LOCATION)])
    appi_env.clear_requests()
    moved, no_workspace, bad_name = play(
        [
            component(appi_env, location="northeurope"),
            {"mlops.azure.app_insights": {"name": APPI, "resource_group": RG}},
            {
                "mlops.azure.app_insights": {
                    "name": "appi-bad.",
                    "resource_group": RG,
                    "workspace_resource_id": appi_env.workspace_id,
                }
            },
        ]
    )
    assert moved["failed"] and moved.get("refused") and "location cannot be changed" in moved["msg"]
    assert "Application Insights component 'appi-it-mlops' in resource group 'rg-it-appi'" in moved["msg"]
    assert no_workspace["failed"] and "workspace_resource_id" in no_workspace["msg"]
    assert bad_name["failed"] and "appi-bad." in bad_name["msg"]
    assert writes(appi_env.requests()) == []


def test_missing_workspace_is_azure_error_with_advice(play, appi_env):
    missing = appi_env.workspace_id + "-gone"
    (result,) = play([component(appi_env, location=LOCATION, workspace_resource_id=missing)])
    assert result["failed"] and "Could not create Application Insights component 'appi-it-mlops'" in result["msg"]
    assert "BadRequest" in result["msg"] and "What to do" in result["msg"]


def test_removal_and_info(play, appi_env):
    created, other, one, group, everything, missing, check, removed, removed_again, after = play(
        [
            component(appi_env, location=LOCATION),
            {
                "mlops.azure.app_insights": {
                    "name": "appi-it-other",
                    "resource_group": RG,
                    "workspace_resource_id": appi_env.workspace_id,
                }
            },
            {"mlops.azure.app_insights_info": {"name": APPI, "resource_group": RG}},
            {"mlops.azure.app_insights_info": {"resource_group": RG}},
            {"mlops.azure.app_insights_info": {}},
            {"mlops.azure.app_insights_info": {"name": "appi-missing", "resource_group": RG}},
            dict(
                {"mlops.azure.app_insights": {"name": APPI, "resource_group": RG, "state": "absent"}}, check_mode=True
            ),
            {"mlops.azure.app_insights": {"name": APPI, "resource_group": RG, "state": "absent"}},
            {"mlops.azure.app_insights": {"name": APPI, "resource_group": RG, "state": "absent"}},
            {"mlops.azure.app_insights_info": {"resource_group": RG}},
        ]
    )
    assert other["app_insights"]["location"] == LOCATION, "location from the resource group"
    assert one["app_insights"] == [created["app_insights"]]
    assert sorted(c["name"] for c in group["app_insights"]) == [APPI, "appi-it-other"]
    assert sorted(c["name"] for c in everything["app_insights"]) == [APPI, "appi-it-other"]
    assert missing["app_insights"] == [] and "connection_strings" not in one
    assert check["changed"] and check["diff"]["after"] == {}
    assert removed["changed"] and removed["app_insights"] is None and not removed_again["changed"]
    assert [c["name"] for c in after["app_insights"]] == ["appi-it-other"]
    with pytest.raises(ResourceNotFoundError):
        held(appi_env)
