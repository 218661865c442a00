"""Microsoft.ContainerRegistry registries: create (201 + ``Azure-AsyncOperation`` while ``Creating``, 200 when it
already exists), update (PATCH), delete (202 + Location), global case-insensitive names with ``AlreadyInUse``,
``checkNameAvailability``, server-filled defaults, and the Premium-only features refused on Basic and Standard."""

from __future__ import annotations

import re

from azure.mgmt.containerregistry import models as cr_models

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_same_location,
    check_tags,
    iso,
    new_guid,
    resource_not_found,
)
from ..config import TENANT_ID
from ..registry import Provider, check_delete_allowed
from ..sdk import versions
from ..validation import validate

API_VERSIONS = versions(
    (
        "2017-10-01", "2019-05-01", "2019-12-01-preview", "2020-11-01-preview", "2021-06-01-preview",
        "2021-08-01-preview", "2021-09-01", "2021-12-01-preview", "2022-02-01-preview", "2022-12-01",
        "2023-01-01-preview", "2023-06-01-preview", "2023-07-01", "2023-08-01-preview", "2023-11-01-preview",
        "2024-11-01-preview", "2025-03-01-preview", "2025-04-01", "2025-05-01-preview", "2025-06-01-preview",
        "2025-11-01",
    ),
    "azure.mgmt.containerregistry",
)  # fmt: skip

provider = Provider("Microsoft.ContainerRegistry", api_versions=API_VERSIONS)

TYPE = "Microsoft.ContainerRegistry/registries"
BASE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry"
REGISTRY = BASE + "/registries/{registryName}"
NAME_RULE = re.compile(r"[A-Za-z0-9]{5,50}")
CREATE_SECONDS = 15.0
DELETE_SECONDS = 10.0
CHECK_NAME_API = "https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability"


def name_invalid(name: str) -> str:
    return (
        f"Invalid resource name: '{name}'. Resource names may contain alpha numeric characters only and must be "
        "between 5 and 50 characters."
    )


def name_in_use(name: str) -> str:
    return (
        f"The registry DNS name {name.lower()}.azurecr.io is already in use. You can check if the name is already "
        f"claimed using following API: {CHECK_NAME_API}"
    )


def find_registry(ctx: Context, name: str) -> dict | None:
    """A registry of that name in any subscription (registry names are one global DNS namespace)."""
    for record in ctx.store.iter_resources(TYPE):
        if record["body"]["name"].lower() == name.lower():
            return record
    return None


def _registry_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.ContainerRegistry/registries/{p['registryName']}"
    )


def _get_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_registry_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["registryName"], ctx.params["resourceGroupName"])
    return record


# Premium-only features ------------------------------------------------------------------------------------------------
def check_sku_features(sku: str, props: dict) -> None:
    """Refuse what Basic and Standard registries cannot have, as the service does."""
    if sku == "Premium":
        return
    if sku == "Basic" and props.get("anonymousPullEnabled"):
        # Anonymous pull is a Standard and Premium feature (best knowledge of the code and wording).
        raise ArmError(
            400,
            "AnonymousPullNotSupported",
            f"Anonymous pull is not supported for the SKU {sku}. For more information, please visit "
            "https://aka.ms/acr/anonymous-pull-access.",
        )
    rules = props.get("networkRuleSet") or {}
    if str(rules.get("defaultAction") or "Allow").lower() == "deny" or rules.get("ipRules"):
        raise ArmError(
            400,
            "NetworkRuleNotSupported",
            f"Network rules are not supported for the SKU {sku}. For more information, please visit "
            "https://aka.ms/acr/vnet.",
        )
    if str(props.get("publicNetworkAccess") or "Enabled").lower() == "disabled":
        raise ArmError(
            400,
            "DisablingPublicNetworkAccessNotSupported",
            f"Disabling public network access is not supported for the SKU {sku}. For more information, please visit "
            "https://aka.ms/acr/private-link.",
        )
    export = ((props.get("policies") or {}).get("exportPolicy") or {}).get("status")
    if str(export or "enabled").lower() == "disabled":
        raise ArmError(
            400,
            "ExportPolicyNotSupported",
            f"Export policy is not supported for the SKU {sku}. For more information, please visit "
            "https://aka.ms/acr/export-policy.",
        )
    if props.get("dataEndpointEnabled"):
        raise ArmError(
            400,
            "DataEndpointNotSupported",
            f"Dedicated data endpoints are not supported for the SKU {sku}. For more information, please visit "
            "https://aka.ms/acr/dedicated-data-endpoints.",
        )


def check_export_policy(props: dict) -> None:
    export = ((props.get("policies") or {}).get("exportPolicy") or {}).get("status")
    if str(export or "enabled").lower() == "disabled" and str(props.get("publicNetworkAccess")).lower() != "disabled":
        raise ArmError(
            400,
            "ExportPolicyRequiresPublicNetworkAccessDisabled",
            "Export policy can only be disabled when public network access is disabled. In order to disable exports, "
            "set 'publicNetworkAccess' to 'Disabled'. Learn more at: https://aka.ms/acr/export-policy.",
        )


