# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDK imports and REST helpers shared by the resource files: a management client class imported only when
installed (``optional_import``), SDK models as ARM's REST JSON, ARM ids, and the claims of an access token."""

from __future__ import annotations

import base64
import importlib
import json
import traceback


class MissingSDK:
    """Stands for a management client class whose package is not installed."""

    def __init__(self, package, error):
        self.package = package
        self.error = error
        self.__name__ = f"MissingSDK({package})"

    def __bool__(self):
        return False

    __nonzero__ = __bool__


def optional_import(module_name, attribute, package):
    """Import ``module_name.attribute`` or return a ``MissingSDK`` that ``AzureModule.client`` reports."""
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except ImportError:
        return MissingSDK(package, traceback.format_exc())


def rest_dict(obj):
    """An SDK model (or dict) as its REST JSON: camelCase keys, as ARM sends them."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return _jsonable(obj)
    as_dict = getattr(obj, "as_dict", None)
    serialize = getattr(obj, "serialize", None)
    if callable(serialize) and not hasattr(obj, "keys"):
        # msrest (older autorest) models: serialize() gives REST keys.
        return _jsonable(serialize(keep_readonly=True))
    if callable(as_dict):
        # TypeSpec models keep the REST JSON.
        return _jsonable(as_dict())
    if hasattr(obj, "keys"):
        return _jsonable(dict(obj))
    return obj


def _jsonable(value):
    if isinstance(value, dict):
        return dict((str(k), _jsonable(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "keys"):
        return _jsonable(dict(value))
    return str(value)


def parse_resource_id(resource_id):
    """``{'subscription_id', 'resource_group', 'name', ...}`` from an ARM id."""
    result = {}
    if not resource_id:
        return result
    parts = [p for p in resource_id.split("/") if p]
    pairs = dict((parts[i].lower(), parts[i + 1]) for i in range(0, len(parts) - 1, 2))
    result["subscription_id"] = pairs.get("subscriptions")
    result["resource_group"] = pairs.get("resourcegroups")
    if parts:
        result["name"] = parts[-1]
    return result


def private_endpoint_connections(items):
    """A resource's ``properties.privateEndpointConnections`` (REST JSON) as the modules return them: each connection's
    ``id``, the ``private_endpoint_id`` it comes from, its ``status`` (Approved, Pending, Rejected, Disconnected) and
    ``provisioning_state``. The same shape for every service (Key Vault, storage, registry, ML workspace)."""
    out = []
    for item in items or []:
        inner = item.get("properties") or {}
        out.append(
            {
                "id": item.get("id"),
                "private_endpoint_id": (inner.get("privateEndpoint") or {}).get("id"),
                "status": (inner.get("privateLinkServiceConnectionState") or {}).get("status"),
                "provisioning_state": inner.get("provisioningState"),
            }
        )
    return out


def decode_jwt_claims(token):
    """The claims of a JWT access token (no signature check: used only to learn our own tenant)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}


def list_pages(module, client, path, api_version, label):
    """Every item of an ARM list (``GET path``, ``value`` / ``nextLink``) as REST JSON, sent through ``client``'s
    pipeline (same credential, retries and error format as its own operations), for lists the installed SDKs lack.
    Errors fail ``module`` naming ``label``."""
    from azure.core.exceptions import HttpResponseError
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.exceptions import ARMErrorFormat

    url, params = path, {"api-version": api_version}
    items = []
    while url:
        request = HttpRequest("GET", url, params=params, headers={"Accept": "application/json"})
        with module.azure_errors("list", label):
            response = client.send_request(request)
            if response.status_code != 200:
                raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        try:
            page = response.json()
        except ValueError:
            module.fail_json(msg=f"Could not list {label}: Azure answered with a body that is not JSON.")
        items.extend(page.get("value") or [])
        # A next link is absolute and carries its own query string.
        url, params = page.get("nextLink"), None
    return items


# ARM answers a throttled request 429 with Retry-After: the seconds until its bucket has a token again. azure-core
# retries any error status three times, then raises; stacks run side by side (forks) share one principal's buckets,
# so three waits of a second or two can end a run that only had to wait its turn. A 429 that says when to come back
# is retried as long as the waits it asked for add up to no more than this many seconds, each wait that long plus up
# to a second at random (so that the requests it held back do not all come back in the same second); every other
# error keeps azure-core's rules.
THROTTLED_PATIENCE = 600


def throttling_retry_policy(**options):
    """azure-core's ``RetryPolicy`` (``options`` are its keywords), patient with 429 answers that carry
    ``Retry-After`` (up to THROTTLED_PATIENCE seconds of waits per request); ``None`` without azure-core (the client
    then reports the missing SDK)."""
    try:
        from azure.core.pipeline.policies import RetryPolicy
    except ImportError:
        return None
    import random

    class ThrottlingRetryPolicy(RetryPolicy):
        def _throttled_wait(self, response):
            http_response = getattr(response, "http_response", None)
            if http_response is None or http_response.status_code != 429:
                return None
            return self.get_retry_after(response) or None

        def increment(self, settings, response=None, error=None):
            wait = None if error is not None else self._throttled_wait(response)
            if wait is not None:
                waited = settings.get("throttled_wait", 0.0)
                if waited + wait <= THROTTLED_PATIENCE:
                    settings["throttled_wait"] = waited + wait
                    return True
            return super().increment(settings, response=response, error=error)

        def sleep(self, settings, transport, response=None):
            wait = self._throttled_wait(response) if response is not None else None
            if wait is None:
                return super().sleep(settings, transport, response=response)
            transport.sleep(wait + random.uniform(0, 1))  # noqa: S311 - spreading retries, not a secret
            return None

    return ThrottlingRetryPolicy(**options)
