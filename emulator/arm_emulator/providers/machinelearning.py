"""Microsoft.MachineLearningServices workspaces, as the service answers them.

* PUT, PATCH and DELETE are long-running: 202 with ``Azure-AsyncOperation`` and ``Location`` pointing at
  ``…/locations/{location}/workspaceOperationsStatus/{id}`` (``type=async`` / ``type=location``).
* The request's shape (name, location, required associated resources, enum values, identity) is refused at once with
  400. What the service checks against other resources (the associated resources exist and qualify, a soft-deleted
  workspace holds the name, a setting that cannot change) is refused through the operation: it ends ``Failed`` with
  code ``BadRequest``, as ARM deployments report it ("reached terminal provisioning state 'Failed'").
* DELETE soft-deletes for 14 days (the name stays taken in its resource group) unless ``forceToPurge=true``; a
  DELETE with ``forceToPurge=true`` of a soft-deleted name purges it. Deleting the resource group soft-deletes too.

Sources and best-knowledge answers: ``emulator/README.md``, section "Machine Learning workspaces".
"""

from __future__ import annotations

import copy
import re
import time
import uuid

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_same_location,
    check_tags,
    new_guid,
    parse_id,
    resource_not_found,
)
from ..config import TENANT_ID
from ..registry import Provider, check_delete_allowed

#: Stable api-versions of the workspace API in the public REST specifications, newest first. There is no current
#: Python SDK for it (azure-mgmt-machinelearningservices 1.0.1 speaks only 2020-08-01), so the list is explicit.
API_VERSIONS = (
    "2026-07-01", "2026-05-01", "2026-03-01", "2025-12-01", "2025-09-01", "2025-06-01", "2025-04-01",
    "2024-10-01", "2024-04-01",
)  # fmt: skip

provider = Provider("Microsoft.MachineLearningServices", api_versions=API_VERSIONS)

TYPE = "Microsoft.MachineLearningServices/workspaces"
BASE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices"
WORKSPACE = BASE + "/workspaces/{workspaceName}"
OPERATION_STATUS = (
    "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}"
    "/workspaceOperationsStatus/{operationId}"
)
DELETED = "machinelearning.deleted"  # collection: lower-case "sub/group/name" -> soft-deleted workspace
NAME_RULE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,32}")
SOFT_DELETE_DAYS = 14
CREATE_SECONDS = 45.0
UPDATE_SECONDS = 10.0
DELETE_SECONDS = 20.0
PURGE_SECONDS = 30.0
REFUSE_SECONDS = 5.0
POLL_INTERVAL = 10.0  # the specification's Retry-After is 10-600 s

KINDS = ("Default", "Hub", "Project", "FeatureStore")
SKUS = ("Basic", "Free", "Standard", "Premium")
ISOLATION_MODES = ("Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound")
AUTH_MODES = ("AccessKey", "Identity", "UserDelegationSAS")
IDENTITY_TYPES = ("SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned", "None")
SOFT_DELETED_EXISTS = "Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete"

