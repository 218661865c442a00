"""Microsoft.KeyVault vaults: create (200 + provisioningState RegisteringDns), update, soft delete, deleted vaults,
recover through ``createMode: recover``, purge as a Location operation, global names, irreversible settings."""

from __future__ import annotations

import datetime
import re
import time

from azure.mgmt.keyvault import models as kv_models

from .. import lro
from ..arm import (
    ArmError,
    Context,
    Response,
    check_location,
    check_tags,
    ipv4_rule,
    iso,
    parse_id,
    private_range,
    resource_not_found,
)
from ..config import TENANT_ID
from ..registry import Provider, check_delete_allowed, check_subnet_rules
from ..sdk import versions
from ..validation import validate

API_VERSIONS = versions(
    (
        "2016-10-01",
        "2018-02-14",
        "2019-09-01",
        "2021-04-01-preview",
        "2021-06-01-preview",
        "2021-10-01",
        "2021-11-01-preview",
        "2022-02-01-preview",
        "2022-07-01",
        "2022-11-01",
        "2023-02-01",
        "2023-07-01",
        "2023-08-01-preview",
        "2024-04-01-preview",
        "2024-11-01",
        "2024-12-01-preview",
        "2025-05-01",
    ),
    "azure.mgmt.keyvault",
)

provider = Provider("Microsoft.KeyVault", api_versions=API_VERSIONS)

TYPE = "Microsoft.KeyVault/vaults"
VAULT = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}"
)
LOCATION_BASE = "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/locations/{location}"
DELETED = "keyvault.deleted"  # collection: lower-case name -> deleted vault record
NAME_RULE = re.compile(r"(?!.*--)[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]")
REGISTER_DNS_SECONDS = 20.0
PURGE_SECONDS = 30.0
RBAC_DEFAULT_FROM = "2026-02-01"  # from this api-version on, new vaults default to Azure RBAC

SOFT_DELETE_LINK = "https://go.microsoft.com/fwlink/?linkid=2149745"


def name_invalid(name: str) -> str:
    return (
        f"The vault name '{name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The "
        "name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Follow "
        "this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742"
    )


def name_taken(name: str) -> str:
    return (
        f"The vault name '{name}' is already in use. Vault names are globally unique so it is possible that the "
        "name is already taken. If you are sure that the vault name was not taken then it is possible that a vault "
        "with the same name was recently deleted but not purged after being placed in a recoverable state. If the "
        "vault is in a recoverable state then the vault will need to be purged before reusing the name. For more "
        "information on VaultAlreadyExists, soft delete and purging a vault follow this link "
        "https://go.microsoft.com/fwlink/?linkid=2147740."
    )


def valid_name(name: str) -> bool:
    return bool(NAME_RULE.fullmatch(name))


# lookups --------------------------------------------------------------------------------------------------------------
def active_vault(ctx: Context, name: str) -> dict | None:
    for record in ctx.store.iter_resources(TYPE):
        if record["body"]["name"].lower() == name.lower():
            return record
    return None


def deleted_vaults(ctx: Context) -> dict:
    coll = ctx.store.collection(DELETED)
    now = time.time()
    for key in [k for k, v in coll.items() if v["internal"]["purge_at"] <= now]:
        del coll[key]  # the service purges a soft-deleted vault at its scheduled purge date
        ctx.store.touch()
    return coll


def _deleted_public(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "internal"}


# validation of properties ---------------------------------------------------------------------------------------------
def _bad(message: str) -> ArmError:
    return ArmError(400, "BadRequest", message)


def check_irreversible(ctx: Context, props: dict, current: dict | None) -> None:
    if props.get("enablePurgeProtection") is False:
        raise _bad(
            'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a '
            "vault is an irreversible action."
        )
    if props.get("enableSoftDelete") is False:
        raise _bad(
            'The property "enableSoftDelete" cannot be set to false. Enabling the soft delete for a vault is an '
            "irreversible action. Soft delete can no longer be disabled on key vaults."
        )
    days = props.get("softDeleteRetentionInDays")
    if days is not None:
        if current is None:
            if not 7 <= days <= 90:
                raise _bad(
                    'The value of the property "softDeleteRetentionInDays" is invalid. It must be an integer '
                    "between 7 and 90."
                )
        elif days != current.get("softDeleteRetentionInDays"):
            raise _bad(
                'The property "softDeleteRetentionInDays" cannot be changed after the vault has been created. '
                "The retention period is set once, when soft delete is enabled."
            )
    tenant = props.get("tenantId")
    if tenant is not None and str(tenant).lower() != TENANT_ID:
        raise _bad(
            f"The tenant id '{tenant}' is not valid for this subscription. The vault must belong to the tenant "
            f"'{TENANT_ID}'."
        )
    acls = props.get("networkAcls")
    if acls:
        _check_ip_rules(acls.get("ipRules"))
        check_subnet_rules(ctx, acls.get("virtualNetworkRules"), "Microsoft.KeyVault")


