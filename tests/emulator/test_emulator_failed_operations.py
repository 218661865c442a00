"""``fail_operation`` faults: each long-running operation of the stack fails the way its service reports it, the
SDK's poller sees what it would see from Azure, and the same request again repairs the resource.

What the SDK does with a failed operation depends on how the service lets it poll (see ``arm_emulator/lro.py``):
* ``Azure-AsyncOperation`` (container registries, virtual networks): it raises ``HttpResponseError`` whose ``.error``
  is the operation's error;
* ``provisioningState`` in the resource (Key Vault, Log Analytics): it raises ``HttpResponseError`` built from the
  200 GET of the failed resource, which carries no error object;
* ``Location`` with ARM's error status (resource group deletion): it raises with the error;
* ``Location`` answered 200 ``{"status": "Failed", "error"}`` (storage accounts): it does not raise at all.
"""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.polling.base_polling import OperationFailed
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.network import NetworkManagementClient
from emulator_helpers import LOCATION, account_body, vault_body

FAILURE = {"code": "ProvisioningFailedForTest", "message": "The operation failed. (Injected by the test.)"}


@pytest.fixture
def acr(clean_emulator):
    return clean_emulator.client(ContainerRegistryManagementClient)


@pytest.fixture
def la(clean_emulator):
    return clean_emulator.client(LogAnalyticsManagementClient)


@pytest.fixture
def net(clean_emulator):
    return clean_emulator.client(NetworkManagementClient)


def statuses(emulator, method: str, fragment: str) -> list:
    return [r["status"] for r in emulator.requests() if r["method"] == method and fragment in r["path"]]


def assert_failed_provisioning_state(error: HttpResponseError) -> None:
    """What azure-core raises when the resource it polls by GET ends ``provisioningState: Failed``."""
    assert error.status_code == 200
    assert error.error is None  # a resource body has no error object
    assert error.message == "Operation returned an invalid status 'OK'"
    assert isinstance(error.inner_exception, OperationFailed)
    assert str(error.inner_exception) == "Operation failed or canceled"
    assert error.response.json()["properties"]["provisioningState"] == "Failed"


def test_failed_vault_stays_failed_until_the_same_put_repairs_it(clean_emulator, kv, group, tenant):
    clean_emulator.add_fault(method="PUT", path="/vaults/kv-fails$", action="fail_operation", **FAILURE)
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.begin_create_or_update(group, "kv-fails", vault_body(tenant)).result()
    assert_failed_provisioning_state(info.value)
    # Azure's sequence: PUT 200 with RegisteringDns, then GETs of the vault until it is terminal
    assert statuses(clean_emulator, "PUT", "/vaults/kv-fails") == [200]
    assert statuses(clean_emulator, "GET", "/vaults/kv-fails") == [200]
    assert kv.vaults.get(group, "kv-fails").properties.provisioning_state == "Failed"
    assert [v.properties.provisioning_state for v in kv.vaults.list_by_resource_group(group)] == ["Failed"]

    first = kv.vaults.begin_create_or_update(group, "kv-fails", vault_body(tenant), polling=False).result()
    assert first.properties.provisioning_state == "RegisteringDns"
    assert kv.vaults.get(group, "kv-fails").properties.provisioning_state == "Succeeded"
    again = kv.vaults.begin_create_or_update(group, "kv-fails", vault_body(tenant)).result()
    assert again.properties.provisioning_state == "Succeeded"


def test_failed_storage_account_is_rolled_back_and_the_poller_does_not_raise(clean_emulator, st, group):
    clean_emulator.add_fault(method="PUT", path="/storageAccounts/stfail01$", action="fail_operation", **FAILURE)
    result = st.storage_accounts.begin_create(group, "stfail01", account_body()).result()
    # The storage RP answers the poll 200 {"status": "Failed", "error"}; azure-core's Location poller takes any 200
    # for success and returns that body as the account.
    assert result.id is None and result.name is None and result.properties is None
    assert result.as_dict() == {"status": "Failed", "error": FAILURE}
    assert statuses(clean_emulator, "PUT", "/storageAccounts/stfail01") == [202]
    assert statuses(clean_emulator, "GET", "/asyncoperations/") == [200]
    # the account Azure could not create is gone, not left Failed
    with pytest.raises(ResourceNotFoundError) as info:
        st.storage_accounts.get_properties(group, "stfail01")
    assert info.value.error.code == "StorageAccountNotFound"
    assert list(st.storage_accounts.list_by_resource_group(group)) == []

    again = st.storage_accounts.begin_create(group, "stfail01", account_body()).result()
    assert again.name == "stfail01" and again.provisioning_state == "Succeeded"


