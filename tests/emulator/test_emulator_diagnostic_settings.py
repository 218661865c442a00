"""Diagnostic settings on the stack's resources and their categories, through azure-mgmt-monitor 6
(api-version 2021-05-01-preview). Machine Learning workspaces are created as the collection creates them, through
azure-mgmt-resource's generic by-id operations."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.monitor import MonitorManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, vault_body

ML_API = "2026-07-01"
#: The workspace's log categories in the audit group (the rest are in allLogs only).
ML_AUDIT = {
    "ComputeInstanceEvent", "DataLabelChangeEvent", "DataLabelReadEvent", "DataSetChangeEvent", "DataSetReadEvent",
    "DataStoreChangeEvent", "DataStoreReadEvent", "DeploymentEventACI", "DeploymentEventAKS", "DeploymentReadEvent",
    "EnvironmentChangeEvent", "EnvironmentReadEvent", "InferencingOperationACI", "InferencingOperationAKS",
    "ModelsActionEvent", "ModelsChangeEvent", "ModelsReadEvent", "PipelineChangeEvent", "PipelineReadEvent", "RunEvent",
    "RunReadEvent",
}  # fmt: skip
ML_ALL_LOGS_ONLY = {
    "AmlComputeClusterEvent", "AmlComputeClusterNodeEvent", "AmlComputeCpuGpuUtilization", "AmlComputeJobEvent",
    "AmlRunStatusChangedEvent",
}  # fmt: skip


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


@pytest.fixture
def ml_workspace(clean_emulator, rm, group, vault_id):
    """``make(name, kind)``: a Machine Learning workspace of that kind on one storage account and the vault."""
    st = clean_emulator.client(StorageManagementClient)
    account = st.storage_accounts.begin_create(group, "stmldiag", account_body(), polling_interval=0).result()

    def make(name: str, kind: str = "Default") -> str:
        rid = (
            f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}/providers/"
            f"Microsoft.MachineLearningServices/workspaces/{name}"
        )
        body = {"location": LOCATION, "kind": kind, "properties": {"storageAccount": account.id, "keyVault": vault_id}}
        rm.resources.begin_create_or_update_by_id(rid, body, api_version=ML_API, polling_interval=0).result()
        return rid

    return make


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
    assert error.message == "Metric category 'Transaction' is not supported, supported categories are: 'AllMetrics'."
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


def categories_of(monitor, resource_id) -> dict:
    return {
        c.name: (c.category_type, sorted(c.category_groups or []))
        for c in monitor.diagnostic_settings_category.list(resource_id)
    }


def test_ml_workspace_sends_audit_all_logs_and_metrics(clean_emulator, monitor, ml_workspace, workspace_id):
    ws = ml_workspace("mlw-diag")
    found = categories_of(monitor, ws)
    assert found.pop("AllMetrics") == ("Metrics", [])
    assert found == {
        **{name: ("Logs", ["allLogs", "audit"]) for name in ML_AUDIT},
        **{name: ("Logs", ["allLogs"]) for name in ML_ALL_LOGS_ONLY},
    }

    body = setting(
        workspace_id,
        logs=[{"categoryGroup": "audit", "enabled": True}, {"categoryGroup": "allLogs", "enabled": True}],
        metrics=[{"category": "AllMetrics", "enabled": True}],
    )
    created = monitor.diagnostic_settings.create_or_update(ws, "to-law", body)
    assert [(entry.category_group, entry.enabled) for entry in created.logs] == [("audit", True), ("allLogs", True)]
    assert [entry.category for entry in created.metrics] == ["AllMetrics"]
    assert created.workspace_id == workspace_id
    listed = list(monitor.diagnostic_settings.list(ws))
    assert [s.name for s in listed] == ["to-law"]
    assert {entry.category_group for entry in listed[0].logs} == {"audit", "allLogs"}
    # one category by name works too
    one = monitor.diagnostic_settings.create_or_update(
        ws, "jobs", setting(workspace_id, logs=[{"category": "amlcomputejobevent", "enabled": True}])
    )
    assert one.logs[0].category == "AmlComputeJobEvent"

    for bad in (
        setting(workspace_id, logs=[{"category": "AmlMadeUpEvent", "enabled": True}]),
        setting(workspace_id, logs=[{"category": "AuditEvent", "enabled": True}]),  # a vault's, not a workspace's
    ):
        with pytest.raises(HttpResponseError) as info:
            monitor.diagnostic_settings.create_or_update(ws, "bad", bad)
        assert info.value.status_code == 400
        assert info.value.error.code == "BadRequest"
        assert info.value.error.message == f"Category '{bad['properties']['logs'][0]['category']}' is not supported."
    with pytest.raises(HttpResponseError) as info:  # the metric groups of the portal are not categories
        monitor.diagnostic_settings.create_or_update(
            ws, "bad", setting(workspace_id, metrics=[{"category": "Run", "enabled": True}])
        )
    assert (info.value.status_code, info.value.error.code) == (400, "BadRequest")
    assert info.value.error.message == "Metric category 'Run' is not supported, supported categories are: 'AllMetrics'."
    assert {s.name for s in monitor.diagnostic_settings.list(ws)} == {"jobs", "to-law"}


def test_ml_hub_has_metrics_only(clean_emulator, monitor, ml_workspace, workspace_id):
    """A hub workspace (the portal's "Azure AI") offers no log categories: the Machine Learning ones are refused."""
    hub = ml_workspace("mlw-hub", kind="Hub")
    assert categories_of(monitor, hub) == {"AllMetrics": ("Metrics", [])}
    made = monitor.diagnostic_settings.create_or_update(
        hub, "metrics", setting(workspace_id, metrics=[{"category": "AllMetrics", "enabled": True}])
    )
    assert made.metrics[0].category == "AllMetrics"
    for logs in (
        [{"category": "AmlComputeClusterEvent", "enabled": True}],
        [{"categoryGroup": "audit", "enabled": True}],
    ):
        with pytest.raises(HttpResponseError) as info:
            monitor.diagnostic_settings.create_or_update(hub, "logs", setting(workspace_id, logs=logs))
        assert (info.value.status_code, info.value.error.code) == (400, "BadRequest")
