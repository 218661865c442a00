#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: role_assignment_info
short_description: Read the Azure RBAC role assignments at a scope
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns the role assignments at a scope, optionally only those of one principal and/or one role.
  - With O(principal_id) Azure is asked for that principal's assignments only (C($filter=principalId eq '...'));
    otherwise for the assignments that apply at the scope (C($filter=atScope())). Neither lists every assignment
    of a subscription unless O(scope) is the subscription.
options:
  scope:
    description:
      - The scope, an id of a subscription, a resource group, a resource or a management group.
    type: str
    required: true
  principal_id:
    description: Only the assignments of this principal (object id).
    type: str
  role:
    description:
      - Only the assignments of this role, by name, role definition GUID or role definition id (see
        M(mlops.azure.role_assignment)).
    type: str
  include_inherited:
    description:
      - Also return the assignments made above O(scope) (on its resource group, subscription or management
        groups), which apply to it too.
      - When not set, only assignments made exactly at O(scope) are returned.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-authorization >= 4, < 5
seealso:
  - module: mlops.azure.role_assignment
"""

EXAMPLES = r"""
- name: Who has access to the vault
  mlops.azure.role_assignment_info:
    scope: "{{ key_vault_id }}"
  register: vault_access

- name: What the training identity may do on the storage account, including inherited roles
  mlops.azure.role_assignment_info:
    scope: "{{ storage_account_id }}"
    principal_id: "{{ pipeline_identity_principal_id }}"
    include_inherited: true
  register: pipeline_access
"""

RETURN = r"""
role_assignments:
  description: The assignments found, in the shape M(mlops.azure.role_assignment) returns.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource id of the assignment.
      type: str
    name:
      description: Name (a GUID) of the assignment.
      type: str
    scope:
      description: Scope the assignment was made at.
      type: str
    principal_id:
      description: Object id of the principal.
      type: str
    principal_type:
      description: Kind of principal.
      type: str
    role_definition_id:
      description: Role definition id.
      type: str
    role_definition_name:
      description: Name of the role (V(null) when the role definition cannot be read).
      type: str
    description:
      description: Description.
      type: str
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._role_assignment import (
    AuthorizationManagementClient,
    RoleNotFound,
    is_guid,
    list_at_scope,
    list_for_principal,
    normalise_scope,
    resolve_role,
    role_definition_shape,
    role_guid,
    scope_errors,
    scope_is_within,
    scope_key,
    scope_subscription,
)


def main():
    module = AzureModule(
        argument_spec=dict(
            scope=dict(type="str", required=True),
            principal_id=dict(type="str"),
            role=dict(type="str"),
            include_inherited=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    problems = scope_errors(params["scope"])
    if params["principal_id"] is not None and not is_guid(params["principal_id"]):
        problems.append(f"principal_id '{params['principal_id']}' must be an object id (a GUID)")
    if problems:
        module.fail_json(msg="; ".join(problems) + ".")
    scope = normalise_scope(params["scope"])
    client = module.client(AuthorizationManagementClient, subscription_id=scope_subscription(scope))

    guid = None
    if params["role"]:
        try:
            guid = role_guid(resolve_role(module, client, scope, params["role"])["id"])
        except RoleNotFound as exc:
            module.fail_json(msg=str(exc))

    if params["principal_id"]:
        found = list_for_principal(module, client, scope, params["principal_id"])
    else:
        found = list_at_scope(module, client, scope)

    if params["include_inherited"]:
        found = [item for item in found if scope_is_within(scope, item.get("scope") or "")]
    else:
        found = [item for item in found if scope_key(item.get("scope") or "") == scope_key(scope)]
    if guid is not None:
        found = [item for item in found if role_guid(item.get("role_definition_id") or "") == guid]

    names = {}
    for item in found:
        role_id = item.get("role_definition_id")
        if role_id and role_id not in names:
            body = module.read(f"role definition '{role_id}'", client.role_definitions.get_by_id, role_id)
            names[role_id] = (role_definition_shape(body) or {}).get("role_name")
        item["role_definition_name"] = names.get(role_id)
    module.exit_json(changed=False, role_assignments=found)


if __name__ == "__main__":
    main()
