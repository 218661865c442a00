# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource groups, declared on the resource kit (``_resource.py``) over ``azure-mgmt-resource``.

A resource group is the one resource here that is not in a resource group: its label, id, shape and SDK arguments
leave the group out.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal
from ansible_collections.mlops.azure.plugins.module_utils._resource import Field, SdkResource
from ansible_collections.mlops.azure.plugins.module_utils._resource_client import ResourceManagementClient


class ResourceGroup(SdkResource):
    kind = "resource group"
    location_fixed = "A resource group's location is fixed at creation: create a new group to use another location."
    sdk_client = ResourceManagementClient
    sdk_operations = "resource_groups"
    sdk_create = "create_or_update"
    sdk_update = "update"
    fields = (Field("managed_by", "managedBy", read_only=True),)

    def __init__(self, module, name, append_tags=True, force_delete_nonempty=False):
        super().__init__(module, name, None, append_tags=append_tags)
        self.force_delete_nonempty = force_delete_nonempty

    # -- not in a resource group ----------------------------------------------------------------
    @property
    def label(self):
        return f"{self.kind} '{self.name}'"

    @property
    def resource_id(self):
        return f"/subscriptions/{self.module.subscription_id}/resourceGroups/{self.name}"

    @property
    def sdk_args(self):
        return (self.name,)

    @classmethod
    def reader(cls, module, name, resource_group):
        return cls(module, name)

    @classmethod
    def shape(cls, body):
        shape = super().shape(body)
        if shape is not None:
            del shape["resource_group"]
        return shape

    # -- refusals -------------------------------------------------------------------------------
    def check(self, desired, current):
        if current is None and not desired.get("location"):
            raise Refusal(f"{self.label} does not exist: set location to create it.")
        super().check(desired, current)

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
