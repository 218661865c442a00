# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure RBAC role assignments: role resolution, deterministic names, lookup by (scope, principal, role).

An assignment is identified by what it grants, not by its name: the same principal, role and scope can only be
assigned once, under whatever GUID name whoever created it chose. So the module looks for an existing assignment
by listing the assignments of the principal at the scope (``$filter=principalId eq '...'``, which Azure answers
from its index for that principal) and keeping those whose scope is exactly the scope and whose role is the role.
It never lists every assignment of a subscription to find one.
"""

from __future__ import annotations

import re
import uuid

from ansible_collections.mlops.azure.plugins.module_utils._errors import error_code, is_not_found
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import AzureResource, Refusal
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, rest_dict

AuthorizationManagementClient = optional_import(
    "azure.mgmt.authorization", "AuthorizationManagementClient", "azure-mgmt-authorization"
)

PRINCIPAL_TYPES = ["Group", "ServicePrincipal", "User"]

# uuid5 namespace of the names this collection gives role assignments (a fixed, arbitrary UUID).
ASSIGNMENT_NAMESPACE = uuid.UUID("5b0f7d3e-6c1a-5d9e-9a41-7f3c2e8b1d60")

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GUID_RE = re.compile(_GUID)
_ROLE_ID_RE = re.compile(
    r"(?:/subscriptions/[^/]+|/providers/Microsoft\.Management/managementGroups/[^/]+)?"
    r"/providers/Microsoft\.Authorization/roleDefinitions/(?P<guid>" + _GUID + ")",
    re.IGNORECASE,
)


# What to do next, for the ARM codes of role assignment writes (the wrapper's hints cover the rest).
CREATE_HINTS = {
    "PrincipalNotFound": "Check that principal_id is the object id (not the application id) of a principal in the "
    "subscription's tenant. A principal created moments ago takes a few minutes to replicate: set principal_type "
    "and run again.",
    "UnmatchedPrincipalType": "Set principal_type to the kind of principal_id (Group, ServicePrincipal or User).",
}


class RoleNotFound(Exception):
    """No role definition matches; the message says what was looked for and where."""


def is_guid(value):
    return isinstance(value, str) and bool(_GUID_RE.fullmatch(value.strip()))


def normalise_scope(scope):
    """``scope`` with one leading slash and no trailing slash (the form ARM returns)."""
    text = (scope or "").strip().strip("/")
    return "/" + text


def scope_key(scope):
    return normalise_scope(scope).casefold()


def scope_is_within(scope, outer):
    """Whether an assignment at ``outer`` applies at ``scope``: ``outer`` is ``scope`` or one of its ancestors.

    Management groups are not resolved (that needs the management group hierarchy): an assignment at the tenant
    root (``/``) or at a management group is taken as applying.
    """
    inner = scope_key(scope)
    outer = scope_key(outer)
    if outer == "/" or outer.startswith("/providers/microsoft.management/managementgroups/"):
        return True
    return inner == outer or inner.startswith(outer + "/")


def scope_subscription(scope):
    """The subscription id a scope lies in, or None (management group, tenant root)."""
    parts = [p for p in normalise_scope(scope).split("/") if p]
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1]
    return None


def scope_errors(scope):
    """Why ``scope`` is not a scope a role can be assigned at, or an empty list."""
    if not scope or not scope.strip().strip("/"):
        return ["scope must not be empty"]
    parts = [p for p in normalise_scope(scope).split("/") if p]
    lowered = [p.lower() for p in parts]
    if lowered[0] == "subscriptions":
        if len(parts) < 2 or not is_guid(parts[1]):
            return [f"scope '{scope}' must start with /subscriptions/<subscription id (a GUID)>"]
        if len(parts) > 2 and (lowered[2] != "resourcegroups" or len(parts) < 4):
            return [f"scope '{scope}' must continue with /resourceGroups/<name> after the subscription"]
        if len(parts) > 4 and (lowered[4] != "providers" or len(parts) < 8 or len(parts) % 2):
            return [
                f"scope '{scope}' is not a resource id: expected "
                "/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>"
            ]
        return []
    if lowered[:3] == ["providers", "microsoft.management", "managementgroups"] and len(parts) == 4:
        return []
    return [
        f"scope '{scope}' must be a subscription, resource group or resource id "
        "(/subscriptions/<id>[/resourceGroups/<group>[/providers/...]]) or a management group id"
    ]


def role_guid(value):
    """The role definition GUID in ``value`` (a GUID or a role definition id), or None for a role name."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if is_guid(text):
        return text.lower()
    match = _ROLE_ID_RE.fullmatch(text.rstrip("/"))
    if match:
        return match.group("guid").lower()
    return None


def odata_string(value):
    """A string literal for an OData ``$filter`` (single quotes doubled)."""
    return "'{}'".format(value.replace("'", "''"))


