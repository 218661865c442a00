"""Virtual networks, subnets and service endpoints, and the subnet checks Key Vault and storage network rules go
through (``network.validate_subnet``)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, vault_body


@pytest.fixture
def net(clean_emulator):
    return clean_emulator.client(NetworkManagementClient)


def vnet_body(*subnets, prefixes=("10.10.0.0/16",), location=LOCATION, **properties) -> dict:
    props = {"addressSpace": {"addressPrefixes": list(prefixes)}, "subnets": list(subnets)}
    props.update(properties)
    return {"location": location, "properties": props}


def subnet(name: str, prefix: str, *services: str) -> dict:
    return {
        "name": name,
        "properties": {"addressPrefix": prefix, "serviceEndpoints": [{"service": s} for s in services]},
    }


def test_vnet_lifecycle_with_inline_subnets(clean_emulator, net, group):
    poller = net.virtual_networks.begin_create_or_update(
        group, "vnet-a", vnet_body(subnet("snet-app", "10.10.1.0/24", "Microsoft.KeyVault", "Microsoft.Storage"))
    )
    vnet = poller.result()
    put = next(r for r in clean_emulator.requests() if r["method"] == "PUT" and "/virtualNetworks/" in r["path"])
    assert put["status"] == 201
    assert any("/providers/Microsoft.Network/locations/" in r["path"] for r in clean_emulator.requests())
    assert vnet.provisioning_state == "Succeeded"
    assert vnet.address_space.address_prefixes == ["10.10.0.0/16"]
    assert vnet.resource_guid
    assert vnet.etag.startswith('W/"')
    (snet,) = vnet.subnets
    assert snet.name == "snet-app"
    assert snet.type == "Microsoft.Network/virtualNetworks/subnets"
    assert snet.address_prefix == "10.10.1.0/24"
    assert snet.provisioning_state == "Succeeded"
    assert snet.private_endpoint_network_policies == "Disabled"
    endpoints = {e.service: e for e in snet.service_endpoints}
    assert endpoints["Microsoft.KeyVault"].locations == ["*"]
    assert endpoints["Microsoft.Storage"].locations == ["westeurope", "northeurope"]
    assert endpoints["Microsoft.Storage"].provisioning_state == "Succeeded"

    # the first answer of an update is 200 and Updating, with an Azure-AsyncOperation header to poll
    clean_emulator.clear_requests()
    raw = net.virtual_networks.begin_create_or_update(group, "vnet-a", vnet.as_dict(), polling=False)
    assert raw.result().provisioning_state == "Updating"
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "PUT"] == [200]

    tagged = net.virtual_networks.update_tags(group, "vnet-a", {"tags": {"env": "local"}})
    assert tagged.tags == {"env": "local"}
    assert [v.name for v in net.virtual_networks.list(group)] == ["vnet-a"]
    assert [v.name for v in net.virtual_networks.list_all()] == ["vnet-a"]
    assert net.virtual_networks.get(group, "VNET-A").subnets[0].name == "snet-app"

    net.virtual_networks.begin_delete(group, "vnet-a").result()
    delete = [r for r in clean_emulator.requests() if r["method"] == "DELETE"]
    assert delete[0]["status"] == 202
    with pytest.raises(ResourceNotFoundError) as info:
        net.virtual_networks.get(group, "vnet-a")
    assert info.value.error.code == "ResourceNotFound"
    net.virtual_networks.begin_delete(group, "vnet-a").result()  # nothing left: 204


def test_subnets_as_child_resources(net, group):
    net.virtual_networks.begin_create_or_update(group, "vnet-b", vnet_body()).result()
    created = net.subnets.begin_create_or_update(
        group, "vnet-b", "snet-1", {"properties": {"addressPrefix": "10.10.1.0/24"}}
    ).result()
    assert created.provisioning_state == "Succeeded"
    assert created.service_endpoints == []
    net.subnets.begin_create_or_update(
        group, "vnet-b", "snet-2", subnet("snet-2", "10.10.2.0/24", "Microsoft.KeyVault")
    ).result()
    assert [s.name for s in net.subnets.list(group, "vnet-b")] == ["snet-1", "snet-2"]
    assert [s.name for s in net.virtual_networks.get(group, "vnet-b").subnets] == ["snet-1", "snet-2"]
    updated = net.subnets.begin_create_or_update(
        group, "vnet-b", "snet-1", subnet("snet-1", "10.10.1.0/24", "Microsoft.Storage")
    ).result()
    assert [e.service for e in updated.service_endpoints] == ["Microsoft.Storage"]
    net.subnets.begin_delete(group, "vnet-b", "snet-1").result()
    with pytest.raises(ResourceNotFoundError) as info:
        net.subnets.get(group, "vnet-b", "snet-1")
    assert info.value.error.code == "NotFound"
    with pytest.raises(ResourceNotFoundError) as info:
        net.subnets.get(group, "vnet-missing", "snet-1")
    assert info.value.error.code == "ParentResourceNotFound"
    # a PUT of the VNet replaces its subnet list
    vnet = net.virtual_networks.get(group, "vnet-b")
    body = vnet.as_dict()
    body["properties"]["subnets"] = []
    replaced = net.virtual_networks.begin_create_or_update(group, "vnet-b", body).result()
    assert replaced.subnets == []
    assert list(net.subnets.list(group, "vnet-b")) == []


def test_address_space_refusals(net, group):
    cases = [
        (vnet_body(subnet("s", "10.20.0.0/24")), "NetcfgSubnetRangeOutsideVnet"),
        (vnet_body(subnet("s1", "10.10.0.0/24"), subnet("s2", "10.10.0.128/25")), "NetcfgSubnetRangesOverlap"),
        (vnet_body(subnet("s", "10.10.1.7/24")), "InvalidCIDRNotation"),
        (vnet_body(subnet("s", "10.10.1.0")), "InvalidAddressPrefixFormat"),
        (vnet_body(subnet("s", "10.10.1.0/24", "Microsoft.Nothing")), "InvalidServiceNameOnServiceEndpoint"),
        (vnet_body(prefixes=("10.0.0.0/33",)), "InvalidAddressPrefixFormat"),
    ]
    for body, code in cases:
        with pytest.raises(HttpResponseError) as info:
            net.virtual_networks.begin_create_or_update(group, "vnet-c", body).result()
        assert info.value.status_code == 400, code
        assert info.value.error.code == code
    with pytest.raises(HttpResponseError) as info:
        net.virtual_networks.begin_create_or_update(group, "-bad", vnet_body()).result()
    assert info.value.error.code == "InvalidResourceName"

    net.virtual_networks.begin_create_or_update(group, "vnet-c", vnet_body(subnet("s1", "10.10.1.0/24"))).result()
    with pytest.raises(HttpResponseError) as info:
        net.subnets.begin_create_or_update(group, "vnet-c", "s2", {"properties": {"addressPrefix": "10.10.1.0/25"}})
    assert info.value.error.code == "NetcfgSubnetRangesOverlap"
    assert "Subnet 's2' is not valid because its IP address range overlaps" in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        net.subnets.begin_create_or_update(group, "vnet-c", "s3", {"properties": {"addressPrefix": "10.99.0.0/24"}})
    assert info.value.error.code == "NetcfgSubnetRangeOutsideVnet"
    assert "outside the IP address range of virtual network 'vnet-c'" in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        net.subnets.begin_create_or_update(group, "vnet-c", "s4", {"properties": {}})
    assert info.value.error.code == "NetcfgInvalidSubnet"
    # shrinking the address space below an existing subnet is refused too
    with pytest.raises(HttpResponseError) as info:
        net.virtual_networks.begin_create_or_update(
            group, "vnet-c", vnet_body(subnet("s1", "10.10.1.0/24"), prefixes=("10.10.2.0/24",))
        )
    assert info.value.error.code == "NetcfgSubnetRangeOutsideVnet"


def _vnet_with_subnets(net, group):
    net.virtual_networks.begin_create_or_update(
        group,
        "vnet-rules",
        vnet_body(
            subnet("plain", "10.10.1.0/24"),
            subnet("kv", "10.10.2.0/24", "Microsoft.KeyVault"),
            subnet("st", "10.10.3.0/24", "Microsoft.Storage"),
        ),
    ).result()
    return net.virtual_networks.get(group, "vnet-rules").id


def test_key_vault_network_rules_need_the_service_endpoint(clean_emulator, net, group, tenant):
    kv = clean_emulator.client(KeyVaultManagementClient)
    vnet_id = _vnet_with_subnets(net, group)

    def vault(name, subnet_id, ignore=False):
        acls = {
            "defaultAction": "Deny",
            "bypass": "AzureServices",
            "virtualNetworkRules": [{"id": subnet_id, "ignoreMissingVnetServiceEndpoint": ignore}],
        }
        return kv.vaults.begin_create_or_update(group, name, vault_body(tenant, networkAcls=acls)).result()

    with pytest.raises(HttpResponseError) as info:
        vault("kv-missing", f"{vnet_id}/subnets/nothing")
    assert info.value.status_code == 400
    assert info.value.error.code == "VirtualNetworkNotValid"
    with pytest.raises(HttpResponseError) as info:
        vault("kv-novnet", vnet_id.replace("vnet-rules", "vnet-gone") + "/subnets/kv")
    assert info.value.error.code == "VirtualNetworkNotValid"
    assert "ParentResourceNotFound" in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        vault("kv-plain", f"{vnet_id}/subnets/plain")
    assert info.value.error.code == "VirtualNetworkNotValid"
    assert "SubnetsHaveNoServiceEndpointsConfigured" in info.value.error.message
    assert "do not have ServiceEndpoints for Microsoft.KeyVault resources configured" in info.value.error.message
    with pytest.raises(HttpResponseError):
        vault("kv-storage-ep", f"{vnet_id}/subnets/st")  # an endpoint for another service does not count
    ok = vault("kv-with-ep", f"{vnet_id}/subnets/kv")
    assert ok.properties.network_acls.virtual_network_rules[0].id.endswith("/subnets/kv")
    ignored = vault("kv-ignored", f"{vnet_id}/subnets/plain", ignore=True)
    assert ignored.properties.provisioning_state == "Succeeded"


def test_storage_network_rules_need_the_service_endpoint(clean_emulator, net, group):
    st = clean_emulator.client(StorageManagementClient)
    vnet_id = _vnet_with_subnets(net, group)

    def account(name, subnet_id):
        acls = {"defaultAction": "Deny", "bypass": "AzureServices", "virtualNetworkRules": [{"id": subnet_id}]}
        return st.storage_accounts.begin_create(group, name, account_body(networkAcls=acls)).result()

    with pytest.raises(HttpResponseError) as info:
        account("stmissing01", f"{vnet_id}/subnets/nothing")
    assert info.value.error.code == "NetworkAclsValidationFailure"
    with pytest.raises(HttpResponseError) as info:
        account("stnovnet01", vnet_id.replace("vnet-rules", "vnet-gone") + "/subnets/st")
    assert info.value.error.code == "NetworkAclsValidationFailure"
    assert "ParentResourceNotFound" in info.value.error.message
    with pytest.raises(HttpResponseError) as info:
        account("stplain01", f"{vnet_id}/subnets/plain")
    assert info.value.error.code == "NetworkAclsValidationFailure"
    assert info.value.error.message.startswith(
        "Validation of network acls failure: SubnetsHaveNoServiceEndpointsConfigured:Subnets plain of virtual network"
    )
    assert "do not have ServiceEndpoints for Microsoft.Storage resources configured" in info.value.error.message
    created = account("stwithep01", f"{vnet_id}/subnets/st")
    assert created.network_rule_set.virtual_network_rules[0].virtual_network_resource_id.endswith("/subnets/st")
    # the same check guards an update of the account's rules
    with pytest.raises(HttpResponseError) as info:
        st.storage_accounts.update(
            group,
            "stwithep01",
            {
                "properties": {
                    "networkAcls": {"defaultAction": "Deny", "virtualNetworkRules": [{"id": f"{vnet_id}/subnets/kv"}]}
                }
            },
        )
    assert info.value.error.code == "NetworkAclsValidationFailure"
