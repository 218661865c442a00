"""playbooks/audit.yml against a stack playbooks/mlops.yml converged in the emulator, as a user runs it.

The stack is converged once for the module; the tests run in file order: a clean audit first, then drift made
through the SDK (as someone in the portal would), which the audit must report by rule id and fail on.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import run_playbook, writes

HOST = "mlops-local"
STACK_GROUP = "rg-mlops-local-weu"
SHARED_GROUP = "rg-mlops-shared-weu"
STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
A_USER = "7c1e5a3b-9d2f-4b6e-8a0c-1f3e5d7b9a02"
RULE_SEVERITY = {
    "storage_account.firewall": "high",
    "container_registry.admin_user": "critical",
    "rbac.user_data_roles": "high",
}


@pytest.fixture(scope="module")
def stack(emulator):
    """The local inventory's stack, converged once for the tests of this file."""
    emulator.reset()
    emulator.clear_faults()
    rc, _changed, failed, output = run_playbook(emulator, "playbooks/mlops.yml")
    assert rc == 0 and failed == 0, output[-4000:]
    names = {
        "storage_account": re.search(r"storage account: (st[a-z0-9]+) ", output).group(1),
        "container_registry": re.search(r"container registry: (cr[a-z0-9]+) ", output).group(1),
    }
    return emulator, names


def audit(emulator, tmp_path, *args, inventory="inventories/local"):
    reports = tmp_path / "reports"
    emulator.clear_requests()
    rc, changed, failed, output = run_playbook(
        emulator, "playbooks/audit.yml", "-e", f"mlops_audit_report_dir={reports}", *args, inventory=inventory
    )
    return rc, changed, failed, output, reports


def test_a_converged_stack_passes_with_its_declared_exceptions_and_nothing_is_written(stack, tmp_path):
    emulator, names = stack
    rc, _changed, failed, output, reports = audit(emulator, tmp_path)
    assert rc == 0 and failed == 0, output[-6000:]
    assert writes(emulator.requests()) == [], "the audit wrote to Azure"
    assert "PASSED: no rule fails (0 fail, 5 exception," in output

    report = json.loads((reports / f"{HOST}.json").read_text())
    assert report["stack"] == HOST and report["failed"] is False and report["counts"]["fail"] == 0
    assert report["names"]["storage_account"] == names["storage_account"]
    accepted = {item["rule"]: item for item in report["results"] if item["status"] == "exception"}
    assert set(accepted) == {
        "key_vault.public_network_access",
        "storage_account.public_network_access",
        "container_registry.public_network_access",
        "ml_workspace.public_access",
        "ml_workspace.user_assigned_identity",
    }
    assert accepted["storage_account.public_network_access"]["ids"] == [
        "storage_account.public_network_access",
        "CKV_AZURE_59",
    ]
    assert (
        "Service endpoints instead of private endpoints"
        in accepted["key_vault.public_network_access"]["exception"]["reason"]
    )
    # Settings the roles do not manage are read too, from the _info modules' output.
    read = {(item["rule"], item["resource"]): item for item in report["results"]}
    assert read[("app_insights.local_auth", "appi-mlops-local-weu")]["found"] is True
    assert read[("container_registry.anonymous_pull", names["container_registry"])]["found"] is False
    assert read[("key_vault.audit_logs", report["names"]["key_vault"])]["found"] == ["audit"]

    junit = ET.parse(reports / f"{HOST}.xml").getroot()
    assert junit.get("failures") == "0" and int(junit.get("tests")) == len(report["results"])
    markdown = (reports / f"{HOST}.md").read_text()
    assert markdown.startswith(f"# Security baseline audit of {HOST}\n\n**PASSED: no rule fails**")
    assert "## Accepted exceptions" in markdown and "CKV_AZURE_189" in markdown