def _check_ip_rules(rules: list | None) -> None:
    """Key Vault takes public IPv4 addresses and ranges (a single address is kept as ``/32``), no RFC 1918 range."""
    for index, rule in enumerate(rules or []):
        value = (rule or {}).get("value")
        where = f"Invalid value found at properties.networkAcls.ipRules[{index}].value: "
        network = ipv4_rule(value)
        if network is None:
            raise _bad(f"{where}'{value}' is not a valid IPv4 address or CIDR range.")
        private = private_range(network)
        if private is not None:
            raise _bad(
                f"{where}{value} belongs to forbidden range {private.network_address}\u2013"
                f"{private.broadcast_address} (private IP addresses)"
            )


def _ip_rule_value(value: str) -> str:
    """The service answers a single address as ``a.b.c.d/32``."""
    return value if "/" in value else f"{value}/32"


def _defaults(ctx: Context, name: str, props: dict) -> dict:
    out = {
        "sku": props.get("sku"),
        "tenantId": props.get("tenantId"),
        "accessPolicies": props.get("accessPolicies") or [],
        "enabledForDeployment": bool(props.get("enabledForDeployment", False)),
        "enabledForDiskEncryption": bool(props.get("enabledForDiskEncryption", False)),
        "enabledForTemplateDeployment": bool(props.get("enabledForTemplateDeployment", False)),
        "enableSoftDelete": True,
        "softDeleteRetentionInDays": props.get("softDeleteRetentionInDays") or 90,
        "enableRbacAuthorization": props.get("enableRbacAuthorization", (ctx.api_version or "") >= RBAC_DEFAULT_FROM),
        "vaultUri": f"https://{name}.vault.azure.net/",
        "provisioningState": "RegisteringDns",
        "publicNetworkAccess": props.get("publicNetworkAccess") or "Enabled",
    }
    if props.get("enablePurgeProtection"):
        out["enablePurgeProtection"] = True
    if props.get("networkAcls") is not None:
        out["networkAcls"] = _network_acls(props["networkAcls"])
    return out


def _network_acls(acls: dict) -> dict:
    return {
        "bypass": acls.get("bypass") or "AzureServices",
        "defaultAction": acls.get("defaultAction") or "Allow",
        "ipRules": [{"value": _ip_rule_value(r["value"])} for r in acls.get("ipRules") or []],
        "virtualNetworkRules": [
            {"id": r["id"], "ignoreMissingVnetServiceEndpoint": bool(r.get("ignoreMissingVnetServiceEndpoint"))}
            for r in acls.get("virtualNetworkRules") or []
        ],
    }


def _apply(current: dict, props: dict) -> None:
    """Copy settable properties onto the vault (immutable ones were checked before)."""
    for key in (
        "sku",
        "accessPolicies",
        "enabledForDeployment",
        "enabledForDiskEncryption",
        "enabledForTemplateDeployment",
        "enableRbacAuthorization",
        "publicNetworkAccess",
    ):
        if props.get(key) is not None:
            current[key] = props[key]
    if props.get("enablePurgeProtection"):
        current["enablePurgeProtection"] = True
    if props.get("networkAcls") is not None:
        current["networkAcls"] = _network_acls(props["networkAcls"])


def _vault_id(ctx: Context) -> str:
    p = ctx.params
    return (
        f"/subscriptions/{p['subscriptionId']}/resourceGroups/{p['resourceGroupName']}/providers/"
        f"Microsoft.KeyVault/vaults/{p['vaultName']}"
    )


def _get_or_404(ctx: Context) -> dict:
    record = ctx.store.get(_vault_id(ctx))
    if record is None:
        raise resource_not_found(TYPE, ctx.params["vaultName"], ctx.params["resourceGroupName"])
    return record


def _answer(record: dict, status: int = 200, ctx: Context | None = None) -> Response:
    headers = {}
    op_id = record["internal"].get("operation")
    if ctx is not None and op_id and record["body"]["properties"]["provisioningState"] == "RegisteringDns":
        op = lro.get(ctx, op_id)
        if op is not None:
            headers["Retry-After"] = lro.retry_after(ctx, op, 5)
    return Response(status, record["body"], headers)


