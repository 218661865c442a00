# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the container registry shape, SKU rules and reconcile flow (no network)."""

from __future__ import annotations

from unittest import mock

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _container_registry as cr
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, reconcile
from azure_fakes import FakeModule

# The declaration's shape and compare rules.
shape_of = cr.ContainerRegistry.shape
RULES = cr.ContainerRegistry.field_rules()

RID = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.ContainerRegistry/registries/crmlops01"


def body(sku="Standard", **props):
    return {
        "id": RID,
        "name": "crmlops01",
        "location": "westeurope",
        "tags": {"env": "dev"},
        "sku": {"name": sku, "tier": sku},
        "properties": dict({"loginServer": "crmlops01.azurecr.io", "provisioningState": "Succeeded"}, **props),
    }


def registry(current, check_mode=False, available=True):
    client = mock.MagicMock()
    client.registries.get.return_value = current
    client.registries.check_name_availability.return_value = {"nameAvailable": available, "reason": "AlreadyExists"}
    resource = cr.ContainerRegistry(
        FakeModule(client, check_mode, subscription_id="s1"), "crmlops01", "rg1", location="westeurope"
    )
    return resource, client


def test_shape_fills_azure_defaults_for_a_standard_registry():
    shape = shape_of(body())
    assert shape["sku"] == "Standard" and shape["resource_group"] == "rg1"
    assert shape["login_server"] == "crmlops01.azurecr.io"
    assert shape["admin_user_enabled"] is False and shape["anonymous_pull_enabled"] is False
    assert shape["network_rule_set"] == {"default_action": "Allow", "ip_rules": []}
    assert shape["network_rule_bypass_options"] == "AzureServices"
    assert shape["public_network_access"] == "Enabled"
    assert shape["export_policy"] == "enabled" and shape["zone_redundancy"] == "Disabled"
    assert shape_of(None) is None


