"""Microsoft.Authorization: role definitions (the built-in roles the stack uses, with their real ids) and role
assignments at any scope (subscription, resource group, resource, nested resource).

Routes here take a whole scope (``/{scope*}/providers/Microsoft.Authorization/...``): subscription, resource group,
resource or nested resource (built-in role definitions are also readable at the tenant root).

Role assignments live in the ``authorization.roleAssignments`` collection (not in the resource table, so they never
show in generic resource lists) and go when their scope is deleted or a vault on it is soft-deleted.
"""

from __future__ import annotations

import copy
import re
from typing import Callable, Optional, Sequence

from azure.mgmt.authorization.v2022_04_01 import models as auth_models

from ..arm import RESOURCE_NOT_FOUND_HINT, ArmError, Context, Response, group_not_found, iso
from ..registry import Provider
from ..validation import validate

ROLE_ASSIGNMENT_API_VERSIONS = (
    "2015-07-01",
    "2017-10-01-preview",
    "2018-01-01-preview",
    "2018-09-01-preview",
    "2020-03-01-preview",
    "2020-04-01-preview",
    "2020-08-01-preview",
    "2020-10-01-preview",
    "2022-01-01-preview",
    "2022-04-01",
)
ROLE_DEFINITION_API_VERSIONS = ("2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview")
#: From this api-version on, a PUT of an assignment that already exists answers 200 (the SDK accepts 200/201);
#: older versions only know 201.
UPDATE_ANSWERS_200_FROM = "2022-04-01"

provider = Provider("Microsoft.Authorization", api_versions=ROLE_ASSIGNMENT_API_VERSIONS)

ASSIGNMENTS = "authorization.roleAssignments"  # collection: lower-case assignment id -> record
ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments"
DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions"
PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup", "Device")
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# scopes ---------------------------------------------------------------------------------------------------------------
def scoped_route(
    target: Provider, method: str, suffix: str, *, api_versions: Optional[Sequence[str]] = None, root: bool = False
) -> Callable:
    """Register ``method`` for ``/{scope*}`` + ``suffix`` (any scope) and, with ``root``, for the tenant root too.

    The group check is the handler's (``check_scope``): a scope may or may not name a group.
    """

    def decorate(fn: Callable) -> Callable:
        target.route(method, "/{scope*}" + suffix, api_versions=api_versions, group_must_exist=False)(fn)
        if root:
            target.route(method, suffix, api_versions=api_versions, group_must_exist=False)(fn)
        return fn

    return decorate


def request_scope(ctx: Context) -> str:
    return normalize_scope(ctx.params.get("scope", ""))


def normalize_scope(raw: str) -> str:
    """``subscriptions/s/resourcegroups/rg/providers/NS//type/name/`` -> ``/subscriptions/s/.../NS/type/name``."""
    parts = [p for p in (raw or "").split("/") if p]
    return "/" + "/".join(parts) if parts else ""


def scope_relation(assignment_scope: str, query_scope: str) -> str:
    """``at``, ``above`` (assignment_scope is an ancestor of query_scope), ``below`` or ``none``."""
    a = assignment_scope.lower().rstrip("/")
    q = query_scope.lower().rstrip("/")
    if a == q:
        return "at"
    if q.startswith(a + "/") or a == "":
        return "above"
    if a.startswith(q + "/") or q == "":
        return "below"
    return "none"


def subscription_of(scope: str) -> Optional[str]:
    parts = [p for p in scope.split("/") if p]
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1]
    return None


def invalid_scope(scope: str) -> ArmError:
    return ArmError(400, "InvalidScope", f"The scope '{scope}' is not a valid Azure resource id.")


def check_scope(ctx: Context, scope: str) -> None:
    """Refuse a scope that does not exist, as ARM does: a missing group is ``ResourceGroupNotFound``, a missing
    resource ``ResourceNotFound`` with ARM's message. The subscription was checked by the framework."""
    parts = [p for p in scope.split("/") if p]
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        raise invalid_scope(scope)
    if len(parts) == 2:
        return
    group = None
    rest = parts[2:]
    if rest[0].lower() == "resourcegroups":
        if len(rest) < 2:
            raise invalid_scope(scope)
        group = rest[1]
        if ctx.store.get(f"/subscriptions/{parts[1]}/resourceGroups/{group}") is None:
            raise group_not_found(group)
        rest = rest[2:]
        if not rest:
            return
    if rest[0].lower() != "providers" or len(rest) < 4 or len(rest) % 2 != 0:
        raise invalid_scope(scope)
    if ctx.store.get(scope) is None:
        resource = "/".join(rest[1:])
        where = f" under resource group '{group}'" if group else ""
        raise ArmError(
            404, "ResourceNotFound", f"The Resource '{resource}'{where} was not found. {RESOURCE_NOT_FOUND_HINT}"
        )


