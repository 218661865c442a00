"""Diagnostic settings on the stack's resources and their categories, through azure-mgmt-monitor 6
(api-version 2021-05-01-preview)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.monitor import MonitorManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, vault_body


@pytest.fixture
def monitor(clean_emulator):
    return clean_emulator.client(MonitorManagementClient)


@pytest.fixture
def workspace_id(clean_emulator, group):
    la = clean_emulator.client(LogAnalyticsManagementClient)
    return la.workspaces.begin_create_or_update(group, "log-diag", {"location": LOCATION}).result().id


@pytest.fixture
def vault_id(clean_emulator, group, tenant):
    kv = clean_emulator.client(KeyVaultManagementClient)
    return kv.vaults.begin_create_or_update(group, "kv-diag", vault_body(tenant)).result().id


def setting(workspace_id=None, logs=(), metrics=(), **destinations) -> dict:
    props = {"logs": list(logs), "metrics": list(metrics)}
    if workspace_id:
        props["workspaceId"] = workspace_id
    props.update(destinations)
    return {"properties": props}


def test_key_vault_setting_lifecycle(clean_emulator, monitor, vault_id, workspace_id):
    body = setting(
        workspace_id,
        logs=[{"categoryGroup": "audit", "enabled": True}],
        metrics=[{"category": "AllMetrics", "enabled": True}],
    )
    created = monitor.diagnostic_settings.create_or_update(vault_id, "to-law", body)
    put = [r for r in clean_emulator.requests() if r["method"] == "PUT" and "diagnosticSettings" in r["path"]]
    assert [(r["status"], r["api_version"]) for r in put] == [(200, "2021-05-01-preview")]
    assert created.name == "to-law"
    assert created.workspace_id == workspace_id
    assert created.logs[0].category_group == "audit"
    assert created.logs[0].category is None
    assert created.metrics[0].category == "AllMetrics"
    assert created.id.lower() == f"{vault_id}/providers/microsoft.insights/diagnosticSettings/to-law".lower()

    replaced = monitor.diagnostic_settings.create_or_update(
        vault_id, "to-law", setting(workspace_id, logs=[{"category": "AuditEvent", "enabled": True}])
    )
    assert replaced.logs[0].category == "AuditEvent"
    assert monitor.diagnostic_settings.get(vault_id, "TO-LAW").logs[0].category == "AuditEvent"
    assert [s.name for s in monitor.diagnostic_settings.list(vault_id)] == ["to-law"]

    clean_emulator.clear_requests()
    monitor.diagnostic_settings.delete(vault_id, "to-law")
    monitor.diagnostic_settings.delete(vault_id, "to-law")
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [200, 204]
    with pytest.raises(ResourceNotFoundError):
        monitor.diagnostic_settings.get(vault_id, "to-law")
    assert list(monitor.diagnostic_settings.list(vault_id)) == []


def test_categories_of_the_stack(clean_emulator, monitor, group, vault_id, workspace_id):
    def categories(resource_id):
        return {
            c.name: (c.category_type, sorted(c.category_groups or []))
            for c in monitor.diagnostic_settings_category.list(resource_id)
        }

    assert categories(vault_id) == {
        "AuditEvent": ("Logs", ["allLogs", "audit"]),
        "AzurePolicyEvaluationDetails": ("Logs", ["allLogs"]),
        "AllMetrics": ("Metrics", []),
    }
    st = clean_emulator.client(StorageManagementClient)
    account = st.storage_accounts.begin_create(group, "stdiag01", account_body()).result()
    blob = categories(f"{account.id}/blobServices/default")
    assert {name for name, (kind, _) in blob.items() if kind == "Logs"} == {
        "StorageRead",
        "StorageWrite",
        "StorageDelete",
    }
    acr = clean_emulator.client(ContainerRegistryManagementClient)
    registry = acr.registries.begin_create(group, "diagregistry", {"location": LOCATION, "sku": {"name": "Basic"}})
    logs = {n for n, (kind, _) in categories(registry.result().id).items() if kind == "Logs"}
    assert logs == {"ContainerRegistryRepositoryEvents", "ContainerRegistryLoginEvents"}
    assert "Audit" in categories(workspace_id)
    one = monitor.diagnostic_settings_category.get(vault_id, "AuditEvent")
    assert one.category_type == "Logs"

    # a blob service can send its logs to a storage account and a workspace
    sink = st.storage_accounts.begin_create(group, "stsink01", account_body()).result()
    made = monitor.diagnostic_settings.create_or_update(
        f"{account.id}/blobServices/default",
        "blob-logs",
        setting(workspace_id, logs=[{"category": "StorageWrite", "enabled": True}], storageAccountId=sink.id),
    )
    assert made.storage_account_id == sink.id


def test_refusals(monitor, group, vault_id, workspace_id):
    def refused(resource_id, body, status=400):
        with pytest.raises(HttpResponseError) as info:
            monitor.diagnostic_settings.create_or_update(resource_id, "bad", body)
        assert info.value.status_code == status
        return info.value.error

    error = refused(vault_id, setting(workspace_id, logs=[{"category": "StorageRead", "enabled": True}]))
    assert (error.code, error.message) == ("BadRequest", "Category 'StorageRead' is not supported.")
    error = refused(vault_id, setting(workspace_id, metrics=[{"category": "Transaction", "enabled": True}]))
    assert error.message == "Category 'Transaction' is not supported."
    error = refused(
        vault_id,
        setting(
            workspace_id,
            logs=[{"categoryGroup": "audit", "enabled": True}, {"category": "AuditEvent", "enabled": True}],
        ),
    )
    assert error.message == "Diagnostic setting does not support mix of log category and log category group."
    error = refused(vault_id, setting(workspace_id, logs=[{"categoryGroup": "everything", "enabled": True}]))
    assert error.code == "BadRequest"
    error = refused(vault_id, setting(logs=[{"category": "AuditEvent", "enabled": True}]))
    assert error.code == "BadRequest"
    error = refused(vault_id, setting("not-a-resource-id", logs=[{"category": "AuditEvent", "enabled": True}]))
    assert error.code == "LinkedInvalidPropertyId"
    missing_workspace = workspace_id.replace("log-diag", "log-nowhere")
    error = refused(vault_id, setting(missing_workspace, logs=[{"category": "AuditEvent", "enabled": True}]), 404)
    assert error.code == "ResourceNotFound"
    missing_vault = vault_id.replace("kv-diag", "kv-nowhere")
    error = refused(missing_vault, setting(workspace_id, logs=[{"category": "AuditEvent", "enabled": True}]), 404)
    assert error.code == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError):
        list(monitor.diagnostic_settings_category.list(missing_vault))


def test_settings_outlive_their_resource(clean_emulator, monitor, group, tenant, vault_id, workspace_id):
    monitor.diagnostic_settings.create_or_update(
        vault_id, "to-law", setting(workspace_id, logs=[{"category": "AuditEvent", "enabled": True}])
    )
    kv = clean_emulator.client(KeyVaultManagementClient)
    kv.vaults.delete(group, "kv-diag")
    with pytest.raises(ResourceNotFoundError) as info:
        monitor.diagnostic_settings.get(vault_id, "to-law")
    assert "Microsoft.KeyVault/vaults/kv-diag" in info.value.error.message
    # recovering the vault brings its setting back, as Azure keeps orphaned settings
    kv.vaults.begin_create_or_update(group, "kv-diag", vault_body(tenant, createMode="recover")).result()
    assert monitor.diagnostic_settings.get(vault_id, "to-law").logs[0].category == "AuditEvent"
