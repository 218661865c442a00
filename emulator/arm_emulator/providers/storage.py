"""Microsoft.Storage: storage accounts (create = 202 + Location LRO), blob service properties, blob containers,
``checkNameAvailability``, global names, one-way kind upgrades."""

from __future__ import annotations

import base64
import re
import secrets

from azure.mgmt.storage import models as st_models

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_tags,
    ipv4_rule,
    iso,
    new_guid,
    parent_not_found,
    private_range,
)
from ..config import PAIRED
from ..registry import Provider, check_delete_allowed, check_subnet_rules
from ..sdk import versions
from ..validation import validate

API_VERSIONS = versions(
    (
        "2019-06-01",
        "2021-01-01",
        "2021-02-01",
        "2021-04-01",
        "2021-06-01",
        "2021-08-01",
        "2021-09-01",
        "2022-05-01",
        "2022-09-01",
        "2023-01-01",
        "2023-04-01",
        "2023-05-01",
        "2024-01-01",
        "2025-01-01",
        "2025-06-01",
    ),
    "azure.mgmt.storage",
)

provider = Provider("Microsoft.Storage", api_versions=API_VERSIONS)

TYPE = "Microsoft.Storage/storageAccounts"
SERVICE_TYPE = "Microsoft.Storage/storageAccounts/blobServices"
CONTAINER_TYPE = "Microsoft.Storage/storageAccounts/blobServices/containers"
ACCOUNT = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/"
    "storageAccounts/{accountName}"
)
NAME_RULE = re.compile(r"[a-z0-9]{3,24}")
CONTAINER_RULE = re.compile(r"[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]")
CREATE_SECONDS = 25.0
STORAGE_TAG_NAME_MAX = 128  # a storage account's tag names are shorter than ARM's 512
POLL_INTERVAL = 17.0  # what the storage resource provider sends
GEO = {"Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"}
#: sku changes an update can make (the rest need a migration or a new account)
SKU_CHANGES = {
    frozenset({"Standard_LRS", "Standard_GRS"}),
    frozenset({"Standard_LRS", "Standard_RAGRS"}),
    frozenset({"Standard_GRS", "Standard_RAGRS"}),
    frozenset({"Standard_ZRS", "Standard_GZRS"}),
    frozenset({"Standard_ZRS", "Standard_RAGZRS"}),
    frozenset({"Standard_GZRS", "Standard_RAGZRS"}),
}
#: one-way kind upgrades to general purpose v2
KIND_UPGRADES = {("Storage", "StorageV2"), ("BlobStorage", "StorageV2")}


def name_invalid(name: str) -> str:
    return (
        f"{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters "
        "in length and use numbers and lower-case letters only."
    )


def _account_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.Storage/storageAccounts/{p['accountName']}"
    )


def find_account(ctx: Context, name: str) -> dict | None:
    for record in ctx.store.iter_resources(TYPE):
        if record["body"]["name"].lower() == name.lower():
            return record
    return None


def _account_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_account_id(ctx))
    if record is None:
        # the storage resource provider's own answer, not ARM's generic ResourceNotFound
        raise ArmError(404, "StorageAccountNotFound", f"The storage account {ctx.params['accountName']} was not found.")
    return record


def _parent_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_account_id(ctx))
    if record is None or record["body"]["properties"].get("provisioningState") != "Succeeded":
        raise parent_not_found(TYPE, ctx.params["accountName"])
    return record


def _tier(sku_name: str) -> str:
    return "Premium" if sku_name.startswith("Premium") else "Standard"


def _defaults_for(ctx: Context, kind: str) -> dict:
    """Server-side defaults that depend on the api-version the account was created with."""
    api = ctx.api_version or ""
    out = {"supportsHttpsTrafficOnly": api >= "2019-04-01", "minimumTlsVersion": "TLS1_0"}
    if api >= "2023-01-01":
        out["allowBlobPublicAccess"] = False
        out["allowCrossTenantReplication"] = False
    else:
        out["allowBlobPublicAccess"] = True
    if kind in ("StorageV2", "BlobStorage"):
        out["accessTier"] = "Hot"
    return out