def test_drift_fails_the_audit_naming_the_rules_and_their_ids(stack, tmp_path):
    emulator, names = stack
    storage = emulator.client(StorageManagementClient)
    storage.storage_accounts.update(
        STACK_GROUP, names["storage_account"], {"properties": {"networkAcls": {"defaultAction": "Allow"}}}
    )
    registries = emulator.client(ContainerRegistryManagementClient)
    registries.registries.begin_update(
        SHARED_GROUP, names["container_registry"], {"properties": {"adminUserEnabled": True}}
    ).result()
    account_id = storage.storage_accounts.get_properties(STACK_GROUP, names["storage_account"]).id
    emulator.client(AuthorizationManagementClient).role_assignments.create(
        account_id,
        "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{emulator.subscription_id}/providers/Microsoft.Authorization"
                f"/roleDefinitions/{STORAGE_BLOB_DATA_READER}",
                "principalId": A_USER,
                "principalType": "User",
            }
        },
    )

    rc, _changed, failed, output, reports = audit(emulator, tmp_path)
    assert rc != 0 and failed == 1, output[-6000:]
    assert writes(emulator.requests()) == [], "the audit wrote to Azure"
    flat = " ".join(output.split())
    assert "3 baseline rule result(s) fail at or above severity low" in flat
    for rule, ids in (
        ("storage_account.firewall", "(Azure.Storage.Firewall, CKV_AZURE_35)"),
        ("container_registry.admin_user", "(Azure.ACR.AdminUser, CKV_AZURE_137)"),
        ("rbac.user_data_roles", "(Azure.RBAC.UseGroups)"),
    ):
        assert f"FAIL {RULE_SEVERITY[rule]} {rule} {ids}" in flat, rule
    assert (
        f"storage account {names['storage_account']}: properties.networkAcls.defaultAction is Allow, expected Deny"
        in flat
    )
    assert (
        f"container registry {names['container_registry']}: properties.adminUserEnabled is true, expected false" in flat
    )
    assert f"Storage Blob Data Reader for user {A_USER}" in flat

    junit = ET.parse(reports / f"{HOST}.xml").getroot()
    failures = [case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None]
    assert sorted(failures) == sorted(
        [
            f"storage_account.firewall [Azure.Storage.Firewall, CKV_AZURE_35] {names['storage_account']}",
            f"container_registry.admin_user [Azure.ACR.AdminUser, CKV_AZURE_137] {names['container_registry']}",
            f"rbac.user_data_roles [Azure.RBAC.UseGroups] {names['storage_account']}",
        ]
    )


def test_a_stack_built_by_hand_is_audited_from_its_names_alone(stack, tmp_path):
    emulator, _names = stack
    group, tenant = "rg-handmade", emulator.env["AZURE_TENANT"]
    emulator.client(ResourceManagementClient).resource_groups.create_or_update(group, {"location": "westeurope"})
    emulator.client(StorageManagementClient).storage_accounts.begin_create(
        group, "sthandmade01", {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    vault = {
        "location": "westeurope",
        "properties": {
            "tenantId": tenant,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": False,
            "accessPolicies": [{"tenantId": tenant, "objectId": A_USER, "permissions": {"secrets": ["all"]}}],
        },
    }
    emulator.client(KeyVaultManagementClient).vaults.begin_create_or_update(group, "kv-handmade-01", vault).result()
    workspace = (
        emulator.client(LogAnalyticsManagementClient)
        .workspaces.begin_create_or_update(group, "log-handmade", {"location": "westeurope"})
        .result()
    )
    emulator.client(ApplicationInsightsManagementClient).components.create_or_update(
        group,
        "appi-handmade",
        {
            "location": "westeurope",
            "kind": "web",
            "properties": {"Application_Type": "web", "WorkspaceResourceId": workspace.id},
        },
    )
    names = {
        "resource_group": group,
        "key_vault": "kv-handmade-01",
        "storage_account": "sthandmade01",
        "log_analytics_workspace": "log-handmade",
        "app_insights": "appi-handmade",
    }
    rc, _changed, failed, output, reports = audit(
        emulator, tmp_path, "-e", json.dumps({"mlops_name_overrides": names}), inventory="inventories/dev"
    )
    assert rc != 0 and failed == 1, output[-6000:]
    assert writes(emulator.requests()) == [], "the audit wrote to Azure"
    report = json.loads((reports / "mlops-dev.json").read_text())
    failed_rules = {item["rule"] for item in report["results"] if item["status"] == "fail"}
    # Settings the collection's roles set, and settings they never touch, as Azure left them.
    assert {
        "key_vault.rbac",
        "key_vault.access_policies",
        "key_vault.firewall",
        "key_vault.audit_logs",
        "storage_account.min_tls",
        "storage_account.firewall",
        "storage_account.shared_key_access",
        "app_insights.local_auth",
    } <= failed_rules
    assert {item["rule"] for item in report["results"] if item["status"] == "exception"} == {
        "key_vault.public_network_access",
        "storage_account.public_network_access",
    }