# vaults ---------------------------------------------------------------------------------------------------------------
@provider.route("PUT", VAULT)
def put_vault(ctx: Context) -> Response:
    name = ctx.params["vaultName"]
    if not valid_name(name):
        raise ArmError(400, "VaultNameNotValid", name_invalid(name))
    body = ctx.json()
    validate(body, kv_models.VaultCreateOrUpdateParameters, code="BadRequest")
    location = check_location(body.get("location"), TYPE)
    tags = check_tags(body.get("tags"))
    props = body["properties"]
    recover = str(props.get("createMode") or "default").lower() == "recover"
    rid = _vault_id(ctx)
    existing = ctx.store.get(rid)
    if existing is not None:
        current = existing["body"]["properties"]
        check_irreversible(ctx, props, current)
        if location != existing["body"]["location"]:
            raise ArmError(
                400,
                "BadRequest",
                f"The location of vault '{name}' cannot be changed from "
                f"'{existing['body']['location']}' to '{location}'.",
            )
        _apply(current, props)
        existing["body"]["tags"] = tags
        existing["body"]["systemData"] = ctx.system_data(existing["body"].get("systemData"))
        ctx.store.touch()
        if current.get("provisioningState") == "Failed":
            # the same PUT again repairs a failed vault: a new registration, RegisteringDns until it is done
            current["provisioningState"] = "RegisteringDns"
            return _start_dns(ctx, existing)
        return _answer(existing, 200, ctx)

    other = active_vault(ctx, name)
    if other is not None:
        raise ArmError(409, "VaultAlreadyExists", name_taken(name))
    deleted = deleted_vaults(ctx).get(name.lower())
    sub = ctx.params["subscriptionId"]
    if deleted is not None and deleted["internal"]["subscription"].lower() != sub.lower():
        raise ArmError(409, "VaultAlreadyExists", name_taken(name))
    if recover:
        if deleted is None:
            raise ArmError(
                400,
                "SoftDeletedVaultDoesNotExist",
                "A soft deleted vault with the given name does not exist. Ensure that the name for the "
                "vault that is being attempted to recover is in a recoverable state. For more information "
                f"on soft delete please follow this link {SOFT_DELETE_LINK}",
            )
        if deleted["properties"]["location"] != location:
            raise ArmError(
                400,
                "BadRequest",
                f"The vault '{name}' was deleted in location "
                f"'{deleted['properties']['location']}' and can only be recovered there.",
            )
        if deleted["internal"].get("purge_operation"):
            raise ArmError(409, "ConflictError", f"The vault '{name}' is being purged and cannot be recovered.")
        snapshot = deleted["internal"]["vault"]
        snapshot["id"] = rid
        snapshot["name"] = name
        snapshot["tags"] = tags or snapshot.get("tags", {})
        snapshot["properties"]["provisioningState"] = "RegisteringDns"
        snapshot["systemData"] = ctx.system_data(snapshot.get("systemData"))
        del deleted_vaults(ctx)[name.lower()]
        record = ctx.store.put(rid, TYPE, snapshot, {})
        return _start_dns(ctx, record)
    if deleted is not None:
        raise ArmError(
            409,
            "ConflictError",
            "A vault with the same name already exists in deleted state. You need to either recover or "
            "purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for "
            "more information on soft delete.",
        )
    check_irreversible(ctx, props, None)
    vault = {
        "id": rid,
        "name": name,
        "type": TYPE,
        "location": location,
        "tags": tags,
        "systemData": ctx.system_data(),
        "properties": _defaults(ctx, name, props),
    }
    record = ctx.store.put(rid, TYPE, vault, {"subscription": sub})
    return _start_dns(ctx, record)


def _start_dns(ctx: Context, record: dict) -> Response:
    op = lro.start(ctx, "keyvault.register_dns", typical_seconds=REGISTER_DNS_SECONDS, params={"id": record["id"]})
    if op["status"] == "InProgress":
        record["internal"]["operation"] = op["id"]
        # The create answer is the registering vault; pollers then GET it until it is Succeeded.
        return Response(200, record["body"], {"Retry-After": lro.retry_after(ctx, op, 5)})
    body = dict(record["body"])
    body["properties"] = dict(body["properties"], provisioningState="RegisteringDns")
    return Response(200, body)


@provider.completion("keyvault.register_dns")
def _dns_registered(ctx: Context, op: dict, failed: bool) -> None:
    record = ctx.store.get(op["params"]["id"])
    if record is None:
        return
    record["internal"].pop("operation", None)
    record["body"]["properties"]["provisioningState"] = "Failed" if failed else "Succeeded"


