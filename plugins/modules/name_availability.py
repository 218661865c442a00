#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: name_availability
short_description: Check whether global Azure resource names are free, taken, soft-deleted or reserved
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Checks a list of names of one globally unique resource type (Key Vault, storage account, container registry)
    and returns one answer per name, so a preflight can report every problem at once before anything is created.
  - Each name is first checked against the collection's naming rules, including reserved words (no call is made
    for a name that breaks them). With O(resource_group), the resource of that name in that group of this
    subscription is then read; when it is there, the name is reported as RV(availability[].reason=exists) (it is
    yours, it can be managed) and no name-check request is sent for it, so a playbook's rerun asks Azure nothing
    about the names it already holds. Other names are checked, optionally, against ARM's C(checkResourceName)
    reserved-word check, then against the service's own C(checkNameAvailability).
  - A taken name is told apart further. A Key Vault name held by a vault soft-deleted in this subscription is
    reported as RV(availability[].reason=soft_deleted) with where it is and until when, since it can be recovered
    or purged. Any other taken name belongs to someone else (RV(availability[].reason=taken)).
  - The module never changes anything and always reports RV(ignore:changed=false).
options:
  names:
    description:
      - The names to check.
    type: list
    elements: str
    required: true
    aliases: [name]
  type:
    description:
      - The resource type of the names.
    type: str
    required: true
    choices: [container_registry, key_vault, storage_account]
  resource_group:
    description:
      - The resource group the resources live in, or will be created in. The resource of each name is read in this
        group (of O(subscription_id)) first; a name it holds is reported as V(exists) instead of V(taken), with no
        name-check request, so a preflight passes on the second run of a playbook and sends no name check.
    type: str
  location:
    description:
      - For O(type=key_vault), the location a soft-deleted vault is looked for first (one read per name). Every
        location of the subscription is searched when it is not found there or when this is not set.
    type: str
  check_resource_name:
    description:
      - Also ask ARM's C(POST /providers/Microsoft.Resources/checkResourceName) whether a name is reserved, on top
        of the collection's own list of reserved words.
    type: bool
    default: true
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-keyvault, azure-mgmt-storage or azure-mgmt-containerregistry, the one of O(type)
notes:
  - C(checkResourceName) is called through the type's management client (azure-mgmt-resource 26 no longer has
    an operation for it), API version 2022-12-01.
  - Availability answers are a snapshot; a free name can be taken by someone else before it is used.
seealso:
  - module: mlops.azure.key_vault
  - module: mlops.azure.storage_account
  - module: mlops.azure.container_registry
"""

EXAMPLES = r"""
- name: Check the global names of the stack before creating anything
  mlops.azure.name_availability:
    type: storage_account
    names:
      - stmlopsprodweu001
      - stmlopsdatawsprod
    resource_group: rg-mlops-prod-weu
  register: storage_names

- name: Stop when a name cannot be used
  ansible.builtin.assert:
    that: storage_names.availability | rejectattr('usable') | list | length == 0
    fail_msg: "{{ storage_names.availability | rejectattr('usable') | map(attribute='message') | list }}"

- name: Is the vault name held by a vault we soft-deleted?
  mlops.azure.name_availability:
    type: key_vault
    names: [kv-mlops-prod-weu-01]
    location: westeurope
  register: vault_name
"""

RETURN = r"""
availability:
  description: One answer per name, in the order of O(names).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
    type:
      description: The resource type.
      type: str
      sample: key_vault
    available:
      description: Whether the name is free to create a new resource with.
      type: bool
    usable:
      description: Whether a playbook can use the name, it is free (V(valid)) or yours in O(resource_group) (V(exists)).
      type: bool
    reason:
      description:
        - V(valid) (free), V(invalid) (breaks a naming rule), V(reserved) (a reserved word), V(taken) (someone
          else's), V(exists) (the resource of that name in O(resource_group)) or V(soft_deleted) (a Key Vault
          soft-deleted in this subscription).
      type: str
      sample: soft_deleted
    message:
      description: A sentence saying what the answer means and, when the name cannot be used, what to do.
      type: str
    recoverable:
      description: Whether the name is held by a soft-deleted vault of this subscription that can be recovered.
      type: bool
    errors:
      description: Every naming rule the name breaks (empty when it breaks none).
      type: list
      elements: str
    id:
      description: Id of the existing resource (V(exists)) or of the soft-deleted vault (V(soft_deleted)).
      type: str
    location:
      description: Location of the existing resource or of the soft-deleted vault.
      type: str
    deletion_date:
      description: When the vault was soft-deleted (V(soft_deleted) only).
      type: str
    scheduled_purge_date:
      description: When Azure purges the soft-deleted vault and frees the name (V(soft_deleted) only).
      type: str
    purge_protection_enabled:
      description: Whether the soft-deleted vault has purge protection, so cannot be purged before then.
      type: bool
all_available:
  description: Whether every name is available (RV(availability[].available)).
  returned: always
  type: bool
all_usable:
  description: Whether every name is usable (RV(availability[].usable)).
  returned: always
  type: bool
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._name_availability import TYPES, NameChecker


def main():
    module = AzureModule(
        argument_spec=dict(
            names=dict(type="list", elements="str", required=True, aliases=["name"]),
            type=dict(type="str", required=True, choices=TYPES),
            resource_group=dict(type="str"),
            location=dict(type="str"),
            check_resource_name=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    checker = NameChecker(
        module,
        params["type"],
        resource_group=params["resource_group"],
        location=params["location"],
        check_resource_name=params["check_resource_name"],
    )
    results = [checker.check(name) for name in params["names"]]
    module.exit_json(
        changed=False,
        availability=results,
        all_available=all(item["available"] for item in results),
        all_usable=all(item["usable"] for item in results),
    )


if __name__ == "__main__":
    main()
