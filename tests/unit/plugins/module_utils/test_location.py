"""Unit tests of module_utils/_location.py: the shape of a location, matching by name, the paged read (no network)."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _location as loc
from azure.core.exceptions import HttpResponseError
from azure_fakes import Failed, FakeModule

# Subscriptions_ListLocations, as the REST specification's example (2022-12-01) shows one item.
EAST_US = {
    "id": "/subscriptions/291bba3f-e0a5-47bc-a099-3bdcb2a50a05/locations/eastus",
    "name": "eastus",
    "type": "Region",
    "displayName": "East US",
    "regionalDisplayName": "(US) East US",
    "metadata": {
        "regionType": "Physical",
        "regionCategory": "Recommended",
        "geographyGroup": "US",
        "longitude": "-79.8164",
        "latitude": "37.3719",
        "physicalLocation": "Virginia",
        "pairedRegion": [
            {"name": "westus", "id": "/subscriptions/291bba3f-e0a5-47bc-a099-3bdcb2a50a05/locations/westus"}
        ],
    },
}
WEST_EUROPE = {"id": "/subscriptions/s/locations/westeurope", "name": "westeurope", "displayName": "West Europe"}


def test_shape():
    assert loc.location_shape(EAST_US) == {
        "id": EAST_US["id"],
        "name": "eastus",
        "display_name": "East US",
        "regional_display_name": "(US) East US",
        "type": "Region",
        "region_type": "Physical",
        "region_category": "Recommended",
        "geography": None,
        "geography_group": "US",
        "physical_location": "Virginia",
        "paired_regions": ["westus"],
    }


def test_shape_without_metadata():
    shape = loc.location_shape(WEST_EUROPE)
    assert shape["name"] == "westeurope" and shape["display_name"] == "West Europe"
    assert shape["region_type"] is None and shape["paired_regions"] == []


@pytest.mark.parametrize("wanted", ["westeurope", "West Europe", "WESTEUROPE", "West europe"])
def test_matches_by_name_or_display_name(wanted):
    assert loc.matches(WEST_EUROPE, wanted)


def test_matches_a_display_name_that_is_not_the_name():
    # Public regions' display names are their names with spaces and capitals; the display name is still compared.
    assert loc.matches({"name": "loc1", "displayName": "Some Place"}, "some place")


def test_does_not_match_another_location():
    assert not loc.matches(WEST_EUROPE, "westus")
    assert not loc.matches(EAST_US, "eastus2")


class Response:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self._body = body
        self.headers = {}
        self.reason = "reason"
        self.content_type = "application/json"

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return self._body

    def text(self):
        return str(self._body)


class Client:
    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def send_request(self, request):
        self.requests.append(request)
        return self.responses.pop(0)


def test_one_page():
    client = Client(Response(200, {"value": [EAST_US, WEST_EUROPE]}))
    module = FakeModule(client)
    assert loc.list_locations(module, client) == [EAST_US, WEST_EUROPE]
    (request,) = client.requests
    assert request.method == "GET"
    assert request.url == f"/subscriptions/{module.subscription_id}/locations?api-version=2022-12-01"


def test_a_next_link_is_followed_as_given():
    next_link = "https://management.example/subscriptions/s/locations?api-version=2022-12-01&$skiptoken=2"
    client = Client(Response(200, {"value": [EAST_US], "nextLink": next_link}), Response(200, {"value": [WEST_EUROPE]}))
    assert loc.list_locations(FakeModule(client), client) == [EAST_US, WEST_EUROPE]
    assert client.requests[1].url == next_link


def test_an_error_answer_raises_for_the_module_to_report():
    client = Client(Response(403, {"error": {"code": "AuthorizationFailed", "message": "no"}}))
    with pytest.raises(HttpResponseError):
        loc.list_locations(FakeModule(client), client)


def test_a_body_that_is_not_json_fails_the_module():
    client = Client(Response(200, ValueError("not json")))
    with pytest.raises(Failed) as failed:
        loc.list_locations(FakeModule(client), client)
    assert "body that is not JSON" in failed.value.result["msg"]
