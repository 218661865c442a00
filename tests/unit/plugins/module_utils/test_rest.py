"""Optional SDK imports, SDK models as REST JSON, and ARM ids."""

from __future__ import annotations

import json

from ansible_collections.mlops.azure.plugins.module_utils import _rest as rs


def test_optional_import_of_an_installed_sdk():
    assert rs.optional_import("json", "dumps", "json") is json.dumps


def test_rest_dict_of_sdk_models():
    from azure.mgmt.keyvault import models

    vault = models.Vault(
        {"id": "/x", "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}}, "location": "l"}
    )
    assert rs.rest_dict(vault) == {
        "id": "/x",
        "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}},
        "location": "l",
    }
    assert rs.rest_dict(None) is None


def test_parse_resource_id():
    parsed = rs.parse_resource_id("/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv1")
    assert parsed == {"subscription_id": "S", "resource_group": "RG", "name": "kv1"}
    assert rs.parse_resource_id(None) == {}


def test_private_endpoint_connections_in_one_shape_for_every_service():
    from ansible_collections.mlops.azure.plugins.module_utils._rest import private_endpoint_connections

    props = {
        "privateEndpointConnections": [
            {
                "id": "/x/privateEndpointConnections/c1",
                "properties": {
                    "privateEndpoint": {"id": "/pe/pe-kv-vault"},
                    "privateLinkServiceConnectionState": {"status": "Approved", "description": "auto"},
                    "provisioningState": "Succeeded",
                },
            },
            {"id": "/x/privateEndpointConnections/c2", "properties": {}},
        ]
    }
    assert private_endpoint_connections(props["privateEndpointConnections"]) == [
        {
            "id": "/x/privateEndpointConnections/c1",
            "private_endpoint_id": "/pe/pe-kv-vault",
            "status": "Approved",
            "provisioning_state": "Succeeded",
        },
        {
            "id": "/x/privateEndpointConnections/c2",
            "private_endpoint_id": None,
            "status": None,
            "provisioning_state": None,
        },
    ]
    assert private_endpoint_connections(None) == [] == private_endpoint_connections([])
