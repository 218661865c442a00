# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource kit: a resource declared as one field table, from which the reconcile resource is derived.

A resource in a resource group is described by its ARM type, the words messages use for it, and a table of
``Field`` s (module option, REST path, normaliser, default, whether it is set at creation only or read only).
``ArmResource`` derives from them the label, the resource id, the shape read back from Azure, the create (PUT)
and update (PATCH) bodies, the compare rules, the refusals of settings Azure fixes at creation, and the wait on
long-running operations. A resource with its own lifecycle (soft delete, recovery, child resources) overrides
the hooks it needs.

The transport is ARM's generic by-id operations of ``azure-mgmt-resource`` (``resources.get_by_id``,
``begin_create_or_update_by_id``, ``begin_update_by_id``, ``begin_delete_by_id``) at the resource type's own
``api_version``: the same pipeline, credential, retries and long-running-operation polling as every management SDK,
with no SDK of its own to install. A resource that has a management SDK can override ``get_raw``, ``put``,
``patch`` and ``remove`` (and ``client``): ``azure-mgmt-resource`` is then never imported.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource, string_tags
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import get_path, norm_location, prune, tag_rules
from ansible_collections.mlops.azure.plugins.module_utils._rest import list_pages, parse_resource_id


def _resource_client_class():
    """``azure-mgmt-resource``'s client class, imported on first use: a module whose resource speaks its own
    management SDK (Key Vault, storage) loads only that SDK."""
    from ansible_collections.mlops.azure.plugins.module_utils._resource_group import ResourceManagementClient

    return ResourceManagementClient


def set_path(body, path, value):
    """Set the value at a dotted ``path`` of a REST body, creating the dicts on the way."""
    parts = path.split(".")
    node = body
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)


class Field:
    """One setting of a resource: module option ``option`` at REST path ``path``.

    - ``norm``: how values compare (a normaliser such as ``norm_ci``, or a rule such as ``ListOf``); for a dict
      option, a dict of its keys' rules (``{"default_action": norm_ci, "ip_rules": ListOf(norm_ip)}``);
    - ``default``: the value Azure reports when the body leaves it out (so an unset value still compares);
    - ``create_default``: the value sent at creation when the option is not set (a value Azure requires);
    - ``read`` / ``write``: when the REST value has another form than the option's, the function from the REST
      value (present) to the option's, and back (``None``: leave the path out of the body);
    - ``create_only``: the sentence that says why the setting cannot change after creation (the change is refused
      before any write);
    - ``read_only``: returned in the shape, never sent (ids, endpoints, identity principal);
    - ``patch``: whether the PATCH of an update may carry it (it always goes in the create).
    """

    def __init__(
        self,
        option,
        path,
        norm=None,
        default=None,
        create_only=None,
        read_only=False,
        patch=True,
        create_default=None,
        read=None,
        write=None,
    ):
        self.option = option
        self.path = path
        self.norm = norm
        self.default = default
        self.create_only = create_only
        self.read_only = read_only
        self.patch = patch
        self.create_default = create_default
        self.read = read
        self.write = write

    def __repr__(self):
        return f"Field({self.option!r}, {self.path!r})"


