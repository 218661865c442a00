"""Log Analytics workspaces: create / update / delete, defaults, retention and names, soft delete and recovery."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from emulator_helpers import LOCATION


@pytest.fixture
def la(clean_emulator):
    return clean_emulator.client(LogAnalyticsManagementClient)


def workspace(location: str = LOCATION, **properties) -> dict:
    return {"location": location, "properties": properties}


def test_create_defaults_update_list(clean_emulator, la, group):
    poller = la.workspaces.begin_create_or_update(group, "log-mlops", workspace(), polling=False)
    assert poller.result().provisioning_state == "Creating"
    created = la.workspaces.get(group, "log-mlops")
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "PUT" and "/workspaces/" in r["path"]] == [
        200
    ]
    assert created.provisioning_state == "Succeeded"
    assert str(uuid.UUID(created.customer_id)) == created.customer_id
    assert created.sku.name == "PerGB2018"
    assert created.retention_in_days == 30
    assert created.workspace_capping.daily_quota_gb == -1
    assert created.public_network_access_for_ingestion == "Enabled"
    assert created.public_network_access_for_query == "Enabled"
    assert created.features.enable_log_access_using_only_resource_permissions is True

    again = la.workspaces.begin_create_or_update(
        group, "log-mlops", workspace(retentionInDays=90, sku={"name": "PerGB2018"})
    ).result()
    assert again.retention_in_days == 90
    assert again.customer_id == created.customer_id  # read-only, kept
    patched = la.workspaces.update(
        group, "log-mlops", {"tags": {"env": "local"}, "properties": {"retentionInDays": 60}}
    )
    assert patched.tags == {"env": "local"}
    assert patched.retention_in_days == 60
    assert [w.name for w in la.workspaces.list_by_resource_group(group)] == ["log-mlops"]
    assert [w.name for w in la.workspaces.list()] == ["log-mlops"]


def test_retention_and_names_are_validated(la, group):
    for days in (7, 29, 731):
        with pytest.raises(HttpResponseError) as info:
            la.workspaces.begin_create_or_update(group, "log-ret", workspace(retentionInDays=days)).result()
        assert info.value.status_code == 400
        assert info.value.error.code == "BadRequest"
        assert info.value.error.message == "The value provided for retention is invalid"
    la.workspaces.begin_create_or_update(group, "log-ret", workspace(retentionInDays=730)).result()
    with pytest.raises(HttpResponseError) as info:
        la.workspaces.update(group, "log-ret", {"properties": {"retentionInDays": 1000}})
    assert info.value.error.code == "BadRequest"
    for name in ("log", "-log-bad", "log-bad-", "log_bad", "a" * 64):
        with pytest.raises(HttpResponseError) as info:
            la.workspaces.begin_create_or_update(group, name, workspace()).result()
        assert info.value.error.code == "InvalidParameter", name


def test_delete_soft_deletes_and_recreating_recovers(clean_emulator, la, group):
    created = la.workspaces.begin_create_or_update(group, "log-soft", workspace()).result()
    la.workspaces.begin_delete(group, "log-soft").result()
    with pytest.raises(ResourceNotFoundError):
        la.workspaces.get(group, "log-soft")
    assert [w.name for w in la.deleted_workspaces.list()] == ["log-soft"]
    assert [w.name for w in la.deleted_workspaces.list_by_resource_group(group)] == ["log-soft"]
    # the name stays reserved in the subscription: another group cannot take it
    rm = clean_emulator.client(ResourceManagementClient)
    rm.resource_groups.create_or_update("rg-other", {"location": LOCATION})
    with pytest.raises(ResourceExistsError) as info:
        la.workspaces.begin_create_or_update("rg-other", "log-soft", workspace()).result()
    assert info.value.status_code == 409
    # re-creating it in the same group and location recovers it, customerId and all
    recovered = la.workspaces.begin_create_or_update(group, "log-soft", workspace()).result()
    assert recovered.customer_id == created.customer_id
    assert list(la.deleted_workspaces.list()) == []


def test_force_delete_frees_the_name(la, group):
    created = la.workspaces.begin_create_or_update(group, "log-force", workspace()).result()
    la.workspaces.begin_delete(group, "log-force", force=True).result()
    assert list(la.deleted_workspaces.list()) == []
    fresh = la.workspaces.begin_create_or_update(group, "log-force", workspace()).result()
    assert fresh.customer_id != created.customer_id
    # a soft-deleted workspace is purged by recovering it, then deleting it with force
    la.workspaces.begin_delete(group, "log-force").result()
    la.workspaces.begin_delete(group, "log-force", force=True).result()  # nothing live to delete: 204
    assert [w.name for w in la.deleted_workspaces.list()] == ["log-force"]
    la.workspaces.begin_create_or_update(group, "log-force", workspace()).result()
    la.workspaces.begin_delete(group, "log-force", force=True).result()
    assert list(la.deleted_workspaces.list()) == []


def test_deleting_the_group_soft_deletes_its_workspaces(clean_emulator, la):
    rm = clean_emulator.client(ResourceManagementClient)
    rm.resource_groups.create_or_update("rg-gone", {"location": LOCATION})
    la.workspaces.begin_create_or_update("rg-gone", "log-in-group", workspace()).result()
    rm.resource_groups.begin_delete("rg-gone").result()
    assert [w.name for w in la.deleted_workspaces.list()] == ["log-in-group"]


def test_intelligence_packs_shared_keys_management_groups_and_usages(la, group):
    la.workspaces.begin_create_or_update(group, "log-packs", workspace()).result()
    packs = {p.name: p.enabled for p in la.intelligence_packs.list(group, "log-packs")}
    assert packs["LogManagement"] is True
    assert packs["Security"] is False and packs["AzureActivity"] is False
    la.intelligence_packs.enable(group, "log-packs", "AzureActivity")
    la.intelligence_packs.disable(group, "log-packs", "LogManagement")
    packs = {p.name: p.enabled for p in la.intelligence_packs.list(group, "log-packs")}
    assert packs["AzureActivity"] is True and packs["LogManagement"] is False
    with pytest.raises(HttpResponseError) as info:
        la.intelligence_packs.enable(group, "log-packs", "NoSuchPack")
    assert info.value.status_code == 400

    keys = la.shared_keys.get_shared_keys(group, "log-packs")
    assert len(keys.primary_shared_key) == 88 and keys.primary_shared_key != keys.secondary_shared_key
    assert la.shared_keys.get_shared_keys(group, "log-packs").primary_shared_key == keys.primary_shared_key

    assert list(la.management_groups.list(group, "log-packs")) == []
    (usage,) = la.usages.list(group, "log-packs")
    assert (usage.name.value, usage.unit, usage.current_value, usage.limit) == ("DataAnalyzed", "Bytes", 0.0, -1.0)
    assert usage.quota_period == "P1D"

    for call in (la.intelligence_packs.list, la.shared_keys.get_shared_keys, la.usages.list):
        with pytest.raises(ResourceNotFoundError):
            list(call(group, "log-none") or [])
