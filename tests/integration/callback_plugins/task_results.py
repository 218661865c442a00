"""A callback for the playbook-level tests: one JSON line per task result (and per loop item), appended to the
file named by ``MLOPS_TASK_RESULTS``. Enable it with ``ANSIBLE_CALLBACK_PLUGINS=<this directory>`` and
``ANSIBLE_CALLBACKS_ENABLED=task_results`` (``playbook_helpers.task_results_env``)."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_results
type: aggregate
short_description: write each task result as a JSON line (playbook-level tests)
description:
  - Appends C(host), C(task), C(action), C(status), C(changed), C(msg) and C(item) of every result to the file
    named by the environment variable C(MLOPS_TASK_RESULTS).
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("MLOPS_TASK_RESULTS")

    def _record(self, result, status, item=False):
        if not self._path:
            return
        data = result._result  # noqa: SLF001 - the callback API hands results over this way
        record = {
            "host": result._host.get_name(),  # noqa: SLF001
            "task": result._task.get_name(),  # noqa: SLF001
            "action": result._task.action,  # noqa: SLF001
            "status": status,
            "changed": bool(data.get("changed")),
            "msg": data.get("msg") if isinstance(data.get("msg"), str) else None,
            "item": item,
        }
        with open(self._path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "ok", item=True)

    def v2_runner_item_on_failed(self, result):
        self._record(result, "failed", item=True)

    def v2_runner_item_on_skipped(self, result):
        self._record(result, "skipped", item=True)
