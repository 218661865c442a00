"""Action groups and metric alerts (Microsoft.Insights)."""

from __future__ import annotations

import copy

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.monitor import MonitorManagementClient
from emulator_helpers import account_body, vault_body, with_status


@pytest.fixture
def mon(clean_emulator):
    return clean_emulator.client(MonitorManagementClient)


@pytest.fixture
def vault(kv, group, tenant):
    return kv.vaults.begin_create_or_update(group, "kv-alerted", vault_body(tenant)).result()


def action_group_body(short: str = "mlops-ops", location: str = "Global", **props) -> dict:
    properties = {
        "groupShortName": short,
        "enabled": True,
        "emailReceivers": [{"name": "oncall", "emailAddress": "oncall@example.com", "useCommonAlertSchema": True}],
        "webhookReceivers": [{"name": "pager", "serviceUri": "https://hooks.example.com/alert"}],
    }
    properties.update(props)
    return {"location": location, "properties": properties}


def alert_body(scope: str, metric: str = "Availability", **props) -> dict:
    criterion = {
        "criterionType": "StaticThresholdCriterion",
        "name": "c1",
        "metricName": metric,
        "operator": "LessThan",
        "threshold": 99.9,
        "timeAggregation": "Average",
    }
    properties = {
        "severity": 1,
        "enabled": True,
        "scopes": [scope],
        "evaluationFrequency": "PT5M",
        "windowSize": "PT15M",
        "criteria": {
            "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            "allOf": [criterion],
        },
    }
    properties.update(props)
    return {"location": "global", "properties": properties}


# action groups --------------------------------------------------------------------------------------------------------
def test_action_group_lifecycle(mon, group):
    status, created = with_status(mon.action_groups.create_or_update, group, "ag-ops", action_group_body())
    assert status == 201
    assert created.location == "Global"
    assert created.id.lower().endswith(f"/resourcegroups/{group}/providers/microsoft.insights/actiongroups/ag-ops")
    assert created.group_short_name == "mlops-ops" and created.enabled is True
    assert created.email_receivers[0].status == "Enabled"  # read-only, filled by the service
    assert created.webhook_receivers[0].use_common_alert_schema is False
    assert created.sms_receivers == []
    status, updated = with_status(
        mon.action_groups.create_or_update, group, "ag-ops", action_group_body(short="ops", location="global")
    )
    assert status == 200 and updated.group_short_name == "ops"
    patched = mon.action_groups.update(group, "ag-ops", {"tags": {"env": "dev"}, "properties": {"enabled": False}})
    assert patched.tags == {"env": "dev"} and patched.enabled is False
    assert mon.action_groups.get(group, "AG-OPS").enabled is False
    assert [g.name for g in mon.action_groups.list_by_resource_group(group)] == ["ag-ops"]
    assert [g.name for g in mon.action_groups.list_by_subscription_id()] == ["ag-ops"]
    assert with_status(mon.action_groups.delete, group, "ag-ops")[0] == 200
    assert with_status(mon.action_groups.delete, group, "ag-ops")[0] == 204
    with pytest.raises(ResourceNotFoundError) as info:
        mon.action_groups.get(group, "ag-ops")
    assert info.value.error.code == "ResourceNotFound"


def test_action_group_refusals(mon, group):
    with pytest.raises(HttpResponseError) as info:
        mon.action_groups.create_or_update(group, "ag", action_group_body(short="thirteen-char"))
    assert (info.value.status_code, info.value.error.code) == (400, "GroupShortNameIsTooLong")
    assert info.value.error.message == (
        "The action group short name 'thirteen-char' is too long. Please specify a short name with '12' or less "
        "characters."
    )
    with pytest.raises(HttpResponseError) as info:
        mon.action_groups.create_or_update(group, "ag", action_group_body(location="westeurope"))
    assert info.value.error.code == "LocationNotAvailableForResourceType"
    body = action_group_body()
    del body["properties"]["groupShortName"]
    with pytest.raises(HttpResponseError) as info:
        mon.action_groups.create_or_update(group, "ag", body)
    assert info.value.status_code == 400
    duplicate = action_group_body(webhookReceivers=[{"name": "OnCall", "serviceUri": "https://hooks.example.com/x"}])
    with pytest.raises(HttpResponseError) as info:
        mon.action_groups.create_or_update(group, "ag", duplicate)
    assert info.value.status_code == 400  # receiver names are unique (case-insensitive) across all receivers
    with pytest.raises(ResourceNotFoundError) as info:
        mon.action_groups.create_or_update("rg-missing", "ag", action_group_body())
    assert info.value.error.code == "ResourceGroupNotFound"


