"""Helpers shared by the emulator tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

LOCATION = "westeurope"


def with_status(call, *args, **kwargs):
    """Run an SDK operation and return (HTTP status, deserialized result)."""
    seen = {}

    def cls(pipeline_response, deserialized, headers):
        seen["status"] = pipeline_response.http_response.status_code
        return deserialized

    result = call(*args, cls=cls, **kwargs)
    return seen["status"], result


def vault_body(tenant: str, location: str = LOCATION, **properties) -> dict:
    props = {"tenantId": tenant, "sku": {"family": "A", "name": "standard"}, "accessPolicies": []}
    props.update(properties)
    return {"location": location, "properties": props}


def account_body(kind: str = "StorageV2", sku: str = "Standard_LRS", location: str = LOCATION, **properties) -> dict:
    return {"location": location, "kind": kind, "sku": {"name": sku}, "properties": properties}