# built-in role definitions --------------------------------------------------------------------------------------------
def _perm(actions=(), not_actions=(), data_actions=(), not_data_actions=()) -> list:
    return [
        {
            "actions": list(actions),
            "notActions": list(not_actions),
            "dataActions": list(data_actions),
            "notDataActions": list(not_data_actions),
        }
    ]


_KV_READ = (
    "Microsoft.Authorization/*/read",
    "Microsoft.Insights/alertRules/*",
    "Microsoft.Resources/deployments/*",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.Support/*",
    "Microsoft.KeyVault/checkNameAvailability/read",
    "Microsoft.KeyVault/deletedVaults/read",
    "Microsoft.KeyVault/locations/*/read",
    "Microsoft.KeyVault/vaults/*/read",
    "Microsoft.KeyVault/operations/read",
)
_KV_ONLY = " Only works for key vaults that use the 'Azure role-based access control' permission model."
_BLOB = "Microsoft.Storage/storageAccounts/blobServices"
_FILE = "Microsoft.Storage/storageAccounts/fileServices"
_ML_WS = "Microsoft.MachineLearningServices/workspaces"

#: The built-in roles the stack uses: id -> (roleName, description, permissions). Ids and permissions as published
#: in Microsoft's built-in roles reference.
BUILTIN_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": (
        "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        _perm(["*"]),
    ),
    "b24988ac-6180-42a0-ab88-20f7382dd24c": (
        "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage "
        "assignments in Azure Blueprints, or share image galleries.",
        _perm(
            ["*"],
            [
                "Microsoft.Authorization/*/Delete",
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/elevateAccess/Action",
                "Microsoft.Blueprint/blueprintAssignments/write",
                "Microsoft.Blueprint/blueprintAssignments/delete",
                "Microsoft.Compute/galleries/share/action",
                "Microsoft.Purview/consents/write",
                "Microsoft.Purview/consents/delete",
                "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
                "Microsoft.Subscription/cancel/action",
                "Microsoft.Subscription/enable/action",
            ],
        ),
    ),
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": (
        "Reader",
        "View all resources, but does not allow you to make any changes.",
        _perm(["*/read"]),
    ),
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": (
        "User Access Administrator",
        "Lets you manage user access to Azure resources.",
        _perm(["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"]),
    ),
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": (
        "Key Vault Administrator",
        "Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and "
        "secrets. Cannot manage key vault resources or manage role assignments." + _KV_ONLY,
        _perm(_KV_READ, data_actions=["Microsoft.KeyVault/vaults/*"]),
    ),
    "4633458b-17de-408a-b874-0445c86b69e6": (
        "Key Vault Secrets User",
        "Read secret contents." + _KV_ONLY,
        _perm(
            data_actions=[
                "Microsoft.KeyVault/vaults/secrets/getSecret/action",
                "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
            ]
        ),
    ),
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": (
        "Key Vault Secrets Officer",
        "Perform any action on the secrets of a key vault, except manage permissions." + _KV_ONLY,
        _perm(_KV_READ, data_actions=["Microsoft.KeyVault/vaults/secrets/*"]),
    ),
    "21090545-7ca7-4776-b22c-e363652d74d2": (
        "Key Vault Reader",
        "Read metadata of key vaults and its certificates, keys, and secrets. Cannot read sensitive values such as "
        "secret contents or key material." + _KV_ONLY,
        _perm(
            _KV_READ,
            data_actions=["Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
        ),
    ),
    "12338af0-0e69-4776-bea7-57ae8d297424": (
        "Key Vault Crypto User",
        "Perform cryptographic operations using keys." + _KV_ONLY,
        _perm(
            data_actions=[
                "Microsoft.KeyVault/vaults/keys/read",
                "Microsoft.KeyVault/vaults/keys/update/action",
                "Microsoft.KeyVault/vaults/keys/backup/action",
                "Microsoft.KeyVault/vaults/keys/encrypt/action",
                "Microsoft.KeyVault/vaults/keys/decrypt/action",
                "Microsoft.KeyVault/vaults/keys/wrap/action",
                "Microsoft.KeyVault/vaults/keys/unwrap/action",
                "Microsoft.KeyVault/vaults/keys/sign/action",
                "Microsoft.KeyVault/vaults/keys/verify/action",
            ]
        ),
    ),
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": (
        "Storage Blob Data Owner",
        "Allows for full access to Azure Storage blob containers and data, including assigning POSIX access control.",
        _perm(
            [f"{_BLOB}/containers/*", f"{_BLOB}/generateUserDelegationKey/action"],
            data_actions=[f"{_BLOB}/containers/blobs/*"],
        ),
    ),
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": (
        "Storage Blob Data Contributor",
        "Allows for read, write and delete access to Azure Storage blob containers and data",
        _perm(
            [
                f"{_BLOB}/containers/delete",
                f"{_BLOB}/containers/read",
                f"{_BLOB}/containers/write",
                f"{_BLOB}/generateUserDelegationKey/action",
            ],
            data_actions=[
                f"{_BLOB}/containers/blobs/delete",
                f"{_BLOB}/containers/blobs/read",
                f"{_BLOB}/containers/blobs/write",
                f"{_BLOB}/containers/blobs/move/action",
                f"{_BLOB}/containers/blobs/add/action",
            ],
        ),
    ),
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": (
        "Storage Blob Data Reader",
        "Allows for read access to Azure Storage blob containers and data",
        _perm(
            [f"{_BLOB}/containers/read", f"{_BLOB}/generateUserDelegationKey/action"],
            data_actions=[f"{_BLOB}/containers/blobs/read"],
        ),
    ),
    "69566ab7-960f-475b-8e7c-b3118f30c6bd": (
        "Storage File Data Privileged Contributor",
        "Customer has read, write, delete and modify NTFS permission access on Azure Storage file shares.",
        _perm(
            data_actions=[
                f"{_FILE}/fileshares/files/read",
                f"{_FILE}/fileshares/files/write",
                f"{_FILE}/fileshares/files/delete",
                f"{_FILE}/fileshares/files/modifypermissions/action",
                f"{_FILE}/readFileBackupSemantics/action",
                f"{_FILE}/writeFileBackupSemantics/action",
            ]
        ),
    ),
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": (
        "AcrPull",
        "acr pull",
        _perm(["Microsoft.ContainerRegistry/registries/pull/read"]),
    ),
    "8311e382-0749-4cb8-b61a-304f252e45ec": (
        "AcrPush",
        "acr push",
        _perm(
            ["Microsoft.ContainerRegistry/registries/pull/read", "Microsoft.ContainerRegistry/registries/push/write"]
        ),
    ),
    "c2f4ef07-c644-48eb-af81-4b1b4947fb11": (
        "AcrDelete",
        "acr delete",
        _perm(["Microsoft.ContainerRegistry/registries/artifacts/delete"]),
    ),
    "43d0d8ad-25c7-4714-9337-8ba259a9fe05": (
        "Monitoring Reader",
        "Can read all monitoring data.",
        _perm(["*/read", "Microsoft.OperationalInsights/workspaces/search/action", "Microsoft.Support/*"]),
    ),
    "749f88d5-cbae-40b8-bcfc-e573ddc772fa": (
        "Monitoring Contributor",
        "Can read all monitoring data and update monitoring settings.",
        _perm(
            [
                "*/read",
                "Microsoft.AlertsManagement/alerts/*",
                "Microsoft.AlertsManagement/alertsSummary/*",
                "Microsoft.AlertsManagement/issues/*",
                "Microsoft.Insights/actiongroups/*",
                "Microsoft.Insights/activityLogAlerts/*",
                "Microsoft.Insights/AlertRules/*",
                "Microsoft.Insights/components/*",
                "Microsoft.Insights/createNotifications/*",
                "Microsoft.Insights/dataCollectionEndpoints/*",
                "Microsoft.Insights/dataCollectionRules/*",
                "Microsoft.Insights/dataCollectionRuleAssociations/*",
                "Microsoft.Insights/DiagnosticSettings/*",
                "Microsoft.Insights/eventtypes/*",
                "Microsoft.Insights/LogDefinitions/*",
                "Microsoft.Insights/metricalerts/*",
                "Microsoft.Insights/MetricDefinitions/*",
                "Microsoft.Insights/Metrics/*",
                "Microsoft.Insights/notificationStatus/*",
                "Microsoft.Insights/Register/Action",
                "Microsoft.Insights/scheduledqueryrules/*",
                "Microsoft.Insights/webtests/*",
                "Microsoft.Insights/workbooks/*",
                "Microsoft.Insights/workbooktemplates/*",
                "Microsoft.Insights/privateLinkScopes/*",
                "Microsoft.Insights/privateLinkScopeOperationStatuses/*",
                "Microsoft.Monitor/accounts/*",
                "Microsoft.Monitor/settings/*",
                "Microsoft.OperationalInsights/workspaces/write",
                "Microsoft.OperationalInsights/workspaces/intelligencepacks/*",
                "Microsoft.OperationalInsights/workspaces/savedSearches/*",
                "Microsoft.OperationalInsights/workspaces/search/action",
                "Microsoft.OperationalInsights/workspaces/sharedKeys/action",
                "Microsoft.OperationalInsights/workspaces/sharedKeys/read",
                "Microsoft.OperationalInsights/workspaces/storageinsightconfigs/*",
                "Microsoft.OperationalInsights/locations/workspaces/failover/action",
                "Microsoft.OperationalInsights/workspaces/failback/action",
                "Microsoft.Support/*",
                "Microsoft.AlertsManagement/smartDetectorAlertRules/*",
                "Microsoft.AlertsManagement/actionRules/*",
                "Microsoft.AlertsManagement/smartGroups/*",
                "Microsoft.AlertsManagement/migrateFromSmartDetection/*",
                "Microsoft.AlertsManagement/investigations/*",
                "Microsoft.AlertsManagement/prometheusRuleGroups/*",
                "Microsoft.Monitor/investigations/*",
                "Microsoft.Resources/deployments/*",
            ]
        ),
    ),
    "73c42c96-874c-492b-b04d-ab87d138a893": (
        "Log Analytics Reader",
        "Log Analytics Reader can view and search all monitoring data as well as and view monitoring settings, "
        "including viewing the configuration of Azure diagnostics on all Azure resources.",
        _perm(
            [
                "*/read",
                "Microsoft.OperationalInsights/workspaces/analytics/query/action",
                "Microsoft.OperationalInsights/workspaces/search/action",
                "Microsoft.Support/*",
            ],
            ["Microsoft.OperationalInsights/workspaces/sharedKeys/read"],
        ),
    ),
    "92aaf0da-9dab-42b6-94a3-d43ce8d16293": (
        "Log Analytics Contributor",
        "Log Analytics Contributor can read all monitoring data and edit monitoring settings. Editing monitoring "
        "settings includes adding the VM extension to VMs; reading storage account keys to be able to configure "
        "collection of logs from Azure Storage; adding solutions; and configuring Azure diagnostics on all Azure "
        "resources.",
        _perm(
            [
                "*/read",
                "Microsoft.ClassicCompute/virtualMachines/extensions/*",
                "Microsoft.ClassicStorage/storageAccounts/listKeys/action",
                "Microsoft.Compute/virtualMachines/extensions/*",
                "Microsoft.HybridCompute/machines/extensions/write",
                "Microsoft.Insights/alertRules/*",
                "Microsoft.Insights/diagnosticSettings/*",
                "Microsoft.OperationalInsights/*",
                "Microsoft.OperationsManagement/*",
                "Microsoft.Resources/deployments/*",
                "Microsoft.Resources/subscriptions/resourcegroups/deployments/*",
                "Microsoft.Storage/storageAccounts/listKeys/action",
                "Microsoft.Support/*",
            ]
        ),
    ),
    "ae349356-3a1b-4a5e-921d-050484c6347e": (
        "Application Insights Component Contributor",
        "Can manage Application Insights components",
        _perm(
            [
                "Microsoft.Authorization/*/read",
                "Microsoft.Insights/alertRules/*",
                "Microsoft.Insights/generateLiveToken/read",
                "Microsoft.Insights/metricAlerts/*",
                "Microsoft.Insights/components/*",
                "Microsoft.Insights/scheduledqueryrules/*",
                "Microsoft.Insights/topology/read",
                "Microsoft.Insights/transactions/read",
                "Microsoft.Insights/webtests/*",
                "Microsoft.ResourceHealth/availabilityStatuses/read",
                "Microsoft.Resources/deployments/*",
                "Microsoft.Resources/subscriptions/resourceGroups/read",
                "Microsoft.Support/*",
            ]
        ),
    ),
    "f6c7c914-8db3-469d-8ca1-694a8f32e121": (
        "AzureML Data Scientist",
        "Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting compute "
        "resources and modifying the workspace itself.",
        _perm(
            [f"{_ML_WS}/*/read", f"{_ML_WS}/*/action", f"{_ML_WS}/*/delete", f"{_ML_WS}/*/write"],
            [
                f"{_ML_WS}/delete",
                f"{_ML_WS}/write",
                f"{_ML_WS}/computes/*/write",
                f"{_ML_WS}/computes/*/delete",
                f"{_ML_WS}/computes/listKeys/action",
                f"{_ML_WS}/listKeys/action",
                f"{_ML_WS}/hubs/write",
                f"{_ML_WS}/hubs/delete",
                f"{_ML_WS}/featurestores/write",
                f"{_ML_WS}/featurestores/delete",
            ],
        ),
    ),
    "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815": (
        "AzureML Compute Operator",
        "Can access and perform CRUD operations on Machine Learning Services managed compute resources (including "
        "Notebook VMs).",
        _perm([f"{_ML_WS}/computes/*", f"{_ML_WS}/notebooks/vm/*"]),
    ),
    "1823dd4f-9b8c-4ab6-ab4e-7397a3684615": (
        "AzureML Registry User",
        "Can perform all actions on Machine Learning Services Registry assets as well as get Registry resources.",
        _perm(
            [
                "Microsoft.MachineLearningServices/registries/read",
                "Microsoft.MachineLearningServices/registries/assets/*",
            ]
        ),
    ),
}
#: Built-in roles carry Microsoft's own creation and update stamps; these are fixed placeholders of that shape.
BUILTIN_CREATED_ON = "2015-02-02T21:55:09.8806423Z"
BUILTIN_UPDATED_ON = "2024-01-01T00:00:00.0000000Z"


