#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: management_lock_info
short_description: Read the management locks that apply to a subscription, resource group or resource
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Lists the management locks Azure lists at a subscription, a resource group or a resource, each with the scope
    it sits on (RV(management_locks[].scope)).
options:
  resource_group:
    description:
      - Name of a resource group of O(subscription_id) to list the locks of.
      - Exactly one of O(resource_group) and O(scope) is needed.
    type: str
  scope:
    description:
      - A subscription, resource group or resource id to list the locks of.
    type: str
    aliases: [resource_id]
  name:
    description:
      - Only return the locks of this name.
    type: str
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-resource-locks
seealso:
  - module: mlops.azure.management_lock
"""

EXAMPLES = r"""
- name: Locks that protect the stack's resource group
  mlops.azure.management_lock_info:
    resource_group: rg-mlops-prod-weu
  register: locks

- name: Prod stacks must be protected from deletion
  ansible.builtin.assert:
    that: locks.management_locks | selectattr('level', 'equalto', 'CanNotDelete') | list | length > 0
"""

RETURN = r"""
management_locks:
  description: The locks found, in the shape M(mlops.azure.management_lock) returns.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource id of the lock.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops/providers/Microsoft.Authorization/locks/mlops-protect
    name:
      description: Name of the lock.
      type: str
      sample: mlops-protect
    scope:
      description: The scope the lock sits on, taken from its id.
      type: str
    level:
      description: V(CanNotDelete) or V(ReadOnly).
      type: str
      sample: CanNotDelete
    notes:
      description: Notes of the lock.
      type: str
    owners:
      description: Application ids of the lock's owners.
      type: list
      elements: str
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._management_lock import ScopeError, list_locks, parse_scope


def main():
    module = AzureModule(
        argument_spec=dict(
            resource_group=dict(type="str"),
            scope=dict(type="str", aliases=["resource_id"]),
            name=dict(type="str"),
        ),
        supports_check_mode=True,
        mutually_exclusive=[("resource_group", "scope")],
        required_one_of=[("resource_group", "scope")],
    )
    params = module.params
    scope = params["scope"]
    if params["resource_group"]:
        scope = f"/subscriptions/{module.subscription_id}/resourceGroups/{params['resource_group']}"
    try:
        lock_scope = parse_scope(scope)
    except ScopeError as exc:
        module.fail_json(msg=str(exc))
    locks = list_locks(module, lock_scope)
    if params["name"]:
        locks = [lock for lock in locks if (lock.get("name") or "").lower() == params["name"].lower()]
    module.exit_json(changed=False, management_locks=locks)


if __name__ == "__main__":
    main()
