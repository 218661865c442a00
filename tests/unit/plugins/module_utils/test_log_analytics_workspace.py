# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the Log Analytics workspace shape, compare rules and reconcile flow (no network)."""

from __future__ import annotations

from unittest import mock

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _log_analytics_workspace as law
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, reconcile
from azure_fakes import FakeModule

# The declaration's shape and compare rules.
shape_of = law.LogAnalyticsWorkspace.shape
RULES = law.LogAnalyticsWorkspace.field_rules()

RID = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/log-mlops"


def body(**props):
    base = {
        "customerId": "6f1b9e04-1f2c-4a5e-9f7c-0d3c1c2b3a4d",
        "sku": {"name": "pergb2018"},
        "retentionInDays": 30,
        "workspaceCapping": {"dailyQuotaGb": -1},
        "features": {"enableLogAccessUsingOnlyResourcePermissions": True},
        "provisioningState": "Succeeded",
    }
    base.update(props)
    return {"id": RID, "name": "log-mlops", "location": "westeurope", "tags": {}, "properties": base}


def workspace(current, check_mode=False, force=False):
    client = mock.MagicMock()
    client.workspaces.get.return_value = current
    resource = law.LogAnalyticsWorkspace(
        FakeModule(client, check_mode, subscription_id="s1"), "log-mlops", "rg1", location="westeurope", force=force
    )
    return resource, client


def test_shape_defaults():
    shape = shape_of(body(workspaceCapping=None, features=None))
    assert shape["customer_id"] == "6f1b9e04-1f2c-4a5e-9f7c-0d3c1c2b3a4d"
    assert shape["daily_quota_gb"] == -1.0 and shape["disable_local_auth"] is False
    assert shape["public_network_access_for_ingestion"] == "Enabled"
    assert shape["public_network_access_for_query"] == "Enabled"
    assert shape["resource_group"] == "rg1"


def test_compare_rules():
    current = shape_of(body())
    assert not compare(
        {"sku": "PerGB2018", "daily_quota_gb": -1, "location": "West Europe"},
        current,
        RULES,
    )
    assert compare({"daily_quota_gb": 5.0}, current, RULES).paths == ["daily_quota_gb"]


def test_update_body_keeps_the_other_features():
    current = body(features={"enableLogAccessUsingOnlyResourcePermissions": True, "clusterResourceId": "/x"})
    resource, client = workspace(current)
    client.workspaces.get.side_effect = [current, body(features={"disableLocalAuth": True})]
    result = reconcile(resource, {"disable_local_auth": True, "daily_quota_gb": 2.5, "retention_in_days": 30})
    assert result["changed"]
    (_rg, _name, sent), _kwargs = client.workspaces.update.call_args
    assert sent == {
        "properties": {
            "features": {"enableLogAccessUsingOnlyResourcePermissions": True, "disableLocalAuth": True},
            "workspaceCapping": {"dailyQuotaGb": 2.5},
        }
    }


def test_idempotent_and_check_mode():
    resource, client = workspace(body())
    result = reconcile(resource, {"sku": "PerGB2018", "retention_in_days": 30, "disable_local_auth": False})
    assert not result["changed"] and result["diff"]["before"] == result["diff"]["after"]
    resource, client = workspace(body(), check_mode=True)
    result = reconcile(resource, {"retention_in_days": 90, "tags": {"a": "1"}})
    assert (
        result["changed"] and result["resource"]["retention_in_days"] == 90 and result["resource"]["tags"] == {"a": "1"}
    )
    client.workspaces.update.assert_not_called()


def test_create_body_and_prediction():
    resource, client = workspace(None, check_mode=True)
    result = reconcile(resource, {"sku": "PerGB2018", "daily_quota_gb": 1.0, "disable_local_auth": True})
    after = result["resource"]
    assert after["id"] == RID and after["retention_in_days"] == 30 and after["customer_id"] is None
    assert after["daily_quota_gb"] == 1.0 and after["disable_local_auth"] is True
    client.workspaces.begin_create_or_update.assert_not_called()
    assert resource.body({"public_network_access_for_query": "Disabled"}) == {
        "location": "westeurope",
        "properties": {"sku": {"name": "PerGB2018"}, "publicNetworkAccessForQuery": "Disabled"},
    }


def test_capacity_reservation_needs_a_level():
    resource, client = workspace(body())
    with pytest.raises(Refusal, match="needs capacity_reservation_level"):
        reconcile(resource, {"sku": "CapacityReservation"})
    with pytest.raises(Refusal, match="applies only with sku CapacityReservation"):
        reconcile(resource, {"capacity_reservation_level": 100})
    client.workspaces.update.assert_not_called()
    reserved = body(sku={"name": "CapacityReservation", "capacityReservationLevel": 100})
    resource, client = workspace(reserved, check_mode=True)
    result = reconcile(resource, {"sku": "PerGB2018"})
    assert result["resource"]["sku"] == "PerGB2018" and result["resource"]["capacity_reservation_level"] is None
    sent = resource.body(
        dict(shape_of(body()), sku="CapacityReservation", capacity_reservation_level=100),
        compare(
            {"sku": "CapacityReservation"},
            shape_of(body()),
            RULES,
        ),
    )
    assert sent == {"properties": {"sku": {"name": "CapacityReservation", "capacityReservationLevel": 100}}}


def test_location_is_immutable_and_delete_passes_force():
    resource, client = workspace(body())
    with pytest.raises(Refusal, match="location"):
        reconcile(resource, {"location": "northeurope"})
    resource, client = workspace(body(), force=True)
    result = reconcile(resource, {}, state="absent")
    assert result["changed"]
    client.workspaces.begin_delete.assert_called_once_with("rg1", "log-mlops", force=True)


@pytest.mark.parametrize(
    "held, wanted, sent_features",
    [
        (None, None, None),
        ({"disableLocalAuth": True}, None, {"disableLocalAuth": True}),
        (None, False, {"disableLocalAuth": False}),
    ],
)
def test_repair_of_a_failed_workspace_sends_disable_local_auth_only_when_set(held, wanted, sent_features):
    features = {"enableLogAccessUsingOnlyResourcePermissions": True, **(held or {})}
    failed = body(provisioningState="Failed", features=features)
    resource, client = workspace(failed)
    client.workspaces.get.side_effect = [failed, body(features=features)]
    desired = {"retention_in_days": 30, "tags": {"a": "1"}}
    if wanted is not None:
        desired["disable_local_auth"] = wanted
    assert reconcile(resource, desired)["changed"]
    (_rg, _name, sent), _kwargs = client.workspaces.begin_create_or_update.call_args
    assert sent["properties"].get("features") == sent_features
    assert sent["properties"]["retentionInDays"] == 30 and sent["tags"] == {"a": "1"}