def role_definition_id(guid: str, scope: str) -> str:
    """The id ARM gives a built-in role read at ``scope``: under the scope's subscription, or tenant-level."""
    sub = subscription_of(scope)
    prefix = f"/subscriptions/{sub}" if sub else ""
    return f"{prefix}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def role_definition_body(guid: str, scope: str) -> dict:
    name, description, permissions = BUILTIN_ROLES[guid]
    return {
        "id": role_definition_id(guid, scope),
        "type": DEFINITION_TYPE,
        "name": guid,
        "properties": {
            "roleName": name,
            "type": "BuiltInRole",
            "description": description,
            "assignableScopes": ["/"],
            "permissions": copy.deepcopy(permissions),
            "createdOn": BUILTIN_CREATED_ON,
            "updatedOn": BUILTIN_UPDATED_ON,
            "createdBy": None,
            "updatedBy": None,
        },
    }


def definition_not_found(guid: str, status: int) -> ArmError:
    return ArmError(
        status, "RoleDefinitionDoesNotExist", f"The specified role definition with ID '{guid}' does not exist."
    )


def _definitions_scope(ctx: Context) -> str:
    scope = request_scope(ctx)
    if scope:
        check_scope(ctx, scope)
    return scope


@scoped_route(
    provider,
    "GET",
    "/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}",
    api_versions=ROLE_DEFINITION_API_VERSIONS,
    root=True,
)
def get_role_definition(ctx: Context) -> Response:
    scope = _definitions_scope(ctx)
    guid = ctx.params["roleDefinitionId"].lower()
    if guid not in BUILTIN_ROLES:
        raise definition_not_found(ctx.params["roleDefinitionId"], 404)
    return Response(200, role_definition_body(guid, scope))


