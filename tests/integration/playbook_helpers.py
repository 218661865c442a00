"""Helpers for the playbook-level tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

CLEAR_REQUESTS = "CLEAR_REQUESTS"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
# POSTs that only read: the name checks (checkNameAvailability, checkResourceName) and key listings.
READ_ONLY_POST = re.compile(r"/(checkNameAvailability|checkResourceName|listKeys)$", re.IGNORECASE)
RECAP = re.compile(
    r"^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+"
    r"failed=(?P<failed>\d+)",
    re.MULTILINE,
)


def writes(requests):
    """The requests of an emulator log that are not reads."""
    return [f"{r['method']} {r['path']} {r['status']}" for r in requests if r["method"] not in ("GET", "HEAD")]


def stack_writes(requests):
    """The writes of an emulator log as ``METHOD path``: every request but GET, HEAD and the POSTs that only read."""
    return [
        f"{r['method']} {r['path']}"
        for r in requests
        if r["method"] not in ("GET", "HEAD") and not (r["method"] == "POST" and READ_ONLY_POST.search(r["path"]))
    ]


def playbook_env(emulator, extra_env=None):
    """The environment ``ansible-playbook`` runs with: the emulator's variables, none of the caller's AZURE_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    env.update(emulator.env)
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.update(extra_env or {})
    return env


def playbook_args(playbook, *args, inventory="inventories/local"):
    return [ANSIBLE_PLAYBOOK, str(playbook), "-i", str(inventory), *args]


def recaps(output):
    """The PLAY RECAP of each host: ``{host: {"ok", "changed", "unreachable", "failed"}}``."""
    return {
        m["host"]: {key: int(m[key]) for key in ("ok", "changed", "unreachable", "failed")}
        for m in RECAP.finditer(output)
    }


def run_playbook(emulator, playbook, *args, inventory="inventories/local", extra_env=None, timeout=600):
    """Run ``ansible-playbook`` from the repository against the emulator; return ``(rc, changed, failed, output)``,
    ``changed`` and ``failed`` summed over the hosts of the PLAY RECAP."""
    proc = subprocess.run(
        playbook_args(playbook, *args, inventory=inventory),
        cwd=REPO,
        env=playbook_env(emulator, extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = proc.stdout + proc.stderr
    per_host = recaps(output)
    assert per_host, output[-4000:]
    changed = sum(r["changed"] for r in per_host.values())
    failed = sum(r["failed"] for r in per_host.values())
    return proc.returncode, changed, failed, output


def task_results_env(path):
    """Extra environment that makes ``ansible-playbook`` write each task result as a JSON line to ``path``
    (``callback_plugins/task_results.py``); read them back with ``task_results(path)``."""
    return {
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "task_results",
        "MLOPS_TASK_RESULTS": str(path),
    }


def task_results(path):
    """The records ``task_results_env`` had written, in order (none when the file is missing)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
