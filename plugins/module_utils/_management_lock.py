# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Management locks: the locked scope, REST <-> shape conversion and the reconcile resource.

Locks are reached through the subscription-, resource-group- and resource-level operations of
``azure-mgmt-resource-locks``, not through its ``*_by_scope`` operations: those URL-encode the whole scope
(``/%2Fsubscriptions%2F...``) in release 1.0.0.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import AzureResource, norm_ci
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, rest_dict

ManagementLockClient = optional_import("azure.mgmt.resource.locks", "ManagementLockClient", "azure-mgmt-resource-locks")

LOCK_LEVELS = ["CanNotDelete", "ReadOnly"]
MAX_NOTES = 512

LOCK_RULES = {"level": norm_ci}


class LockScope:
    """Where a lock sits: a subscription, a resource group or a resource (parsed from an ARM id)."""

    def __init__(
        self,
        subscription_id,
        resource_group=None,
        namespace=None,
        parent_path="",
        resource_type=None,
        resource_name=None,
    ):
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.namespace = namespace
        self.parent_path = parent_path
        self.resource_type = resource_type
        self.resource_name = resource_name

    @property
    def level(self):
        if self.resource_name:
            return "resource"
        if self.resource_group:
            return "resource_group"
        return "subscription"

    @property
    def id(self):
        text = f"/subscriptions/{self.subscription_id}"
        if self.resource_group:
            text += f"/resourceGroups/{self.resource_group}"
        if self.resource_name:
            middle = "/".join(p for p in (self.namespace, self.parent_path, self.resource_type) if p)
            text += f"/providers/{middle}/{self.resource_name}"
        return text

    def __repr__(self):
        return f"LockScope({self.id!r})"


class ScopeError(ValueError):
    """The scope cannot be locked; the message says why."""


def parse_scope(scope):
    """A ``LockScope`` from a subscription, resource group or resource id. Raises ``ScopeError``."""
    text = (scope or "").strip().strip("/")
    parts = [p for p in text.split("/") if p]
    example = "/subscriptions/<id>[/resourceGroups/<group>[/providers/<namespace>/<type>/<name>]]"
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        raise ScopeError(f"scope '{scope}' must be a subscription, resource group or resource id ({example})")
    if len(parts) == 2:
        return LockScope(parts[1])
    if parts[2].lower() != "resourcegroups" or len(parts) < 4:
        raise ScopeError(f"scope '{scope}' must continue with /resourceGroups/<group> after the subscription")
    if len(parts) == 4:
        return LockScope(parts[1], parts[3])
    if parts[4].lower() != "providers" or len(parts) < 8 or len(parts) % 2:
        raise ScopeError(f"scope '{scope}' is not a resource id ({example})")
    if "providers" in (p.lower() for p in parts[5:]):
        raise ScopeError(f"scope '{scope}': locks on extension resources are not supported; lock the resource itself")
    # providers/<namespace>/<type>/<name>[/<type>/<name>...]: the last type/name pair is the resource, the pairs
    # before it its parent path.
    rest = parts[6:]
    return LockScope(
        parts[1],
        parts[3],
        namespace=parts[5],
        parent_path="/".join(rest[:-2]),
        resource_type=rest[-2],
        resource_name=rest[-1],
    )


def lock_shape(body, scope):
    if body is None:
        return None
    props = body.get("properties") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "scope": scope.id,
        "level": props.get("level"),
        "notes": props.get("notes") or "",
        "owners": [owner.get("applicationId") for owner in props.get("owners") or [] if owner.get("applicationId")],
    }


def lock_body(shape):
    """The PUT body (a PUT replaces the lock: owners are sent back as they are)."""
    properties = {"level": shape["level"]}
    if shape.get("notes"):
        properties["notes"] = shape["notes"]
    if shape.get("owners"):
        properties["owners"] = [{"applicationId": owner} for owner in shape["owners"]]
    return {"properties": properties}


def list_locks(module, scope):
    """The locks Azure lists at ``scope`` (a ``LockScope``), each with the scope it sits on (from its id)."""
    locks = module.client(ManagementLockClient, subscription_id=scope.subscription_id).management_locks
    if scope.level == "resource":
        operation = locks.list_at_resource_level
        args = (scope.resource_group, scope.namespace, scope.parent_path, scope.resource_type, scope.resource_name)
    elif scope.level == "resource_group":
        operation, args = locks.list_at_resource_group_level, (scope.resource_group,)
    else:
        operation, args = locks.list_at_subscription_level, ()
    with module.azure_errors("list", f"management locks at '{scope.id}'"):
        shapes = [lock_shape(rest_dict(item), scope) for item in operation(*args)]
    for shape in shapes:
        # A lock's own scope is its id less the locks segment (a listing may hold locks of other scopes).
        lock_id = shape.get("id") or ""
        cut = lock_id.lower().rfind("/providers/microsoft.authorization/locks/")
        if cut > 0:
            shape["scope"] = lock_id[:cut]
    return shapes


class ManagementLock(AzureResource):
    kind = "management lock"

    def __init__(self, module, name, scope):
        super().__init__(name, module.check_mode)
        self.module = module
        self.scope = scope
        self.client = module.client(ManagementLockClient, subscription_id=scope.subscription_id)
        self.rules = dict(LOCK_RULES)

    @property
    def label(self):
        return f"management lock '{self.name}' on '{self.scope.id}'"

    def _operation(self, verb):
        """The SDK operation for ``verb`` (get, create_or_update, delete) at this scope's level, and its arguments."""
        locks = self.client.management_locks
        scope = self.scope
        if scope.level == "resource":
            return getattr(locks, f"{verb}_at_resource_level"), (
                scope.resource_group,
                scope.namespace,
                scope.parent_path,
                scope.resource_type,
                scope.resource_name,
                self.name,
            )
        if scope.level == "resource_group":
            return getattr(locks, f"{verb}_at_resource_group_level"), (scope.resource_group, self.name)
        return getattr(locks, f"{verb}_at_subscription_level"), (self.name,)

    def read(self):
        operation, args = self._operation("get")
        return lock_shape(self.module.read(self.label, operation, *args), self.scope)

    def predict_create(self, desired):
        return {
            "id": f"{self.scope.id}/providers/Microsoft.Authorization/locks/{self.name}",
            "name": self.name,
            "scope": self.scope.id,
            "level": desired["level"],
            "notes": desired.get("notes") or "",
            "owners": [],
        }

    def _put(self, action, shape):
        operation, args = self._operation("create_or_update")
        self.module.call(action, self.label, operation, *(args + (lock_body(shape),)))

    def create(self, desired):
        self._put("create", self.predict_create(desired))

    def update(self, desired, current, differences):
        self._put("update", self.predict_update(desired, current))

    def delete(self, current):
        operation, args = self._operation("delete")
        self.module.call("delete", self.label, operation, *args)
