"""The resource kit (``_resource.py``) through its first declaration, the Machine Learning workspace: the shape,
the bodies, the refusals, soft delete and purge, against a recording fake of ARM's generic by-id operations."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._ml_workspace import API_VERSION, MLWorkspace
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, reconcile
from azure_fakes import FakeModule, NotFound, Poller

SUB = "00000000-0000-0000-0000-000000000001"
ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw1"
ST = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st1"
KV = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1"
AI = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/microsoft.insights/components/appi1"


class FakeResources:
    """ARM's generic by-id operations over a dict of REST bodies. It answers as the service would for the
    fields these tests use: server defaults on create, a field-by-field PATCH of ``properties``."""

    def __init__(self, stored=None, soft_deleted=False):
        self.stored = copy.deepcopy(stored)
        self.soft_deleted = soft_deleted
        self.calls = []

    def get_by_id(self, resource_id, api_version):
        self.calls.append(("get", resource_id, api_version, None))
        if self.stored is None:
            raise NotFound()
        return copy.deepcopy(self.stored)

    def begin_create_or_update_by_id(self, resource_id, body, api_version):
        self.calls.append(("put", resource_id, api_version, copy.deepcopy(body)))
        stored = copy.deepcopy(body)
        stored.update({"id": resource_id, "name": resource_id.rsplit("/", 1)[-1]})
        props = stored.setdefault("properties", {})
        props.setdefault("publicNetworkAccess", "Enabled")
        props.setdefault("hbiWorkspace", False)
        props["workspaceId"] = "11111111-2222-3333-4444-555555555555"
        props["provisioningState"] = "Succeeded"
        if stored.get("identity", {}).get("type") == "SystemAssigned":
            stored["identity"].update({"principalId": "p-1", "tenantId": "tenant-1"})
        self.stored = stored
        return Poller(stored)

    def begin_update_by_id(self, resource_id, body, api_version):
        self.calls.append(("patch", resource_id, api_version, copy.deepcopy(body)))
        for key, value in (body.get("properties") or {}).items():
            self.stored["properties"][key] = value
        if "tags" in body:
            self.stored["tags"] = body["tags"]
        return Poller(self.stored)

    def begin_delete_by_id(self, resource_id, api_version, params=None, raw_response_hook=None):
        self.calls.append(("delete", resource_id, api_version, params))
        status = 204 if self.stored is None and not self.soft_deleted else 202
        if self.stored is None:
            self.soft_deleted = self.soft_deleted and (params or {}).get("forceToPurge") != "true"
        elif (params or {}).get("forceToPurge") != "true":
            self.soft_deleted = True
        self.stored = None
        raw_response_hook(type("Answer", (), {"http_response": type("Http", (), {"status_code": status})()})())
        return Poller(None)

    @property
    def writes(self):
        return [call for call in self.calls if call[0] != "get"]


class Client:
    def __init__(self, resources):
        self.resources = resources


def workspace(stored=None, check_mode=False, purge=False, soft_deleted=False):
    resources = FakeResources(stored, soft_deleted)
    module = FakeModule(Client(resources), check_mode=check_mode)
    return MLWorkspace(module, "mlw1", "rg1", location="westeurope", purge=purge), resources


DESIRED = {
    "location": "westeurope",
    "identity_type": "SystemAssigned",
    "storage_account": ST,
    "key_vault": KV,
    "application_insights": AI,
    "hbi_workspace": True,
    "isolation_mode": "AllowInternetOutbound",
    "tags": {"env": "prod"},
}


def test_create_sends_every_field_at_its_rest_path_and_check_mode_predicts_it():
    predicted = reconcile(workspace(check_mode=True)[0], dict(DESIRED))
    assert predicted["changed"] and predicted["resource"]["workspace_id"] is None
    assert (
        predicted["resource"]["tenant_id"] == "tenant-1" and predicted["resource"]["provisioning_state"] == "Succeeded"
    )

    ws, resources = workspace()
    result = reconcile(ws, dict(DESIRED))
    ((verb, rid, version, body),) = resources.writes
    assert (verb, rid, version) == ("put", ID, API_VERSION)
    assert body == {
        "location": "westeurope",
        "tags": {"env": "prod"},
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "storageAccount": ST,
            "keyVault": KV,
            "applicationInsights": AI,
            "hbiWorkspace": True,
            "managedNetwork": {"isolationMode": "AllowInternetOutbound"},
        },
    }
    created = result["resource"]
    assert created["principal_id"] == "p-1" and created["workspace_id"].startswith("1111")
    assert created["sku"] == "Basic" and created["system_datastores_auth_mode"] == "AccessKey", "defaults fill in"
    for key, value in predicted["resource"].items():
        if key not in ("principal_id", "workspace_id"):
            assert created[key] == value, key


def test_second_run_sends_nothing_and_ids_compare_case_insensitively():
    ws, resources = workspace()
    reconcile(ws, dict(DESIRED))
    again, resources = workspace(resources.stored)
    same = dict(DESIRED, storage_account=ST.upper(), key_vault=KV.lower(), location="West Europe")
    assert not reconcile(again, same)["changed"]
    assert resources.writes == []


def test_update_patches_only_the_fields_that_differ():
    ws, resources = workspace()
    reconcile(ws, dict(DESIRED))
    again, resources = workspace(resources.stored)
    result = reconcile(again, dict(DESIRED, friendly_name="Pipelines", public_network_access="Disabled"))
    ((verb, _rid, _version, body),) = resources.writes
    assert verb == "patch"
    assert body == {"properties": {"friendlyName": "Pipelines", "publicNetworkAccess": "Disabled"}}
    assert result["resource"]["friendly_name"] == "Pipelines"


@pytest.mark.parametrize(
    "change, words",
    [
        ({"storage_account": ST.replace("st1", "st2")}, "storage_account cannot be changed"),
        ({"key_vault": KV.replace("kv1", "kv2")}, "key_vault cannot be changed"),
        ({"hbi_workspace": False}, "only when the workspace is created"),
        ({"location": "northeurope"}, "location cannot be changed"),
        ({"isolation_mode": "Disabled"}, "only lets a managed network become stricter"),
    ],
)
def test_what_azure_fixes_is_refused_before_any_write(change, words):
    ws, resources = workspace()
    reconcile(ws, dict(DESIRED))
    again, resources = workspace(resources.stored)
    with pytest.raises(Refusal) as caught:
        reconcile(again, dict(DESIRED, **change))
    assert words in caught.value.msg and "Machine Learning workspace 'mlw1'" in caught.value.msg
    assert resources.writes == []


def test_isolation_may_become_stricter():
    ws, resources = workspace()
    reconcile(ws, dict(DESIRED))
    again, resources = workspace(resources.stored)
    assert reconcile(again, dict(DESIRED, isolation_mode="AllowOnlyApprovedOutbound"))["changed"]


def test_create_needs_storage_and_key_vault():
    with pytest.raises(Refusal, match="set storage_account and key_vault"):
        reconcile(workspace()[0], {"location": "westeurope"})


def test_absent_soft_deletes_and_purges_only_when_asked():
    ws, resources = workspace()
    reconcile(ws, dict(DESIRED))
    stored = resources.stored
    gone, resources = workspace(stored)
    assert reconcile(gone, {}, state="absent")["changed"]
    assert resources.writes == [("delete", ID, API_VERSION, None)]
    purged, resources = workspace(stored, purge=True)
    reconcile(purged, {}, state="absent")
    assert resources.writes == [("delete", ID, API_VERSION, {"forceToPurge": "true"})]
    checked, resources = workspace(stored, check_mode=True, purge=True)
    assert reconcile(checked, {}, state="absent")["changed"] and resources.writes == []
    nothing, resources = workspace(None)
    assert not reconcile(nothing, {}, state="absent")["changed"] and resources.writes == []


def test_purge_frees_a_name_a_soft_deleted_workspace_holds():
    held, resources = workspace(None, purge=True, soft_deleted=True)
    result = reconcile(held, {}, state="absent")
    assert result["changed"] and result["diff"]["before"]["soft_deleted"] is True
    assert resources.writes == [("delete", ID, API_VERSION, {"forceToPurge": "true"})]
    free, resources = workspace(None, purge=True)
    assert not reconcile(free, {}, state="absent")["changed"], "Azure answered 204: there was nothing to purge"
    checked, resources = workspace(None, check_mode=True, purge=True, soft_deleted=True)
    assert not reconcile(checked, {}, state="absent")["changed"] and resources.writes == []
    assert "cannot be known" in checked.module.warnings[0]


def test_desired_from_params_keeps_only_what_the_user_set():
    params = dict.fromkeys(("sku", "friendly_name", "workspace_id", "principal_id"))
    params.update(location="westeurope", tags={"a": 1}, hbi_workspace=False, key_vault=KV)
    assert MLWorkspace.desired_from(params) == {
        "location": "westeurope",
        "tags": {"a": "1"},
        "hbi_workspace": False,
        "key_vault": KV,
    }
