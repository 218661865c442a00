"""Long-running operations: start, settle when due, and answer polls in ARM's three styles.

An operation is a record in the ``operations`` collection::

    {"id", "kind", "status": "InProgress" | "Succeeded" | "Failed", "start", "ready_at", "end", "params",
     "fail": None | {"status", "code", "message"}, "error": None | {...}}

``start(ctx, kind, typical_seconds=..., params=...)`` creates one; with ``--latency instant`` it is settled at once,
otherwise ``ready_at`` lies ``typical_seconds * time_scale`` ahead and the server settles it on the first request
after that moment (no background threads, so state on disk always matches answers). Settling calls the completion
function the provider registered for ``kind`` (``@provider.completion(kind)``) as ``fn(ctx, op, failed)``.

A matched ``fail_operation`` fault makes the operation end ``Failed`` with an error instead of completing. The error
is the rule's ``code`` / ``message`` (and ``status`` for Location polls) when it gives them, else the ``failure`` the
provider passed to ``start`` for that kind of operation (what the service answers when it fails), else a generic
``InternalServerError``. A rule is used up only when an operation starts: a request the service answers at once (an
update it makes synchronously) leaves it for the next matching request. A provider can also start an operation that
is bound to fail (``fail={"status", "code", "message"}``): services that accept a request and validate it
asynchronously report their refusal that way, through the operation's status; such an operation leaves a pending
``fail_operation`` rule for the next operation.

Poll answers, and what azure-core's ARM poller makes of a failed operation in each style:
* ``Location``: ``location_poll(ctx, op, done)``: 202 + ``Location`` + ``Retry-After`` while running; when finished
  ``done(op)`` builds the final answer (200 with a body, or 204). A failed operation answers its error status with
  the error (ARM's own style: the SDK raises ``HttpResponseError`` with ``.error.code``), or, with
  ``failure_style="status"``, 200 with ``{"status": "Failed", "error": {...}}`` (the storage resource provider's
  style: the poller takes any 200 for success and hands that body back as the result, it does not raise).
* ``Azure-AsyncOperation``: ``async_status(ctx, op)``: always 200 with ``{"status", ...}`` and, when failed,
  ``error``: the SDK raises ``HttpResponseError`` whose ``.error`` is that error.
* ``provisioningState``: the provider keeps the state in the resource body and lets the completion set it. A body
  that ends ``Failed`` makes the SDK raise ``HttpResponseError`` built from that 200 resource answer: no ``.error``
  (a resource body has none), the message "Operation returned an invalid status 'OK'", and an ``inner_exception``
  ``OperationFailed("Operation failed or canceled")``.
"""

from __future__ import annotations

import time
from typing import Callable, Optional

from .arm import ArmError, Context, Response, iso, new_guid

COLLECTION = "operations"
KEEP_FINISHED_SECONDS = 24 * 3600

DEFAULT_FAILURE = {
    "code": "InternalServerError",
    "message": "The operation failed because of an internal error. (Injected by the ARM emulator.)",
}


def operations(ctx: Context) -> dict:
    return ctx.store.collection(COLLECTION)


def start(
    ctx: Context,
    kind: str,
    *,
    typical_seconds: float,
    params: Optional[dict] = None,
    failure: Optional[dict] = None,
    fail: Optional[dict] = None,
) -> dict:
    """Start an operation. ``failure`` (``{"status"?, "code", "message"}``) is how this kind of operation fails in the
    service; it is used when a ``fail_operation`` rule gives no code or message of its own. ``fail`` (``{"status",
    "code", "message"}``) makes the operation end ``Failed`` with that error whatever the rules say."""
    now = time.time()
    if fail is not None:
        fail = {"status": int(fail.get("status") or 400), "code": fail["code"], "message": fail["message"]}
    elif ctx.fail_rule is not None:
        rule = ctx.fail_rule
        ctx.fail_rule = None
        consume = rule.get("_consume")
        if consume:
            consume()
        error = rule if (rule.get("code") or rule.get("message")) else (failure or DEFAULT_FAILURE)
        fail = {
            "status": int(rule.get("status") or (failure or {}).get("status") or 409),
            "code": error.get("code") or DEFAULT_FAILURE["code"],
            "message": error.get("message") or DEFAULT_FAILURE["message"],
        }
    op = {
        "id": new_guid(),
        "kind": kind,
        "status": "InProgress",
        "start": now,
        "ready_at": now + ctx.settings.duration(typical_seconds),
        "end": None,
        "params": params or {},
        "fail": fail,
        "error": None,
    }
    operations(ctx)[op["id"]] = op
    ctx.store.touch()
    if op["ready_at"] <= now:
        settle(ctx, op)
    return op


