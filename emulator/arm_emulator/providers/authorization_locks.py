"""Microsoft.Authorization/locks: management locks at subscription, resource group and resource scope.

A ``CanNotDelete`` or ``ReadOnly`` lock makes ARM refuse to delete the locked scope, anything under it, and anything
that holds it (a group whose resource is locked): 409 ``ScopeLocked``. A ``ReadOnly`` lock also refuses writes (PUT,
PATCH and POST, which is why a read-only storage account cannot list its keys) on the scope and under it. Locks
themselves can always be managed; everything else, role assignments included, is checked.

Deletes are checked through ``resource.before_delete`` (every provider calls ``check_delete_allowed``) and, like
writes, through ``request.before_write``, which the server emits for every PUT, PATCH, POST and DELETE before the
handler runs. Locks live in the ``authorization.locks`` collection.
"""

from __future__ import annotations

import copy
import re

from azure.mgmt.resource.locks import models as lock_models

from ..arm import ArmError, Context, Response
from ..registry import Provider
from ..sdk import versions
from ..validation import validate
from .authorization import check_scope, normalize_scope, remove_at_or_below, request_scope, scope_relation, scoped_route

API_VERSIONS = versions(("2015-01-01", "2016-09-01", "2020-05-01"), "azure.mgmt.resource.locks")

provider = Provider("Microsoft.Authorization", api_versions=API_VERSIONS)

LOCKS = "authorization.locks"  # collection: lower-case lock id -> {"id", "name", "scope", "body"}
TYPE = "Microsoft.Authorization/locks"
LEVELS = ("CanNotDelete", "ReadOnly")
LOCK_PATH = re.compile(r"/providers/Microsoft\.Authorization/locks(/|$)", re.IGNORECASE)
NAME_FORBIDDEN = re.compile(r"[<>%&:\\?/]|[\x00-\x1f]")


def locks(ctx: Context) -> dict:
    return ctx.store.collection(LOCKS)


def _lock_id(scope: str, name: str) -> str:
    return f"{scope}/providers/Microsoft.Authorization/locks/{name}"


# locks ----------------------------------------------------------------------------------------------------------------
LOCK = "/providers/Microsoft.Authorization/locks/{lockName}"


@scoped_route(provider, "PUT", LOCK)
def put_lock(ctx: Context) -> Response:
    name = ctx.params["lockName"]
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    if len(name) > 260 or NAME_FORBIDDEN.search(name) or name.endswith((".", " ")):
        raise ArmError(
            400,
            "LockNameInvalid",
            f"The lock name '{name}' is invalid. A lock name can be at most 260 "
            "characters long, may not contain '<', '>', '%', '&', ':', '\\', '?', '/' or control "
            "characters, and may not end with a period or a space.",
        )
    body = ctx.json()
    validate(body, lock_models.ManagementLockObject, code="BadRequest")
    props = body["properties"]
    level = next((v for v in LEVELS if v.lower() == str(props["level"]).lower()), None)
    if level is None:
        raise ArmError(
            400,
            "BadRequest",
            f"The lock level '{props['level']}' is not valid. Allowed values are: {', '.join(LEVELS)}.",
        )
    notes = props.get("notes")
    if notes is not None and (not isinstance(notes, str) or len(notes) > 512):
        raise ArmError(400, "BadRequest", "The lock notes can be at most 512 characters long.")
    rid = _lock_id(scope, name)
    existing = locks(ctx).get(rid.lower())
    lock_props: dict = {"level": level}
    if notes is not None:
        lock_props["notes"] = notes
    if props.get("owners"):
        lock_props["owners"] = [{"applicationId": o.get("applicationId")} for o in props["owners"]]
    if existing is not None:
        existing["body"]["properties"] = lock_props
        existing["body"]["systemData"] = ctx.system_data(existing["body"].get("systemData"))
        ctx.store.touch()
        return Response(200, copy.deepcopy(existing["body"]))
    lock = {"id": rid, "type": TYPE, "name": name, "properties": lock_props, "systemData": ctx.system_data()}
    locks(ctx)[rid.lower()] = {"id": rid, "name": name, "scope": scope, "body": lock}
    ctx.store.touch()
    return Response(201, copy.deepcopy(lock))


@scoped_route(provider, "GET", LOCK)
def get_lock(ctx: Context) -> Response:
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    record = locks(ctx).get(_lock_id(scope, ctx.params["lockName"]).lower())
    if record is None:
        raise ArmError(404, "LockNotFound", f"The lock '{ctx.params['lockName']}' could not be found.")
    return Response(200, copy.deepcopy(record["body"]))


@scoped_route(provider, "DELETE", LOCK)
def delete_lock(ctx: Context) -> Response:
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    record = locks(ctx).pop(_lock_id(scope, ctx.params["lockName"]).lower(), None)
    if record is None:
        return Response(204)
    ctx.store.touch()
    return Response(200)


@scoped_route(provider, "GET", "/providers/Microsoft.Authorization/locks")
def list_locks(ctx: Context) -> Response:
    """Locks at the scope and under it; ``$filter=atScope()``: at the scope and above it (what applies to it)."""
    scope = request_scope(ctx)
    check_scope(ctx, scope)
    text = (ctx.param("$filter") or "").strip()
    if text and text.replace(" ", "").lower() != "atscope()":
        raise ArmError(400, "UnsupportedQuery", f"The filter '{text}' is not supported.")
    allowed = ("at", "above") if text else ("at", "below")
    items = [
        copy.deepcopy(r["body"])
        for r in sorted(locks(ctx).values(), key=lambda r: r["id"].lower())
        if scope_relation(r["scope"], scope) in allowed
    ]
    return ctx.paged(items)


# enforcement ----------------------------------------------------------------------------------------------------------
def scope_locked(target: str, operation: str, scopes: list) -> ArmError:
    names = "','".join(scopes)
    return ArmError(
        409,
        "ScopeLocked",
        f"The scope '{target}' cannot perform {operation} operation because following "
        f"scope(s) are locked: '{names}'. Please remove the lock and try again.",
    )


def _locked_scopes(ctx: Context, target: str, relations: tuple, levels: tuple = LEVELS) -> list:
    found = []
    for record in sorted(locks(ctx).values(), key=lambda r: (len(r["scope"]), r["id"].lower())):
        applies = scope_relation(record["scope"], target) in relations
        if applies and record["body"]["properties"]["level"] in levels and record["scope"] not in found:
            found.append(record["scope"])
    return found


def check_delete(ctx: Context, target: str) -> None:
    """Refuse deleting ``target`` when a lock sits on it, above it, or on anything it holds."""
    scopes = _locked_scopes(ctx, target, ("at", "above", "below"))
    if scopes:
        raise scope_locked(target, "delete", scopes)


@provider.on("resource.before_delete")
def _before_delete(ctx: Context, record: dict) -> None:
    target = normalize_scope(ctx.path) if ctx.method == "DELETE" else record["id"]
    if not LOCK_PATH.search(target):
        check_delete(ctx, target)


@provider.on("request.before_write")
def _before_write(ctx: Context) -> None:
    target = normalize_scope(ctx.path)
    if LOCK_PATH.search(target) or not target.lower().startswith("/subscriptions/"):
        return
    if ctx.method == "DELETE":
        check_delete(ctx, target)
        return
    scopes = _locked_scopes(ctx, target, ("at", "above"), ("ReadOnly",))
    if scopes:
        raise scope_locked(target, "write", scopes)


@provider.on("resource.deleted")
def _scope_deleted(ctx: Context, record: dict) -> None:
    remove_at_or_below(ctx, LOCKS, record["id"])