@provider.route("GET", VAULT)
def get_vault(ctx: Context) -> Response:
    return _answer(_get_or_404(ctx), 200, ctx)


@provider.route("PATCH", VAULT)
def patch_vault(ctx: Context) -> Response:
    record = _get_or_404(ctx)
    body = ctx.json()
    validate(body, kv_models.VaultPatchParameters, code="BadRequest")
    props = body.get("properties") or {}
    current = record["body"]["properties"]
    check_irreversible(ctx, props, current)
    _apply(current, props)
    if body.get("tags") is not None:
        record["body"]["tags"] = check_tags(body["tags"])
    record["body"]["systemData"] = ctx.system_data(record["body"].get("systemData"))
    ctx.store.touch()
    return _answer(record, 200, ctx)


@provider.route("PUT", VAULT + "/accessPolicies/{operationKind}")
def update_access_policy(ctx: Context) -> Response:
    record = _get_or_404(ctx)
    kind = ctx.params["operationKind"].lower()
    if kind not in ("add", "replace", "remove"):
        raise _bad(f"The operation kind '{ctx.params['operationKind']}' is invalid. Allowed: add, replace, remove.")
    body = ctx.json()
    validate(body, kv_models.VaultAccessPolicyParameters, code="BadRequest")
    policies = record["body"]["properties"].setdefault("accessPolicies", [])
    for entry in body["properties"]["accessPolicies"]:
        key = (entry["tenantId"].lower(), entry["objectId"].lower(), (entry.get("applicationId") or "").lower())
        match = next(
            (
                p
                for p in policies
                if (p["tenantId"].lower(), p["objectId"].lower(), (p.get("applicationId") or "").lower()) == key
            ),
            None,
        )
        if kind == "replace" or match is None:
            if match is not None:
                policies.remove(match)
            if kind != "remove":
                policies.append(entry)
        elif kind == "add":
            for perm, values in entry["permissions"].items():
                have = match["permissions"].setdefault(perm, [])
                have.extend(v for v in values if v.lower() not in {h.lower() for h in have})
        else:
            for perm, values in entry["permissions"].items():
                drop = {v.lower() for v in values}
                match["permissions"][perm] = [v for v in match["permissions"].get(perm, []) if v.lower() not in drop]
    ctx.store.touch()
    return Response(
        200,
        {
            "id": record["id"] + f"/accessPolicies/{kind}",
            "name": kind,
            "type": "Microsoft.KeyVault/vaults/accessPolicies",
            "location": record["body"]["location"],
            "properties": {"accessPolicies": policies},
        },
    )


def soft_delete(ctx: Context, record: dict) -> None:
    """Move a vault into the deleted state (its name stays reserved until purged or its purge date)."""
    body = record["body"]
    props = body["properties"]
    days = props.get("softDeleteRetentionInDays") or 90
    now = datetime.datetime.now(datetime.timezone.utc)
    purge_at = now + datetime.timedelta(days=days)
    sub = parse_id(record["id"]).subscription
    loc = body["location"]
    deleted_vaults(ctx)[body["name"].lower()] = {
        "id": f"/subscriptions/{sub}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{body['name']}",
        "name": body["name"],
        "type": "Microsoft.KeyVault/deletedVaults",
        "properties": {
            "vaultId": record["id"],
            "location": loc,
            "deletionDate": iso(now),
            "scheduledPurgeDate": iso(purge_at),
            "tags": body.get("tags") or {},
            "purgeProtectionEnabled": bool(props.get("enablePurgeProtection")),
        },
        "internal": {"subscription": sub, "vault": body, "purge_at": purge_at.timestamp(), "purge_operation": None},
    }
    ctx.store.touch()
    ctx.hooks.emit("keyvault.vault_soft_deleted", ctx, record["id"])


@provider.route("DELETE", VAULT)
def delete_vault(ctx: Context) -> Response:
    record = ctx.store.get(_vault_id(ctx))
    if record is None:
        return Response(204)
    check_delete_allowed(ctx, record["id"])
    soft_delete(ctx, record)
    for gone in ctx.store.remove(record["id"]):
        ctx.hooks.emit("resource.deleted", ctx, gone)
    return Response(200)


@provider.on_group_delete(TYPE)
def _vault_with_group(ctx: Context, record: dict) -> None:
    soft_delete(ctx, record)


def _list(ctx: Context, group: str | None) -> Response:
    records = ctx.store.iter_resources(TYPE, ctx.params["subscriptionId"], group)
    return ctx.paged(r["body"] for r in records)


