"""Private endpoints and their private DNS zone groups, driven through azure-mgmt-network (and azure-mgmt-privatedns for
the zones the groups write to): the subnet rules, the group ids each target serves, the connection on the target, the
network interface and its IPs, the A records, and what goes when the endpoint or the target goes."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, vault_body

ML_API = "2025-12-01"


@pytest.fixture
def net(clean_emulator):
    return clean_emulator.client(NetworkManagementClient)


@pytest.fixture
def dns(clean_emulator):
    return clean_emulator.client(PrivateDnsManagementClient)


@pytest.fixture
def env(clean_emulator, net, group):
    """A network (an endpoint subnet, a delegated one, the GatewaySubnet), a vault, a storage account, a Premium and a
    Standard registry, and a Machine Learning workspace."""
    e = clean_emulator
    subnets = [
        {"name": "snet-pe", "properties": {"addressPrefix": "10.20.1.0/28"}},
        {
            "name": "snet-delegated",
            "properties": {
                "addressPrefix": "10.20.2.0/24",
                "delegations": [{"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}],
            },
        },
        {"name": "GatewaySubnet", "properties": {"addressPrefix": "10.20.3.0/24"}},
    ]
    body = {
        "location": LOCATION,
        "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}, "subnets": subnets},
    }
    vnet = net.virtual_networks.begin_create_or_update(group, "vnet-pe", body, polling_interval=0).result()
    e.subnet = {s.name: s.id for s in vnet.subnets}
    e.vnet = vnet.id
    kv = e.client(KeyVaultManagementClient)
    e.vault = (
        kv.vaults.begin_create_or_update(group, "kv-pe-01", vault_body(e.env["AZURE_TENANT"]), polling_interval=0)
        .result()
        .id
    )
    st = e.client(StorageManagementClient)
    e.storage = st.storage_accounts.begin_create(group, "stpe01", account_body(), polling_interval=0).result().id
    acr = e.client(ContainerRegistryManagementClient)
    e.premium = (
        acr.registries.begin_create(
            group, "crpepremium", {"location": LOCATION, "sku": {"name": "Premium"}}, polling_interval=0
        )
        .result()
        .id
    )
    e.standard = (
        acr.registries.begin_create(
            group, "crpestandard", {"location": LOCATION, "sku": {"name": "Standard"}}, polling_interval=0
        )
        .result()
        .id
    )
    rm = e.client(ResourceManagementClient)
    workspace = {
        "location": LOCATION,
        "identity": {"type": "SystemAssigned"},
        "properties": {"storageAccount": e.storage, "keyVault": e.vault},
    }
    ws_id = e.vault.rsplit("/providers/", 1)[0] + "/providers/Microsoft.MachineLearningServices/workspaces/mlw-pe"
    e.workspace = (
        rm.resources.begin_create_or_update_by_id(ws_id, workspace, api_version=ML_API, polling_interval=0).result().id
    )
    return e


def endpoint(subnet_id: str, target: str, *groups: str, manual: bool = False, **props) -> dict:
    conn = {"name": "conn", "properties": {"privateLinkServiceId": target, "groupIds": list(groups)}}
    key = "manualPrivateLinkServiceConnections" if manual else "privateLinkServiceConnections"
    body = {"location": LOCATION, "properties": {"subnet": {"id": subnet_id}, key: [conn]}}
    body["properties"].update(props)
    return body


def zone(dns, group, name):
    return dns.private_zones.begin_create_or_update(group, name, {"location": "global"}, polling_interval=0).result()


def target_connections(env, target_id, api):
    body = env.client(ResourceManagementClient).resources.get_by_id(target_id, api_version=api)
    return (body.properties or {}).get("privateEndpointConnections") or []


def test_endpoint_to_a_vault_is_approved_and_shows_on_the_vault(env, net, group):
    poller = net.private_endpoints.begin_create_or_update(
        group, "pep-kv", endpoint(env.subnet["snet-pe"], env.vault, "vault"), polling_interval=0
    )
    pe = poller.result()
    put = next(r for r in env.requests() if r["method"] == "PUT" and "/privateEndpoints/" in r["path"])
    assert put["status"] == 201
    assert pe.provisioning_state == "Succeeded"
    (conn,) = pe.private_link_service_connections
    assert conn.private_link_service_id == env.vault and conn.group_ids == ["vault"]
    assert conn.private_link_service_connection_state.status == "Approved"
    assert pe.manual_private_link_service_connections == []
    (dns_config,) = pe.custom_dns_configs
    assert dns_config.fqdn == "kv-pe-01.vault.azure.net"
    assert dns_config.ip_addresses == ["10.20.1.4"], "Azure keeps the first four addresses of a subnet"
    (nic_ref,) = pe.network_interfaces
    nic = net.network_interfaces.get(group, nic_ref.id.rsplit("/", 1)[-1])
    assert nic.name.startswith("pep-kv.nic.")
    assert nic.ip_configurations[0].private_ip_address == "10.20.1.4"
    assert nic.private_endpoint.id == pe.id
    subnet = net.subnets.get(group, "vnet-pe", "snet-pe")
    assert [p.id for p in subnet.private_endpoints] == [pe.id]

    (seen,) = env.client(KeyVaultManagementClient).vaults.get(group, "kv-pe-01").properties.private_endpoint_connections
    assert seen.private_endpoint.id == pe.id
    assert seen.private_link_service_connection_state.status == "Approved"
    assert [p.name for p in net.private_endpoints.list(group)] == ["pep-kv"]
    assert [p.name for p in net.private_endpoints.list_by_subscription()] == ["pep-kv"]

    # a subnet that holds an endpoint cannot go
    with pytest.raises(HttpResponseError) as info:
        net.subnets.begin_delete(group, "vnet-pe", "snet-pe").result()
    assert info.value.error.code == "InUseSubnetCannotBeDeleted"

    env.clear_requests()
    net.private_endpoints.begin_delete(group, "pep-kv", polling_interval=0).result()
    assert [r["status"] for r in env.requests() if r["method"] == "DELETE"] == [202]
    with pytest.raises(ResourceNotFoundError):
        net.private_endpoints.get(group, "pep-kv")
    assert env.client(KeyVaultManagementClient).vaults.get(
        group, "kv-pe-01"
    ).properties.private_endpoint_connections in (
        None,
        [],
    )
    assert net.subnets.get(group, "vnet-pe", "snet-pe").private_endpoints in (None, [])
    with pytest.raises(ResourceNotFoundError):
        net.network_interfaces.get(group, nic.name)
    net.subnets.begin_delete(group, "vnet-pe", "snet-pe", polling_interval=0).result()  # free again


@pytest.mark.parametrize(
    "target, group_id, fqdns",
    [
        ("storage", "blob", ["stpe01.blob.core.windows.net"]),
        ("storage", "dfs", ["stpe01.dfs.core.windows.net"]),
        ("premium", "registry", ["crpepremium.azurecr.io", f"crpepremium.{LOCATION}.data.azurecr.io"]),
    ],
)
def test_group_ids_and_their_fqdns(env, net, group, target, group_id, fqdns):
    pe = net.private_endpoints.begin_create_or_update(
        group, "pep-x", endpoint(env.subnet["snet-pe"], getattr(env, target), group_id), polling_interval=0
    ).result()
    assert [c.fqdn for c in pe.custom_dns_configs] == fqdns
    ips = [c.ip_addresses[0] for c in pe.custom_dns_configs]
    assert len(set(ips)) == len(fqdns), "one private IP per member"


def test_workspace_endpoint_counts_on_the_workspace(env, net, group):
    pe = net.private_endpoints.begin_create_or_update(
        group, "pep-mlw", endpoint(env.subnet["snet-pe"], env.workspace, "amlworkspace"), polling_interval=0
    ).result()
    fqdns = [c.fqdn for c in pe.custom_dns_configs]
    assert any(f.endswith(f".workspace.{LOCATION}.api.azureml.ms") for f in fqdns)
    assert any(f.endswith(".notebooks.azure.net") for f in fqdns)
    rm = env.client(ResourceManagementClient)
    props = rm.resources.get_by_id(env.workspace, api_version=ML_API).properties
    assert props["privateLinkCount"] == 1
    assert props["privateEndpointConnections"][0]["properties"]["privateEndpoint"]["id"] == pe.id


@pytest.mark.parametrize(
    "subnet, target, groups, code",
    [
        ("snet-delegated", "vault", ["vault"], "PrivateEndpointCreationNotAllowedAsSubnetIsDelegated"),
        ("GatewaySubnet", "vault", ["vault"], "PrivateEndpointCreationNotAllowedInGatewaySubnet"),
        ("missing", "vault", ["vault"], "InvalidResourceReference"),
        ("snet-pe", "vault", ["blob"], "PrivateEndpointBadRequest"),
        ("snet-pe", "storage", ["vault"], "PrivateEndpointBadRequest"),
        ("snet-pe", "storage", ["blob", "file"], "PrivateEndpointBadRequest"),
        ("snet-pe", "standard", ["registry"], "PrivateEndpointBadRequest"),
        ("snet-pe", "workspace", ["workspace"], "PrivateEndpointBadRequest"),
    ],
)
def test_refusals(env, net, group, subnet, target, groups, code):
    subnet_id = env.subnet.get(subnet) or env.vnet + "/subnets/" + subnet
    with pytest.raises(HttpResponseError) as info:
        net.private_endpoints.begin_create_or_update(
            group, "pep-bad", endpoint(subnet_id, getattr(env, target), *groups), polling_interval=0
        ).result()
    assert info.value.status_code == 400
    assert info.value.error.code == code
    assert [p.name for p in net.private_endpoints.list(group)] == []
    if target == "standard":
        assert "Premium" in info.value.error.message


def test_other_region_and_missing_target(env, net, group):
    body = endpoint(env.subnet["snet-pe"], env.vault, "vault")
    body["location"] = "northeurope"
    with pytest.raises(HttpResponseError) as info:
        net.private_endpoints.begin_create_or_update(group, "pep-ne", body).result()
    assert info.value.error.code == "InvalidResourceReference" and "same region" in info.value.error.message
    missing = env.vault.replace("kv-pe-01", "kv-nothing")
    with pytest.raises(HttpResponseError) as info:
        net.private_endpoints.begin_create_or_update(group, "pep-x", endpoint(env.subnet["snet-pe"], missing, "vault"))
    assert "was not found" in info.value.error.message


def test_what_is_fixed_at_creation(env, net, group):
    net.private_endpoints.begin_create_or_update(
        group, "pep-kv", endpoint(env.subnet["snet-pe"], env.vault, "vault"), polling_interval=0
    ).result()
    env.client(NetworkManagementClient).subnets.begin_create_or_update(
        group, "vnet-pe", "snet-pe2", {"properties": {"addressPrefix": "10.20.4.0/24"}}, polling_interval=0
    ).result()
    moved = endpoint(env.vnet + "/subnets/snet-pe2", env.vault, "vault")
    with pytest.raises(HttpResponseError) as info:
        net.private_endpoints.begin_create_or_update(group, "pep-kv", moved).result()
    assert info.value.error.code == "PrivateEndpointSubnetCannotBeChanged"
    retargeted = endpoint(env.subnet["snet-pe"], env.storage, "blob")
    with pytest.raises(HttpResponseError) as info:
        net.private_endpoints.begin_create_or_update(group, "pep-kv", retargeted).result()
    assert info.value.error.code == "PrivateLinkServiceConnectionCannotBeChanged"
    tagged = endpoint(env.subnet["snet-pe"], env.vault, "vault")
    tagged["tags"] = {"env": "prod"}
    env.clear_requests()
    net.private_endpoints.begin_create_or_update(group, "pep-kv", tagged, polling_interval=0).result()
    assert [r["status"] for r in env.requests() if r["method"] == "PUT"] == [200]
    assert net.private_endpoints.get(group, "pep-kv").tags == {"env": "prod"}


def test_manual_connection_stays_pending(env, net, group):
    pe = net.private_endpoints.begin_create_or_update(
        group,
        "pep-manual",
        endpoint(env.subnet["snet-pe"], env.vault, "vault", manual=True),
        polling_interval=0,
    ).result()
    assert pe.private_link_service_connections == []
    assert pe.manual_private_link_service_connections[0].private_link_service_connection_state.status == "Pending"


def test_zone_group_writes_the_a_records_and_removes_them(env, net, dns, group):
    kv_zone = zone(dns, group, "privatelink.vaultcore.azure.net")
    blob_zone = zone(dns, group, "privatelink.blob.core.windows.net")
    pe = net.private_endpoints.begin_create_or_update(
        group, "pep-kv", endpoint(env.subnet["snet-pe"], env.vault, "vault"), polling_interval=0
    ).result()
    ip = pe.custom_dns_configs[0].ip_addresses[0]
    body = {
        "properties": {
            "privateDnsZoneConfigs": [
                {"name": "kv", "properties": {"privateDnsZoneId": kv_zone.id}},
                {"name": "blob", "properties": {"privateDnsZoneId": blob_zone.id}},
            ]
        }
    }
    group_result = net.private_dns_zone_groups.begin_create_or_update(
        group, "pep-kv", "default", body, polling_interval=0
    ).result()
    configs = {c.name: c for c in group_result.private_dns_zone_configs}
    (record_set,) = configs["kv"].record_sets
    assert (record_set.record_set_name, record_set.ip_addresses, record_set.ttl) == ("kv-pe-01", [ip], 10)
    assert configs["blob"].record_sets == [], "a zone the target does not use gets no record"
    a = dns.record_sets.get(group, "privatelink.vaultcore.azure.net", "A", "kv-pe-01")
    assert [r.ipv4_address for r in a.a_records] == [ip] and a.ttl == 10
    assert dns.private_zones.get(group, "privatelink.vaultcore.azure.net").number_of_record_sets == 2  # SOA + A
    assert [g.name for g in net.private_dns_zone_groups.list("pep-kv", group)] == ["default"]

    with pytest.raises(HttpResponseError) as info:
        net.private_dns_zone_groups.begin_create_or_update(group, "pep-kv", "second", body).result()
    assert info.value.error.code == "OnlyOnePrivateDnsZoneGroupAllowedPerPrivateEndpoint"
    missing = {
        "properties": {"privateDnsZoneConfigs": [{"name": "x", "properties": {"privateDnsZoneId": kv_zone.id + "x"}}]}
    }
    with pytest.raises(HttpResponseError) as info:
        net.private_dns_zone_groups.begin_create_or_update(group, "pep-kv", "default", missing).result()
    assert info.value.error.code == "InvalidResourceReference"

    net.private_endpoints.begin_delete(group, "pep-kv", polling_interval=0).result()
    with pytest.raises(ResourceNotFoundError):
        dns.record_sets.get(group, "privatelink.vaultcore.azure.net", "A", "kv-pe-01")


def test_deleting_the_zone_group_alone_removes_its_records(env, net, dns, group):
    kv_zone = zone(dns, group, "privatelink.vaultcore.azure.net")
    net.private_endpoints.begin_create_or_update(
        group, "pep-kv", endpoint(env.subnet["snet-pe"], env.vault, "vault"), polling_interval=0
    ).result()
    body = {"properties": {"privateDnsZoneConfigs": [{"name": "kv", "properties": {"privateDnsZoneId": kv_zone.id}}]}}
    net.private_dns_zone_groups.begin_create_or_update(group, "pep-kv", "default", body, polling_interval=0).result()
    net.private_dns_zone_groups.begin_delete(group, "pep-kv", "default", polling_interval=0).result()
    assert [r.name for r in dns.record_sets.list(group, "privatelink.vaultcore.azure.net")] == ["@"]


def test_a_deleted_target_leaves_the_connection_disconnected(env, net, group):
    net.private_endpoints.begin_create_or_update(
        group, "pep-st", endpoint(env.subnet["snet-pe"], env.storage, "blob"), polling_interval=0
    ).result()
    env.client(StorageManagementClient).storage_accounts.delete(group, "stpe01")
    state = net.private_endpoints.get(group, "pep-st").private_link_service_connections[0]
    assert state.private_link_service_connection_state.status == "Disconnected"


@pytest.mark.parametrize("target, api", [("vault", None), ("storage", None), ("premium", None), ("workspace", ML_API)])
def test_public_network_access_disabled_is_accepted(env, group, target, api):
    """Vault, storage, registry (Premium) and workspace take ``publicNetworkAccess: Disabled`` as Azure does."""
    if target == "vault":
        kv = env.client(KeyVaultManagementClient).vaults
        done = kv.update(group, "kv-pe-01", {"properties": {"publicNetworkAccess": "Disabled"}})
        assert done.properties.public_network_access == "Disabled"
    elif target == "storage":
        st = env.client(StorageManagementClient).storage_accounts
        done = st.update(group, "stpe01", {"properties": {"publicNetworkAccess": "Disabled"}})
        assert done.properties.public_network_access == "Disabled"
    elif target == "premium":
        acr = env.client(ContainerRegistryManagementClient).registries
        done = acr.begin_update(
            group, "crpepremium", {"properties": {"publicNetworkAccess": "Disabled"}}, polling_interval=0
        ).result()
        assert done.public_network_access == "Disabled"
        with pytest.raises(HttpResponseError) as info:
            acr.begin_update(group, "crpestandard", {"properties": {"publicNetworkAccess": "Disabled"}}).result()
        assert info.value.error.code == "DisablingPublicNetworkAccessNotSupported"
    else:
        rm = env.client(ResourceManagementClient).resources
        done = rm.begin_update_by_id(
            env.workspace, {"properties": {"publicNetworkAccess": "Disabled"}}, api_version=api, polling_interval=0
        ).result()
        assert done.properties["publicNetworkAccess"] == "Disabled"
