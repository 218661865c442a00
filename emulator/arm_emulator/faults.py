"""Fault rules injected through the admin API (``POST /_emulator/faults``).

A rule: ``{"method": "PUT" (optional, any when missing or "*"), "path": "<regex searched in the request path>",
"status": 429 | 500 | 503 | ... or "action": "drop" | "fail_operation", "count": N (default 1; 0 = until cleared),
"retry_after": seconds (optional; 429 always carries one, default 1)}``; optional ``"code"`` / ``"message"``
override the error. A status rule answers instead of the service; "drop" closes the connection without answering;
"fail_operation" lets the request through and makes the long-running operation it starts end ``Failed``, the way
its service reports a failure (see ``lro.py``; for an ARM Location operation the poll answers ``status``, default
409, with the error). It is used up only when an operation starts.
"""

from __future__ import annotations

import re
import threading
from typing import Optional

from .arm import ArmError

DEFAULT_CODES = {
    400: ("BadRequest", "The request is invalid. (Injected by the ARM emulator.)"),
    404: ("NotFound", "The requested resource was not found. (Injected by the ARM emulator.)"),
    409: ("Conflict", "The request conflicts with the current state. (Injected by the ARM emulator.)"),
    429: (
        "SubscriptionRequestsThrottled",
        "Number of requests for subscription exceeded the limit. Please retry "
        "after a while. (Injected by the ARM emulator.)",
    ),
    500: ("InternalServerError", "Encountered internal server error. (Injected by the ARM emulator.)"),
    502: ("BadGateway", "The gateway did not receive a response in time. (Injected by the ARM emulator.)"),
    503: ("ServiceUnavailable", "The service is temporarily unavailable. (Injected by the ARM emulator.)"),
    504: (
        "GatewayTimeout",
        "The gateway did not receive a response within the specified time period. (Injected by the ARM emulator.)",
    ),
}


class Faults:
    def __init__(self):
        self._lock = threading.RLock()
        self._rules: list[dict] = []
        self._next = 1

    def add(self, rule: dict) -> dict:
        if not isinstance(rule, dict):
            raise ValueError("a fault rule is a JSON object")
        unknown = set(rule) - {"method", "path", "status", "action", "count", "retry_after", "code", "message"}
        if unknown:
            raise ValueError(f"unknown fault rule keys: {sorted(unknown)}")
        action = rule.get("action")
        status = rule.get("status")
        if action not in (None, "drop", "fail_operation"):
            raise ValueError("action must be 'drop' or 'fail_operation'")
        if action is None and not (isinstance(status, int) and 400 <= status <= 599):
            raise ValueError("a fault rule needs 'status' (400-599) or 'action'")
        try:
            pattern = re.compile(rule.get("path") or ".*")
        except re.error as exc:
            raise ValueError(f"path is not a valid regular expression: {exc}") from None
        count = rule.get("count", 1)
        if count is None:
            count = 0
        if not isinstance(count, int) or count < 0:
            raise ValueError("count must be a non-negative integer (0 = until cleared)")
        retry_after = rule.get("retry_after")
        if retry_after is not None and (not isinstance(retry_after, (int, float)) or retry_after < 0):
            raise ValueError("retry_after must be a non-negative number of seconds")
        with self._lock:
            stored = dict(rule, id=self._next, count=count, remaining=count or None)
            stored["_regex"] = pattern
            self._next += 1
            self._rules.append(stored)
            return self._public(stored)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return [self._public(r) for r in self._rules]

    @staticmethod
    def _public(rule: dict) -> dict:
        return {k: v for k, v in rule.items() if not k.startswith("_")}

    def match(self, method: str, path: str) -> Optional[dict]:
        """The first live rule for this request. Status/drop rules are used up here; fail_operation rules when the
        operation starts (``rule["_consume"]()``)."""
        with self._lock:
            for rule in self._rules:
                want = (rule.get("method") or "*").upper()
                if want not in ("*", method.upper()):
                    continue
                if not rule["_regex"].search(path):
                    continue
                if rule.get("action") == "fail_operation":
                    copy = dict(rule)
                    copy["_consume"] = lambda r=rule: self._use(r)
                    return copy
                self._use(rule)
                return dict(rule)
        return None

    def _use(self, rule: dict) -> None:
        with self._lock:
            if rule.get("remaining") is None:
                return
            rule["remaining"] -= 1
            if rule["remaining"] <= 0 and rule in self._rules:
                self._rules.remove(rule)


def fault_error(rule: dict) -> ArmError:
    status = int(rule["status"])
    code, message = DEFAULT_CODES.get(status, ("Error", "Injected error. (Injected by the ARM emulator.)"))
    headers = {}
    retry_after = rule.get("retry_after")
    if status == 429 and retry_after is None:
        retry_after = 1
    if retry_after is not None:
        headers["Retry-After"] = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
    return ArmError(status, rule.get("code") or code, rule.get("message") or message, headers=headers)