def _endpoints(name: str, kind: str, suffix: str = "") -> dict:
    host = f"{name}{suffix}"
    if kind == "BlobStorage":
        return {
            "blob": f"https://{host}.blob.core.windows.net/",
            "dfs": f"https://{host}.dfs.core.windows.net/",
            "table": f"https://{host}.table.core.windows.net/",
        }
    if kind == "FileStorage":
        return {"file": f"https://{host}.file.core.windows.net/"}
    if kind == "BlockBlobStorage":
        return {
            "blob": f"https://{host}.blob.core.windows.net/",
            "dfs": f"https://{host}.dfs.core.windows.net/",
            "web": f"https://{host}.z6.web.core.windows.net/",
        }
    out = {k: f"https://{host}.{k}.core.windows.net/" for k in ("blob", "queue", "table", "file")}
    if kind == "StorageV2":
        out["dfs"] = f"https://{host}.dfs.core.windows.net/"
        out["web"] = f"https://{host}.z6.web.core.windows.net/"
    return out


def _geo(props: dict, name: str, kind: str, sku: str, location: str) -> None:
    for key in ("secondaryLocation", "statusOfSecondary", "secondaryEndpoints"):
        props.pop(key, None)
    if sku in GEO:
        props["secondaryLocation"] = PAIRED.get(location, location)
        props["statusOfSecondary"] = "available"
        if sku.startswith("Standard_RA"):
            props["secondaryEndpoints"] = _endpoints(name, kind, "-secondary")


SETTABLE = (
    "accessTier",
    "allowBlobPublicAccess",
    "allowSharedKeyAccess",
    "allowCrossTenantReplication",
    "defaultToOAuthAuthentication",
    "isHnsEnabled",
    "isSftpEnabled",
    "isLocalUserEnabled",
    "isNfsV3Enabled",
    "largeFileSharesState",
    "minimumTlsVersion",
    "publicNetworkAccess",
    "routingPreference",
    "customDomain",
    "azureFilesIdentityBasedAuthentication",
    "immutableStorageWithVersioning",
    "keyPolicy",
    "sasPolicy",
    "dnsEndpointType",
    "allowedCopyScope",
)


IP_RULE_INVALID = (
    "Values for request parameters are invalid: networkAcls.ipRule[*].value. For more information, see - "
    "https://aka.ms/storagenetworkruleset"
)


def _check_ip_rules(rules: list | None) -> None:
    """Storage takes public IPv4 addresses and ranges of prefix /0 to /30 only (no /31 or /32, no RFC 1918 range)."""
    for rule in rules or []:
        network = ipv4_rule((rule or {}).get("value"), max_prefix=30)
        if network is None or private_range(network) is not None:
            raise ArmError(400, "InvalidValuesForRequestParameters", IP_RULE_INVALID)


def _check_props(ctx: Context, props: dict) -> None:
    acls = props.get("networkAcls")
    if acls:
        _check_ip_rules(acls.get("ipRules"))
        check_subnet_rules(ctx, acls.get("virtualNetworkRules"), "Microsoft.Storage")
    if "supportsHttpsTrafficOnly" in props and props["supportsHttpsTrafficOnly"] is None:
        del props["supportsHttpsTrafficOnly"]


def _apply(props: dict, update: dict, *, name: str, kind: str) -> None:
    for key in SETTABLE:
        if update.get(key) is not None:
            props[key] = update[key]
    if update.get("supportsHttpsTrafficOnly") is not None:
        props["supportsHttpsTrafficOnly"] = update["supportsHttpsTrafficOnly"]
    if update.get("networkAcls") is not None:
        acls = update["networkAcls"]
        props["networkAcls"] = {
            "bypass": acls.get("bypass") or "AzureServices",
            "virtualNetworkRules": [
                {"id": r["id"], "action": r.get("action") or "Allow", "state": "Succeeded"}
                for r in acls.get("virtualNetworkRules") or []
            ],
            "ipRules": [{"value": r["value"], "action": r.get("action") or "Allow"} for r in acls.get("ipRules") or []],
            "ipv6Rules": acls.get("ipv6Rules") or [],
            "defaultAction": acls.get("defaultAction") or "Allow",
        }
        if acls.get("resourceAccessRules"):
            props["networkAcls"]["resourceAccessRules"] = acls["resourceAccessRules"]
    if update.get("encryption") is not None:
        enc = update["encryption"]
        props["encryption"]["keySource"] = enc.get("keySource") or props["encryption"]["keySource"]
        if enc.get("requireInfrastructureEncryption") is not None:
            props["encryption"]["requireInfrastructureEncryption"] = enc["requireInfrastructureEncryption"]
        if enc.get("keyvaultproperties") is not None:
            props["encryption"]["keyvaultproperties"] = enc["keyvaultproperties"]