_ROLE_NAME_CLAUSE = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)
_ROLE_TYPE_CLAUSE = re.compile(r"type\s+eq\s+'([^']*)'", re.IGNORECASE)


def unsupported_filter(text: str) -> ArmError:
    return ArmError(400, "UnsupportedQuery", f"The filter '{text}' is not supported.")


@scoped_route(
    provider,
    "GET",
    "/providers/Microsoft.Authorization/roleDefinitions",
    api_versions=ROLE_DEFINITION_API_VERSIONS,
    root=True,
)
def list_role_definitions(ctx: Context) -> Response:
    scope = _definitions_scope(ctx)
    text = (ctx.param("$filter") or "").strip()
    name = role_type = None
    if text:
        for clause in re.split(r"\s+and\s+", text, flags=re.IGNORECASE):
            clause = clause.strip()
            if m := _ROLE_NAME_CLAUSE.fullmatch(clause):
                name = m.group(1)
            elif m := _ROLE_TYPE_CLAUSE.fullmatch(clause):
                role_type = m.group(1)
            elif clause.replace(" ", "").lower() != "atscopeandbelow()":
                raise unsupported_filter(text)
    items = []
    for guid, (role_name, _, _) in BUILTIN_ROLES.items():
        if name is not None and role_name.lower() != name.lower():
            continue
        if role_type is not None and role_type.lower() != "builtinrole":
            continue
        items.append(role_definition_body(guid, scope))
    return ctx.paged(items)


