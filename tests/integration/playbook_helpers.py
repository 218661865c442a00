"""Helpers for the playbook-level tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

CLEAR_REQUESTS = "CLEAR_REQUESTS"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


def run_playbook(emulator, playbook, *args, inventory="inventories/local"):
    """``ansible-playbook PLAYBOOK -i INVENTORY ARGS`` from the repository root against ``emulator``, as a user runs
    it; returns ``(returncode, changed, failed, output)``, the counts from the PLAY RECAP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    env.update(emulator.env)
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    proc = subprocess.run(
        [ANSIBLE_PLAYBOOK, playbook, "-i", inventory, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = proc.stdout + proc.stderr
    recap = re.search(r"changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", output)
    assert recap, output[-4000:]
    return proc.returncode, int(recap.group(1)), int(recap.group(2)), output


def writes(requests):
    """The requests of an emulator log that are not reads."""
    return [f"{r['method']} {r['path']} {r['status']}" for r in requests if r["method"] not in ("GET", "HEAD")]
