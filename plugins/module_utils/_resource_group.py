# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource groups: thin SDK helpers, the REST -> shape conversion and the reconcile resource."""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    AzureResource,
    Refusal,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._resource_client import ResourceManagementClient


def resource_group_shape(body):
    """A resource group's REST JSON as the module returns it."""
    if body is None:
        return None
    properties = body.get("properties") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "managed_by": body.get("managedBy"),
        "provisioning_state": properties.get("provisioningState"),
    }


class ResourceGroup(AzureResource):
    kind = "resource group"
    immutable = {
        "location": "A resource group's location is fixed at creation: create a new group to use another location.",
    }

    def __init__(self, module, name, append_tags=True, force_delete_nonempty=False):
        super().__init__(name, module.check_mode)
        self.module = module
        self.client = module.client(ResourceManagementClient)
        self.rules = dict(location=norm_location, **tag_rules(append_tags))
        self.force_delete_nonempty = force_delete_nonempty

    def read(self):
        return resource_group_shape(self.module.read(self.label, self.client.resource_groups.get, self.name))

    def check(self, desired, current):
        if current is None and not desired.get("location"):
            raise Refusal(f"{self.label} does not exist: set location to create it.")
        if current is None:
            self.module.check_location(desired["location"])
        super().check(desired, current)

    def predict_create(self, desired):
        shape = {
            "id": f"/subscriptions/{self.module.subscription_id}/resourceGroups/{self.name}",
            "name": self.name,
            "location": desired.get("location"),
            "tags": desired.get("tags") or {},
            "managed_by": None,
            "provisioning_state": "Succeeded",
        }
        return shape

    def create(self, desired):
        body = {"location": desired["location"]}
        if desired.get("tags"):
            body["tags"] = desired["tags"]
        self.module.call("create", self.label, self.client.resource_groups.create_or_update, self.name, body)

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        body = {"tags": after.get("tags") or {}}
        self.module.call("update", self.label, self.client.resource_groups.update, self.name, body)

    def check_absent(self, current):
        if self.force_delete_nonempty:
            return
        pager = self.module.call(
            "list the resources in", self.label, self.client.resources.list_by_resource_group, self.name
        )
        with self.module.azure_errors("list the resources in", self.label):
            first = next(iter(pager), None)
        if first is not None:
            first = getattr(first, "id", None) or (first.get("id") if hasattr(first, "get") else first)
            raise Refusal(
                f"{self.label} still holds resources (for example {first}); deleting it deletes them all. Set "
                "force_delete_nonempty=true to delete the group with everything in it."
            )

    def delete(self, current):
        self.module.wait("delete", self.label, self.client.resource_groups.begin_delete, self.name)
