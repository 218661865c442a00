# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: valid_resource_name
short_description: Test whether a name meets the Azure naming rule of a resource type
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - True when the name breaks no naming rule of the resource type (length, characters, letter case, first and
    last character, consecutive hyphens, reserved words for names that become public DNS names).
  - It does not check whether a globally unique name is still free; the preflight role and
    M(mlops.azure.name_availability) do that.
  - Use the P(mlops.azure.name_errors#filter) filter to learn why a name is refused.
positional: _input, resource_type
options:
  _input:
    description: The name to test. A value that is not a string is not a valid name.
    type: raw
    required: true
  resource_type:
    description: The resource type whose rule applies; an unknown type is an error that lists the known ones.
    type: str
    required: true
seealso:
  - plugin: mlops.azure.name_errors
    plugin_type: filter
extends_documentation_fragment:
  - mlops.azure.resource_types
"""

EXAMPLES = r"""
- name: Check a vault name
  ansible.builtin.assert:
    that:
      - key_vault_name is mlops.azure.valid_resource_name('key_vault')
    fail_msg: "{{ key_vault_name | mlops.azure.name_errors('key_vault') | join('; ') }}"

- name: Select the valid storage account names
  ansible.builtin.set_fact:
    usable: "{{ candidates | select('mlops.azure.valid_resource_name', 'storage_account') | list }}"
  vars:
    candidates: [stmlopsprod, St_Prod, st]
  # usable => ['stmlopsprod']
"""

RETURN = r"""
_value:
  description: Whether the name is valid for the resource type.
  type: bool
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.module_utils._naming import NameRuleError, name_errors

_TEST = "mlops.azure.valid_resource_name"


def _valid_resource_name(name, resource_type):
    try:
        return not name_errors(resource_type, name)
    except NameRuleError as exc:
        raise AnsibleFilterError(f"{_TEST}: {exc}") from exc


class TestModule:
    """The mlops.azure.valid_resource_name test."""

    def tests(self):
        return {"valid_resource_name": _valid_resource_name}
