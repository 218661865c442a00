"""Private endpoints on the resource kit: the view of the one connection, the bodies, the zone group, the refusals
and the input checks, against a recording fake of azure-mgmt-network's two operation groups."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._private_endpoint import (
    PrivateEndpoint,
    input_problems,
    private_dns_zone_names,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, reconcile
from azure_fakes import FakeModule, NotFound, Poller

SUB = "00000000-0000-0000-0000-000000000001"
RG = f"/subscriptions/{SUB}/resourceGroups/rg1/providers"
SUBNET = f"{RG}/Microsoft.Network/virtualNetworks/vnet1/subnets/snet1"
KV = f"{RG}/Microsoft.KeyVault/vaults/kv1"
ZONE = f"{RG}/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
PE = f"{RG}/Microsoft.Network/privateEndpoints/pe1"


class FakeEndpoints:
    """What the service stores and answers, written for this test: an endpoint gets its connection approved, one IP
    and the vault's FQDN; a zone group gets one record per zone."""

    def __init__(self, stored=None, groups=None):
        self.stored = copy.deepcopy(stored)
        self.groups = copy.deepcopy(groups or {})
        self.calls = []

    # private_endpoints
    def get(self, group, name):
        self.calls.append(("get", name))
        if self.stored is None:
            raise NotFound()
        return copy.deepcopy(self.stored)

    def begin_create_or_update(self, group, name, body):
        self.calls.append(("put", copy.deepcopy(body)))
        conn = body["properties"]["privateLinkServiceConnections"][0]
        self.stored = {
            "id": PE,
            "name": name,
            "location": body.get("location", "westeurope"),
            "tags": body.get("tags"),
            "properties": {
                "provisioningState": "Succeeded",
                "subnet": body["properties"]["subnet"],
                "privateLinkServiceConnections": [
                    {
                        "name": conn["name"],
                        "properties": dict(
                            conn["properties"], privateLinkServiceConnectionState={"status": "Approved"}
                        ),
                    }
                ],
                "manualPrivateLinkServiceConnections": [],
                "customNetworkInterfaceName": body["properties"].get("customNetworkInterfaceName", ""),
                "networkInterfaces": [{"id": f"{RG}/Microsoft.Network/networkInterfaces/pe1.nic.1"}],
                "customDnsConfigs": [{"fqdn": "kv1.vault.azure.net", "ipAddresses": ["10.0.0.4"]}],
            },
        }
        return Poller(self.stored)

    def begin_delete(self, group, name, *rest):
        if rest:
            self.calls.append(("delete_group", rest[0]))
            self.groups.pop(rest[0], None)
        else:
            self.calls.append(("delete", name))
            self.stored = None
        return Poller(None)

    # private_dns_zone_groups
    def list(self, endpoint, group):
        self.calls.append(("list_groups", endpoint))
        return [copy.deepcopy(g) for g in self.groups.values()]


class FakeGroups:
    def __init__(self, endpoints):
        self.endpoints = endpoints

    def list(self, endpoint, group):
        return self.endpoints.list(endpoint, group)

    def begin_create_or_update(self, group, endpoint, name, body):
        self.endpoints.calls.append(("put_group", name, copy.deepcopy(body)))
        configs = []
        for config in body["properties"]["privateDnsZoneConfigs"]:
            zone_id = config["properties"]["privateDnsZoneId"]
            records = [
                {"recordSetName": "kv1", "fqdn": "kv1.privatelink.vaultcore.azure.net", "ipAddresses": ["10.0.0.4"]}
            ]
            configs.append({"name": config["name"], "properties": {"privateDnsZoneId": zone_id, "recordSets": records}})
        self.endpoints.groups[name] = {"name": name, "properties": {"privateDnsZoneConfigs": configs}}
        return Poller(self.endpoints.groups[name])

    def begin_delete(self, group, endpoint, name):
        return self.endpoints.begin_delete(group, endpoint, name)


class Client:
    def __init__(self, endpoints):
        self.private_endpoints = endpoints
        self.private_dns_zone_groups = FakeGroups(endpoints)


def endpoint(stored=None, groups=None, check_mode=False):
    fake = FakeEndpoints(stored, groups)
    module = FakeModule(Client(fake), check_mode=check_mode)
    return PrivateEndpoint(module, "pe1", "rg1", location="westeurope"), fake


DESIRED = {
    "location": "westeurope",
    "subnet": SUBNET,
    "private_link_service_id": KV,
    "group_ids": ["vault"],
    "private_dns_zone_group": {"private_dns_zone_ids": [ZONE]},
}


def writes(fake):
    return [call for call in fake.calls if call[0] not in ("get", "list_groups")]