#: Associated resources: property -> (resource type, what the messages call it).
ASSOCIATED = {
    "storageAccount": ("Microsoft.Storage/storageAccounts", "Storage Account"),
    "keyVault": ("Microsoft.KeyVault/vaults", "Key Vault"),
    "applicationInsights": ("microsoft.insights/components", "Application Insights"),
    "containerRegistry": ("Microsoft.ContainerRegistry/registries", "Container Registry"),
}
#: Set at creation only: property -> the refusal's message.
CREATE_ONLY = {
    "storageAccount": "Storage Account update is not supported yet",
    "keyVault": "Key Vault update is not supported yet",
    "hbiWorkspace": "The hbiWorkspace setting can only be set when the workspace is created.",
    "enableDataIsolation": "The enableDataIsolation setting can only be set when the workspace is created.",
}
STRINGS = (
    "description",
    "friendlyName",
    "keyVault",
    "applicationInsights",
    "containerRegistry",
    "storageAccount",
    "imageBuildCompute",
    "primaryUserAssignedIdentity",
    "hubResourceId",
)
BOOLEANS = (
    "hbiWorkspace",
    "allowPublicAccessWhenBehindVnet",
    "v1LegacyMode",
    "enableDataIsolation",
    "provisionNetworkNow",
    "enableServiceSideCMKEncryption",
)
OBJECTS = (
    "managedNetwork",
    "encryption",
    "serverlessComputeSettings",
    "serviceManagedResourcesSettings",
    "featureStoreSettings",
    "workspaceHubConfig",
)
#: What a PATCH may change (WorkspacePropertiesUpdateParameters); anything else in a PATCH body is ignored.
PATCHABLE = (
    "applicationInsights",
    "containerRegistry",
    "description",
    "enableDataIsolation",
    "encryption",
    "featureStoreSettings",
    "friendlyName",
    "imageBuildCompute",
    "managedNetwork",
    "primaryUserAssignedIdentity",
    "publicNetworkAccess",
    "serverlessComputeSettings",
    "serviceManagedResourcesSettings",
    "systemDatastoresAuthMode",
    "v1LegacyMode",
)
UAI_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+",
    re.IGNORECASE,
)


def bad_request(message: str) -> ArmError:
    return ArmError(400, "BadRequest", message)


def _refusal(message: str) -> dict:
    """An error the service reports through the operation's status rather than the PUT/PATCH's answer."""
    return {"status": 400, "code": "BadRequest", "message": message}


def _workspace_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{p['workspaceName']}"
    )


def _get_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_workspace_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["workspaceName"], ctx.params["resourceGroupName"])
    return record


def _deleted_key(subscription: str, group: str, name: str) -> str:
    return f"{subscription}/{group}/{name}".lower()


def deleted_workspaces(ctx: Context) -> dict:
    """Soft-deleted workspaces, dropping those whose 14 days are over (the service purges them then)."""
    coll = ctx.store.collection(DELETED)
    now = time.time()
    for key in [k for k, v in coll.items() if v["purge_at"] <= now]:
        del coll[key]
        ctx.store.touch()
    return coll


# request shape (refused at once) --------------------------------------------------------------------------------------
def _check_name(name: str) -> None:
    if not NAME_RULE.fullmatch(name):
        raise bad_request(
            f"Workspace name '{name}' is invalid. A workspace name must be 3-33 characters long, start with a letter "
            "or a digit, and contain only letters, digits, hyphens and underscores."
        )


def _canonical(value, allowed: tuple, path: str):
    """The allowed spelling of an enum value (the service compares them case-insensitively)."""
    if value is None:
        return None
    if isinstance(value, str):
        key = value.replace(" ", "").lower()
        for known in allowed:
            if known.lower() == key:
                return known
    raise bad_request(f"The value '{value}' of '{path}' is not valid. Allowed values are: {', '.join(allowed)}.")