class ArmResource(GroupedResource):
    """A resource in a resource group, declared by class attributes:

    - ``kind``: words for messages (``"Machine Learning workspace"``);
    - ``arm_type``: ``Provider/type`` (``"Microsoft.MachineLearningServices/workspaces"``);
    - ``api_version``: the REST api-version the generic operations speak;
    - ``fields``: the ``Field`` table;
    - ``location_fixed``: the sentence that refuses a move (every resource type here is fixed at creation).
    """

    api_version = None
    fields = ()
    # Text in the error of a failed operation -> what to do (for refusals a service reports through the operation).
    operation_hints = {}
    location_fixed = "Azure fixes a resource's location at creation: create a new one to use another location."

    def __init__(self, module, name, resource_group, location=None, append_tags=True):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.location = location
        self.rules = dict(self.field_rules(), **tag_rules(append_tags))
        self.immutable = self.field_immutables()
        self.raw = None

    # -- derived from the declaration ----------------------------------------------------------
    @classmethod
    def field_rules(cls):
        rules = {"location": norm_location}
        for field in cls.fields:
            if isinstance(field.norm, dict):
                rules.update((f"{field.option}.{key}", rule) for key, rule in field.norm.items())
            elif field.norm is not None:
                rules[field.option] = field.norm
        return rules

    @classmethod
    def field_immutables(cls):
        immutable = {"location": cls.location_fixed}
        for field in cls.fields:
            if field.create_only:
                immutable[field.option] = field.create_only
        return immutable

    @classmethod
    def desired_from(cls, params):
        """The desired shape from a module's parameters: location, tags and every writable field the user set."""
        desired = {"location": params.get("location"), "tags": string_tags(params.get("tags"))}
        for field in cls.fields:
            if not field.read_only:
                desired[field.option] = params.get(field.option)
        return prune(desired)

    @classmethod
    def shape(cls, body):
        """A REST body as the module returns it: id, name, group, location, tags, then every field."""
        if body is None:
            return None
        ids = parse_resource_id(body.get("id"))
        result = {
            "id": body.get("id"),
            "name": body.get("name"),
            "resource_group": ids.get("resource_group"),
            "location": body.get("location"),
            "tags": body.get("tags") or {},
        }
        for field in cls.fields:
            value = get_path(body, field.path)
            if value is not None and field.read is not None:
                value = field.read(value)
            result[field.option] = copy.deepcopy(field.default) if value is None else value
        result["provisioning_state"] = get_path(body, "properties.provisioningState")
        return result

    def body(self, shape, differences=None):
        """The REST body for ``shape``: every writable field (a create), or only the top-level options that
        differ and may be patched (``differences``, an update)."""
        options = None if differences is None else set(differences.top_level())
        body = {}
        if options is None:
            body["location"] = self.create_location(shape)
        if (options is None and shape.get("tags")) or (options is not None and "tags" in options):
            body["tags"] = shape.get("tags") or {}
        for field in self.fields:
            if field.read_only:
                continue
            if options is not None and (field.option not in options or not field.patch):
                continue
            value = shape.get(field.option)
            if value is None and options is None:
                value = field.create_default
            if value is not None and field.write is not None:
                value = field.write(value)
            if value is not None:
                set_path(body, field.path, value)
        return body

    # -- the reconcile resource -----------------------------------------------------------------
    def read(self):
        self.raw = self.module.read(self.label, self.get_raw)
        return self.shape(self.raw)

    def predict_create(self, desired):
        body = self.body(desired)
        body["id"] = self.resource_id
        body["name"] = self.name
        set_path(body, "properties.provisioningState", "Succeeded")
        shape = self.shape(body)
        for field in self.fields:
            if field.read_only and field.default is None:
                shape[field.option] = None
        return shape

    def create(self, desired):
        self.put(self.body(desired))

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        body = self.body(after, differences)
        if body:
            self.patch(body)

    def delete(self, current):
        self.remove()

    # -- transport: ARM's generic by-id operations ----------------------------------------------
    @property
    def client(self):
        return self.module.client(_resource_client_class())

    def get_raw(self):
        return self.client.resources.get_by_id(self.resource_id, api_version=self.api_version)

    def put(self, body, action="create"):
        self.module.wait(
            action,
            self.label,
            self.client.resources.begin_create_or_update_by_id,
            self.resource_id,
            body,
            api_version=self.api_version,
            hints=self.operation_hints,
        )

    def patch(self, body):
        self.module.wait(
            "update",
            self.label,
            self.client.resources.begin_update_by_id,
            self.resource_id,
            body,
            api_version=self.api_version,
            hints=self.operation_hints,
        )

    @classmethod
    def list_raw(cls, module, resource_group=None):
        """Every resource of this type in ``resource_group`` (or the subscription), as REST JSON, following
        ``nextLink``: ARM's list operation of the type, sent through the resource client's pipeline."""
        scope = f"/subscriptions/{module.subscription_id}"
        where = f"subscription {module.subscription_id}"
        if resource_group:
            scope += f"/resourceGroups/{resource_group}"
            where = f"resource group '{resource_group}'"
        client = module.client(_resource_client_class())
        return list_pages(
            module, client, f"{scope}/providers/{cls.arm_type}", cls.api_version, f"the {cls.kind}s of {where}"
        )

    def remove(self, **params):
        """DELETE the resource (``params``: extra query parameters) and wait; return the status of the DELETE's own
        answer (204 when there was nothing to delete)."""
        statuses = []
        self.module.wait(
            "delete",
            self.label,
            self.client.resources.begin_delete_by_id,
            self.resource_id,
            api_version=self.api_version,
            params=params or None,
            hints=self.operation_hints,
            raw_response_hook=lambda response: statuses.append(response.http_response.status_code),
        )
        return statuses[0] if statuses else None
