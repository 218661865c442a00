#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: role_assignment
short_description: Grant or withdraw an Azure RBAC role at a scope
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a principal (a security group, a service principal or managed identity, or, by exception, a user)
    holds a role at a scope, or does not.
  - An assignment is identified by its scope, principal and role, whatever its name, so an assignment made by
    hand, by the portal or by another tool is found and not duplicated. It is found by listing the assignments of
    the principal at the scope (C($filter=principalId eq '...')); the module never lists every assignment of a
    subscription.
  - A new assignment gets a deterministic name (a UUID derived from the scope, principal and role), so a rerun
    addresses the same assignment. When Azure answers C(RoleAssignmentExists) because the assignment exists
    under another name that its listing did not return yet, the task reports no change and warns.
  - Assigning roles to users directly is refused unless O(allow_user_principals=true), so that access goes
    through security groups and is withdrawn by group membership.
options:
  scope:
    description:
      - Where the role applies, an id of a subscription (V(/subscriptions/<id>)), a resource group
        (V(/subscriptions/<id>/resourceGroups/<name>)), a resource, or a management group.
      - Only an assignment exactly at this scope counts; one inherited from above does not.
    type: str
    required: true
  role:
    description:
      - The role, by name as Azure shows it (for example V(Storage Blob Data Contributor), V(Key Vault Secrets User),
        V(AcrPull)), by role definition GUID, or by role definition id
        (V(/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>)).
      - A name is resolved at O(scope) with C($filter=roleName eq '<name>'), so custom roles assignable there are
        found too. A role that does not exist fails the task, also with O(state=absent).
    type: str
    required: true
  principal_id:
    description:
      - Object id of the principal in Microsoft Entra ID (of the group, of the service principal or managed
        identity, or of the user).
    type: str
    required: true
  principal_type:
    description:
      - The kind of principal. Required to create an assignment; Azure uses it to avoid replication delays with
        new principals.
      - V(User) is refused unless O(allow_user_principals=true).
      - It belongs to the principal; a value different from the one Azure records for an existing assignment is
        refused.
    type: str
    choices: [Group, ServicePrincipal, User]
  allow_user_principals:
    description:
      - Allow assigning the role to a user directly. Off by default; grant access to a security group the user
        belongs to instead.
      - Also applies to an existing assignment that Azure records as a user's.
    type: bool
    default: false
  description:
    description:
      - A description of why the assignment exists.
      - Not compared when not set.
    type: str
  state:
    description:
      - V(present) to make sure the assignment exists, V(absent) to remove it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes
requirements:
  - azure-mgmt-authorization >= 4, < 5
notes:
  - The identity running the module needs C(Microsoft.Authorization/roleAssignments/write) at the scope, for
    example the Role Based Access Control Administrator or User Access Administrator role.
  - Uses the Authorization API version 2022-04-01 of azure-mgmt-authorization. The client is built for the
    subscription O(scope) lies in.
seealso:
  - module: mlops.azure.role_assignment_info
  - name: Azure built-in roles
    description: The names and ids of the built-in roles.
    link: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
"""

EXAMPLES = r"""
- name: Data scientists read training data
  mlops.azure.role_assignment:
    scope: "{{ storage_account_id }}"
    role: Storage Blob Data Reader
    principal_id: "{{ data_scientists_group_object_id }}"
    principal_type: Group

- name: The training pipeline's identity reads secrets
  mlops.azure.role_assignment:
    scope: "{{ key_vault_id }}"
    role: 4633458b-17de-408a-b874-0445c86b69e6  # Key Vault Secrets User
    principal_id: "{{ pipeline_identity_principal_id }}"
    principal_type: ServicePrincipal
    description: Training pipeline reads its connection secrets

- name: Withdraw push rights on the registry
  mlops.azure.role_assignment:
    scope: "{{ registry_id }}"
    role: AcrPush
    principal_id: "{{ old_ci_identity_principal_id }}"
    state: absent
"""

RETURN = r"""
role_assignment:
  description:
    - The assignment after the task; in check mode, the prediction. V(null) when O(state=absent), and when Azure
      answered C(RoleAssignmentExists) for an assignment it did not list yet.
  returned: always
  type: dict
  contains:
    id:
      description: Resource id of the assignment.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/5c0f...
    name:
      description: Name (a GUID) of the assignment.
      type: str
    scope:
      description: Scope.
      type: str
    principal_id:
      description: Object id of the principal.
      type: str
    principal_type:
      description: Kind of principal.
      type: str
      sample: Group
    role_definition_id:
      description: Role definition id.
      type: str
      sample: /subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1
    role_definition_name:
      description: Name of the role.
      type: str
      sample: Storage Blob Data Reader
    description:
      description: Description.
      type: str
diff:
  description: The assignment before and after the task, in the shape of RV(role_assignment).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import prune, reconcile
from ansible_collections.mlops.azure.plugins.module_utils._role_assignment import (
    PRINCIPAL_TYPES,
    RoleAssignment,
    is_guid,
    principal_refusal,
    scope_errors,
)


def main():
    argument_spec = dict(
        scope=dict(type="str", required=True),
        role=dict(type="str", required=True),
        principal_id=dict(type="str", required=True),
        principal_type=dict(type="str", choices=PRINCIPAL_TYPES),
        allow_user_principals=dict(type="bool", default=False),
        description=dict(type="str"),
    )
    argument_spec.update(STATE_ARGSPEC)
    module = AzureModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["principal_type"])],
    )
    params = module.params

    problems = scope_errors(params["scope"])
    if not is_guid(params["principal_id"]):
        problems.append(f"principal_id '{params['principal_id']}' must be an object id (a GUID)")
    if not params["role"].strip():
        problems.append("role must not be empty")
    if problems:
        module.fail_json(msg="; ".join(problems) + ".")
    if params["state"] == "present":
        label = "role assignment of '{}' to principal '{}' at scope '{}'".format(
            params["role"], params["principal_id"], params["scope"]
        )
        refusal = principal_refusal(params["principal_type"], params["allow_user_principals"], label)
        if refusal is not None:
            module.fail_refusal(refusal)

    assignment = RoleAssignment(
        module,
        params["scope"],
        params["principal_id"],
        params["role"],
        principal_type=params["principal_type"],
        allow_user_principals=params["allow_user_principals"],
    )
    desired = prune({"description": params["description"]})
    result = module.run_reconcile(reconcile, assignment, desired, params["state"])
    if assignment.already_exists:
        module.warn(
            f"Azure answered RoleAssignmentExists for the {assignment.label}: it exists under a name its listing "
            "did not return yet. Treated as present; nothing was changed."
        )
        result = {"changed": False, "diff": {"before": {}, "after": {}}, "resource": result["resource"]}
    module.exit_json(changed=result["changed"], diff=result["diff"], role_assignment=result["resource"])


if __name__ == "__main__":
    main()
