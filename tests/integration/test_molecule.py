"""The molecule scenarios of ``extensions/molecule/``, each run with ``molecule test -s <name>`` against the emulator.

One test per scenario: the default test sequence (destroy, syntax, prepare, converge, idempotence, verify,
destroy), so a role or the playbook must converge, change nothing the second time, and pass its verify, which
reads the state back with the collection's ``_info`` modules. The emulator is reset before each scenario (and the
scenarios' shared ``destroy`` empties it again), so no scenario sees another's resources.

molecule runs from the repository root, where it finds the collection (``galaxy.yml``) and its scenarios, with
the emulator's variables in the environment; ``extensions/molecule/config.yml`` points Ansible at this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS_DIR = os.path.join(REPO, "extensions", "molecule")
BIN = os.path.dirname(sys.executable)

ROLE_SCENARIOS = [
    "resource_group",
    "key_vault",
    "storage_account",
    "container_registry",
    "app_insights",
    "ml_workspace",
]
PLAYBOOK_SCENARIOS = ["playbook_local", "playbook_dev", "playbook_test", "playbook_prod"]
SCENARIOS = ROLE_SCENARIOS + PLAYBOOK_SCENARIOS

TIMEOUT = 1200
TAIL = 12000


def _scenarios_on_disk():
    found = []
    for root, _dirs, files in os.walk(SCENARIOS_DIR):
        if "molecule.yml" in files:
            found.append(os.path.relpath(root, SCENARIOS_DIR).replace(os.sep, "/"))
    return sorted(found)


def _molecule_env(emulator, ephemeral_dir):
    env = dict(os.environ)
    # What the caller's shell points Ansible or Azure clients at must not leak in: only the emulator's variables.
    for key in list(env):
        if key.startswith(("AZURE_", "ANSIBLE_", "MOLECULE_")) or key in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
            env.pop(key)
    env.update(emulator.env)
    env.update(
        # molecule calls ansible-playbook and ansible-config by name: the ones of this virtualenv.
        PATH=os.pathsep.join([BIN, env.get("PATH", "")]),
        MOLECULE_EPHEMERAL_DIRECTORY=str(ephemeral_dir),
        NO_COLOR="1",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        PY_COLORS="0",
        ANSIBLE_DEPRECATION_WARNINGS="false",
    )
    return env


def test_every_scenario_has_a_test():
    assert _scenarios_on_disk() == sorted(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(scenario, clean_emulator, tmp_path):
    args = [sys.executable, "-m", "molecule", "test", "--scenario-name", scenario]
    started = time.monotonic()
    try:
        proc = subprocess.run(
            args,
            cwd=REPO,
            env=_molecule_env(clean_emulator, tmp_path / "molecule"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else exc.output or ""
        pytest.fail(f"molecule test -s {scenario} did not finish in {TIMEOUT}s:\n{output[-TAIL:]}")
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, (
        f"molecule test -s {scenario} failed with rc {proc.returncode} after {elapsed:.0f}s:\n{proc.stdout[-TAIL:]}"
    )
    # The default sequence ran in full: the role or the playbook converged, changed nothing the second time, and
    # its verify passed.
    for step in ("converge", "idempotence", "verify"):
        assert f"{scenario} > {step}: Executed: Successful" in proc.stdout, (
            f"molecule test -s {scenario} did not run {step}:\n{proc.stdout[-TAIL:]}"
        )
