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
with no SDK of its own to install. A resource that has a management SDK declares it on ``SdkResource`` instead
(the client class, its operations group and the names of its get, create, update and delete operations), and the
same kit sends the same REST JSON bodies through that SDK.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource, string_tags
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import get_path, norm_location, prune, tag_rules
from ansible_collections.mlops.azure.plugins.module_utils._rest import (
    list_pages,
    parse_resource_id,
    private_endpoint_connections,
)


def set_path(body, path, value):
    """Set the value at a dotted ``path`` of a REST body, creating the dicts on the way."""
    parts = path.split(".")
    node = body
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)


def _resource_client_class():
    """The resource client of the generic by-id transport. Imported here: a resource declared on ``SdkResource``
    loads only its own management SDK."""
    from ansible_collections.mlops.azure.plugins.module_utils._resource_client import ResourceManagementClient

    return ResourceManagementClient


class Field:
    """One setting of a resource: module option ``option`` at REST path ``path``.

    - ``norm``: how values compare (a normaliser such as ``norm_ci``, or a rule such as ``ListOf``); for a nested
      setting, a dict of its keys' rules (``{"ip_rules": ListOf(norm_ip)}``);
    - ``default``: the value Azure reports when the body leaves it out (so an unset value still compares);
    - ``create_only``: the sentence that says why the setting cannot change after creation (the change is refused
      before any write);
    - ``read_only``: returned in the shape, never sent (ids, endpoints, identity principal);
    - ``patch``: whether the PATCH of an update may carry it (it always goes in the create);
    - ``read``: how the REST value (when there is one) becomes the shape's value (a ``None`` result takes the
      default), for a nested or list setting whose shape differs from its REST JSON;
    - ``write``: the reverse, ``write(value, held)``: the REST value to send for the shape's ``value``; ``held`` is
      the REST value Azure holds at ``path`` when an update is built (``None`` for a create), so a setting Azure
      replaces whole can keep what the module does not manage;
    - ``create_default``: what a create sends when the option is unset (a setting the service needs at creation).
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
        read=None,
        write=None,
        create_default=None,
    ):
        self.option = option
        self.path = path
        self.norm = norm
        self.default = default
        self.create_only = create_only
        self.read_only = read_only
        self.patch = patch
        self.read = read
        self.write = write
        self.create_default = create_default

    def __repr__(self):
        return f"Field({self.option!r}, {self.path!r})"


def private_endpoint_connections_field():
    """The read-only ``private_endpoint_connections`` of a service that takes private endpoints (Key Vault, storage,
    registry, ML workspace): the connections Azure lists on the resource, in one shape for every service."""
    return Field(
        "private_endpoint_connections",
        "properties.privateEndpointConnections",
        default=[],
        read_only=True,
        read=private_endpoint_connections,
    )


class ArmResource(GroupedResource):
    """A resource in a resource group, declared by class attributes:

    - ``kind``: words for messages (``"Machine Learning workspace"``);
    - ``arm_type``: ``Provider/type`` (``"Microsoft.MachineLearningServices/workspaces"``);
    - ``api_version``: the REST api-version the generic operations speak;
    - ``fields``: the ``Field`` table;
    - ``location_fixed``: the sentence that refuses a move (every resource type here is fixed at creation);
    - ``patch_together``: groups of options an update sends together when one of them differs (settings that share
      one REST object Azure replaces whole, such as a SKU's name and capacity);
    - ``provisioning_state_path``: where the REST body holds the provisioning state (``None``: the type has none).
    """

    api_version = None
    fields = ()
    patch_together = ()
    provisioning_state_path = "properties.provisioningState"
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
                # A nested setting: its keys' rules, at option.key.
                for key, rule in field.norm.items():
                    rules[f"{field.option}.{key}"] = rule
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
        if cls.provisioning_state_path:
            result["provisioning_state"] = get_path(body, cls.provisioning_state_path)
        return result

    def body(self, shape, differences=None):
        """The REST body for ``shape``: every writable field (a create), or only the top-level options that
        differ and may be patched (``differences``, an update, with the options ``patch_together`` groups)."""
        if differences is None:
            return self.fields_body(shape, location=self.create_location(shape))
        options = set(differences.top_level())
        for group in self.patch_together:
            if options.intersection(group):
                options.update(group)
        return self.fields_body(shape, options, held=self.raw or {})

    def put_body(self, after):
        """The PUT body that updates the resource to ``after`` (the predicted shape) as a whole: every writable
        field, its location as it is, and what ``Field.write`` keeps of the settings Azure holds."""
        return self.fields_body(after, location=after.get("location"), held=self.raw or {})

    def fields_body(self, shape, options=None, location=None, held=None):
        """The REST body of ``shape``'s fields: all of them (``options`` None) or those named in ``options``,
        ``location`` when given; ``held`` (Azure's REST JSON) makes it an update's body."""
        body = {}
        if location is not None:
            body["location"] = location
        if (options is None and shape.get("tags")) or (options is not None and "tags" in options):
            body["tags"] = shape.get("tags") or {}
        for field in self.fields:
            if field.read_only:
                continue
            if options is not None and (field.option not in options or not field.patch):
                continue
            value = shape.get(field.option)
            if value is None and options is None:
                value = copy.deepcopy(field.create_default)
            if value is not None and field.write is not None:
                value = field.write(value, None if held is None else get_path(held, field.path))
            if value is not None:
                set_path(body, field.path, value)
        return body

    # -- the reconcile resource -----------------------------------------------------------------
    def read(self):
        self.raw = self.module.read(self.label, self.get_raw)
        shape = self.shape(self.raw)
        return None if shape is None else self.read_children(shape)

    def read_children(self, shape):
        """``shape`` (of ``self.raw``) with what the resource's child resources add, read from Azure (a zone group,
        links, containers). The kit's resources have none."""
        return shape

    def predict_create(self, desired):
        body = self.body(desired)
        body["id"] = self.resource_id
        body["name"] = self.name
        if self.provisioning_state_path:
            set_path(body, self.provisioning_state_path, "Succeeded")
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

    # -- the _info readers ------------------------------------------------------------------------
    @classmethod
    def reader(cls, module, name, resource_group):
        """An instance that reads the resource ``name`` of ``resource_group``."""
        return cls(module, name, resource_group)

    @classmethod
    def read_all(cls, module, children=True):
        """What an ``_info`` module returns for its options ``name`` and ``resource_group``: the one resource (none
        when it does not exist), every one of the group, or every one of the subscription, each as ``read`` gives it;
        ``children`` false leaves a listed resource's child resources unread (its shape only)."""
        name, group = module.params.get("name"), module.params.get("resource_group")
        if name:
            found = [cls.reader(module, name, group).read()]
        else:
            found = []
            for body in cls.list_raw(module, group):
                shape = cls.shape(body)
                if children:
                    resource = cls.reader(module, shape["name"], shape.get("resource_group"))
                    resource.raw = body
                    shape = resource.read_children(shape)
                found.append(shape)
        return [shape for shape in found if shape is not None]

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


class SdkResource(ArmResource):
    """A resource declared on the kit whose transport is its management SDK: the same bodies (REST JSON, which the
    SDKs accept), sent through the SDK's operations. Declared by class attributes, besides ``ArmResource`` 's:

    - ``sdk_client``: the management client class (``optional_import``: a missing package fails clearly);
    - ``sdk_operations``: the client's operations group (``"workspaces"``);
    - ``sdk_get``, ``sdk_create``, ``sdk_update``, ``sdk_delete``: the names of its operations. A name that starts
      with ``begin_`` is a long-running operation the module waits for; ``sdk_update = None`` means the service
      takes no PATCH and every update is a PUT of the whole resource (``put_body``), as is an update that changes a
      field the PATCH may not carry (``Field(patch=False)``);
    - ``update_action``: how messages name the PATCH (``"update"``);
    - ``sdk_list_in_group``, ``sdk_list_all``: the names of its operations that list the resources of a resource
      group and of the subscription, for the ``_info`` readers (``list_by_resource_group`` and ``list``, the most
      common names);
    - ``plural``: several of ``kind`` in messages (default: ``kind`` + "s").

    The operations take the resource group and the name (``sdk_args``), then the body. An operation that is not a
    ``begin_*`` one is a plain call: its answer is the result (storage's and Key Vault's PATCH and DELETE).
    """

    sdk_client = None
    sdk_operations = None
    sdk_get = "get"
    sdk_create = "begin_create_or_update"
    sdk_update = "begin_update"
    sdk_delete = "begin_delete"
    sdk_list_in_group = "list_by_resource_group"
    sdk_list_all = "list"
    update_action = "update"
    plural = None

    @property
    def client(self):
        return self.module.client(self.sdk_client)

    @property
    def operations(self):
        return self.operations_for(self.module)

    @classmethod
    def operations_for(cls, module):
        """The SDK's operations group (``client.vaults``), with ``module``'s client."""
        return getattr(module.client(cls.sdk_client), cls.sdk_operations)

    @property
    def sdk_args(self):
        """What the SDK's operations take before the body: the resource group and the name."""
        return (self.resource_group, self.name)

    def sdk_call(self, action, operation, *args, **kwargs):
        """Run the SDK ``operation`` on this resource; wait for it when it is long-running (``begin_*``)."""
        func = getattr(self.operations, operation)
        if operation.startswith("begin_"):
            return self.module.wait(
                action, self.label, func, *self.sdk_args, *args, hints=self.operation_hints, **kwargs
            )
        return self.module.call(action, self.label, func, *self.sdk_args, *args, **kwargs)

    def get_raw(self):
        return getattr(self.operations, self.sdk_get)(*self.sdk_args)

    def put(self, body, action="create"):
        self.sdk_call(action, self.sdk_create, body)

    def patch(self, body):
        self.sdk_call(self.update_action, self.sdk_update, body)

    def remove(self, **params):
        """DELETE the resource (``params``: the SDK operation's keyword arguments), waiting when long-running."""
        self.sdk_call("delete", self.sdk_delete, **params)

    def update(self, desired, current, differences):
        options = set(differences.top_level())
        whole = self.sdk_update is None or any(
            field.option in options and not field.patch for field in self.fields if not field.read_only
        )
        if not whole:
            super().update(desired, current, differences)
            return
        self.put(self.put_body(self.predict_update(desired, current)), action="update")

    @classmethod
    def find_raw(cls, module, name=None, resource_group=None):
        """What an ``_info`` module returns, as REST JSON: the resource ``name`` of ``resource_group`` (none when it
        does not exist), every one of ``resource_group``, or every one of the subscription."""
        operations = cls.operations_for(module)
        lists = dict(list_in_group=cls.sdk_list_in_group, list_all=cls.sdk_list_all)
        return module.read_resources(cls.kind, operations, name, resource_group, cls.plural, **lists)

    @classmethod
    def list_raw(cls, module, resource_group=None):
        return cls.find_raw(module, resource_group=resource_group)
