"""mlops.azure.container_registry and container_registry_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-acr"
ACR = "critmlops01"
LOCATION = "westeurope"


def registry(**args):
    return {"mlops.azure.container_registry": dict({"name": ACR, "resource_group": RG}, **args)}


def changes(requests):
    """Writes, not counting the name availability check (a POST that changes nothing)."""
    return [w for w in writes(requests) if "/checkNameAvailability" not in w]


@pytest.fixture
def acr_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def held(emulator, name=ACR):
    return emulator.client(ContainerRegistryManagementClient).registries.get(RG, name)


def test_four_steps(play, acr_env):
    args = {
        "location": LOCATION,
        "sku": "Premium",
        "public_network_access": "Disabled",
        "export_policy": "disabled",
        "zone_redundancy": "Enabled",
        "network_rule_set": {"default_action": "Deny", "ip_rules": ["203.0.113.10", "198.51.100.0/24"]},
        "network_rule_bypass_options": "AzureServices",
        "tags": {"env": "dev"},
    }
    same = dict(
        args,
        location="West Europe",
        network_rule_set={"default_action": "Deny", "ip_rules": ["198.51.100.7/24", "203.0.113.10/32"]},
    )
    check, real, check_again, real_again = play(
        [
            dict(registry(**args), check_mode=True),
            registry(**args),
            dict(registry(**same), check_mode=True),
            CLEAR_REQUESTS,
            registry(**same),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    created = real["container_registry"]
    predicted = check["container_registry"]
    for key in set(created) - {"login_server", "creation_date", "provisioning_state"}:
        assert predicted[key] == created[key], key
    assert created["login_server"] == f"{ACR}.azurecr.io"
    assert created["admin_user_enabled"] is False and created["anonymous_pull_enabled"] is False
    assert created["network_rule_set"] == {"default_action": "Deny", "ip_rules": ["203.0.113.10", "198.51.100.0/24"]}
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(acr_env.requests()) == [], "the idempotent real run sends no write"

    reg = held(acr_env)
    assert reg.sku.name == "Premium" and reg.tags == {"env": "dev"}
    assert reg.admin_user_enabled is False and reg.anonymous_pull_enabled is False
    assert reg.public_network_access == "Disabled" and reg.zone_redundancy == "Enabled"
    assert reg.policies.export_policy.status == "disabled"
    assert reg.network_rule_set.default_action == "Deny"
    assert sorted(rule.ip_address_or_range for rule in reg.network_rule_set.ip_rules) == [
        "198.51.100.0/24",
        "203.0.113.10",
    ]


def test_updates_of_each_setting(play, acr_env):
    steps = [
        ({"admin_user_enabled": True}, lambda r: r.admin_user_enabled is True),
        ({"anonymous_pull_enabled": True}, lambda r: r.anonymous_pull_enabled is True),
        ({"sku": "Premium"}, lambda r: r.sku.name == "Premium"),
        ({"network_rule_set": {"default_action": "Deny"}}, lambda r: r.network_rule_set.default_action == "Deny"),
        (
            {"network_rule_set": {"ip_rules": ["192.0.2.1"]}},
            lambda r: [i.ip_address_or_range for i in r.network_rule_set.ip_rules] == ["192.0.2.1"],
        ),
        ({"network_rule_bypass_options": "None"}, lambda r: r.network_rule_bypass_options == "None"),
        (
            {"public_network_access": "Disabled", "export_policy": "disabled"},
            lambda r: r.public_network_access == "Disabled" and r.policies.export_policy.status == "disabled",
        ),
        ({"export_policy": "enabled"}, lambda r: r.policies.export_policy.status == "enabled"),
        ({"tags": {"a": "1"}}, lambda r: r.tags == {"env": "dev", "a": "1"}),
        ({"tags": {"b": "2"}, "append_tags": False}, lambda r: r.tags == {"b": "2"}),
        (
            {
                "network_rule_set": {"default_action": "Allow", "ip_rules": []},
                "public_network_access": "Enabled",
                "network_rule_bypass_options": "AzureServices",
                "sku": "Standard",
            },
            lambda r: r.sku.name == "Standard" and r.network_rule_set.default_action == "Allow",
        ),
    ]
    tasks = [registry(location=LOCATION, sku="Standard", tags={"env": "dev"})]
    for change, _held in steps:
        tasks.append(dict(registry(**change), check_mode=True))
        tasks.append(registry(**change))
    results = play(tasks)
    assert results[0]["changed"]
    previous = results[0]["container_registry"]
    for (change, _held), check, real in zip(steps, results[1::2], results[2::2]):
        assert check["changed"] and real["changed"], change
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["container_registry"] == real["diff"]["after"], change
        previous = real["container_registry"]
    assert steps[-1][1](held(acr_env))


def test_each_update_lands_in_the_emulator(play, acr_env):
    play([registry(location=LOCATION, sku="Standard")])
    for change, expect in [
        ({"admin_user_enabled": True}, lambda r: r.admin_user_enabled is True),
        (
            {"sku": "Premium", "network_rule_set": {"default_action": "Deny", "ip_rules": ["192.0.2.0/28"]}},
            lambda r: r.sku.name == "Premium" and r.network_rule_set.ip_rules[0].ip_address_or_range == "192.0.2.0/28",
        ),
        (
            {"public_network_access": "Disabled", "export_policy": "disabled"},
            lambda r: (
                r.policies.export_policy.status == "disabled" and r.policies.quarantine_policy.status == "disabled"
            ),
        ),
    ]:
        (result,) = play([registry(**change)])
        assert result["changed"] and not result.get("failed"), result
        assert expect(held(acr_env)), change


def test_refusals_happen_before_any_write(play, acr_env):
    play([registry(location=LOCATION, sku="Standard")])
    acr_env.clear_requests()
    results = play(
        [
            registry(network_rule_set={"default_action": "Deny"}),
            registry(network_rule_set={"ip_rules": ["192.0.2.1"]}),
            registry(network_rule_bypass_options="None"),
            registry(public_network_access="Disabled"),
            registry(sku="Premium", export_policy="disabled"),
            dict(registry(sku="Premium", export_policy="disabled"), check_mode=True),
            registry(zone_redundancy="Enabled"),
            registry(location="northeurope"),
            registry(sku="Basic", anonymous_pull_enabled=True),
            {
                "mlops.azure.container_registry": {
                    "name": "critbasic01",
                    "resource_group": RG,
                    "sku": "Basic",
                    "anonymous_pull_enabled": True,
                }
            },
        ]
    )
    deny, ips, bypass, private, export, export_check, zones, moved, basic_pull, new_basic_pull = results
    for result in (deny, ips, bypass, private):
        assert "needs the Premium SKU" in result["msg"] and "sku: Premium" in result["msg"], result["msg"]
    assert "container registry 'critmlops01' in resource group 'rg-it-acr'" in deny["msg"]
    for result in (export, export_check):
        assert "public_network_access: Disabled" in result["msg"]
    assert "zone_redundancy cannot be changed" in zones["msg"]
    assert "location cannot be changed" in moved["msg"]
    for result in (basic_pull, new_basic_pull):
        assert "Standard or Premium" in result["msg"]
    for result in results:
        assert result["failed"] and result.get("refused") is True, result
    assert writes(acr_env.requests()) == [], "refused before calling Azure"
    reg = held(acr_env)
    assert reg.sku.name == "Standard" and reg.network_rule_set.default_action == "Allow"
    with pytest.raises(ResourceNotFoundError):
        held(acr_env, "critbasic01")

    # a downgrade that would leave Premium features behind is refused too
    play([registry(sku="Premium", network_rule_set={"default_action": "Deny"})])
    acr_env.clear_requests()
    (downgrade,) = play([registry(sku="Standard")])
    assert downgrade["failed"] and "firewall" in downgrade["msg"] and "Standard" in downgrade["msg"]
    assert writes(acr_env.requests()) == []
    assert held(acr_env).sku.name == "Premium"


def test_name_taken_in_another_subscription(play, acr_env):
    foreign_rm = acr_env.client(ResourceManagementClient, subscription_id=acr_env.foreign_subscription_id)
    foreign_rm.resource_groups.create_or_update("rg-someone-else", {"location": LOCATION})
    foreign = acr_env.client(ContainerRegistryManagementClient, subscription_id=acr_env.foreign_subscription_id)
    foreign.registries.begin_create(
        "rg-someone-else", ACR.upper(), {"location": LOCATION, "sku": {"name": "Standard"}}
    ).result()
    acr_env.clear_requests()
    check, real = play([dict(registry(location=LOCATION), check_mode=True), registry(location=LOCATION)])
    for result in (check, real):
        assert result["failed"] and "not available" in result["msg"] and "global across all of Azure" in result["msg"]
        assert result.get("refused") is True
    assert changes(acr_env.requests()) == []
    with pytest.raises(ResourceNotFoundError):
        held(acr_env)


def test_removal_and_info(play, acr_env):
    results = play(
        [
            registry(location=LOCATION, sku="Standard", tags={"env": "dev"}),
            {"mlops.azure.container_registry": {"name": "critother01", "resource_group": RG, "sku": "Basic"}},
            {"mlops.azure.container_registry_info": {"name": ACR, "resource_group": RG}},
            {"mlops.azure.container_registry_info": {"resource_group": RG}},
            {"mlops.azure.container_registry_info": {}},
            {"mlops.azure.container_registry_info": {"name": "critmissing01", "resource_group": RG}},
            dict(registry(state="absent"), check_mode=True),
            registry(state="absent"),
            registry(state="absent"),
            {"mlops.azure.container_registry_info": {"resource_group": RG}},
        ]
    )
    created, _other, one, by_group, everything, missing, check, removed, removed_again, after = results
    assert one["container_registries"] == [created["container_registry"]]
    assert sorted(r["name"] for r in by_group["container_registries"]) == ["critmlops01", "critother01"]
    assert sorted(r["name"] for r in everything["container_registries"]) == ["critmlops01", "critother01"]
    assert missing["container_registries"] == [] and not missing.get("failed")
    assert (
        check["changed"] and check["diff"]["before"] == created["container_registry"] and check["diff"]["after"] == {}
    )
    assert removed["changed"] and removed["container_registry"] is None
    assert not removed_again["changed"]
    assert [r["name"] for r in after["container_registries"]] == ["critother01"]
    with pytest.raises(ResourceNotFoundError):
        held(acr_env)


def test_invalid_name_fails_before_calling(play, acr_env):
    (bad,) = play([{"mlops.azure.container_registry": {"name": "cr-bad", "resource_group": RG}}])
    assert bad["failed"] and "not allowed" in bad["msg"] and "cr-bad" in bad["msg"]
    assert acr_env.requests() == []
