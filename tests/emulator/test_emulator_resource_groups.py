"""Resource groups and ARM's generic behaviour (errors, api-versions, paging, case-insensitive ids)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from emulator_helpers import LOCATION, vault_body, with_status


def test_create_is_201_then_200_and_reads_back(rm):
    status, created = with_status(rm.resource_groups.create_or_update, "rg-a", {"location": "West Europe"})
    assert status == 201
    assert created.location == "westeurope"
    assert created.properties.provisioning_state == "Succeeded"
    status, updated = with_status(
        rm.resource_groups.create_or_update, "rg-a", {"location": LOCATION, "tags": {"env": "local"}}
    )
    assert status == 200
    assert updated.tags == {"env": "local"}
    assert rm.resource_groups.get("RG-A").name == "rg-a"  # ids are case-insensitive, names keep their case
    assert rm.resource_groups.check_existence("rg-a") is True
    assert rm.resource_groups.check_existence("rg-missing") is False


def tag_error(call, *args) -> tuple:
    with pytest.raises(HttpResponseError) as info:
        call(*args)
    return info.value.status_code, info.value.error.code, info.value.error.message


def test_tag_limits(rm, kv, group, tenant):
    """Learn "Use tags to organize your Azure resources", Limitations: 50 pairs; names up to 512 characters without
    < > % & \\ ? /; values up to 256."""
    at_limits = {f"k{i:02}": "v" for i in range(49)} | {"n" * 512: "v" * 256}
    assert len(rm.resource_groups.create_or_update("rg-tags", {"location": LOCATION, "tags": at_limits}).tags) == 50

    too_many = {f"k{i:02}": "v" for i in range(51)}
    status, code, _ = tag_error(
        rm.resource_groups.create_or_update, "rg-tags", {"location": LOCATION, "tags": too_many}
    )
    assert (status, code) == (400, "InvalidTagCount")

    long_name = "n" * 513
    status, code, message = tag_error(rm.resource_groups.update, "rg-tags", {"tags": {long_name: "v"}})
    assert (status, code) == (400, "InvalidTagName")  # the length answer, not the reserved-characters one
    assert message == (
        f"Tag key too large.  Following tag name '{long_name}' exceeded the maximum length. Maximum allowed length "
        "for tag name - '512' characters."
    )

    status, code, _ = tag_error(rm.resource_groups.update, "rg-tags", {"tags": {" ": "v"}})
    assert (status, code) == (400, "InvalidTagName")

    long_value = "v" * 257
    status, code, message = tag_error(rm.resource_groups.update, "rg-tags", {"tags": {"k": long_value}})
    assert (status, code) == (400, "InvalidTagValueLength")
    assert message == (
        f"Tag value too large.  Following tag value '{long_value}' exceeded the maximum length. Maximum allowed "
        "length for tag value - '256' characters."
    )

    for name in ("a<b", "a>b", "50%", "r&d", "a\\b", "why?", "a/b", "tab\tname"):
        body = vault_body(tenant)
        body["tags"] = {"fine": "1", name: "v"}
        status, code, message = tag_error(kv.vaults.begin_create_or_update, group, "kv-tags", body)
        assert (status, code) == (400, "InvalidTagNameCharacters"), name
        assert message == f"The tag names '{name}' have reserved characters '<,>,%,&,\\,?,/' or control characters."
    assert rm.resource_groups.get("rg-tags").tags == at_limits


def test_patch_updates_tags(rm, group):
    updated = rm.resource_groups.update(group, {"tags": {"owner": "mlops"}})
    assert updated.tags == {"owner": "mlops"}


def test_location_cannot_change(rm, group):
    with pytest.raises(ResourceExistsError) as info:
        rm.resource_groups.create_or_update(group, {"location": "eastus"})
    assert info.value.error.code == "InvalidResourceGroupLocation"


def test_missing_group_and_invalid_name(rm):
    with pytest.raises(ResourceNotFoundError) as info:
        rm.resource_groups.get("nope")
    assert info.value.error.code == "ResourceGroupNotFound"
    assert info.value.error.message == "Resource group 'nope' could not be found."
    with pytest.raises(HttpResponseError) as info:
        rm.resource_groups.create_or_update("bad/name.", {"location": LOCATION})
    with pytest.raises(HttpResponseError) as info:
        rm.resource_groups.create_or_update("ends-with-dot.", {"location": LOCATION})
    assert info.value.error.code == "InvalidResourceGroup"
    with pytest.raises(HttpResponseError) as info:
        rm.resource_groups.create_or_update("rg-x", {"location": "atlantis"})
    assert info.value.error.code == "LocationNotAvailableForResourceGroup"


def test_delete_is_a_location_lro_that_removes_contents(clean_emulator, rm, kv, group):
    kv.vaults.begin_create_or_update(group, "kv-in-group", vault_body(clean_emulator.env["AZURE_TENANT"])).result()
    clean_emulator.clear_requests()
    poller = rm.resource_groups.begin_delete(group)
    poller.result()
    log = clean_emulator.requests()
    assert log[0]["method"] == "DELETE" and log[0]["status"] == 202
    assert "/operationresults/" in log[1]["path"] and log[1]["status"] == 200
    assert rm.resource_groups.check_existence(group) is False
    # the vault in it was soft-deleted, as Azure does
    deleted = kv.vaults.get_deleted("kv-in-group", LOCATION)
    assert deleted.properties.vault_id.endswith("/vaults/kv-in-group")
    with pytest.raises(ResourceNotFoundError) as info:
        rm.resource_groups.begin_delete(group)
    assert info.value.error.code == "ResourceGroupNotFound"


def test_list_is_paged(clean_emulator, rm):
    for i in range(23):
        rm.resource_groups.create_or_update(f"rg-{i:02d}", {"location": LOCATION})
    clean_emulator.clear_requests()
    names = [g.name for g in rm.resource_groups.list()]
    assert names == [f"rg-{i:02d}" for i in range(23)]
    pages = [r for r in clean_emulator.requests() if r["path"].endswith("/resourcegroups")]
    assert len(pages) == 3  # page size 10: the SDK followed nextLink twice


def test_generic_resource_list_filters_by_type(clean_emulator, rm, kv, group):
    kv.vaults.begin_create_or_update(group, "kv-listed", vault_body(clean_emulator.env["AZURE_TENANT"])).result()
    assert [v.name for v in kv.vaults.list()] == ["kv-listed"]
    assert [r.type for r in rm.resources.list_by_resource_group(group)] == ["Microsoft.KeyVault/vaults"]


def test_unknown_subscription(clean_emulator):
    client = clean_emulator.client(ResourceManagementClient, subscription_id="00000000-0000-0000-0000-000000000001")
    with pytest.raises(ResourceNotFoundError) as info:
        client.resource_groups.get("rg")
    assert info.value.error.code == "SubscriptionNotFound"


def test_unsupported_api_versions(clean_emulator, group):
    old = clean_emulator.client(ResourceManagementClient, api_version="1999-01-01")
    with pytest.raises(HttpResponseError) as info:
        old.resource_groups.get(group)
    assert info.value.error.code == "InvalidApiVersionParameter"
    assert "Retry-After" not in info.value.response.headers
    kv = clean_emulator.client(KeyVaultManagementClient, api_version="1999-01-01")
    with pytest.raises(HttpResponseError) as info:
        kv.vaults.get(group, "kv-any")
    assert info.value.error.code == "NoRegisteredProviderFound"
    assert "The supported api-versions are" in info.value.error.message
    # an older version the SDKs of the supported range send is accepted
    older = clean_emulator.client(KeyVaultManagementClient, api_version="2023-07-01")
    with pytest.raises(ResourceNotFoundError):
        older.vaults.get(group, "kv-any")


def test_foreign_subscription_is_usable(clean_emulator):
    client = clean_emulator.client(ResourceManagementClient, subscription_id=clean_emulator.foreign_subscription_id)
    client.resource_groups.create_or_update("rg-theirs", {"location": LOCATION})
    own = clean_emulator.client(ResourceManagementClient)
    assert own.resource_groups.check_existence("rg-theirs") is False
