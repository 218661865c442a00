# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The locations of a subscription: ``GET /subscriptions/{id}/locations`` (Subscriptions_ListLocations).

azure-mgmt-resource 26 has no operation for it (it moved to azure-mgmt-resource-subscriptions), so it goes through
the resource management client's own pipeline (``send_request``): same credential, retries and error format, and no
other dependency. The answer is one page (``value``; the REST specification declares no next link), which is
followed anyway should a next link ever come.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._rest import list_pages
from ansible_collections.mlops.azure.plugins.module_utils._validate import location_key

LOCATIONS_PATH = "/subscriptions/{subscription_id}/locations"
LOCATIONS_API_VERSION = "2022-12-01"


def location_shape(body):
    """One location's REST JSON as the module returns it."""
    metadata = body.get("metadata") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "display_name": body.get("displayName"),
        "regional_display_name": body.get("regionalDisplayName"),
        "type": body.get("type"),
        "region_type": metadata.get("regionType"),
        "region_category": metadata.get("regionCategory"),
        "geography": metadata.get("geography"),
        "geography_group": metadata.get("geographyGroup"),
        "physical_location": metadata.get("physicalLocation"),
        "paired_regions": [pair.get("name") for pair in metadata.get("pairedRegion") or [] if pair.get("name")],
    }


def matches(body, wanted):
    """Whether location ``body`` (REST JSON) is ``wanted``, by name or display name, as Azure compares them."""
    key = location_key(wanted)
    return any(location_key(body.get(field) or "") == key for field in ("name", "displayName"))


def list_locations(module, client):
    """Every location of the module's subscription, as REST JSON, through ``client``'s pipeline."""
    return list_pages(
        module,
        client,
        LOCATIONS_PATH.format(subscription_id=module.subscription_id),
        LOCATIONS_API_VERSION,
        f"the locations of subscription {module.subscription_id}",
    )


def subscription_locations(module):
    """The module's subscription's locations (REST JSON), read once per module run and kept on the module."""
    cached = getattr(module, "_subscription_locations", None)
    if cached is None:
        # Imported here: only a module that checks a location loads the resource SDK for it.
        from ansible_collections.mlops.azure.plugins.module_utils._resource_client import ResourceManagementClient

        cached = list_locations(module, module.client(ResourceManagementClient))
        module._subscription_locations = cached
    return cached
