"""mlops.azure.metric_alert against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.monitor import MonitorManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-metric"
ACCOUNT = "stitmetric01"
NAME = "al-it-storage-availability"


@pytest.fixture
def alert_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": "westeurope"})
    account = (
        clean_emulator.client(StorageManagementClient)
        .storage_accounts.begin_create(
            RG, ACCOUNT, {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
        )
        .result()
    )
    monitor = clean_emulator.client(MonitorManagementClient)
    groups = [
        monitor.action_groups.create_or_update(
            RG, name, {"location": "Global", "properties": {"groupShortName": name[-8:], "enabled": True}}
        )
        for name in ("ag-it-first", "ag-it-second")
    ]
    clean_emulator.clear_requests()
    clean_emulator.account_id = account.id
    clean_emulator.group_ids = [g.id for g in groups]
    return clean_emulator


def alert(**args):
    return {"mlops.azure.metric_alert": dict({"name": NAME, "resource_group": RG}, **args)}


def criterion(**extra):
    return dict(
        {
            "name": "availability",
            "metric_name": "Availability",
            "metric_namespace": "Microsoft.Storage/storageAccounts",
            "operator": "LessThan",
            "threshold": 99.9,
            "time_aggregation": "Average",
        },
        **extra,
    )


def test_four_steps(play, alert_env):
    args = {
        "scopes": [alert_env.account_id],
        "description": "Storage availability below 99.9 %",
        "severity": 1,
        "evaluation_frequency": "PT5M",
        "window_size": "PT15M",
        "criteria": [criterion()],
        "actions": [alert_env.group_ids[0]],
        "tags": {"env": "dev"},
    }
    # The same alert spelt as Azure also accepts it: ids in another case, durations in lower case, 99.90.
    same = dict(
        args,
        scopes=[alert_env.account_id.upper()],
        evaluation_frequency="pt5m",
        criteria=[criterion(threshold=99.90, operator="LessThan", metric_name="availability")],
        actions=[alert_env.group_ids[0].lower()],
    )
    check, real, check_again, real_again = play(
        [
            dict(alert(**args), check_mode=True),
            alert(**args),
            dict(alert(**same), check_mode=True),
            CLEAR_REQUESTS,
            alert(**args),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    predicted, created = dict(check["metric_alert"]), dict(real["metric_alert"])
    assert predicted.pop("id").lower() == created.pop("id").lower()
    assert predicted == created, "check mode predicts the real result"
    assert created["criteria"] == [dict(criterion(), dimensions=[])]
    assert created["auto_mitigate"] is True and created["enabled"] is True and created["location"] == "global"
    for result in (check_again, real_again):
        assert not result["changed"], result["diff"]
        assert result["diff"]["before"] == result["diff"]["after"] == real["metric_alert"]

    held = alert_env.client(MonitorManagementClient).metric_alerts.get(RG, NAME)
    assert held.severity == 1 and held.enabled and held.tags == {"env": "dev"}
    assert held.criteria.odata_type == "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
    (held_criterion,) = held.criteria.all_of
    assert held_criterion.metric_name == "Availability" and held_criterion.threshold == 99.9
    assert [a.action_group_id.lower() for a in held.actions] == [alert_env.group_ids[0].lower()]
    assert writes(alert_env.requests()) == [], "the idempotent real run sends no write"


def test_updates_and_removal(play, alert_env):
    base = {"scopes": [alert_env.account_id], "criteria": [criterion()], "actions": [alert_env.group_ids[0]]}
    play([alert(**base)])
    threshold, dimension, second, disabled, actions, removed_check, removed, removed_again = play(
        [
            alert(criteria=[criterion(threshold=99.0)]),
            alert(criteria=[criterion(threshold=99.0, dimensions=[{"name": "ApiName", "values": ["GetBlob"]}])]),
            alert(
                criteria=[
                    criterion(threshold=99.0),
                    {
                        "name": "transactions",
                        "metric_name": "Transactions",
                        "operator": "GreaterThan",
                        "threshold": 1000,
                        "time_aggregation": "Total",
                    },
                ]
            ),
            alert(enabled=False, severity=4, window_size="PT1H"),
            alert(actions=list(reversed(alert_env.group_ids))),
            dict(alert(state="absent"), check_mode=True),
            alert(state="absent"),
            alert(state="absent"),
        ]
    )
    assert threshold["changed"] and threshold["diff"]["before"]["criteria"][0]["threshold"] == 99.9
    assert threshold["metric_alert"]["criteria"][0]["threshold"] == 99.0
    assert dimension["metric_alert"]["criteria"][0]["dimensions"] == [
        {"name": "ApiName", "operator": "Include", "values": ["GetBlob"]}
    ]
    assert [c["name"] for c in second["metric_alert"]["criteria"]] == ["availability", "transactions"]
    assert second["metric_alert"]["criteria"][0]["dimensions"], "dimensions not given are kept"
    assert not disabled["metric_alert"]["enabled"] and disabled["metric_alert"]["severity"] == 4
    assert disabled["metric_alert"]["window_size"] == "PT1H"
    assert sorted(a.lower() for a in actions["metric_alert"]["actions"]) == sorted(
        g.lower() for g in alert_env.group_ids
    )
    assert removed_check["changed"] and removed["changed"] and not removed_again["changed"]
    with pytest.raises(ResourceNotFoundError):
        alert_env.client(MonitorManagementClient).metric_alerts.get(RG, NAME)


def test_refusals_before_any_write(play, alert_env):
    base = {"scopes": [alert_env.account_id], "criteria": [criterion()]}
    play([alert(**base)])
    alert_env.clear_requests()
    short_window, bad_duration, no_criteria, missing_scopes, duplicate, unknown_metric = play(
        [
            alert(evaluation_frequency="PT15M", window_size="PT5M"),
            alert(window_size="5 minutes"),
            alert(criteria=[]),
            {"mlops.azure.metric_alert": {"name": "al-it-new", "resource_group": RG, "severity": 2}},
            alert(criteria=[criterion(), criterion(threshold=1)]),
            alert(criteria=[criterion(metric_name="NoSuchMetric", metric_namespace=None)]),
        ]
    )
    assert short_window["failed"] and "window_size" in short_window["msg"]
    assert bad_duration["failed"] and "ISO 8601" in bad_duration["msg"]
    assert no_criteria["failed"] and "criteria" in no_criteria["msg"]
    assert missing_scopes["failed"] and "scopes and criteria" in missing_scopes["msg"]
    assert duplicate["failed"] and "unique" in duplicate["msg"]
    # Azure itself refuses a metric the resource does not have: the failure names the alert and Azure's answer.
    assert unknown_metric["failed"] and NAME in unknown_metric["msg"] and "NoSuchMetric" in unknown_metric["msg"]
    sent = [(w.split()[0], w.split()[-1]) for w in writes(alert_env.requests())]
    assert sent == [("PUT", "400")], "only the unknown metric reached Azure, which refused it"
