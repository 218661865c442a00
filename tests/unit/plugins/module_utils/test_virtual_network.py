# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the virtual network shape, subnet rules, PUT body and reconcile flow (no network)."""

from __future__ import annotations

from unittest import mock

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _virtual_network as vn
from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, reconcile
from azure_fakes import FakeModule

RID = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1"
NSG = {"id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg1"}


def subnet(name, prefix, endpoints=(), **props):
    return {
        "id": f"{RID}/subnets/{name}",
        "name": name,
        "etag": 'W/"1"',
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "properties": dict(
            {
                "addressPrefix": prefix,
                "provisioningState": "Succeeded",
                "serviceEndpoints": [
                    {"service": service, "locations": ["westeurope"], "provisioningState": "Succeeded"}
                    for service in endpoints
                ],
            },
            **props,
        ),
    }


def body(subnets=None, prefixes=("10.0.0.0/16",), tags=None):
    return {
        "id": RID,
        "name": "vnet1",
        "location": "westeurope",
        "etag": 'W/"1"',
        "tags": tags or {},
        "properties": {
            "addressSpace": {"addressPrefixes": list(prefixes)},
            "subnets": subnets if subnets is not None else [subnet("a", "10.0.1.0/24", ["Microsoft.KeyVault"])],
            "provisioningState": "Succeeded",
            "resourceGuid": "guid",
        },
    }


def network(current, check_mode=False, purge=False):
    client = mock.MagicMock()
    client.virtual_networks.get.return_value = current
    resource = vn.VirtualNetwork(
        FakeModule(client, check_mode, subscription_id="s1"), "vnet1", "rg1", location="westeurope", purge_subnets=purge
    )
    return resource, client


