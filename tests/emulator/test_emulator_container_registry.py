"""Container registries: create / update / delete as long-running operations, defaults, global names, name checks and
the Premium-only features."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from emulator_helpers import LOCATION


@pytest.fixture
def acr(clean_emulator):
    return clean_emulator.client(ContainerRegistryManagementClient)


def registry(sku: str = "Standard", **properties) -> dict:
    return {"location": LOCATION, "sku": {"name": sku}, "properties": properties}


def test_create_defaults_update_list_delete(clean_emulator, acr, group):
    created = acr.registries.begin_create(group, "MlopsRegistry01", registry()).result()
    log = clean_emulator.requests()
    put = next(r for r in log if r["method"] == "PUT" and "/registries/" in r["path"])
    assert put["status"] == 201
    assert any("/operationStatuses/registries-" in r["path"] for r in log)
    assert created.name == "MlopsRegistry01"
    assert created.login_server == "mlopsregistry01.azurecr.io"
    assert created.provisioning_state == "Succeeded"
    assert created.sku.name == "Standard" and created.sku.tier == "Standard"
    assert created.admin_user_enabled is False
    assert created.anonymous_pull_enabled is False
    assert created.public_network_access == "Enabled"
    assert created.network_rule_bypass_options == "AzureServices"
    assert created.zone_redundancy == "Disabled"
    assert created.data_endpoint_enabled is False
    assert created.policies.export_policy.status == "enabled"
    assert created.policies.quarantine_policy.status == "disabled"
    assert created.network_rule_set.default_action == "Allow"
    assert created.creation_date is not None

    first = acr.registries.begin_create(group, "MlopsRegistry01", registry(adminUserEnabled=True), polling=False)
    assert first.result().admin_user_enabled is True  # an existing registry answers 200 at once
    updated = acr.registries.begin_update(
        group, "mlopsregistry01", {"tags": {"env": "local"}, "properties": {"adminUserEnabled": False}}
    ).result()
    assert updated.tags == {"env": "local"}
    assert updated.admin_user_enabled is False
    assert acr.registries.get(group, "MLOPSREGISTRY01").id == created.id
    assert [r.name for r in acr.registries.list_by_resource_group(group)] == ["MlopsRegistry01"]
    assert [r.name for r in acr.registries.list()] == ["MlopsRegistry01"]

    clean_emulator.clear_requests()
    acr.registries.begin_delete(group, "MlopsRegistry01").result()
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [202]
    with pytest.raises(ResourceNotFoundError) as info:
        acr.registries.get(group, "MlopsRegistry01")
    assert info.value.error.code == "ResourceNotFound"
    acr.registries.begin_delete(group, "MlopsRegistry01").result()  # already gone: 204


def test_first_answer_is_creating(acr, group):
    poller = acr.registries.begin_create(group, "creatingreg", registry(), polling=False)
    assert poller.result().provisioning_state == "Creating"


def test_names_are_global_and_case_insensitive(clean_emulator, acr, group):
    rm_foreign = clean_emulator.client(ResourceManagementClient, subscription_id=clean_emulator.foreign_subscription_id)
    rm_foreign.resource_groups.create_or_update("rg-theirs", {"location": LOCATION})
    foreign = clean_emulator.client(
        ContainerRegistryManagementClient, subscription_id=clean_emulator.foreign_subscription_id
    )
    foreign.registries.begin_create("rg-theirs", "TakenRegistry", registry()).result()
    with pytest.raises(ResourceExistsError) as info:
        acr.registries.begin_create(group, "takenregistry", registry()).result()
    assert info.value.status_code == 409
    assert info.value.error.code == "AlreadyInUse"
    assert info.value.error.message.startswith("The registry DNS name takenregistry.azurecr.io is already in use.")
    taken = acr.registries.check_name_availability(
        {"name": "TAKENREGISTRY", "type": "Microsoft.ContainerRegistry/registries"}
    )
    assert taken.name_available is False
    assert taken.reason == "AlreadyExists"
    assert taken.message == "The registry TAKENREGISTRY is already in use."
    free = acr.registries.check_name_availability(
        {"name": "freeregistry", "type": "Microsoft.ContainerRegistry/registries"}
    )
    assert free.name_available is True
    bad = acr.registries.check_name_availability(
        {"name": "my-registry", "type": "Microsoft.ContainerRegistry/registries"}
    )
    assert bad.name_available is False
    assert bad.reason == "Invalid"
    assert "alpha numeric characters only" in bad.message


def test_invalid_names_are_refused(acr, group):
    for name in ("abcd", "my-registry", "a" * 51, "reg_istry"):
        with pytest.raises(HttpResponseError) as info:
            acr.registries.begin_create(group, name, registry()).result()
        assert info.value.status_code == 400, name
        assert info.value.error.code == "ResourceNameInvalid"
        assert info.value.error.message == (
            f"Invalid resource name: '{name}'. Resource names may contain alpha numeric characters only and must be "
            "between 5 and 50 characters."
        )


@pytest.mark.parametrize("sku", ["Basic", "Standard"])
def test_premium_only_features_are_refused_on_lower_skus(acr, group, sku):
    cases = [
        ({"networkRuleSet": {"defaultAction": "Deny"}}, "NetworkRuleNotSupported"),
        ({"networkRuleSet": {"defaultAction": "Allow", "ipRules": [{"value": "1.2.3.4"}]}}, "NetworkRuleNotSupported"),
        ({"publicNetworkAccess": "Disabled"}, "DisablingPublicNetworkAccessNotSupported"),
        (
            {"publicNetworkAccess": "Disabled", "policies": {"exportPolicy": {"status": "disabled"}}},
            "DisablingPublicNetworkAccessNotSupported",
        ),
        ({"policies": {"exportPolicy": {"status": "disabled"}}}, "ExportPolicyNotSupported"),
    ]
    for properties, code in cases:
        with pytest.raises(HttpResponseError) as info:
            acr.registries.begin_create(group, f"reg{sku}x", registry(sku, **properties)).result()
        assert info.value.status_code == 400
        assert info.value.error.code == code, properties
        assert f"SKU {sku}" in info.value.error.message
    # an existing lower-SKU registry cannot get them through an update either
    acr.registries.begin_create(group, f"reg{sku}ok", registry(sku)).result()
    with pytest.raises(HttpResponseError) as info:
        acr.registries.begin_update(
            group, f"reg{sku}ok", {"properties": {"networkRuleSet": {"defaultAction": "Deny"}}}
        ).result()
    assert info.value.error.code == "NetworkRuleNotSupported"


def test_anonymous_pull_needs_standard_or_premium(acr, group):
    with pytest.raises(HttpResponseError) as info:
        acr.registries.begin_create(group, "regbasicanon", registry("Basic", anonymousPullEnabled=True)).result()
    assert info.value.status_code == 400 and info.value.error.code == "AnonymousPullNotSupported"
    created = acr.registries.begin_create(group, "regstdanon", registry("Standard", anonymousPullEnabled=True)).result()
    assert created.anonymous_pull_enabled is True


def test_premium_features_and_the_export_rule(acr, group):
    with pytest.raises(HttpResponseError) as info:
        acr.registries.begin_create(
            group, "premiumexport", registry("Premium", policies={"exportPolicy": {"status": "disabled"}})
        ).result()
    assert info.value.status_code == 400
    assert "public network access is disabled" in info.value.error.message
    locked = acr.registries.begin_create(
        group,
        "premiumlocked",
        registry(
            "Premium",
            publicNetworkAccess="Disabled",
            networkRuleSet={"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "1.2.3.4"}]},
            policies={"exportPolicy": {"status": "disabled"}},
            zoneRedundancy="Enabled",
        ),
    ).result()
    assert locked.public_network_access == "Disabled"
    assert locked.network_rule_set.default_action == "Deny"
    assert locked.network_rule_set.ip_rules[0].ip_address_or_range == "1.2.3.4"
    assert locked.policies.export_policy.status == "disabled"
    assert locked.zone_redundancy == "Enabled"
    # a downgrade keeps the rules and is refused like any Basic registry with rules
    with pytest.raises(HttpResponseError) as info:
        acr.registries.begin_update(group, "premiumlocked", {"sku": {"name": "Basic"}}).result()
    assert info.value.error.code == "NetworkRuleNotSupported"


def test_operations_take_time_with_realistic_latency(arm_emulator_factory):
    """Registry, virtual network and workspace operations report progress, then finish, when they take time."""
    from azure.mgmt.loganalytics import LogAnalyticsManagementClient
    from azure.mgmt.network import NetworkManagementClient

    slow = arm_emulator_factory(None, "--latency", "realistic", "--time-scale", "0.05")
    slow.client(ResourceManagementClient).resource_groups.create_or_update("rg-slow", {"location": LOCATION})
    acr = slow.client(ContainerRegistryManagementClient)
    first = acr.registries.begin_create("rg-slow", "slowregistry", registry(), polling=False).result()
    assert first.provisioning_state == "Creating"
    assert acr.registries.get("rg-slow", "slowregistry").provisioning_state == "Creating"
    done = acr.registries.begin_create("rg-slow", "slowregistry2", registry(), polling_interval=0.1).result()
    assert done.provisioning_state == "Succeeded"
    polls = [r for r in slow.requests() if "/operationStatuses/" in r["path"]]
    assert polls and all(r["status"] == 200 for r in polls)
    acr.registries.begin_delete("rg-slow", "slowregistry2", polling_interval=0.1).result()
    with pytest.raises(ResourceNotFoundError):
        acr.registries.get("rg-slow", "slowregistry2")

    net = slow.client(NetworkManagementClient)
    vnet = net.virtual_networks.begin_create_or_update(
        "rg-slow",
        "vnet-slow",
        {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}},
        polling_interval=0.1,
    ).result()
    assert vnet.provisioning_state == "Succeeded"
    la = slow.client(LogAnalyticsManagementClient)
    ws = la.workspaces.begin_create_or_update(
        "rg-slow", "log-slow", {"location": LOCATION}, polling_interval=0.1
    ).result()
    assert ws.provisioning_state == "Succeeded"
