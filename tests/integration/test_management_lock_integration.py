"""mlops.azure.management_lock against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.resource.locks import ManagementLockClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-locks"
ACCOUNT = "stitlocks01"
NAME = "do-not-delete"


@pytest.fixture
def lock_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": "westeurope"})
    account = (
        clean_emulator.client(StorageManagementClient)
        .storage_accounts.begin_create(
            RG, ACCOUNT, {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
        )
        .result()
    )
    clean_emulator.clear_requests()
    clean_emulator.account_id = account.id
    return clean_emulator


def lock(**args):
    return {"mlops.azure.management_lock": dict({"name": NAME}, **args)}


def test_four_steps_on_a_resource_group(play, lock_env):
    args = {"resource_group": RG, "notes": "Production stack. Ask the platform team."}
    scope = f"/subscriptions/{lock_env.subscription_id}/resourceGroups/{RG}"
    check, real, check_again, real_again, by_scope = play(
        [
            dict(lock(**args), check_mode=True),
            lock(**args),
            dict(lock(**dict(args, level="CanNotDelete")), check_mode=True),
            CLEAR_REQUESTS,
            lock(**args),
            lock(scope=scope.upper(), notes=args["notes"]),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    predicted, created = dict(check["management_lock"]), dict(real["management_lock"])
    assert predicted.pop("id").lower() == created.pop("id").lower()
    assert predicted == created, "check mode predicts the real result"
    assert created["level"] == "CanNotDelete" and created["scope"] == scope
    for result in (check_again, real_again):
        assert not result["changed"]
        assert result["diff"]["before"] == result["diff"]["after"] == real["management_lock"]
    assert not by_scope["changed"], "the same lock given by scope id, in another case"

    held = lock_env.client(ManagementLockClient).management_locks.get_at_resource_group_level(RG, NAME)
    assert held.level == "CanNotDelete" and held.notes == args["notes"]
    assert writes(lock_env.requests()) == [], "the idempotent real run sends no write"


def test_lock_on_a_resource_update_and_removal(play, lock_env):
    scope = lock_env.account_id
    locks = lock_env.client(ManagementLockClient).management_locks
    created, read_only, notes, removed_check, removed, removed_again = play(
        [
            lock(resource_id=scope),
            lock(scope=scope, level="ReadOnly"),
            lock(scope=scope, level="ReadOnly", notes="frozen for the audit"),
            dict(lock(scope=scope, state="absent"), check_mode=True),
            lock(scope=scope, state="absent"),
            lock(scope=scope, state="absent"),
        ]
    )
    assert created["changed"] and created["management_lock"]["scope"] == scope
    assert created["management_lock"]["id"].lower() == f"{scope}/providers/Microsoft.Authorization/locks/{NAME}".lower()
    assert read_only["changed"] and read_only["diff"]["before"]["level"] == "CanNotDelete"
    assert read_only["management_lock"]["level"] == "ReadOnly"
    assert notes["changed"] and notes["management_lock"]["notes"] == "frozen for the audit"
    assert removed_check["changed"] and removed_check["diff"]["after"] == {}
    assert removed["changed"] and removed["management_lock"] is None and not removed_again["changed"]
    with pytest.raises(ResourceNotFoundError):
        locks.get_at_resource_level(RG, "Microsoft.Storage", "", "storageAccounts", ACCOUNT, NAME)


def test_a_locked_group_cannot_be_deleted_until_unlocked(play, lock_env):
    refused, unlocked, deleted = play(
        [
            lock(resource_group=RG),
            {"mlops.azure.resource_group": {"name": RG, "state": "absent", "force_delete_nonempty": True}},
            lock(resource_group=RG, state="absent"),
            {"mlops.azure.resource_group": {"name": RG, "state": "absent", "force_delete_nonempty": True}},
        ]
    )[1:]
    assert refused["failed"] and "ScopeLocked" in refused["msg"] and "mlops.azure.management_lock" in refused["msg"]
    assert unlocked["changed"] and deleted["changed"]


def test_subscription_lock(play, lock_env):
    scope = f"/subscriptions/{lock_env.subscription_id}"
    created, removed = play([lock(name="sub-lock", scope=scope), lock(name="sub-lock", scope=scope, state="absent")])
    assert created["changed"] and created["management_lock"]["scope"] == scope
    assert removed["changed"]


def test_refusals(play, lock_env):
    bad_name, bad_scope, both, neither, long_notes, missing = play(
        [
            lock(name="lock/1", resource_group=RG),
            lock(scope=f"/subscriptions/{lock_env.subscription_id}/resourceGroups/{RG}/providers/Microsoft.Storage"),
            lock(resource_group=RG, scope=lock_env.account_id),
            lock(level="CanNotDelete"),
            lock(resource_group=RG, notes="x" * 513),
            lock(resource_group="rg-missing"),
        ]
    )
    assert bad_name["failed"] and "'/'" in bad_name["msg"]
    assert bad_scope["failed"] and "not a resource id" in bad_scope["msg"]
    assert both["failed"] and "mutually exclusive" in both["msg"]
    assert neither["failed"] and "one of" in neither["msg"]
    assert long_notes["failed"] and "512" in long_notes["msg"]
    assert missing["failed"] and "ResourceGroupNotFound" in missing["msg"] and "rg-missing" in missing["msg"]
    sent = writes(lock_env.requests())
    assert all("rg-missing" in w and w.endswith(" 404") for w in sent), "nothing else reached Azure: " + repr(sent)


def test_info_lists_the_locks_at_a_scope(play, lock_env):
    group_scope = f"/subscriptions/{lock_env.subscription_id}/resourceGroups/{RG}"
    _on_account_lock, on_account, _on_group_lock, on_group, by_name, missing = play(
        [
            lock(scope=lock_env.account_id, level="ReadOnly"),
            {"mlops.azure.management_lock_info": {"scope": lock_env.account_id}},
            lock(resource_group=RG, level="CanNotDelete"),
            {"mlops.azure.management_lock_info": {"resource_group": RG}},
            {"mlops.azure.management_lock_info": {"resource_group": RG, "name": "other"}},
            {"mlops.azure.management_lock_info": {"resource_group": "rg-does-not-exist"}},
        ]
    )
    assert not on_account["changed"]
    assert [(lk["name"], lk["level"], lk["scope"].lower()) for lk in on_account["management_locks"]] == [
        (NAME, "ReadOnly", lock_env.account_id.lower())
    ]
    assert (NAME, "CanNotDelete", group_scope.lower()) in [
        (lk["name"], lk["level"], lk["scope"].lower()) for lk in on_group["management_locks"]
    ]
    assert by_name["management_locks"] == []
    assert missing.get("failed") and "ResourceGroupNotFound" in missing["msg"]
