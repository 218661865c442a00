"""ARM's request throttling, when asked for (``--throttling documented``): token buckets, 429 with ``Retry-After``.

What Microsoft Learn documents ("Understand how Azure Resource Manager throttles requests",
``azure-resource-manager/management/request-limits-and-throttling``; emulator/README.md has the details and sources):

* Since 2024, ARM throttles per region (of the ARM instance serving the request) with a token bucket per scope and
  kind of operation: a request takes one token; an empty bucket answers 429; tokens come back at the refill rate,
  up to the bucket size.
* Subscription requests (the path starts with ``/subscriptions/{id}``): per subscription, per principal and per kind
  of operation. Reads: bucket 250, 25 a second; writes: 200, 10 a second; deletes: 200, 10 a second. A global
  subscription bucket, shared by every principal, is 15 times the principal's.
* Tenant requests (no subscription in the path, such as ``/providers/...`` or ``/tenants``): the same numbers per
  tenant and principal.
* Every answer tells what is left in the bucket of its kind: ``x-ms-ratelimit-remaining-subscription-reads``
  (``-writes``, ``-deletes``) and ``x-ms-ratelimit-remaining-subscription-global-reads`` (...), or the
  ``-tenant-`` ones.
* A throttled request is not processed and gets 429 ``SubscriptionRequestsThrottled`` with ``Retry-After`` seconds;
  sending again earlier gets a new 429.

The emulator serves one region, so one bucket set per scope. Reads are GET and HEAD; deletes are DELETE; everything
else (PUT, PATCH, POST) is a write. ``scale`` multiplies every bucket size and refill rate (0.1: a tenth of Azure's
numbers, to see throttling with a few stacks on one machine).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Optional

from .arm import ArmError

#: Kind of operation -> (bucket size, refill per second), per principal (Learn's table, since 2024).
DOCUMENTED = {"reads": (250.0, 25.0), "writes": (200.0, 10.0), "deletes": (200.0, 10.0)}
#: The global subscription bucket (every principal together) is this many times the principal's.
GLOBAL_FACTOR = 15
#: The word ARM's throttling message uses for each kind.
WORD = {"reads": "read", "writes": "write", "deletes": "delete"}


def kind_of(method: str) -> str:
    method = method.upper()
    if method in ("GET", "HEAD"):
        return "reads"
    if method == "DELETE":
        return "deletes"
    return "writes"


class Bucket:
    def __init__(self, size: float, refill: float, now: float):
        self.size = size
        self.refill = refill
        self.tokens = size
        self.at = now

    def level(self, now: float) -> float:
        self.tokens = min(self.size, self.tokens + (now - self.at) * self.refill)
        self.at = now
        return self.tokens

    def wait(self) -> int:
        """Whole seconds until one token is back (at least 1, as ``Retry-After`` is a whole number here)."""
        return max(1, int(math.ceil((1.0 - self.tokens) / self.refill)))


class Throttling:
    """Token buckets by (scope, principal, kind) and (scope, kind) for the global one. Off: no bucket, no 429."""

    def __init__(self, mode: str = "off", scale: float = 1.0, clock=time.monotonic):
        if mode not in ("off", "documented"):
            raise ValueError("throttling is 'off' or 'documented'")
        if scale <= 0:
            raise ValueError("the throttling scale must be positive")
        self.mode = mode
        self.scale = scale
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict = {}
        self.throttled = 0

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def _bucket(self, key: tuple, kind: str, factor: int, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            size, refill = DOCUMENTED[kind]
            bucket = self._buckets[key] = Bucket(size * self.scale * factor, refill * self.scale * factor, now)
        return bucket

    def take(self, method: str, subscription: Optional[str], tenant: str, principal: str) -> dict:
        """Take a token for this request, or raise the 429 ARM answers. Returns the ``x-ms-ratelimit-remaining-*``
        headers for the answer (none when throttling is off)."""
        if not self.enabled:
            return {}
        kind = kind_of(method)
        level = "subscription" if subscription else "tenant"
        scope = (subscription or tenant).lower()
        now = self._clock()
        with self._lock:
            own = self._bucket((level, scope, principal, kind), kind, 1, now)
            shared = self._bucket((level, scope, "*", kind), kind, GLOBAL_FACTOR, now) if subscription else None
            for bucket, is_global in ((own, False), (shared, True)):
                if bucket is not None and bucket.level(now) < 1.0:
                    self.throttled += 1
                    raise throttled_error(kind, level, scope, principal, bucket.wait(), is_global)
            own.tokens -= 1.0
            headers = {f"x-ms-ratelimit-remaining-{level}-{kind}": str(int(own.tokens))}
            if shared is not None:
                shared.tokens -= 1.0
                headers[f"x-ms-ratelimit-remaining-{level}-global-{kind}"] = str(int(shared.tokens))
            return headers

    def state(self) -> dict:
        return {"mode": self.mode, "scale": self.scale, "throttled": self.throttled}


def throttled_error(kind: str, level: str, scope: str, principal: str, retry_after: int, is_global: bool) -> ArmError:
    """ARM's 429. The wording follows answers seen from the service since 2024 (emulator/README.md): best knowledge."""
    who = "" if is_global else f" actor '{principal}'"
    message = (
        f"Number of '{WORD[kind]}' requests for {level} '{scope}'{who} exceeded. "
        f"Please try again after '{retry_after}' seconds."
    )
    code = "SubscriptionRequestsThrottled" if level == "subscription" else "TenantRequestsThrottled"
    return ArmError(429, code, message, headers={"Retry-After": str(retry_after)})