# bodies ---------------------------------------------------------------------------------------------------------------
def _defaults(name: str) -> dict:
    return {
        "loginServer": f"{name.lower()}.azurecr.io",
        "creationDate": iso(),
        "provisioningState": "Creating",
        "adminUserEnabled": False,
        "networkRuleSet": {"defaultAction": "Allow", "ipRules": []},
        "policies": {
            "quarantinePolicy": {"status": "disabled"},
            "trustPolicy": {"type": "Notary", "status": "disabled"},
            "retentionPolicy": {"days": 7, "lastUpdatedTime": iso(), "status": "disabled"},
            "exportPolicy": {"status": "enabled"},
            "azureADAuthenticationAsArmPolicy": {"status": "enabled"},
        },
        "encryption": {"status": "disabled"},
        "dataEndpointEnabled": False,
        "dataEndpointHostNames": [],
        "privateEndpointConnections": [],
        "publicNetworkAccess": "Enabled",
        "networkRuleBypassOptions": "AzureServices",
        "networkRuleBypassAllowedForTasks": False,
        "zoneRedundancy": "Disabled",
        "anonymousPullEnabled": False,
        "roleAssignmentMode": "LegacyRegistryPermissions",
    }


SETTABLE = (
    "adminUserEnabled",
    "dataEndpointEnabled",
    "publicNetworkAccess",
    "networkRuleBypassOptions",
    "networkRuleBypassAllowedForTasks",
    "anonymousPullEnabled",
    "roleAssignmentMode",
    "encryption",
)


