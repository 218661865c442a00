# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the security baseline rules and their evaluator (module_utils/_audit.py).

The stacks are built in the shapes the ``_info`` modules return (as read from a stack the playbook converged), one
per environment with that environment's settings; every rule has a case that breaks it.
"""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml
from ansible_collections.mlops.azure.plugins.module_utils._audit import (
    ENVIRONMENTS,
    EXISTS_RULE,
    RESOURCE_TYPES,
    RULES,
    RULES_BY_ID,
    SEVERITIES,
    AuditError,
    evaluate,
    parse_exceptions,
    rule_table,
    show,
)

ROOT = pathlib.Path(__file__).resolve().parents[4]
SUB = "/subscriptions/6b1d3c8e-2f4a-4d1e-9a7b-0c5e8f2a1d01"
RG = f"{SUB}/resourceGroups/rg-mlops-ENV-weu"
SHARED = f"{SUB}/resourceGroups/rg-mlops-shared-weu"
KV = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-mlops-ENV-weu-abc123"
ST = f"{RG}/providers/Microsoft.Storage/storageAccounts/stmlopsENVweuabc123"
LAW = f"{RG}/providers/Microsoft.OperationalInsights/workspaces/log-mlops-ENV-weu"
APPI = f"{RG}/providers/microsoft.insights/components/appi-mlops-ENV-weu"
CR = f"{SHARED}/providers/Microsoft.ContainerRegistry/registries/crmlopssharedweuabc123"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet-mlops-ENV-weu/subnets/snet-pipelines"
GROUP = "5f0c2a9e-1d6b-4c1e-9a55-0e6f9b7d3a01"
PIPELINES = "8b7e4d21-6c3a-4f0e-b2d9-7a1c5e9f4b02"
ROLE_DEFS = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions"


def _name(resource_id):
    return resource_id.rsplit("/", 1)[-1]


def _assignment(scope, principal_id, principal_type, role, guid):
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{principal_id[:8]}-{guid[:8]}",
        "scope": scope,
        "principal_id": principal_id,
        "principal_type": principal_type,
        "role_definition_id": f"{ROLE_DEFS}/{guid}",
        "role_definition_name": role,
    }


def _diagnostics(resource_id, law):
    return {
        "id": f"{resource_id}/providers/microsoft.insights/diagnosticSettings/mlops-audit",
        "name": "mlops-audit",
        "resource_id": resource_id,
        "workspace_id": law,
        "storage_account_id": None,
        "logs": [{"category": None, "category_group": "audit", "enabled": True}],
        "metrics": [{"category": "AllMetrics", "enabled": True}],
    }


def converged_stack(environment="prod", registry=None):
    """A stack as playbooks/mlops.yml leaves it in ``environment``, read back through the _info modules; with the
    shared registry where the inventory turns it on (local), or as ``registry`` says."""
    prod = environment == "prod"
    registry = environment == "local" if registry is None else registry

    def rid(value):
        return value.replace("ENV", environment)

    kv, st, law, appi, cr = rid(KV), rid(ST), rid(LAW), rid(APPI), rid(CR)
    mlw = rid(RG) + "/providers/Microsoft.MachineLearningServices/workspaces/mlw-mlops-" + environment
    stack = {
        "resource_groups": [
            {"id": rid(RG), "name": _name(rid(RG)), "location": "westeurope"},
            {"id": SHARED, "name": _name(SHARED), "location": "westeurope"},
        ],
        "key_vaults": [
            {
                "id": kv,
                "name": _name(kv),
                "enable_soft_delete": True,
                "soft_delete_retention_in_days": 90 if prod else 7,
                "enable_purge_protection": prod,
                "enable_rbac_authorization": True,
                "public_network_access": "Enabled",
                "network_acls": {
                    "default_action": "Deny",
                    "bypass": "AzureServices",
                    "ip_rules": [],
                    "virtual_network_rules": [{"id": rid(SUBNET)}],
                },
                "access_policies": [],
            }
        ],
        "storage_accounts": [
            {
                "id": st,
                "name": _name(st),
                "kind": "StorageV2",
                "sku": {"prod": "Standard_GZRS", "test": "Standard_ZRS"}.get(environment, "Standard_LRS"),
                "supports_https_traffic_only": True,
                "minimum_tls_version": "TLS1_2",
                "allow_blob_public_access": False,
                "allow_shared_key_access": False,
                "allow_cross_tenant_replication": False,
                "public_network_access": "Enabled",
                "network_acls": {
                    "default_action": "Deny",
                    "bypass": ["AzureServices"],
                    "ip_rules": [],
                    "virtual_network_rules": [{"id": rid(SUBNET)}],
                },
                "blob_service_properties": {
                    "delete_retention_policy": {"enabled": True, "days": 7},
                    "container_delete_retention_policy": {"enabled": True, "days": 7},
                    "is_versioning_enabled": True,
                },
                "blob_containers": [
                    {"name": "pipeline-logs", "public_access": "None", "metadata": {}},
                    {"name": "model-artifacts", "public_access": "None", "metadata": {}},
                ],
            }
        ],
        "log_analytics_workspaces": [{"id": law, "name": _name(law), "sku": "PerGB2018", "retention_in_days": 30}],
        "app_insights": [
            {"id": appi, "name": _name(appi), "workspace_resource_id": law, "disable_local_auth": True},
        ],
        "container_registries": [
            {
                "id": cr,
                "name": _name(cr),
                "sku": "Standard",
                "admin_user_enabled": False,
                "anonymous_pull_enabled": False,
                "public_network_access": "Enabled",
                "network_rule_set": {"default_action": "Allow", "ip_rules": []},
            }
        ],
        "ml_workspaces": [
            {
                "id": mlw,
                "name": _name(mlw),
                "public_network_access": "Enabled",
                "identity_type": "SystemAssigned",
            }
        ],
        "diagnostic_settings": [
            _diagnostics(kv, law),
            _diagnostics(cr, law),
            _diagnostics(st + "/blobServices/default", law),
            _diagnostics(mlw, law),
        ],
        "management_locks": [],
        "role_assignments": [
            _assignment(
                kv, PIPELINES, "ServicePrincipal", "Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6"
            ),
            _assignment(kv, GROUP, "Group", "Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6"),
            _assignment(
                st,
                PIPELINES,
                "ServicePrincipal",
                "Storage Blob Data Contributor",
                "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
            ),
            _assignment(st, GROUP, "Group", "Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"),
            _assignment(cr, GROUP, "Group", "AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
        ],
    }
    if not registry:
        del stack["container_registries"]
        stack["resource_groups"].pop()
        stack["diagnostic_settings"] = [item for item in stack["diagnostic_settings"] if item["resource_id"] != cr]
        stack["role_assignments"] = [item for item in stack["role_assignments"] if item["scope"] != cr]
    if prod:
        for group in (rid(RG), SHARED):
            stack["management_locks"].append(
                {
                    "id": f"{group}/providers/Microsoft.Authorization/locks/mlops-protect",
                    "scope": group,
                    "level": "CanNotDelete",
                }
            )
    return stack


def inventory_exceptions(environment):
    group_vars = yaml.safe_load((ROOT / "inventories" / environment / "group_vars" / "all" / "main.yml").read_text())
    return group_vars.get("mlops_audit_exceptions") or {}


def results_of(audit, rule_id, resource=None):
    return [
        item
        for item in audit["results"]
        if item["rule"] == rule_id and (resource is None or (item["resource"] or "").startswith(resource))
    ]


def statuses(audit, rule_id, resource=None):
    return {item["status"] for item in results_of(audit, rule_id, resource)}


# --- a converged stack passes everywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_converged_stack_passes_with_its_inventory_exceptions(environment):
    audit = evaluate(converged_stack(environment), environment, exceptions=inventory_exceptions(environment))
    failures = [item["message"] for item in audit["results"] if item["status"] == "fail"]
    assert failures == [] and not audit["failed"] and audit["blocking"] == []
    # The declared service-endpoint exceptions are shown as exceptions, with their reasons; never as passes.
    for rule_id in ("key_vault.public_network_access", "storage_account.public_network_access"):
        (item,) = results_of(audit, rule_id)
        assert item["status"] == "exception" and item["found"] == "Enabled" and item["expected"] == "Disabled"
        assert "Service endpoints instead of private endpoints" in item["exception"]["reason"]
        assert "accepted exception" in item["message"]


def test_without_its_exceptions_the_converged_stack_fails_the_public_network_rules():
    audit = evaluate(converged_stack("prod", registry=True), "prod")
    assert {item["rule"] for item in audit["blocking"]} == {
        "key_vault.public_network_access",
        "storage_account.public_network_access",
        "container_registry.public_network_access",
        "ml_workspace.public_access",
        "ml_workspace.user_assigned_identity",
    }
    assert audit["failed"]


def test_every_resource_of_the_stack_is_audited():
    audit = evaluate(converged_stack("prod", registry=True), "prod")
    audited = {(item["resource_type"], item["resource"]) for item in audit["results"] if item["resource"]}
    assert ("blob_container", "stmlopsprodweuabc123/pipeline-logs") in audited
    for rtype in (
        "key_vault",
        "storage_account",
        "log_analytics_workspace",
        "app_insights",
        "container_registry",
        "ml_workspace",
    ):
        assert any(kind == rtype for kind, _name in audited), rtype


# --- every rule: a passing and a failing case ------------------------------------------------------------------------


def _first(stack, key):
    return stack[key][0]


def _set(key, path, value):
    def change(stack):
        target = _first(stack, key)
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value

    return change


def _add_user_role(stack):
    st = _first(stack, "storage_accounts")["id"]
    stack["role_assignments"].append(
        _assignment(
            st,
            "0a1b2c3d-0000-4000-8000-000000000001",
            "User",
            "Storage Blob Data Reader",
            "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        )
    )


def _drop_logs(resource_key):
    def change(stack):
        resource_id = _first(stack, resource_key)["id"]
        stack["diagnostic_settings"] = [s for s in stack["diagnostic_settings"] if s["resource_id"] != resource_id]

    return change


def _premium_open(stack):
    registry = _first(stack, "container_registries")
    registry["sku"] = "Premium"
    registry["network_rule_set"]["default_action"] = "Allow"


def _broad_policy(stack):
    _first(stack, "key_vaults")["access_policies"] = [
        {
            "object_id": GROUP,
            "permissions": {"secrets": ["get", "Purge"], "keys": [], "certificates": [], "storage": []},
        }
    ]


def _unlock(stack):
    stack["management_locks"] = []


# rule id -> (how to break it on a converged prod stack, the value then found)
BREAKERS = {
    "key_vault.soft_delete": (_set("key_vaults", "enable_soft_delete", False), False),
    "key_vault.soft_delete_retention": (_set("key_vaults", "soft_delete_retention_in_days", 30), 30),
    "key_vault.purge_protection": (_set("key_vaults", "enable_purge_protection", False), False),
    "key_vault.rbac": (_set("key_vaults", "enable_rbac_authorization", False), False),
    "key_vault.access_policies": (_broad_policy, [f"secrets Purge for {GROUP}"]),
    "key_vault.firewall": (_set("key_vaults", "network_acls.default_action", "Allow"), "Allow"),
    "key_vault.public_network_access": (None, "Enabled"),
    "key_vault.audit_logs": (_drop_logs("key_vaults"), []),
    "storage_account.kind": (_set("storage_accounts", "kind", "Storage"), "Storage"),
    "storage_account.geo_replication": (_set("storage_accounts", "sku", "Standard_ZRS"), "Standard_ZRS"),
    "storage_account.secure_transfer": (_set("storage_accounts", "supports_https_traffic_only", False), False),
    "storage_account.min_tls": (_set("storage_accounts", "minimum_tls_version", "TLS1_0"), "TLS1_0"),
    "storage_account.blob_public_access": (_set("storage_accounts", "allow_blob_public_access", True), True),
    "storage_account.shared_key_access": (_set("storage_accounts", "allow_shared_key_access", True), True),
    "storage_account.firewall": (_set("storage_accounts", "network_acls.default_action", "Allow"), "Allow"),
    "storage_account.trusted_services": (_set("storage_accounts", "network_acls.bypass", []), []),
    "storage_account.public_network_access": (None, "Enabled"),
    "storage_account.blob_soft_delete": (
        _set("storage_accounts", "blob_service_properties.delete_retention_policy", {"enabled": True, "days": 3}),
        {"enabled": True, "days": 3},
    ),
    "storage_account.container_soft_delete": (
        _set(
            "storage_accounts",
            "blob_service_properties.container_delete_retention_policy",
            {"enabled": False, "days": None},
        ),
        {"enabled": False, "days": None},
    ),
    "storage_account.cross_tenant_replication": (
        _set("storage_accounts", "allow_cross_tenant_replication", None),
        "not set",
    ),
    "blob_container.public_access": (
        lambda stack: _first(stack, "storage_accounts")["blob_containers"][0].update(public_access="Blob"),
        "Blob",
    ),
    "app_insights.workspace": (_set("app_insights", "workspace_resource_id", None), "not set"),
    "app_insights.local_auth": (_set("app_insights", "disable_local_auth", False), False),
    "container_registry.admin_user": (_set("container_registries", "admin_user_enabled", True), True),
    "container_registry.anonymous_pull": (_set("container_registries", "anonymous_pull_enabled", True), True),
    "container_registry.min_sku": (_set("container_registries", "sku", "Basic"), "Basic"),
    "container_registry.firewall": (
        _premium_open,
        {"publicNetworkAccess": "Enabled", "networkRuleSet.defaultAction": "Allow"},
    ),
    "container_registry.public_network_access": (None, "Enabled"),
    "container_registry.audit_logs": (_drop_logs("container_registries"), []),
    "ml_workspace.public_access": (None, "Enabled"),
    "ml_workspace.user_assigned_identity": (None, "SystemAssigned"),
    "ml_workspace.audit_logs": (_drop_logs("ml_workspaces"), []),
    "rbac.user_data_roles": (
        _add_user_role,
        [f"Storage Blob Data Reader for user 0a1b2c3d-0000-4000-8000-000000000001 at {ST.replace('ENV', 'prod')}"],
    ),
    "lock.can_not_delete": (_unlock, []),
}
# Rules a converged stack fails unless the inventory accepts it: broken by removing the exception instead.
ACCEPTED = {
    "key_vault.public_network_access",
    "storage_account.public_network_access",
    "container_registry.public_network_access",
    "ml_workspace.public_access",
    "ml_workspace.user_assigned_identity",
}
ALL_EXCEPTIONS = dict((rule_id, "accepted for the test") for rule_id in ACCEPTED)


PRIVATE_TYPES = {
    "key_vault": "key_vaults",
    "storage_account": "storage_accounts",
    "container_registry": "container_registries",
    "ml_workspace": "ml_workspaces",
}
PRIVATE_RULES = {f"{rtype}.private_endpoint" for rtype in PRIVATE_TYPES}
PUBLIC_ACCESS_RULES = {
    "key_vault.public_network_access",
    "storage_account.public_network_access",
    "container_registry.public_network_access",
    "ml_workspace.public_access",
}


def private_stack(environment="prod"):
    """A stack converged in private_endpoints mode: public access Disabled, a Premium registry, an approved private
    endpoint connection on each service, no firewall rules."""
    stack = converged_stack(environment, registry=True)
    for rtype, key in PRIVATE_TYPES.items():
        resource = _first(stack, key)
        resource["public_network_access"] = "Disabled"
        endpoint = f"{RG.replace('ENV', environment)}/providers/Microsoft.Network/privateEndpoints/pe-{rtype}"
        resource["private_endpoint_connections"] = [
            {
                "id": f"{resource['id']}/privateEndpointConnections/c1",
                "private_endpoint_id": endpoint,
                "status": "Approved",
            }
        ]
    _first(stack, "container_registries")["sku"] = "Premium"
    _first(stack, "key_vaults")["network_acls"]["virtual_network_rules"] = []
    return stack


def test_every_rule_has_a_breaking_case():
    assert set(BREAKERS) | PRIVATE_RULES == set(RULES_BY_ID)


def test_a_private_endpoints_stack_passes_the_public_access_and_private_endpoint_rules():
    audit = evaluate(
        private_stack(),
        "prod",
        exceptions={"ml_workspace.user_assigned_identity": "x"},
        network_mode="private_endpoints",
    )
    for rule_id in PUBLIC_ACCESS_RULES | PRIVATE_RULES | {"container_registry.firewall"}:
        assert statuses(audit, rule_id) == {"pass"}, results_of(audit, rule_id)
    assert audit["network_mode"] == "private_endpoints"
    assert not audit["failed"], audit["blocking"]


@pytest.mark.parametrize("rtype", sorted(PRIVATE_TYPES))
def test_a_missing_or_pending_private_endpoint_fails_in_private_mode(rtype):
    stack = private_stack()
    resource = _first(stack, PRIVATE_TYPES[rtype])
    resource["private_endpoint_connections"][0]["status"] = "Pending"
    audit = evaluate(
        stack, "prod", exceptions={"ml_workspace.user_assigned_identity": "x"}, network_mode="private_endpoints"
    )
    (failed,) = audit["blocking"]
    assert failed["rule"] == f"{rtype}.private_endpoint" and failed["found"] == []
    assert "approve the pending connection" in failed["message"]
    resource.pop("private_endpoint_connections")
    audit = evaluate(
        stack, "prod", exceptions={"ml_workspace.user_assigned_identity": "x"}, network_mode="private_endpoints"
    )
    assert [item["rule"] for item in audit["blocking"]] == [f"{rtype}.private_endpoint"]


def test_private_endpoint_rules_do_not_apply_in_service_endpoints_mode():
    audit = evaluate(converged_stack("prod", registry=True), "prod", exceptions=ALL_EXCEPTIONS)
    for rule_id in PRIVATE_RULES:
        (item,) = results_of(audit, rule_id)
        assert item["status"] == "not_applicable"
        assert item["note"] == "applies in private_endpoints mode only, this stack is in service_endpoints mode"
    with pytest.raises(AuditError, match="network_mode 'private' is not one of"):
        evaluate(converged_stack("prod"), "prod", network_mode="private")


def test_an_exception_for_one_network_mode_is_left_out_in_the_other():
    scoped = {
        rule_id: {"reason": "service endpoints design", "network_mode": "service_endpoints"}
        for rule_id in PUBLIC_ACCESS_RULES
    }
    scoped["ml_workspace.user_assigned_identity"] = "system-assigned"
    # In service_endpoints mode they cover the failures, as before.
    audit = evaluate(converged_stack("prod", registry=True), "prod", exceptions=scoped)
    for rule_id in PUBLIC_ACCESS_RULES:
        assert statuses(audit, rule_id) == {"exception"}
    assert audit["unused_exceptions"] == []
    # In private_endpoints mode they are neither applied nor listed as unused: public access Disabled passes.
    audit = evaluate(private_stack(), "prod", exceptions=scoped, network_mode="private_endpoints")
    assert audit["unused_exceptions"] == [] and not audit["failed"]
    # And a private stack that went public again fails, with no stale exception to hide it.
    stack = private_stack()
    _first(stack, "key_vaults")["public_network_access"] = "Enabled"
    audit = evaluate(stack, "prod", exceptions=scoped, network_mode="private_endpoints")
    assert [item["rule"] for item in audit["blocking"]] == ["key_vault.public_network_access"]
    with pytest.raises(AuditError, match="network_mode 'both' is not one of"):
        parse_exceptions({"CKV_AZURE_189": {"reason": "r", "network_mode": "both"}})


@pytest.mark.parametrize("rule_id", sorted(BREAKERS))
def test_each_rule_passes_on_the_converged_stack_and_fails_when_broken(rule_id):
    breaker, found = BREAKERS[rule_id]
    stack = converged_stack("prod", registry=True)
    if rule_id == "container_registry.firewall":
        _first(stack, "container_registries")["sku"] = "Premium"
        _first(stack, "container_registries")["network_rule_set"]["default_action"] = "Deny"

    before = evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS)
    expected_before = {"exception"} if rule_id in ACCEPTED else {"pass"}
    assert statuses(before, rule_id) == expected_before, results_of(before, rule_id)

    exceptions = dict(ALL_EXCEPTIONS)
    if breaker is None:
        exceptions.pop(rule_id)
    else:
        breaker(stack)
    after = evaluate(stack, "prod", exceptions=exceptions)
    failed = [item for item in results_of(after, rule_id) if item["status"] == "fail"]
    # One resource broken, one failure; the lock rule covers every resource of the stack, and all lose the lock.
    assert len(failed) == (5 if rule_id == "lock.can_not_delete" else 1), results_of(after, rule_id)
    rule = RULES_BY_ID[rule_id]
    for item in failed:
        assert item["found"] == found
        # The message names the rule by its own id and every PSRule and Checkov id it carries, and both values.
        for some_id in rule.ids:
            assert some_id in item["message"]
        assert show(found) in item["message"] and show(item["expected"]) in item["message"]
        assert item in after["blocking"] and after["failed"]
    # Breaking one rule breaks no other.
    others = [other["rule"] for other in after["results"] if other["status"] == "fail" and other["rule"] != rule_id]
    assert others == []


# --- environments, tiers, missing resources ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule_id", ["key_vault.purge_protection", "storage_account.geo_replication", "lock.can_not_delete"]
)
@pytest.mark.parametrize("environment", ["local", "dev", "test"])
def test_prod_only_rules_do_not_apply_elsewhere(rule_id, environment):
    audit = evaluate(converged_stack(environment), environment, exceptions=ALL_EXCEPTIONS)
    items = results_of(audit, rule_id)
    assert items and {item["status"] for item in items} == {"not_applicable"}
    assert all(item["note"] == f"applies in prod only, this is {environment}" for item in items)


@pytest.mark.parametrize("days, environment, status", [(7, "dev", "pass"), (7, "prod", "fail"), (90, "prod", "pass")])
def test_retention_expects_90_days_in_prod_and_7_elsewhere(days, environment, status):
    stack = converged_stack(environment)
    _first(stack, "key_vaults")["soft_delete_retention_in_days"] = days
    audit = evaluate(stack, environment, exceptions=ALL_EXCEPTIONS)
    (item,) = results_of(audit, "key_vault.soft_delete_retention")
    assert item["status"] == status
    assert item["expected"] == ("at least 90" if environment == "prod" else "at least 7")


def test_premium_only_registry_firewall_does_not_apply_to_standard():
    audit = evaluate(converged_stack("dev", registry=True), "dev", exceptions=ALL_EXCEPTIONS)
    (item,) = results_of(audit, "container_registry.firewall")
    assert item["status"] == "not_applicable" and "Premium" in item["note"]


def test_registry_firewall_passes_with_public_access_disabled_on_premium():
    stack = converged_stack("prod", registry=True)
    registry = _first(stack, "container_registries")
    registry.update(sku="Premium", public_network_access="Disabled")
    audit = evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS)
    assert statuses(audit, "container_registry.firewall") == {"pass"}
    assert statuses(audit, "container_registry.public_network_access") == {"pass"}


def test_registry_audit_logs_accept_the_two_categories():
    stack = converged_stack("prod", registry=True)
    registry_id = _first(stack, "container_registries")["id"]
    (setting,) = [item for item in stack["diagnostic_settings"] if item["resource_id"] == registry_id]
    setting["logs"] = [
        {"category": "ContainerRegistryLoginEvents", "category_group": None, "enabled": True},
        {"category": "ContainerRegistryRepositoryEvents", "category_group": None, "enabled": True},
    ]
    assert statuses(evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS), "container_registry.audit_logs") == {"pass"}
    setting["logs"] = setting["logs"][:1]
    assert statuses(evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS), "container_registry.audit_logs") == {"fail"}


def test_a_stack_without_a_registry_or_workspace_reports_their_rules_as_not_applicable():
    stack = converged_stack("dev")
    del stack["ml_workspaces"]
    audit = evaluate(stack, "dev", exceptions=dict(ALL_EXCEPTIONS))
    for rule_id in ("container_registry.admin_user", "ml_workspace.public_access"):
        (item,) = results_of(audit, rule_id)
        assert item["status"] == "not_applicable" and item["resource"] is None
        assert item["note"].startswith("the stack has no ")
    assert not audit["failed"]
    assert audit["unused_exceptions"] == [
        {"id": rule_id, "reason": "accepted for the test"}
        for rule_id in (
            "container_registry.public_network_access",
            "ml_workspace.public_access",
            "ml_workspace.user_assigned_identity",
        )
    ]


def test_a_named_resource_that_does_not_exist_fails_the_audit():
    stack = converged_stack("dev")
    del stack["key_vaults"]
    names = {"key_vault": "kv-mlops-dev-weu-abc123", "storage_account": ["stmlopsdevweuabc123"]}
    audit = evaluate(stack, "dev", exceptions=ALL_EXCEPTIONS, expected=names)
    by_type = dict((item["resource_type"], item) for item in results_of(audit, EXISTS_RULE.id))
    assert by_type["key_vault"]["status"] == "fail" and by_type["key_vault"]["found"] == "missing"
    assert "key vault kv-mlops-dev-weu-abc123" in by_type["key_vault"]["message"]
    assert by_type["storage_account"]["status"] == "pass"
    assert audit["failed"]


# --- the views over related resources ------------------------------------------------------------------------------


def test_locks_apply_from_the_group_or_the_subscription_whatever_the_case_of_the_ids():
    stack = converged_stack("prod")
    stack["management_locks"] = [{"scope": SUB.upper(), "level": "ReadOnly"}]
    audit = evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS)
    assert statuses(audit, "lock.can_not_delete") == {"pass"}
    # A lock on a sibling whose name starts the same is not a lock on the resource.
    stack["management_locks"] = [{"scope": f"{SUB}/resourceGroups/rg-mlops-prod-we", "level": "CanNotDelete"}]
    assert statuses(evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS), "lock.can_not_delete") == {"fail"}


def test_inherited_user_data_roles_count_and_other_user_roles_do_not():
    stack = converged_stack("dev")
    group_scope = RG.replace("ENV", "dev")
    stack["role_assignments"].append(
        _assignment(
            group_scope,
            "0a1b2c3d-0000-4000-8000-000000000002",
            "User",
            "Reader",
            "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        )
    )
    assert statuses(evaluate(stack, "dev", exceptions=ALL_EXCEPTIONS), "rbac.user_data_roles") == {"pass"}
    # A data role given to a user on the resource group reaches the vault and the account in it.
    inherited = _assignment(
        group_scope, "0a1b2c3d-0000-4000-8000-000000000003", "User", None, "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
    )
    stack["role_assignments"].append(inherited)
    audit = evaluate(stack, "dev", exceptions=ALL_EXCEPTIONS)
    failed = [item for item in results_of(audit, "rbac.user_data_roles") if item["status"] == "fail"]
    assert {item["resource_type"] for item in failed} == {"key_vault", "storage_account"}
    assert "Key Vault Secrets Officer for user 0a1b2c3d-0000-4000-8000-000000000003" in failed[0]["found"][0]


# --- exceptions -------------------------------------------------------------------------------------------------------


def test_an_exception_can_be_named_by_a_checkov_or_psrule_id_and_limited_to_resources():
    stack = converged_stack("prod")
    _first(stack, "storage_accounts")["network_acls"]["default_action"] = "Allow"
    exceptions = dict(ALL_EXCEPTIONS)
    exceptions["CKV_AZURE_35"] = {"reason": "migration window", "resources": ["stmlopsprodweuabc123"]}
    audit = evaluate(stack, "prod", exceptions=exceptions)
    (item,) = results_of(audit, "storage_account.firewall")
    assert item["status"] == "exception" and item["exception"] == {"id": "CKV_AZURE_35", "reason": "migration window"}
    assert not audit["failed"] and audit["counts"]["exception"] == 5

    exceptions["CKV_AZURE_35"]["resources"] = ["another-account"]
    audit = evaluate(stack, "prod", exceptions=exceptions)
    assert statuses(audit, "storage_account.firewall") == {"fail"}
    assert {"id": "CKV_AZURE_35", "reason": "migration window"} in audit["unused_exceptions"]

    exceptions["Azure.Storage.Firewall"] = "named by its PSRule id"
    assert statuses(evaluate(stack, "prod", exceptions=exceptions), "storage_account.firewall") == {"exception"}


def test_an_exception_never_turns_a_pass_into_anything_else():
    audit = evaluate(converged_stack("prod"), "prod", exceptions=dict(ALL_EXCEPTIONS, **{"key_vault.firewall": "x"}))
    assert statuses(audit, "key_vault.firewall") == {"pass"}
    assert {"id": "key_vault.firewall", "reason": "x"} in audit["unused_exceptions"]


@pytest.mark.parametrize(
    "exceptions, fragment",
    [
        ({"CKV_AZURE_9999": "why"}, "exception 'CKV_AZURE_9999' names no rule of the baseline"),
        ({"key_vault.firewall": "  "}, "exception 'key_vault.firewall' needs a reason"),
        ({"key_vault.firewall": {"resources": ["kv"]}}, "exception 'key_vault.firewall' needs a reason"),
        ({"key_vault.firewall": {"reason": "r", "scope": "x"}}, "has unknown keys scope"),
        ({"key_vault.firewall": {"reason": "r", "resources": 3}}, "resources must be a list"),
        (["key_vault.firewall"], "exceptions must be a dictionary"),
    ],
)
def test_bad_exceptions_are_refused(exceptions, fragment):
    with pytest.raises(AuditError) as info:
        parse_exceptions(exceptions)
    assert fragment in str(info.value)


# --- threshold and input checks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fail_on, failed", [("low", True), ("medium", True), ("high", True), ("critical", False), ("none", False)]
)
def test_the_severity_threshold_decides_whether_the_audit_fails(fail_on, failed):
    stack = converged_stack("prod")
    _first(stack, "storage_accounts")["network_acls"]["default_action"] = "Allow"  # high
    audit = evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS, fail_on=fail_on)
    assert audit["failed"] is failed
    assert audit["counts"]["fail"] == 1
    assert [item["rule"] for item in audit["blocking"]] == (["storage_account.firewall"] if failed else [])


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"stack": [], "environment": "dev"}, "the stack must be a dictionary"),
        ({"stack": {}, "environment": ""}, "environment is required"),
        ({"stack": {}, "environment": "dev", "fail_on": "severe"}, "fail_on 'severe' is not one of"),
        ({"stack": {"keyvaults": []}, "environment": "dev"}, "unknown keys keyvaults"),
        ({"stack": {"key_vaults": "kv"}, "environment": "dev"}, "stack.key_vaults must be a list"),
        ({"stack": {}, "environment": "dev", "expected": {"vault": "kv"}}, "unknown resource type 'vault'"),
    ],
)
def test_unusable_input_is_refused(kwargs, fragment):
    with pytest.raises(AuditError) as info:
        evaluate(**kwargs)
    assert fragment in str(info.value)


def test_the_input_is_not_modified():
    stack = converged_stack("prod")
    before = copy.deepcopy(stack)
    evaluate(stack, "prod", exceptions=ALL_EXCEPTIONS)
    assert stack == before


def test_the_rule_table_is_complete_data():
    table = rule_table()
    assert [row["id"] for row in table] == [EXISTS_RULE.id] + [rule.id for rule in RULES]
    assert len({row["id"] for row in table}) == len(table)
    for row in table:
        assert row["severity"] in SEVERITIES
        assert set(row["resource_types"]) <= set(RESOURCE_TYPES)
        assert row["title"] and row["property"] and row["path"]
        for some_id in row["references"]["psrule"]:
            assert some_id.startswith("Azure.")
        for some_id in row["references"]["checkov"]:
            assert some_id.startswith(("CKV_AZURE_", "CKV2_AZURE_"))


def test_the_readme_lists_every_rule_with_its_severity_and_ids():
    readme = (ROOT / "README.md").read_text()
    for row in rule_table():
        line = next((line for line in readme.splitlines() if line.startswith(f"| `{row['id']}` |")), None)
        assert line, f"README.md's rule table lacks {row['id']}"
        assert f"| {row['severity']} |" in line, line
        for some_id in row["references"]["psrule"] + row["references"]["checkov"]:
            assert f"`{some_id}`" in line, line