@provider.route(
    "GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults"
)
def list_by_group(ctx: Context) -> Response:
    return _list(ctx, ctx.params["resourceGroupName"])


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/vaults")
def list_by_subscription(ctx: Context) -> Response:
    return _list(ctx, None)


# deleted vaults -------------------------------------------------------------------------------------------------------
def _deleted_or_404(ctx: Context) -> dict:
    name = ctx.params["vaultName"]
    entry = deleted_vaults(ctx).get(name.lower())
    if (
        entry is None
        or entry["internal"]["subscription"].lower() != ctx.params["subscriptionId"].lower()
        or entry["properties"]["location"] != ctx.params["location"].replace(" ", "").lower()
    ):
        raise ArmError(404, "DeletedVaultNotFound", f"Deleted vault '{name}' not found.")
    return entry


@provider.route("GET", LOCATION_BASE + "/deletedVaults/{vaultName}")
def get_deleted(ctx: Context) -> Response:
    return Response(200, _deleted_public(_deleted_or_404(ctx)))


@provider.route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/deletedVaults")
def list_deleted(ctx: Context) -> Response:
    sub = ctx.params["subscriptionId"].lower()
    return ctx.paged(
        _deleted_public(e) for e in deleted_vaults(ctx).values() if e["internal"]["subscription"].lower() == sub
    )


@provider.route("POST", LOCATION_BASE + "/deletedVaults/{vaultName}/purge")
def purge_deleted(ctx: Context) -> Response:
    entry = _deleted_or_404(ctx)
    if entry["properties"]["purgeProtectionEnabled"]:
        raise ArmError(409, "InvalidOperation", "Operation 'DeletedVaultPurge' is not allowed.")
    op_id = entry["internal"].get("purge_operation")
    op = lro.get(ctx, op_id) if op_id else None
    if op is None or op["status"] != "InProgress":
        op = lro.start(ctx, "keyvault.purge", typical_seconds=PURGE_SECONDS, params={"name": entry["name"]})
        if op["status"] == "InProgress":
            entry["internal"]["purge_operation"] = op["id"]
    p = ctx.params
    location = ctx.url(
        f"/subscriptions/{p['subscriptionId']}/providers/Microsoft.KeyVault/locations/"
        f"{p['location']}/operationResults/{op['id']}"
    )
    return lro.accepted(ctx, op, location)


@provider.completion("keyvault.purge")
def _purged(ctx: Context, op: dict, failed: bool) -> None:
    entry = ctx.store.collection(DELETED).get(op["params"]["name"].lower())
    if entry is None:
        return
    if failed:
        entry["internal"]["purge_operation"] = None
        return
    del ctx.store.collection(DELETED)[op["params"]["name"].lower()]


@provider.route("GET", LOCATION_BASE + "/operationResults/{operationId}")
def operation_result(ctx: Context) -> Response:
    op = lro.get(ctx, ctx.params["operationId"])
    if op is None:
        raise ArmError(404, "OperationNotFound", f"The operation '{ctx.params['operationId']}' was not found.")

    def done(finished: dict) -> Response:
        return Response(
            200,
            {
                "createdDateTime": iso(finished["start"]),
                "lastActionDateTime": iso(finished["end"]),
                "status": "Succeeded",
            },
        )

    return lro.location_poll(ctx, op, done)


# name availability ----------------------------------------------------------------------------------------------------
@provider.route("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/checkNameAvailability")
def check_name(ctx: Context) -> Response:
    body = ctx.json()
    validate(body, kv_models.VaultCheckNameAvailabilityParameters, code="BadRequest")
    if body["type"].lower() != TYPE.lower():
        raise _bad(f"The resource type '{body['type']}' is not valid. Use '{TYPE}'.")
    name = body["name"]
    if not valid_name(name):
        return Response(200, {"nameAvailable": False, "reason": "AccountNameInvalid", "message": name_invalid(name)})
    if active_vault(ctx, name) is not None:
        return Response(200, {"nameAvailable": False, "reason": "AlreadyExists", "message": name_taken(name)})
    if name.lower() in deleted_vaults(ctx):
        return Response(
            200,
            {
                "nameAvailable": False,
                "reason": "AlreadyExists",
                "message": f"The vault name '{name}' is already in use. A vault with the same name exists in deleted "
                "state: it must be recovered or purged before the name can be reused. Follow this link "
                f"{SOFT_DELETE_LINK} for more information on soft delete.",
            },
        )
    return Response(200, {"nameAvailable": True})
