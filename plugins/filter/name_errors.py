# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: name_errors
short_description: List every Azure naming rule a resource name breaks
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - Checks a name against the Azure naming rule of a resource type and returns one readable sentence per
    broken rule, each saying what is allowed. Returns an empty list when the name is valid.
  - The checks are length, allowed characters (listing the offending ones), letter case, first and last
    character, consecutive hyphens and, for names that become public DNS names (Key Vault, storage account,
    container registry, Machine Learning workspace), the reserved words Azure refuses.
  - Where the project's naming table is stricter than Azure it wins; for Application Insights names that
    means 1-255 characters from letters, digits, V(_), V(.), V(-), V(\() and V(\)), not ending in a period.
  - Use the P(mlops.azure.valid_resource_name#test) test for a yes/no answer.
positional: _input, resource_type
options:
  _input:
    description: The name to check.
    type: str
    required: true
  resource_type:
    description: The resource type whose rule applies.
    type: str
    required: true
seealso:
  - plugin: mlops.azure.valid_resource_name
    plugin_type: test
  - plugin: mlops.azure.resource_name
    plugin_type: filter
  - name: Naming rules and restrictions for Azure resources
    description: Microsoft's table of name lengths, characters and scopes.
    link: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
  - name: Resolve errors for reserved resource names
    description: The reserved words refused in names with a public endpoint.
    link: https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-reserved-resource-name
extends_documentation_fragment:
  - mlops.azure.resource_types
"""

EXAMPLES = r"""
- name: Refuse a bad vault name before anything is created
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ key_vault_name | mlops.azure.name_errors('key_vault') }}"

- name: Show what is wrong with a storage account name
  ansible.builtin.debug:
    msg: "{{ 'St_prod' | mlops.azure.name_errors('storage_account') }}"
  # => ["storage_account name 'St_prod' must be all lower case; it contains upper-case 'S'",
  #     "storage_account name 'St_prod' contains a character not allowed: '_'; allowed are
  #      lowercase letters (a-z) and digits (0-9)"]
"""

RETURN = r"""
_value:
  description:
    - One sentence per broken rule, in a fixed order (length, characters, first and last character,
      consecutive hyphens, reserved words). Empty when the name is valid.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.module_utils._naming import NameRuleError, name_errors

_FILTER = "mlops.azure.name_errors"


def _name_errors(name, resource_type):
    try:
        return name_errors(resource_type, name)
    except NameRuleError as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.name_errors filter."""

    def filters(self):
        return {"name_errors": _name_errors}