def _merged(current: dict, update: dict, *, creating: bool) -> dict:
    """The properties after applying ``update``: only what was sent changes."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in current.items()}
    for key in SETTABLE:
        if update.get(key) is not None:
            out[key] = update[key]
    if update.get("networkRuleSet") is not None:
        rules = update["networkRuleSet"]
        out["networkRuleSet"] = {
            "defaultAction": rules.get("defaultAction") or "Allow",
            "ipRules": list(rules.get("ipRules") or []),
        }
    if update.get("policies") is not None:
        policies = {k: dict(v) for k, v in out["policies"].items()}
        for key, value in update["policies"].items():
            if isinstance(value, dict):
                policies.setdefault(key, {}).update({k: v for k, v in value.items() if v is not None})
                if key == "retentionPolicy":
                    policies[key]["lastUpdatedTime"] = iso()
        out["policies"] = policies
    if creating and update.get("zoneRedundancy") is not None:
        out["zoneRedundancy"] = update["zoneRedundancy"]
    return out


def _identity(identity: dict | None) -> dict | None:
    if not identity:
        return None
    out = dict(identity)
    kind = str(identity.get("type") or "None")
    if "systemassigned" in kind.lower().replace(" ", "").replace(",", ""):
        out.setdefault("principalId", new_guid())
        out["tenantId"] = TENANT_ID
    return out


def _sku(name: str) -> dict:
    return {"name": name, "tier": name}


def _operation_url(ctx: Context, rid: str, op: dict) -> str:
    return ctx.url(f"{rid}/operationStatuses/registries-{op['id']}")


# registries -----------------------------------------------------------------------------------------------------------
@provider.route("PUT", REGISTRY)
def create_registry(ctx: Context) -> Response:
    name = ctx.params["registryName"]
    if not NAME_RULE.fullmatch(name):
        raise ArmError(400, "ResourceNameInvalid", name_invalid(name))
    body = ctx.json()
    validate(body, cr_models.Registry, code="InvalidRequestContent")
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"))
    sku = next(s.value for s in cr_models.SkuName if s.value.lower() == body["sku"]["name"].lower())
    update = body.get("properties") or {}
    rid = _registry_id(ctx)
    existing = ctx.store.get(rid)
    if existing is not None:
        current = existing["body"]
        check_same_location(current, location, name, ctx.params["resourceGroupName"])
        props = _merged(current["properties"], update, creating=False)
        check_sku_features(sku, props)
        check_export_policy(props)
        current["properties"] = props
        current["sku"] = _sku(sku)
        current["tags"] = tags
        if body.get("identity") is not None:
            current["identity"] = _identity(body["identity"])
        current["systemData"] = ctx.system_data(current.get("systemData"))
        ctx.store.touch()
        if props.get("provisioningState") == "Failed":
            # the same PUT again repairs a failed registry: a new operation, Updating until it settles
            return _start_create(ctx, existing, 200, "Updating")
        return Response(200, current)

    if find_registry(ctx, name) is not None:
        raise ArmError(409, "AlreadyInUse", name_in_use(name))
    props = _merged(_defaults(name), update, creating=True)
    check_sku_features(sku, props)
    check_export_policy(props)
    registry = {
        "id": rid,
        "name": name,
        "type": TYPE,
        "location": location,
        "tags": tags,
        "sku": _sku(sku),
        "systemData": ctx.system_data(),
        "properties": props,
    }
    identity = _identity(body.get("identity"))
    if identity:
        registry["identity"] = identity
    record = ctx.store.put(rid, TYPE, registry, {})
    return _start_create(ctx, record, 201, "Creating")


def _start_create(ctx: Context, record: dict, status: int, state: str) -> Response:
    """Start the operation that provisions a registry; answer ``status`` with the registry in ``state`` and the
    ``Azure-AsyncOperation`` to poll."""
    rid = record["id"]
    record["body"]["properties"]["provisioningState"] = state
    op = lro.start(ctx, "containerregistry.create", typical_seconds=CREATE_SECONDS, params={"id": rid})
    answer = dict(record["body"], properties=dict(record["body"]["properties"], provisioningState=state))
    if op["status"] == "InProgress":
        record["internal"]["operation"] = op["id"]
    return Response(
        status,
        answer,
        {"Azure-AsyncOperation": _operation_url(ctx, rid, op), "Retry-After": lro.retry_after(ctx, op, 5)},
    )


@provider.completion("containerregistry.create")
def _created(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    record["internal"].pop("operation", None)
    record["body"]["properties"]["provisioningState"] = "Failed" if failed else "Succeeded"


@provider.route("GET", REGISTRY)
def get_registry(ctx: Context) -> Response:
    return Response(200, _get_or_404(ctx)["body"])


@provider.route("PATCH", REGISTRY)
def update_registry(ctx: Context) -> Response:
    record = _get_or_404(ctx)
    body = ctx.json()
    validate(body, cr_models.RegistryUpdateParameters, code="InvalidRequestContent")
    current = record["body"]
    sku = current["sku"]["name"]
    if (body.get("sku") or {}).get("name"):
        sku = next(s.value for s in cr_models.SkuName if s.value.lower() == body["sku"]["name"].lower())
    props = _merged(current["properties"], body.get("properties") or {}, creating=False)
    check_sku_features(sku, props)
    check_export_policy(props)
    current["properties"] = props
    current["sku"] = _sku(sku)
    if body.get("tags") is not None:
        current["tags"] = check_tags(body["tags"])
    if body.get("identity") is not None:
        current["identity"] = _identity(body["identity"])
    current["systemData"] = ctx.system_data(current.get("systemData"))
    ctx.store.touch()
    return Response(200, current)


@provider.route("DELETE", REGISTRY)
def delete_registry(ctx: Context) -> Response:
    record = ctx.store.get(_registry_id(ctx))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    record["body"]["properties"]["provisioningState"] = "Deleting"
    op = lro.start(ctx, "containerregistry.delete", typical_seconds=DELETE_SECONDS, params={"id": record["id"]})
    return lro.accepted(ctx, op, _operation_url(ctx, record["id"], op), interval=5)


@provider.completion("containerregistry.delete")
def _deleted(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    if failed:
        record["body"]["properties"]["provisioningState"] = "Succeeded"
        return
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)


@provider.route("GET", REGISTRY + "/operationStatuses/{operationId}")
def operation_status(ctx: Context) -> Response:
    op_id = ctx.params["operationId"]
    op = lro.get(ctx, op_id[len("registries-") :] if op_id.lower().startswith("registries-") else op_id)
    if op is None or not op["kind"].startswith("containerregistry."):
        raise ArmError(404, "OperationNotFound", f"The operation '{op_id}' could not be found.")
    if op["kind"] == "containerregistry.delete":
        return lro.location_poll(ctx, op, lambda _: Response(200), interval=5)
    return lro.async_status(ctx, op, interval=5)


@provider.route("GET", BASE + "/registries")
def list_by_group(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(r["body"] for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/registries")
def list_by_subscription(ctx: Context) -> Response:
    return ctx.paged(r["body"] for r in ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"]))


@provider.route("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/checkNameAvailability")
def check_name(ctx: Context) -> Response:
    body = ctx.json()
    validate(body, cr_models.RegistryNameCheckRequest, code="InvalidRequestContent")
    if str(body.get("type") or "").lower() != TYPE.lower():
        raise ArmError(
            400,
            "InvalidRequestContent",
            f"The resource type '{body.get('type')}' is not valid. Use '{TYPE}'.",
        )
    name = body["name"]
    if not NAME_RULE.fullmatch(name):
        return Response(200, {"nameAvailable": False, "reason": "Invalid", "message": name_invalid(name)})
    if find_registry(ctx, name) is not None:
        return Response(
            200,
            {"nameAvailable": False, "reason": "AlreadyExists", "message": f"The registry {name} is already in use."},
        )
    return Response(200, {"nameAvailable": True})
