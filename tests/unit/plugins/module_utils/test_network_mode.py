"""Unit tests of module_utils/_network_mode.py: the zones per cloud, the stack's group ids, and each sentence the
preflight gives in private_endpoints mode."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _network_mode as nm

SUB = "6b1d3c8e-2f4a-4d1e-9a7b-0c5e8f2a1d01"
VNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a"
SUBNET = f"{VNET}/subnets/snet-endpoints"
ZONE = f"/subscriptions/{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/"


def networks(*subnets):
    return [{"virtual_networks": [{"id": VNET, "subnets": list(subnets)}]}]


def private(**kwargs):
    inputs = {"mode": "private_endpoints", "endpoint_subnet_id": SUBNET, "networks": networks({"id": SUBNET})}
    inputs.update(kwargs)
    return nm.network_mode_problems(**inputs)


def test_zones_per_cloud_and_the_workspace_has_two():
    assert nm.zones_for(["vault", "amlworkspace"]) == {
        "vault": ["privatelink.vaultcore.azure.net"],
        "amlworkspace": ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
    }
    assert nm.zones_for(["blob"], "AzureUSGovernment") == {"blob": ["privatelink.blob.core.usgovcloudapi.net"]}
    assert nm.zones_for(["registry"], "azurechinacloud") == {"registry": ["privatelink.azurecr.cn"]}
    # The emulator (an https ARM endpoint) serves the public cloud's suffixes.
    assert nm.zones_for(["file"], "https://127.0.0.1:8443") == {"file": ["privatelink.file.core.windows.net"]}
    with pytest.raises(nm.NetworkModeError, match="group id 'sql'"):
        nm.zones_for(["sql"])
    with pytest.raises(nm.NetworkModeError, match="cloud 'AzureGermanCloud'"):
        nm.zones_for(["vault"], "AzureGermanCloud")


def test_the_stack_groups_follow_the_registry_switch():
    assert nm.stack_groups() == ["vault", "blob", "file", "amlworkspace"]
    assert nm.stack_groups(True) == ["vault", "blob", "file", "registry", "amlworkspace"]


def test_service_endpoints_mode_checks_nothing_of_private_mode():
    assert nm.network_mode_problems("service_endpoints", container_registry_enabled=True) == []
    assert nm.network_mode_problems(None) == []


def test_an_unknown_mode_is_named():
    assert nm.network_mode_problems("private") == [
        "network mode: mlops_network_mode is 'private'; set service_endpoints (the default) or private_endpoints"
    ]


def test_private_mode_with_a_good_existing_subnet_passes():
    assert private() == []
    assert private(container_registry_enabled=True, container_registry_sku="Premium") == []


def test_private_mode_needs_a_subnet():
    (problem,) = private(endpoint_subnet_id="")
    assert "private_endpoints needs a subnet for the private endpoints: set mlops_private_endpoint_subnet_id" in problem
    assert "mlops_network_create: true" in problem


def test_private_mode_refuses_a_malformed_a_gateway_a_missing_and_a_delegated_subnet():
    (malformed,) = private(endpoint_subnet_id="snet-a")
    assert "snet-a is not a subnet resource id" in malformed
    (gateway,) = private(endpoint_subnet_id=f"{VNET}/subnets/GatewaySubnet", networks=None)
    assert "is the GatewaySubnet, which Azure keeps for gateways" in gateway
    (missing,) = private(networks=networks({"id": f"{VNET}/subnets/other"}))
    assert f"{SUBNET} does not exist" in missing
    (delegated,) = private(networks=networks({"id": SUBNET.upper(), "delegations": ["Microsoft.Web/serverFarms"]}))
    assert "is delegated to Microsoft.Web/serverFarms" in delegated


def test_a_subnet_the_stack_creates_or_azure_not_asked_is_not_looked_up():
    assert private(networks=networks(), endpoint_subnet_created=True) == []
    assert private(networks=None) == []


def test_private_mode_needs_a_premium_registry_when_the_registry_is_on():
    (problem,) = private(container_registry_enabled=True, container_registry_sku="Standard")
    assert problem.startswith("network mode: the container registry is Standard and only Premium registries")
    assert "set mlops_container_registry_sku: Premium, or mlops_container_registry_enabled: false" in problem
    (unset,) = private(container_registry_enabled=True)
    assert "the container registry is Standard" in unset
    assert private(container_registry_sku="Basic") == []


def test_existing_zones_must_be_zone_ids_of_the_zone_they_stand_for():
    good = {"privatelink.vaultcore.azure.net": ZONE + "privatelink.vaultcore.azure.net"}
    assert private(private_dns_zone_ids=good) == []
    found = private(
        private_dns_zone_ids={
            "privatelink.vaultcore.azure.net": ZONE + "privatelink.blob.core.windows.net",
            "privatelink.blob.core.windows.net": "zone-blob",
            "privatelink.database.windows.net": ZONE + "privatelink.database.windows.net",
        }
    )
    assert len(found) == 3
    assert "points at zone 'privatelink.blob.core.windows.net'" in found[0]
    assert "'zone-blob', not a private DNS zone resource id" in found[1]
    assert "names 'privatelink.database.windows.net', which is none of the stack's private DNS zones" in found[2]
    assert private(private_dns_zone_ids=["x"])[0].startswith("network mode: mlops_private_dns_zone_ids must map")
