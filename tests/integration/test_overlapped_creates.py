"""Overlapped creates: the roles' two halves (``tasks_from: start``, later ``tasks_from: finish``), as
``playbooks/mlops.yml`` composes them.

* With realistic latency, the creates of a Key Vault and a storage account run at the same time (the emulator's
  operation log shows their operations overlapping), the run converges, and the rerun changes nothing and writes
  nothing.
* A create that ends ``Failed`` while another one runs beside it fails the run at its wait, with the module's own
  message; nothing after it reports the vault as fine.

Small plays of two roles, not the whole stack: the whole playbook's first run and rerun (overlapped, as shipped) are
``test_playbooks.py``'s, and its fault matrix meets a failed create of each overlapped type.
"""

from __future__ import annotations

import yaml
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import run_playbook, stack_writes, task_results, task_results_env

RG = "rg-it-overlap"
LOCATION = "westeurope"
VAULT = "kv-it-overlap"
ACCOUNT = "stitoverlap"
ARGUMENTS = {
    "mlops.azure.key_vault": {
        "key_vault_name": VAULT,
        "key_vault_resource_group": RG,
        "key_vault_location": LOCATION,
        "key_vault_soft_delete_retention_in_days": 7,
    },
    "mlops.azure.storage_account": {
        "storage_account_name": ACCOUNT,
        "storage_account_resource_group": RG,
        "storage_account_location": LOCATION,
        "storage_account_sku": "Standard_LRS",
    },
}


def write_play(path, order, extra_vars=None, after=()):
    """A play that runs the roles' halves in ``order``: ``[(role, "start" | "finish" | "main"), ...]``, with
    ``extra_vars`` added to every role's arguments, then the tasks ``after``."""
    tasks = [
        {
            "name": f"{half} {role}",
            "ansible.builtin.include_role": {"name": role, "tasks_from": half},
            "vars": dict(ARGUMENTS[role], **(extra_vars or {})),
        }
        for role, half in order
    ]
    tasks += list(after)
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "connection": "local",
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": tasks,
    }
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return str(path)


def make_group(emulator):
    emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    emulator.clear_requests()


def test_two_creates_overlap_then_the_rerun_writes_nothing(arm_emulator_factory, tmp_path):
    # Half of Azure's durations: the vault's DNS registration 10 s, the storage account 12.5 s. Starting the second
    # create (a role include, its argument check, a module process) takes seconds on a loaded machine.
    slow = arm_emulator_factory(None, "--latency", "realistic", "--time-scale", "0.5")
    make_group(slow)
    kv, st = "mlops.azure.key_vault", "mlops.azure.storage_account"
    playbook = write_play(tmp_path / "overlap.yml", [(kv, "start"), (st, "start"), (kv, "finish"), (st, "finish")])

    rc, changed, failed, output = run_playbook(slow, playbook, inventory="localhost,")
    assert rc == 0 and failed == 0 and changed == 2, output[-4000:]
    ops = {op["kind"]: op for op in slow.admin("GET", "/_emulator/operations")}
    vault, account = ops["keyvault.register_dns"], ops["storage.create"]
    assert vault["status"] == account["status"] == "Succeeded"
    # Overlap: the second create started before the first one was done.
    assert max(vault["start"], account["start"]) < min(vault["ready_at"], account["ready_at"]), ops

    slow.clear_requests()
    rc, changed, failed, output = run_playbook(slow, playbook, inventory="localhost,")
    assert (rc, changed, failed) == (0, 0, 0), output[-4000:]
    assert stack_writes(slow.requests()) == []


def test_a_failed_create_fails_its_wait_with_the_modules_message(clean_emulator, tmp_path):
    make_group(clean_emulator)
    clean_emulator.add_fault(method="PUT", path=f"/vaults/{VAULT}$", action="fail_operation", code="InjectedFailure")
    kv, st = "mlops.azure.key_vault", "mlops.azure.storage_account"
    # The storage account starts first and is waited for first: nothing is left running when the vault's wait fails.
    playbook = write_play(tmp_path / "failing.yml", [(st, "start"), (kv, "start"), (st, "finish"), (kv, "finish")])
    results_path = tmp_path / "results.jsonl"

    rc, _changed, failed, output = run_playbook(
        clean_emulator, playbook, inventory="localhost,", extra_env=task_results_env(results_path)
    )
    assert rc != 0 and failed == 1, output[-4000:]
    results = task_results(results_path)
    (failure,) = [r for r in results if r["status"] == "failed"]
    assert failure["action"] == "ansible.builtin.async_status" and f"Wait for Key Vault {VAULT}" in failure["task"]
    label = f"key vault '{VAULT}' in resource group '{RG}'"
    assert failure["msg"].startswith(f"{label} ended in provisioning state Failed"), failure["msg"]
    assert "What to do" in failure["msg"]
    # The storage account's wait reported its create; after the vault's failure nothing ran but the job's clean-up.
    waits = [r for r in results if r["action"] == "ansible.builtin.async_status" and "Wait for" in r["task"]]
    assert [(r["status"], r["changed"]) for r in waits] == [("ok", True), ("failed", False)], waits
    after = results[results.index(failure) + 1 :]
    assert [r["task"] for r in after if "Remove the finished job" not in r["task"]] == [], after


def test_in_the_foreground_the_roles_register_the_modules_result(clean_emulator, tmp_path):
    """``main`` (the role alone) and ``start``/``finish`` with a timeout of 0 (``mlops_overlap_creates: false``) run
    the create in the foreground; the wait is skipped without overwriting the registered result."""
    make_group(clean_emulator)
    kv, st = "mlops.azure.key_vault", "mlops.azure.storage_account"
    check = {
        "name": "What the roles registered is the modules' results",
        "ansible.builtin.assert": {
            "that": [
                "key_vault_result.key_vault.id is search('/vaults/" + VAULT + "$')",
                "storage_account_result.storage_account.id is search('/storageAccounts/" + ACCOUNT + "$')",
                "key_vault_result.ansible_job_id is undefined and storage_account_result.ansible_job_id is undefined",
            ]
        },
    }
    playbook = write_play(tmp_path / "main.yml", [(kv, "main"), (st, "main")], after=[check])
    serial = write_play(
        tmp_path / "serial.yml",
        [(kv, "start"), (st, "start"), (kv, "finish"), (st, "finish")],
        extra_vars={"key_vault_async_timeout": 0, "storage_account_async_timeout": 0},
        after=[check],
    )

    rc, changed, failed, output = run_playbook(clean_emulator, playbook, inventory="localhost,")
    assert rc == 0 and failed == 0 and changed == 2, output[-4000:]
    clean_emulator.clear_requests()
    rc, changed, failed, output = run_playbook(clean_emulator, serial, inventory="localhost,")
    assert (rc, changed, failed) == (0, 0, 0), output[-4000:]
    assert stack_writes(clean_emulator.requests()) == []
