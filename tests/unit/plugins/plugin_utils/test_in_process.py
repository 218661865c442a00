# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_module_in_process, the core of the modules' action plugin: a module run in this process gets its arguments and
environment as AnsiballZ would give them, returns what it prints, and leaves the process as it found it. The whole
plugin, next to the usual run, is tests/integration/test_in_process.py's."""

from __future__ import annotations

import json
import os
import textwrap
import time
import uuid

import pytest
from ansible.module_utils import _internal as module_internal
from ansible.module_utils import basic
from ansible.module_utils.common.json import Direction, get_module_encoder
from ansible_collections.mlops.azure.plugins.plugin_utils._in_process import (
    in_process_enabled,
    run_module_in_process,
    start_job_in_process,
)

FAKE = textwrap.dedent(
    """
    import os
    from ansible.module_utils.basic import AnsibleModule

    def main():
        module = AnsibleModule(
            argument_spec={"var": {"type": "str"}, "mode": {"type": "str", "default": "ok"}},
            supports_check_mode=True,
        )
        mode = module.params["mode"]
        if mode == "raise":
            raise ValueError("boom")
        if mode == "return":
            return
        if mode == "sleep":
            import time
            time.sleep(30)
        if mode == "fail":
            module.fail_json(msg="refused")
        module.warn("careful")
        os.environ["MLOPS_TEST_LEAK"] = "1"
        module.exit_json(changed=module.check_mode, value=os.environ.get(module.params["var"]))

    if __name__ == "__main__":
        main()
    """
)


@pytest.fixture
def fake_module(tmp_path, monkeypatch):
    name = "mlops_fake_" + uuid.uuid4().hex
    (tmp_path / f"{name}.py").write_text(FAKE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def params(**args):
    encoder = get_module_encoder("legacy", Direction.CONTROLLER_TO_MODULE)
    return json.dumps({"ANSIBLE_MODULE_ARGS": args}, cls=encoder).encode()


def test_arguments_environment_and_warnings_reach_the_result(fake_module):
    before = dict(os.environ)
    saved = (basic._ANSIBLE_ARGS, module_internal.is_controller)
    run = run_module_in_process(
        fake_module, params(var="MLOPS_TEST_VALUE", _ansible_check_mode=True), {"MLOPS_TEST_VALUE": 42}
    )
    assert run["rc"] == 0, run
    result = json.loads(run["stdout"])
    assert result["value"] == "42" and result["changed"] is True
    assert "careful" in json.dumps(result["warnings"])
    assert dict(os.environ) == before, "the task's environment and what the module set are gone"
    assert (basic._ANSIBLE_ARGS, module_internal.is_controller) == saved


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("fail", "refused"),
        ("raise", "ValueError: boom"),
        ("return", "returned without printing its result"),
    ],
)
def test_a_failing_module_reports_as_a_failed_run(fake_module, mode, message):
    run = run_module_in_process(fake_module, params(mode=mode), {})
    assert run["rc"] == 1
    result = json.loads(run["stdout"])
    assert result["failed"] is True and message in result["msg"]


def test_bad_arguments_are_the_module_own_error(fake_module):
    run = run_module_in_process(fake_module, params(colour="blue"), {})
    assert run["rc"] == 1 and "colour" in json.loads(run["stdout"])["msg"]


def wait_for_job(path, seconds=30):
    """The job file's content once it no longer says ``started`` (what async_status waits for)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if "started" not in data:
            return data
        time.sleep(0.05)
    raise AssertionError(f"the job in {path} did not end")


def test_a_job_writes_started_then_the_module_result(fake_module, tmp_path):
    start = start_job_in_process(
        fake_module, params(var="MLOPS_TEST_VALUE"), {"MLOPS_TEST_VALUE": "job"}, str(tmp_path / "async"), 60
    )
    assert start["started"] and not start["finished"] and start["changed"]
    path = start["results_file"]
    assert path == str(tmp_path / "async" / start["ansible_job_id"])
    result = wait_for_job(path)
    assert result["value"] == "job" and result["ansible_job_id"] == start["ansible_job_id"]
    assert "careful" in json.dumps(result["warnings"])
    assert "MLOPS_TEST_VALUE" not in os.environ


def test_a_job_past_its_time_limit_says_so(fake_module, tmp_path):
    start = start_job_in_process(fake_module, params(mode="sleep"), {}, str(tmp_path), 1)
    result = wait_for_job(start["results_file"])
    assert result["failed"] and result["msg"] == "Timeout exceeded"


@pytest.mark.parametrize(
    ("value", "enabled"), [(None, True), ("true", True), ("false", False), ("0", False), ("no", False), ("x", True)]
)
def test_the_switch(value, enabled):
    assert in_process_enabled({} if value is None else {"MLOPS_AZURE_IN_PROCESS": value}) is enabled


def test_preload_imports_every_resource_definition():
    """Loading the plugin imports, in the controller, every module_utils file that imports an SDK: a resource added
    without its PRELOAD line would pay its SDK's imports in every task's worker."""
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[4]
    utils = root / "plugins" / "module_utils"
    wanted = {path.stem for path in utils.glob("_*.py") if "optional_import(" in path.read_text()} - {"_rest"}
    code = (
        "import json, sys\n"
        "import ansible_collections.mlops.azure.plugins.plugin_utils._in_process\n"
        "prefix = 'ansible_collections.mlops.azure.plugins.module_utils.'\n"
        "print(json.dumps(sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix))))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(root / ".collections"))
    env.pop("MLOPS_AZURE_IN_PROCESS", None)
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout)
    assert wanted - set(loaded) == set()
