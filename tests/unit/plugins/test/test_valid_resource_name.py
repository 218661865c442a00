# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the mlops.azure.valid_resource_name test plugin."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.test.valid_resource_name import TestModule as ValidResourceNameTests

valid_resource_name = ValidResourceNameTests().tests()["valid_resource_name"]


def test_registers_one_test():
    assert list(ValidResourceNameTests().tests()) == ["valid_resource_name"]


@pytest.mark.parametrize(
    "name, resource_type, expected",
    [
        ("kv-mlops-prod", "key_vault", True),
        ("kv--prod", "key_vault", False),
        ("Azure", "key_vault", False),
        ("azure", "resource_group", True),
        ("stmlopsprod", "storage_account", True),
        ("St_mlops", "storage_account", False),
        ("a" * 24, "storage_account", True),
        ("a" * 25, "storage_account", False),
        (None, "key_vault", False),
        (123, "storage_account", False),
    ],
)
def test_valid_resource_name(name, resource_type, expected):
    assert valid_resource_name(name, resource_type) is expected


def test_unknown_type_is_an_error_naming_the_test():
    with pytest.raises(AnsibleFilterError) as info:
        valid_resource_name("x", "keyvault")
    assert str(info.value).startswith("mlops.azure.valid_resource_name: unknown resource type 'keyvault'")
    assert "storage_account" in str(info.value)