def role_name_filter(name):
    return f"roleName eq {odata_string(name)}"


def principal_filter(principal_id):
    return f"principalId eq {odata_string(principal_id)}"


def assignment_name(scope, principal_id, guid):
    """The deterministic GUID name of a new assignment: uuid5 of (scope, principal, role), case-folded."""
    seed = "|".join((scope_key(scope), principal_id.strip().casefold(), guid.strip().casefold()))
    return str(uuid.uuid5(ASSIGNMENT_NAMESPACE, seed))


def role_definition_shape(body):
    if body is None:
        return None
    props = body.get("properties") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "role_name": props.get("roleName"),
        "role_type": props.get("type"),
    }


def role_assignment_shape(body, role_name=None):
    """A role assignment's REST JSON as the module returns it."""
    if body is None:
        return None
    props = body.get("properties") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "scope": props.get("scope"),
        "principal_id": props.get("principalId"),
        "principal_type": props.get("principalType"),
        "role_definition_id": props.get("roleDefinitionId"),
        "role_definition_name": role_name,
        "description": props.get("description"),
    }


def matches(shape, scope, principal_id, guid):
    """Whether the assignment ``shape`` grants role ``guid`` to ``principal_id`` exactly at ``scope``."""
    return (
        scope_key(shape.get("scope") or "") == scope_key(scope)
        and (shape.get("principal_id") or "").casefold() == principal_id.casefold()
        and role_guid(shape.get("role_definition_id") or "") == guid
    )


def principal_refusal(principal_type, allow_user_principals, label):
    """A ``Refusal`` when the policy forbids assigning roles to users directly, else None."""
    if (principal_type or "").casefold() == "user" and not allow_user_principals:
        return Refusal(
            f"{label}: the principal is a User. Assign roles to a security group the user belongs to "
            "(principal_type: Group), so access is granted and withdrawn through group membership; set "
            "allow_user_principals: true only for a deliberate exception."
        )
    return None


# ---------------------------------------------------------------------------------------------
# Azure calls
# ---------------------------------------------------------------------------------------------


def resolve_role(module, client, scope, role):
    """The role definition shape for ``role`` (a built-in or custom role name, a GUID or a role definition id).

    Names are looked up with ``$filter=roleName eq '...'`` and GUIDs and ids are read at the subscription of
    ``scope`` (where built-in and subscription custom roles are visible), so a role resolves even while the scope
    itself does not exist yet (check mode on an empty subscription). Raises ``RoleNotFound``.
    """
    subscription = scope_subscription(scope)
    where = normalise_scope("/subscriptions/" + subscription if subscription else scope)
    guid = role_guid(role)
    if guid is not None:
        from azure.core.exceptions import AzureError

        try:
            body = rest_dict(client.role_definitions.get(where, guid))
        except AzureError as exc:
            # 404 RoleDefinitionDoesNotExist: no such role; any other 404 (ResourceNotFound, ResourceGroupNotFound)
            # is about the scope, and Azure's own error says which.
            if not is_not_found(exc) or not (error_code(exc) or "").startswith("RoleDefinition"):
                module.fail_azure(exc, "read", f"role definition '{guid}' at scope '{where}'")
            raise RoleNotFound(
                f"No role definition with id '{guid}' is visible at scope '{where}' (looked up for scope '{scope}'): "
                "check the id, or use the role's "
                "name (for example 'Storage Blob Data Reader')."
            ) from None
        return role_definition_shape(body)
    label = f"role definitions named '{role}' at scope '{where}'"
    with module.azure_errors("list", label):
        found = [
            role_definition_shape(rest_dict(item))
            for item in client.role_definitions.list(where, filter=role_name_filter(role))
        ]
    exact = [item for item in found if (item.get("role_name") or "") == role]
    found = exact or [item for item in found if (item.get("role_name") or "").casefold() == role.casefold()]
    if not found:
        raise RoleNotFound(
            f"No role named '{role}' is visible at scope '{where}' (looked up for scope '{scope}'). Role names are "
            "the display names Azure shows, for example 'Storage Blob Data Contributor' or 'Key Vault Secrets User'; "
            "check the spelling, or give the role definition id."
        )
    return found[0]


def list_for_principal(module, client, scope, principal_id, missing_scope_ok=False):
    """The assignments of ``principal_id`` that Azure lists at ``scope`` (at, above and below it).

    With ``missing_scope_ok``, a scope that does not exist (404) has none instead of failing the module.
    """
    from azure.core.exceptions import AzureError

    label = f"role assignments of principal '{principal_id}' at scope '{scope}'"
    try:
        return [
            role_assignment_shape(rest_dict(item))
            for item in client.role_assignments.list_for_scope(
                normalise_scope(scope), filter=principal_filter(principal_id)
            )
        ]
    except AzureError as exc:
        if missing_scope_ok and is_not_found(exc):
            return []
        module.fail_azure(exc, "list", label)