# role assignments -----------------------------------------------------------------------------------------------------
def assignments(ctx: Context) -> dict:
    return ctx.store.collection(ASSIGNMENTS)


ASSIGNMENT = "/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}"


def _assignment_id(scope: str, name: str) -> str:
    return f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"


def _check_name(name: str) -> None:
    if not GUID.fullmatch(name):
        raise ArmError(
            400,
            "InvalidRoleAssignmentId",
            f"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.",
        )


_DEFINITION_REF = re.compile(
    r"(?:/subscriptions/[^/]+)?/providers/Microsoft\.Authorization/roleDefinitions/([^/]+)", re.IGNORECASE
)


def _role_guid(reference: str) -> str:
    m = _DEFINITION_REF.fullmatch(normalize_scope(reference))
    if not m:
        raise ArmError(400, "InvalidRoleDefinitionId", f"The role definition ID '{reference}' is not valid.")
    guid = m.group(1)
    if guid.lower() not in BUILTIN_ROLES:
        raise definition_not_found(guid, 400)
    return guid.lower()


def _public(record: dict) -> dict:
    return copy.deepcopy(record["body"])


@scoped_route(provider, "PUT", ASSIGNMENT)
def put_role_assignment(ctx: Context) -> Response:
    name = ctx.params["roleAssignmentName"]
    _check_name(name)
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    body = ctx.json()
    validate(body, auth_models.RoleAssignmentCreateParameters)
    props = body["properties"]
    principal = props["principalId"]
    if not isinstance(principal, str) or not GUID.fullmatch(principal):
        raise ArmError(
            400, "InvalidPrincipalId", f"The Principal ID '{principal}' is not valid. Principal ID must be a GUID."
        )
    principal_type = props.get("principalType") or "User"
    canonical = next((t for t in PRINCIPAL_TYPES if t.lower() == str(principal_type).lower()), None)
    if canonical is None:
        raise ArmError(
            400,
            "InvalidRequestContent",
            f"The value '{principal_type}' of 'properties.principalType' "
            f"is not valid. Allowed values are: {', '.join(PRINCIPAL_TYPES)}.",
        )
    given_scope = props.get("scope")
    if given_scope and normalize_scope(given_scope).lower() != scope.lower():
        raise ArmError(
            400,
            "InvalidCreateRoleAssignmentRequest",
            f"The request to create role assignment '{name}' is not valid. Role assignment scope "
            f"'{given_scope}' must match the scope specified on the URI '{scope}'.",
        )
    guid = _role_guid(props["roleDefinitionId"])
    definition = role_definition_id(guid, scope)
    now = iso()
    who = ctx.principal.get("oid")

    same_name = next((r for r in assignments(ctx).values() if r["name"].lower() == name.lower()), None)
    if same_name is not None:
        current = same_name["body"]["properties"]
        if (
            same_name["scope"].lower() != scope.lower()
            or current["principalId"].lower() != principal.lower()
            or current["roleDefinitionId"].rsplit("/", 1)[-1].lower() != guid
        ):
            raise ArmError(
                400,
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            )
        current.update({"principalType": canonical, "updatedOn": now, "updatedBy": who})
        for key in ("description", "condition", "conditionVersion"):
            if key in props:
                current[key] = props[key]
        ctx.store.touch()
        status = 200 if (ctx.api_version or "") >= UPDATE_ANSWERS_200_FROM else 201
        return Response(status, _public(same_name))

    for record in assignments(ctx).values():
        p = record["body"]["properties"]
        if (
            record["scope"].lower() == scope.lower()
            and p["principalId"].lower() == principal.lower()
            and p["roleDefinitionId"].rsplit("/", 1)[-1].lower() == guid
        ):
            raise ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")

    rid = _assignment_id(scope, name)
    condition = props.get("condition")
    assignment = {
        "id": rid,
        "type": ASSIGNMENT_TYPE,
        "name": name,
        "properties": {
            "roleDefinitionId": definition,
            "principalId": principal,
            "principalType": canonical,
            "scope": scope,
            "condition": condition,
            "conditionVersion": props.get("conditionVersion") or ("2.0" if condition else None),
            "createdOn": now,
            "updatedOn": now,
            "createdBy": who,
            "updatedBy": who,
            "delegatedManagedIdentityResourceId": props.get("delegatedManagedIdentityResourceId"),
            "description": props.get("description"),
        },
    }
    assignments(ctx)[rid.lower()] = {"id": rid, "name": name, "scope": scope, "body": assignment}
    ctx.store.touch()
    return Response(201, copy.deepcopy(assignment))