def _check_kind_and_sku(current: dict, kind: str | None, sku: str | None) -> None:
    if kind and kind != current["kind"] and (current["kind"], kind) not in KIND_UPGRADES:
        raise ArmError(
            400,
            "InvalidValuesForRequestParameters",
            f"Values for request parameters are invalid: kind. The account kind can only be upgraded from "
            f"Storage or BlobStorage to StorageV2; '{current['kind']}' cannot be changed to '{kind}'.",
        )
    old = current["sku"]["name"]
    if sku and sku != old and frozenset({old, sku}) not in SKU_CHANGES:
        raise ArmError(
            400,
            "InvalidValuesForRequestParameters",
            f"Values for request parameters are invalid: sku. Changing '{old}' to '{sku}' needs a "
            "conversion or a new account.",
        )


# accounts -------------------------------------------------------------------------------------------------------------
@provider.route("PUT", ACCOUNT)
def create_account(ctx: Context) -> Response:
    name = ctx.params["accountName"]
    if not NAME_RULE.fullmatch(name):
        raise ArmError(400, "AccountNameInvalid", name_invalid(name), target=name)
    body = ctx.json()
    validate(
        body,
        st_models.StorageAccountCreateParameters,
        code="InvalidRequestPropertyValue",
        missing_code="MissingRequiredProperty",
    )
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"), name_max=STORAGE_TAG_NAME_MAX)
    kind = body["kind"]
    sku = body["sku"]["name"]
    update = body.get("properties") or {}
    _check_props(ctx, update)
    rid = _account_id(ctx)
    existing = ctx.store.get(rid)
    if existing is not None:
        account = existing["body"]
        if account["properties"]["provisioningState"] != "Succeeded":
            raise ArmError(
                409,
                "StorageAccountOperationInProgress",
                "An operation is currently performing on this storage account that requires exclusive access.",
            )
        if location != account["location"]:
            raise ArmError(
                409,
                "StorageAccountLocationChangeNotAllowed",
                f"The location of storage account '{name}' cannot be changed.",
            )
        _check_kind_and_sku(account, kind, sku)
        account["kind"], account["sku"] = kind, {"name": sku, "tier": _tier(sku)}
        account["tags"] = tags
        _apply(account["properties"], update, name=name, kind=kind)
        _geo(account["properties"], name, kind, sku, location)
        ctx.store.touch()
        return Response(200, account)
    other = find_account(ctx, name)
    if other is not None:
        if other["id"].split("/")[2].lower() == ctx.params["subscriptionId"].lower():
            raise ArmError(
                409,
                "StorageAccountAlreadyExists",
                f"The storage account named {name} already exists under the subscription.",
            )
        raise ArmError(
            409, "StorageAccountAlreadyTaken", f"The storage account named {name} is already taken.", target=name
        )
    now = iso()
    props = _defaults_for(ctx, kind)
    props.update(
        {
            "dnsEndpointType": "Standard",
            "keyCreationTime": {"key1": now, "key2": now},
            "privateEndpointConnections": [],
            "networkAcls": {
                "ipv6Rules": [],
                "bypass": "AzureServices",
                "virtualNetworkRules": [],
                "ipRules": [],
                "defaultAction": "Allow",
            },
            "encryption": {
                "requireInfrastructureEncryption": False,
                "services": {
                    "file": {"keyType": "Account", "enabled": True, "lastEnabledTime": now},
                    "blob": {"keyType": "Account", "enabled": True, "lastEnabledTime": now},
                },
                "keySource": "Microsoft.Storage",
            },
            "provisioningState": "Creating",
            "creationTime": now,
            "primaryEndpoints": _endpoints(name, kind),
            "primaryLocation": location,
            "statusOfPrimary": "available",
        }
    )
    _apply(props, update, name=name, kind=kind)
    _geo(props, name, kind, sku, location)
    account = {
        "sku": {"name": sku, "tier": _tier(sku)},
        "kind": kind,
        "id": rid,
        "name": name,
        "type": TYPE,
        "location": location,
        "tags": tags,
        "properties": props,
    }
    if body.get("identity") is not None:
        account["identity"] = dict(body["identity"], principalId=new_guid(), tenantId=ctx.claims.get("tid"))
    ctx.store.put(rid, TYPE, account, {})
    op = lro.start(ctx, "storage.create", typical_seconds=CREATE_SECONDS, params={"id": rid})
    location_url = ctx.url(
        f"/subscriptions/{ctx.params['subscriptionId']}/providers/Microsoft.Storage/locations/"
        f"{location}/asyncoperations/{op['id']}",
        monitor="true",
    )
    return lro.accepted(ctx, op, location_url, interval=POLL_INTERVAL)


