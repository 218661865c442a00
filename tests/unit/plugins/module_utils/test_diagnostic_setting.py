# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the diagnostic setting shape, entry sets and reconcile flow (no network)."""

from __future__ import annotations

from unittest import mock

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _diagnostic_setting as ds
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, reconcile
from azure_fakes import FakeModule

VAULT = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1"
WS = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/log1"
ST = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st1"


def body(**props):
    base = {
        "workspaceId": WS,
        "logs": [
            {"categoryGroup": "audit", "enabled": True, "retentionPolicy": {"enabled": False, "days": 0}},
            {"category": "AzurePolicyEvaluationDetails", "enabled": False},
        ],
        "metrics": [{"category": "AllMetrics", "enabled": False}],
    }
    base.update(props)
    return {
        "id": VAULT + "/providers/microsoft.insights/diagnosticSettings/audit",
        "name": "audit",
        "properties": base,
    }


def setting(current, check_mode=False):
    client = mock.MagicMock()
    client.diagnostic_settings.get.return_value = current
    return ds.DiagnosticSetting(FakeModule(client, check_mode, subscription_id="s1"), "audit", VAULT + "/"), client


def test_shape_lists_only_enabled_entries():
    shape = ds.diagnostic_setting_shape(body())
    assert shape["resource_id"] == VAULT
    assert shape["logs"] == [{"category": None, "category_group": "audit", "enabled": True}]
    assert shape["metrics"] == [] and shape["storage_account_id"] is None


def test_desired_entries():
    logs, problems = ds.desired_entries(
        [
            {"category": "AuditEvent", "category_group": None, "enabled": True},
            {"category": None, "category_group": "allLogs", "enabled": False},
        ],
        "logs",
    )
    assert logs == [{"category": "AuditEvent", "category_group": None, "enabled": True}] and problems == []
    _logs, problems = ds.desired_entries(
        [{"category": "A", "category_group": "audit"}, {"category": None, "category_group": None}], "logs"
    )
    assert len(problems) == 2 and "exactly one" in problems[0]
    _metrics, problems = ds.desired_entries([{"category": "AllMetrics"}, {"category": "allmetrics"}], "metrics")
    assert problems == ["metrics lists allmetrics twice"]
    assert ds.desired_entries(None, "logs") == (None, [])


def test_compare_entries_as_sets_and_destinations_case_insensitively():
    current = ds.diagnostic_setting_shape(
        body(logs=[{"category": "AuditEvent", "enabled": True}, {"category": "StorageRead", "enabled": True}])
    )
    desired = {
        "workspace_id": WS.upper(),
        "storage_account_id": "",
        "logs": [{"category": "storageread", "enabled": True}, {"category": "auditevent", "enabled": True}],
        "metrics": [],
    }
    assert not compare(desired, current, ds.DIAGNOSTIC_RULES)
    assert compare({"logs": [{"category_group": "audit", "enabled": True}]}, current, ds.DIAGNOSTIC_RULES)


def test_idempotent_sends_nothing():
    resource, client = setting(body())
    result = reconcile(resource, {"workspace_id": WS, "logs": [{"category_group": "audit", "enabled": True}]})
    assert not result["changed"] and result["diff"]["before"] == result["diff"]["after"]
    client.diagnostic_settings.create_or_update.assert_not_called()


def test_update_keeps_event_hub_and_unmanaged_entries():
    current = body(eventHubName="hub", eventHubAuthorizationRuleId="/rule")
    resource, client = setting(current)
    client.diagnostic_settings.get.side_effect = [current, current]
    reconcile(resource, {"storage_account_id": ST, "metrics": [{"category": "AllMetrics", "enabled": True}]})
    (resource_uri, name, sent), _kwargs = client.diagnostic_settings.create_or_update.call_args
    assert resource_uri == VAULT and name == "audit"
    assert sent == {
        "properties": {
            "eventHubAuthorizationRuleId": "/rule",
            "eventHubName": "hub",
            "workspaceId": WS,
            "storageAccountId": ST,
            "logs": [{"enabled": True, "categoryGroup": "audit"}],
            "metrics": [{"category": "AllMetrics", "enabled": True}],
        }
    }


def test_empty_string_removes_a_destination():
    resource, client = setting(body(storageAccountId=ST), check_mode=True)
    result = reconcile(resource, {"storage_account_id": ""})
    assert result["changed"] and result["resource"]["storage_account_id"] is None
    assert result["resource"]["workspace_id"] == WS
    client.diagnostic_settings.create_or_update.assert_not_called()


def test_check_mode_create_prediction_matches_read_back_shape():
    resource, client = setting(None, check_mode=True)
    result = reconcile(
        resource,
        {
            "workspace_id": WS,
            "logs": [{"category_group": "audit", "enabled": True}],
            "metrics": [{"category": "AllMetrics", "enabled": True}],
        },
    )
    after = result["resource"]
    assert after["logs"] == [{"category": None, "category_group": "audit", "enabled": True}]
    assert after["metrics"] == [{"category": "AllMetrics", "enabled": True}]
    assert after["id"] == VAULT + "/providers/Microsoft.Insights/diagnosticSettings/audit"
    client.diagnostic_settings.create_or_update.assert_not_called()


@pytest.mark.parametrize(
    "current, desired, words",
    [
        (None, {"logs": [{"category_group": "audit", "enabled": True}]}, "no destination"),
        (body(), {"workspace_id": ""}, "no destination"),
        (None, {"workspace_id": WS, "logs": []}, "collect nothing"),
        (body(), {"logs": [], "metrics": []}, "collect nothing"),
        (
            body(),
            {"logs": [{"category": "AuditEvent", "enabled": True}, {"category_group": "audit", "enabled": True}]},
            "either",
        ),
    ],
)
def test_refusals_before_any_write(current, desired, words):
    resource, client = setting(current)
    with pytest.raises(Refusal, match=words):
        reconcile(resource, desired)
    client.diagnostic_settings.create_or_update.assert_not_called()
