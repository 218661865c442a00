# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mlops.azure.preflight_problems filter: its own work (computing each argument, naming itself in errors), and one
run through real Ansible, where role arguments are lazy templates. The sentences are tested in test_preflight.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.filter.preflight_problems import FilterModule
from jinja2 import StrictUndefined

REPO_ROOT = Path(__file__).resolve().parents[4]
KEY_VAULT_SPEC = yaml.safe_load((REPO_ROOT / "roles" / "key_vault" / "meta" / "argument_specs.yml").read_text())

preflight_problems = FilterModule().filters()["preflight_problems"]


def key_vault(**arguments):
    arguments = dict(
        {"key_vault_name": "kv-a1", "key_vault_resource_group": "rg-a", "key_vault_location": "westeurope"},
        **arguments,
    )
    return {
        "roles": [{"role": "mlops.azure.key_vault"}],
        "argument_specs": {"mlops.azure.key_vault": KEY_VAULT_SPEC},
        "arguments": {"mlops.azure.key_vault": arguments},
    }


def test_the_file_registers_one_filter():
    assert list(FilterModule().filters()) == ["preflight_problems"]


def test_names_only():
    assert preflight_problems({"key_vault": "kv-mlops-01"}) == []
    assert preflight_problems({"key_vault": "kv--x"}) == [
        "key_vault: key_vault name 'kv--x' must not contain consecutive hyphens ('--'); use single hyphens between "
        "parts"
    ]


def test_an_undefined_argument_is_listed_with_the_other_problems():
    unset = StrictUndefined(name="app_insights_workspace_result")
    found = preflight_problems(
        {},
        **key_vault(key_vault_sku="gold", key_vault_log_analytics_workspace_id=unset),
    )
    assert found == [
        "mlops.azure.key_vault: key_vault_log_analytics_workspace_id cannot be computed: "
        "'app_insights_workspace_result' is undefined",
        "mlops.azure.key_vault: value of key_vault_sku must be one of: standard, premium, got: gold",
    ]


def test_an_undefined_value_deep_in_an_argument():
    assignments = [{"principal_id": StrictUndefined(name="group_id"), "principal_type": "Group", "role": "r"}]
    (problem,) = preflight_problems({}, **key_vault(key_vault_role_assignments=assignments))
    assert problem == ("mlops.azure.key_vault: key_vault_role_assignments cannot be computed: 'group_id' is undefined")


def test_an_inventory_variable_that_cannot_be_computed():
    inputs = key_vault()
    inputs["variables"] = {"key_vault_sku": StrictUndefined(name="tier")}
    assert preflight_problems({}, **inputs) == [
        "mlops.azure.key_vault: key_vault_sku cannot be computed: 'tier' is undefined"
    ]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"roles": [{"role": "community.general.x"}]}, "community.general.x is not a role of mlops.azure"),
        ({"roles": ["key_vault"]}, "each of roles must be a dictionary with a role"),
        ({"roles": [{"role": "key_vault"}]}, "mlops.azure.key_vault has no argument specification"),
    ],
)
def test_errors_name_the_filter(kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as error:
        preflight_problems({}, **kwargs)
    assert str(error.value).startswith("mlops.azure.preflight_problems: ")
    assert fragment in str(error.value)


def test_names_that_are_not_a_dictionary_name_the_filter():
    with pytest.raises(AnsibleFilterError, match=r"^mlops.azure.preflight_problems: the names of the stack"):
        preflight_problems(["kv-a"])


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars:
    vault_arguments:
      key_vault_name: kv-a1
      key_vault_resource_group: rg-a
      key_vault_location: "{{ stack_location }}"
      key_vault_soft_delete_retention_in_days: "{{ retention }}"
      key_vault_log_analytics_workspace_id: "{{ workspace_result.id }}"
  tasks:
    - name: The problems of one role, its arguments templates that Ansible computes on demand
      ansible.builtin.debug:
        msg: "{{ {} | mlops.azure.preflight_problems(roles=[{'role': 'key_vault'}],
          argument_specs={'key_vault': lookup('ansible.builtin.file', 'SPEC_PATH')
          | from_yaml}, arguments={'key_vault': query('ansible.builtin.vars', 'vault_arguments')[0]}) }}"
      vars:
        stack_location: westeurope
        retention: 3
"""


def test_through_ansible_with_lazy_arguments(tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        PLAYBOOK.replace("SPEC_PATH", str(REPO_ROOT / "roles" / "key_vault" / "meta" / "argument_specs.yml"))
    )
    ansible_playbook = Path(sys.executable).with_name("ansible-playbook")
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
    )
    result = subprocess.run(
        [str(ansible_playbook), str(playbook)],
        cwd=str(REPO_ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    expected = [
        "mlops.azure.key_vault: key_vault_log_analytics_workspace_id cannot be computed: "
        "'workspace_result' is undefined",
        "mlops.azure.key_vault: key_vault_soft_delete_retention_in_days is 3; Azure accepts 7 to 90",
    ]
    shown = output[output.index('"msg": [') :]
    assert [json.dumps(sentence) in shown for sentence in expected] == [True, True], output
    assert shown.index(json.dumps(expected[0])) < shown.index(json.dumps(expected[1]))


def test_the_network_mode_is_judged_with_the_networks_the_preflight_read():
    subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/snet-a"
    networks = [{"virtual_networks": [{"subnets": [{"id": subnet, "delegations": ["Microsoft.Web/serverFarms"]}]}]}]
    found = preflight_problems(
        {},
        networks=networks,
        container_registry_enabled="yes",
        network_mode={"mode": "private_endpoints", "endpoint_subnet_id": subnet, "container_registry_sku": "Standard"},
    )
    assert [problem.split(":")[1].split(" is ")[0].strip() for problem in found] == [
        "the container registry",
        f"the private endpoints' subnet {subnet}",
    ]
    created = {"mode": "private_endpoints", "endpoint_subnet_id": subnet, "endpoint_subnet_created": "true"}
    assert preflight_problems({}, networks=networks, network_mode=created) == []
    assert preflight_problems({}, networks=networks, network_mode={"mode": "service_endpoints"}) == []


def test_the_network_mode_refuses_unknown_keys():
    with pytest.raises(AnsibleFilterError, match="network_mode has unknown keys subnet"):
        preflight_problems({}, network_mode={"mode": "private_endpoints", "subnet": "x"})
