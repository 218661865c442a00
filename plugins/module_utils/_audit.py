# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security baseline as data, and a pure evaluator of a stack's resources against it.

``RULES`` is the one place the baseline lives (the project's security baseline, in code): for each rule
its id, title, severity, the resource type it applies to, the ARM property auditors know (``property``), where the
value sits in what the collection's ``_info`` modules return (``path``), the expected value (``check``), the
environments it applies to, and the PSRule for Azure / Checkov / Azure Policy ids.

``evaluate(stack, environment, exceptions, expected, fail_on, network_mode)`` takes the ``_info`` modules' outputs
(the lists they return, keyed as they return them) and gives one result per (rule, resource): ``pass``, ``fail``,
``exception`` (a failure the inventory accepted, with its reason) or ``not_applicable``. No Ansible, no Azure:
the filter plugins and the unit tests call it directly.
"""

from __future__ import annotations

import re

SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("fail", "exception", "pass", "not_applicable")
ENVIRONMENTS = ("local", "dev", "test", "prod")
#: The stack's network design (``mlops_network_mode``): some rules apply in one of them only, and an exception may be
#: declared for one of them only.
NETWORK_MODES = ("service_endpoints", "private_endpoints")

# The audited types: the key of their list in the stack, the ARM type, and how a person says it.
RESOURCE_TYPES = {
    "resource_group": ("resource_groups", "Microsoft.Resources/resourceGroups", "resource group"),
    "key_vault": ("key_vaults", "Microsoft.KeyVault/vaults", "key vault"),
    "storage_account": ("storage_accounts", "Microsoft.Storage/storageAccounts", "storage account"),
    "blob_container": (None, "Microsoft.Storage/storageAccounts/blobServices/containers", "blob container"),
    "log_analytics_workspace": (
        "log_analytics_workspaces",
        "Microsoft.OperationalInsights/workspaces",
        "Log Analytics workspace",
    ),
    "app_insights": ("app_insights", "Microsoft.Insights/components", "Application Insights component"),
    "container_registry": ("container_registries", "Microsoft.ContainerRegistry/registries", "container registry"),
    "ml_workspace": ("ml_workspaces", "Microsoft.MachineLearningServices/workspaces", "Machine Learning workspace"),
}
# Lists of the stack that describe other resources rather than being audited themselves.
RELATED_KEYS = ("diagnostic_settings", "management_locks", "role_assignments")

# Built-in roles that reach data (secrets, keys, blobs, images), by name and by role definition GUID.
DATA_ROLE_NAME = re.compile(
    r"^(Storage (Blob|Queue|Table|File) Data .+|Key Vault (Administrator|"
    r"Secrets Officer|Secrets User|Crypto Officer|Crypto User|Crypto Service Encryption User|"
    r"Certificates Officer|Certificate User)|AcrPull|AcrPush|AcrDelete)$",
    re.IGNORECASE,
)
DATA_ROLE_GUIDS = {
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
    "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
    "8311e382-0749-4cb8-b61a-304f252e45ec": "AcrPush",
    "c2f4ef07-c644-48eb-af81-4b1b4947fb11": "AcrDelete",
}

NOT_SET = "not set"


class AuditError(ValueError):
    """Input the evaluator cannot use (an unknown exception id, a missing reason, an unknown severity)."""


# ---------------------------------------------------------------------------------------------
# Expected values: small predicates that also say what they expect
# ---------------------------------------------------------------------------------------------


def _same(found, wanted):
    if isinstance(wanted, bool) or isinstance(found, bool):
        return found is wanted
    if isinstance(wanted, str) and isinstance(found, str):
        return found.casefold() == wanted.casefold()
    return found == wanted


class Equals:
    def __init__(self, value):
        self.value = value

    def test(self, found):
        return _same(found, self.value)

    def describe(self):
        return self.value


class OneOf:
    def __init__(self, *values):
        self.values = values

    def test(self, found):
        return any(_same(found, value) for value in self.values)

    def describe(self):
        return "one of " + ", ".join(str(value) for value in self.values)


class AtLeast:
    def __init__(self, minimum):
        self.minimum = minimum

    def test(self, found):
        return isinstance(found, int) and not isinstance(found, bool) and found >= self.minimum

    def describe(self):
        return f"at least {self.minimum}"


class Includes:
    """A list that holds at least one of ``values`` (case-insensitive)."""

    def __init__(self, *values):
        self.values = values

    def test(self, found):
        return any(_same(item, value) for item in found or [] for value in self.values)

    def describe(self):
        return "includes " + (" or ".join(self.values))


class Empty:
    def __init__(self, what):
        self.what = what

    def test(self, found):
        return not found

    def describe(self):
        return self.what


class HasValue:
    def __init__(self, what):
        self.what = what

    def test(self, found):
        return found not in (None, "", NOT_SET)

    def describe(self):
        return self.what


class Satisfies:
    def __init__(self, func, text):
        self.func = func
        self.text = text

    def test(self, found):
        return bool(self.func(found))

    def describe(self):
        return self.text


# ---------------------------------------------------------------------------------------------
# Values that are not a single property: views over the resource and what relates to it
# ---------------------------------------------------------------------------------------------


def _lower_id(value):
    return (value or "").rstrip("/").casefold()


def _within(scope, resource_id):
    """Whether ``resource_id`` is ``scope`` or lies under it (ARM ids are case-insensitive)."""
    scope, resource_id = _lower_id(scope), _lower_id(resource_id)
    return bool(scope) and (resource_id == scope or resource_id.startswith(scope + "/"))


def _log_entries(resource, related):
    """Every enabled log category and category group of the resource's diagnostic settings, sorted (Azure refuses a
    setting without a destination, so each one sends its logs somewhere)."""
    names = set()
    for setting in related["diagnostic_settings"]:
        if _lower_id(setting.get("resource_id")) != _lower_id(resource.get("id")):
            continue
        for entry in setting.get("logs") or []:
            if entry.get("enabled", True):
                names.add(entry.get("category_group") or entry.get("category"))
    return sorted(name for name in names if name)


def _lock_levels(resource, related):
    """The levels of the management locks that apply to the resource (on it, its group or its subscription)."""
    return sorted(
        {lock.get("level") for lock in related["management_locks"] if _within(lock.get("scope"), resource.get("id"))}
        - {None}
    )


def _role_name(assignment):
    name = assignment.get("role_definition_name")
    if name:
        return name
    guid = (assignment.get("role_definition_id") or "").rstrip("/").rsplit("/", 1)[-1].casefold()
    return DATA_ROLE_GUIDS.get(guid, guid)


def _user_data_roles(resource, related):
    """The data roles held by individual users that apply to the resource (at it or inherited), as sentences."""
    found = []
    for assignment in related["role_assignments"]:
        if not _within(assignment.get("scope"), resource.get("id")):
            continue
        if (assignment.get("principal_type") or "").casefold() != "user":
            continue
        role = _role_name(assignment)
        if DATA_ROLE_NAME.match(role):
            found.append(f"{role} for user {assignment.get('principal_id')} at {assignment.get('scope')}")
    return sorted(set(found))


def _broad_access_policies(resource, related):
    """Access policy grants of ``all`` or ``purge`` (PSRule's Azure.KeyVault.AccessPolicy), as sentences."""
    found = []
    for policy in resource.get("access_policies") or []:
        for kind, granted in sorted((policy.get("permissions") or {}).items()):
            broad = sorted({item for item in granted or [] if (item or "").casefold() in ("all", "purge")})
            if broad:
                found.append(f"{kind} {'/'.join(broad)} for {policy.get('object_id')}")
    return found


def _registry_network(resource, related):
    return {
        "publicNetworkAccess": resource.get("public_network_access"),
        "networkRuleSet.defaultAction": (resource.get("network_rule_set") or {}).get("default_action"),
    }


def _approved_private_endpoints(resource, related):
    """The private endpoints whose connection to the resource is Approved (its ``privateEndpointConnections``)."""
    return sorted(
        connection.get("private_endpoint_id") or connection.get("id") or "?"
        for connection in resource.get("private_endpoint_connections") or []
        if (connection.get("status") or "").casefold() == "approved"
    )


VIEWS = {
    "@approved_private_endpoints": _approved_private_endpoints,
    "@log_entries": _log_entries,
    "@lock_levels": _lock_levels,
    "@user_data_roles": _user_data_roles,
    "@broad_access_policies": _broad_access_policies,
    "@registry_network": _registry_network,
}


def _path_value(resource, path):
    value = resource
    for part in path.split("."):
        if not isinstance(value, dict) or value.get(part) is None:
            return NOT_SET
        value = value[part]
    return value


def _retention(policy):
    return isinstance(policy, dict) and policy.get("enabled") is True and AtLeast(7).test(policy.get("days"))


def _sku_in(*skus):
    wanted = {sku.casefold() for sku in skus}
    return lambda resource: (resource.get("sku") or "").casefold() in wanted


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


class Rule:
    """One baseline rule. ``check`` is a predicate, or ``{environment: predicate}`` with ``"*"`` for the others.
    ``applies_if`` (a function of the resource, with ``applies_text``) narrows it to some resources, as PSRule's
    selectors do (a Premium-only rule on a Standard registry is not applicable); ``network_modes`` to the stacks of
    some network designs."""

    def __init__(
        self,
        rule_id,
        title,
        severity,
        resource,
        arm_property,
        path,
        check,
        environments=None,
        psrule=(),
        checkov=(),
        policy=(),
        applies_if=None,
        applies_text=None,
        remedy=None,
        network_modes=None,
    ):
        self.id = rule_id
        self.title = title
        self.severity = severity
        self.resources = (resource,) if isinstance(resource, str) else tuple(resource)
        self.property = arm_property
        self.path = path
        self.check = check
        self.environments = tuple(environments) if environments else None
        self.psrule = tuple(psrule)
        self.checkov = tuple(checkov)
        self.policy = tuple(policy)
        self.applies_if = applies_if
        self.applies_text = applies_text
        self.remedy = remedy
        self.network_modes = tuple(network_modes) if network_modes else None

    @property
    def ids(self):
        """The rule's own id, then the PSRule and Checkov ids: any of them names it in an exception."""
        return (self.id,) + self.psrule + self.checkov

    def references(self):
        return {"psrule": list(self.psrule), "checkov": list(self.checkov), "policy": list(self.policy)}

    def check_for(self, environment):
        if isinstance(self.check, dict):
            return self.check.get(environment) or self.check.get("*")
        return self.check


_GEO = ("Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS")


def _private_endpoint_rule(rtype, what, policy):
    """``<type>.private_endpoint``: in private_endpoints mode the resource has an approved private endpoint connection
    (with public network access Disabled, it is the only way in)."""
    return Rule(
        f"{rtype}.private_endpoint",
        title=f"{what} has an approved private endpoint connection (private endpoints mode)",
        severity="high",
        resource=rtype,
        arm_property="properties.privateEndpointConnections[].properties.privateLinkServiceConnectionState.status",
        path="@approved_private_endpoints",
        check=Satisfies(bool, "at least one Approved connection"),
        policy=[policy],
        network_modes=["private_endpoints"],
        remedy="Run playbooks/mlops.yml with mlops_network_mode: private_endpoints, or approve the pending connection.",
    )


_LOCKABLE = ("key_vault", "storage_account", "log_analytics_workspace", "app_insights", "container_registry")

RULES = (
    # --- Key Vault -------------------------------------------------------------------------------------------
    Rule(
        "key_vault.soft_delete",
        title="Key Vault soft delete is on",
        severity="high",
        resource="key_vault",
        arm_property="properties.enableSoftDelete",
        path="enable_soft_delete",
        check=Equals(True),
        psrule=["Azure.KeyVault.SoftDelete"],
        checkov=["CKV_AZURE_111", "CKV_AZURE_42"],
        policy=["Key vaults should have soft delete enabled"],
    ),
    Rule(
        "key_vault.soft_delete_retention",
        title="Deleted vaults stay recoverable long enough (90 days in prod, 7 elsewhere)",
        severity="medium",
        resource="key_vault",
        arm_property="properties.softDeleteRetentionInDays",
        path="soft_delete_retention_in_days",
        check={"prod": AtLeast(90), "*": AtLeast(7)},
        remedy="Set at creation only: recreate the vault to change it.",
    ),
    Rule(
        "key_vault.purge_protection",
        title="Key Vault purge protection is on in prod",
        severity="high",
        resource="key_vault",
        arm_property="properties.enablePurgeProtection",
        path="enable_purge_protection",
        check=Equals(True),
        environments=["prod"],
        psrule=["Azure.KeyVault.PurgeProtect"],
        checkov=["CKV_AZURE_110"],
        policy=["Key vaults should have deletion protection enabled"],
    ),
    Rule(
        "key_vault.rbac",
        title="Key Vault data plane uses Azure RBAC",
        severity="medium",
        resource="key_vault",
        arm_property="properties.enableRbacAuthorization",
        path="enable_rbac_authorization",
        check=Equals(True),
        psrule=["Azure.KeyVault.RBAC"],
        policy=["Azure Key Vault should use RBAC permission model"],
    ),
    Rule(
        "key_vault.access_policies",
        title="No Key Vault access policy grants all or purge",
        severity="high",
        resource="key_vault",
        arm_property="properties.accessPolicies[].permissions",
        path="@broad_access_policies",
        check=Empty("no access policy with all or purge"),
        psrule=["Azure.KeyVault.AccessPolicy"],
    ),
    Rule(
        "key_vault.firewall",
        title="Key Vault firewall denies by default",
        severity="high",
        resource="key_vault",
        arm_property="properties.networkAcls.defaultAction",
        path="network_acls.default_action",
        check=Equals("Deny"),
        psrule=["Azure.KeyVault.Firewall"],
        checkov=["CKV_AZURE_109"],
        policy=["Azure Key Vault should have firewall enabled or public network access disabled"],
    ),
    Rule(
        "key_vault.public_network_access",
        title="Key Vault public network access is disabled (private endpoints)",
        severity="medium",
        resource="key_vault",
        arm_property="properties.publicNetworkAccess",
        path="public_network_access",
        check=Equals("Disabled"),
        checkov=["CKV_AZURE_189"],
        policy=["Azure Key Vault should disable public network access"],
    ),
    _private_endpoint_rule("key_vault", "Key Vault", "Azure Key Vaults should use private link"),
    Rule(
        "key_vault.audit_logs",
        title="Key Vault audit logs are collected by a diagnostic setting",
        severity="medium",
        resource="key_vault",
        arm_property="diagnosticSettings[].properties.logs",
        path="@log_entries",
        check=Includes("AuditEvent", "audit", "allLogs"),
        psrule=["Azure.KeyVault.Logs"],
        policy=["Resource logs in Key Vault should be enabled"],
    ),
    # --- Storage account -------------------------------------------------------------------------------------
    Rule(
        "storage_account.kind",
        title="Storage account is general purpose v2",
        severity="low",
        resource="storage_account",
        arm_property="kind",
        path="kind",
        check=Equals("StorageV2"),
    ),
    Rule(
        "storage_account.geo_replication",
        title="Storage account replicates to a second region in prod",
        severity="medium",
        resource="storage_account",
        arm_property="sku.name",
        path="sku",
        check=OneOf(*_GEO),
        environments=["prod"],
        psrule=["Azure.Storage.UseReplication"],
        checkov=["CKV_AZURE_206"],
        policy=["Geo-redundant storage should be enabled for Storage Accounts"],
    ),
    Rule(
        "storage_account.secure_transfer",
        title="Storage account accepts HTTPS only",
        severity="high",
        resource="storage_account",
        arm_property="properties.supportsHttpsTrafficOnly",
        path="supports_https_traffic_only",
        check=Equals(True),
        psrule=["Azure.Storage.SecureTransfer"],
        checkov=["CKV_AZURE_3"],
        policy=["Secure transfer to storage accounts should be enabled"],
    ),
    Rule(
        "storage_account.min_tls",
        title="Storage account refuses TLS older than 1.2",
        severity="high",
        resource="storage_account",
        arm_property="properties.minimumTlsVersion",
        path="minimum_tls_version",
        check=OneOf("TLS1_2", "TLS1_3"),
        psrule=["Azure.Storage.MinTLS"],
        checkov=["CKV_AZURE_44"],
        policy=["Storage accounts should have the specified minimum TLS version"],
    ),
    Rule(
        "storage_account.blob_public_access",
        title="Storage account allows no anonymous blob access",
        severity="high",
        resource="storage_account",
        arm_property="properties.allowBlobPublicAccess",
        path="allow_blob_public_access",
        check=Equals(False),
        psrule=["Azure.Storage.BlobPublicAccess"],
        checkov=["CKV_AZURE_190"],
        policy=["Storage account public access should be disallowed"],
    ),
    Rule(
        "storage_account.shared_key_access",
        title="Storage account refuses shared keys (Entra ID only)",
        severity="medium",
        resource="storage_account",
        arm_property="properties.allowSharedKeyAccess",
        path="allow_shared_key_access",
        check=Equals(False),
        psrule=["Azure.Storage.LocalAuth"],
        checkov=["CKV2_AZURE_40"],
        policy=["Storage accounts should prevent shared key access"],
    ),
    Rule(
        "storage_account.firewall",
        title="Storage firewall denies by default",
        severity="high",
        resource="storage_account",
        arm_property="properties.networkAcls.defaultAction",
        path="network_acls.default_action",
        check=Equals("Deny"),
        psrule=["Azure.Storage.Firewall"],
        checkov=["CKV_AZURE_35"],
        policy=["Storage accounts should restrict network access"],
    ),
    Rule(
        "storage_account.trusted_services",
        title="Trusted Azure services pass the storage firewall",
        severity="low",
        resource="storage_account",
        arm_property="properties.networkAcls.bypass",
        path="network_acls.bypass",
        check=Includes("AzureServices"),
        checkov=["CKV_AZURE_36"],
    ),
    Rule(
        "storage_account.public_network_access",
        title="Storage account public network access is disabled (private endpoints)",
        severity="medium",
        resource="storage_account",
        arm_property="properties.publicNetworkAccess",
        path="public_network_access",
        check=Equals("Disabled"),
        checkov=["CKV_AZURE_59"],
    ),
    _private_endpoint_rule("storage_account", "Storage account", "Storage accounts should use private link"),
    Rule(
        "storage_account.blob_soft_delete",
        title="Deleted blobs stay recoverable for at least 7 days",
        severity="medium",
        resource="storage_account",
        arm_property="blobServices/default.properties.deleteRetentionPolicy",
        path="blob_service_properties.delete_retention_policy",
        check=Satisfies(_retention, "enabled, at least 7 days"),
        psrule=["Azure.Storage.SoftDelete"],
        checkov=["CKV2_AZURE_38"],
    ),
    Rule(
        "storage_account.container_soft_delete",
        title="Deleted containers stay recoverable for at least 7 days",
        severity="medium",
        resource="storage_account",
        arm_property="blobServices/default.properties.containerDeleteRetentionPolicy",
        path="blob_service_properties.container_delete_retention_policy",
        check=Satisfies(_retention, "enabled, at least 7 days"),
        psrule=["Azure.Storage.ContainerSoftDelete"],
        checkov=["CKV2_AZURE_38"],
    ),
    Rule(
        "storage_account.cross_tenant_replication",
        title="Storage account refuses object replication to other tenants",
        severity="medium",
        resource="storage_account",
        arm_property="properties.allowCrossTenantReplication",
        path="allow_cross_tenant_replication",
        check=Equals(False),
        policy=["Storage accounts should prevent cross tenant object replication"],
    ),
    Rule(
        "blob_container.public_access",
        title="Blob container is private",
        severity="high",
        resource="blob_container",
        arm_property="containers/{name}.properties.publicAccess",
        path="public_access",
        check=Equals("None"),
        psrule=["Azure.Storage.BlobAccessType"],
        checkov=["CKV_AZURE_34"],
    ),
    # --- Application Insights --------------------------------------------------------------------------------
    Rule(
        "app_insights.workspace",
        title="Application Insights is workspace-based",
        severity="medium",
        resource="app_insights",
        arm_property="properties.WorkspaceResourceId",
        path="workspace_resource_id",
        check=HasValue("a Log Analytics workspace id"),
        psrule=["Azure.AppInsights.Workspace"],
    ),
    Rule(
        "app_insights.local_auth",
        title="Application Insights accepts Entra ID-authenticated telemetry only",
        severity="medium",
        resource="app_insights",
        arm_property="properties.DisableLocalAuth",
        path="disable_local_auth",
        check=Equals(True),
        psrule=["Azure.AppInsights.LocalAuth"],
        policy=["Application Insights components should block non-Azure Active Directory based ingestion."],
    ),
    # --- Container registry ----------------------------------------------------------------------------------
    Rule(
        "container_registry.admin_user",
        title="Registry admin user is disabled",
        severity="critical",
        resource="container_registry",
        arm_property="properties.adminUserEnabled",
        path="admin_user_enabled",
        check=Equals(False),
        psrule=["Azure.ACR.AdminUser"],
        checkov=["CKV_AZURE_137"],
        policy=["Container registries should have local admin account disabled"],
    ),
    Rule(
        "container_registry.anonymous_pull",
        title="Registry refuses anonymous pull",
        severity="high",
        resource="container_registry",
        arm_property="properties.anonymousPullEnabled",
        path="anonymous_pull_enabled",
        check=Equals(False),
        psrule=["Azure.ACR.AnonymousAccess"],
        checkov=["CKV_AZURE_138"],
        policy=["Container registries should have anonymous authentication disabled"],
    ),
    Rule(
        "container_registry.min_sku",
        title="Registry tier is Standard or Premium",
        severity="low",
        resource="container_registry",
        arm_property="sku.name",
        path="sku",
        check=OneOf("Standard", "Premium"),
        psrule=["Azure.ACR.MinSku"],
    ),
    Rule(
        "container_registry.firewall",
        title="Premium registry network access is restricted",
        severity="medium",
        resource="container_registry",
        arm_property="properties.publicNetworkAccess / properties.networkRuleSet.defaultAction",
        path="@registry_network",
        check=Satisfies(
            lambda found: (
                _same(found.get("publicNetworkAccess"), "Disabled")
                or _same(found.get("networkRuleSet.defaultAction"), "Deny")
            ),
            "publicNetworkAccess Disabled or networkRuleSet.defaultAction Deny",
        ),
        psrule=["Azure.ACR.Firewall"],
        policy=["Container registries should not allow unrestricted network access"],
        applies_if=_sku_in("Premium"),
        applies_text="network rules need the Premium tier (PSRule checks Premium registries only)",
    ),
    Rule(
        "container_registry.public_network_access",
        title="Registry public network access is disabled (private endpoints)",
        severity="medium",
        resource="container_registry",
        arm_property="properties.publicNetworkAccess",
        path="public_network_access",
        check=Equals("Disabled"),
        checkov=["CKV_AZURE_139"],
    ),
    _private_endpoint_rule("container_registry", "Registry", "Container registries should use private link"),
    Rule(
        "container_registry.audit_logs",
        title="Registry login and repository events are collected by a diagnostic setting",
        severity="medium",
        resource="container_registry",
        arm_property="diagnosticSettings[].properties.logs",
        path="@log_entries",
        check=Satisfies(
            lambda found: (
                bool({"audit", "alllogs"} & {item.casefold() for item in found or []})
                or {"containerregistryloginevents", "containerregistryrepositoryevents"}
                <= {item.casefold() for item in found or []}
            ),
            "audit or allLogs, or ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents",
        ),
        psrule=["Azure.ACR.AuditLogs"],
    ),
    # --- Machine Learning workspace -------------------------------------------------------------------------
    Rule(
        "ml_workspace.public_access",
        title="ML workspace public network access is disabled",
        severity="high",
        resource="ml_workspace",
        arm_property="properties.publicNetworkAccess",
        path="public_network_access",
        check=Equals("Disabled"),
        psrule=["Azure.ML.PublicAccess"],
        checkov=["CKV_AZURE_144"],
    ),
    _private_endpoint_rule("ml_workspace", "ML workspace", "Azure Machine Learning workspaces should use private link"),
    Rule(
        "ml_workspace.user_assigned_identity",
        title="ML workspace runs as a user-assigned identity",
        severity="medium",
        resource="ml_workspace",
        arm_property="identity.type",
        path="identity_type",
        check=Equals("UserAssigned"),
        psrule=["Azure.ML.UserManagedIdentity"],
        policy=["Azure Machine Learning workspaces should use user-assigned managed identity"],
    ),
    Rule(
        "ml_workspace.audit_logs",
        title="ML workspace resource logs are collected by a diagnostic setting",
        severity="medium",
        resource="ml_workspace",
        arm_property="diagnosticSettings[].properties.logs",
        path="@log_entries",
        check=Includes("audit", "allLogs"),
        policy=["Resource logs in Azure Machine Learning Workspaces should be enabled"],
    ),
    # --- Across resources ------------------------------------------------------------------------------------
    Rule(
        "rbac.user_data_roles",
        title="No individual user holds a data role (use a group)",
        severity="high",
        resource=("key_vault", "storage_account", "container_registry"),
        arm_property="roleAssignments[].properties.principalType",
        path="@user_data_roles",
        check=Empty("no data role held by a User principal"),
        psrule=["Azure.RBAC.UseGroups"],
    ),
    Rule(
        "lock.can_not_delete",
        title="Prod resources are protected by a management lock",
        severity="medium",
        resource=_LOCKABLE,
        arm_property="Microsoft.Authorization/locks properties.level",
        path="@lock_levels",
        check=Includes("CanNotDelete", "ReadOnly"),
        environments=["prod"],
    ),
)

RULES_BY_ID = dict((rule.id, rule) for rule in RULES)
# Not a property rule: every resource the stack names must exist (an audit of nothing passes nothing).
EXISTS_RULE = Rule(
    "stack.resource_exists",
    title="Every resource the stack names exists",
    severity="high",
    resource=tuple(RESOURCE_TYPES),
    arm_property="id",
    path="id",
    check=HasValue("exists"),
)


def rule_table():
    """The rules as plain data (for the report and the docs)."""
    table = []
    for rule in (EXISTS_RULE,) + RULES:
        table.append(
            {
                "id": rule.id,
                "title": rule.title,
                "severity": rule.severity,
                "resource_types": list(rule.resources),
                "property": rule.property,
                "path": rule.path,
                "environments": list(rule.environments) if rule.environments else "all",
                "network_modes": list(rule.network_modes) if rule.network_modes else "all",
                "references": rule.references(),
            }
        )
    return table


# ---------------------------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------------------------


def _exception_index():
    index = {}
    for rule in (EXISTS_RULE,) + RULES:
        for rule_id in rule.ids:
            index.setdefault(rule_id.casefold(), []).append(rule.id)
    return index


def parse_exceptions(exceptions, network_mode=None):
    """``{id: reason}`` or ``{id: {reason, resources, network_mode}}`` -> ``{rule id: [(key, reason, resource names or
    None)]}``. An id is a rule's own id, or a PSRule or Checkov id it carries. Unknown ids and empty reasons are
    refused. An exception declared for one network mode is left out in the other (``network_mode``: the stack's)."""
    if exceptions in (None, ""):
        return {}
    if not isinstance(exceptions, dict):
        raise AuditError(f"exceptions must be a dictionary of rule id to reason, not {type(exceptions).__name__}")
    index = _exception_index()
    parsed = {}
    problems = []
    for key, value in exceptions.items():
        resources = None
        reason = value
        mode = None
        if isinstance(value, dict):
            reason = value.get("reason")
            resources = value.get("resources")
            mode = value.get("network_mode")
            unknown = sorted(set(value) - {"reason", "resources", "network_mode"})
            if unknown:
                problems.append(
                    f"exception '{key}' has unknown keys {', '.join(unknown)} (reason, resources, network_mode)"
                )
            if mode is not None and mode not in NETWORK_MODES:
                problems.append(f"exception '{key}': network_mode '{mode}' is not one of {', '.join(NETWORK_MODES)}")
            if isinstance(resources, str):
                resources = [resources]
            if resources is not None and not isinstance(resources, list):
                problems.append(f"exception '{key}': resources must be a list of resource names")
                resources = None
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"exception '{key}' needs a reason")
            continue
        rules = index.get(str(key).casefold())
        if not rules:
            problems.append(f"exception '{key}' names no rule of the baseline")
            continue
        if mode is not None and network_mode is not None and mode != network_mode:
            continue
        names = [str(name).casefold() for name in resources] if resources is not None else None
        for rule_id in rules:
            parsed.setdefault(rule_id, []).append((str(key), " ".join(reason.split()), names))
    if problems:
        raise AuditError("; ".join(problems))
    return parsed


