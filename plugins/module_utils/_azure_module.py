# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module wrapper every mlops.azure module uses.

``AzureModule`` is an ``AnsibleModule`` with the shared authentication options (and their environment
fallbacks), the cloud it talks to, a credential built on first use, management clients built on demand
(``module.client(KeyVaultManagementClient)``), and Azure errors turned into failures that name the
resource, the ARM error code and what to do next.

Nothing here imports an Azure SDK at module import time: ``azure-identity`` and ``azure-core`` are imported
when the first credential or client is needed, and each module imports only the management SDK it uses
(through ``optional_import``), so a missing package is a clear ``missing_required_lib`` failure.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import logging
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    FAILED_STATES,
    AzureResource,
    NotConverged,
    Refusal,
)
from ansible_collections.mlops.azure.plugins.module_utils._validate import (
    MAX_TAG_NAME,
    guid_errors,
    ip_rules_errors,
    location_errors,
    tag_errors,
)

COLLECTION_USER_AGENT = "mlops.azure/0.1.0"

AZURE_AUTH_ARGSPEC = dict(
    subscription_id=dict(type="str", fallback=(env_fallback, ["AZURE_SUBSCRIPTION_ID"])),
    client_id=dict(type="str", fallback=(env_fallback, ["AZURE_CLIENT_ID"])),
    secret=dict(type="str", no_log=True, fallback=(env_fallback, ["AZURE_SECRET", "AZURE_CLIENT_SECRET"])),
    tenant=dict(type="str", fallback=(env_fallback, ["AZURE_TENANT", "AZURE_TENANT_ID"])),
    cloud_environment=dict(type="str", default="AzureCloud", fallback=(env_fallback, ["AZURE_CLOUD_ENVIRONMENT"])),
)

METADATA_API_VERSION = "2022-09-01"

# The common options of a module that manages one resource; add them with ``dict(spec, **COMMON)``.
STATE_ARGSPEC = dict(state=dict(type="str", default="present", choices=["present", "absent"]))
TAGS_ARGSPEC = dict(tags=dict(type="dict"), append_tags=dict(type="bool", default=True))


def string_tags(tags):
    """Tag values as Azure stores them: strings (``None`` stays ``None``: tags not managed)."""
    if tags is None:
        return None
    return dict((str(key), "" if value is None else str(value)) for key, value in tags.items())


# ---------------------------------------------------------------------------------------------
# Clouds
# ---------------------------------------------------------------------------------------------


class Cloud:
    """Where ARM and the login endpoint of one Azure cloud live."""

    def __init__(self, name, resource_manager, authority, audience, custom=False):
        self.name = name
        self.resource_manager = resource_manager.rstrip("/")
        self.authority = authority.rstrip("/")
        self.audience = audience
        self.custom = custom

    @property
    def scope(self):
        return self.audience.rstrip("/") + "/.default"

    def __repr__(self):
        return f"Cloud({self.name!r}, {self.resource_manager!r}, {self.authority!r}, {self.audience!r})"


KNOWN_CLOUDS = {
    "azurecloud": Cloud(
        "AzureCloud",
        "https://management.azure.com",
        "https://login.microsoftonline.com",
        "https://management.azure.com",
    ),
    "azureusgovernment": Cloud(
        "AzureUSGovernment",
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
        "https://management.usgovcloudapi.net",
    ),
    "azurechinacloud": Cloud(
        "AzureChinaCloud",
        "https://management.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn",
    ),
}
KNOWN_CLOUDS["azurepubliccloud"] = KNOWN_CLOUDS["azurecloud"]


class CloudError(Exception):
    """``cloud_environment`` names no cloud we can use; the message says why."""


