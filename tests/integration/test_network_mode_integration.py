"""The network modes of a stack, end to end against the emulator (playbooks/mlops.yml with the prod inventory).

One sequence of runs: the preflight's refusals with no write; private_endpoints mode (public network access Disabled,
an approved private endpoint connection and an A record in the linked zone for every service); the rerun with no
write; a switch to service_endpoints and back, with nothing left behind either way.
"""

from __future__ import annotations

import os
import shutil

import yaml
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import REPO, stack_writes
from playbook_helpers import run_playbook as run

NETWORK_GROUP = "rg-network-prod-weu"
NETWORK = "vnet-compute-prod-weu"
STACK_GROUP = "rg-mlops-prod-weu"
SHARED_GROUP = "rg-mlops-shared-weu"
WORKSPACE_API = "2025-12-01"
ZONES = {
    "vault": ["privatelink.vaultcore.azure.net"],
    "blob": ["privatelink.blob.core.windows.net"],
    "file": ["privatelink.file.core.windows.net"],
    "registry": ["privatelink.azurecr.io"],
    "amlworkspace": ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
}


def prod_inventory(tmp_path, name, group_vars=None, host_vars=None, remove_host=()):
    """A copy of inventories/prod with ``group_vars`` and ``host_vars`` set (and host variables removed)."""
    inventory = tmp_path / name
    shutil.copytree(os.path.join(REPO, "inventories", "prod"), inventory)
    main = inventory / "group_vars" / "all" / "main.yml"
    values = yaml.safe_load(main.read_text())
    values.update(group_vars or {})
    main.write_text(yaml.safe_dump(values))
    hosts_file = inventory / "hosts.yml"
    hosts = yaml.safe_load(hosts_file.read_text())
    for host in hosts["mlops_stacks"]["hosts"].values():
        host.update(host_vars or {})
        for key in remove_host:
            host.pop(key, None)
    hosts_file.write_text(yaml.safe_dump(hosts))
    return str(inventory)


def create_prod_network(emulator):
    """The network team's subnet the prod inventory names, with the service endpoints service mode needs."""
    emulator.client(ResourceManagementClient).resource_groups.create_or_update(
        NETWORK_GROUP, {"location": "westeurope"}
    )
    emulator.client(NetworkManagementClient).virtual_networks.begin_create_or_update(
        NETWORK_GROUP,
        NETWORK,
        {
            "location": "westeurope",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.50.0.0/16"]},
                "subnets": [
                    {
                        "name": "snet-pipelines",
                        "properties": {
                            "addressPrefix": "10.50.1.0/24",
                            "serviceEndpoints": [{"service": "Microsoft.KeyVault"}, {"service": "Microsoft.Storage"}],
                        },
                    }
                ],
            },
        },
    ).result()


def writes(emulator):
    return [f"{r['method']} {r['path']}" for r in emulator.requests() if r["method"] in ("PUT", "PATCH", "DELETE")]


def services(emulator):
    """``{group id: (public network access, connections, fqdn prefix)}`` of the stack's four services, from Azure."""
    resources = emulator.client(ResourceManagementClient).resources
    (vault,) = list(emulator.client(KeyVaultManagementClient).vaults.list_by_resource_group(STACK_GROUP))
    (account,) = list(emulator.client(StorageManagementClient).storage_accounts.list_by_resource_group(STACK_GROUP))
    (registry,) = list(
        emulator.client(ContainerRegistryManagementClient).registries.list_by_resource_group(SHARED_GROUP)
    )
    (workspace,) = [
        r
        for r in resources.list_by_resource_group(STACK_GROUP)
        if r.type == "Microsoft.MachineLearningServices/workspaces"
    ]
    workspace = resources.get_by_id(workspace.id, api_version=WORKSPACE_API)
    return {
        "vault": (vault.name, vault.properties.public_network_access, vault.properties.private_endpoint_connections),
        "storage": (account.name, account.public_network_access, account.private_endpoint_connections),
        "registry": (registry.name, registry.public_network_access, registry.private_endpoint_connections),
        "workspace": (
            workspace.name,
            workspace.properties["publicNetworkAccess"],
            workspace.properties.get("privateEndpointConnections") or [],
        ),
        "vault_acls": vault.properties.network_acls,
        "storage_acls": account.network_rule_set,
    }


def _status(connection):
    if isinstance(connection, dict):
        return connection["properties"]["privateLinkServiceConnectionState"]["status"]
    return connection.private_link_service_connection_state.status


def endpoints(emulator):
    return sorted(pe.name for pe in emulator.client(NetworkManagementClient).private_endpoints.list(STACK_GROUP))


def zones(emulator):
    return sorted(
        zone.name
        for zone in emulator.client(PrivateDnsManagementClient).private_zones.list_by_resource_group(STACK_GROUP)
    )