def settle(ctx: Context, op: dict) -> None:
    if op["status"] != "InProgress":
        return
    registry_completions = ctx.hooks._registry.completions  # noqa: SLF001 - the hooks object owns the registry
    completion = registry_completions.get(op["kind"])
    failed = op["fail"] is not None
    if failed:
        op["status"] = "Failed"
        op["error"] = {"code": op["fail"]["code"], "message": op["fail"]["message"]}
    if completion is not None:
        completion(ctx, op, failed)
    if not failed:
        op["status"] = "Succeeded"
    op["end"] = time.time()
    ctx.store.touch()


def settle_due(ctx: Context) -> None:
    now = time.time()
    ops = operations(ctx)
    for op_id, op in sorted(ops.items(), key=lambda kv: kv[1]["ready_at"]):
        if op["status"] == "InProgress" and op["ready_at"] <= now:
            settle(ctx, op)
        elif op["end"] and now - op["end"] > KEEP_FINISHED_SECONDS:
            del ops[op_id]
            ctx.store.touch()


def get(ctx: Context, op_id: str) -> Optional[dict]:
    return operations(ctx).get(op_id) or operations(ctx).get(op_id.lower())


def remaining(op: dict) -> float:
    return max(0.0, op["ready_at"] - time.time())


def retry_after(ctx: Context, op: dict, typical_interval: float = 10.0) -> str:
    return str(ctx.settings.retry_after(remaining(op), typical_interval))


def accepted(
    ctx: Context, op: dict, location: str, *, body=None, async_operation: Optional[str] = None, interval: float = 10.0
) -> Response:
    """The 202 that starts a Location (and optionally Azure-AsyncOperation) operation."""
    headers = {"Location": location, "Retry-After": retry_after(ctx, op, interval)}
    if async_operation:
        headers["Azure-AsyncOperation"] = async_operation
    return Response(202, body, headers)


def location_poll(
    ctx: Context,
    op: dict,
    done: Callable[[dict], Response],
    *,
    interval: float = 10.0,
    failure_style: str = "error",
) -> Response:
    """Answer a poll of a ``Location`` URL. A failed operation answers its error status and error (``"error"``), or
    200 with ``{"status": "Failed", "error"}`` (``"status"``, as the storage resource provider does)."""
    if op["status"] == "InProgress":
        return Response(
            202,
            None,
            {
                "Location": ctx.base_url + ctx.path + "?" + _query(ctx),
                "Retry-After": retry_after(ctx, op, interval),
            },
        )
    if op["status"] == "Failed":
        if failure_style == "status":
            return Response(200, {"status": "Failed", "error": dict(op["error"])})
        raise ArmError(op["fail"]["status"], op["error"]["code"], op["error"]["message"])
    return done(op)


def async_status(ctx: Context, op: dict, *, interval: float = 10.0) -> Response:
    body = {"id": ctx.path, "name": op["id"], "status": op["status"], "startTime": iso(op["start"])}
    headers = {}
    if op["end"]:
        body["endTime"] = iso(op["end"])
    if op["status"] == "InProgress":
        headers["Retry-After"] = retry_after(ctx, op, interval)
    if op["error"]:
        body["error"] = dict(op["error"])
    return Response(200, body, headers)


def _query(ctx: Context) -> str:
    import urllib.parse

    return urllib.parse.urlencode(ctx.query, safe="$'")
