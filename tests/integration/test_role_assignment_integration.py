"""mlops.azure.role_assignment and role_assignment_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import uuid

import pytest
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-rbac"
ACCOUNT = "stitrbac01"
LOCATION = "westeurope"
GROUP = "6b1f5a1e-1c1d-4e8f-9a0b-3c4d5e6f7a01"
SP = "6b1f5a1e-1c1d-4e8f-9a0b-3c4d5e6f7a02"
USER = "6b1f5a1e-1c1d-4e8f-9a0b-3c4d5e6f7a03"
READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"  # Storage Blob Data Reader
CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"  # Storage Blob Data Contributor


@pytest.fixture
def rbac_env(clean_emulator):
    """A resource group with a storage account in it; answers the account id."""
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    storage = clean_emulator.client(StorageManagementClient)
    account = storage.storage_accounts.begin_create(
        RG, ACCOUNT, {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    clean_emulator.clear_requests()
    clean_emulator.account_id = account.id
    return clean_emulator


def assign(scope, **args):
    return {"mlops.azure.role_assignment": dict({"scope": scope}, **args)}


def assignments_at(env, scope):
    client = env.client(AuthorizationManagementClient)
    return [a for a in client.role_assignments.list_for_scope(scope) if a.scope.lower() == scope.lower()]


def subscription_lists(env, requests):
    """Requests that listed role assignments at subscription scope (what the module must never do)."""
    path = f"/subscriptions/{env.subscription_id}/providers/Microsoft.Authorization/roleAssignments".lower()
    return [r for r in requests if r["method"] == "GET" and r["path"].rstrip("/").lower() == path]


def test_four_steps_then_info(play, rbac_env):
    scope = rbac_env.account_id
    args = {"role": "Storage Blob Data Reader", "principal_id": GROUP, "principal_type": "Group"}
    check, real, check_again, real_again, info, info_role, info_other = play(
        [
            dict(assign(scope, **args), check_mode=True),
            assign(scope, **args),
            dict(assign(scope.upper(), **dict(args, role=READER)), check_mode=True),
            CLEAR_REQUESTS,
            assign(scope, **args),
            {"mlops.azure.role_assignment_info": {"scope": scope}},
            {"mlops.azure.role_assignment_info": {"scope": scope, "role": READER, "principal_id": GROUP}},
            {"mlops.azure.role_assignment_info": {"scope": scope, "role": "Storage Blob Data Contributor"}},
        ]
    )
    expected_name = str(
        uuid.uuid5(uuid.UUID("5b0f7d3e-6c1a-5d9e-9a41-7f3c2e8b1d60"), f"{scope.lower()}|{GROUP}|{READER}")
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert check["role_assignment"]["name"] == expected_name
    assert real["changed"] and real["diff"]["before"] == {}
    assert real["role_assignment"]["name"] == expected_name, "the deterministic name is used"
    assert real["role_assignment"] == check["role_assignment"], "check mode predicts the real result"
    assert real["role_assignment"]["role_definition_name"] == "Storage Blob Data Reader"
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == real["role_assignment"]
    assert info["role_assignments"] == [real["role_assignment"]] == info_role["role_assignments"]
    assert info_other["role_assignments"] == []

    held = rbac_env.client(AuthorizationManagementClient).role_assignments.get(scope, expected_name)
    assert held.principal_id == GROUP and held.principal_type == "Group"
    assert held.role_definition_id.lower().endswith(READER)
    requests = rbac_env.requests()
    assert writes(requests) == [], "the idempotent real run sends no write"
    assert subscription_lists(rbac_env, requests) == []


def test_existing_assignment_under_another_name_is_present(play, rbac_env):
    scope = rbac_env.account_id
    other_name = str(uuid.uuid4())
    client = rbac_env.client(AuthorizationManagementClient)
    client.role_assignments.create(
        scope,
        other_name,
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{rbac_env.subscription_id}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{READER}",
                "principalId": SP,
                "principalType": "ServicePrincipal",
            }
        },
    )
    rbac_env.clear_requests()
    found, described = play(
        [
            assign(scope, role=READER, principal_id=SP, principal_type="ServicePrincipal"),
            assign(scope, role=READER, principal_id=SP, principal_type="ServicePrincipal", description="pipeline"),
        ]
    )
    assert not found["changed"] and found["role_assignment"]["name"] == other_name
    assert described["changed"] and described["role_assignment"]["name"] == other_name
    assert described["diff"]["before"]["description"] is None
    assert described["diff"]["after"]["description"] == "pipeline"
    assert client.role_assignments.get(scope, other_name).description == "pipeline"

    absent_check, absent, absent_again = play(
        [
            dict(assign(scope, role=READER, principal_id=SP, state="absent"), check_mode=True),
            assign(scope, role=READER, principal_id=SP, state="absent"),
            assign(scope, role=READER, principal_id=SP, state="absent"),
        ]
    )
    assert absent_check["changed"] and absent_check["diff"]["before"]["name"] == other_name
    assert absent["changed"] and absent["role_assignment"] is None
    assert not absent_again["changed"]
    assert assignments_at(rbac_env, scope) == []
    deletes = [w for w in writes(rbac_env.requests()) if w.startswith("DELETE")]
    assert len(deletes) == 1 and other_name in deletes[0]
    assert subscription_lists(rbac_env, rbac_env.requests()) == []


def test_role_assignment_exists_under_a_name_not_listed_yet(play, rbac_env):
    # Azure's listing lags behind writes: the PUT can answer 409 RoleAssignmentExists for an assignment the
    # listing did not return. The emulator lists consistently, so the answer is injected.
    scope = rbac_env.account_id
    rbac_env.add_fault(
        method="PUT",
        path="/providers/Microsoft.Authorization/roleAssignments/",
        status=409,
        code="RoleAssignmentExists",
        message="The role assignment already exists.",
    )
    (result,) = play([assign(scope, role=CONTRIBUTOR, principal_id=GROUP, principal_type="Group")])
    assert not result.get("failed"), result
    assert not result["changed"]
    assert any("RoleAssignmentExists" in w for w in result.get("warnings", []))


def test_user_principals_refused_unless_allowed(play, rbac_env):
    scope = rbac_env.account_id
    refused, refused_check, allowed = play(
        [
            assign(scope, role=READER, principal_id=USER, principal_type="User"),
            dict(assign(scope, role=READER, principal_id=USER, principal_type="User"), check_mode=True),
            CLEAR_REQUESTS,
            assign(scope, role=READER, principal_id=USER, principal_type="User", allow_user_principals=True),
        ]
    )
    for result in (refused, refused_check):
        assert result["failed"] and result.get("refused")
        assert "security group" in result["msg"] and "allow_user_principals" in result["msg"]
    assert allowed["changed"] and allowed["role_assignment"]["principal_type"] == "User"


def test_refusals_and_failures_name_what_to_do(play, rbac_env):
    scope = rbac_env.account_id
    # an assignment recorded for a user, reached with another principal_type
    play([assign(scope, role=READER, principal_id=USER, principal_type="User", allow_user_principals=True)])
    rbac_env.clear_requests()
    user_as_group, unknown_role, bad_scope, missing_type, missing_scope = play(
        [
            assign(scope, role=READER, principal_id=USER, principal_type="Group"),
            assign(scope, role="Storage Blob Data Raeder", principal_id=GROUP, principal_type="Group"),
            assign("rg-it-rbac", role=READER, principal_id=GROUP, principal_type="Group"),
            assign(scope, role=READER, principal_id=GROUP),
            assign(f"{scope}-missing", role=READER, principal_id=GROUP, principal_type="Group"),
        ]
    )
    assert user_as_group["failed"] and "User" in user_as_group["msg"]
    assert unknown_role["failed"] and "Storage Blob Data Raeder" in unknown_role["msg"]
    assert bad_scope["failed"] and "scope" in bad_scope["msg"]
    assert missing_type["failed"] and "principal_type" in missing_type["msg"]
    assert missing_scope["failed"] and "ResourceNotFound" in missing_scope["msg"]
    assert writes(rbac_env.requests()) == [], "nothing is written when refused"


def test_role_by_definition_id_at_resource_group_scope(play, rbac_env):
    scope = f"/subscriptions/{rbac_env.subscription_id}/resourceGroups/{RG}"
    role_id = (
        f"/subscriptions/{rbac_env.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}"
    )
    created, by_name, info_inherited, info_exact = play(
        [
            assign(scope, role=role_id, principal_id=GROUP, principal_type="Group"),
            assign(scope, role="Storage Blob Data Contributor", principal_id=GROUP, principal_type="Group"),
            {
                "mlops.azure.role_assignment_info": {
                    "scope": rbac_env.account_id,
                    "principal_id": GROUP,
                    "include_inherited": True,
                }
            },
            {"mlops.azure.role_assignment_info": {"scope": rbac_env.account_id, "principal_id": GROUP}},
        ]
    )
    assert created["changed"] and not by_name["changed"]
    assert by_name["role_assignment"]["id"] == created["role_assignment"]["id"]
    assert [a["id"] for a in info_inherited["role_assignments"]] == [created["role_assignment"]["id"]]
    assert info_exact["role_assignments"] == []
    assert subscription_lists(rbac_env, rbac_env.requests()) == []
