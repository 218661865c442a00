# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: private_dns_zones
short_description: The private DNS zones the private endpoints of a stack register their names in
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - Maps private link group ids (V(vault), V(blob), V(file), V(registry), V(amlworkspace)) to the names of the
    private DNS zones Azure resolves them through, in the given cloud, as Microsoft documents them (Azure Private
    Endpoint private DNS zone values).
  - The Azure Machine Learning workspace (V(amlworkspace)) registers names in two zones, the API and the notebooks.
  - Without O(_input), the group ids of a whole stack are used (O(container_registry) adds V(registry)).
positional: _input
options:
  _input:
    description: Group ids; empty or null for the stack's.
    type: list
    elements: str
  cloud:
    description:
      - V(AzureCloud), V(AzureUSGovernment), V(AzureChinaCloud), or an https ARM endpoint (the emulator), which
        counts as the public cloud.
    type: str
    default: AzureCloud
  container_registry:
    description: With no O(_input), whether the stack's registry has a private endpoint too.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Zones of a Key Vault and a storage account's blob endpoint
  ansible.builtin.debug:
    msg: "{{ ['vault', 'blob'] | mlops.azure.private_dns_zones }}"
  # => {"vault": ["privatelink.vaultcore.azure.net"], "blob": ["privatelink.blob.core.windows.net"]}

- name: Every zone of a stack with a registry, in the cloud the modules talk to
  ansible.builtin.debug:
    msg: "{{ [] | mlops.azure.private_dns_zones(cloud=lookup('ansible.builtin.env', 'AZURE_CLOUD_ENVIRONMENT'),
      container_registry=true) }}"
"""

RETURN = r"""
_value:
  description: Group id to the names of its private DNS zones, in the order given.
  type: dict
  sample: {"amlworkspace": ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"]}
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.mlops.azure.plugins.module_utils._network_mode import (
    NetworkModeError,
    stack_groups,
    zones_for,
)

_FILTER = "mlops.azure.private_dns_zones"


def _private_dns_zones(groups=None, cloud="AzureCloud", container_registry=False):
    if isinstance(groups, str):
        groups = [groups]
    if groups is not None and not isinstance(groups, (list, tuple)):
        raise AnsibleFilterError(f"{_FILTER}: the input must be a list of group ids, got {groups!r}")
    if not groups:
        groups = stack_groups(boolean(container_registry, strict=False))
    try:
        return zones_for(list(groups), cloud or "AzureCloud")
    except NetworkModeError as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.private_dns_zones filter."""

    def filters(self):
        return {"private_dns_zones": _private_dns_zones}
