# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_name_availability.py: the order of checks and the answer per name (no network)."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _name_availability as na
from azure.core.exceptions import ResourceNotFoundError
from azure_fakes import FakeModule

KEYS = {
    "name",
    "type",
    "available",
    "usable",
    "reason",
    "message",
    "recoverable",
    "errors",
    "id",
    "location",
    "deletion_date",
    "scheduled_purge_date",
    "purge_protection_enabled",
}


def test_local_invalid_and_reserved():
    invalid = na.local_result("storage_account", "St-Bad")
    assert invalid["reason"] == "invalid" and not invalid["available"] and len(invalid["errors"]) >= 2
    reserved = na.local_result("key_vault", "microsoft-kv")
    assert reserved["reason"] == "reserved" and reserved["errors"]
    assert na.local_result("key_vault", "azure")["reason"] == "reserved"
    mixed = na.local_result("key_vault", "loginvault--x")
    assert mixed["reason"] == "invalid", "a name that breaks other rules too is invalid"
    assert na.local_result("key_vault", "kv-mlops-01") is None
    assert set(invalid) == KEYS


def test_reserved_answer():
    assert na.reserved_result("key_vault", "kvx", {"status": "Allowed"}) is None
    answer = na.reserved_result("key_vault", "kvx", {"status": "Reserved"})
    assert answer["reason"] == "reserved" and "checkResourceName" in answer["message"]


def test_availability_answers():
    free, taken = na.availability_result("storage_account", "st1abc", {"nameAvailable": True})
    assert free["available"] and free["usable"] and free["reason"] == "valid" and not taken
    answer, taken = na.availability_result(
        "storage_account", "st1abc", {"nameAvailable": False, "reason": "AlreadyExists", "message": "taken"}
    )
    assert taken and answer["reason"] == "taken" and answer["message"] == "taken" and not answer["usable"]
    answer, taken = na.availability_result(
        "storage_account", "st1abc", {"nameAvailable": False, "reason": "AccountNameInvalid", "message": "bad"}
    )
    assert not taken and answer["reason"] == "invalid" and answer["errors"] == ["bad"]


def test_soft_deleted_answer():
    deleted = {
        "name": "kv-old",
        "properties": {
            "vaultId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-old",
            "location": "westeurope",
            "deletionDate": "2024-05-01T00:00:00Z",
            "scheduledPurgeDate": "2024-05-08T00:00:00Z",
            "purgeProtectionEnabled": True,
        },
    }
    answer = na.soft_deleted_result("kv-old", deleted)
    assert answer["reason"] == "soft_deleted" and answer["recoverable"] and not answer["available"]
    assert answer["location"] == "westeurope" and answer["scheduled_purge_date"] == "2024-05-08T00:00:00Z"
    assert answer["purge_protection_enabled"] and "cannot be purged" in answer["message"]
    assert "recover: true" in answer["message"]


class FakeVaults:
    def __init__(self, taken=(), deleted=(), mine=()):
        self.taken = set(taken) | set(deleted) | set(mine)
        self.deleted = deleted
        self.mine = mine
        self.list_calls = 0

    def check_name_availability(self, body):
        assert body["type"] == "Microsoft.KeyVault/vaults"
        if body["name"] in self.taken:
            return {"nameAvailable": False, "reason": "AlreadyExists", "message": "The vault name is already in use."}
        return {"nameAvailable": True}

    def get(self, rg, name):
        if name in self.mine:
            return {
                "id": f"/subscriptions/s/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}",
                "location": "westeurope",
            }
        raise ResourceNotFoundError("ResourceNotFound")

    def get_deleted(self, name, location):
        if name in self.deleted and location == "westeurope":
            return {"name": name, "properties": {"location": location}}
        raise ResourceNotFoundError("DeletedVaultNotFound")

    def list_deleted(self):
        self.list_calls += 1
        return [{"name": name.upper(), "properties": {"location": "westeurope"}} for name in self.deleted]


class FakeClient:
    def __init__(self, vaults):
        self.vaults = vaults
        self.reserved_asked = []

    def send_request(self, request):
        raise AssertionError("checkResourceName is tested against the emulator")


@pytest.fixture
def checker():
    def make(check_resource_name=False, **kwargs):
        vaults = FakeVaults(**kwargs.pop("vaults", {}))
        module = FakeModule(FakeClient(vaults))
        return module, vaults, na.NameChecker(module, "key_vault", check_resource_name=check_resource_name, **kwargs)

    return make


def test_each_kind_of_answer(checker):
    module, vaults, check = checker(
        resource_group="rg-mlops",
        vaults={"taken": ["kv-someone-else"], "deleted": ["kv-deleted-1", "kv-deleted-2"], "mine": ["kv-mine"]},
    )
    answers = {
        name: check.check(name)
        for name in ("kv-free-1", "kv-someone-else", "kv-deleted-1", "kv-deleted-2", "kv-mine", "1kv", "windows-kv")
    }
    assert {name: a["reason"] for name, a in answers.items()} == {
        "kv-free-1": "valid",
        "kv-someone-else": "taken",
        "kv-deleted-1": "soft_deleted",
        "kv-deleted-2": "soft_deleted",
        "kv-mine": "exists",
        "1kv": "invalid",
        "windows-kv": "reserved",
    }
    assert answers["kv-mine"]["usable"] and not answers["kv-mine"]["available"]
    assert answers["kv-deleted-1"]["recoverable"] and answers["kv-deleted-1"]["location"] == "westeurope"
    assert vaults.list_calls == 1, "the soft-deleted vaults are listed once for all names"
    # Names that break the rules are not sent; the name held in the group is read and not sent either.
    assert module.calls.count("check_name_availability") == 4
    assert module.calls.count("get") == 5, "one read in the group per name that passes the rules"
    for answer in answers.values():
        assert set(answer) == KEYS


def test_a_name_held_in_the_group_costs_one_read_and_no_name_check(checker):
    module, _vaults, check = checker(check_resource_name=True, resource_group="rg-mlops", vaults={"mine": ["kv-mine"]})
    answer = check.check("kv-mine")
    assert answer["reason"] == "exists" and answer["usable"]
    assert module.calls == ["get"], "no checkResourceName (FakeClient refuses it) and no checkNameAvailability"


def test_a_name_taken_elsewhere_is_still_refused_with_the_resource_group(checker):
    module, _vaults, check = checker(resource_group="rg-mlops", vaults={"taken": ["kv-someone-else"]})
    answer = check.check("kv-someone-else")
    assert answer["reason"] == "taken" and not answer["usable"]
    assert module.calls == ["get", "check_name_availability"]


def test_location_reads_the_deleted_vault_directly(checker):
    module, vaults, check = checker(location="westeurope", vaults={"deleted": ["kv-deleted-1"]})
    assert check.check("kv-deleted-1")["reason"] == "soft_deleted"
    assert vaults.list_calls == 0 and "get_deleted" in module.calls


def test_only_the_sdk_of_the_type_is_imported(checker):
    module, _vaults, check = checker()
    check.check("kv-free-1")
    assert module.client_class.__name__ == "KeyVaultManagementClient"
    assert na.SERVICES["storage_account"].client_class().__name__ == "StorageManagementClient"
    assert na.TYPES == ["container_registry", "key_vault", "storage_account"]