def cloud_from_metadata(url, document):
    """The ``Cloud`` a ``/metadata/endpoints`` document describes (one object, or a list of clouds)."""
    base = url.rstrip("/")
    entries = document if isinstance(document, list) else [document]
    entries = [entry for entry in entries if isinstance(entry, dict)]
    if not entries:
        raise CloudError(f"{base}/metadata/endpoints returned no cloud description")
    chosen = entries[0]
    for entry in entries:
        if str(entry.get("resourceManager", "")).rstrip("/").lower() == base.lower():
            chosen = entry
            break
    auth = chosen.get("authentication") or {}
    login = auth.get("loginEndpoint")
    audiences = [a for a in auth.get("audiences") or [] if a]
    resource_manager = chosen.get("resourceManager") or base
    if not login or not audiences:
        raise CloudError(
            f"{base}/metadata/endpoints does not name authentication.loginEndpoint and authentication.audiences"
        )
    audience = audiences[0]
    for candidate in audiences:
        if candidate.rstrip("/").lower() == resource_manager.rstrip("/").lower():
            audience = candidate
            break
    for value, what in ((resource_manager, "resourceManager"), (login, "authentication.loginEndpoint")):
        if not str(value).lower().startswith("https://"):
            raise CloudError(f"{what} in {base}/metadata/endpoints is {value!r}: Azure tokens are only sent over https")
    return Cloud(chosen.get("name") or base, resource_manager, login, audience, custom=True)


def fetch_cloud_metadata(url, timeout=30):
    """GET ``{url}/metadata/endpoints`` (REQUESTS_CA_BUNDLE honoured) and describe the cloud."""
    import requests  # azure-core depends on requests; imported only for a custom cloud

    endpoint = "{}/metadata/endpoints?api-version={}".format(url.rstrip("/"), METADATA_API_VERSION)
    session = requests.Session()
    try:
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None)
        session.mount("https://", HTTPAdapter(max_retries=retry))
    except (ImportError, TypeError):
        pass
    try:
        response = session.get(endpoint, timeout=timeout, headers={"Accept": "application/json"})
    except requests.exceptions.SSLError as exc:
        raise CloudError(
            f"TLS verification of {endpoint} failed ({_first_line(exc)}). If the endpoint uses a private CA, "
            "point REQUESTS_CA_BUNDLE at a PEM file holding it."
        ) from None
    except requests.exceptions.RequestException as exc:
        raise CloudError(
            f"Could not reach {endpoint}: {_first_line(exc)}. Check cloud_environment and the network."
        ) from None
    if response.status_code != 200:
        raise CloudError(
            f"{endpoint} answered HTTP {response.status_code}; cloud_environment must be a cloud name "
            "(AzureCloud, AzureUSGovernment, AzureChinaCloud) or the https URL of an ARM endpoint that serves "
            "/metadata/endpoints"
        )
    try:
        document = response.json()
    except ValueError:
        raise CloudError(f"{endpoint} did not return JSON") from None
    return cloud_from_metadata(url, document)


def resolve_cloud(value, fetch=fetch_cloud_metadata):
    """``AzureCloud`` / ``AzureUSGovernment`` / ``AzureChinaCloud``, or an https ARM URL described by metadata."""
    text = (value or "AzureCloud").strip()
    known = KNOWN_CLOUDS.get(text.lower())
    if known is not None:
        return known
    lowered = text.lower()
    if lowered.startswith("http://"):
        raise CloudError(
            f"cloud_environment {text!r} uses http: ARM endpoints must be https "
            "(bearer tokens are refused over plain http)"
        )
    if not lowered.startswith("https://"):
        raise CloudError(
            f"cloud_environment {text!r} is neither a known cloud (AzureCloud, AzureUSGovernment, "
            "AzureChinaCloud) nor an https URL of an ARM endpoint"
        )
    return fetch(text)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

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


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


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


def _azure_error_types():
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


def result_outcome(result):
    """``(state, details)`` when the result of a long-running operation that azure-core took for a success is an
    operation status that ended ``Failed`` or ``Canceled``, else None.

    The storage resource provider answers the ``Location`` poll of a create that failed with 200 and
    ``{"status": "Failed", "error": {...}}`` (and rolls the account back). azure-core's poller takes any 200 there for
    success and returns that body as the result: an SDK model with no id and no properties."""
    body = rest_dict(result)
    if not isinstance(body, dict) or "properties" in body:
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
        "type": "OperationStatus",
        "provisioning_state": state,
    }
    return state, details