def test_shape_and_subnet_ids():
    shape = vn.virtual_network_shape(
        body([subnet("a", "10.0.1.0/24", ["Microsoft.KeyVault"]), subnet("b", None, addressPrefixes=["10.0.2.0/24"])])
    )
    assert shape["address_prefixes"] == ["10.0.0.0/16"]
    assert shape["subnets"][0] == {
        "name": "a",
        "id": f"{RID}/subnets/a",
        "address_prefix": "10.0.1.0/24",
        "service_endpoints": ["Microsoft.KeyVault"],
        "delegations": [],
    }
    assert shape["subnets"][1]["address_prefix"] == "10.0.2.0/24"
    delegated = subnet(
        "c", "10.0.3.0/24", delegations=[{"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]
    )
    assert vn.virtual_network_shape(body([delegated]))["subnets"][0]["delegations"] == ["Microsoft.Web/serverFarms"]
    assert shape["subnet_ids"] == {"a": f"{RID}/subnets/a", "b": f"{RID}/subnets/b"}


def test_normalise_subnets_reports_every_problem():
    subnets, problems = vn.normalise_subnets(
        [
            {"name": "a", "address_prefix": "10.0.1.0/24", "service_endpoints": None},
            {"name": "A", "address_prefix": "10.0.2.0/24"},
            {"name": "b", "address_prefix": "10.0.3.7/24"},
            {"name": "bad name!", "address_prefix": "10.0.4.0/24", "service_endpoints": ["Microsoft.Storage"]},
        ],
        name_errors,
    )
    assert subnets[0] == {"name": "a", "address_prefix": "10.0.1.0/24"}
    assert any("twice" in p for p in problems) and any("10.0.3.7/24" in p for p in problems)
    assert any("bad name!" in p for p in problems)
    assert vn.prefix_problems(["10.0.0.0/16", "10.0.0.1", "x/8"]) and len(vn.prefix_problems(["10.0.0.1", "x/8"])) == 2


def test_address_problems():
    after = {
        "address_prefixes": ["10.0.0.0/16"],
        "subnets": [
            {"name": "a", "address_prefix": "10.0.1.0/24"},
            {"name": "b", "address_prefix": "10.0.1.128/25"},
            {"name": "c", "address_prefix": "10.1.0.0/24"},
        ],
    }
    problems = vn.address_problems(after)
    assert any("c (10.1.0.0/24) is not inside" in p for p in problems)
    assert any("a (10.0.1.0/24) and b (10.0.1.128/25) overlap" in p for p in problems)


def test_idempotent_with_equivalent_spellings():
    resource, client = network(body())
    desired = {
        "location": "West Europe",
        "address_prefixes": ["10.0.0.0/16"],
        "subnets": [{"name": "A", "address_prefix": "10.0.1.0/24", "service_endpoints": ["microsoft.keyvault"]}],
    }
    result = reconcile(resource, desired)
    assert not result["changed"] and result["diff"]["before"] == result["diff"]["after"]
    client.virtual_networks.begin_create_or_update.assert_not_called()
    client.virtual_networks.update_tags.assert_not_called()


def test_update_resends_everything_it_does_not_manage():
    current = body(
        [
            subnet(
                "a", "10.0.1.0/24", ["Microsoft.KeyVault"], networkSecurityGroup=NSG, ipConfigurations=[{"id": "x"}]
            ),
            subnet("other", "10.0.9.0/24", [], routeTable={"id": "/rt"}),
        ]
    )
    resource, client = network(current)
    client.virtual_networks.get.side_effect = [current, current]
    reconcile(
        resource,
        {
            "subnets": [
                {
                    "name": "a",
                    "address_prefix": "10.0.1.0/24",
                    "service_endpoints": ["Microsoft.KeyVault", "Microsoft.Storage"],
                },
                {"name": "new", "address_prefix": "10.0.2.0/24"},
            ]
        },
    )
    (_rg, _name, sent), _kwargs = client.virtual_networks.begin_create_or_update.call_args
    assert "etag" not in sent and "resourceGuid" not in sent["properties"]
    assert sent["properties"]["addressSpace"] == {"addressPrefixes": ["10.0.0.0/16"]}
    names = [item["name"] for item in sent["properties"]["subnets"]]
    assert names == ["a", "other", "new"], "unlisted subnets are left alone"
    a, other, new = sent["properties"]["subnets"]
    assert a["properties"]["networkSecurityGroup"] == NSG and "ipConfigurations" not in a["properties"]
    assert a["properties"]["serviceEndpoints"] == [
        {"service": "Microsoft.KeyVault", "locations": ["westeurope"]},
        {"service": "Microsoft.Storage"},
    ]
    assert other["properties"]["routeTable"] == {"id": "/rt"}
    assert new == {"name": "new", "properties": {"addressPrefix": "10.0.2.0/24", "serviceEndpoints": []}}


def test_purge_subnets_drops_unlisted():
    current = body([subnet("a", "10.0.1.0/24"), subnet("other", "10.0.9.0/24")])
    resource, client = network(current, purge=True)
    client.virtual_networks.get.side_effect = [current, current]
    result = reconcile(resource, {"subnets": [{"name": "a", "address_prefix": "10.0.1.0/24"}]})
    assert result["changed"]
    (_rg, _name, sent), _kwargs = client.virtual_networks.begin_create_or_update.call_args
    assert [item["name"] for item in sent["properties"]["subnets"]] == ["a"]


def test_tags_only_is_a_patch():
    resource, client = network(body(tags={"env": "dev"}))
    reconcile(resource, {"tags": {"a": "1"}})
    client.virtual_networks.update_tags.assert_called_once_with("rg1", "vnet1", {"tags": {"env": "dev", "a": "1"}})
    client.virtual_networks.begin_create_or_update.assert_not_called()


def test_check_mode_create_predicts_subnet_ids():
    resource, client = network(None, check_mode=True)
    result = reconcile(
        resource,
        {"address_prefixes": ["10.0.0.0/16"], "subnets": [{"name": "a", "address_prefix": "10.0.1.0/24"}]},
    )
    after = result["resource"]
    assert after["subnet_ids"] == {"a": f"{RID}/subnets/a"}
    assert after["subnets"] == [
        {
            "name": "a",
            "id": f"{RID}/subnets/a",
            "address_prefix": "10.0.1.0/24",
            "service_endpoints": [],
            "delegations": [],
        }
    ]
    client.virtual_networks.begin_create_or_update.assert_not_called()


@pytest.mark.parametrize(
    "current, desired, words",
    [
        (None, {"subnets": []}, "set address_prefixes"),
        (body(), {"location": "northeurope"}, "location"),
        (body(), {"address_prefixes": ["10.1.0.0/16"]}, "not inside the address space"),
        (body(), {"subnets": [{"name": "b", "address_prefix": "10.0.1.0/25"}]}, "overlap"),
    ],
)
def test_refusals_before_any_write(current, desired, words):
    resource, client = network(current)
    with pytest.raises(Refusal, match=words):
        reconcile(resource, desired)
    client.virtual_networks.begin_create_or_update.assert_not_called()
