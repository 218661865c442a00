# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: resource_name
short_description: Generate a compliant, deterministic Azure resource name
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - Builds C(<abbreviation>-<workload>-<environment>-<region>-<instance>-<suffix>) from the Cloud Adoption
    Framework abbreviation of the resource type, the workload (the input), and the optional parts. Parts that
    are not given are left out.
  - Every part is lower case. Types that refuse hyphens (storage account, container registry) get the parts
    joined without separators, for example C(stmlopsprodweu<suffix>).
  - The suffix is ARM's C(uniqueString) of O(unique_seed) (the same value Bicep and ARM templates compute
    from the same seed), cut to O(unique_length) characters. It is never shortened further.
  - When the name is too long for the type, the other parts are shortened in this fixed order, each step
    only as far as needed, so the result is deterministic. 1. the workload down to 3 characters;
    2. the zero-padding of a numeric instance; 3. the region is dropped; 4. the instance is dropped;
    5. the workload down to 1 character; 6. the environment down to 1 character; 7. the abbreviation is
    dropped, only if the name still starts with a character the type allows first (a Key Vault name always
    starts with a letter).
  - The result is checked against the full rule of the type (see P(mlops.azure.name_errors#filter)); when no
    compliant name can be made the filter fails and says why.
  - 'Abbreviations: action_group V(ag), app_insights V(appi), blob_container V(stc), container_registry V(cr),
    diagnostic_setting V(diag), key_vault V(kv), key_vault_secret V(kvs), log_analytics_workspace V(log),
    management_lock V(lock), metric_alert V(al), ml_workspace V(mlw), resource_group V(rg), storage_account
    V(st), subnet V(snet), virtual_network V(vnet). V(stc), V(kvs), V(diag) and V(lock) are the project''s own;
    the Cloud Adoption Framework has none for those types.'
positional: _input, resource_type
options:
  _input:
    description:
      - The workload or application name, for example V(mlops). Letters a-z, digits and hyphens;
        it is lower-cased.
    type: str
    required: true
  resource_type:
    description: The resource type to name; an unknown type is an error that lists the known ones.
    type: str
    required: true
  environment:
    description: The environment, for example V(dev), V(test) or V(prod).
    type: str
  region:
    description:
      - An Azure region name such as V(westeurope) or V(West Europe); common regions are replaced by a short
        code (V(westeurope) becomes V(weu), V(northeurope) V(neu), V(eastus) V(eus), V(eastus2) V(eus2),
        V(swedencentral) V(sdc), V(uksouth) V(uks), ...).
      - A known short code is kept; any other value made of letters and digits is used as given.
    type: str
  instance_number:
    description:
      - The instance. A number is zero-padded to three digits (V(1) becomes V(001)); a string is used as given.
      - Named C(instance_number), not C(instance), because ansible-core reserves C(instance) as a keyword of
        filter calls.
    type: raw
  unique_seed:
    description:
      - The string, or list of strings, the unique suffix is computed from, with the semantics of ARM's
        C(uniqueString) (joined with V(-), case-sensitive). Use stable values such as the subscription ID and the
        resource group name.
      - Without it the name has no unique suffix.
    type: raw
  unique_length:
    description:
      - How many characters of the 13-character unique string to keep, from 1 to 13.
      - Shorter suffixes leave more room for the other parts but make collisions of globally unique names
        more likely.
    type: int
    default: 13
  abbreviation:
    description:
      - Replace the type's abbreviation; the empty string leaves it out.
      - Without an abbreviation the workload or environment must start with a character the type allows
        first, or the filter fails.
    type: str
  max_length:
    description: A maximum length lower than the type's own, for naming policies stricter than Azure.
    type: int
seealso:
  - plugin: mlops.azure.unique_string
    plugin_type: filter
  - plugin: mlops.azure.name_errors
    plugin_type: filter
  - name: Recommended abbreviations for Azure resource types
    description: The Cloud Adoption Framework's abbreviations.
    link: https://learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/resource-abbreviations
extends_documentation_fragment:
  - mlops.azure.resource_types
"""

EXAMPLES = r"""
- name: Name the MLOps stack
  ansible.builtin.set_fact:
    # kv-ml-prod-fb2doxwcthv2w: the workload is shortened so that the 13-character suffix stays whole
    key_vault_name: >-
      {{ 'mlops' | mlops.azure.resource_name('key_vault', environment='prod',
                                             unique_seed=[subscription_id, 'rg-mlops-prod']) }}
    # stmlopsprodweu001qhib2c: no separators, 6-character suffix
    storage_account_name: >-
      {{ 'mlops' | mlops.azure.resource_name('storage_account', environment='prod', region='westeurope',
                                             instance_number=1, unique_seed=subscription_id, unique_length=6) }}
    # rg-mlops-prod-weu
    resource_group_name: >-
      {{ 'mlops' | mlops.azure.resource_name('resource_group', environment='prod', region='westeurope') }}
  vars:
    subscription_id: 00000000-0000-0000-0000-000000000000
"""

RETURN = r"""
_value:
  description: A name that meets every naming rule of the resource type.
  type: str
  sample: kv-mlo-prod-weu-001-qhib
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.module_utils._naming import (
    DEFAULT_UNIQUE_LENGTH,
    NameRuleError,
    resource_name,
)

_FILTER = "mlops.azure.resource_name"


def _resource_name(
    workload,
    resource_type,
    environment=None,
    region=None,
    instance_number=None,
    unique_seed=None,
    unique_length=DEFAULT_UNIQUE_LENGTH,
    abbreviation=None,
    max_length=None,
):
    try:
        return resource_name(
            resource_type,
            workload,
            environment=environment,
            region=region,
            instance=instance_number,
            unique_seed=unique_seed,
            unique_length=unique_length,
            abbreviation=abbreviation,
            max_length=max_length,
        )
    except NameRuleError as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.resource_name filter."""

    def filters(self):
        return {"resource_name": _resource_name}
