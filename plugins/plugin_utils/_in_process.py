# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin of every mlops.azure module: ``plugins/action/<module>.py`` is this ``AzureModuleAction``, under
the module's name.

An Azure module only ever talks HTTPS to Azure, from the controller. Run the usual way, every task starts a new
Python interpreter, imports ansible.module_utils.basic, azure-core, azure-identity, MSAL, requests and an
azure-mgmt SDK (about 0.2 s a task, more than the work itself), then exits. This plugin runs the module's own code,
unchanged, in the worker process Ansible has already forked for the task, and imports those libraries once, in the
controller, when the plugin is loaded: every worker inherits them through ``fork``.

The module sees what it would see from AnsiballZ: its arguments as JSON in ``basic._ANSIBLE_ARGS`` (the same
internal ``_ansible_*`` options, check mode and diff included), the task's ``environment``, module-side warnings and
JSON profiles. Its printed result is parsed by the same controller code as a module run the usual way. A task with
``async`` starts the same run as a background job, forked from the worker, that writes the job file
``ansible.builtin.async_status`` reads, as async_wrapper does.

It falls back to the usual way (``ansible.builtin.normal``) whenever the two could differ: a connection other than
``local`` (``delegate_to`` a jump host), ``become``, a Python interpreter other than the one running Ansible (the one
that holds the SDKs imported here), an ansible-core without the module JSON profiles (before 2.19), or
``MLOPS_AZURE_IN_PROCESS=false`` in the controller's environment.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import runpy
import secrets
import signal
import sys
import traceback

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalActionModule
from ansible.utils.display import Display
from ansible.vars.clean import remove_internal_keys

try:
    from ansible.module_utils import _internal as _module_internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:  # ansible-core 2.18: modules run the usual way
    get_module_encoder = None

display = Display()

COLLECTION = "mlops.azure"
# The serialization profile of modules that declare none (all of this collection's): what AnsiballZ uses for them.
PROFILE = "legacy"

# Imported once, in the controller, when Ansible loads this plugin to plan the play: the libraries every module run
# needs, then every resource definition (each imports its azure-mgmt SDK). A missing one is left to the module run,
# which reports it with the package to install.
PRELOAD = (
    "ansible.module_utils.basic",
    "azure.identity",
    "azure.mgmt.core",
    "ansible_collections.mlops.azure.plugins.module_utils._azure_module",
    "ansible_collections.mlops.azure.plugins.module_utils._resource",
    "ansible_collections.mlops.azure.plugins.module_utils._action_group",
    "ansible_collections.mlops.azure.plugins.module_utils._app_insights",
    "ansible_collections.mlops.azure.plugins.module_utils._container_registry",
    "ansible_collections.mlops.azure.plugins.module_utils._diagnostic_setting",
    "ansible_collections.mlops.azure.plugins.module_utils._key_vault",
    "ansible_collections.mlops.azure.plugins.module_utils._location",
    "ansible_collections.mlops.azure.plugins.module_utils._log_analytics_workspace",
    "ansible_collections.mlops.azure.plugins.module_utils._management_lock",
    "ansible_collections.mlops.azure.plugins.module_utils._metric_alert",
    "ansible_collections.mlops.azure.plugins.module_utils._ml_workspace",
    "ansible_collections.mlops.azure.plugins.module_utils._name_availability",
    "ansible_collections.mlops.azure.plugins.module_utils._private_dns_zone",
    "ansible_collections.mlops.azure.plugins.module_utils._private_endpoint",
    "ansible_collections.mlops.azure.plugins.module_utils._resource_group",
    "ansible_collections.mlops.azure.plugins.module_utils._role_assignment",
    "ansible_collections.mlops.azure.plugins.module_utils._storage_account",
    "ansible_collections.mlops.azure.plugins.module_utils._virtual_network",
)


def in_process_enabled(environ=None):
    """False when the controller's environment sets ``MLOPS_AZURE_IN_PROCESS`` to a false value."""
    value = (os.environ if environ is None else environ).get("MLOPS_AZURE_IN_PROCESS", "true")
    try:
        return boolean(value, strict=True)
    except TypeError:
        return True