def format_operation_failure(action, label, state, details):
    """``<label> ended in provisioning state Failed: <code>: <message>. What to do: ...``"""
    reason = ": ".join(str(part) for part in (details.get("code"), details.get("message")) if part)
    text = f"{label} ended in provisioning state {state}: {reason}".rstrip()
    if not text.endswith("."):
        text += "."
    return (
        f"{text} What to do: Azure accepted the request to {action} it but could not finish it. {OPERATION_FAILED_HINT}"
    )


# ---------------------------------------------------------------------------------------------
# SDK imports and model conversion
# ---------------------------------------------------------------------------------------------


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


def decode_jwt_claims(token):
    """The claims of a JWT access token (no signature check: used only to learn our own tenant)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}


# ---------------------------------------------------------------------------------------------
# The module wrapper
# ---------------------------------------------------------------------------------------------


class AzureModule(AnsibleModule):
    """``AnsibleModule`` plus Azure authentication, clients on demand and readable Azure failures.

    ``argument_spec`` is the module's own options; the auth options are added. Use ``client()`` for a
    management client, ``call()`` / ``azure_errors()`` around SDK calls, ``fail_refusal()`` for a
    ``Refusal``.
    """

    # Options whose values are Entra ID object or tenant ids, checked as GUIDs before any call.
    GUID_OPTIONS = ("principal_id", "tenant_id")

    def __init__(self, argument_spec, supports_check_mode=True, tag_name_limit=MAX_TAG_NAME, **kwargs):
        spec = dict(AZURE_AUTH_ARGSPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        logging.getLogger("azure").addHandler(logging.NullHandler())
        self._cloud = None
        self._credential = None
        self._clients = {}
        self._tenant_id = None
        self._check_common_values(tag_name_limit)

    def _check_common_values(self, tag_name_limit):
        """Tags (Azure's count, length and character limits) and GUID options, checked before any call."""
        problems = ["tags: " + problem for problem in tag_errors(self.params.get("tags"), tag_name_limit)]
        for option in self.GUID_OPTIONS:
            if self.params.get(option) is not None and option in self.argument_spec:
                problems.extend(guid_errors(self.params[option], option))
        self.fail_on_problems(problems)

    def fail_on_problems(self, problems):
        """Fail, before anything is sent to Azure, listing every problem found in the input."""
        if problems:
            self.fail_json(
                msg="Invalid input; nothing was sent to Azure: {}.".format("; ".join(problems)), problems=problems
            )

    def check_ip_rules(self, values, service, option="network_acls.ip_rules"):
        """Fail before any call when a firewall IP rule of ``service`` is one Azure refuses."""
        self.fail_on_problems([f"{option}: {problem}" for problem in ip_rules_errors(values, service)])

    def check_location(self, location):
        """Fail before any write when ``location`` is not one of the subscription's (one read per module run)."""
        if location is None:
            return
        # Imported here: the resource SDK is loaded only by a module that creates something with a location.
        from ansible_collections.mlops.azure.plugins.module_utils._resource_group import subscription_locations

        self.fail_on_problems(location_errors(location, subscription_locations(self)))

    # -- auth -------------------------------------------------------------------------------
    @property
    def subscription_id(self):
        value = self.params.get("subscription_id")
        if not value:
            self.fail_json(
                msg="No subscription: set subscription_id (or the AZURE_SUBSCRIPTION_ID environment variable), "
                "for example once for all tasks with module_defaults: group/mlops.azure.azure."
            )
        return value

    @property
    def cloud(self):
        if self._cloud is None:
            try:
                self._cloud = resolve_cloud(self.params.get("cloud_environment"))
            except CloudError as exc:
                self.fail_json(msg=f"cloud_environment: {exc}")
        return self._cloud

    @property
    def credential(self):
        if self._credential is None:
            self._credential = self._build_credential()
        return self._credential

    def _build_credential(self):
        try:
            from azure import identity
        except ImportError:
            self.fail_json(msg=missing_required_lib("azure-identity"), exception=traceback.format_exc())
        cloud = self.cloud
        client_id = self.params.get("client_id")
        secret = self.params.get("secret")
        tenant = self.params.get("tenant")
        try:
            if secret:
                missing = [name for name, value in (("client_id", client_id), ("tenant", tenant)) if not value]
                if missing:
                    self.fail_json(
                        msg="A service principal secret is set but {} is not: set {} (or AZURE_CLIENT_ID / "
                        "AZURE_TENANT), or unset secret to use the default credential chain.".format(
                            " and ".join(missing), " and ".join(missing)
                        )
                    )
                return identity.ClientSecretCredential(
                    tenant,
                    client_id,
                    secret,
                    authority=cloud.authority,
                    disable_instance_discovery=cloud.custom,
                )
            options = dict(
                authority=cloud.authority,
                exclude_shared_token_cache_credential=True,
                exclude_visual_studio_code_credential=True,
                exclude_powershell_credential=True,
                exclude_developer_cli_credential=True,
                exclude_interactive_browser_credential=True,
            )
            if client_id:
                options["managed_identity_client_id"] = client_id
                options["workload_identity_client_id"] = client_id
            if tenant:
                options["workload_identity_tenant_id"] = tenant
            return identity.DefaultAzureCredential(**options)
        except ValueError as exc:
            self.fail_json(msg=f"Could not set up Azure credentials: {exc}. Check client_id, tenant and secret.")

    @property
    def tenant_id(self):
        """The tenant of the identity in use: ``tenant`` when set, else the ``tid`` claim of an ARM token."""
        if self._tenant_id is None:
            tenant = self.params.get("tenant")
            if not tenant:
                with self.azure_errors("get a token for", "the Azure identity in use"):
                    token = self.credential.get_token(self.cloud.scope).token
                tenant = decode_jwt_claims(token).get("tid")
                if not tenant:
                    self.fail_json(msg="Could not learn the tenant from the access token: set tenant (AZURE_TENANT).")
            self._tenant_id = tenant
        return self._tenant_id

    def client(self, client_class, subscription_id=None, **kwargs):
        """A management client for ``subscription_id`` (default: the module's), built once per module run."""
        if isinstance(client_class, MissingSDK) or client_class is None:
            package = getattr(client_class, "package", "the Azure management SDK")
            self.fail_json(msg=missing_required_lib(package), exception=getattr(client_class, "error", None))
        subscription = subscription_id or self.subscription_id
        key = (client_class, subscription)
        if key not in self._clients:
            cloud = self.cloud
            options = dict(
                credential=self.credential,
                subscription_id=subscription,
                base_url=cloud.resource_manager,
                credential_scopes=[cloud.scope],
                user_agent=COLLECTION_USER_AGENT,
            )
            options.update(kwargs)
            self._clients[key] = client_class(**options)
        return self._clients[key]

    def validate_name(self, resource_type, name, option="name"):
        """Fail, before calling Azure, when ``name`` breaks a naming rule of ``resource_type``."""
        from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors

        problems = name_errors(resource_type, name)
        if problems:
            self.fail_json(msg="{}: {}".format(option, "; ".join(problems)), name_errors=problems)

    # -- errors -----------------------------------------------------------------------------
    def fail_azure(self, exc, action, label, hint=None, **result):
        details = describe_azure_error(exc)
        self.fail_json(msg=format_azure_failure(action, label, details, hint), azure_error=details, **result)

    def fail_refusal(self, refusal, **result):
        result.update(refusal.details)
        self.fail_json(msg=refusal.msg, refused=True, **result)

    @contextlib.contextmanager
    def azure_errors(self, action, label, hint=None):
        """Turn azure-core errors raised inside the block into a failure naming ``action`` and ``label``."""
        try:
            yield
        except _azure_error_types() as exc:
            self.fail_azure(exc, action, label, hint)

    def call(self, action, label, func, *args, **kwargs):
        """``func(*args, **kwargs)`` with Azure errors turned into a failure about ``action`` on ``label``."""
        with self.azure_errors(action, label):
            return func(*args, **kwargs)

    def read_resources(
        self,
        kind,
        operations,
        name=None,
        resource_group=None,
        plural=None,
        list_in_group="list_by_resource_group",
        list_all="list",
    ):
        """What an ``_info`` module returns, as REST JSON: the resource ``name`` of ``resource_group`` (none when it
        does not exist), every ``kind`` of ``resource_group``, or every one of the subscription. ``operations`` is an
        SDK operations group with ``get`` and the two listing operations named by ``list_in_group`` and
        ``list_all`` (``client.registries``, ...); ``plural`` names several of ``kind`` in messages (default:
        ``kind`` + "s")."""
        plural = plural or kind + "s"
        if name:
            label = f"{kind} '{name}' in resource group '{resource_group}'"
            body = self.read(label, operations.get, resource_group, name)
            return [body] if body is not None else []
        if resource_group:
            with self.azure_errors("list", f"the {plural} of resource group '{resource_group}'"):
                return [rest_dict(item) for item in getattr(operations, list_in_group)(resource_group)]
        with self.azure_errors("list", f"the {plural} of subscription {self.subscription_id}"):
            return [rest_dict(item) for item in getattr(operations, list_all)()]

    def read(self, label, func, *args, **kwargs):
        """``func(...)`` as REST JSON, or ``None`` on 404. Warns when the resource group itself is missing."""
        try:
            return rest_dict(func(*args, **kwargs))
        except _azure_error_types() as exc:
            if is_not_found(exc):
                if error_code(exc) == "ResourceGroupNotFound" and self.params.get("resource_group"):
                    self.warn(
                        "Resource group '{}' does not exist (yet); {} is treated as absent.".format(
                            self.params.get("resource_group"), label
                        )
                    )
                return None
            self.fail_azure(exc, "read", label)

    def wait(self, action, label, begin, *args, **kwargs):
        """Start a long-running operation (``begin(*args, **kwargs)``, an SDK ``begin_*`` call) and wait for its
        result. An operation that ends ``Failed`` or ``Canceled`` fails the module with
        "<label> ended in provisioning state Failed: <code>: <message>" and what to do, whether the SDK raised it
        or returned the failed operation status as its result (a failed storage account create)."""
        poller = self.call(action, label, begin, *args, **kwargs)
        try:
            result = poller.result()
        except _azure_error_types() as exc:
            outcome = operation_outcome(exc)
            if outcome is None:
                self.fail_azure(exc, action, label)
            self._fail_operation(action, label, *outcome)
        outcome = result_outcome(result)
        if outcome is not None:
            self._fail_operation(action, label, *outcome)
        return result

    def _fail_operation(self, action, label, state, details):
        self.fail_json(
            msg=format_operation_failure(action, label, state, details),
            azure_error=details,
            provisioning_state=state,
        )

    def run_reconcile(self, reconcile_func, resource, *args, **kwargs):
        """Run ``reconcile_func(resource, ...)`` with refusals and unconverged resources turned into failures."""
        try:
            return reconcile_func(resource, *args, **kwargs)
        except Refusal as refusal:
            self.fail_refusal(refusal)
        except NotConverged as exc:
            self.fail_json(msg=exc.msg, changed=True, resource=exc.resource)


class GroupedResource(AzureResource):
    """A resource that lives in a resource group. Subclasses set ``module``, ``resource_group`` and ``location``
    (the ``location`` option, or ``None`` to create the resource in the group's location)."""

    def create_location(self, desired):
        if desired.get("location"):
            if not getattr(self, "_location_checked", False):
                self.module.check_location(desired["location"])
                self._location_checked = True
            return desired["location"]
        if self.location is None:
            # Imported here: the resource group SDK is only loaded by modules that need the group's location.
            from ansible_collections.mlops.azure.plugins.module_utils._resource_group import resource_group_location

            self.location = resource_group_location(self.module, self.resource_group)
        return self.location

    def check_name_available(self, check_name_availability, resource_type, advice):
        """Refuse to create a resource with a global name that ``check_name_availability`` (the service's
        operation) says is not free; ``advice`` says what to do instead."""
        result = self.module.call(
            "check the name of", self.label, check_name_availability, {"name": self.name, "type": resource_type}
        )
        result = rest_dict(result) or {}
        if result.get("nameAvailable") is False:
            raise Refusal(
                "{} cannot be created: the name is not available ({}: {}). {}".format(
                    self.label, result.get("reason"), result.get("message"), advice
                ),
                name_available=False,
            )
