"""Management locks: lifecycle at every scope, and ARM refusing deletes (and, for ReadOnly, writes) under a lock."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.authorization.v2022_04_01.models import RoleAssignmentCreateParameters
from azure.mgmt.resource.locks import ManagementLockClient
from emulator_helpers import account_body, vault_body, with_status


@pytest.fixture
def locks(clean_emulator):
    return clean_emulator.client(ManagementLockClient)


@pytest.fixture
def vault(kv, group, tenant):
    return kv.vaults.begin_create_or_update(group, "kv-locked", vault_body(tenant)).result()


def assert_scope_locked(info, target: str, operation: str, locked: str) -> None:
    assert info.value.status_code == 409
    assert info.value.error.code == "ScopeLocked"
    expected = (
        f"The scope '{target}' cannot perform {operation} operation because following scope(s) are locked: "
        f"'{locked}'. Please remove the lock and try again."
    )
    assert info.value.error.message.lower() == expected.lower()  # ids are case-insensitive


def test_cannot_delete_lock_on_a_group(clean_emulator, locks, rm, kv, group, vault):
    status, lock = with_status(
        locks.management_locks.create_or_update_at_resource_group_level,
        group,
        "no-delete",
        {"level": "CanNotDelete", "notes": "prod data"},
    )
    assert status == 201
    group_id = f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}"
    assert lock.id == f"{group_id}/providers/Microsoft.Authorization/locks/no-delete"
    assert (lock.level, lock.notes, lock.type) == ("CanNotDelete", "prod data", "Microsoft.Authorization/locks")
    assert locks.management_locks.get_at_resource_group_level(group, "no-delete").level == "CanNotDelete"
    again = with_status(
        locks.management_locks.create_or_update_at_resource_group_level, group, "no-delete", {"level": "CanNotDelete"}
    )
    assert again[0] == 200

    with pytest.raises(ResourceExistsError) as info:
        kv.vaults.delete(group, "kv-locked")
    assert_scope_locked(info, vault.id, "delete", group_id)
    with pytest.raises(ResourceExistsError) as info:
        rm.resource_groups.begin_delete(group)
    assert_scope_locked(info, group_id, "delete", group_id)
    # writes are allowed under CanNotDelete
    kv.vaults.update(group, "kv-locked", {"tags": {"env": "prod"}})

    status, _ = with_status(locks.management_locks.delete_at_resource_group_level, group, "no-delete")
    assert status == 200
    assert with_status(locks.management_locks.delete_at_resource_group_level, group, "no-delete")[0] == 204
    kv.vaults.delete(group, "kv-locked")
    rm.resource_groups.begin_delete(group).result()
    assert rm.resource_groups.check_existence(group) is False


def test_lock_on_a_resource_blocks_deleting_its_group(clean_emulator, locks, rm, kv, group, vault):
    locks.management_locks.create_or_update_at_resource_level(
        group, "Microsoft.KeyVault", "", "vaults", "kv-locked", "keep", {"level": "CanNotDelete"}
    )
    assert locks.management_locks.get_by_scope(vault.id, "keep").level == "CanNotDelete"
    group_id = f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}"
    with pytest.raises(ResourceExistsError) as info:
        rm.resource_groups.begin_delete(group)
    assert_scope_locked(info, group_id, "delete", vault.id)
    with pytest.raises(ResourceExistsError):
        kv.vaults.delete(group, "kv-locked")
    locks.management_locks.delete_by_scope(vault.id, "keep")
    rm.resource_groups.begin_delete(group).result()


def test_read_only_lock_blocks_writes(clean_emulator, locks, st, group):
    account = st.storage_accounts.begin_create(group, "stlocked01", account_body()).result()
    locks.management_locks.create_or_update_by_scope(account.id, "frozen", {"level": "ReadOnly"})
    with pytest.raises(ResourceExistsError) as info:
        st.storage_accounts.update(group, "stlocked01", {"tags": {"a": "b"}})
    assert_scope_locked(info, account.id, "write", account.id)
    with pytest.raises(ResourceExistsError):
        st.blob_containers.create(group, "stlocked01", "data", {})
    with pytest.raises(ResourceExistsError):
        st.storage_accounts.delete(group, "stlocked01")
    auth = clean_emulator.client(AuthorizationManagementClient)
    reader = (
        f"/subscriptions/{clean_emulator.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/"
        "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    )
    params = RoleAssignmentCreateParameters(role_definition_id=reader, principal_id=str(uuid.uuid4()))
    with pytest.raises(ResourceExistsError) as info:
        auth.role_assignments.create(account.id, str(uuid.uuid4()), params)
    assert info.value.error.code == "ScopeLocked"
    # reads still work, and the lock itself can be managed
    assert st.storage_accounts.get_properties(group, "stlocked01").name == "stlocked01"
    locks.management_locks.delete_by_scope(account.id, "frozen")
    st.storage_accounts.update(group, "stlocked01", {"tags": {"a": "b"}})
    auth.role_assignments.create(account.id, str(uuid.uuid4()), params)


def test_lists_and_subscription_locks(clean_emulator, locks, group, vault):
    sub = f"/subscriptions/{clean_emulator.subscription_id}"
    locks.management_locks.create_or_update_at_subscription_level("sub-lock", {"level": "CanNotDelete"})
    locks.management_locks.create_or_update_at_resource_group_level(group, "rg-lock", {"level": "CanNotDelete"})
    locks.management_locks.create_or_update_by_scope(vault.id, "kv-lock", {"level": "ReadOnly"})
    assert locks.management_locks.get_at_subscription_level("sub-lock").id == (
        f"{sub}/providers/Microsoft.Authorization/locks/sub-lock"
    )
    assert {lk.name for lk in locks.management_locks.list_at_subscription_level()} == {"sub-lock", "rg-lock", "kv-lock"}
    assert {lk.name for lk in locks.management_locks.list_at_resource_group_level(group)} == {"rg-lock", "kv-lock"}
    at_vault = locks.management_locks.list_at_resource_level(group, "Microsoft.KeyVault", "", "vaults", "kv-locked")
    assert [lk.name for lk in at_vault] == ["kv-lock"]
    applying = locks.management_locks.list_by_scope(vault.id, filter="atScope()")
    assert {lk.name for lk in applying} == {"sub-lock", "rg-lock", "kv-lock"}
    for name in ("sub-lock",):
        locks.management_locks.delete_at_subscription_level(name)
    assert {lk.name for lk in locks.management_locks.list_at_subscription_level()} == {"rg-lock", "kv-lock"}


def test_lock_refusals(clean_emulator, locks, group, vault):
    with pytest.raises(ResourceNotFoundError) as info:
        locks.management_locks.get_at_resource_group_level(group, "nope")
    assert info.value.error.code == "LockNotFound"
    with pytest.raises(ResourceNotFoundError) as info:
        locks.management_locks.create_or_update_by_scope(
            vault.id.replace("kv-locked", "kv-missing"), "x", {"level": "CanNotDelete"}
        )
    assert info.value.error.code == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError) as info:
        locks.management_locks.create_or_update_at_resource_group_level("rg-missing", "x", {"level": "CanNotDelete"})
    assert info.value.error.code == "ResourceGroupNotFound"
    with pytest.raises(HttpResponseError) as info:
        locks.management_locks.create_or_update_at_resource_group_level(group, "x", {"level": "NotSpecified"})
    assert info.value.status_code == 400
    with pytest.raises(HttpResponseError) as info:
        locks.management_locks.create_or_update_at_resource_group_level(group, "x", {"notes": "no level"})
    assert info.value.status_code == 400
