# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_management_lock.py: scope parsing, the SDK operation per level, reconcile."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _management_lock as ml
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile
from azure.core.exceptions import ResourceNotFoundError
from azure_fakes import FakeModule

SUB = "00000000-0000-0000-0000-000000000001"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-mlops"


@pytest.mark.parametrize(
    "scope, level, args",
    [
        (f"/subscriptions/{SUB}", "subscription", (SUB, None, None, "", None, None)),
        (RG, "resource_group", (SUB, "rg-mlops", None, "", None, None)),
        (
            f"{RG}/providers/Microsoft.KeyVault/vaults/kv-mlops/",
            "resource",
            (SUB, "rg-mlops", "Microsoft.KeyVault", "", "vaults", "kv-mlops"),
        ),
        (
            f"{RG}/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default",
            "resource",
            (SUB, "rg-mlops", "Microsoft.Storage", "storageAccounts/st1", "blobServices", "default"),
        ),
    ],
)
def test_parse_scope(scope, level, args):
    parsed = ml.parse_scope(scope)
    assert parsed.level == level
    got = (
        parsed.subscription_id,
        parsed.resource_group,
        parsed.namespace,
        parsed.parent_path,
        parsed.resource_type,
        parsed.resource_name,
    )
    assert got == args
    assert parsed.id == scope.rstrip("/")


@pytest.mark.parametrize(
    "scope",
    [
        "",
        "rg-mlops",
        "/subscriptions",
        f"/subscriptions/{SUB}/resourceGroup/rg",
        f"{RG}/providers/Microsoft.KeyVault/vaults",
        f"{RG}/vaults/kv",
        f"{RG}/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings/d",
    ],
)
def test_bad_scopes(scope):
    with pytest.raises(ml.ScopeError):
        ml.parse_scope(scope)


def test_body_and_shape():
    body = {
        "id": f"{RG}/providers/Microsoft.Authorization/locks/keep",
        "name": "keep",
        "properties": {"level": "CanNotDelete", "notes": "prod", "owners": [{"applicationId": "app1"}]},
    }
    shape = ml.lock_shape(body, ml.parse_scope(RG))
    assert shape == {
        "id": body["id"],
        "name": "keep",
        "scope": RG,
        "level": "CanNotDelete",
        "notes": "prod",
        "owners": ["app1"],
    }
    assert ml.lock_body(shape) == {"properties": body["properties"]}
    assert ml.lock_body(dict(shape, notes="", owners=[])) == {"properties": {"level": "CanNotDelete"}}


class FakeLocks:
    """Records which level-specific operation is called; never the *_by_scope ones."""

    def __init__(self):
        self.locks = {}
        self.calls = []

    def __getattr__(self, name):
        if name.endswith("_by_scope"):
            raise AssertionError(f"{name} URL-encodes the scope; it must not be used")
        verb, _sep, level = name.partition("_at_")
        if not level:
            raise AttributeError(name)

        def operation(*args):
            self.calls.append((name, args))
            key = args[:-2] if verb == "create_or_update" else args[:-1]
            lock_name = args[-2] if verb == "create_or_update" else args[-1]
            key = (level,) + key + (lock_name,)
            if verb == "get":
                if key not in self.locks:
                    raise ResourceNotFoundError("LockNotFound")
                return self.locks[key]
            if verb == "delete":
                self.locks.pop(key, None)
                return None
            self.locks[key] = {"id": f"lock/{lock_name}", "name": lock_name, "properties": args[-1]["properties"]}
            return self.locks[key]

        return operation


class FakeClient:
    def __init__(self):
        self.management_locks = FakeLocks()


@pytest.mark.parametrize(
    "scope, operation, args",
    [
        (f"/subscriptions/{SUB}", "create_or_update_at_subscription_level", ("keep",)),
        (RG, "create_or_update_at_resource_group_level", ("rg-mlops", "keep")),
        (
            f"{RG}/providers/Microsoft.KeyVault/vaults/kv-mlops",
            "create_or_update_at_resource_level",
            ("rg-mlops", "Microsoft.KeyVault", "", "vaults", "kv-mlops", "keep"),
        ),
    ],
)
def test_reconcile_uses_the_level_operation(scope, operation, args):
    client = FakeClient()
    module = FakeModule(client)
    lock = ml.ManagementLock(module, "keep", ml.parse_scope(scope))
    result = reconcile(lock, {"level": "CanNotDelete", "notes": "prod"})
    assert result["changed"] and result["resource"]["level"] == "CanNotDelete"
    assert module.clients_for[-1] == SUB
    puts = [call for call in client.management_locks.calls if call[0].startswith("create")]
    assert puts == [(operation, args + ({"properties": {"level": "CanNotDelete", "notes": "prod"}},))]

    again = reconcile(ml.ManagementLock(module, "keep", ml.parse_scope(scope)), {"level": "cannotdelete"})
    assert not again["changed"] and again["diff"]["before"] == again["diff"]["after"]

    check = reconcile(ml.ManagementLock(FakeModule(client, True), "keep", ml.parse_scope(scope)), {"level": "ReadOnly"})
    assert check["changed"] and check["resource"]["level"] == "ReadOnly" and check["resource"]["notes"] == "prod"
    assert len([c for c in client.management_locks.calls if c[0].startswith("create")]) == 1

    gone = reconcile(ml.ManagementLock(module, "keep", ml.parse_scope(scope)), {}, state="absent")
    assert gone["changed"] and not client.management_locks.locks


def test_check_mode_create_prediction():
    lock = ml.ManagementLock(FakeModule(FakeClient(), True), "keep", ml.parse_scope(RG))
    result = reconcile(lock, {"level": "CanNotDelete"})
    assert result["resource"] == {
        "id": f"{RG}/providers/Microsoft.Authorization/locks/keep",
        "name": "keep",
        "scope": RG,
        "level": "CanNotDelete",
        "notes": "",
        "owners": [],
    }