def _existing(ctx: Context) -> tuple[str, str, Optional[dict]]:
    name = ctx.params["roleAssignmentName"]
    _check_name(name)
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    return scope, name, assignments(ctx).get(_assignment_id(scope, name).lower())


@scoped_route(provider, "GET", ASSIGNMENT)
def get_role_assignment(ctx: Context) -> Response:
    _, name, record = _existing(ctx)
    if record is None:
        raise ArmError(404, "RoleAssignmentNotFound", f"The role assignment '{name}' is not found.")
    return Response(200, _public(record))


@scoped_route(provider, "DELETE", ASSIGNMENT)
def delete_role_assignment(ctx: Context) -> Response:
    _, _, record = _existing(ctx)
    if record is None:
        return Response(204)
    del assignments(ctx)[record["id"].lower()]
    ctx.store.touch()
    return Response(200, _public(record))


_AT_SCOPE = re.compile(r"atScope\(\)", re.IGNORECASE)
_PRINCIPAL = re.compile(r"principalId\s+eq\s+'?([^' ]+)'?", re.IGNORECASE)
_ASSIGNED_TO = re.compile(r"assignedTo\('([^']*)'\)", re.IGNORECASE)


def _assignment_filter(text: str) -> tuple[bool, Optional[str]]:
    """(at_scope_only, principal): the filters ARM documents for role assignment lists."""
    at_scope = False
    principal = None
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        clause = clause.strip()
        if _AT_SCOPE.fullmatch(clause):
            at_scope = True
        elif (m := _PRINCIPAL.fullmatch(clause)) or (m := _ASSIGNED_TO.fullmatch(clause)):
            if principal is not None:
                raise unsupported_filter(text)
            principal = m.group(1)
        else:
            raise unsupported_filter(text)
    return at_scope, principal


