# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: unique_string
short_description: ARM's uniqueString function for Ansible
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - Computes the same 13-character deterministic string as the C(uniqueString) function of ARM templates
    and Bicep, so a name built here matches the one a template gets from the same values.
  - The strings are joined with V(-), encoded as UTF-8 and hashed with ARM's 64-bit Murmur variant; the hash
    is written as 13 characters from V(abcdefghijklmnopqrstuvwxyz234567).
  - The input is case-sensitive. Resource IDs may come back from Azure in another letter case, so lower-case
    them first when that matters.
  - It is a hash, not a random value, and not globally unique by itself.
options:
  _input:
    description:
      - A string, or a list of strings that stand for the separate arguments of the template function;
        the list V([a, b]) gives what uniqueString(a, b) gives in a template.
    type: raw
    required: true
seealso:
  - plugin: mlops.azure.resource_name
    plugin_type: filter
  - name: uniqueString in the Bicep string functions
    description: Microsoft's description of the function.
    link: https://learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions-string#uniquestring
"""

EXAMPLES = r"""
- name: Same value as Bicep's uniqueString('test')
  ansible.builtin.debug:
    msg: "{{ 'test' | mlops.azure.unique_string }}"
  # => rbgf3xv4ufgzg

- name: Several values, as uniqueString('hello', 'world')
  ansible.builtin.debug:
    msg: "{{ ['hello', 'world'] | mlops.azure.unique_string }}"
  # => a7wkljktk6wne

- name: Suffix unique to a resource group, as uniqueString(resourceGroup().id)
  ansible.builtin.set_fact:
    suffix: "{{ resource_group_id | lower | mlops.azure.unique_string }}"
  vars:
    resource_group_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops-prod
"""

RETURN = r"""
_value:
  description: 13 characters from V(a-z) and V(2-7).
  type: str
  sample: rbgf3xv4ufgzg
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.module_utils._naming import NameRuleError, unique_string

_FILTER = "mlops.azure.unique_string"


def _unique_string(value):
    if isinstance(value, (list, tuple)):
        if not value:
            raise AnsibleFilterError(f"{_FILTER}: the list is empty; give at least one string")
        parts = list(value)
    else:
        parts = [value]
    try:
        return unique_string(*parts)
    except NameRuleError as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.unique_string filter."""

    def filters(self):
        return {"unique_string": _unique_string}
