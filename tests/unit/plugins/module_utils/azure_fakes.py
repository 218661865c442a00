"""Test doubles for module_utils unit tests: a module stand-in and an in-memory SDK client recorder."""

from __future__ import annotations

import contextlib
import copy
import json

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from azure.core.exceptions import ResourceNotFoundError


class NotFound(Exception):
    status_code = 404


class Failed(Exception):
    """What ``FakeModule.fail_json`` raises."""

    def __init__(self, result):
        super().__init__(result.get("msg"))
        self.result = result


class Poller:
    def __init__(self, value=None):
        self.value = value

    def result(self):
        return self.value


SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000001"


def _operation_name(func):
    return getattr(func, "__name__", repr(func))


class FakeModule:
    """Enough of ``AzureModule`` for the resource classes: no Ansible, no network.

    It records what a test may want to check: ``clients_for`` (the subscription each client was asked for),
    ``client_class`` (the last client class asked for), ``calls`` (the SDK operations run through ``read``,
    ``call`` and ``wait``, by name), ``warnings`` and ``locations_checked``."""

    def __init__(self, client, check_mode=False, params=None, subscription_id=SUBSCRIPTION_ID):
        self._client = client
        self.check_mode = check_mode
        self.params = params or {}
        self.subscription_id = subscription_id
        self.tenant_id = "tenant-1"
        self.warnings = []
        self.locations_checked = []
        self.clients_for = []
        self.client_class = None
        self.calls = []

    # The real listing of the ``_info`` readers, run on this fake's ``read`` and ``azure_errors``.
    read_resources = AzureModule.read_resources

    def client(self, client_class, subscription_id=None):
        self.client_class = client_class
        self.clients_for.append(subscription_id)
        return self._client

    def read(self, label, func, *args, warn_missing_group=True, **kwargs):
        """A copy of what ``func`` returns, as the real ``read`` returns a fresh REST dict; ``None`` on 404."""
        self.calls.append(_operation_name(func))
        try:
            return copy.deepcopy(func(*args, **kwargs))
        except (NotFound, ResourceNotFoundError):
            return None

    def call(self, action, label, func, *args, **kwargs):
        self.calls.append(_operation_name(func))
        return func(*args, **kwargs)

    def wait(self, action, label, begin, *args, hints=None, **kwargs):
        return self.call(action, label, begin, *args, **kwargs).result()

    def check_location(self, location):
        self.locations_checked.append(location)

    @contextlib.contextmanager
    def azure_errors(self, action, label, hint=None):
        yield

    def fail_json(self, **result):
        raise Failed(result)

    def fail_azure(self, exc, action, label, hint=None, **result):
        raise Failed(dict(result, msg=f"Could not {action} {label}: {exc}", hint=hint))

    def warn(self, text):
        self.warnings.append(text)


class Recorder:
    """Records every call made through it as ``(name, args)``."""

    def __init__(self):
        self.calls = []

    def record(self, name, *args):
        self.calls.append((name, args))

    @property
    def writes(self):
        reads = (
            "get",
            "get_deleted",
            "list_deleted",
            "check_name_availability",
            "get_properties",
            "get_service_properties",
            "list",
        )
        return [name for name, _args in self.calls if name.split(".")[-1] not in reads]


# -- Azure errors and cloud metadata, as azure-core and ARM give them ---------------------------------------------


class FakeResponse:
    """Enough of an azure-core HTTP response to build an ``HttpResponseError`` from."""

    def __init__(self, status, body, headers=None):
        self.status_code = status
        self.reason = "Reason"
        self.headers = headers or {}
        self._body = body

    def text(self, encoding=None):
        return json.dumps(self._body) if not isinstance(self._body, str) else self._body


def arm_error(cls, status, code, message, target=None, headers=None):
    """An azure-core exception of class ``cls`` carrying an ARM error body."""
    body = {"error": {"code": code, "message": message}}
    if target:
        body["error"]["target"] = target
    return cls(response=FakeResponse(status, body, headers))


# What the emulator's /metadata/endpoints answers.
EMULATOR_METADATA = {
    "name": "ArmEmulator",
    "resourceManager": "https://127.0.0.1:8443/",
    "authentication": {
        "loginEndpoint": "https://127.0.0.1:8443/login/",
        "audiences": ["https://management.core.windows.net/", "https://127.0.0.1:8443/"],
    },
}