@provider.completion("storage.create")
def _created(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    if failed:
        ctx.store.remove(record["id"])  # the service rolls a failed create back: the account does not exist
        return
    record["body"]["properties"]["provisioningState"] = "Succeeded"
    service_id = record["id"] + "/blobServices/default"
    ctx.store.put(
        service_id,
        SERVICE_TYPE,
        {
            "sku": record["body"]["sku"],
            "id": service_id,
            "name": "default",
            "type": SERVICE_TYPE,
            "properties": {
                "cors": {"corsRules": []},
                "deleteRetentionPolicy": {"allowPermanentDelete": False, "enabled": False},
            },
        },
    )


@provider.route(
    "GET",
    "/subscriptions/{subscriptionId}/providers/Microsoft.Storage/locations/{location}/asyncoperations/{operationId}",
)
def async_operation(ctx: Context) -> Response:
    op = lro.get(ctx, ctx.params["operationId"])
    if op is None:
        raise ArmError(404, "OperationNotFound", f"The operation '{ctx.params['operationId']}' was not found.")

    def done(finished: dict) -> Response:
        record = ctx.store.get(finished["params"]["id"])
        if record is None:
            return Response(204)
        return Response(200, record["body"])

    # The storage resource provider answers a failed operation 200 {"status": "Failed", "error"} (not an error
    # status), and the account it could not create is gone: see the README.
    return lro.location_poll(ctx, op, done, interval=POLL_INTERVAL, failure_style="status")


@provider.route("GET", ACCOUNT)
def get_account(ctx: Context) -> Response:
    record = _account_or_404(ctx)
    return Response(200, record["body"])


@provider.route("PATCH", ACCOUNT)
def update_account(ctx: Context) -> Response:
    record = _account_or_404(ctx)
    account = record["body"]
    if account["properties"]["provisioningState"] != "Succeeded":
        raise ArmError(
            409,
            "StorageAccountOperationInProgress",
            "An operation is currently performing on this storage account that requires exclusive access.",
        )
    body = ctx.json()
    validate(body, st_models.StorageAccountUpdateParameters, code="InvalidRequestPropertyValue")
    kind = body.get("kind")
    sku = (body.get("sku") or {}).get("name")
    _check_kind_and_sku(account, kind, sku)
    update = body.get("properties") or {}
    _check_props(ctx, update)
    if kind and kind != account["kind"]:
        account["kind"] = kind
        account["properties"]["primaryEndpoints"] = _endpoints(account["name"], kind)
        account["properties"].setdefault("accessTier", "Hot")
    if sku:
        account["sku"] = {"name": sku, "tier": _tier(sku)}
    if body.get("tags") is not None:
        account["tags"] = check_tags(body["tags"], name_max=STORAGE_TAG_NAME_MAX)
    _apply(account["properties"], update, name=account["name"], kind=account["kind"])
    _geo(account["properties"], account["name"], account["kind"], account["sku"]["name"], account["location"])
    ctx.store.touch()
    return Response(200, account)


@provider.route("DELETE", ACCOUNT)
def delete_account(ctx: Context) -> Response:
    record = ctx.store.get(_account_id(ctx))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


def _new_key() -> str:
    """An account access key as the service hands them out: 64 random bytes, base64 (88 characters)."""
    return base64.b64encode(secrets.token_bytes(64)).decode("ascii")


@provider.route("POST", ACCOUNT + "/listKeys")
def list_keys(ctx: Context) -> Response:
    """``StorageAccounts_ListKeys``: the two access keys (``FULL``). The account keeps them whether or not it allows
    Shared Key authorization (``allowSharedKeyAccess: false`` refuses their use on the data plane, not their
    listing). No Kerberos keys: the emulator has no Active Directory Domain Services, so ``$expand=kerb`` adds none."""
    record = _account_or_404(ctx)
    account = record["body"]
    if account["properties"].get("provisioningState") != "Succeeded":
        raise ArmError(
            409,
            "StorageAccountIsNotProvisioned",
            "The storage account provisioning state must be 'Succeeded' before executing the operation.",
        )
    keys = record["internal"].get("keys")
    if keys is None:
        keys = record["internal"]["keys"] = {"key1": _new_key(), "key2": _new_key()}
        ctx.store.touch()
    created = account["properties"].get("keyCreationTime") or {}
    return Response(
        200,
        {
            "keys": [
                {"keyName": name, "value": keys[name], "permissions": "FULL", "creationTime": created.get(name)}
                for name in ("key1", "key2")
            ]
        },
    )


@provider.route(
    "GET",
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts",
)
def list_by_group(ctx: Context) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], ctx.params["resourceGroupName"])
    return ctx.paged(r["body"] for r in records)


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts")
def list_by_subscription(ctx: Context) -> Response:
    return ctx.paged(r["body"] for r in ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"]))


@provider.route("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.Storage/checkNameAvailability")
def check_name(ctx: Context) -> Response:
    body = ctx.json()
    validate(body, st_models.StorageAccountCheckNameAvailabilityParameters, code="InvalidRequestPropertyValue")
    if body["type"].lower() != TYPE.lower():
        raise ArmError(400, "InvalidResourceType", f"The resource type '{body['type']}' is not valid. Use '{TYPE}'.")
    name = body["name"]
    if not NAME_RULE.fullmatch(name):
        return Response(200, {"nameAvailable": False, "reason": "AccountNameInvalid", "message": name_invalid(name)})
    if find_account(ctx, name) is not None:
        return Response(
            200,
            {
                "nameAvailable": False,
                "reason": "AlreadyExists",
                "message": f"The storage account named {name} is already taken.",
            },
        )
    return Response(200, {"nameAvailable": True})


# blob service properties ----------------------------------------------------------------------------------------------
SERVICE = ACCOUNT + "/blobServices/{blobServicesName}"


def _service(ctx: Context) -> dict:
    account = _parent_or_404(ctx)
    if ctx.params["blobServicesName"] != "default":
        raise ArmError(400, "InvalidResourceName", "The blob service name must be 'default'.")
    record = ctx.store.get(account["id"] + "/blobServices/default")
    return record


def _check_retention(policy: dict | None, path: str) -> None:
    if not policy:
        return
    if policy.get("enabled"):
        days = policy.get("days")
        if days is None or not 1 <= days <= 365:
            raise ArmError(
                400,
                "InvalidRequestPropertyValue",
                f"The value of '{path}.days' must be between 1 and 365 when the policy is enabled.",
            )


@provider.route("GET", SERVICE)
def get_service(ctx: Context) -> Response:
    return Response(200, _service(ctx)["body"])


@provider.route("PUT", SERVICE)
def set_service(ctx: Context) -> Response:
    record = _service(ctx)
    account = ctx.store.get(_account_id(ctx))["body"]
    body = ctx.json()
    validate(body, st_models.BlobServiceProperties, code="InvalidRequestPropertyValue")
    props = body.get("properties") or {}
    if account["kind"] not in ("StorageV2", "BlobStorage", "BlockBlobStorage") and (
        props.get("isVersioningEnabled")
        or (props.get("containerDeleteRetentionPolicy") or {}).get("enabled")
        or props.get("changeFeed")
    ):
        raise ArmError(
            409, "OperationNotAllowedOnKind", f"The operation is not allowed on the account kind '{account['kind']}'."
        )
    _check_retention(props.get("deleteRetentionPolicy"), "properties.deleteRetentionPolicy")
    _check_retention(props.get("containerDeleteRetentionPolicy"), "properties.containerDeleteRetentionPolicy")
    current = record["body"]["properties"]
    for key, value in props.items():
        if value is not None:
            current[key] = value
    ctx.store.touch()
    return Response(200, record["body"])


@provider.route("GET", ACCOUNT + "/blobServices")
def list_services(ctx: Context) -> Response:
    account = _parent_or_404(ctx)
    record = ctx.store.get(account["id"] + "/blobServices/default")
    return Response(200, {"value": [record["body"]]})


# blob containers ------------------------------------------------------------------------------------------------------
CONTAINER = SERVICE + "/containers/{containerName}"


def _container_id(ctx: Context) -> str:
    return _account_id(ctx) + "/blobServices/default/containers/" + ctx.params["containerName"]


def _check_container_name(name: str) -> None:
    if not 3 <= len(name) <= 63:
        raise ArmError(
            400, "OutOfRangeInput", "The specified resource name length is not within the permissible limits."
        )
    if not CONTAINER_RULE.fullmatch(name):
        raise ArmError(400, "InvalidResourceName", "The specifed resource name contains invalid characters.")


def _check_public_access(ctx: Context, account: dict, props: dict) -> None:
    access = props.get("publicAccess")
    if access and access != "None" and not account["properties"].get("allowBlobPublicAccess", True):
        raise ArmError(
            409,
            "PublicAccessNotPermitted",
            f"Public access is not permitted on this storage account.\nRequestId:{ctx.request_id}\nTime:{iso()}",
        )


def _container_body(record: dict) -> dict:
    return record["body"]


@provider.route("PUT", CONTAINER)
def create_container(ctx: Context) -> Response:
    account = _parent_or_404(ctx)["body"]
    _check_container_name(ctx.params["containerName"])
    body = ctx.json(required=False) or {}
    validate(body, st_models.BlobContainer, code="InvalidRequestPropertyValue")
    props = body.get("properties") or {}
    _check_public_access(ctx, account, props)
    rid = _container_id(ctx)
    existing = ctx.store.get(rid)
    now = iso()
    if existing is not None:
        current = existing["body"]["properties"]
        for key in ("publicAccess", "metadata", "defaultEncryptionScope", "denyEncryptionScopeOverride"):
            if props.get(key) is not None:
                current[key] = props[key]
        current["lastModifiedTime"] = now
        existing["body"]["etag"] = f'"0x{new_guid().replace("-", "")[:15].upper()}"'
        ctx.store.touch()
        return Response(200, existing["body"])
    container = {
        "id": rid,
        "name": ctx.params["containerName"],
        "type": CONTAINER_TYPE,
        "etag": f'"0x{new_guid().replace("-", "")[:15].upper()}"',
        "properties": {
            "deleted": False,
            "remainingRetentionDays": 0,
            "defaultEncryptionScope": props.get("defaultEncryptionScope") or "$account-encryption-key",
            "denyEncryptionScopeOverride": bool(props.get("denyEncryptionScopeOverride", False)),
            "publicAccess": props.get("publicAccess") or "None",
            "leaseStatus": "Unlocked",
            "leaseState": "Available",
            "lastModifiedTime": now,
            "hasImmutabilityPolicy": False,
            "hasLegalHold": False,
        },
    }
    if props.get("metadata"):
        container["properties"]["metadata"] = props["metadata"]
    ctx.store.put(rid, CONTAINER_TYPE, container)
    return Response(201, container)


def _container_or_404(ctx: Context) -> dict:
    _parent_or_404(ctx)
    record = ctx.store.get(_container_id(ctx))
    if record is None:
        raise ArmError(
            404,
            "ContainerNotFound",
            f"The specified container does not exist.\nRequestId:{ctx.request_id}\nTime:{iso()}",
        )
    return record


@provider.route("GET", CONTAINER)
def get_container(ctx: Context) -> Response:
    return Response(200, _container_or_404(ctx)["body"])


@provider.route("PATCH", CONTAINER)
def update_container(ctx: Context) -> Response:
    account = _parent_or_404(ctx)["body"]
    record = _container_or_404(ctx)
    body = ctx.json(required=False) or {}
    validate(body, st_models.BlobContainer, code="InvalidRequestPropertyValue")
    props = body.get("properties") or {}
    _check_public_access(ctx, account, props)
    current = record["body"]["properties"]
    for key in ("publicAccess", "metadata"):
        if props.get(key) is not None:
            current[key] = props[key]
    current["lastModifiedTime"] = iso()
    ctx.store.touch()
    return Response(200, record["body"])


@provider.route("DELETE", CONTAINER)
def delete_container(ctx: Context) -> Response:
    _parent_or_404(ctx)
    record = ctx.store.get(_container_id(ctx))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


@provider.route("GET", SERVICE + "/containers")
def list_containers(ctx: Context) -> Response:
    account = _parent_or_404(ctx)
    prefix = account["id"] + "/blobServices/default/containers/"
    items = []
    for record in ctx.store.descendants(account["id"]):
        if record["type"] == CONTAINER_TYPE and record["id"].lower().startswith(prefix.lower()):
            items.append(record["body"])
    return ctx.paged(items)
