"""The fault matrix: ``playbooks/mlops.yml`` run as a user runs it while Azure (the emulator) fails.

One inventory (a copy of ``inventories/local`` with the container registry and management locks on) holds one stack
per scenario, so the scenarios share three ``ansible-playbook`` rounds instead of three each:

* ``ref``: no fault. Its state after the first round is the reference every other stack is compared with.
* ``rtr``: the create of every resource type first has its connection dropped, then answers 503, then 429 with
  ``Retry-After``: the SDK retries through all three.
* ``lgf``, ``kvf``, ``stf``, ``mwf``: a ``fail_operation`` fault on the create of one long-running type each (Log
  Analytics workspace, Key Vault, storage account, Machine Learning workspace): one per way a failure reaches the
  user (no error details; rolled back; an operation error through the generic by-id transport). The virtual network
  and the container registry fail as the workspace does, with the operation's error; ``test_failed_state.py``
  repairs each of them alone, at a fraction of the cost of a whole stack here.
* ``kil``: a run of its own, killed (SIGKILL) once the Key Vault PUT is in the request log.
* ``cnc``: two runs of its own at the same time.

Round 1 runs all of that at once (the faults and the kill only touch their own stack's paths). Round 2 is one run
without faults for every stack but ``ref``; round 3 runs the stacks round 2 had to write to. The conditions: after
at most one run without faults, every stack equals the reference (the emulator's state, with volatile fields and
the stack's own names replaced), nothing is ``Failed`` or ``Canceled``, and the run after that sends no write.

The result table (fault x type -> what the user saw, whether the rerun converged) is printed at the end of the
session (``tests/conftest.py``) and written to ``fault-matrix.md`` in the test's temporary directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import yaml
from playbook_helpers import (
    REPO,
    playbook_args,
    playbook_env,
    recaps,
    stack_writes,
    task_results,
    task_results_env,
)

ROUND_TIMEOUT = 600

# Stacks: short tokens that every name of the stack carries.
REFERENCE = "ref"
RETRIED = "rtr"
KILLED = "kil"
CONCURRENT = "cnc"
# fail_operation stacks: token -> (resource type, the module whose task meets the failure)
FAILED_OPERATION = {
    "lgf": ("Log Analytics workspace", "mlops.azure.log_analytics_workspace"),
    "kvf": ("Key Vault", "mlops.azure.key_vault"),
    "stf": ("storage account", "mlops.azure.storage_account"),
    "mwf": ("Machine Learning workspace", "mlops.azure.ml_workspace"),
}
STACKS = (REFERENCE, RETRIED, *FAILED_OPERATION, KILLED, CONCURRENT)
# Modules whose create the playbook runs in the background (the role's tasks_from: start): what they did, failures
# included, is reported by the role's wait task (tasks_from: finish), an async_status task of this name.
WAITED = {
    "mlops.azure.log_analytics_workspace": "Wait for Log Analytics workspace ",
    "mlops.azure.key_vault": "Wait for Key Vault ",
    "mlops.azure.storage_account": "Wait for storage account ",
    "mlops.azure.container_registry": "Wait for container registry ",
}
# The playbook's wait, when a wait failed, for the creates still running beside it.
ALWAYS_WAIT = "Wait for the creates still running in the background"


def reports(record, module):
    """Whether a task result is what ``module`` did: its own task, or the wait for it when it ran in the background."""
    if record["action"] == module:
        return True
    waited = WAITED.get(module)
    return bool(waited) and record["action"] == "ansible.builtin.async_status" and waited in record["task"]


# Every resource type the playbook creates: (label, end of the path of its create PUT, module). The resource
# group's own path ends with the group (None).
TYPES = (
    ("resource group", None, "mlops.azure.resource_group"),
    ("virtual network", r"/providers/Microsoft\.Network/virtualNetworks/[^/]+$", "mlops.azure.virtual_network"),
    (
        "Log Analytics workspace",
        r"/providers/Microsoft\.OperationalInsights/workspaces/[^/]+$",
        "mlops.azure.log_analytics_workspace",
    ),
    ("Application Insights", r"/providers/Microsoft\.Insights/components/[^/]+$", "mlops.azure.app_insights"),
    ("action group", r"/providers/Microsoft\.Insights/actionGroups/[^/]+$", "mlops.azure.action_group"),
    ("Key Vault", r"/providers/Microsoft\.KeyVault/vaults/[^/]+$", "mlops.azure.key_vault"),
    ("storage account", r"/providers/Microsoft\.Storage/storageAccounts/[^/]+$", "mlops.azure.storage_account"),
    ("blob service", r"/blobServices/default$", "mlops.azure.storage_account"),
    ("blob container", r"/blobServices/default/containers/[^/]+$", "mlops.azure.storage_account"),
    (
        "diagnostic setting",
        r"/providers/Microsoft\.Insights/diagnosticSettings/[^/]+$",
        "mlops.azure.diagnostic_setting",
    ),
    ("metric alert", r"/providers/Microsoft\.Insights/metricAlerts/[^/]+$", "mlops.azure.metric_alert"),
    (
        "role assignment",
        r"/providers/Microsoft\.Authorization/roleAssignments/[^/]+$",
        "mlops.azure.role_assignment",
    ),
    ("management lock", r"/providers/Microsoft\.Authorization/locks/[^/]+$", "mlops.azure.management_lock"),
    (
        "container registry",
        r"/providers/Microsoft\.ContainerRegistry/registries/[^/]+$",
        "mlops.azure.container_registry",
    ),
    (
        "Machine Learning workspace",
        r"/providers/Microsoft\.MachineLearningServices/workspaces/[^/]+$",
        "mlops.azure.ml_workspace",
    ),
)
FAILED_OPERATION_PATHS = {label: path for label, path, _module in TYPES}
# The retried stack's faults, in the order each create meets them. A dropped connection first (azure-core retries at
# once), then 503 (after its back-off), then 429 with Retry-After (after that many seconds).
RETRYABLE = (
    ({"action": "drop"}, "dropped connection"),
    ({"status": 503}, "503"),
    ({"status": 429, "retry_after": 1}, "429 + Retry-After: 1"),
)

# Values the emulator generates for each resource: the same stack converged twice differs only in these.
GENERATED = {"etag", "AppId", "InstrumentationKey", "ConnectionString", "customerId", "resourceGuid"}
# Identifiers generated for a resource that other values repeat (the workspace identity's principal id is the
# principal of role assignments, its workspace id is part of its notebook host name): replaced wherever they occur.
GENERATED_IDS = {
    "Microsoft.MachineLearningServices/workspaces": {
        "identity.principalId": "<ml_workspace identity>",
        "properties.workspaceId": "<ml_workspace id>",
        "properties.managedNetwork.networkId": "<ml_workspace network id>",
        "properties.notebookInfo.resourceId": "<ml_workspace notebook>",
    },
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
FAILED_STATES = {"failed", "canceled"}
# What one stack of the inventory is, in the emulator's state (diagnostic settings: one entry per resource).
STACK_CONTENTS = {
    "Microsoft.Resources/resourceGroups": 2,
    "Microsoft.Network/virtualNetworks": 1,
    "Microsoft.Network/virtualNetworks/subnets": 1,
    "Microsoft.OperationalInsights/workspaces": 1,
    "microsoft.insights/components": 1,
    "Microsoft.Insights/actionGroups": 1,
    "Microsoft.Insights/metricAlerts": 2,
    "Microsoft.KeyVault/vaults": 1,
    "Microsoft.Storage/storageAccounts": 1,
    "Microsoft.Storage/storageAccounts/blobServices": 1,
    "Microsoft.Storage/storageAccounts/blobServices/containers": 3,
    "Microsoft.ContainerRegistry/registries": 1,
    "Microsoft.MachineLearningServices/workspaces": 1,
    "authorization.locks": 2,
    "authorization.roleAssignments": 15,
    "insights.diagnosticSettings": 4,
}


def names(token):
    """The names of a stack (``mlops_name_overrides``): each carries the token, as nothing else does."""
    return {
        "resource_group": f"rg-fm-{token}",
        "shared_resource_group": f"rg-fm-{token}-shared",
        "virtual_network": f"vnet-fm-{token}",
        "log_analytics_workspace": f"log-fm-{token}",
        "app_insights": f"appi-fm-{token}",
        "action_group": f"ag-fm-{token}",
        "key_vault": f"kv-fm-{token}",
        "storage_account": f"stfm{token}",
        "container_registry": f"crfm{token}",
        "ml_workspace": f"mlw-fm-{token}",
    }


def host(token):
    return f"stack-{token}"


def groups_pattern(token):
    """The ARM path prefix of the stack's two resource groups."""
    stack = names(token)
    return "(?i)/resourceGroups/({}|{})".format(
        re.escape(stack["resource_group"]), re.escape(stack["shared_resource_group"])
    )