def list_at_scope(module, client, scope):
    """The assignments that apply at ``scope`` (``$filter=atScope()``: at the scope and above it)."""
    with module.azure_errors("list", f"role assignments at scope '{scope}'"):
        return [
            role_assignment_shape(rest_dict(item))
            for item in client.role_assignments.list_for_scope(normalise_scope(scope), filter="atScope()")
        ]


class RoleAssignment(AzureResource):
    """One (scope, principal, role) triple; its Azure name is whatever the existing assignment has.

    The compared shape holds only ``description``; the principal type is checked by ``check`` (it belongs to the
    principal and cannot change on an assignment).
    """

    kind = "role assignment"

    def __init__(self, module, scope, principal_id, role, principal_type=None, allow_user_principals=False):
        super().__init__(None, module.check_mode)
        self.module = module
        self.scope = normalise_scope(scope)
        self.principal_id = principal_id.strip()
        self.role = role
        self.principal_type = principal_type
        self.allow_user_principals = allow_user_principals
        self.client = module.client(AuthorizationManagementClient, subscription_id=scope_subscription(scope))
        self.role_definition = None
        self.found = []
        self.already_exists = False

    @property
    def label(self):
        return f"role assignment of '{self.role}' to principal '{self.principal_id}' at scope '{self.scope}'"

    @property
    def guid(self):
        definition = self.resolve()
        return role_guid(definition["id"]) or definition["name"]

    def resolve(self):
        """The role definition (looked up once); fails the module when there is no such role."""
        if self.role_definition is None:
            try:
                self.role_definition = resolve_role(self.module, self.client, self.scope, self.role)
            except RoleNotFound as exc:
                self.module.fail_json(msg=f"Could not resolve the role of the {self.label}: {exc}")
        return self.role_definition

    def read(self):
        self.resolve()
        # In check mode the scope may be a resource this run would create: none there means no assignment.
        listed = list_for_principal(
            self.module, self.client, self.scope, self.principal_id, missing_scope_ok=self.check_mode
        )
        self.found = [item for item in listed if matches(item, self.scope, self.principal_id, self.guid)]
        if not self.found:
            return None
        self.name = self.found[0]["name"]
        shape = dict(self.found[0])
        shape["role_definition_name"] = self.role_definition.get("role_name")
        return shape

    def new_name(self):
        return assignment_name(self.scope, self.principal_id, self.guid)

    def check(self, desired, current):
        refusal = principal_refusal(self.principal_type, self.allow_user_principals, self.label)
        if refusal is None and current is not None:
            refusal = principal_refusal(current.get("principal_type"), self.allow_user_principals, self.label)
        if refusal is not None:
            raise refusal
        have = (current or {}).get("principal_type")
        if self.principal_type and have and self.principal_type.casefold() != have.casefold():
            raise Refusal(
                f"{self.label}: Azure records the principal as a {have}, not a {self.principal_type}. Set "
                f"principal_type: {have} (the type belongs to the principal; an assignment cannot change it)."
            )

    def predict_create(self, desired):
        name = self.new_name()
        return {
            "id": f"{self.scope.rstrip('/')}/providers/Microsoft.Authorization/roleAssignments/{name}",
            "name": name,
            "scope": self.scope,
            "principal_id": self.principal_id,
            "principal_type": self.principal_type,
            "role_definition_id": self.role_definition["id"],
            "role_definition_name": self.role_definition.get("role_name"),
            "description": desired.get("description"),
        }

    def _body(self, desired, current=None):
        current = current or {}
        properties = {
            "roleDefinitionId": current.get("role_definition_id") or self.role_definition["id"],
            "principalId": current.get("principal_id") or self.principal_id,
        }
        principal_type = current.get("principal_type") or self.principal_type
        if principal_type:
            properties["principalType"] = principal_type
        description = desired.get("description", current.get("description"))
        if description is not None:
            properties["description"] = description
        return {"properties": properties}

    def create(self, desired):
        from azure.core.exceptions import AzureError

        try:
            self.client.role_assignments.create(self.scope, self.new_name(), self._body(desired))
        except AzureError as exc:
            if error_code(exc) != "RoleAssignmentExists":
                self.module.fail_azure(exc, "create", self.label, CREATE_HINTS.get(error_code(exc)))
            # The same (scope, principal, role) exists under another name that the listing did not return (Azure's
            # index lags behind writes, or someone created it meanwhile): what was asked for is there.
            self.already_exists = True

    def update(self, desired, current, differences):
        self.module.call(
            "update",
            self.label,
            self.client.role_assignments.create,
            self.scope,
            current["name"],
            self._body(desired, current),
        )

    def delete(self, current):
        for item in self.found:
            label = "{} (named '{}')".format(self.label, item["name"])
            self.module.call("delete", label, self.client.role_assignments.delete, self.scope, item["name"])