def assert_private(emulator):
    found = services(emulator)
    names = {}
    for key in ("vault", "storage", "registry", "workspace"):
        name, access, connections = found[key]
        names[key] = name
        assert access == "Disabled", (key, access)
        statuses = sorted(_status(c) for c in connections)
        # One connection per endpoint (blob and file on storage), all approved, none left from earlier endpoints.
        assert statuses == ["Approved"] * (2 if key == "storage" else 1), (key, statuses)
    assert found["vault_acls"].ip_rules == [] and found["vault_acls"].virtual_network_rules == []
    assert found["storage_acls"].virtual_network_rules == [] and found["storage_acls"].default_action == "Deny"
    assert endpoints(emulator) == sorted(
        [
            f"pep-{names['vault']}-vault",
            f"pep-{names['storage']}-blob",
            f"pep-{names['storage']}-file",
            f"pep-{names['registry']}-registry",
            f"pep-{names['workspace']}-amlworkspace",
        ]
    )
    dns = emulator.client(PrivateDnsManagementClient)
    assert zones(emulator) == sorted(zone for group in ZONES.values() for zone in group)
    network_id = (
        f"/subscriptions/{emulator.env['AZURE_SUBSCRIPTION_ID']}/resourceGroups/{NETWORK_GROUP}"
        f"/providers/Microsoft.Network/virtualNetworks/{NETWORK}"
    )
    for zone in zones(emulator):
        links = list(dns.virtual_network_links.list(STACK_GROUP, zone))
        assert [link.virtual_network.id.lower() for link in links] == [network_id.lower()], zone
    # An A record of each service in its linked zone, pointing into the pipelines' subnet.
    expected = {
        "privatelink.vaultcore.azure.net": names["vault"],
        "privatelink.blob.core.windows.net": names["storage"],
        "privatelink.file.core.windows.net": names["storage"],
        "privatelink.azurecr.io": names["registry"],
    }
    for zone, name in expected.items():
        records = {r.name: r for r in dns.record_sets.list_by_type(STACK_GROUP, zone, "A")}
        assert name in records, (zone, sorted(records))
        assert records[name].a_records[0].ipv4_address.startswith("10.50.1."), records[name]
    for zone in ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"):
        assert list(dns.record_sets.list_by_type(STACK_GROUP, zone, "A")), f"no workspace record in {zone}"


def test_private_endpoints_mode_converges_reruns_without_writes_and_switches_both_ways(clean_emulator, tmp_path):
    private = {
        "mlops_network_mode": "private_endpoints",
        "mlops_container_registry_enabled": True,
        "mlops_container_registry_sku": "Premium",
        # A CanNotDelete lock would refuse the endpoints' deletion when switching back (ScopeLocked).
        "mlops_lock_level": "",
    }

    # The preflight refuses a Standard registry and a stack with no subnet for the endpoints, before any write.
    refused = prod_inventory(
        tmp_path,
        "refused",
        dict(private, mlops_container_registry_sku="Standard"),
        remove_host=["mlops_subnet_ids"],
    )
    rc, _changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", inventory=refused)
    flat = " ".join(output.split())
    assert rc != 0 and failed == 1, output[-3000:]
    assert "Preflight found 2 problem(s); nothing was created" in flat
    assert "the container registry is Standard and only Premium registries take private endpoints" in flat
    assert "set mlops_container_registry_sku: Premium, or mlops_container_registry_enabled: false" in flat
    assert "private_endpoints needs a subnet for the private endpoints: set mlops_private_endpoint_subnet_id" in flat
    assert writes(clean_emulator) == []

    create_prod_network(clean_emulator)
    inventory = prod_inventory(tmp_path, "private", private)
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", inventory=inventory)
    assert rc == 0 and failed == 0 and changed > 0, output[-6000:]
    assert_private(clean_emulator)

    clean_emulator.clear_requests()
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", inventory=inventory)
    assert (rc, changed, failed) == (0, 0, 0), output[-6000:]
    assert stack_writes(clean_emulator.requests()) == []

    # Back to service endpoints: no endpoint, connection, zone, link or record left; public access and firewall back.
    service = prod_inventory(tmp_path, "service", dict(private, mlops_network_mode="service_endpoints"))
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", inventory=service)
    assert rc == 0 and failed == 0 and changed > 0, output[-6000:]
    found = services(clean_emulator)
    for key in ("vault", "storage", "registry", "workspace"):
        _name, access, connections = found[key]
        assert (access, list(connections or [])) == ("Enabled", []), key
    assert [rule.id.rsplit("/", 1)[1] for rule in found["vault_acls"].virtual_network_rules] == ["snet-pipelines"]
    assert endpoints(clean_emulator) == [] and zones(clean_emulator) == []

    # And private again: the same endpoints, one connection each, the firewall rules gone.
    rc, changed, failed, output = run(clean_emulator, "playbooks/mlops.yml", inventory=inventory)
    assert rc == 0 and failed == 0 and changed > 0, output[-6000:]
    assert_private(clean_emulator)
