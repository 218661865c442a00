"""Shared fixtures: a running ARM emulator (``emulator``, ``clean_emulator``) and a factory for extra instances.

``emulator`` (session): ``python -m arm_emulator --data-dir <tmp> --port 0 --latency instant`` in a subprocess;
the object it yields has ``.env``, ``.url``, ``.data_dir``, ``.ca``, ``.subscription_id``,
``.foreign_subscription_id``, ``.credential()``, ``.client(ClientClass, subscription_id=None)``, ``.requests()``,
``.clear_requests()``, ``.add_fault(**rule)``, ``.clear_faults()``, ``.reset()``.
``clean_emulator`` (function): the same object after ``reset()``, with faults and the request log cleared.
``arm_emulator_factory`` (function): ``start(data_dir=None, *extra_args)`` for instances a test owns (restart,
latency, signals); they are stopped when the test ends.
"""

from __future__ import annotations

import inspect
import json
import os
import shlex
import signal
import ssl
import subprocess
import sys
import time
import urllib.request

import pytest

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator")
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

START_TIMEOUT = 60


class ArmEmulator:
    """A running emulator subprocess and helpers to talk to it."""

    def __init__(self, data_dir: str, *extra_args: str):
        self.data_dir = str(data_dir)
        self.args = list(extra_args)
        self.process: subprocess.Popen | None = None
        self.env: dict = {}
        self._ssl: ssl.SSLContext | None = None

    # lifecycle ---------------------------------------------------------------------------------------------------
    def start(self) -> ArmEmulator:
        os.makedirs(self.data_dir, exist_ok=True)
        env_file = os.path.join(self.data_dir, "emulator.env")
        if os.path.exists(env_file):
            os.unlink(env_file)
        child_env = dict(os.environ)
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [EMULATOR_DIR, child_env.get("PYTHONPATH")]))
        args = [sys.executable, "-m", "arm_emulator", "--data-dir", self.data_dir]
        if "--port" not in self.args:
            args += ["--port", "0"]
        if "--latency" not in self.args:
            args += ["--latency", "instant"]
        self._log = open(os.path.join(self.data_dir, "emulator.log"), "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(args + self.args, stdout=self._log, stderr=subprocess.STDOUT, env=child_env)
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(env_file):
            if self.process.poll() is not None:
                raise RuntimeError(f"the ARM emulator exited with {self.process.returncode}: {self.log_text()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the ARM emulator did not start in {START_TIMEOUT}s: {self.log_text()}")
            time.sleep(0.05)
        self.env = self.read_env(env_file)
        self._ssl = ssl.create_default_context(cafile=self.ca)
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        code = self.process.returncode
        self.process = None
        return code

    def log_text(self) -> str:
        try:
            with open(os.path.join(self.data_dir, "emulator.log"), encoding="utf-8", errors="replace") as fh:
                return fh.read()[-4000:]
        except OSError:
            return ""

    @staticmethod
    def read_env(path: str) -> dict:
        values = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line.startswith("export "):
                    key, _, value = line[len("export ") :].partition("=")
                    values[key] = shlex.split(value)[0] if value else ""
        return values

    # what tests use ----------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.env["AZURE_CLOUD_ENVIRONMENT"]

    @property
    def ca(self) -> str:
        return self.env["REQUESTS_CA_BUNDLE"]

    @property
    def subscription_id(self) -> str:
        return self.env["AZURE_SUBSCRIPTION_ID"]

    @property
    def foreign_subscription_id(self) -> str:
        return self.env["ARM_EMULATOR_FOREIGN_SUBSCRIPTION_ID"]

    @property
    def scope(self) -> str:
        return self.url + "/.default"

    def credential(self, **kwargs):
        from azure.identity import ClientSecretCredential

        return ClientSecretCredential(
            kwargs.pop("tenant_id", self.env["AZURE_TENANT"]),
            kwargs.pop("client_id", self.env["AZURE_CLIENT_ID"]),
            kwargs.pop("client_secret", self.env["AZURE_SECRET"]),
            authority=self.url,
            disable_instance_discovery=True,
            connection_verify=self.ca,
            **kwargs,
        )

    def client(self, client_class, subscription_id: str | None = None, credential=None, **kwargs):
        """An azure-mgmt-* client pointed at the emulator (base_url, credential_scopes, connection_verify)."""
        credential = credential or self.credential()
        options = dict(base_url=self.url, credential_scopes=[self.scope], connection_verify=self.ca)
        options.update(kwargs)
        params = inspect.signature(client_class.__init__).parameters
        if "subscription_id" in params:
            return client_class(credential, subscription_id or self.subscription_id, **options)
        return client_class(credential, **options)

    def admin(self, method: str, path: str, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, context=self._ssl, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def requests(self) -> list:
        return self.admin("GET", "/_emulator/requests")

    def clear_requests(self) -> None:
        self.admin("DELETE", "/_emulator/requests")

    def add_fault(self, **rule) -> dict:
        return self.admin("POST", "/_emulator/faults", rule)

    def clear_faults(self) -> None:
        self.admin("DELETE", "/_emulator/faults")

    def reset(self) -> None:
        self.admin("POST", "/_emulator/reset")


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    instance = ArmEmulator(tmp_path_factory.mktemp("arm-emulator")).start()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def clean_emulator(emulator):
    emulator.reset()
    emulator.clear_faults()
    emulator.clear_requests()
    return emulator


@pytest.fixture
def arm_emulator_factory(tmp_path):
    started = []

    def start(data_dir=None, *extra_args):
        instance = ArmEmulator(data_dir or tmp_path / f"emulator-{len(started)}", *extra_args).start()
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


def pytest_terminal_summary(terminalreporter):
    """Show the tables tests record as the ``fault_matrix`` user property (also from xdist workers)."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", []):
                if name == "fault_matrix":
                    terminalreporter.write_sep("=", f"fault matrix ({report.nodeid}, {outcome})")
                    terminalreporter.write_line(value)


# The longest tests (sequences of whole-stack ansible-playbook runs), started first. pytest-xdist deals the first
# quarter of the collection to its workers in turn and the rest as they finish: a long test collected last would run
# alone at the end while the other worker has nothing left to do.
LONG_FIRST = (
    "tests/integration/test_fault_matrix.py",
    "tests/integration/test_network_mode_integration.py",
    "tests/integration/test_molecule.py",
    "tests/integration/test_awx_runner.py",
    "tests/integration/test_playbooks.py",
    "tests/integration/test_overlapped_creates.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {path: index for index, path in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONG_FIRST)))
