# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the naming filters, and one run through real Ansible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.filter.name_errors import FilterModule as NameErrorsFilters
from ansible_collections.mlops.azure.plugins.filter.resource_name import FilterModule as ResourceNameFilters
from ansible_collections.mlops.azure.plugins.filter.unique_string import FilterModule as UniqueStringFilters
from ansible_collections.mlops.azure.plugins.module_utils._naming import known_types, unique_string

REPO_ROOT = Path(__file__).resolve().parents[4]

name_errors = NameErrorsFilters().filters()["name_errors"]
resource_name = ResourceNameFilters().filters()["resource_name"]
unique_string_filter = UniqueStringFilters().filters()["unique_string"]


def test_each_file_registers_one_filter():
    assert list(NameErrorsFilters().filters()) == ["name_errors"]
    assert list(ResourceNameFilters().filters()) == ["resource_name"]
    assert list(UniqueStringFilters().filters()) == ["unique_string"]


# name_errors ----------------------------------------------------------------------------------
def test_name_errors_filter():
    assert name_errors("kv-mlops-prod", "key_vault") == []
    assert name_errors("kv--prod", "key_vault") == [
        "key_vault name 'kv--prod' must not contain consecutive hyphens ('--'); use single hyphens between parts"
    ]


def test_name_errors_unknown_type():
    with pytest.raises(AnsibleFilterError) as info:
        name_errors("x", "keyvault")
    message = str(info.value)
    assert message.startswith("mlops.azure.name_errors: unknown resource type 'keyvault'; known types: ")
    assert message.endswith(", ".join(known_types()))


# resource_name --------------------------------------------------------------------------------
def test_resource_name_filter():
    assert resource_name("mlops", "resource_group", environment="prod", region="westeurope") == "rg-mlops-prod-weu"
    name = resource_name("mlops", "storage_account", environment="prod", unique_seed=["a", "b"], unique_length=8)
    assert name == "stmlopsprod" + unique_string("a", "b")[:8]


@pytest.mark.parametrize(
    "args, kwargs, fragment",
    [
        (("mlops", "keyvault"), {}, "unknown resource type 'keyvault'; known types: action_group, app_insights"),
        (("ml ops", "key_vault"), {}, "workload 'ml ops' contains ' ' (space)"),
        (("mlops", "key_vault"), {"unique_seed": "x", "unique_length": 20}, "unique_length must be from 1 to 13"),
        (("microsoft", "storage_account"), {}, "reserved word MICROSOFT"),
    ],
)
def test_resource_name_errors_name_the_filter(args, kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        resource_name(*args, **kwargs)
    assert str(info.value).startswith("mlops.azure.resource_name: ")
    assert fragment in str(info.value)


# unique_string --------------------------------------------------------------------------------
def test_unique_string_filter():
    assert unique_string_filter("test") == "rbgf3xv4ufgzg"
    assert unique_string_filter(["hello", "world"]) == "a7wkljktk6wne"
    assert unique_string_filter(("hello", "world")) == "a7wkljktk6wne"


@pytest.mark.parametrize("value, fragment", [([], "the list is empty"), (5, "strings only"), (["a", 1], "got int 1")])
def test_unique_string_filter_errors(value, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        unique_string_filter(value)
    assert str(info.value).startswith("mlops.azure.unique_string: ")
    assert fragment in str(info.value)


# Through real Ansible -------------------------------------------------------------------------
def _ansible(tmp_path, expression):
    """Run ``ansible localhost -m debug`` from the repository root and return (rc, output)."""
    ansible = Path(sys.executable).with_name("ansible")
    command = [str(ansible) if ansible.exists() else "ansible", "localhost", "-m", "ansible.builtin.debug"]
    command += ["-a", json.dumps({"msg": expression})]
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
    )
    result = subprocess.run(
        command, cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    "expression, expected",
    [
        (
            "{{ 'mlops' | mlops.azure.resource_name('key_vault', environment='prod', unique_seed='x') }}",
            "kv-ml-prod-" + unique_string("x"),
        ),
        (
            "{{ 'mlops' | mlops.azure.resource_name('storage_account', environment='prod', region='westeurope',"
            " instance_number=1, unique_seed='x', unique_length=6) }}",
            "stmlopsprodweu001" + unique_string("x")[:6],
        ),
        ("{{ ['hello', 'world'] | mlops.azure.unique_string }}", "a7wkljktk6wne"),
        ("{{ 'kv--prod' | mlops.azure.name_errors('key_vault') | length }}", 1),
        ("{{ 'kv-prod' is mlops.azure.valid_resource_name('key_vault') }}", True),
        ("{{ 'kv-prod' is mlops.azure.valid_resource_name('storage_account') }}", False),
    ],
)
def test_through_ansible(tmp_path, expression, expected):
    rc, output = _ansible(tmp_path, expression)
    assert rc == 0, output
    assert f'"msg": {json.dumps(expected)}' in output, output


def test_unknown_type_fails_through_ansible(tmp_path):
    rc, output = _ansible(tmp_path, "{{ 'mlops' | mlops.azure.resource_name('keyvault') }}")
    assert rc != 0
    flat = " ".join(output.split())
    assert "mlops.azure.resource_name: unknown resource type 'keyvault'; known types: " in flat.replace("''", "'")
    for key in known_types():
        assert key in flat