def create_pattern(token, path):
    """The PUT path of a create of the stack: its group itself (``path`` None) or anything below it ending in
    ``path``."""
    return groups_pattern(token) + ("$" if path is None else "(/.*)?" + path)


def build_inventory(tmp_path):
    """A copy of inventories/local with one host per stack: the local stack's variables, the registry and locks on,
    and the stack's own names."""
    inventory = tmp_path / "inventory"
    shutil.copytree(os.path.join(REPO, "inventories", "local"), inventory)
    hosts_file = inventory / "hosts.yml"
    original = yaml.safe_load(hosts_file.read_text())
    template = next(iter(original["mlops_stacks"]["hosts"].values()))
    hosts = {}
    for token in STACKS:
        hosts[host(token)] = dict(
            template,
            mlops_container_registry_enabled=True,
            mlops_lock_level="CanNotDelete",
            mlops_name_overrides=names(token),
        )
    hosts_file.write_text(yaml.safe_dump({"mlops_stacks": {"hosts": hosts}}, sort_keys=False))
    return inventory


# ----------------------------------------------------------------------------------------------------- state


def state(emulator):
    with open(os.path.join(emulator.data_dir, "state.json"), encoding="utf-8") as fh:
        return json.load(fh)


def records(snapshot):
    """``(where, key, value)`` for every resource and every entry of a collection but the operations."""
    for key, record in snapshot["resources"].items():
        yield "resources", key, {"type": record["type"], "body": record["body"]}
    for name, collection in snapshot["collections"].items():
        if name == "operations":
            continue
        for key, value in collection.items():
            yield name, key, value