def _exception_for(parsed, rule, resource_name):
    for key, reason, names in parsed.get(rule.id, []):
        if names is None or (resource_name or "").casefold() in names:
            return key, reason
    return None


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def show(value):
    """A found or expected value as a short text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return NOT_SET
    if isinstance(value, dict):
        return ", ".join(f"{key} {show(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(show(item) for item in value) if value else "none"
    return str(value)


def _as_list(value, what):
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise AuditError(f"stack.{what} must be a list (as the _info module returns it), not {type(value).__name__}")
    return [item for item in value if isinstance(item, dict)]


def _resources(stack):
    """``{type: [resource, ...]}`` from the stack; blob containers come out of their storage accounts."""
    found = {}
    for rtype, (key, _arm, _label) in RESOURCE_TYPES.items():
        if key:
            found[rtype] = _as_list(stack.get(key), key)
    containers = []
    for account in found.get("storage_account", []):
        for container in account.get("blob_containers") or []:
            item = dict(container)
            item["name"] = f"{account.get('name')}/{container.get('name')}"
            item["id"] = f"{account.get('id')}/blobServices/default/containers/{container.get('name')}"
            containers.append(item)
    found["blob_container"] = containers
    return found


def _result(rule, rtype, resource, status, found, expected, environment, note=None, exception=None):
    label = RESOURCE_TYPES[rtype][2] if rtype in RESOURCE_TYPES else rtype
    name = (resource or {}).get("name")
    refs = ", ".join(rule.psrule + rule.checkov)
    where = f"{label} {name}" if name else f"no {label}"
    text = f"{rule.id}" + (f" ({refs})" if refs else "") + f" on {where}: "
    if status == "not_applicable":
        text += note or "not applicable"
    else:
        text += f"{rule.property} is {show(found)}, expected {show(expected)}"
        if exception:
            text += f"; accepted exception ({exception[0]}): {exception[1]}"
        elif status == "fail" and rule.remedy:
            text += f". {rule.remedy}"
    return {
        "rule": rule.id,
        "ids": list(rule.ids),
        "title": rule.title,
        "severity": rule.severity,
        "resource_type": rtype,
        "arm_type": RESOURCE_TYPES[rtype][1] if rtype in RESOURCE_TYPES else None,
        "resource": name,
        "resource_id": (resource or {}).get("id"),
        "property": rule.property,
        "status": status,
        "found": found,
        "expected": expected,
        "environment": environment,
        "exception": {"id": exception[0], "reason": exception[1]} if exception else None,
        "note": note,
        "references": rule.references(),
        "message": text,
    }


def _evaluate_rule(rule, rtype, resource, related, environment, exceptions, used, network_mode=NETWORK_MODES[0]):
    check = rule.check_for(environment)
    expected = check.describe() if check is not None else None
    if rule.environments and environment not in rule.environments:
        note = f"applies in {', '.join(rule.environments)} only, this is {environment}"
        return _result(rule, rtype, resource, "not_applicable", None, expected, environment, note=note)
    if rule.network_modes and network_mode not in rule.network_modes:
        note = f"applies in {', '.join(rule.network_modes)} mode only, this stack is in {network_mode} mode"
        return _result(rule, rtype, resource, "not_applicable", None, expected, environment, note=note)
    if rule.applies_if is not None and not rule.applies_if(resource):
        return _result(rule, rtype, resource, "not_applicable", None, expected, environment, note=rule.applies_text)
    found = VIEWS[rule.path](resource, related) if rule.path.startswith("@") else _path_value(resource, rule.path)
    if check.test(found):
        return _result(rule, rtype, resource, "pass", found, expected, environment)
    exception = _exception_for(exceptions, rule, resource.get("name"))
    if exception:
        used.add(exception[0])
        return _result(rule, rtype, resource, "exception", found, expected, environment, exception=exception)
    return _result(rule, rtype, resource, "fail", found, expected, environment)


def _exists_results(expected_names, resources, environment, exceptions, used):
    results = []
    for rtype, names in sorted((expected_names or {}).items()):
        if rtype not in RESOURCE_TYPES:
            raise AuditError(f"expected: unknown resource type '{rtype}'; known: {', '.join(RESOURCE_TYPES)}")
        for name in [names] if isinstance(names, str) else list(names or []):
            if not name:
                continue
            held = [item for item in resources.get(rtype, []) if (item.get("name") or "").casefold() == name.casefold()]
            if held:
                results.append(_result(EXISTS_RULE, rtype, held[0], "pass", "exists", "exists", environment))
                continue
            exception = _exception_for(exceptions, EXISTS_RULE, name)
            if exception:
                used.add(exception[0])
            status = "exception" if exception else "fail"
            resource = {"name": name, "id": None}
            results.append(
                _result(EXISTS_RULE, rtype, resource, status, "missing", "exists", environment, exception=exception)
            )
    return results


def evaluate(stack, environment, exceptions=None, expected=None, fail_on="low", network_mode=None):
    """Evaluate every rule on every resource of ``stack`` (the ``_info`` modules' lists, keyed as in
    ``RESOURCE_TYPES`` and ``RELATED_KEYS``). ``expected`` maps a resource type to the name(s) the stack must hold;
    ``network_mode`` is the stack's network design (``service_endpoints`` when not given).
    Returns ``{environment, fail_on, results, counts, blocking, failed, unused_exceptions}``; ``blocking`` holds the
    failures at or above ``fail_on`` (``none``: never), ``failed`` whether there is any."""
    if not isinstance(stack, dict):
        raise AuditError(f"the stack must be a dictionary of _info results, not {type(stack).__name__}")
    environment = str(environment or "").strip()
    if not environment:
        raise AuditError("environment is required (local, dev, test, prod)")
    fail_on = str(fail_on or "low").strip().lower()
    if fail_on not in SEVERITIES + ("none",):
        raise AuditError(f"fail_on '{fail_on}' is not one of {', '.join(SEVERITIES + ('none',))}")
    known = set(key for key, _arm, _label in RESOURCE_TYPES.values() if key) | set(RELATED_KEYS)
    unknown = sorted(set(stack) - known)
    if unknown:
        raise AuditError(f"the stack has unknown keys {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    network_mode = str(network_mode or NETWORK_MODES[0]).strip()
    if network_mode not in NETWORK_MODES:
        raise AuditError(f"network_mode '{network_mode}' is not one of {', '.join(NETWORK_MODES)}")
    parsed = parse_exceptions(exceptions, network_mode)
    resources = _resources(stack)
    related = dict((key, _as_list(stack.get(key), key)) for key in RELATED_KEYS)

    used = set()
    results = _exists_results(expected, resources, environment, parsed, used)
    for rule in RULES:
        covered = False
        for rtype in rule.resources:
            for resource in resources.get(rtype, []):
                covered = True
                results.append(_evaluate_rule(rule, rtype, resource, related, environment, parsed, used, network_mode))
        if not covered:
            kinds = " or ".join(RESOURCE_TYPES[rtype][2] for rtype in rule.resources)
            check = rule.check_for(environment)
            results.append(
                _result(
                    rule,
                    rule.resources[0],
                    None,
                    "not_applicable",
                    None,
                    check.describe() if check else None,
                    environment,
                    note=f"the stack has no {kinds}",
                )
            )

    counts = dict((status, sum(1 for item in results if item["status"] == status)) for status in STATUSES)
    if fail_on == "none":
        blocking = []
    else:
        floor = SEVERITIES.index(fail_on)
        blocking = [
            item for item in results if item["status"] == "fail" and SEVERITIES.index(item["severity"]) >= floor
        ]
    unused = []
    for _rule_id, entries in sorted(parsed.items()):
        for key, reason, _names in entries:
            if key not in used and not any(item["id"] == key for item in unused):
                unused.append({"id": key, "reason": reason})
    return {
        "environment": environment,
        "network_mode": network_mode,
        "fail_on": fail_on,
        "results": results,
        "counts": counts,
        "blocking": blocking,
        "failed": bool(blocking),
        "unused_exceptions": unused,
    }
