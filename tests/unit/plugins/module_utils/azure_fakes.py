"""Test doubles for module_utils unit tests: a module stand-in and an in-memory SDK client recorder."""

from __future__ import annotations

import contextlib


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


class FakeModule:
    """Enough of ``AzureModule`` for the resource classes: no Ansible, no network."""

    def __init__(self, client, check_mode=False, params=None):
        self._client = client
        self.check_mode = check_mode
        self.params = params or {}
        self.subscription_id = "00000000-0000-0000-0000-000000000001"
        self.tenant_id = "tenant-1"
        self.warnings = []
        self.locations_checked = []

    def client(self, _cls, subscription_id=None):
        return self._client

    def read(self, label, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NotFound:
            return None

    def call(self, action, label, func, *args, **kwargs):
        return func(*args, **kwargs)

    def wait(self, action, label, begin, *args, hints=None, **kwargs):
        return begin(*args, **kwargs).result()

    def check_location(self, location):
        self.locations_checked.append(location)

    @contextlib.contextmanager
    def azure_errors(self, action, label, hint=None):
        yield

    def fail_json(self, **result):
        raise Failed(result)

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
