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


class _Transport:
    """An azure-core transport that answers from a list of statuses and does not sleep: what the retry policy does
    with them is what the test reads (how many it consumed, how long it was asked to wait)."""

    def __init__(self, statuses, retry_after="2"):
        self.statuses = list(statuses)
        self.sent = 0
        self.slept = []
        self.retry_after = retry_after

    def build(self):
        from azure.core.pipeline.transport import HttpTransport
        from azure.core.utils import CaseInsensitiveDict

        outer = self

        class Response:
            def __init__(self, request, status):
                self.request = request
                self.status_code = status
                self.headers = CaseInsensitiveDict({"Retry-After": outer.retry_after} if outer.retry_after else {})

        class Transport(HttpTransport):
            def send(self, request, **kwargs):
                outer.sent += 1
                return Response(request, outer.statuses.pop(0))

            def open(self):
                pass

            def close(self):
                pass

            def __exit__(self, *args):
                pass

            def sleep(self, duration):
                outer.slept.append(duration)

        return Transport()


def _send(policy, transport):
    from azure.core.pipeline import Pipeline
    from azure.core.rest import HttpRequest

    pipeline = Pipeline(transport=transport.build(), policies=[policy])
    return pipeline.run(HttpRequest("GET", "https://management.example/x")).http_response.status_code


def test_throttled_requests_wait_their_turn_beyond_three_retries():
    from azure.core.pipeline.policies import RetryPolicy

    fake = _Transport([429] * 10 + [200])
    assert _send(rs.throttling_retry_policy(), fake) == 200
    assert fake.sent == 11 and len(fake.slept) == 10
    assert all(2 <= wait < 3 for wait in fake.slept), "each retry waited the Retry-After it was given, plus jitter"
    # azure-core's own policy gives up after three retries: the answer is the fourth 429
    fake = _Transport([429] * 10 + [200])
    assert _send(RetryPolicy(), fake) == 429 and fake.sent == 4


def test_other_errors_and_a_429_without_retry_after_keep_azure_core_rules():
    fake = _Transport([503] * 10 + [200])
    assert _send(rs.throttling_retry_policy(), fake) == 503 and fake.sent == 4
    fake = _Transport([429] * 10 + [200], retry_after=None)
    assert _send(rs.throttling_retry_policy(), fake) == 429 and fake.sent == 4
    # patience is bounded: Retry-After 60 fits ten times in 600 s, then azure-core's three retries remain
    fake = _Transport([429] * 30, retry_after="60")
    assert _send(rs.throttling_retry_policy(), fake) == 429
    assert fake.sent == rs.THROTTLED_PATIENCE // 60 + 4