def test_failed_registry_raises_the_operation_error_and_the_same_put_repairs_it(clean_emulator, acr, group):
    body = {"location": LOCATION, "sku": {"name": "Standard"}, "properties": {}}
    clean_emulator.add_fault(method="PUT", path="/registries/failingregistry$", action="fail_operation", **FAILURE)
    with pytest.raises(HttpResponseError) as info:
        acr.registries.begin_create(group, "failingregistry", body).result()
    assert info.value.error.code == FAILURE["code"]
    assert info.value.error.message == FAILURE["message"]
    assert acr.registries.get(group, "failingregistry").provisioning_state == "Failed"

    first = acr.registries.begin_create(group, "failingregistry", body, polling=False).result()
    assert first.provisioning_state == "Updating"
    again = acr.registries.begin_create(group, "failingregistry", body).result()
    assert again.provisioning_state == "Succeeded"
    assert statuses(clean_emulator, "PUT", "/registries/failingregistry") == [201, 200, 200]
    assert acr.registries.get(group, "failingregistry").provisioning_state == "Succeeded"


def test_failed_workspace_stays_failed_until_the_same_put_repairs_it(clean_emulator, la, group):
    clean_emulator.add_fault(method="PUT", path="/workspaces/log-fails$", action="fail_operation", **FAILURE)
    with pytest.raises(HttpResponseError) as info:
        la.workspaces.begin_create_or_update(group, "log-fails", {"location": LOCATION}).result()
    assert_failed_provisioning_state(info.value)
    assert la.workspaces.get(group, "log-fails").provisioning_state == "Failed"

    first = la.workspaces.begin_create_or_update(group, "log-fails", {"location": LOCATION}, polling=False).result()
    assert first.provisioning_state == "Updating"
    again = la.workspaces.begin_create_or_update(group, "log-fails", {"location": LOCATION}).result()
    assert again.provisioning_state == "Succeeded"


def test_failed_vnet_and_its_subnets_show_failed_until_the_same_put_repairs_them(clean_emulator, net, group):
    body = {
        "location": LOCATION,
        "properties": {
            "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
            "subnets": [{"name": "snet-a", "properties": {"addressPrefix": "10.20.1.0/24"}}],
        },
    }
    clean_emulator.add_fault(method="PUT", path="/virtualNetworks/vnet-fails$", action="fail_operation", **FAILURE)
    with pytest.raises(HttpResponseError) as info:
        net.virtual_networks.begin_create_or_update(group, "vnet-fails", body).result()
    assert info.value.error.code == FAILURE["code"]
    vnet = net.virtual_networks.get(group, "vnet-fails")
    assert vnet.provisioning_state == "Failed"
    assert [s.provisioning_state for s in vnet.subnets] == ["Failed"]
    assert net.subnets.get(group, "vnet-fails", "snet-a").provisioning_state == "Failed"

    again = net.virtual_networks.begin_create_or_update(group, "vnet-fails", body).result()
    assert again.provisioning_state == "Succeeded"
    assert [s.provisioning_state for s in again.subnets] == ["Succeeded"]
    assert net.subnets.get(group, "vnet-fails", "snet-a").provisioning_state == "Succeeded"


def test_failed_group_deletion_is_rolled_back_and_deleting_again_works(clean_emulator, rm, kv, group, tenant):
    kv.vaults.begin_create_or_update(group, "kv-in-group", vault_body(tenant)).result()
    clean_emulator.add_fault(method="DELETE", path=f"/resourcegroups/{group}$", action="fail_operation")
    with pytest.raises(HttpResponseError) as info:
        rm.resource_groups.begin_delete(group).result()
    # ARM's answer at the Location: 409, the resources it could not delete, the group's state rolled back
    assert info.value.status_code == 409
    assert info.value.error.code == "ResourceGroupDeletionBlocked"
    assert f"Deletion of resource group '{group}' failed" in info.value.error.message
    assert "'Microsoft.KeyVault/vaults/kv-in-group'" in info.value.error.message
    assert rm.resource_groups.get(group).properties.provisioning_state == "Succeeded"
    assert kv.vaults.get(group, "kv-in-group").properties.provisioning_state == "Succeeded"

    rm.resource_groups.begin_delete(group).result()
    assert rm.resource_groups.check_existence(group) is False


def test_a_rule_waits_for_a_request_that_starts_an_operation(clean_emulator, kv, group, tenant):
    kv.vaults.begin_create_or_update(group, "kv-healthy", vault_body(tenant)).result()
    clean_emulator.add_fault(method="PUT", path="/vaults/kv-healthy$", action="fail_operation")
    # updating a vault that is Succeeded is synchronous in the service: nothing to fail, the rule stays
    updated = kv.vaults.begin_create_or_update(group, "kv-healthy", vault_body(tenant, enabledForDeployment=True))
    assert updated.result().properties.provisioning_state == "Succeeded"
    assert [r["action"] for r in clean_emulator.admin("GET", "/_emulator/faults")] == ["fail_operation"]
