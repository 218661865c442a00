"""Application Insights components: synchronous PUT (200), PascalCase properties, read-only keys, workspace-based
only, tags-only PATCH, delete."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from emulator_helpers import LOCATION


@pytest.fixture
def ai(clean_emulator):
    return clean_emulator.client(ApplicationInsightsManagementClient)


@pytest.fixture
def workspace_id(clean_emulator, group):
    la = clean_emulator.client(LogAnalyticsManagementClient)
    return la.workspaces.begin_create_or_update(group, "log-appi", {"location": LOCATION}).result().id


def component(workspace_id=None, **properties) -> dict:
    props = {"Application_Type": "web"}
    if workspace_id:
        props["WorkspaceResourceId"] = workspace_id
    props.update(properties)
    return {"location": LOCATION, "kind": "web", "properties": props}


def test_create_read_update_tags_delete(clean_emulator, ai, group, workspace_id):
    created = ai.components.create_or_update(group, "appi-mlops", component(workspace_id))
    put = [r for r in clean_emulator.requests() if r["method"] == "PUT" and "/components/" in r["path"]]
    assert [r["status"] for r in put] == [200]
    assert put[0]["api_version"] == "2020-02-02"
    assert created.name == "appi-mlops"
    assert created.type == "microsoft.insights/components"
    assert created.kind == "web"
    assert created.application_type == "web"
    assert created.flow_type == "Bluefield"
    assert created.request_source == "rest"
    assert created.ingestion_mode == "LogAnalytics"
    assert created.workspace_resource_id == workspace_id
    assert created.provisioning_state == "Succeeded"
    assert created.retention_in_days == 90
    assert created.public_network_access_for_ingestion == "Enabled"
    assert created.public_network_access_for_query == "Enabled"
    assert created.disable_local_auth is False
    assert created.application_id == "appi-mlops"
    assert created.tenant_id == clean_emulator.subscription_id
    assert str(uuid.UUID(created.instrumentation_key)) == created.instrumentation_key
    assert created.connection_string.startswith(f"InstrumentationKey={created.instrumentation_key};")
    assert f"ApplicationId={created.app_id}" in created.connection_string
    assert created.creation_date is not None

    updated = ai.components.create_or_update(
        group, "appi-mlops", component(workspace_id, DisableLocalAuth=True, RetentionInDays=30)
    )
    assert updated.disable_local_auth is True
    assert updated.retention_in_days == 30
    assert updated.instrumentation_key == created.instrumentation_key  # read-only, kept
    tagged = ai.components.update_tags(group, "appi-mlops", {"tags": {"env": "local"}})
    assert tagged.tags == {"env": "local"}
    assert ai.components.get(group, "APPI-MLOPS").app_id == created.app_id
    assert [c.name for c in ai.components.list_by_resource_group(group)] == ["appi-mlops"]
    assert [c.name for c in ai.components.list()] == ["appi-mlops"]

    clean_emulator.clear_requests()
    ai.components.delete(group, "appi-mlops")
    ai.components.delete(group, "appi-mlops")
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [200, 204]
    with pytest.raises(ResourceNotFoundError) as info:
        ai.components.get(group, "appi-mlops")
    assert info.value.error.code == "ResourceNotFound"


def test_classic_components_are_refused(ai, group, workspace_id):
    with pytest.raises(HttpResponseError) as info:
        ai.components.create_or_update(group, "appi-classic", component())
    assert info.value.status_code == 400
    assert info.value.error.code == "BadRequest"
    assert "Classic resource mode" in info.value.error.message
    # a workspace-based component cannot go back to classic
    ai.components.create_or_update(group, "appi-ws", component(workspace_id))
    with pytest.raises(HttpResponseError) as info:
        ai.components.create_or_update(group, "appi-ws", component())
    assert "Please use Workspace-based mode" in info.value.error.message
    assert ai.components.get(group, "appi-ws").workspace_resource_id == workspace_id


def test_workspace_must_resolve(ai, group, workspace_id):
    missing = workspace_id.replace("log-appi", "log-nowhere")
    for bad in (missing, "not-an-id"):
        with pytest.raises(HttpResponseError) as info:
            ai.components.create_or_update(group, "appi-bad", component(bad))
        assert info.value.status_code == 400
        assert info.value.error.message == "Provided WorkspaceResourceId is invalid"


def test_invalid_bodies(ai, group, workspace_id):
    with pytest.raises(HttpResponseError) as info:
        ai.components.create_or_update(group, "appi-ret", component(workspace_id, RetentionInDays=45))
    assert info.value.status_code == 400
    with pytest.raises(HttpResponseError) as info:
        ai.components.create_or_update(group, "appi-dot.", component(workspace_id))
    assert info.value.status_code == 400
