# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_metric_alert.py: durations, criteria shapes and bodies, compare rules, refusals."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _metric_alert as ma
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, prune, reconcile
from azure.core.exceptions import ResourceNotFoundError
from azure_fakes import FakeModule

SUB = "00000000-0000-0000-0000-000000000001"
VAULT = f"/subscriptions/{SUB}/resourceGroups/rg-mlops/providers/Microsoft.KeyVault/vaults/kv-mlops"
AG = f"/subscriptions/{SUB}/resourceGroups/rg-mlops/providers/microsoft.insights/actionGroups/ag-mlops"

REST = {
    "id": f"/subscriptions/{SUB}/resourceGroups/rg-mlops/providers/Microsoft.Insights/metricAlerts/al-kv",
    "name": "al-kv",
    "location": "global",
    "tags": {},
    "properties": {
        "description": "availability",
        "severity": 1,
        "enabled": True,
        "scopes": [VAULT],
        "evaluationFrequency": "PT5M",
        "windowSize": "PT1H",
        "autoMitigate": True,
        "lastUpdatedTime": "2024-01-01T00:00:00Z",
        "criteria": {
            "odata.type": ma.SINGLE_RESOURCE_CRITERIA,
            "allOf": [
                {
                    "criterionType": "StaticThresholdCriterion",
                    "name": "availability",
                    "metricName": "Availability",
                    "metricNamespace": "Microsoft.KeyVault/vaults",
                    "operator": "LessThan",
                    "threshold": 99.9,
                    "timeAggregation": "Average",
                    "dimensions": [],
                    "skipMetricValidation": False,
                }
            ],
        },
        "actions": [{"actionGroupId": AG, "webHookProperties": {"team": "platform"}}],
    },
}


@pytest.mark.parametrize(
    "value, seconds",
    [("PT1M", 60), ("pt5m", 300), ("PT1H", 3600), ("PT60M", 3600), ("P1D", 86400), ("PT24H", 86400), ("PT30S", 30)],
)
def test_durations(value, seconds):
    assert ma.duration_seconds(value) == seconds


@pytest.mark.parametrize("value", ["5m", "P", "PT", "P1DT", "PT1X", "", None, 60])
def test_not_durations(value):
    assert ma.duration_seconds(value) is None


def test_timing_errors():
    assert ma.timing_errors("PT1M", "PT5M") == []
    assert ma.timing_errors("PT5M", "PT5M") == []
    assert ma.timing_errors(None, None) == []
    (short,) = ma.timing_errors("PT15M", "PT5M")
    assert "window_size" in short and "evaluation_frequency" in short
    (bad,) = ma.timing_errors("5 minutes", None)
    assert "ISO 8601" in bad


def test_shape():
    shape = ma.metric_alert_shape(REST)
    assert shape["resource_group"] == "rg-mlops"
    assert shape["criteria"] == [
        {
            "name": "availability",
            "metric_name": "Availability",
            "metric_namespace": "Microsoft.KeyVault/vaults",
            "operator": "LessThan",
            "threshold": 99.9,
            "time_aggregation": "Average",
            "dimensions": [],
        }
    ]
    assert shape["actions"] == [AG] and shape["criteria_type"] == ma.SINGLE_RESOURCE_CRITERIA
    assert shape["severity"] == 1 and shape["window_size"] == "PT1H"


def test_desired_criteria_shape():
    criteria = ma.desired_criteria(
        [
            {
                "name": "throttled",
                "metric_name": "ServiceApiResult",
                "metric_namespace": None,
                "operator": "GreaterThan",
                "threshold": 0,
                "time_aggregation": "Count",
                "dimensions": [{"name": "StatusCode", "operator": None, "values": ["429"]}],
            }
        ]
    )
    assert prune(criteria) == [
        {
            "name": "throttled",
            "metric_name": "ServiceApiResult",
            "operator": "GreaterThan",
            "threshold": 0.0,
            "time_aggregation": "Count",
            "dimensions": [{"name": "StatusCode", "operator": "Include", "values": ["429"]}],
        }
    ]
    assert ma.desired_criteria(None) is None


def test_criteria_body_is_single_resource_static_threshold():
    shape = ma.fill_criteria_defaults(
        {
            "criteria": [
                {
                    "name": "c",
                    "metric_name": "Availability",
                    "operator": "LessThan",
                    "threshold": 99.0,
                    "time_aggregation": "Average",
                }
            ]
        }
    )
    body = ma.criteria_body(shape["criteria"])
    assert body == {
        "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        "allOf": [
            {
                "criterionType": "StaticThresholdCriterion",
                "name": "c",
                "metricName": "Availability",
                "operator": "LessThan",
                "threshold": 99.0,
                "timeAggregation": "Average",
                "dimensions": [],
            }
        ],
    }


def test_put_body_keeps_what_it_does_not_manage():
    shape = ma.metric_alert_shape(REST)
    shape["criteria"][0]["threshold"] = 99.5
    body = ma.metric_alert_body(shape, REST)
    props = body["properties"]
    assert "lastUpdatedTime" not in props
    assert props["criteria"]["allOf"][0]["skipMetricValidation"] is False
    assert props["criteria"]["allOf"][0]["threshold"] == 99.5
    assert props["actions"] == [{"actionGroupId": AG, "webHookProperties": {"team": "platform"}}]
    assert body["location"] == "global" and body["tags"] == {}


