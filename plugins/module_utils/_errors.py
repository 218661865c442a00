# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure errors made readable: what went wrong (status, ARM code, message, request ids), the cause behind a
broken connection, and what to do next (``ERROR_HINTS``), including long-running operations that ended
``Failed`` or ``Canceled``.

Nothing here imports azure-core at import time: the error types are looked up when a call fails."""

from __future__ import annotations

import json

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import FAILED_STATES

# What to do next, by ARM error code.
ERROR_HINTS = {
    "ResourceGroupNotFound": "Create the resource group first (mlops.azure.resource_group), or check resource_group "
    "and subscription_id.",
    "ResourceNotFound": "Check the name, resource_group and subscription_id.",
    "ParentResourceNotFound": "Create the parent resource first, or check its name.",
    "SubscriptionNotFound": "Check subscription_id (AZURE_SUBSCRIPTION_ID) and that the identity can see it.",
    "InvalidSubscriptionId": "Check subscription_id (AZURE_SUBSCRIPTION_ID): it must be a subscription GUID.",
    "AuthorizationFailed": "Give the identity a role that allows this action at this scope (for example Contributor "
    "on the resource group), then run again.",
    "LinkedAuthorizationFailed": "The identity also needs permission on the linked resource named in the message.",
    "InvalidAuthenticationToken": "Check client_id, secret and tenant (or the identity in use) and that "
    "cloud_environment names the cloud the subscription lives in.",
    "InvalidAuthenticationTokenTenant": "The token is from another tenant: set tenant to the subscription's tenant.",
    "AuthenticationFailed": "Check client_id, secret and tenant (or the identity in use).",
    "ExpiredAuthenticationToken": "Run again; if it persists, check the clock of the machine running Ansible.",
    "SubscriptionRequestsThrottled": "Azure kept throttling after the SDK's retries: wait a few minutes, or run "
    "with fewer forks.",
    "TooManyRequests": "Azure kept throttling after the SDK's retries: wait a few minutes, or run with fewer forks.",
    "MissingSubscriptionRegistration": "Register the resource provider named in the message "
    "(az provider register --namespace <provider>) and run again.",
    "ScopeLocked": "A management lock forbids this change: remove the lock (mlops.azure.management_lock) first, "
    "if the change is intended.",
    "RequestDisallowedByPolicy": "An Azure Policy assignment refuses this configuration: change the options to comply "
    "with the policy named in the message, or ask for an exemption.",
    "InvalidResourceLocation": "A resource with this name already exists in another location: use that location or "
    "another name.",
    "LocationNotAvailableForResourceType": "Choose a location where this resource type is offered.",
    "VaultAlreadyExists": "Key Vault names are global across all of Azure and this one belongs to someone else: "
    "choose another name (for example with the mlops.azure.resource_name filter and a unique seed).",
    "VaultNameNotValid": "Fix the name: 3-24 letters, digits and single hyphens, starting with a letter "
    "(the mlops.azure.name_errors filter lists every broken rule).",
    "ConflictError": "A soft-deleted key vault may hold this name: set recover=true to recover it, or purge it "
    "(state=absent, purge=true) if its data can go.",
    "SoftDeletedVaultDoesNotExist": "There is no soft-deleted vault of this name in this location to recover.",
    "StorageAccountAlreadyTaken": "Storage account names are global across all of Azure and this one belongs to "
    "someone else: choose another name (for example with the mlops.azure.resource_name filter and a unique seed).",
    "StorageAccountAlreadyExists": "Storage account names are global across all of Azure: choose another name.",
    "AccountNameInvalid": "Fix the name: 3-24 lower-case letters and digits "
    "(the mlops.azure.name_errors filter lists every broken rule).",
    "ContainerOperationFailure": "Check the container name and the account's network rules.",
    "VirtualNetworkNotValid": "Check that the subnet exists and has the Microsoft.KeyVault service endpoint "
    "(mlops.azure.virtual_network service_endpoints), or set ignore_missing_vnet_service_endpoint for that rule.",
    "NetworkAclsValidationFailure": "Check that the subnet exists and has the Microsoft.Storage service endpoint "
    "(mlops.azure.virtual_network service_endpoints).",
    "InvalidVirtualNetworkRule": "Give the full resource id of a subnet: "
    "/subscriptions/.../resourceGroups/.../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>.",
    "OperationNotAllowed": "Azure does not allow this change on this resource; see the message for the limit.",
}


def describe_azure_error(exc):
    """``(summary, details)`` for an azure-core exception: status, ARM code, message, target, request id."""
    status = getattr(exc, "status_code", None)
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) if error is not None else None
    message = getattr(error, "message", None) if error is not None else None
    target = getattr(error, "target", None) if error is not None else None
    if not message:
        message = getattr(exc, "message", None) or str(exc)
        message = message.strip()
    details = {"status": status, "code": code, "message": message, "target": target, "type": exc.__class__.__name__}
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) if response is not None else None
    if headers is not None:
        for header, key in (("x-ms-request-id", "request_id"), ("x-ms-correlation-request-id", "correlation_id")):
            try:
                value = headers.get(header)
            except AttributeError:
                value = None
            if value:
                details[key] = value
    inner = getattr(error, "details", None) or []
    extra = []
    for item in inner:
        item_code = getattr(item, "code", None)
        item_message = getattr(item, "message", None)
        if item_code or item_message:
            extra.append(f"{item_code}: {item_message}")
    if extra:
        details["details"] = extra
    cause = network_cause(exc)
    if cause is not None:
        details["cause"] = cause
    return details


_NETWORK_ERRORS = (
    "ServiceRequestError",
    "ServiceRequestTimeoutError",
    "ServiceResponseError",
    "ServiceResponseTimeoutError",
    "IncompleteReadError",
    "ConnectionError",
    "ConnectionResetError",
    "ConnectionRefusedError",
    "ConnectionAbortedError",
    "RemoteDisconnected",
    "TimeoutError",
)


def network_cause(exc):
    """The name of a connection-level error behind ``exc`` (its ``__cause__`` / ``__context__`` chain), or None.

    azure-identity reports a token request whose connection broke as ``ClientAuthenticationError`` caused by a
    ``ServiceResponseError``: that is a network problem, not bad credentials."""
    seen = set()
    current = exc.__cause__ or exc.__context__
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__name__ in _NETWORK_ERRORS:
            return type(current).__name__
        current = current.__cause__ or current.__context__
    return None


def hint_for(details):
    """What to do next, from the ARM code, the status, or the exception type."""
    code = details.get("code")
    if code in ERROR_HINTS:
        return ERROR_HINTS[code]
    kind = details.get("type")
    status = details.get("status")
    if kind == "CredentialUnavailableError":
        return (
            "No identity was found: set client_id, secret and tenant (or AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT), "
            "run where a managed or workload identity is available, or log in with 'az login'."
        )
    if kind == "ClientAuthenticationError" and status is None and details.get("cause"):
        return (
            "The connection to the login (token) endpoint failed ({}): a network problem, not a credential one. Check "
            "the network or proxy and cloud_environment, then run again.".format(details["cause"])
        )
    if kind == "ClientAuthenticationError" and status is None:
        return "Getting a token failed: check client_id, secret, tenant and cloud_environment."
    if kind in ("ServiceRequestError", "ServiceRequestTimeoutError"):
        return (
            "Azure could not be reached: check the network or proxy, cloud_environment, and REQUESTS_CA_BUNDLE "
            "when the endpoint uses a private CA."
        )
    if kind in ("ServiceResponseError", "ServiceResponseTimeoutError", "IncompleteReadError"):
        return "The connection broke while Azure answered: run again (the request may or may not have been applied)."
    if status == 401:
        return ERROR_HINTS["AuthenticationFailed"]
    if status == 403:
        return ERROR_HINTS["AuthorizationFailed"]
    if status == 404:
        return ERROR_HINTS["ResourceNotFound"]
    if status == 409:
        return "The resource is in a conflicting state (being created, deleted or updated elsewhere): run again later."
    if status == 429:
        return ERROR_HINTS["TooManyRequests"]
    if status is not None and status >= 500:
        return "Azure failed on its side (after the SDK's retries): run again later."
    if status is not None and status >= 400:
        return "Check the option values against the module documentation (ansible-doc)."
    return "Run again with -vvv for the request details."


def format_azure_failure(action, label, details, hint=None):
    parts = [f"Could not {action} {label}"]
    status = details.get("status")
    code = details.get("code")
    answer = []
    if status:
        answer.append(str(status))
    if code:
        answer.append(code)
    if answer:
        parts.append(": Azure answered {}: {}".format(" ".join(answer), details.get("message")))
    else:
        parts.append(": {}".format(details.get("message")))
    if details.get("target") and details.get("target") not in (details.get("message") or ""):
        parts.append(" (target: {})".format(details["target"]))
    text = "".join(parts).rstrip()
    if not text.endswith("."):
        text += "."
    return f"{text} What to do: {hint or hint_for(details)}"


def azure_error_types():
    try:
        from azure.core.exceptions import AzureError
    except ImportError:  # pragma: no cover - the client could not have been built either
        return ()
    return (AzureError,)


def error_code(exc):
    error = getattr(exc, "error", None)
    return getattr(error, "code", None) if error is not None else None


def is_not_found(exc):
    return getattr(exc, "status_code", None) == 404


OPERATION_FAILED_HINT = (
    "Run again: the next run sends the desired state again, "
    "which is how Azure repairs a resource left Failed. If it fails the same way, fix the cause the message names "
    "(the resource's activity log has the details), then run again."
)


def _response_json(exc):
    response = getattr(exc, "response", None)
    if response is None:
        return None
    try:
        # azure.core.rest responses have json(); the older transport responses only text().
        body = response.json() if hasattr(response, "json") else json.loads(response.text())
    except Exception:  # noqa: BLE001 - any unreadable body means "no details"
        return None
    return body if isinstance(body, dict) else None


def operation_outcome(exc):
    """``(state, details)`` when ``exc`` says a long-running operation ended ``Failed`` or ``Canceled``, else None.

    azure-core's poller raises ``HttpResponseError`` caused by ``OperationFailed`` in that case, with the last poll
    answer: an operation status (``{"status": "Failed", "error": {...}}``) or the resource itself
    (``properties.provisioningState: Failed``, sometimes with ``properties.provisioningError`` or similar). A
    ``Location`` operation that failed answers its poll with an error status and an ARM error body instead
    (``BadStatus``). A resource polled by its ``provisioningState`` carries no error details at all."""
    cause = exc.__cause__
    body = _response_json(exc) or {}
    properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
    state = body.get("status") or properties.get("provisioningState")
    failed_by_body = isinstance(state, str) and state.casefold() in FAILED_STATES
    # A Location-style operation that failed answers its poll with the error status and an ARM error body.
    failed_by_poll = type(cause).__name__ == "BadStatus" and bool(error_code(exc))
    if type(cause).__name__ != "OperationFailed" and not failed_by_body and not failed_by_poll:
        return None
    if not isinstance(state, str) or state.casefold() not in FAILED_STATES:
        state = "Failed"
    details = describe_azure_error(exc)
    error = body.get("error")
    if not isinstance(error, dict):
        for key in ("provisioningError", "error", "statusMessage"):
            if isinstance(properties.get(key), dict):
                error = properties[key]
                break
    if isinstance(error, dict) and (error.get("code") or error.get("message")):
        details["code"] = error.get("code")
        details["message"] = error.get("message")
    elif not details.get("code"):
        details["code"] = None
        details["message"] = "Azure gave no error details for the operation"
    details["provisioning_state"] = state
    return state, details


def status_body_outcome(body):
    """``(state, details)`` when a long-running operation's result is an operation status that says ``Failed`` or
    ``Canceled`` (``{"status": "Failed", "error": {...}}``), else None."""
    if not isinstance(body, dict) or "status" not in body or "id" in body and "properties" in body:
        return None
    state = body.get("status")
    if not isinstance(state, str) or state.casefold() not in FAILED_STATES:
        return None
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    details = {
        "status": None,
        "code": error.get("code"),
        "message": error.get("message") or "Azure gave no error details for the operation",
        "target": error.get("target"),
        "type": "OperationFailed",
        "provisioning_state": state,
    }
    return state, details


def format_operation_failure(action, label, state, details, hint=None):
    """``<label> ended in provisioning state Failed: <code>: <message>. What to do: ...``"""
    reason = ": ".join(str(part) for part in (details.get("code"), details.get("message")) if part)
    text = f"{label} ended in provisioning state {state}: {reason}".rstrip()
    if not text.endswith("."):
        text += "."
    if hint:
        return f"{text} What to do: {hint}"
    return (
        f"{text} What to do: Azure accepted the request to {action} it but could not finish it. {OPERATION_FAILED_HINT}"
    )
