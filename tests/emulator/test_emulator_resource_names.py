"""``checkResourceName``: reserved words and trademarks.

azure-mgmt-resource 26 no longer ships the operation (it moved to azure-mgmt-resource-subscriptions), so the test
sends it through the real SDK pipeline of ``ResourceManagementClient`` (token, TLS, retries) with ``send_request``.
"""

from __future__ import annotations

import pytest
from azure.core.rest import HttpRequest
from azure.mgmt.resource.resources import ResourceManagementClient

API_VERSION = "2022-12-01"  # a version of the Subscriptions API that serves checkResourceName


def check(rm, name: str, rtype: str = "Microsoft.KeyVault/vaults", api_version: str = API_VERSION):
    request = HttpRequest(
        "POST",
        f"/providers/Microsoft.Resources/checkResourceName?api-version={api_version}",
        json={"name": name, "type": rtype},
    )
    return rm.send_request(request)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("kv-mlops-dev", "Allowed"),
        ("azure", "Reserved"),  # a reserved word, whatever the case
        ("Office365", "Reserved"),
        ("web.config", "Reserved"),
        ("azurekv", "Allowed"),  # reserved words only matter as the whole name
        ("mymicrosoftvault", "Reserved"),  # MICROSOFT and WINDOWS anywhere
        ("st-windows-01", "Reserved"),
        ("loginvault", "Reserved"),  # LOGIN at the start
        ("vaultlogin", "Allowed"),
    ],
)
def test_reserved_names(clean_emulator, name, status):
    rm = clean_emulator.client(ResourceManagementClient)
    response = check(rm, name)
    assert response.status_code == 200
    assert response.json() == {"name": name, "type": "Microsoft.KeyVault/vaults", "status": status}


def test_refusals(clean_emulator):
    rm = clean_emulator.client(ResourceManagementClient)
    response = check(rm, "x", api_version="2099-01-01")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidApiVersionParameter"
    request = HttpRequest(
        "POST",
        f"/providers/Microsoft.Resources/checkResourceName?api-version={API_VERSION}",
        json={"type": "Microsoft.KeyVault/vaults"},
    )
    assert rm.send_request(request).status_code == 400
