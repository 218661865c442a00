# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_role_assignment.py: role resolution, deterministic names, matching, the user policy
and the RoleAssignmentExists handling, with fake clients (no network)."""

from __future__ import annotations

import uuid

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _role_assignment as ra
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, reconcile
from azure.core.exceptions import HttpResponseError
from azure_fakes import Failed, FakeModule

SUB = "00000000-0000-0000-0000-000000000001"
RG_SCOPE = f"/subscriptions/{SUB}/resourceGroups/rg-mlops"
VAULT = f"{RG_SCOPE}/providers/Microsoft.KeyVault/vaults/kv-mlops"
PRINCIPAL = "11111111-2222-3333-4444-555555555555"
READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
READER_ID = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"


def definition(guid, name):
    return {
        "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        "name": guid,
        "properties": {"roleName": name, "type": "BuiltInRole"},
    }


def assignment(name, scope, principal, role_id, principal_type="Group", description=None):
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "properties": {
            "scope": scope,
            "principalId": principal,
            "principalType": principal_type,
            "roleDefinitionId": role_id,
            "description": description,
        },
    }


class FakeDefinitions:
    def __init__(self, roles):
        self.roles = roles
        self.calls = []

    def list(self, scope, filter=None):
        self.calls.append(("list", scope, filter))
        wanted = filter.split("'", 1)[1][:-1].replace("''", "'")
        return [definition(g, n) for g, n in self.roles.items() if n.casefold() == wanted.casefold()]

    def get(self, scope, guid):
        self.calls.append(("get", scope, guid))
        if guid not in self.roles:
            raise ArmFailure("RoleDefinitionDoesNotExist", status=404)
        return definition(guid, self.roles[guid])


class ArmFailure(HttpResponseError):
    def __init__(self, code, status=409):
        super().__init__(message=code)
        self.status_code = status
        self.error = type("E", (), {"code": code, "message": code})()


class FakeAssignments:
    def __init__(self, items=(), conflict=None):
        self.items = list(items)
        self.calls = []
        self.conflict = conflict

    def list_for_scope(self, scope, filter=None):
        self.calls.append(("list_for_scope", scope, filter))
        return list(self.items)

    def list_for_subscription(self, *args, **kwargs):  # pragma: no cover - must never be called
        raise AssertionError("listed every assignment of the subscription")

    def create(self, scope, name, body):
        self.calls.append(("create", scope, name, body))
        if self.conflict:
            raise ArmFailure(self.conflict)
        props = body["properties"]
        self.items.append(
            assignment(name, scope, props["principalId"], props["roleDefinitionId"], props.get("principalType"))
        )
        return self.items[-1]

    def delete(self, scope, name):
        self.calls.append(("delete", scope, name))
        self.items = [item for item in self.items if item["name"] != name]


class FakeClient:
    def __init__(self, items=(), conflict=None):
        self.role_definitions = FakeDefinitions(
            {READER: "Storage Blob Data Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader"}
        )
        self.role_assignments = FakeAssignments(items, conflict)


def make(
    client, check_mode=False, role="Storage Blob Data Reader", principal_type="Group", allow_users=False, scope=VAULT
):
    module = FakeModule(client, check_mode)
    return module, ra.RoleAssignment(module, scope, PRINCIPAL, role, principal_type, allow_users)


# ---------------------------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (READER, READER),
        (READER.upper(), READER),
        (READER_ID, READER),
        (READER_ID.upper() + "/", READER),
        (f"/providers/Microsoft.Authorization/roleDefinitions/{READER}", READER),
        (
            f"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/roleDefinitions/{READER}",
            READER,
        ),
        ("Storage Blob Data Reader", None),
        ("AcrPull", None),
        (f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/{READER}", None),
        ("2a2b9908-6ea1-4ae2-8e65", None),
    ],
)
def test_role_guid(value, expected):
    assert ra.role_guid(value) == expected


def test_assignment_name_is_a_stable_uuid5_whatever_the_spelling():
    name = ra.assignment_name(VAULT, PRINCIPAL, READER)
    assert uuid.UUID(name).version == 5
    assert name == ra.assignment_name(VAULT.upper() + "/", PRINCIPAL.upper(), READER.upper())
    assert name == ra.assignment_name(VAULT.lstrip("/"), f" {PRINCIPAL} ", READER)
    others = {
        ra.assignment_name(RG_SCOPE, PRINCIPAL, READER),
        ra.assignment_name(VAULT, "99999999-2222-3333-4444-555555555555", READER),
        ra.assignment_name(VAULT, PRINCIPAL, "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
    }
    assert name not in others and len(others) == 3


def test_assignment_name_is_fixed_across_releases():
    # A rerun by a later release must address the same assignment: the namespace and seed format are frozen.
    assert ra.assignment_name(VAULT, PRINCIPAL, READER) == str(
        uuid.uuid5(ra.ASSIGNMENT_NAMESPACE, f"{VAULT.casefold()}|{PRINCIPAL}|{READER}")
    )


@pytest.mark.parametrize(
    "scope",
    [
        f"/subscriptions/{SUB}",
        RG_SCOPE,
        VAULT,
        f"{RG_SCOPE}/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default/containers/data",
        "/providers/Microsoft.Management/managementGroups/mg-platform",
        f"subscriptions/{SUB}/resourceGroups/rg/",
    ],
)
def test_valid_scopes(scope):
    assert ra.scope_errors(scope) == []


@pytest.mark.parametrize(
    "scope",
    [
        "",
        "/",
        "/subscriptions/not-a-guid",
        f"/subscriptions/{SUB}/resourcegroup/rg",
        f"{RG_SCOPE}/providers/Microsoft.KeyVault/vaults",
        f"{RG_SCOPE}/vaults/kv",
        "rg-mlops",
    ],
)
def test_invalid_scopes(scope):
    assert ra.scope_errors(scope)


def test_scope_helpers():
    assert ra.normalise_scope(f"subscriptions/{SUB}/") == f"/subscriptions/{SUB}"
    assert ra.scope_subscription(VAULT) == SUB
    assert ra.scope_subscription("/providers/Microsoft.Management/managementGroups/mg") is None
    assert ra.scope_is_within(VAULT, RG_SCOPE) and ra.scope_is_within(VAULT, f"/subscriptions/{SUB}")
    assert ra.scope_is_within(VAULT, VAULT.upper())
    assert not ra.scope_is_within(RG_SCOPE, VAULT)
    assert not ra.scope_is_within(f"{RG_SCOPE}2", RG_SCOPE), "a sibling with a longer name is not a child"
    assert ra.scope_is_within(VAULT, "/")


def test_filters_quote_odata_strings():
    assert ra.role_name_filter("Storage Blob Data Reader") == "roleName eq 'Storage Blob Data Reader'"
    assert ra.role_name_filter("O'Brien's role") == "roleName eq 'O''Brien''s role'"
    assert ra.principal_filter(PRINCIPAL) == f"principalId eq '{PRINCIPAL}'"


def test_matches_exact_scope_principal_and_role():
    shape = ra.role_assignment_shape(assignment("a", VAULT.upper(), PRINCIPAL.upper(), READER_ID))
    assert ra.matches(shape, VAULT, PRINCIPAL, READER)
    assert not ra.matches(shape, RG_SCOPE, PRINCIPAL, READER), "inherited from another scope does not count"
    assert not ra.matches(shape, VAULT, PRINCIPAL, "acdd72a7-3385-48ef-bd42-f606fba81ae7")
    assert not ra.matches(shape, VAULT, "99999999-2222-3333-4444-555555555555", READER)


def test_user_policy():
    assert ra.principal_refusal("Group", False, "x") is None
    assert ra.principal_refusal("ServicePrincipal", False, "x") is None
    assert ra.principal_refusal("User", True, "x") is None
    refusal = ra.principal_refusal("user", False, "role assignment of 'Reader'")
    assert isinstance(refusal, Refusal)
    assert "security group" in refusal.msg and "allow_user_principals" in refusal.msg


# ---------------------------------------------------------------------------------------------
# Role resolution
# ---------------------------------------------------------------------------------------------

SUBSCRIPTION_SCOPE = "/" + "/".join(VAULT.strip("/").split("/")[:2])


def test_resolve_by_name_filters_at_the_scopes_subscription():
    client = FakeClient()
    module = FakeModule(client)
    role = ra.resolve_role(module, client, VAULT, "storage blob data reader")
    assert role["id"].endswith(READER) and role["role_name"] == "Storage Blob Data Reader"
    # At the subscription, so the role resolves while the scope itself does not exist yet (check mode).
    assert client.role_definitions.calls == [("list", SUBSCRIPTION_SCOPE, "roleName eq 'storage blob data reader'")]


@pytest.mark.parametrize("value", [READER, READER_ID])
def test_resolve_by_guid_or_id_reads_it(value):
    client = FakeClient()
    role = ra.resolve_role(FakeModule(client), client, VAULT, value)
    assert role["role_name"] == "Storage Blob Data Reader"
    assert client.role_definitions.calls == [("get", SUBSCRIPTION_SCOPE, READER)]


@pytest.mark.parametrize("value", ["Storage Blob Data Raeder", "0c7a3b6c-2a1b-4c5d-8e9f-0a1b2c3d4e5f"])
def test_unknown_role(value):
    client = FakeClient()
    with pytest.raises(ra.RoleNotFound) as caught:
        ra.resolve_role(FakeModule(client), client, VAULT, value)
    assert VAULT in str(caught.value)


# ---------------------------------------------------------------------------------------------
# The resource
# ---------------------------------------------------------------------------------------------


def test_create_uses_the_deterministic_name_and_lists_by_principal_only():
    client = FakeClient()
    module, resource = make(client)
    result = reconcile(resource, {})
    assert result["changed"]
    name = ra.assignment_name(VAULT, PRINCIPAL, READER)
    creates = [c for c in client.role_assignments.calls if c[0] == "create"]
    assert creates == [
        (
            "create",
            VAULT,
            name,
            {"properties": {"roleDefinitionId": READER_ID, "principalId": PRINCIPAL, "principalType": "Group"}},
        )
    ]
    lists = [c for c in client.role_assignments.calls if c[0] == "list_for_scope"]
    assert lists and all(c[1] == VAULT and c[2] == f"principalId eq '{PRINCIPAL}'" for c in lists)
    assert result["resource"]["name"] == name
    assert result["resource"]["role_definition_name"] == "Storage Blob Data Reader"
    assert module.clients_for == [SUB], "the client is built for the scope's subscription"


def test_check_mode_predicts_without_writing():
    client = FakeClient()
    _module, resource = make(client, check_mode=True)
    result = reconcile(resource, {"description": "why"})
    assert result["changed"] and result["diff"]["before"] == {}
    predicted = result["resource"]
    assert predicted["name"] == ra.assignment_name(VAULT, PRINCIPAL, READER)
    assert predicted["id"] == f"{VAULT}/providers/Microsoft.Authorization/roleAssignments/{predicted['name']}"
    assert predicted["description"] == "why" and predicted["principal_type"] == "Group"
    assert not [c for c in client.role_assignments.calls if c[0] != "list_for_scope"]


def test_existing_assignment_under_any_name_is_found():
    other = assignment("3f1c8f7e-0000-4000-8000-000000000001", VAULT, PRINCIPAL.upper(), READER_ID)
    inherited = assignment("3f1c8f7e-0000-4000-8000-000000000002", RG_SCOPE, PRINCIPAL, READER_ID)
    client = FakeClient([inherited, other])
    _module, resource = make(client)
    result = reconcile(resource, {})
    assert not result["changed"]
    assert result["resource"]["name"] == other["name"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert [c[0] for c in client.role_assignments.calls] == ["list_for_scope"]


def test_description_update_keeps_the_existing_name():
    other = assignment("3f1c8f7e-0000-4000-8000-000000000001", VAULT, PRINCIPAL, READER_ID, description="old")
    client = FakeClient([other])
    _module, resource = make(client)
    result = reconcile(resource, {"description": "new"})
    assert result["changed"]
    create = [c for c in client.role_assignments.calls if c[0] == "create"]
    assert create[0][2] == other["name"]
    assert create[0][3]["properties"]["description"] == "new"


def test_role_assignment_exists_is_treated_as_present():
    client = FakeClient(conflict="RoleAssignmentExists")
    _module, resource = make(client)
    resource.create({})
    assert resource.already_exists


def test_other_conflicts_fail():
    client = FakeClient(conflict="PrincipalNotFound")
    _module, resource = make(client)
    with pytest.raises(Failed) as caught:
        resource.create({})
    assert "create" in caught.value.result["msg"]
    assert "object id" in caught.value.result["hint"]


def test_user_principal_refused_before_any_write():
    client = FakeClient()
    _module, resource = make(client, principal_type="User")
    with pytest.raises(Refusal):
        reconcile(resource, {})
    assert not [c for c in client.role_assignments.calls if c[0] == "create"]
    _module, allowed = make(FakeClient(), principal_type="User", allow_users=True)
    assert reconcile(allowed, {})["changed"]


def test_existing_user_assignment_refused_and_type_mismatch_refused():
    existing = assignment("3f1c8f7e-0000-4000-8000-000000000001", VAULT, PRINCIPAL, READER_ID, principal_type="User")
    _module, resource = make(FakeClient([existing]), principal_type="Group")
    with pytest.raises(Refusal) as caught:
        reconcile(resource, {})
    assert "User" in caught.value.msg
    sp = assignment(
        "3f1c8f7e-0000-4000-8000-000000000001", VAULT, PRINCIPAL, READER_ID, principal_type="ServicePrincipal"
    )
    _module, resource = make(FakeClient([sp]), principal_type="Group")
    with pytest.raises(Refusal) as caught:
        reconcile(resource, {})
    assert "principal_type: ServicePrincipal" in caught.value.msg


def test_absent_deletes_the_matching_assignment_only():
    match = assignment("3f1c8f7e-0000-4000-8000-000000000001", VAULT, PRINCIPAL, READER_ID)
    inherited = assignment("3f1c8f7e-0000-4000-8000-000000000002", RG_SCOPE, PRINCIPAL, READER_ID)
    client = FakeClient([match, inherited])
    _module, resource = make(client)
    result = reconcile(resource, {}, state="absent")
    assert result["changed"] and result["diff"]["before"]["name"] == match["name"]
    assert [c for c in client.role_assignments.calls if c[0] == "delete"] == [("delete", VAULT, match["name"])]
    _module, again = make(client)
    assert not reconcile(again, {}, state="absent")["changed"]


def test_unknown_role_fails_with_the_scope():
    _module, resource = make(FakeClient(), role="Storage Blob Data Raeder")
    with pytest.raises(Failed) as caught:
        reconcile(resource, {})
    assert "Storage Blob Data Raeder" in caught.value.result["msg"] and VAULT in caught.value.result["msg"]


def test_missing_scope_is_not_reported_as_a_missing_role():
    client = FakeClient()

    def get(scope, guid):
        raise ArmFailure("ResourceNotFound", status=404)

    client.role_definitions.get = get
    with pytest.raises(Failed) as caught:
        ra.resolve_role(FakeModule(client), client, VAULT, READER)
    assert "read role definition" in caught.value.result["msg"]
