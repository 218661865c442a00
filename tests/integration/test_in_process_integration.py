"""The modules' action plugin (``plugins/action/azure_module.py``): a module run in the task's worker process returns
what the usual AnsiballZ run returns, and the usual run is still taken where the two could differ."""

from __future__ import annotations

import copy
import sys

from playbook_helpers import CLEAR_REQUESTS

RG = "rg-it-inprocess"
FOREIGN = "00000000-0000-4000-8000-00000000f00d"
MARKER = "in the task's worker process"
JOB_MARKER = "as a job from the task's worker process"


def group(**args):
    return {"mlops.azure.resource_group": dict({"name": RG}, **args)}


TASKS = [
    dict(group(location="westeurope", tags={"env": "dev"}), check_mode=True),
    group(location="westeurope", tags={"env": "dev"}),
    CLEAR_REQUESTS,
    group(location="westeurope", tags={"env": "dev"}),
    {"mlops.azure.resource_group_info": {"name": RG}},
    # the task's environment reaches the module
    {"mlops.azure.resource_group_info": {"name": RG}, "environment": {"AZURE_SUBSCRIPTION_ID": FOREIGN}},
    # a module-side warning comes back with the result
    {"mlops.azure.key_vault_info": {"name": "kv-it-inprocess", "resource_group": "rg-it-inprocess-missing"}},
    # a refusal before any request
    {"mlops.azure.resource_group": {"name": "rg bad!", "location": "westeurope"}},
    # a module argument error (AnsibleModule's own)
    {"mlops.azure.resource_group": {"name": RG, "colour": "blue"}},
    # async: a background job that async_status reads, started from the worker
    dict(group(location="westeurope", tags={"env": "dev"}), **{"async": 60, "poll": 1}),
    dict(group(state="absent"), check_mode=True),
]
MODULE_TASKS = sum(1 for task in TASKS if task != CLEAR_REQUESTS)


def comparable(results):
    """The results without what differs between two runs of the same tasks anyway (async job ids and files)."""
    results = copy.deepcopy(results)
    for result in results:
        for key in ("ansible_job_id", "results_file", "started", "finished", "stdout", "stderr", "stdout_lines"):
            result.pop(key, None)
        for key in ("request_id", "correlation_id"):
            result.get("azure_error", {}).pop(key, None)
    return results


def test_in_process_results_equal_the_usual_run(play, clean_emulator):
    in_process = play(TASKS, extra_env={"ANSIBLE_VERBOSITY": "3"})
    output = play.stdout
    clean_emulator.reset()
    usual = play(TASKS, extra_env={"ANSIBLE_VERBOSITY": "3", "MLOPS_AZURE_IN_PROCESS": "false"})

    # every task but the async one ran in its worker process, the async one as a job started from it; none when
    # turned off
    assert output.count(MARKER) == MODULE_TASKS - 1 and output.count(JOB_MARKER) == 1, output[-3000:]
    assert MARKER not in play.stdout and JOB_MARKER not in play.stdout

    check, created, rerun, info, foreign, warned, refused, bad_option, in_async, delete_check = in_process
    assert check["changed"] and check["diff"]["before"] == {}
    assert created["changed"] and created["resource_group"]["tags"] == {"env": "dev"}
    assert not rerun["changed"] and rerun["diff"]["before"] == rerun["diff"]["after"]
    assert info["resource_groups"] == [created["resource_group"]]
    assert foreign["resource_groups"] == [], "the task's environment chose another subscription"
    assert any("does not exist" in warning for warning in warned["warnings"]), warned
    assert refused["failed"] and "not allowed" in refused["msg"]
    assert bad_option["failed"] and "colour" in bad_option["msg"]
    assert not in_async["changed"] and not in_async.get("failed")
    assert delete_check["changed"]

    assert comparable(in_process) == comparable(usual)


def test_the_task_interpreter_decides(play, clean_emulator, tmp_path):
    """The Python running Ansible, under another name, runs the module in the worker; another interpreter (here a
    wrapper script that logs its calls) gets the task, as asked."""
    link = tmp_path / "python"
    link.symlink_to(sys.executable)
    calls = tmp_path / "calls"
    wrapper = tmp_path / "python-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    tasks = [
        dict(group(location="westeurope"), vars={"ansible_python_interpreter": str(link)}),
        dict(group(location="westeurope", tags={"env": "dev"}), vars={"ansible_python_interpreter": str(wrapper)}),
    ]
    same, other = play(tasks, extra_env={"ANSIBLE_VERBOSITY": "3"})
    assert same["changed"] and play.stdout.count(MARKER) == 1
    assert other["changed"] and other["resource_group"]["tags"] == {"env": "dev"}
    assert "AnsiballZ_resource_group.py" in calls.read_text()
