#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: management_lock
short_description: Put or remove a management lock on a resource group, a resource or a subscription
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a management lock exists at a scope with the given level and notes, or does not.
  - V(CanNotDelete) lets authorized users read and change the resources but not delete them; it is what keeps a
    production stack from being deleted by accident. V(ReadOnly) also blocks every change, including some
    that look like reads (listing storage account keys), so use it with care.
  - A lock applies to everything below its scope. Deleting a locked resource or group fails with C(ScopeLocked)
    until the lock is removed, which needs C(Microsoft.Authorization/locks/delete) (Owner or User Access
    Administrator).
options:
  name:
    description:
      - Name of the lock, unique at its scope. 1-90 letters, digits, V(_), V(-), V(.) and parentheses, not ending
        with V(.); checked before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description:
      - Lock this resource group (in O(subscription_id)).
      - Exactly one of O(resource_group) and O(scope) is required.
    type: str
  scope:
    description:
      - Lock this scope, a resource id
        (V(/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>)), a resource group id
        or a subscription id (V(/subscriptions/<id>)).
      - Exactly one of O(resource_group) and O(scope) is required.
    type: str
    aliases: [resource_id]
  level:
    description:
      - V(CanNotDelete) or V(ReadOnly).
    type: str
    choices: [CanNotDelete, ReadOnly]
    default: CanNotDelete
  notes:
    description:
      - Why the lock is there and who to ask before removing it, at most 512 characters.
      - Not compared when not set.
    type: str
  state:
    description:
      - V(present) to put the lock, V(absent) to remove it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes
requirements:
  - azure-mgmt-resource-locks >= 1, < 2
notes:
  - Uses the Authorization locks API version 2020-05-01.
seealso:
  - name: Lock your resources to protect your infrastructure
    description: What the lock levels block.
    link: https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources
"""

EXAMPLES = r"""
- name: Keep the production resource group from being deleted
  mlops.azure.management_lock:
    name: do-not-delete
    resource_group: rg-mlops-prod-weu
    level: CanNotDelete
    notes: Production MLOps stack. Ask the platform team before removing.

- name: Lock the production key vault itself
  mlops.azure.management_lock:
    name: do-not-delete
    scope: "{{ key_vault_id }}"

- name: Remove the lock before a planned teardown
  mlops.azure.management_lock:
    name: do-not-delete
    resource_group: rg-mlops-test-weu
    state: absent
"""

RETURN = r"""
management_lock:
  description:
    - The lock after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id of the lock.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops-prod-weu/providers/Microsoft.Authorization/locks/do-not-delete
    name:
      description: Name.
      type: str
    scope:
      description: The locked scope.
      type: str
    level:
      description: Level.
      type: str
      sample: CanNotDelete
    notes:
      description: Notes.
      type: str
    owners:
      description: Application ids of the lock's owners, if any.
      type: list
      elements: str
diff:
  description: The lock before and after the task, in the shape of RV(management_lock).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._management_lock import (
    LOCK_LEVELS,
    MAX_NOTES,
    ManagementLock,
    ScopeError,
    parse_scope,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import prune, reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str"),
        scope=dict(type="str", aliases=["resource_id"]),
        level=dict(type="str", choices=LOCK_LEVELS, default="CanNotDelete"),
        notes=dict(type="str"),
    )
    argument_spec.update(STATE_ARGSPEC)
    module = AzureModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("resource_group", "scope")],
        required_one_of=[("resource_group", "scope")],
    )
    params = module.params

    if params["state"] == "present":
        module.validate_name("management_lock", params["name"])
    notes = params["notes"]
    if notes is not None and len(notes) > MAX_NOTES:
        module.fail_json(msg=f"notes has {len(notes)} characters; Azure allows at most {MAX_NOTES}.")
    scope = params["scope"]
    if params["resource_group"]:
        scope = f"/subscriptions/{module.subscription_id}/resourceGroups/{params['resource_group']}"
    try:
        lock_scope = parse_scope(scope)
    except ScopeError as exc:
        module.fail_json(msg=str(exc))

    lock = ManagementLock(module, params["name"], lock_scope)
    desired = prune({"level": params["level"], "notes": notes})
    result = module.run_reconcile(reconcile, lock, desired, params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], management_lock=result["resource"])


if __name__ == "__main__":
    main()