def _normalised(value, rename):
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            result[rename(key)] = "<generated>" if key in GENERATED else _normalised(item, rename)
        return result
    if isinstance(value, list):
        return [_normalised(item, rename) for item in value]
    if isinstance(value, str):
        return "<time>" if TIMESTAMP.match(value) else rename(value)
    return value


def stack_state(snapshot, token):
    """The stack's resources and settings with its names (and the role assignment names derived from them)
    replaced by placeholders, and timestamps and generated values blanked: two stacks converged from the same
    inventory compare equal."""
    belongs = re.compile(groups_pattern(token) + r'(/|"|$)', re.IGNORECASE)
    mine = [(where, key, value) for where, key, value in records(snapshot) if belongs.search(key + json.dumps(value))]
    placeholders = {name.lower(): f"<{kind}>" for kind, name in names(token).items()}
    for where, _key, value in mine:
        if where == "resources":
            for path, label in GENERATED_IDS.get(value["type"], {}).items():
                generated = _at(value["body"], path)
                if generated:
                    placeholders[generated.lower()] = label

    def rename(text):
        pattern = "|".join(re.escape(n) for n in sorted(placeholders, key=len, reverse=True))
        return re.sub(pattern, lambda m: placeholders[m.group(0).lower()], text, flags=re.IGNORECASE)

    # Role assignments are named after their scope, principal and role (uuid5): name them by the last two.
    for where, key, value in mine:
        if where == "authorization.roleAssignments":
            props = value["body"]["properties"]
            role = props["roleDefinitionId"].rsplit("/", 1)[-1]
            placeholders[key.rsplit("/", 1)[-1].lower()] = f"<assignment of {role} to {rename(props['principalId'])}>"
    return {(where, rename(key)): _normalised(value, rename) for where, key, value in mine}


def stack_contents(stack):
    """How many of each resource type (and of each collection's entries) a stack state holds."""
    counts = {}
    for where, _key in stack:
        kind = stack[(where, _key)]["type"] if where == "resources" else where
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _at(value, path):
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def failed_resources(snapshot):
    found = []
    for _where, key, value in records(snapshot):
        text = json.dumps(value)
        for state_value in re.findall(r'"provisioningState": "([^"]+)"', text):
            if state_value.lower() in FAILED_STATES:
                found.append(f"{key}: {state_value}")
    return found


def differences(expected, actual):
    lines = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            lines.append(
                f"{key}:\n  reference: {json.dumps(expected.get(key))[:1500]}\n  stack:     "
                f"{json.dumps(actual.get(key))[:1500]}"
            )
    return lines


# ----------------------------------------------------------------------------------------------------- runs