def preload(names=PRELOAD):
    """Import ``names``, skipping any that cannot be imported here."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the module run reports a missing library with its own message
            continue


if get_module_encoder is not None and in_process_enabled():
    preload()


def run_module_in_process(module_fqn, json_params, environment):
    """Run the module ``module_fqn`` as ``__main__`` in this process, as AnsiballZ would in a new one: its arguments
    are ``json_params`` (bytes), ``environment`` is added to ``os.environ`` for the run. Returns what a remote run
    returns: ``{"rc": ..., "stdout": ..., "stderr": ...}``. The process state the module changes (``os.environ``,
    the arguments, the module/controller flag) is put back afterwards."""
    from ansible.module_utils import basic

    saved_environ = dict(os.environ)
    saved_args = (basic._ANSIBLE_ARGS, getattr(basic, "_ANSIBLE_PROFILE", None))
    saved_is_controller = _module_internal.is_controller
    stdout, stderr = io.StringIO(), io.StringIO()
    rc = 0
    try:
        os.environ.update({str(key): to_text(value) for key, value in environment.items()})
        basic._ANSIBLE_ARGS = json_params
        basic._ANSIBLE_PROFILE = PROFILE
        # Module-side behaviour (warnings returned with the result, the module JSON profiles), as on a target.
        _module_internal.is_controller = False
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                runpy.run_module(module_fqn, run_name="__main__", alter_sys=True)
                raise RuntimeError(f"The module {module_fqn} returned without printing its result.")
            except SystemExit as exc:
                rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception as exc:  # noqa: BLE001 - reported as a failed module run, like AnsiballZ does
                rc = 1
                print(
                    json.dumps(
                        {
                            "failed": True,
                            "msg": f"{type(exc).__name__}: {exc}",
                            "exception": traceback.format_exc(),
                        }
                    )
                )
    finally:
        _module_internal.is_controller = saved_is_controller
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = saved_args
        os.environ.clear()
        os.environ.update(saved_environ)
    return {"rc": rc, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}


class JobTimeout(BaseException):
    """Raised in a background job when its time limit (the task's ``async``) is reached."""


def write_job_file(path, data):
    """Write a job file as async_wrapper does: whole, through a temporary file renamed over it."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data))
    os.rename(temporary, path)


def start_job_in_process(module_fqn, json_params, environment, async_dir, time_limit):
    """Start the module as a background job that ``ansible.builtin.async_status`` reads, as async_wrapper would start
    it in a new interpreter: the job file ``<async_dir>/<jid>`` says ``started`` until the run ends, then holds the
    module's result (or ``Timeout exceeded`` after ``time_limit`` seconds, when that is not 0). The job runs in a
    process forked twice from this one (detached, in a session of its own, its standard streams on /dev/null), so it
    outlives the task's worker. Returns the task's start result."""
    jid = f"j{secrets.randbelow(999999999999)}.{os.getpid()}"
    os.makedirs(async_dir, exist_ok=True)
    job_path = os.path.join(async_dir, jid)
    write_job_file(job_path, {"started": True, "finished": False, "ansible_job_id": jid})
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked processes
        try:
            os.setsid()
            if os.fork() == 0:
                _run_job(module_fqn, json_params, environment, job_path, jid, time_limit)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    return {"started": True, "finished": False, "ansible_job_id": jid, "results_file": job_path, "changed": True}


def _run_job(module_fqn, json_params, environment, job_path, jid, time_limit):  # pragma: no cover - forked
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)

    def expire(_signum, _frame):
        raise JobTimeout()

    signal.signal(signal.SIGALRM, expire)
    if time_limit:
        signal.alarm(int(time_limit))
    try:
        run = run_module_in_process(module_fqn, json_params, environment)
        signal.alarm(0)
        try:
            result = json.loads(run["stdout"])
        except ValueError:
            result = {"failed": True, "msg": "The module printed no result.", "data": run["stdout"]}
        if run["stderr"]:
            result["stderr"] = run["stderr"]
    except JobTimeout:
        result = {"msg": "Timeout exceeded", "failed": True, "child_pid": os.getpid()}
    result.setdefault("ansible_job_id", jid)
    write_job_file(job_path, result)


class AzureModuleAction(NormalActionModule):
    """Runs an mlops.azure module in the task's worker process when that is the same as running it the usual way;
    otherwise the usual way."""

    def _in_process_module(self, module_name, task_vars):
        """The Python name of the module to run in this process, or None to run it the usual way."""
        if get_module_encoder is None or not in_process_enabled():
            return None
        if getattr(self._connection, "transport", None) != "local" or self._play_context.become:
            return None
        interpreter = (task_vars or {}).get("ansible_python_interpreter")
        if interpreter is None:
            return None
        interpreter = self._templar.template(interpreter)
        if not isinstance(interpreter, str) or os.path.realpath(interpreter) != os.path.realpath(sys.executable):
            return None
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(
            module_name, collection_list=self._task.collections
        )
        resolved = context.resolved_fqcn if context.resolved else None
        if not resolved or not resolved.startswith(COLLECTION + "."):
            return None
        namespace, collection, name = resolved.split(".", 2)
        return f"ansible_collections.{namespace}.{collection}.plugins.modules.{name}"

    def _execute_module(self, module_name=None, module_args=None, task_vars=None, wrap_async=False, **kwargs):
        if module_name is None:
            module_name = self._task.action
        module_fqn = None if kwargs else self._in_process_module(module_name, task_vars)
        if module_fqn is None:
            return super()._execute_module(
                module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async, **kwargs
            )

        if module_args is None:
            module_args = self._task.args
        module_args = dict(module_args)
        self._update_module_args(module_name, module_args, task_vars)
        environment = {}
        self._compute_environment_string(environment)
        encoder = get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
        json_params = json.dumps({"ANSIBLE_MODULE_ARGS": module_args}, cls=encoder).encode()
        if wrap_async:
            display.vvv(f"{COLLECTION}: starting {module_fqn} as a job from the task's worker process")
            async_dir = os.path.expanduser(self.get_shell_option("async_dir", default="~/.ansible_async"))
            return start_job_in_process(module_fqn, json_params, environment, async_dir, self._task.async_val)
        display.vvv(f"{COLLECTION}: running {module_fqn} in the task's worker process")

        result = run_module_in_process(module_fqn, json_params, environment)
        data = self._parse_returned_data(result, PROFILE)
        data.pop("_ansible_suppress_tmpdir_delete", None)
        remove_internal_keys(data)
        return data
