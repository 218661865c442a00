"""playbooks/mlops.yml and playbooks/teardown.yml as the user runs them, against the emulator.

What a user sees: the PLAY RECAP, the preflight's one message, and (through the emulator's request log) whether
anything was written.
"""

from __future__ import annotations

import re

import pytest
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import run_playbook as run
from playbook_helpers import stack_writes

STACK_GROUP = "rg-mlops-local-weu"


def writes(emulator):
    return stack_writes(emulator.requests())


def group_names(emulator):
    return {g.name for g in emulator.client(ResourceManagementClient).resource_groups.list()}


def test_check_mode_on_an_empty_subscription_predicts_and_writes_nothing(clean_emulator):
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", "--check", "--diff")
    assert rc == 0 and failed == 0, output[-4000:]
    assert changed >= 10, output[-4000:]
    # The diff shows what would be created.
    assert "+    enable_rbac_authorization: true" in output
    assert "+    minimum_tls_version: TLS1_2" in output
    assert writes(clean_emulator) == []
    assert group_names(clean_emulator) == set()


def test_converge_then_nothing_changes_and_check_reports_nothing(clean_emulator):
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml")
    assert rc == 0 and failed == 0 and changed > 0, output[-4000:]
    assert "key vault: kv-" in output and "(changed)" in output  # the summary

    clean_emulator.clear_requests()
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml")
    assert (rc, changed, failed) == (0, 0, 0), output[-4000:]
    assert writes(clean_emulator) == []
    assert "(changed)" not in output

    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", "--check", "--diff")
    assert (rc, changed, failed) == (0, 0, 0), output[-4000:]
    assert "--- before" not in output
    assert writes(clean_emulator) == []


def _preflight_fails(emulator, *args, inventory="inventories/local"):
    emulator.clear_requests()
    rc, _changed, failed, output = run(emulator, "playbooks/mlops.yml", *args, inventory=inventory)
    assert rc != 0 and failed == 1, output[-4000:]
    flat = " ".join(output.split())
    assert flat.count("Preflight found") == 2, flat[-3000:]  # the error line and the task result: one message
    assert writes(emulator) == [], "the preflight let a write through"
    return flat


def test_invalid_names_stop_the_run_in_preflight(clean_emulator):
    overrides = '{"mlops_name_overrides": {"key_vault": "kv--bad", "storage_account": "St1", "app_insights": "ai."}}'
    flat = _preflight_fails(clean_emulator, "-e", overrides)
    assert "Preflight found 3 problem(s); nothing was created" in flat
    assert "key_vault name 'kv--bad' must not contain consecutive hyphens" in flat.replace("''", "'")
    assert "storage_account name 'St1'" in flat.replace("''", "'")
    assert "app_insights name 'ai.'" in flat.replace("''", "'")
    assert group_names(clean_emulator) == set()


