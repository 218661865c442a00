"""playbooks/mlops.yml and playbooks/teardown.yml as the user runs them, against the emulator.

What a user sees: the PLAY RECAP, the preflight's one message, and (through the emulator's request log) whether
anything was written.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
import yaml
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import REPO, stack_writes
from playbook_helpers import run_playbook as run

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


def local_inventory(tmp_path, group_vars=None, host_vars=None, remove=()):
    """A copy of inventories/local with ``group_vars`` and ``host_vars`` set and the variables in ``remove`` gone."""
    inventory = tmp_path / "inventory"
    shutil.copytree(os.path.join(REPO, "inventories", "local"), inventory)
    main = inventory / "group_vars" / "all" / "main.yml"
    values = yaml.safe_load(main.read_text())
    values.update(group_vars or {})
    for name in remove:
        values.pop(name)
    main.write_text(yaml.safe_dump(values))
    hosts_file = inventory / "hosts.yml"
    hosts = yaml.safe_load(hosts_file.read_text())
    for host in hosts["mlops_stacks"]["hosts"].values():
        host.update(host_vars or {})
    hosts_file.write_text(yaml.safe_dump(hosts))
    return str(inventory)


def no_writes(emulator):
    return [f"{r['method']} {r['path']}" for r in emulator.requests() if r["method"] in ("PUT", "PATCH", "DELETE")]


def test_bad_retention_principal_and_ip_rule_stop_in_preflight_together_with_no_write(clean_emulator, tmp_path):
    access = {
        "data_scientists_group_id": "5f0c2a9e-1d6b-4c1e-9a55-0e6f9b7d3a01",
        "pipelines_principal_id": "pipelines-sp",
        "cicd_principal_id": "",
    }
    inventory = local_inventory(
        tmp_path,
        {"mlops_key_vault_soft_delete_retention_in_days": 3, "mlops_access": access, "mlops_ip_rules": ["300.1.1.1"]},
    )
    flat = _preflight_fails(clean_emulator, inventory=inventory).replace("''", "'")
    assert "Preflight found 3 problem(s); nothing was created" in flat
    assert "mlops.azure.key_vault: key_vault_soft_delete_retention_in_days is 3; Azure accepts 7 to 90" in flat
    assert (
        "principal id 'pipelines-sp' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) "
        "(in key_vault_role_assignments[0].principal_id, storage_account_role_assignments[0].principal_id, "
        "container_registry_pull_principals[0].principal_id, ml_workspace_role_assignments[0].principal_id)" in flat
    )
    assert (
        "IP rule '300.1.1.1' is not an IPv4 address or CIDR range (for example 203.0.113.7 or 203.0.113.0/24) "
        "(in key_vault_ip_rules, storage_account_ip_rules)" in flat
    )
    assert no_writes(clean_emulator) == []
    assert group_names(clean_emulator) == set()


def test_a_location_the_subscription_does_not_have_stops_in_preflight(clean_emulator, tmp_path):
    inventory = local_inventory(tmp_path, host_vars={"mlops_location": "westeuropa"})
    flat = _preflight_fails(clean_emulator, inventory=inventory).replace("''", "'")
    assert "Preflight found 1 problem(s)" in flat
    assert "location 'westeuropa' is not a location of this subscription; use one of: " in flat
    assert "westeurope" in flat.split("use one of:")[1]
    assert "(in preflight_location, resource_group_location, network_location" in flat
    assert no_writes(clean_emulator) == []


def test_tags_and_the_storage_firewall_limits_stop_in_preflight(clean_emulator, tmp_path):
    tags = {"cost/center": "42", "n" * 200: "long name", "owner": "x" * 257}
    inventory = local_inventory(tmp_path, {"mlops_tags": tags, "mlops_ip_rules": ["10.20.0.0/16", "203.0.113.8/31"]})
    flat = _preflight_fails(clean_emulator, inventory=inventory).replace("''", "'")
    assert "Preflight found 5 problem(s)" in flat
    assert "tag name 'cost/center' contains /: Azure does not allow" in flat
    assert "the value of tag 'owner' is 257 characters long; Azure allows at most 256" in flat
    assert "is 200 characters long; Azure allows at most 128 (in storage_account_tags)" in flat
    assert "IP rule '10.20.0.0/16' lies in the private range 10.0.0.0/8" in flat
    assert "(in key_vault_ip_rules, storage_account_ip_rules)" in flat, "both firewalls refuse private ranges"
    assert "IP rule '203.0.113.8/31': storage firewalls do not take /31 ranges" in flat
    assert "(203.0.113.8 and 203.0.113.9) (in storage_account_ip_rules)" in flat, "Key Vault takes a /31"
    assert no_writes(clean_emulator) == []


def test_role_specifications_and_missing_variables_stop_in_preflight(clean_emulator, tmp_path):
    # A role option set directly in the inventory, a choice the role refuses, and a variable the playbook needs gone.
    inventory = local_inventory(
        tmp_path,
        {"key_vault_sku": "gold", "mlops_storage_account_sku": "Premium_LRS"},
        remove=["mlops_lock_level"],
    )
    flat = _preflight_fails(clean_emulator, inventory=inventory).replace("''", "'")
    assert "Preflight found 4 problem(s)" in flat
    assert (
        "mlops.azure.resource_group: resource_group_lock_level cannot be computed: 'mlops_lock_level' is undefined"
        in flat
    )
    assert "mlops.azure.key_vault: value of key_vault_sku must be one of: standard, premium, got: gold" in flat
    assert "mlops.azure.storage_account: value of storage_account_sku must be one of: Standard_LRS" in flat
    assert "mlops.azure.container_registry: container_registry_lock_level cannot be computed" in flat
    assert no_writes(clean_emulator) == []
