"""Storage accounts, blob service properties and blob containers."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, with_status


def test_create_is_a_202_location_lro_with_server_defaults(clean_emulator, st, group):
    account = st.storage_accounts.begin_create(group, "stmlops1", account_body()).result()
    put, poll = clean_emulator.requests()[-2:]
    assert put["method"] == "PUT" and put["status"] == 202
    assert "/providers/Microsoft.Storage/locations/westeurope/asyncoperations/" in poll["path"]
    assert poll["status"] == 200
    assert account.provisioning_state == "Succeeded"
    assert account.primary_endpoints.blob == "https://stmlops1.blob.core.windows.net/"
    assert account.primary_endpoints.dfs == "https://stmlops1.dfs.core.windows.net/"
    assert account.access_tier == "Hot"
    assert account.enable_https_traffic_only is True
    assert account.allow_blob_public_access is False
    assert account.minimum_tls_version == "TLS1_0"  # not TLS1_2 unless asked for
    assert account.encryption.services.blob.enabled is True
    assert account.creation_time is not None
    assert account.sku.tier == "Standard"
    assert st.storage_accounts.get_properties(group, "STMLOPS1").name == "stmlops1"


def test_geo_redundant_account_has_a_secondary(st, group):
    account = st.storage_accounts.begin_create(group, "stgeo1", account_body(sku="Standard_RAGRS")).result()
    assert account.secondary_location == "northeurope"
    assert account.secondary_endpoints.blob == "https://stgeo1-secondary.blob.core.windows.net/"


def test_update_is_sync_and_kind_upgrade_is_one_way(st, group):
    st.storage_accounts.begin_create(group, "stv1acct", account_body(kind="Storage")).result()
    status, updated = with_status(
        st.storage_accounts.update,
        group,
        "stv1acct",
        {"properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False}, "tags": {"env": "dev"}},
    )
    assert status == 200
    assert updated.minimum_tls_version == "TLS1_2" and updated.tags == {"env": "dev"}
    upgraded = st.storage_accounts.update(group, "stv1acct", {"kind": "StorageV2"})
    assert upgraded.kind == "StorageV2"
    with pytest.raises(HttpResponseError) as info:
        st.storage_accounts.update(group, "stv1acct", {"kind": "Storage"})
    assert info.value.status_code == 400
    assert info.value.error.code == "InvalidValuesForRequestParameters"
    with pytest.raises(HttpResponseError) as info:
        st.storage_accounts.update(group, "stv1acct", {"sku": {"name": "Premium_LRS"}})
    assert info.value.status_code == 400
    assert st.storage_accounts.update(group, "stv1acct", {"sku": {"name": "Standard_GRS"}}).sku.name == "Standard_GRS"


def test_names_are_global_and_validated(clean_emulator, st, group):
    foreign_rm = clean_emulator.client(ResourceManagementClient, clean_emulator.foreign_subscription_id)
    foreign_rm.resource_groups.create_or_update("rg-theirs", {"location": LOCATION})
    foreign = clean_emulator.client(StorageManagementClient, clean_emulator.foreign_subscription_id)
    foreign.storage_accounts.begin_create("rg-theirs", "sttaken1", account_body()).result()
    with pytest.raises(ResourceExistsError) as info:
        st.storage_accounts.begin_create(group, "sttaken1", account_body()).result()
    assert info.value.error.code == "StorageAccountAlreadyTaken"
    assert info.value.error.message == "The storage account named sttaken1 is already taken."
    taken = st.storage_accounts.check_name_availability(
        {"name": "sttaken1", "type": "Microsoft.Storage/storageAccounts"}
    )
    assert taken.name_available is False and taken.reason == "AlreadyExists"
    for name in ("st", "Stupper1", "st-dash1", "s" * 25):
        with pytest.raises(HttpResponseError) as info:
            st.storage_accounts.begin_create(group, name, account_body()).result()
        assert info.value.error.code == "AccountNameInvalid", name
    bad = st.storage_accounts.check_name_availability({"name": "Bad-Name", "type": "Microsoft.Storage/storageAccounts"})
    assert bad.name_available is False and bad.reason == "AccountNameInvalid"
    free = st.storage_accounts.check_name_availability(
        {"name": "stfree01", "type": "Microsoft.Storage/storageAccounts"}
    )
    assert free.name_available is True


def test_body_is_validated_against_the_sdk_models(st, group):
    with pytest.raises(HttpResponseError) as info:
        st.storage_accounts.begin_create(group, "stbadsku1", account_body(sku="Standard_XXL")).result()
    assert info.value.status_code == 400
    assert "sku.name" in info.value.error.message


def test_ip_rules_take_public_ipv4_addresses_and_ranges_up_to_30_bits(st, group):
    acls = {"defaultAction": "Deny", "ipRules": [{"value": "203.0.113.10"}, {"value": "198.51.100.0/24"}]}
    account = st.storage_accounts.begin_create(group, "stips01", account_body(networkAcls=acls)).result()
    assert [r.ip_address_or_range for r in account.network_rule_set.ip_rules] == ["203.0.113.10", "198.51.100.0/24"]

    refused = (
        "10.0.0.0/33", "300.1.1.1", "not-an-ip",  # malformed
        "10.1.0.0/16", "172.20.0.0/16", "192.168.1.0/24", "10.0.0.1",  # RFC 1918 ranges
        "203.0.113.10/32", "203.0.113.8/31",  # "small address ranges using /31 or /32 aren't supported"
        "2001:db8::/64",  # IPv4 only
    )  # fmt: skip
    for value in refused:
        update = {"properties": {"networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": value}]}}}
        with pytest.raises(HttpResponseError) as info:
            st.storage_accounts.update(group, "stips01", update)
        assert info.value.status_code == 400, value
        assert info.value.error.code == "InvalidValuesForRequestParameters"
        assert info.value.error.message == (
            "Values for request parameters are invalid: networkAcls.ipRule[*].value. For more information, see - "
            "https://aka.ms/storagenetworkruleset"
        )
    with pytest.raises(HttpResponseError) as info:
        st.storage_accounts.begin_create(
            group, "stips02", account_body(networkAcls={"defaultAction": "Deny", "ipRules": [{"value": "10.0.0.0/8"}]})
        )
    assert info.value.error.code == "InvalidValuesForRequestParameters"
    assert [a.name for a in st.storage_accounts.list_by_resource_group(group)] == ["stips01"]
    kept = st.storage_accounts.get_properties(group, "stips01").network_rule_set.ip_rules
    assert [r.ip_address_or_range for r in kept] == ["203.0.113.10", "198.51.100.0/24"]


def test_tag_names_of_storage_accounts_are_limited_to_128_characters(st, group):
    name = "n" * 128
    account = st.storage_accounts.begin_create(group, "sttags01", {**account_body(), "tags": {name: "v"}}).result()
    assert account.tags == {name: "v"}
    for call, args in (
        (st.storage_accounts.update, (group, "sttags01", {"tags": {name + "x": "v"}})),
        (st.storage_accounts.begin_create, (group, "sttags02", {**account_body(), "tags": {name + "x": "v"}})),
    ):
        with pytest.raises(HttpResponseError) as info:
            call(*args)
        assert info.value.status_code == 400
        assert info.value.error.code == "InvalidTagName"
        assert info.value.error.message.endswith("Maximum allowed length for tag name - '128' characters.")
    assert st.storage_accounts.get_properties(group, "sttags01").tags == {name: "v"}


def test_delete_and_lists(st, group):
    st.storage_accounts.begin_create(group, "stlist01", account_body()).result()
    assert [a.name for a in st.storage_accounts.list_by_resource_group(group)] == ["stlist01"]
    assert [a.name for a in st.storage_accounts.list()] == ["stlist01"]
    status, _ = with_status(st.storage_accounts.delete, group, "stlist01")
    assert status == 200
    status, _ = with_status(st.storage_accounts.delete, group, "stlist01")
    assert status == 204
    with pytest.raises(ResourceNotFoundError) as info:
        st.storage_accounts.get_properties(group, "stlist01")
    assert info.value.error.code == "StorageAccountNotFound"
    assert info.value.error.message == "The storage account stlist01 was not found."


def test_blob_service_properties(st, group):
    st.storage_accounts.begin_create(group, "stblobsvc", account_body()).result()
    before = st.blob_services.get_service_properties(group, "stblobsvc")
    assert before.delete_retention_policy.enabled is False
    st.blob_services.set_service_properties(
        group,
        "stblobsvc",
        {
            "properties": {
                "deleteRetentionPolicy": {"enabled": True, "days": 7},
                "containerDeleteRetentionPolicy": {"enabled": True, "days": 7},
                "isVersioningEnabled": True,
            }
        },
    )
    after = st.blob_services.get_service_properties(group, "stblobsvc")
    assert after.delete_retention_policy.days == 7
    assert after.container_delete_retention_policy.enabled is True
    assert after.is_versioning_enabled is True
    with pytest.raises(HttpResponseError) as info:
        st.blob_services.set_service_properties(
            group, "stblobsvc", {"properties": {"deleteRetentionPolicy": {"enabled": True, "days": 400}}}
        )
    assert info.value.status_code == 400


def test_containers_lifecycle_and_paging(clean_emulator, st, group):
    st.storage_accounts.begin_create(group, "stcont01", account_body()).result()
    status, created = with_status(st.blob_containers.create, group, "stcont01", "models", {})
    assert status == 201
    assert created.public_access == "None"
    status, _ = with_status(
        st.blob_containers.create, group, "stcont01", "models", {"properties": {"metadata": {"a": "b"}}}
    )
    assert status == 200
    updated = st.blob_containers.update(group, "stcont01", "models", {"properties": {"metadata": {"owner": "ml"}}})
    assert updated.metadata == {"owner": "ml"}
    for i in range(12):
        st.blob_containers.create(group, "stcont01", f"data-{i:02d}", {})
    clean_emulator.clear_requests()
    names = [c.name for c in st.blob_containers.list(group, "stcont01")]
    assert len(names) == 13
    assert len([r for r in clean_emulator.requests() if r["path"].endswith("/containers")]) == 2
    status, _ = with_status(st.blob_containers.delete, group, "stcont01", "models")
    assert status == 200
    with pytest.raises(ResourceNotFoundError):
        st.blob_containers.get(group, "stcont01", "models")
    status, _ = with_status(st.blob_containers.delete, group, "stcont01", "models")
    assert status == 204


def test_container_names_and_public_access(st, group):
    st.storage_accounts.begin_create(group, "stpublic1", account_body()).result()
    for name in ("Upper", "double--dash", "-start", "ab", "x" * 64, "under_score"):
        with pytest.raises(HttpResponseError) as info:
            st.blob_containers.create(group, "stpublic1", name, {})
        assert info.value.status_code == 400, name
        assert info.value.error.code in ("InvalidResourceName", "OutOfRangeInput"), name
    with pytest.raises(ResourceExistsError) as info:
        st.blob_containers.create(group, "stpublic1", "public", {"properties": {"publicAccess": "Blob"}})
    assert info.value.error.code == "PublicAccessNotPermitted"
    st.storage_accounts.update(group, "stpublic1", {"properties": {"allowBlobPublicAccess": True}})
    assert (
        st.blob_containers.create(group, "stpublic1", "public", {"properties": {"publicAccess": "Blob"}}).public_access
        == "Blob"
    )


def test_container_in_a_missing_account(st, group):
    with pytest.raises(ResourceNotFoundError) as info:
        st.blob_containers.create(group, "stnothere", "models", {})
    assert info.value.error.code == "ParentResourceNotFound"


def test_list_keys_gives_two_stable_full_keys(clean_emulator, st, group):
    st.storage_accounts.begin_create(group, "stkeys1", account_body(allowSharedKeyAccess=False)).result()

    def listed():
        # the SDK model's ``keys`` attribute is shadowed by the mapping method of the same name: read the dict
        return st.storage_accounts.list_keys(group, "stkeys1").as_dict()["keys"]

    keys = listed()
    assert [(k["keyName"], k["permissions"]) for k in keys] == [("key1", "FULL"), ("key2", "FULL")]
    assert all(len(k["value"]) == 88 and k["creationTime"] is not None for k in keys)
    assert keys[0]["value"] != keys[1]["value"]
    # Listing does not rotate them, and an account that refuses Shared Key authorization still has them.
    assert listed() == keys
    assert [r["method"] for r in clean_emulator.requests() if r["path"].endswith("/listKeys")] == ["POST"] * 2
    with pytest.raises(ResourceNotFoundError) as info:
        st.storage_accounts.list_keys(group, "stnokeys")
    assert info.value.error.code == "StorageAccountNotFound"