@scoped_route(provider, "GET", "/providers/Microsoft.Authorization/roleAssignments")
def list_role_assignments(ctx: Context) -> Response:
    """One route serves ``list_for_subscription``, ``list_for_resource_group``, ``list_for_resource`` and
    ``list_for_scope``: assignments at, above and below the scope; ``atScope()`` keeps those at or above;
    ``principalId eq`` / ``assignedTo()`` keep one principal's (no group expansion: there is no directory)."""
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    text = ctx.param("$filter")
    at_scope, principal = _assignment_filter(text) if text and text.strip() else (False, None)
    allowed = ("at", "above") if at_scope else ("at", "above", "below")
    items = []
    for record in sorted(assignments(ctx).values(), key=lambda r: (len(r["scope"]), r["id"].lower())):
        if scope_relation(record["scope"], scope) not in allowed:
            continue
        if principal and record["body"]["properties"]["principalId"].lower() != principal.lower():
            continue
        items.append(_public(record))
    return ctx.paged(items)


# cleanup when the scope goes ------------------------------------------------------------------------------------------
def remove_at_or_below(ctx: Context, collection: str, resource_id: str) -> int:
    coll = ctx.store.collection(collection)
    gone = [key for key, record in coll.items() if scope_relation(record["scope"], resource_id) in ("at", "below")]
    for key in gone:
        del coll[key]
    if gone:
        ctx.store.touch()
    return len(gone)


@provider.on("resource.deleted")
def _scope_deleted(ctx: Context, record: dict) -> None:
    remove_at_or_below(ctx, ASSIGNMENTS, record["id"])


@provider.on("keyvault.vault_soft_deleted")
def _vault_soft_deleted(ctx: Context, vault_id: str) -> None:
    remove_at_or_below(ctx, ASSIGNMENTS, vault_id)
