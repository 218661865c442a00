"""Role definitions (built-in roles with their real ids) and role assignments at any scope."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.authorization.v2022_04_01.models import RoleAssignmentCreateParameters
from emulator_helpers import account_body, vault_body, with_status

SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
PRINCIPAL = "11111111-2222-3333-4444-555555555555"
OTHER_PRINCIPAL = "99999999-8888-7777-6666-555555555555"

#: Every built-in role the stack uses, with its well-known id.
BUILTIN = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": READER,
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Secrets User": SECRETS_USER,
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": BLOB_READER,
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "AcrDelete": "c2f4ef07-c644-48eb-af81-4b1b4947fb11",
    "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    "Monitoring Contributor": "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
    "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
    "Log Analytics Contributor": "92aaf0da-9dab-42b6-94a3-d43ce8d16293",
    "Application Insights Component Contributor": "ae349356-3a1b-4a5e-921d-050484c6347e",
    "Storage File Data Privileged Contributor": "69566ab7-960f-475b-8e7c-b3118f30c6bd",
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "AzureML Compute Operator": "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
}


@pytest.fixture
def auth(clean_emulator):
    return clean_emulator.client(AuthorizationManagementClient)


@pytest.fixture
def sub(clean_emulator):
    return f"/subscriptions/{clean_emulator.subscription_id}"


@pytest.fixture
def vault_id(kv, group, tenant):
    return kv.vaults.begin_create_or_update(group, "kv-rbac", vault_body(tenant)).result().id


def role_id(sub: str, guid: str) -> str:
    return f"{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def assignment(sub: str, guid: str, principal: str = PRINCIPAL, principal_type: str = "ServicePrincipal"):
    return RoleAssignmentCreateParameters(
        role_definition_id=role_id(sub, guid), principal_id=principal, principal_type=principal_type
    )


# role definitions -----------------------------------------------------------------------------------------------------
def test_builtin_roles_found_by_name_with_their_real_ids(auth, sub):
    for name, guid in BUILTIN.items():
        found = list(auth.role_definitions.list(sub, filter=f"roleName eq '{name}'"))
        assert [(d.role_name, d.name, d.role_type) for d in found] == [(name, guid, "BuiltInRole")]
        assert found[0].id == role_id(sub, guid)
    everything = list(auth.role_definitions.list(sub))  # more than one page: the SDK follows nextLink
    assert {d.name for d in everything} == set(BUILTIN.values())
    builtin = list(auth.role_definitions.list(sub, filter="type eq 'BuiltInRole'"))
    assert len(builtin) == len(BUILTIN)
    assert list(auth.role_definitions.list(sub, filter="type eq 'CustomRole'")) == []
    assert list(auth.role_definitions.list(sub, filter="roleName eq 'No Such Role'")) == []


def test_role_definition_read_at_any_scope(auth, sub, group, vault_id):
    secrets_user = auth.role_definitions.get(vault_id, SECRETS_USER)
    assert secrets_user.role_name == "Key Vault Secrets User"
    assert secrets_user.id == role_id(sub, SECRETS_USER)
    assert secrets_user.permissions[0].data_actions == [
        "Microsoft.KeyVault/vaults/secrets/getSecret/action",
        "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ]
    assert auth.role_definitions.get(f"{sub}/resourceGroups/{group}", READER).permissions[0].actions == ["*/read"]
    by_id = auth.role_definitions.get_by_id(f"/providers/Microsoft.Authorization/roleDefinitions/{READER}")
    assert by_id.id == f"/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    with pytest.raises(ResourceNotFoundError) as info:
        auth.role_definitions.get(sub, str(uuid.uuid4()))
    assert info.value.error.code == "RoleDefinitionDoesNotExist"
    with pytest.raises(HttpResponseError) as info:
        list(auth.role_definitions.list(sub, filter="description eq 'x'"))
    assert info.value.status_code == 400


# role assignments -----------------------------------------------------------------------------------------------------
def test_assignment_lifecycle_on_a_vault(auth, sub, group, vault_id):
    name = str(uuid.uuid4())
    status, created = with_status(auth.role_assignments.create, vault_id, name, assignment(sub, SECRETS_USER))
    assert status == 201
    assert created.id == f"{vault_id}/providers/Microsoft.Authorization/roleAssignments/{name}"
    assert created.scope == vault_id
    assert created.role_definition_id == role_id(sub, SECRETS_USER)
    assert created.principal_type == "ServicePrincipal"
    assert created.created_on is not None and created.created_by
    status, again = with_status(auth.role_assignments.create, vault_id, name, assignment(sub, SECRETS_USER))
    assert status == 200  # 2022-04-01: an existing assignment answers 200
    assert again.id == created.id
    assert auth.role_assignments.get(vault_id, name).principal_id == PRINCIPAL
    assert auth.role_assignments.get_by_id(created.id).name == name

    group_scope = f"{sub}/resourceGroups/{group}"
    reader = str(uuid.uuid4())
    auth.role_assignments.create(group_scope, reader, assignment(sub, READER, OTHER_PRINCIPAL, "User"))
    # atScope(): at or above the scope; no filter: at, above and below
    assert {a.name for a in auth.role_assignments.list_for_scope(vault_id, filter="atScope()")} == {name, reader}
    assert {a.name for a in auth.role_assignments.list_for_scope(group_scope, filter="atScope()")} == {reader}
    assert {a.name for a in auth.role_assignments.list_for_resource_group(group)} == {name, reader}
    assert {a.name for a in auth.role_assignments.list_for_subscription()} == {name, reader}
    mine = auth.role_assignments.list_for_subscription(filter=f"principalId eq '{PRINCIPAL}'")
    assert [a.name for a in mine] == [name]
    assigned = auth.role_assignments.list_for_scope(group_scope, filter=f"atScope() and assignedTo('{PRINCIPAL}')")
    assert list(assigned) == []
    on_vault = auth.role_assignments.list_for_resource(group, "Microsoft.KeyVault", "vaults", "kv-rbac")
    assert {a.name for a in on_vault} == {name, reader}

    status, deleted = with_status(auth.role_assignments.delete, vault_id, name)
    assert status == 200 and deleted.name == name
    status, _ = with_status(auth.role_assignments.delete, vault_id, name)
    assert status == 204
    with pytest.raises(ResourceNotFoundError) as info:
        auth.role_assignments.get(vault_id, name)
    assert info.value.error.code == "RoleAssignmentNotFound"


def test_older_api_versions_answer_201(clean_emulator, sub, group):
    old = clean_emulator.client(AuthorizationManagementClient, api_version="2020-04-01-preview")
    scope = f"{sub}/resourceGroups/{group}"
    body = {"properties": {"roleDefinitionId": role_id(sub, READER), "principalId": PRINCIPAL}}
    name = str(uuid.uuid4())
    assert with_status(old.role_assignments.create, scope, name, body)[0] == 201
    status, again = with_status(old.role_assignments.create, scope, name, body)
    assert status == 201
    assert again.principal_type == "User"  # the service default


def test_same_assignment_under_another_name_is_refused(auth, sub, vault_id):
    auth.role_assignments.create(vault_id, str(uuid.uuid4()), assignment(sub, SECRETS_USER))
    with pytest.raises(ResourceExistsError) as info:
        auth.role_assignments.create(vault_id, str(uuid.uuid4()), assignment(sub, SECRETS_USER))
    assert info.value.status_code == 409
    assert info.value.error.code == "RoleAssignmentExists"
    assert info.value.error.message == "The role assignment already exists."
    # another role, or another principal, is another assignment
    auth.role_assignments.create(vault_id, str(uuid.uuid4()), assignment(sub, READER))
    auth.role_assignments.create(vault_id, str(uuid.uuid4()), assignment(sub, SECRETS_USER, OTHER_PRINCIPAL))


def test_changing_an_assignment_is_refused(auth, sub, group, vault_id):
    name = str(uuid.uuid4())
    auth.role_assignments.create(vault_id, name, assignment(sub, SECRETS_USER))
    for change in (assignment(sub, READER), assignment(sub, SECRETS_USER, OTHER_PRINCIPAL)):
        with pytest.raises(HttpResponseError) as info:
            auth.role_assignments.create(vault_id, name, change)
        assert info.value.status_code == 400
        assert info.value.error.code == "RoleAssignmentUpdateNotPermitted"
    with pytest.raises(HttpResponseError) as info:  # the name is taken at another scope
        auth.role_assignments.create(f"{sub}/resourceGroups/{group}", name, assignment(sub, SECRETS_USER))
    assert info.value.error.code == "RoleAssignmentUpdateNotPermitted"


def test_assignment_refusals(auth, sub, group, vault_id):
    with pytest.raises(HttpResponseError) as info:
        auth.role_assignments.create(vault_id, "not-a-guid", assignment(sub, READER))
    assert (info.value.status_code, info.value.error.code) == (400, "InvalidRoleAssignmentId")
    assert "The role assignment ID must be a GUID." in info.value.error.message
    missing_role = str(uuid.uuid4())
    with pytest.raises(HttpResponseError) as info:
        auth.role_assignments.create(vault_id, str(uuid.uuid4()), assignment(sub, missing_role))
    assert (info.value.status_code, info.value.error.code) == (400, "RoleDefinitionDoesNotExist")
    assert info.value.error.message == f"The specified role definition with ID '{missing_role}' does not exist."
    with pytest.raises(HttpResponseError) as info:
        auth.role_assignments.create(vault_id, str(uuid.uuid4()), assignment(sub, READER, "User"))
    assert info.value.error.code == "InvalidPrincipalId"
    missing_vault = vault_id.replace("kv-rbac", "kv-missing")
    with pytest.raises(ResourceNotFoundError) as info:
        auth.role_assignments.create(missing_vault, str(uuid.uuid4()), assignment(sub, READER))
    assert info.value.error.code == "ResourceNotFound"
    assert "Microsoft.KeyVault/vaults/kv-missing" in info.value.error.message
    with pytest.raises(ResourceNotFoundError) as info:
        auth.role_assignments.create(f"{sub}/resourceGroups/rg-missing", str(uuid.uuid4()), assignment(sub, READER))
    assert info.value.error.code == "ResourceGroupNotFound"
    with pytest.raises(HttpResponseError) as info:
        list(auth.role_assignments.list_for_subscription(filter="roleName eq 'Reader'"))
    assert info.value.status_code == 400


def test_assignments_go_with_their_scope(clean_emulator, auth, kv, st, sub, group, vault_id):
    group_scope = f"{sub}/resourceGroups/{group}"
    on_vault = str(uuid.uuid4())
    on_group = str(uuid.uuid4())
    auth.role_assignments.create(vault_id, on_vault, assignment(sub, SECRETS_USER))
    auth.role_assignments.create(group_scope, on_group, assignment(sub, READER))
    kv.vaults.delete(group, "kv-rbac")  # soft delete: the vault's assignments go, the group's stay
    assert {a.name for a in auth.role_assignments.list_for_subscription()} == {on_group}
    kv.vaults.begin_create_or_update(
        group, "kv-rbac", vault_body(clean_emulator.env["AZURE_TENANT"], createMode="recover")
    ).result()
    assert [a.name for a in auth.role_assignments.list_for_scope(vault_id, filter="atScope()")] == [on_group]

    account = st.storage_accounts.begin_create(group, "stauthz01", account_body()).result()
    on_account = str(uuid.uuid4())
    auth.role_assignments.create(account.id, on_account, assignment(sub, BLOB_READER))
    st.storage_accounts.delete(group, "stauthz01")
    with pytest.raises(ResourceNotFoundError):
        auth.role_assignments.get(account.id, on_account)
