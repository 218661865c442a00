"""Inputs Azure would refuse are refused by the module before any call: tags, IP rules, GUIDs and locations.

Each case fails with every problem named and sends nothing that writes (the location check reads the
subscription's locations once; the others send nothing at all).
"""

from __future__ import annotations

import pytest
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import writes

RG = "rg-it-input"
LOCATION = "westeurope"
SCOPE_RG = "/subscriptions/{sub}/resourceGroups/" + RG


@pytest.fixture
def input_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def _vault(**args):
    return {"mlops.azure.key_vault": dict({"name": "kv-it-input-01", "resource_group": RG}, **args)}


def _account(**args):
    return {"mlops.azure.storage_account": dict({"name": "stitinput01", "resource_group": RG}, **args)}


def test_values_azure_refuses_are_refused_before_any_request(play, input_env):
    bad_rules = ["10.0.0.0/33", "300.1.1.1", "not-an-ip"]
    vault, account, private, tags, long_tag, principal, tenant = play(
        [
            _vault(network_acls={"ip_rules": bad_rules}),
            _account(network_acls={"ip_rules": bad_rules}),
            _account(network_acls={"ip_rules": ["10.1.2.3", "203.0.113.0/31"]}),
            _vault(tags=dict((f"tag{i}", "x") for i in range(51))),
            _account(tags={"t" * 129: "x"}),
            {
                "mlops.azure.role_assignment": {
                    "scope": SCOPE_RG.format(sub=input_env.subscription_id),
                    "role": "Reader",
                    "principal_id": "not-a-guid",
                    "principal_type": "ServicePrincipal",
                }
            },
            _vault(tenant_id="contoso.onmicrosoft.com"),
        ]
    )
    for result in (vault, account, private, tags, long_tag, principal, tenant):
        assert result["failed"] and "nothing was sent to Azure" in result["msg"], result
    for rule in bad_rules:
        assert rule in vault["msg"] and rule in account["msg"]
    assert len(vault["problems"]) == 3 and len(account["problems"]) == 3
    assert "private range 10.0.0.0/8" in private["msg"] and "/31 ranges" in private["msg"]
    assert "51 tags given; Azure allows at most 50" in tags["msg"]
    assert "129 characters long; Azure allows at most 128" in long_tag["msg"]
    assert "principal_id 'not-a-guid' is not a GUID" in principal["msg"]
    assert "tenant_id 'contoso.onmicrosoft.com' is not a GUID" in tenant["msg"]
    assert input_env.requests() == []


def test_unknown_location_is_refused_before_any_write(play, input_env):
    group, vault, known = play(
        [
            {"mlops.azure.resource_group": {"name": "rg-it-input-2", "location": "westeuropa"}},
            _vault(location="West Europa"),
            dict(_vault(location="West Europe"), check_mode=True),
        ]
    )
    assert group["failed"] and "location 'westeuropa' is not a location of this subscription" in group["msg"]
    assert "westeurope" in group["msg"], "the message lists the locations to choose from"
    assert vault["failed"] and "location 'West Europa' is not a location" in vault["msg"]
    assert known["changed"] and not known.get("failed"), known.get("msg")
    assert [w for w in writes(input_env.requests()) if "/checkNameAvailability " not in w] == []
