# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the Application Insights shape, secrets handling and reconcile flow (no network)."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _app_insights as ai
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, reconcile
from azure_fakes import FakeModule

RID = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Insights/components/appi-mlops"
WS = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/log-mlops"
KEY = "00000000-1111-2222-3333-444444444444"
CONN = f"InstrumentationKey={KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"


def body(tags=None, **props):
    base = {
        "Application_Type": "web",
        "Flow_Type": "Bluefield",
        "Request_Source": "rest",
        "SamplingPercentage": 50.0,
        "WorkspaceResourceId": WS,
        "IngestionMode": "LogAnalytics",
        "ConnectionString": CONN,
        "InstrumentationKey": KEY,
        "AppId": "a1b2",
        "ApplicationId": "appi-mlops",
        "RetentionInDays": 90,
        "provisioningState": "Succeeded",
    }
    base.update(props)
    return {
        "id": RID,
        "name": "appi-mlops",
        "location": "westeurope",
        "kind": "web",
        "tags": tags or {},
        "properties": base,
    }


def component(current, check_mode=False):
    client = mock.MagicMock()
    client.components.get.return_value = current
    return ai.AppInsights(
        FakeModule(client, check_mode, subscription_id="s1"), "appi-mlops", "rg1", location="westeurope"
    ), client


def test_shape_holds_no_secret():
    shape = ai.AppInsights.shape(body())
    text = json.dumps(shape)
    assert KEY not in text and "ConnectionString" not in text and "connection_string" not in shape
    assert shape["workspace_resource_id"] == WS and shape["ingestion_mode"] == "LogAnalytics"
    assert shape["disable_local_auth"] is False and shape["public_network_access_for_query"] == "Enabled"
    assert ai.component_secrets(body()) == {"connection_string": CONN, "instrumentation_key": KEY}
    assert ai.component_secrets(None) == {"connection_string": None, "instrumentation_key": None}


def test_classic_component_reads_as_application_insights_ingestion():
    shape = ai.AppInsights.shape(body(WorkspaceResourceId=None, IngestionMode=None))
    assert shape["ingestion_mode"] == "ApplicationInsights" and shape["workspace_resource_id"] is None


def test_put_body_keeps_unmanaged_settings_and_fixes_ingestion_mode():
    after = dict(ai.AppInsights.shape(body()), disable_local_auth=True, tags={"a": "1"})
    resource, _client = component(body())
    resource.read()
    sent = resource.put_body(after)
    props = sent["properties"]
    assert props["SamplingPercentage"] == 50.0 and props["Flow_Type"] == "Bluefield"
    assert props["IngestionMode"] == "LogAnalytics" and props["DisableLocalAuth"] is True
    assert "ConnectionString" not in props and "InstrumentationKey" not in props and "AppId" not in props
    assert sent["tags"] == {"a": "1"} and sent["kind"] == "web"
    new = component(None)[0].body({"workspace_resource_id": WS})
    assert new["properties"]["Application_Type"] == "web" and new["properties"]["Request_Source"] == "rest"


def test_tags_only_change_is_a_patch():
    resource, client = component(body(tags={"env": "dev"}))
    client.components.get.side_effect = [body(tags={"env": "dev"}), body(tags={"env": "dev", "a": "1"})]
    result = reconcile(
        resource, {"workspace_resource_id": WS.upper(), "ingestion_mode": "LogAnalytics", "tags": {"a": "1"}}
    )
    assert result["changed"]
    client.components.update_tags.assert_called_once_with("rg1", "appi-mlops", {"tags": {"env": "dev", "a": "1"}})
    client.components.create_or_update.assert_not_called()
    assert KEY not in json.dumps(result)


def test_property_change_is_a_put_and_no_secret_reaches_the_diff():
    resource, client = component(body())
    client.components.get.side_effect = [body(), body(DisableLocalAuth=True)]
    result = reconcile(
        resource, {"workspace_resource_id": WS, "ingestion_mode": "LogAnalytics", "disable_local_auth": True}
    )
    assert result["changed"]
    client.components.create_or_update.assert_called_once()
    assert KEY not in json.dumps(result)
    assert resource.secrets()["connection_string"] == CONN


def test_idempotent_and_classic_migration():
    resource, client = component(body())
    result = reconcile(
        resource, {"workspace_resource_id": WS, "ingestion_mode": "LogAnalytics", "application_type": "WEB"}
    )
    assert not result["changed"]
    client.components.create_or_update.assert_not_called()
    resource, client = component(body(WorkspaceResourceId=None, IngestionMode="ApplicationInsights"), check_mode=True)
    result = reconcile(resource, {"workspace_resource_id": WS, "ingestion_mode": "LogAnalytics"})
    assert result["changed"] and result["resource"]["ingestion_mode"] == "LogAnalytics"
    client.components.create_or_update.assert_not_called()


def test_refusals():
    resource, client = component(None)
    with pytest.raises(Refusal, match="workspace_resource_id is required"):
        reconcile(resource, {"ingestion_mode": "LogAnalytics"})
    resource, client = component(body())
    with pytest.raises(Refusal, match="location"):
        reconcile(resource, {"workspace_resource_id": WS, "location": "eastus"})
    client.components.create_or_update.assert_not_called()


def test_check_mode_create_prediction():
    resource, client = component(None, check_mode=True)
    result = reconcile(
        resource, {"workspace_resource_id": WS, "ingestion_mode": "LogAnalytics", "retention_in_days": 30}
    )
    after = result["resource"]
    assert after["id"] == RID and after["kind"] == "web" and after["application_type"] == "web"
    assert after["retention_in_days"] == 30 and after["app_id"] is None
    client.components.create_or_update.assert_not_called()