def test_compare_uses_azure_equivalences():
    current = ma.metric_alert_shape(REST)
    rules = ma.METRIC_ALERT_RULES
    desired = prune(
        {
            "scopes": [VAULT.upper()],
            "actions": [AG.lower() + "/"],
            "evaluation_frequency": "pt5m",
            "window_size": "PT60M",
            "criteria_type": ma.SINGLE_RESOURCE_CRITERIA.lower(),
            "criteria": ma.desired_criteria(
                [
                    {
                        "name": "availability",
                        "metric_name": "availability",
                        "metric_namespace": "microsoft.keyvault/vaults",
                        "operator": "lessthan",
                        "threshold": "99.9",
                        "time_aggregation": "average",
                        "dimensions": None,
                    }
                ]
            ),
        }
    )
    assert not compare(desired, current, rules), compare(desired, current, rules)
    desired["criteria"][0]["threshold"] = 99.0
    desired["criteria"].append(dict(desired["criteria"][0], name="second"))
    assert compare(desired, current, rules).paths == ["criteria[availability].threshold", "criteria[second]"]


def test_dimension_values_compare_as_sets():
    rest = copy.deepcopy(REST)
    rest["properties"]["criteria"]["allOf"][0]["dimensions"] = [
        {"name": "ActivityName", "operator": "Include", "values": ["a", "b"]}
    ]
    current = ma.metric_alert_shape(rest)
    desired = {
        "criteria": [
            dict(
                current["criteria"][0],
                dimensions=[{"name": "activityname", "operator": "include", "values": ["b", "a"]}],
            )
        ]
    }
    assert not compare(desired, current, ma.METRIC_ALERT_RULES)
    desired["criteria"][0]["dimensions"][0]["values"] = ["a"]
    assert compare(desired, current, ma.METRIC_ALERT_RULES).paths == [
        "criteria[availability].dimensions[activityname].values"
    ]


# ---------------------------------------------------------------------------------------------
# The resource
# ---------------------------------------------------------------------------------------------


class FakeAlerts:
    def __init__(self, body=None):
        self.body = copy.deepcopy(body)
        self.puts = []

    def get(self, rg, name):
        if self.body is None:
            raise ResourceNotFoundError("ResourceNotFound")
        return self.body

    def create_or_update(self, rg, name, body):
        self.puts.append(copy.deepcopy(body))
        self.body = dict(copy.deepcopy(body), id=REST["id"], name=name)
        return self.body

    def delete(self, rg, name):
        self.body = None


class FakeClient:
    def __init__(self, body=None):
        self.metric_alerts = FakeAlerts(body)


def resource(client, check_mode=False):
    return ma.MetricAlert(FakeModule(client, check_mode), "al-kv", "rg-mlops")


CRITERIA = ma.desired_criteria(
    [
        {
            "name": "availability",
            "metric_name": "Availability",
            "metric_namespace": None,
            "operator": "LessThan",
            "threshold": 99.9,
            "time_aggregation": "Average",
            "dimensions": None,
        }
    ]
)


def desired(**extra):
    return prune(
        dict(
            {"scopes": [VAULT], "criteria_type": ma.SINGLE_RESOURCE_CRITERIA, "criteria": copy.deepcopy(CRITERIA)},
            **extra,
        )
    )


def test_check_mode_predicts_the_real_result_with_create_defaults():
    predicted = reconcile(resource(FakeClient(), check_mode=True), desired())["resource"]
    client = FakeClient()
    real = reconcile(resource(client), desired())["resource"]
    assert predicted == real
    assert real["severity"] == 3 and real["evaluation_frequency"] == "PT1M" and real["window_size"] == "PT5M"
    assert real["enabled"] and real["auto_mitigate"] and real["actions"] == []
    assert not reconcile(resource(client), desired())["changed"]


def test_create_needs_scopes_and_criteria():
    with pytest.raises(Refusal) as caught:
        reconcile(resource(FakeClient()), {"severity": 2})
    assert "scopes and criteria" in caught.value.msg


def test_window_shorter_than_frequency_refused_against_current_values():
    client = FakeClient(REST)
    with pytest.raises(Refusal) as caught:
        reconcile(resource(client), {"window_size": "PT1M"})
    assert "window_size" in caught.value.msg
    assert client.metric_alerts.puts == []


def test_removing_every_criterion_is_refused():
    with pytest.raises(Refusal):
        reconcile(resource(FakeClient(REST)), {"criteria": []})


def test_update_severity_and_actions():
    client = FakeClient(REST)
    result = reconcile(resource(client), {"severity": 0, "actions": []})
    assert result["changed"]
    assert result["diff"]["before"]["severity"] == 1 and result["diff"]["after"]["severity"] == 0
    (put,) = client.metric_alerts.puts
    assert put["properties"]["actions"] == [] and put["properties"]["severity"] == 0
    assert put["properties"]["windowSize"] == "PT1H", "settings not given are kept"