def test_create_sends_one_connection_and_the_zone_group_and_check_mode_predicts_it():
    predicted = reconcile(endpoint(check_mode=True)[0], dict(DESIRED))["resource"]
    assert predicted["connection_name"] == "pe1" and predicted["connection_state"] is None
    assert predicted["private_dns_zone_group"]["name"] == "default"

    pe, fake = endpoint()
    result = reconcile(pe, dict(DESIRED))
    (put, put_group) = writes(fake)
    assert put == (
        "put",
        {
            "location": "westeurope",
            "properties": {
                "subnet": {"id": SUBNET},
                "privateLinkServiceConnections": [
                    {"name": "pe1", "properties": {"privateLinkServiceId": KV, "groupIds": ["vault"]}}
                ],
            },
        },
    )
    assert put_group[1] == "default"
    assert put_group[2]["properties"]["privateDnsZoneConfigs"] == [
        {"name": "privatelink-vaultcore-azure-net", "properties": {"privateDnsZoneId": ZONE}}
    ]
    created = result["resource"]
    assert created["connection_state"] == "Approved" and created["private_ip_addresses"] == ["10.0.0.4"]
    assert created["private_dns_zone_group"]["record_sets"][0]["name"] == "kv1"
    for key in ("subnet", "private_link_service_id", "group_ids", "connection_name", "location"):
        assert predicted[key] == created[key], key


def test_second_run_sends_nothing():
    pe, fake = endpoint()
    reconcile(pe, dict(DESIRED))
    again, fake = endpoint(fake.stored, fake.groups)
    same = dict(DESIRED, subnet=SUBNET.upper(), group_ids=["VAULT"])
    assert not reconcile(again, same)["changed"]
    assert writes(fake) == []


@pytest.mark.parametrize(
    "change, words",
    [
        ({"subnet": SUBNET.replace("snet1", "snet2")}, "subnet cannot be changed"),
        ({"private_link_service_id": KV.replace("kv1", "kv2")}, "the resource it connects to"),
        ({"group_ids": ["blob"]}, "group ids"),
        ({"connection_name": "other"}, "the name of its connection"),
    ],
)
def test_what_azure_fixes_is_refused_before_any_write(change, words):
    pe, fake = endpoint()
    reconcile(pe, dict(DESIRED))
    again, fake = endpoint(fake.stored, fake.groups)
    with pytest.raises(Refusal) as caught:
        reconcile(again, dict(DESIRED, **change))
    assert words in caught.value.msg and "private endpoint 'pe1'" in caught.value.msg
    assert writes(fake) == []


def test_tags_re_send_the_endpoint_and_an_empty_zone_list_removes_the_group():
    pe, fake = endpoint()
    reconcile(pe, dict(DESIRED))
    again, fake = endpoint(fake.stored, fake.groups)
    result = reconcile(again, dict(DESIRED, tags={"env": "prod"}, private_dns_zone_group={"private_dns_zone_ids": []}))
    (put, delete_group) = writes(fake)
    assert put[0] == "put" and put[1]["tags"] == {"env": "prod"}
    assert put[1]["properties"]["subnet"] == {"id": SUBNET}, "the endpoint goes back as Azure returned it"
    assert "networkInterfaces" not in put[1]["properties"] and "provisioningState" not in put[1]["properties"]
    assert delete_group == ("delete_group", "default")
    assert result["resource"]["private_dns_zone_group"] is None


def test_a_failed_endpoint_is_sent_again():
    pe, fake = endpoint()
    reconcile(pe, dict(DESIRED))
    failed = copy.deepcopy(fake.stored)
    failed["properties"]["provisioningState"] = "Failed"
    again, fake = endpoint(failed, fake.groups)
    assert reconcile(again, dict(DESIRED))["changed"]
    assert [call[0] for call in writes(fake)] == ["put", "put_group"]


def test_create_needs_subnet_target_and_group():
    with pytest.raises(Refusal, match="set subnet, private_link_service_id, group_ids"):
        reconcile(endpoint()[0], {"location": "westeurope"})


def test_input_problems():
    assert input_problems(dict(DESIRED, private_dns_zone_group=None)) == []
    problems = input_problems(
        {
            "subnet": "snet1",
            "private_link_service_id": KV,
            "group_ids": ["blob", "vault"],
            "private_dns_zone_group": {"private_dns_zone_ids": [ZONE, ZONE.upper(), "zone"]},
        }
    )
    text = " | ".join(problems)
    assert "is not a subnet resource id" in text
    assert "exactly one group id" in text
    assert "'blob' are not served by a microsoft.keyvault/vaults" in text
    assert "'zone' are not private DNS zone resource ids" in text
    assert "names a zone twice" in text


def test_zone_names_per_cloud():
    assert private_dns_zone_names("vault") == ["privatelink.vaultcore.azure.net"]
    assert private_dns_zone_names("amlworkspace", "AzureUSGovernment") == [
        "privatelink.api.ml.azure.us",
        "privatelink.notebooks.usgovcloudapi.net",
    ]
    assert private_dns_zone_names("registry", "AzureChinaCloud") == ["privatelink.azurecr.cn"]
    assert private_dns_zone_names("nothing") == []
