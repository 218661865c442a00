# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ARM's resource management client (``azure-mgmt-resource``), imported only when installed, and the location of a
resource group.

Its own file, importing nothing of the resource kit, so that the kit (``_resource.py``), the resource group declared
on it (``_resource_group.py``) and the module wrapper (``_azure_module.py``) can all use it without an import cycle.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import

ResourceManagementClient = optional_import(
    "azure.mgmt.resource.resources", "ResourceManagementClient", "azure-mgmt-resource"
)


def resource_group_location(module, name):
    """The location of resource group ``name`` (used as the default location of resources in it)."""
    client = module.client(ResourceManagementClient)
    body = module.read(f"resource group '{name}'", client.resource_groups.get, name)
    if body is None:
        module.fail_json(
            msg=f"Resource group '{name}' does not exist, so no location can be taken from it: create it first "
            "(mlops.azure.resource_group) or set location."
        )
    return body.get("location")