def test_shape_reads_premium_settings():
    shape = shape_of(
        body(
            "Premium",
            networkRuleSet={"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "203.0.113.10/32"}]},
            policies={"exportPolicy": {"status": "disabled"}, "quarantinePolicy": {"status": "enabled"}},
            publicNetworkAccess="Disabled",
            zoneRedundancy="Enabled",
        )
    )
    assert shape["network_rule_set"] == {"default_action": "Deny", "ip_rules": ["203.0.113.10"]}
    assert shape["export_policy"] == "disabled" and shape["zone_redundancy"] == "Enabled"


def test_ip_rules_compare_as_networks_in_any_order():
    current = shape_of(
        body(
            "Premium",
            networkRuleSet={"defaultAction": "deny", "ipRules": [{"value": "1.2.3.4"}, {"value": "10.0.0.0/24"}]},
        )
    )
    desired = {"network_rule_set": {"default_action": "Deny", "ip_rules": ["10.0.0.7/24", "1.2.3.4/32"]}}
    assert not compare(desired, current, RULES)
    assert compare({"network_rule_set": {"ip_rules": ["1.2.3.4"]}}, current, RULES)


@pytest.mark.parametrize(
    "after, words",
    [
        ({"sku": "Standard", "network_rule_set": {"default_action": "Deny", "ip_rules": []}}, "firewall"),
        ({"sku": "Basic", "network_rule_set": {"default_action": "Allow", "ip_rules": ["1.2.3.4"]}}, "IP rules"),
        ({"sku": "Standard", "network_rule_bypass_options": "None"}, "trusted Azure services"),
        ({"sku": "Standard", "public_network_access": "Disabled"}, "disabling public network access"),
        ({"sku": "Standard", "zone_redundancy": "Enabled"}, "zone redundancy"),
        ({"sku": "Basic", "anonymous_pull_enabled": True}, "anonymous pull"),
        ({"sku": "Premium", "export_policy": "disabled", "public_network_access": "Enabled"}, "public_network_access"),
    ],
)
def test_premium_problems(after, words):
    full = shape_of(body(after["sku"]))
    full.update(after)
    problems = cr.premium_problems(full)
    assert problems and words in " ".join(problems)


def test_no_problem_for_neutral_values_or_premium():
    standard = shape_of(body())
    standard["anonymous_pull_enabled"] = True
    assert cr.premium_problems(standard) == []
    premium = shape_of(body("Premium"))
    premium.update(
        network_rule_set={"default_action": "Deny", "ip_rules": ["1.2.3.4"]},
        public_network_access="Disabled",
        export_policy="disabled",
        network_rule_bypass_options="None",
        zone_redundancy="Enabled",
    )
    assert cr.premium_problems(premium) == []


def test_create_body_sends_premium_settings_only_to_premium():
    desired = {
        "sku": "Standard",
        "admin_user_enabled": False,
        "anonymous_pull_enabled": False,
        "public_network_access": "Enabled",
        "network_rule_set": {"default_action": "Allow"},
        "network_rule_bypass_options": "AzureServices",
        "tags": {"a": "1"},
    }
    sent = registry(None)[0].body(desired)
    assert sent == {
        "location": "westeurope",
        "sku": {"name": "Standard"},
        "properties": {"adminUserEnabled": False, "anonymousPullEnabled": False},
        "tags": {"a": "1"},
    }
    premium = registry(None)[0].body(
        {
            "sku": "Premium",
            "network_rule_set": {"default_action": "Deny", "ip_rules": ["1.2.3.4"]},
            "export_policy": "disabled",
        },
    )
    assert premium["properties"]["networkRuleSet"] == {
        "defaultAction": "Deny",
        "ipRules": [{"action": "Allow", "value": "1.2.3.4"}],
    }
    assert premium["properties"]["policies"] == {"exportPolicy": {"status": "disabled"}}
    assert registry(None)[0].body({})["sku"] == {"name": "Standard"}


def test_reconcile_idempotent_sends_no_write():
    current = body(adminUserEnabled=False)
    resource, client = registry(current)
    result = reconcile(resource, {"admin_user_enabled": False, "anonymous_pull_enabled": False, "sku": "standard"})
    assert not result["changed"]
    assert result["diff"]["before"] == result["diff"]["after"]
    client.registries.begin_update.assert_not_called()
    client.registries.begin_create.assert_not_called()


def test_reconcile_update_patches_only_what_differs_and_keeps_other_policies():
    current = body(
        "Premium", policies={"quarantinePolicy": {"status": "enabled"}, "exportPolicy": {"status": "enabled"}}
    )
    updated = body(
        "Premium",
        publicNetworkAccess="Disabled",
        policies={"quarantinePolicy": {"status": "enabled"}, "exportPolicy": {"status": "disabled"}},
    )
    resource, client = registry(current)
    client.registries.get.side_effect = [current, updated]
    result = reconcile(
        resource, {"public_network_access": "Disabled", "export_policy": "disabled", "tags": {"env": "dev"}}
    )
    assert result["changed"]
    (_rg, _name, sent), _kwargs = client.registries.begin_update.call_args
    assert sent == {
        "properties": {
            "publicNetworkAccess": "Disabled",
            "policies": {"quarantinePolicy": {"status": "enabled"}, "exportPolicy": {"status": "disabled"}},
        }
    }
    assert result["resource"]["export_policy"] == "disabled"


def test_check_mode_predicts_without_writing():
    resource, client = registry(body("Premium"), check_mode=True)
    result = reconcile(resource, {"network_rule_set": {"default_action": "Deny"}, "admin_user_enabled": True})
    assert result["changed"]
    assert result["diff"]["after"]["network_rule_set"] == {"default_action": "Deny", "ip_rules": []}
    assert result["diff"]["after"]["admin_user_enabled"] is True
    client.registries.begin_update.assert_not_called()


def test_check_mode_create_checks_the_name_and_predicts():
    resource, client = registry(None, check_mode=True)
    result = reconcile(resource, {"sku": "Premium", "zone_redundancy": "Enabled", "tags": {"a": "b"}})
    assert result["changed"] and result["diff"]["before"] == {}
    after = result["resource"]
    assert (
        after["id"] == RID.replace("s1", "s1") and after["sku"] == "Premium" and after["zone_redundancy"] == "Enabled"
    )
    assert after["login_server"] is None
    client.registries.check_name_availability.assert_called_once()
    client.registries.begin_create.assert_not_called()


@pytest.mark.parametrize("check_mode", [True, False])
def test_name_taken_is_refused_before_create(check_mode):
    resource, client = registry(None, check_mode=check_mode, available=False)
    with pytest.raises(Refusal, match="global across all of Azure"):
        reconcile(resource, {"sku": "Standard"})
    client.registries.begin_create.assert_not_called()


@pytest.mark.parametrize(
    "current, desired, words",
    [
        (body("Standard"), {"network_rule_set": {"default_action": "Deny"}}, "needs the Premium SKU"),
        (body("Premium", networkRuleSet={"defaultAction": "Deny"}), {"sku": "Standard"}, "needs the Premium SKU"),
        (body("Premium"), {"zone_redundancy": "Enabled"}, "cannot be changed"),
        (body("Premium"), {"location": "northeurope"}, "cannot be changed"),
        (body("Premium"), {"export_policy": "disabled"}, "public_network_access: Disabled"),
        (None, {"sku": "Basic", "anonymous_pull_enabled": True}, "Standard or Premium"),
    ],
)
def test_refusals_come_before_any_write(current, desired, words):
    resource, client = registry(current)
    with pytest.raises(Refusal) as caught:
        reconcile(resource, desired)
    assert words in caught.value.msg and "container registry 'crmlops01'" in caught.value.msg
    client.registries.begin_update.assert_not_called()
    client.registries.begin_create.assert_not_called()
