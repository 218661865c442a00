"""Run real ``ansible-playbook`` against the ARM emulator and hand the module results to the test.

``play(tasks)`` writes a playbook for implicit localhost from a list of task dicts (``{"mlops.azure.key_vault":
{...}, "check_mode": true}``), registers every task's result (failures included: ``ignore_errors``), dumps them as
JSON, and returns them in order. The string ``CLEAR_REQUESTS`` as a task empties the emulator's request log at
that point of the play, so a test can count the requests of the tasks after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playbook_helpers import CLEAR_REQUESTS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


class PlayError(AssertionError):
    pass


def _clear_task():
    return {
        "name": "Clear the emulator request log",
        "ansible.builtin.uri": {
            "url": "{{ lookup('ansible.builtin.env', 'AZURE_CLOUD_ENVIRONMENT') }}/_emulator/requests",
            "method": "DELETE",
            "ca_path": "{{ lookup('ansible.builtin.env', 'REQUESTS_CA_BUNDLE') }}",
            "status_code": [200, 204],
        },
        "check_mode": False,
        "changed_when": False,
    }


def build_playbook(tasks, out_path):
    play_tasks = []
    registered = []
    for index, task in enumerate(tasks):
        if task == CLEAR_REQUESTS:
            play_tasks.append(_clear_task())
            continue
        task = dict(task)
        name = f"r{index}"
        task.setdefault("name", f"task {index}")
        task["register"] = name
        task["ignore_errors"] = True
        play_tasks.append(task)
        registered.append(name)
    play_tasks.append(
        {
            "name": "Write the results",
            "ansible.builtin.copy": {"content": "{{ __results | to_json }}", "dest": str(out_path), "mode": "0600"},
            "vars": {"__results": "{{ [" + ", ".join(registered) + "] }}"},
            "check_mode": False,
            "diff": False,
        }
    )
    return [{"name": "integration", "hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]


@pytest.fixture
def play(clean_emulator, tmp_path):
    """``play(tasks, diff=True, extra_env=None)`` -> list of registered results."""
    counter = {"n": 0}

    def run(tasks, diff=True, extra_env=None, timeout=300):
        counter["n"] += 1
        playbook = tmp_path / f"play{counter['n']}.yml"
        out = tmp_path / f"results{counter['n']}.json"
        playbook.write_text(json.dumps(build_playbook(tasks, out), indent=1))
        env = dict(os.environ)
        for key in list(env):
            if key.startswith("AZURE_") or key == "ANSIBLE_COLLECTIONS_PATH":
                env.pop(key)
        env.update(clean_emulator.env)
        env.update(
            ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_DEPRECATION_WARNINGS="false",
        )
        env.update(extra_env or {})
        args = [ANSIBLE_PLAYBOOK, str(playbook)]
        if diff:
            args.append("--diff")
        proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0 or not out.exists():
            raise PlayError(
                f"ansible-playbook failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
            )
        results = json.loads(out.read_text())
        for result in results:
            text = json.dumps(result)
            assert "Traceback" not in text, f"a traceback reached the user: {text[:3000]}"
            assert "module_stderr" not in result, f"the module crashed: {text[:3000]}"
        run.stdout = proc.stdout
        return results

    return run