# metric alerts --------------------------------------------------------------------------------------------------------
def test_metric_alert_lifecycle_on_a_vault(mon, group, vault):
    group_of_actions = mon.action_groups.create_or_update(group, "ag-ops", action_group_body())
    body = alert_body(vault.id, actions=[{"actionGroupId": group_of_actions.id}])
    body["properties"]["criteria"]["allOf"].append(
        {
            "criterionType": "StaticThresholdCriterion",
            "name": "denied",
            "metricName": "ServiceApiResult",
            "operator": "GreaterThan",
            "threshold": 0,
            "timeAggregation": "Count",
            "dimensions": [{"name": "StatusCode", "operator": "Include", "values": ["401", "403"]}],
        }
    )
    status, created = with_status(mon.metric_alerts.create_or_update, group, "kv-availability", body)
    assert status == 200  # created: still 200
    assert created.location == "global"
    assert created.id.lower().endswith("/providers/microsoft.insights/metricalerts/kv-availability")
    assert created.auto_mitigate is True  # server default
    assert created.actions[0].action_group_id == group_of_actions.id
    assert created.last_updated_time is not None
    assert [c.metric_name for c in created.criteria.all_of] == ["Availability", "ServiceApiResult"]
    assert created.criteria.all_of[1].dimensions[0].values == ["401", "403"]
    status, updated = with_status(mon.metric_alerts.create_or_update, group, "kv-availability", alert_body(vault.id))
    assert status == 200 and updated.actions == []
    patched = mon.metric_alerts.update(group, "kv-availability", {"properties": {"enabled": False, "severity": 3}})
    assert (patched.enabled, patched.severity) == (False, 3)
    assert mon.metric_alerts.get(group, "kv-availability").severity == 3
    assert [a.name for a in mon.metric_alerts.list_by_resource_group(group)] == ["kv-availability"]
    assert [a.name for a in mon.metric_alerts.list_by_subscription()] == ["kv-availability"]
    assert with_status(mon.metric_alerts.delete, group, "kv-availability")[0] == 200
    assert with_status(mon.metric_alerts.delete, group, "kv-availability")[0] == 204


def test_metric_alert_on_storage(mon, st, group):
    account = st.storage_accounts.begin_create(group, "stalerted01", account_body()).result()
    created = mon.metric_alerts.create_or_update(group, "st-capacity", alert_body(account.id, "UsedCapacity"))
    assert created.scopes == [account.id]
    with pytest.raises(HttpResponseError) as info:
        mon.metric_alerts.create_or_update(group, "st-wrong", alert_body(account.id, "ServiceApiLatency"))
    assert info.value.error.message.startswith("Couldn't find a metric named ServiceApiLatency.")


def refused(mon, group, body) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as info:
        mon.metric_alerts.create_or_update(group, "bad-alert", body)
    assert info.value.status_code == 400
    return info.value


def test_metric_alert_refusals(clean_emulator, mon, st, group, vault):
    error = refused(mon, group, alert_body(vault.id, "Avaliability"))
    assert error.error.code == "BadRequest"
    assert error.error.message.startswith("Couldn't find a metric named Avaliability.")
    assert refused(mon, group, alert_body(vault.id, windowSize="PT2M")).error.code == "BadRequest"
    assert refused(mon, group, alert_body(vault.id, evaluationFrequency="PT10M")).error.code == "BadRequest"
    error = refused(mon, group, alert_body(vault.id, evaluationFrequency="PT1M", windowSize="PT6H"))
    assert error.error.message == (
        "Evaluation frequency must be greater than or equal to five minutes since the period is greater than four "
        "hours."
    )
    refused(mon, group, alert_body(vault.id, evaluationFrequency="PT15M", windowSize="PT5M"))
    refused(mon, group, alert_body(vault.id, severity=5))
    missing = vault.id.replace("kv-alerted", "kv-missing")
    assert refused(mon, group, alert_body(missing)).error.message.startswith("Alert scope is invalid.")
    no_group = (
        f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}/providers/microsoft.insights/"
        "actionGroups/ag-missing"
    )
    error = refused(mon, group, alert_body(vault.id, actions=[{"actionGroupId": no_group}]))
    assert error.error.message == f"Arm resource {no_group} is invalid or in a different subscription as alert rule."
    wrong_location = copy.deepcopy(alert_body(vault.id))
    wrong_location["location"] = "westeurope"
    assert refused(mon, group, wrong_location).error.code == "LocationNotAvailableForResourceType"
    account = st.storage_accounts.begin_create(group, "stmixed01", account_body()).result()
    mixed = alert_body(vault.id)
    mixed["properties"]["scopes"].append(account.id)
    mixed["properties"]["criteria"]["odata.type"] = "Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria"
    error = refused(mon, group, mixed)
    assert error.error.message == "You can't define a scope that is different from the selected target resource type."
    assert mon.metric_alerts.list_by_resource_group(group) is not None
    assert list(mon.metric_alerts.list_by_resource_group(group)) == []