def test_a_global_name_taken_elsewhere_stops_the_run_in_preflight(clean_emulator):
    # Someone else, in another subscription, holds the storage account name this stack generates.
    rc, _changed, _failed, output = run(clean_emulator, "playbooks/mlops.yml", "--check")
    name = re.search(r"storage_account (st[a-z0-9]+)\)", output).group(1)
    foreign = clean_emulator.foreign_subscription_id
    clean_emulator.client(ResourceManagementClient, subscription_id=foreign).resource_groups.create_or_update(
        "rg-someone-else", {"location": "westeurope"}
    )
    clean_emulator.client(StorageManagementClient, subscription_id=foreign).storage_accounts.begin_create(
        "rg-someone-else", name, {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()

    flat = _preflight_fails(clean_emulator)
    assert f"storage_account: The storage account named {name} is already taken" in flat
    assert "mlops_name_overrides" in flat
    assert group_names(clean_emulator) == set()


def test_a_soft_deleted_vault_name_stops_the_run_until_recovery_is_asked_for(clean_emulator):
    rc, _changed, failed, output = run(clean_emulator, "playbooks/mlops.yml")
    assert rc == 0 and failed == 0, output[-4000:]
    vault = re.search(r"key vault: (kv-[a-z0-9-]+) ", output).group(1)
    clean_emulator.client(KeyVaultManagementClient).vaults.delete(STACK_GROUP, vault)

    flat = _preflight_fails(clean_emulator)
    assert f"key_vault name '{vault}' is held by a vault soft-deleted in this subscription" in flat.replace("''", "'")
    assert "mlops_key_vault_recover=true" in flat

    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", "-e", "mlops_key_vault_recover=true")
    assert rc == 0 and failed == 0 and changed > 0, output[-4000:]
    recovered = clean_emulator.client(KeyVaultManagementClient).vaults.get(STACK_GROUP, vault)
    assert recovered.properties.enable_rbac_authorization is True


@pytest.mark.parametrize("inventory", ["inventories/prod"])
def test_teardown_refuses_prod_without_the_explicit_variable(clean_emulator, inventory):
    rc, _changed, failed, output = run(clean_emulator, "playbooks/teardown.yml", inventory=inventory)
    assert rc != 0 and failed == 1
    assert "is a prod stack: nothing was removed" in " ".join(output.split())
    assert writes(clean_emulator) == []


def test_teardown_removes_a_local_stack_and_only_soft_deletes_its_vault(clean_emulator):
    rc, _changed, failed, output = run(clean_emulator, "playbooks/mlops.yml")
    assert rc == 0 and failed == 0, output[-4000:]
    vault = re.search(r"key vault: (kv-[a-z0-9-]+) ", output).group(1)

    rc, changed, failed, output = run(clean_emulator, "playbooks/teardown.yml")
    assert rc == 0 and failed == 0 and changed > 0, output[-4000:]
    assert STACK_GROUP not in group_names(clean_emulator)
    deleted = {v.name for v in clean_emulator.client(KeyVaultManagementClient).vaults.list_deleted()}
    assert vault in deleted, "teardown must soft-delete the vault, never purge it by default"


def test_a_role_refuses_invalid_input_before_any_call(clean_emulator, tmp_path):
    playbook = tmp_path / "bad_role_input.yml"
    playbook.write_text(
        "- hosts: localhost\n"
        "  gather_facts: false\n"
        "  tasks:\n"
        "    - name: A Key Vault with a tier that does not exist and no resource group\n"
        "      ansible.builtin.include_role:\n"
        "        name: mlops.azure.key_vault\n"
        "      vars:\n"
        "        key_vault_name: kv-mlops-bad-input\n"
        "        key_vault_location: westeurope\n"
        "        key_vault_sku: gold\n"
    )
    rc, _changed, failed, output = run(clean_emulator, str(playbook), inventory="localhost,")
    flat = " ".join(output.split())
    assert rc != 0 and failed == 1
    assert "key_vault_sku" in flat and "gold" in flat
    assert "key_vault_resource_group" in flat
    assert clean_emulator.requests() == []


def test_prod_subnets_must_exist_with_their_service_endpoints_before_anything_is_created(clean_emulator):
    flat = _preflight_fails(clean_emulator, inventory="inventories/prod")
    assert "/subnets/snet-pipelines does not exist" in flat

    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(
        "rg-network-prod-weu", {"location": "westeurope"}
    )
    clean_emulator.client(NetworkManagementClient).virtual_networks.begin_create_or_update(
        "rg-network-prod-weu",
        "vnet-compute-prod-weu",
        {
            "location": "westeurope",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.50.0.0/16"]},
                "subnets": [
                    {
                        "name": "snet-pipelines",
                        "properties": {
                            "addressPrefix": "10.50.1.0/24",
                            "serviceEndpoints": [{"service": "Microsoft.Storage"}],
                        },
                    }
                ],
            },
        },
    ).result()
    flat = _preflight_fails(clean_emulator, inventory="inventories/prod")
    assert "/subnets/snet-pipelines lacks the service endpoint(s) Microsoft.KeyVault" in flat
    assert group_names(clean_emulator) == {"rg-network-prod-weu"}