class Run:
    """One ``ansible-playbook playbooks/mlops.yml`` process, its output and its task results."""

    def __init__(self, emulator, inventory, tmp_path, name, *limit):
        self.name = name
        self.results_path = tmp_path / f"{name}.results.jsonl"
        self.out_path = tmp_path / f"{name}.out"
        args = playbook_args("playbooks/mlops.yml", "--forks", "10", inventory=inventory)
        if limit:
            args += ["--limit", ":".join(limit)]
        with open(self.out_path, "wb") as out:
            self.process = subprocess.Popen(
                args,
                cwd=REPO,
                env=playbook_env(emulator, task_results_env(self.results_path)),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, timeout=ROUND_TIMEOUT):
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            raise
        return self

    def kill_group(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def wait_for_group(self, timeout=120):
        """Wait until every process the run started (its workers, a module still talking to Azure) has ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        self.kill_group()

    @property
    def output(self):
        return self.out_path.read_text(errors="replace")

    @property
    def recap(self):
        return recaps(self.output)

    def results(self, token):
        return [r for r in task_results(self.results_path) if r["host"] == host(token)]


@pytest.fixture
def start_run(clean_emulator, tmp_path):
    """``start_run(name, *limit)``: a ``Run`` of the fault-matrix inventory; whatever is still running when the
    test ends is killed."""
    inventory = build_inventory(tmp_path)
    started = []

    def start(name, *limit):
        run = Run(clean_emulator, inventory, tmp_path, name, *limit)
        started.append(run)
        return run

    yield start
    for run in started:
        if run.process.poll() is None:
            run.kill_group()


def writes_of(requests, token):
    prefix = re.compile(groups_pattern(token) + "(/|$)")
    return [w for w in stack_writes(requests) if prefix.search(w)]


def first_words(text, limit=200):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def outcome(results, module):
    """What the user saw of ``module``'s tasks: ``changed``, ``ok`` or ``failed: <message>``."""
    mine = [r for r in results if reports(r, module)]
    if not mine:
        return "not run"
    failed = [r for r in mine if r["status"] == "failed"]
    if failed:
        item = next((r for r in failed if r["item"]), failed[0])
        return f"failed: {first_words(item['msg'])}"
    return "changed" if any(r["changed"] for r in mine) else "ok"


# ----------------------------------------------------------------------------------------------------- the test


def test_every_fault_converges_after_at_most_one_rerun(clean_emulator, start_run, tmp_path, record_property):
    emulator = clean_emulator

    # Round 1: the faults on their stacks' creates, the kill and the two concurrent runs, all at once.
    for _label, path, _module in TYPES:
        for rule, _name in RETRYABLE:
            emulator.add_fault(method="PUT", path=create_pattern(RETRIED, path), count=1, **rule)
    for token, (label, _module) in FAILED_OPERATION.items():
        emulator.add_fault(
            method="PUT", path=create_pattern(token, FAILED_OPERATION_PATHS[label]), action="fail_operation", count=1
        )
    main = start_run("round1", "all", f"!{host(KILLED)}", f"!{host(CONCURRENT)}")
    first = start_run("round1-concurrent-a", host(CONCURRENT))
    second = start_run("round1-concurrent-b", host(CONCURRENT))
    killed = start_run("round1-killed", host(KILLED))
    vault_put = re.compile(create_pattern(KILLED, FAILED_OPERATION_PATHS["Key Vault"]))
    deadline = time.monotonic() + ROUND_TIMEOUT
    while not any(r["method"] == "PUT" and vault_put.search(r["path"]) for r in emulator.requests()):
        assert killed.process.poll() is None, f"the run ended before its Key Vault PUT:\n{killed.output[-3000:]}"
        assert time.monotonic() < deadline, "no Key Vault PUT from the run to kill"
        time.sleep(0.1)
    killed.process.send_signal(signal.SIGKILL)
    killed.process.wait(30)
    killed.wait_for_group()
    for run in (main, first, second):
        run.wait()
    round1 = emulator.requests()
    assert emulator.admin("GET", "/_emulator/faults") == [], "a fault was never met: its path matched nothing"
    reference = stack_state(state(emulator), REFERENCE)
    assert stack_contents(reference) == STACK_CONTENTS, "the reference stack is not the whole stack"

    recap1 = dict(main.recap)
    assert recap1[host(REFERENCE)]["failed"] == 0, main.output[-6000:]
    assert recap1[host(RETRIED)]["failed"] == 0, main.output[-6000:]
    for token, (_label, module) in FAILED_OPERATION.items():
        assert recap1[host(token)]["failed"] == 1, main.output[-6000:]
        (failure,) = [r for r in main.results(token) if r["status"] == "failed"]
        assert reports(failure, module), failure
        assert "ended in provisioning state Failed: " in failure["msg"], failure["msg"]
        assert "What to do" in failure["msg"] and "invalid status" not in failure["msg"], failure["msg"]
    # The creates started beside the failed one and not waited for yet are waited for all the same and reported
    # (the always section of playbooks/mlops.yml's "Finish the overlapped creates"): the ones that follow it in the
    # finish order (Log Analytics, Key Vault, storage, registry).
    for token, unwaited in (("lgf", 3), ("kvf", 2), ("stf", 1), ("mwf", 0)):
        waited = [r for r in main.results(token) if r["task"] == ALWAYS_WAIT and r["item"]]
        assert [r["status"] for r in waited] == ["ok"] * unwaited, (token, waited)
    assert killed.process.returncode == -signal.SIGKILL

    # Each create of the retried stack met the three faults in turn, then went through.
    seen = {}
    for label, path, _module in TYPES:
        create = re.compile(create_pattern(RETRIED, path))
        statuses = [r["status"] for r in round1 if r["method"] == "PUT" and create.search(r["path"])]
        assert statuses[:3] == [None, 503, 429], (label, statuses)
        assert 200 <= statuses[3] < 300, (label, statuses)
        seen[label] = statuses[3]

    # Round 2: one run without faults for every stack but the reference.
    emulator.clear_requests()
    rerun = start_run("round2", *(host(t) for t in STACKS if t != REFERENCE)).wait()
    assert rerun.process.returncode == 0 and all(r["failed"] == 0 for r in rerun.recap.values()), rerun.output[-6000:]
    round2 = emulator.requests()
    after = state(emulator)
    assert failed_resources(after) == []
    for token in STACKS:
        if token == REFERENCE:
            continue
        diff = differences(reference, stack_state(after, token))
        assert not diff, f"stack {token} differs from the reference:\n" + "\n".join(diff[:10])
    # The retried stack converged in its faulted run: its rerun is already the run that writes nothing. A run that
    # completed beside another one must have left nothing to do either, unless one of the two failed.
    assert writes_of(round2, RETRIED) == []
    concurrent_ok = first.process.returncode == 0 and second.process.returncode == 0
    if concurrent_ok:
        assert writes_of(round2, CONCURRENT) == []
    for token in (*FAILED_OPERATION, KILLED):
        assert writes_of(round2, token), f"stack {token} needed a repair, yet its rerun wrote nothing"

    # Round 3: the run after the rerun, for every stack round 2 wrote to.
    emulator.clear_requests()
    again = [*FAILED_OPERATION, KILLED] + ([] if concurrent_ok else [CONCURRENT])
    final = start_run("round3", *(host(t) for t in again)).wait()
    assert final.process.returncode == 0, final.output[-6000:]
    assert all(r["changed"] == 0 and r["failed"] == 0 for r in final.recap.values()), final.output[-6000:]
    assert stack_writes(emulator.requests()) == []
    assert failed_resources(state(emulator)) == []

    # The result table.
    rows = []
    for label, _path, module in TYPES:
        rows.append(
            (
                " then ".join(name for _rule, name in RETRYABLE) + " on its create",
                label,
                f"{outcome(main.results(RETRIED), module)} (create answered {seen[label]} on the 4th try)",
                "converged in the faulted run; the next run wrote nothing",
            )
        )
    for token, (label, module) in FAILED_OPERATION.items():
        rows.append(
            (
                "fail_operation on its create",
                label,
                outcome(main.results(token), module),
                f"rerun repaired it ({outcome(rerun.results(token), module)}); the next run wrote nothing",
            )
        )
    rows.append(
        (
            "ansible-playbook SIGKILLed once the Key Vault PUT was sent",
            "whole stack",
            f"killed (rc {killed.process.returncode}), no recap",
            f"rerun converged ({rerun.recap[host(KILLED)]['changed']} changed); the next run wrote nothing",
        )
    )
    rows.append(
        (
            "two runs of the same stack at once",
            "whole stack",
            "run A rc {} ({} changed), run B rc {} ({} changed)".format(
                first.process.returncode,
                first.recap.get(host(CONCURRENT), {}).get("changed"),
                second.process.returncode,
                second.recap.get(host(CONCURRENT), {}).get("changed"),
            ),
            "nothing left to do: the next run wrote nothing"
            if concurrent_ok
            else "rerun converged; the next run wrote nothing",
        )
    )
    table = ["| Fault | Type | What the user saw on the faulted run | Rerun |", "|---|---|---|---|"]
    table += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    text = "\n".join(table)
    (tmp_path / "fault-matrix.md").write_text(text + "\n")
    record_property("fault_matrix", text)
    print(text)