def _check_properties(props) -> dict:
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise bad_request("The request content was invalid: 'properties' must be an object.")
    for key in STRINGS:
        if props.get(key) is not None and not isinstance(props[key], str):
            raise bad_request(f"The request content was invalid: 'properties.{key}' must be a string.")
    for key in BOOLEANS:
        if props.get(key) is not None and not isinstance(props[key], bool):
            raise bad_request(f"The request content was invalid: 'properties.{key}' must be a boolean.")
    for key in OBJECTS:
        if props.get(key) is not None and not isinstance(props[key], dict):
            raise bad_request(f"The request content was invalid: 'properties.{key}' must be an object.")
    out = dict(props)
    out["publicNetworkAccess"] = _canonical(
        props.get("publicNetworkAccess"), ("Enabled", "Disabled"), "properties.publicNetworkAccess"
    )
    out["systemDatastoresAuthMode"] = _canonical(
        props.get("systemDatastoresAuthMode"), AUTH_MODES, "properties.systemDatastoresAuthMode"
    )
    network = props.get("managedNetwork")
    if network is not None:
        network = dict(network)
        network["isolationMode"] = _canonical(
            network.get("isolationMode"), ISOLATION_MODES, "properties.managedNetwork.isolationMode"
        )
        rules = network.get("outboundRules")
        if rules is not None and not isinstance(rules, dict):
            raise bad_request(
                "The request content was invalid: 'properties.managedNetwork.outboundRules' must be an object."
            )
        out["managedNetwork"] = network
    encryption = props.get("encryption")
    if encryption is not None:
        _canonical(encryption.get("status"), ("Enabled", "Disabled"), "properties.encryption.status")
        vault = encryption.get("keyVaultProperties")
        if not isinstance(vault, dict) or not vault.get("keyVaultArmId") or not vault.get("keyIdentifier"):
            raise bad_request(
                "The request content was invalid: 'properties.encryption.keyVaultProperties' needs 'keyVaultArmId' "
                "and 'keyIdentifier'."
            )
    for key in ASSOCIATED:
        value = props.get(key)
        if value and not re.match(r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/", value, re.IGNORECASE):
            raise ArmError(
                400,
                "LinkedInvalidPropertyId",
                f"Property id '{value}' at path 'properties.{key}' is invalid. Expect fully qualified resource Id that "
                "start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.",
            )
    return {k: v for k, v in out.items() if v is not None}


def _identity(given, current: dict | None) -> dict:
    """The workspace identity after this request. Without one a workspace gets a system-assigned identity."""
    if given is None:
        return copy.deepcopy(current) if current else _identity({"type": "SystemAssigned"}, None)
    if not isinstance(given, dict):
        raise bad_request("The request content was invalid: 'identity' must be an object.")
    kind = _canonical(given.get("type"), IDENTITY_TYPES, "identity.type")
    if kind is None or kind == "None":
        raise bad_request(
            "A workspace needs a managed identity: set 'identity.type' to SystemAssigned, UserAssigned or "
            "'SystemAssigned,UserAssigned'."
        )
    out: dict = {"type": kind}
    if "SystemAssigned" in kind:
        keep = current and "SystemAssigned" in current.get("type", "")
        out["principalId"] = current["principalId"] if keep else new_guid()
        out["tenantId"] = TENANT_ID
    if "UserAssigned" in kind:
        given_uai = given.get("userAssignedIdentities")
        if not isinstance(given_uai, dict) or not given_uai:
            raise bad_request(f"'identity.userAssignedIdentities' is required when the identity type is '{kind}'.")
        known = {k.lower(): v for k, v in ((current or {}).get("userAssignedIdentities") or {}).items()}
        uai = {}
        for rid in given_uai:
            if not UAI_ID.fullmatch(rid):
                raise bad_request(f"'{rid}' is not a valid user-assigned identity resource id.")
            uai[rid] = known.get(rid.lower()) or {"principalId": new_guid(), "clientId": new_guid()}
        out["userAssignedIdentities"] = uai
    return out


def _check_primary_identity(identity: dict, primary: str | None) -> None:
    uai = identity.get("userAssignedIdentities") or {}
    if identity["type"] == "UserAssigned" and not primary:
        raise bad_request(
            "'properties.primaryUserAssignedIdentity' is required when the workspace identity is UserAssigned only."
        )
    if primary and primary.lower() not in {k.lower() for k in uai}:
        raise bad_request(
            f"The primary user assigned identity '{primary}' must be one of the workspace's user assigned identities."
        )


def _sku(given, current: dict | None) -> dict:
    if given is None:
        return copy.deepcopy(current) if current else {"name": "Basic", "tier": "Basic"}
    if not isinstance(given, dict):
        raise bad_request("The request content was invalid: 'sku' must be an object.")
    name = _canonical(given.get("name"), SKUS, "sku.name")
    if name is None:
        raise bad_request("The request content was invalid: 'sku.name' is required.")
    return {"name": name, "tier": name}


# checks against other resources (refused through the operation) -------------------------------------------------------
def _same_id(a: str | None, b: str | None) -> bool:
    return (a or "").lower() == (b or "").lower()


def _missing_associated(ctx: Context, key: str, value: str) -> str | None:
    rtype, label = ASSOCIATED[key]
    record = ctx.store.get(value)
    if record is None or record["type"].lower() != rtype.lower():
        return f"The {label} '{value}' associated with the workspace was not found."
    return None


def _storage_problem(ctx: Context, value: str) -> str | None:
    """The workspace's default storage cannot be BlobStorage, Premium or have a hierarchical namespace."""
    account = ctx.store.get(value)["body"]
    if (account.get("properties") or {}).get("isHnsEnabled"):
        return "Cannot use storage with HNS enabled."
    if str(account.get("sku", {}).get("name", "")).lower().startswith("premium"):
        return f"Cannot use storage with Premium SKU ({account['sku']['name']})."
    if str(account.get("kind", "")).lower() == "blobstorage":
        return "Cannot use storage of kind BlobStorage."
    return None


def _network_problem(current: dict | None, desired: dict | None) -> str | None:
    if current is None or desired is None or not desired.get("isolationMode"):
        return None
    before, after = current.get("isolationMode") or "Disabled", desired.get("isolationMode") or "Disabled"
    if ISOLATION_MODES.index(after) < ISOLATION_MODES.index(before):
        return (
            f"Managed network isolation mode cannot be changed from '{before}' to '{after}'. Once a workspace uses a "
            "managed network it cannot be disabled, and 'AllowOnlyApprovedOutbound' cannot go back to "
            "'AllowInternetOutbound'."
        )
    return None


def _problem(ctx: Context, current: dict | None, kind: str, props: dict) -> str | None:
    """What the service refuses about this request, given the other resources; None when it is fine."""
    if current is not None:
        old = current["properties"]
        if current.get("kind", "Default") != kind:
            return f"The kind of a workspace cannot be changed (from '{current.get('kind')}' to '{kind}')."
        for key, message in CREATE_ONLY.items():
            if key in props and not _same_value(old.get(key), props[key]):
                return message
        network = _network_problem(old.get("managedNetwork"), props.get("managedNetwork"))
        if network:
            return network
    for key in ASSOCIATED:
        value = props.get(key)
        unchanged = current is not None and _same_id(current["properties"].get(key), value)
        if value and not unchanged:
            missing = _missing_associated(ctx, key, value)
            if missing:
                return missing
    if current is None and props.get("storageAccount"):
        return _storage_problem(ctx, props["storageAccount"])
    hub_id = props.get("hubResourceId")
    if kind == "Project" and hub_id:
        hub = ctx.store.get(hub_id)
        if hub is None or hub["type"].lower() != TYPE.lower() or hub["body"].get("kind") != "Hub":
            return f"The hub workspace '{hub_id}' of the project was not found."
    return None


def _same_value(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return _same_id(a, b)
    return bool(a) == bool(b) if isinstance(a, (bool, type(None))) and isinstance(b, (bool, type(None))) else a == b


# bodies ---------------------------------------------------------------------------------------------------------------
def _defaults(rid: str, name: str, location: str) -> dict:
    workspace_id = new_guid()
    return {
        "workspaceId": workspace_id,
        "provisioningState": "Creating",
        "tenantId": TENANT_ID,
        "discoveryUrl": f"https://{location}.api.azureml.ms/discovery",
        "mlFlowTrackingUri": f"azureml://{location}.api.azureml.ms/mlflow/v1.0{rid}",
        "notebookInfo": {
            "fqdn": f"ml-{name.lower()[:16]}-{location}-{workspace_id}.notebooks.azure.net",
            "resourceId": uuid.uuid4().hex,
        },
        "hbiWorkspace": False,
        "allowPublicAccessWhenBehindVnet": False,
        "publicNetworkAccess": "Enabled",
        "v1LegacyMode": False,
        "enableDataIsolation": False,
        "storageHnsEnabled": False,
        "privateLinkCount": 0,
        "systemDatastoresAuthMode": "AccessKey",
        "managedNetwork": {"isolationMode": "Disabled", "outboundRules": {}, "status": _network_status(False)},
    }


def _network_status(active: bool) -> dict:
    return {"status": "Active" if active else "Inactive", "sparkReady": False}


def _merge_network(current: dict, update: dict) -> dict:
    out = copy.deepcopy(current)
    out.setdefault("isolationMode", "Disabled")
    for key, value in update.items():
        if value is not None and key not in ("networkId", "status"):
            out[key] = copy.deepcopy(value)
    if out.get("isolationMode", "Disabled") != "Disabled":
        out.setdefault("networkId", new_guid())
        out.setdefault("firewallSku", "Standard")
    out.setdefault("outboundRules", {})
    out.setdefault("status", _network_status(False))
    return out


#: Read-only properties (and the one-shot ``provisionNetworkNow`` flag): never stored from a request.
NOT_STORED = (
    "workspaceId",
    "provisioningState",
    "tenantId",
    "discoveryUrl",
    "mlFlowTrackingUri",
    "notebookInfo",
    "storageHnsEnabled",
    "privateLinkCount",
    "privateEndpointConnections",
    "serviceProvisionedResourceGroup",
    "provisionNetworkNow",
)


def _apply(props: dict, update: dict, keys=None) -> None:
    """Apply the settable properties of ``update`` (already checked) to ``props``; read-only ones are ignored."""
    for key, value in update.items():
        if (keys is not None and key not in keys) or key in NOT_STORED:
            continue
        if key == "managedNetwork":
            props["managedNetwork"] = _merge_network(props.get("managedNetwork") or {}, value)
            if update.get("provisionNetworkNow") and props["managedNetwork"]["isolationMode"] != "Disabled":
                props["managedNetwork"]["status"] = _network_status(True)
        else:
            props[key] = copy.deepcopy(value)


def _accepted(ctx: Context, op: dict, location: str) -> Response:
    path = (
        f"/subscriptions/{ctx.params['subscriptionId']}/providers/Microsoft.MachineLearningServices/locations/"
        f"{location}/workspaceOperationsStatus/{op['id']}"
    )
    return lro.accepted(
        ctx,
        op,
        ctx.url(path, type="location"),
        async_operation=ctx.url(path, type="async"),
        interval=POLL_INTERVAL,
    )


def _refuse_later(ctx: Context, message: str, location: str) -> Response:
    op = lro.start(ctx, "machinelearning.refused", typical_seconds=REFUSE_SECONDS, fail=_refusal(message))
    return _accepted(ctx, op, location)


# workspaces -----------------------------------------------------------------------------------------------------------
@provider.route("PUT", WORKSPACE)
def put_workspace(ctx: Context) -> Response:
    name = ctx.params["workspaceName"]
    _check_name(name)
    body = ctx.json()
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"))
    props = _check_properties(body.get("properties"))
    rid = _workspace_id(ctx)
    record = ctx.store.get(rid)
    current = record["body"] if record else None
    check_same_location(current, location, name, ctx.params["resourceGroupName"])
    kind = _canonical(body.get("kind"), KINDS, "kind") or (current or {}).get("kind") or "Default"
    sku = _sku(body.get("sku"), (current or {}).get("sku"))
    identity = _identity(body.get("identity"), (current or {}).get("identity"))
    primary = props.get("primaryUserAssignedIdentity") or (current or {}).get("properties", {}).get(
        "primaryUserAssignedIdentity"
    )
    _check_primary_identity(identity, primary)
    if kind == "Project":
        if not props.get("hubResourceId") and not (current or {}).get("properties", {}).get("hubResourceId"):
            raise bad_request("'properties.hubResourceId' is required for a workspace of kind 'Project'.")
    else:
        for key in ("storageAccount", "keyVault"):
            if not props.get(key) and not (current or {}).get("properties", {}).get(key):
                raise bad_request(f"'properties.{key}' is required for a workspace of kind '{kind}'.")

    sub, group = ctx.params["subscriptionId"], ctx.params["resourceGroupName"]
    if current is None and _deleted_key(sub, group, name) in deleted_workspaces(ctx):
        return _refuse_later(ctx, SOFT_DELETED_EXISTS, location)
    problem = _problem(ctx, current, kind, props)
    if problem:
        return _refuse_later(ctx, problem, current["location"] if current else location)

    if current is None:
        workspace = {
            "id": rid,
            "name": name,
            "type": TYPE,
            "location": location,
            "kind": kind,
            "sku": sku,
            "identity": identity,
            "tags": tags,
            "systemData": ctx.system_data(),
            "properties": _defaults(rid, name, location),
        }
        if kind == "Project":
            hub = ctx.store.get(props["hubResourceId"])["body"]["properties"]
            for key in ("storageAccount", "keyVault", "applicationInsights", "containerRegistry"):
                if hub.get(key) and not props.get(key):
                    workspace["properties"][key] = hub[key]
        record = ctx.store.put(rid, TYPE, workspace, {})
        typical = CREATE_SECONDS
    else:
        workspace = current
        was = workspace["properties"].get("provisioningState")
        workspace["properties"]["provisioningState"] = "Updating" if was == "Succeeded" else "Creating"
        workspace.update({"sku": sku, "identity": identity, "tags": tags})
        workspace["systemData"] = ctx.system_data(workspace.get("systemData"))
        typical = UPDATE_SECONDS
    _apply(workspace["properties"], props)
    if primary:
        workspace["properties"]["primaryUserAssignedIdentity"] = primary
    ctx.store.touch()
    op = lro.start(ctx, "machinelearning.put", typical_seconds=typical, params={"id": rid})
    if op["status"] == "InProgress":
        record["internal"]["operation"] = op["id"]
    return _accepted(ctx, op, location)


@provider.completion("machinelearning.put")
def _put_done(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    record["internal"].pop("operation", None)
    record["body"]["properties"]["provisioningState"] = "Failed" if failed else "Succeeded"


@provider.completion("machinelearning.refused")
def _refused(ctx: Context, op: dict, failed: bool) -> None:
    """Nothing to undo: a refused request changed nothing."""


@provider.route("GET", WORKSPACE)
def get_workspace(ctx: Context) -> Response:
    return Response(200, _get_or_404(ctx)["body"])


@provider.route("PATCH", WORKSPACE)
def patch_workspace(ctx: Context) -> Response:
    record = _get_or_404(ctx)
    body = ctx.json()
    current = record["body"]
    tags = check_tags(body["tags"]) if body.get("tags") is not None else None
    props = {k: v for k, v in _check_properties(body.get("properties")).items() if k in PATCHABLE}
    sku = _sku(body.get("sku"), current.get("sku"))
    identity = _identity(body.get("identity"), current.get("identity"))
    primary = props.get("primaryUserAssignedIdentity") or current["properties"].get("primaryUserAssignedIdentity")
    _check_primary_identity(identity, primary)
    problem = _problem(ctx, current, current.get("kind", "Default"), props)
    if problem:
        return _refuse_later(ctx, problem, current["location"])
    _apply(current["properties"], props, PATCHABLE)
    if primary:
        current["properties"]["primaryUserAssignedIdentity"] = primary
    current.update({"sku": sku, "identity": identity})
    if tags is not None:
        current["tags"] = tags
    current["systemData"] = ctx.system_data(current.get("systemData"))
    current["properties"]["provisioningState"] = "Updating"
    ctx.store.touch()
    op = lro.start(ctx, "machinelearning.put", typical_seconds=UPDATE_SECONDS, params={"id": record["id"]})
    if op["status"] == "InProgress":
        record["internal"]["operation"] = op["id"]
    return _accepted(ctx, op, current["location"])


def _soft_delete(ctx: Context, record: dict) -> None:
    """Keep the workspace for 14 days under its name. Workspaces that use only user-assigned identities are not
    soft-deleted (the service does not support soft delete for them)."""
    body = record["body"]
    if (body.get("identity") or {}).get("type") == "UserAssigned":
        return
    parsed = parse_id(record["id"])
    now = time.time()
    deleted_workspaces(ctx)[_deleted_key(parsed.subscription, parsed.resource_group, body["name"])] = {
        "subscription": parsed.subscription,
        "resource_group": parsed.resource_group,
        "workspace": copy.deepcopy(body),
        "deleted_at": now,
        "purge_at": now + SOFT_DELETE_DAYS * 86400,
    }
    ctx.store.touch()


@provider.route("DELETE", WORKSPACE)
def delete_workspace(ctx: Context) -> Response:
    purge = str(ctx.param("forceToPurge") or "false").lower() == "true"
    record = ctx.store.get(_workspace_id(ctx))
    if record is None:
        p = ctx.params
        key = _deleted_key(p["subscriptionId"], p["resourceGroupName"], p["workspaceName"])
        entry = deleted_workspaces(ctx).get(key)
        if entry is None or not purge:
            return Response(204)
        op = lro.start(ctx, "machinelearning.purge", typical_seconds=PURGE_SECONDS, params={"key": key})
        return _accepted(ctx, op, entry["workspace"]["location"])
    check_delete_allowed(ctx, record["id"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    op = lro.start(
        ctx, "machinelearning.delete", typical_seconds=DELETE_SECONDS, params={"id": record["id"], "purge": purge}
    )
    return _accepted(ctx, op, record["body"]["location"])


@provider.completion("machinelearning.delete")
def _deleted(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    if failed:
        record["body"]["properties"]["provisioningState"] = "Succeeded"
        return
    record["body"]["properties"]["provisioningState"] = "Succeeded"
    if not op["params"].get("purge"):
        _soft_delete(ctx, record)
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)


@provider.completion("machinelearning.purge")
def _purged(ctx: Context, op: dict, failed: bool) -> None:
    if not failed:
        deleted_workspaces(ctx).pop(op["params"]["key"], None)
        ctx.store.touch()


@provider.on_group_delete(TYPE)
def _workspace_with_group(ctx: Context, record: dict) -> None:
    record["body"]["properties"]["provisioningState"] = "Succeeded"
    _soft_delete(ctx, record)


@provider.route("GET", OPERATION_STATUS)
def operation_status(ctx: Context) -> Response:
    op = lro.get(ctx, ctx.params["operationId"])
    if op is None or not op["kind"].startswith("machinelearning."):
        raise ArmError(404, "NotFound", f"The operation '{ctx.params['operationId']}' was not found.")
    if (ctx.param("type") or "").lower() == "location":

        def done(finished: dict) -> Response:
            record = ctx.store.get(finished["params"].get("id") or "")
            if finished["kind"] == "machinelearning.put" and record is not None:
                return Response(200, record["body"])
            return Response(200)

        return lro.location_poll(ctx, op, done, interval=POLL_INTERVAL)
    return lro.async_status(ctx, op, interval=POLL_INTERVAL)


def _listed(ctx: Context, records) -> Response:
    kind = ctx.param("kind")
    bodies = [r["body"] for r in records]
    if kind:
        bodies = [b for b in bodies if b.get("kind", "Default").lower() == kind.lower()]
    return ctx.paged(bodies, token_param="$skip")


@provider.route("GET", BASE + "/workspaces")
def list_by_group(ctx: Context) -> Response:
    return _listed(ctx, ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"]))


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces")
def list_by_subscription(ctx: Context) -> Response:
    return _listed(ctx, ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"]))
