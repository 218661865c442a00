"""Unit tests of module_utils/_preflight.py: each sentence of the preflight's problem list, with the real role specs."""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml
from ansible_collections.mlops.azure.plugins.module_utils import _preflight as pf

ROOT = pathlib.Path(__file__).resolve().parents[4]
SUB = "6b1d3c8e-2f4a-4d1e-9a7b-0c5e8f2a1d01"
GUID = "5f0c2a9e-1d6b-4c1e-9a55-0e6f9b7d3a01"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/snet-a"
LOCATIONS = [
    {"name": "westeurope", "displayName": "West Europe"},
    {"name": "northeurope", "displayName": "North Europe"},
]
NAMES = {
    "resource_group": "rg-mlops-dev-weu",
    "key_vault": "kv-mlops-dev-weu-abc123",
    "storage_account": "stmlopsdevweuabc123",
    "log_analytics_workspace": "log-mlops-dev-weu",
    "app_insights": "appi-mlops-dev-weu",
    "action_group": "ag-mlops-dev-weu",
    "virtual_network": "vnet-mlops-dev-weu",
    "shared_resource_group": "rg-mlops-shared-weu",
    "container_registry": "crmlopssharedweuabc123",
}


def spec(role):
    return yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())


# What playbooks/mlops.yml passes each role for a valid stack.
ARGUMENTS = {
    "resource_group": {
        "resource_group_name": "rg-mlops-dev-weu",
        "resource_group_location": "westeurope",
        "resource_group_tags": {"workload": "mlops"},
        "resource_group_lock_level": "",
    },
    "key_vault": {
        "key_vault_name": "kv-mlops-dev-weu-abc123",
        "key_vault_resource_group": "rg-mlops-dev-weu",
        "key_vault_location": "westeurope",
        "key_vault_soft_delete_retention_in_days": 7,
        "key_vault_ip_rules": ["203.0.113.7"],
        "key_vault_role_assignments": [
            {"principal_id": GUID, "principal_type": "Group", "role": "Key Vault Secrets User"},
        ],
        "key_vault_tags": {"workload": "mlops"},
    },
    "storage_account": {
        "storage_account_name": "stmlopsdevweuabc123",
        "storage_account_resource_group": "rg-mlops-dev-weu",
        "storage_account_location": "westeurope",
        "storage_account_ip_rules": ["203.0.113.7"],
        "storage_account_role_assignments": [
            {"principal_id": GUID, "principal_type": "Group", "role": "Storage Blob Data Reader"},
        ],
        "storage_account_tags": {"workload": "mlops"},
    },
    "container_registry": {
        "container_registry_name": "crmlopssharedweuabc123",
        "container_registry_resource_group": "rg-mlops-shared-weu",
        "container_registry_location": "westeurope",
        "container_registry_push_principal_id": "",
        "container_registry_pull_principals": [{"principal_id": GUID, "principal_type": "Group"}],
        "container_registry_tags": {"workload": "mlops"},
    },
    "app_insights": {
        "app_insights_name": "appi-mlops-dev-weu",
        "app_insights_workspace_name": "log-mlops-dev-weu",
        "app_insights_resource_group": "rg-mlops-dev-weu",
        "app_insights_location": "westeurope",
        "app_insights_action_group_name": "ag-mlops-dev-weu",
    },
}


def roles(**changes):
    """The stack's role inputs, with ``changes`` ({role: {argument: value}}) applied to the valid arguments."""
    out = []
    for role, arguments in ARGUMENTS.items():
        arguments = copy.deepcopy(arguments)
        arguments.update(changes.get(role, {}))
        out.append({"role": f"mlops.azure.{role}", "argument_specs": spec(role), "arguments": arguments})
    return out


def problems(**kwargs):
    kwargs.setdefault("names", NAMES)
    return pf.preflight_problems(kwargs.pop("names"), **kwargs)


def role_problems(**changes):
    return problems(roles=roles(**changes), locations=LOCATIONS)


def test_a_valid_stack_has_no_problem():
    assert problems(container_registry_enabled=True, location="westeurope", locations=LOCATIONS, roles=roles()) == []


# -- names --------------------------------------------------------------------------------------
def test_each_broken_naming_rule_is_named_with_its_key():
    names = dict(NAMES, key_vault="kv--bad", app_insights="ai.")
    assert problems(names=names) == [
        "key_vault: key_vault name 'kv--bad' must not contain consecutive hyphens ('--'); use single hyphens "
        "between parts",
        "app_insights: app_insights name 'ai.' must end with a letter, a digit, an underscore, a hyphen or a "
        "parenthesis (not a period); it ends with '.'",
    ]


def test_registry_names_are_checked_only_with_a_registry():
    names = dict(NAMES, container_registry="cr-bad", shared_resource_group="rg.")
    assert problems(names=names) == []
    found = problems(names=names, container_registry_enabled=True)
    assert [p.split(":")[0] for p in found] == ["shared_resource_group", "container_registry"]


def test_names_must_be_a_dictionary():
    with pytest.raises(pf.PreflightError, match="must be a dictionary"):
        problems(names=["kv-a"])


# -- availability -------------------------------------------------------------------------------
def answer(reason, **extra):
    base = {"type": "storage_account", "name": "stx", "usable": reason in ("valid", "exists"), "errors": []}
    base.update(reason=reason, message=f"message for {reason}", **extra)
    return base


def test_a_name_taken_elsewhere_says_how_to_choose_another():
    assert problems(availability=[answer("taken")]) == [
        "storage_account: message for taken Choose another name through preflight_name_overrides "
        "(mlops_name_overrides in playbooks/mlops.yml) or another preflight_unique_seed."
    ]


def test_a_soft_deleted_vault_name_says_how_to_recover_it_unless_asked_to():
    deleted = answer("soft_deleted", type="key_vault")
    assert problems(availability=[deleted]) == [
        "key_vault: message for soft_deleted. To recover it with the stack, set preflight_key_vault_recover "
        "(-e mlops_key_vault_recover=true for playbooks/mlops.yml)."
    ]
    assert problems(availability=[deleted], key_vault_recover=True) == []


def test_usable_and_invalid_answers_are_not_repeated():
    invalid = answer("invalid", errors=["reported by the name rules"])
    assert problems(availability=[answer("valid"), answer("exists"), invalid]) == []


def test_registered_loop_results_are_read_too():
    registered = [{"availability": [answer("taken")]}, {"skipped": True}, {"availability": [answer("valid")]}]
    (problem,) = problems(availability=registered)
    assert problem.startswith("storage_account: message for taken Choose another name")


# -- subnets ------------------------------------------------------------------------------------
def network(*endpoints, subnet=SUBNET):
    return [{"virtual_networks": [{"subnets": [{"id": subnet, "service_endpoints": list(endpoints)}]}]}]


def test_a_malformed_subnet_id_is_reported_even_without_azure():
    assert problems(subnet_ids=["snet-a"]) == [
        "subnet: snet-a is not a subnet resource id (/subscriptions/<id>/resourceGroups/<group>/providers/"
        "Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>)"
    ]


def test_a_missing_subnet():
    assert problems(subnet_ids=[SUBNET], networks=[]) == [
        f"subnet: {SUBNET} does not exist. Create it with the service endpoints Microsoft.KeyVault and "
        "Microsoft.Storage first, or let the playbook create a network (mlops_network_create: true)."
    ]


def test_a_subnet_lacking_a_service_endpoint():
    assert problems(subnet_ids=[SUBNET], networks=network("Microsoft.Storage")) == [
        f"subnet: {SUBNET} lacks the service endpoint(s) Microsoft.KeyVault: add them to the subnet, or Azure "
        "refuses it in the Key Vault and storage firewalls."
    ]


def test_a_ready_subnet_whatever_the_letter_case():
    ready = network("microsoft.keyvault", "MICROSOFT.STORAGE", subnet=SUBNET.upper())
    assert problems(subnet_ids=[SUBNET], networks=ready) == []


def test_existence_is_not_judged_when_azure_was_not_asked():
    assert problems(subnet_ids=[SUBNET], networks=None) == []


def test_the_role_reads_networks_with_the_same_subnet_pattern():
    role_vars = yaml.safe_load((ROOT / "roles" / "preflight" / "vars" / "main.yml").read_text())
    assert role_vars["__preflight_subnet_pattern"] == pf.SUBNET_ID_PATTERN


# -- location -----------------------------------------------------------------------------------
def test_a_location_the_subscription_does_not_have_names_every_argument_it_is_in():
    (problem,) = problems(
        location="westeuropa",
        locations=LOCATIONS,
        roles=roles(resource_group={"resource_group_location": "westeuropa"}),
    )
    assert problem == (
        "location 'westeuropa' is not a location of this subscription; use one of: northeurope, westeurope "
        "(in preflight_location, resource_group_location)"
    )


def test_display_names_are_locations_too_and_nothing_is_judged_without_the_list():
    assert problems(location="West Europe", locations=LOCATIONS) == []
    assert problems(location="westeuropa", locations=None, roles=roles()) == []


# -- role arguments: the roles' own specifications ------------------------------------------------
def test_a_choice_the_role_does_not_offer():
    assert role_problems(key_vault={"key_vault_sku": "gold"}) == [
        "mlops.azure.key_vault: value of key_vault_sku must be one of: standard, premium, got: gold"
    ]


def test_a_value_of_the_wrong_type_and_a_missing_required_argument():
    inputs = roles(storage_account={"storage_account_versioning": "sometimes"})
    del inputs[0]["arguments"]["resource_group_name"]
    missing, wrong_type = problems(roles=inputs)
    assert missing == "mlops.azure.resource_group: missing required arguments: resource_group_name"
    assert wrong_type.startswith(
        "mlops.azure.storage_account: argument 'storage_account_versioning' is of type str and we were unable to "
        "convert to bool: "
    )


def test_a_sub_option_breaking_its_choices():
    bad = [{"principal_id": GUID, "principal_type": "Robot", "role": "AcrPull"}]
    assert role_problems(key_vault={"key_vault_role_assignments": bad}) == [
        "mlops.azure.key_vault: value of principal_type must be one of: Group, ServicePrincipal, User, got: Robot "
        "found in key_vault_role_assignments"
    ]


def test_an_argument_the_role_does_not_take():
    (problem,) = role_problems(key_vault={"key_vault_skuu": "premium"})
    assert problem.startswith("mlops.azure.key_vault: unknown argument key_vault_skuu. Supported parameters include:")


def test_options_set_in_the_inventory_count_unless_the_playbook_sets_them():
    inputs = roles(storage_account={"storage_account_sku": "Standard_LRS"})
    for item in inputs:
        item["variables"] = {"key_vault_sku": "gold", "storage_account_sku": "Premium_LRS"}
    assert problems(roles=inputs) == [
        "mlops.azure.key_vault: value of key_vault_sku must be one of: standard, premium, got: gold"
    ], "the playbook's storage_account_sku wins over the inventory's"


def test_an_argument_that_cannot_be_computed_is_a_problem_not_a_crash():
    inputs = roles()
    storage = inputs[2]
    del storage["arguments"]["storage_account_location"]
    storage["unresolved"] = {"storage_account_location": "'mlops_location' is undefined"}
    assert problems(roles=inputs) == [
        "mlops.azure.storage_account: storage_account_location cannot be computed: 'mlops_location' is undefined"
    ], "and not reported missing as well"


def test_an_inventory_option_that_cannot_be_computed_counts_for_the_role_that_has_it():
    inputs = roles()
    for item in inputs:
        item["unresolved_variables"] = {"key_vault_sku": "'vault_tier' is undefined"}
    assert problems(roles=inputs) == [
        "mlops.azure.key_vault: key_vault_sku cannot be computed: 'vault_tier' is undefined"
    ]


def test_a_role_left_out_of_the_run_is_not_checked():
    inputs = roles(key_vault={"key_vault_sku": "gold"})
    inputs[1]["enabled"] = False
    assert problems(roles=inputs) == []
    inputs[1]["enabled"] = "false"
    assert problems(roles=inputs) == []


def test_only_roles_of_this_collection_with_a_specification():
    with pytest.raises(pf.PreflightError, match="community.general.x is not a role of mlops.azure"):
        problems(roles=[{"role": "community.general.x", "argument_specs": {}, "arguments": {}}])
    with pytest.raises(pf.PreflightError, match="mlops.azure.key_vault has no argument specification"):
        problems(roles=[{"role": "key_vault", "argument_specs": None, "arguments": {}}])
    assert pf.role_key("key_vault") == pf.role_key("mlops.azure.key_vault") == "key_vault"


# -- role arguments: the value checks ----------------------------------------------------------
def test_key_vault_retention_out_of_azure_bounds():
    assert role_problems(key_vault={"key_vault_soft_delete_retention_in_days": 3}) == [
        "mlops.azure.key_vault: key_vault_soft_delete_retention_in_days is 3; Azure accepts 7 to 90"
    ]


def test_storage_soft_delete_days_out_of_azure_bounds():
    assert role_problems(storage_account={"storage_account_container_soft_delete_days": 400}) == [
        "mlops.azure.storage_account: storage_account_container_soft_delete_days is 400; Azure accepts 1 to 365"
    ]


def test_action_group_short_name_too_long():
    assert role_problems(app_insights={"app_insights_action_group_short_name": "mlops-oncall-team"}) == [
        "mlops.azure.app_insights: app_insights_action_group_short_name 'mlops-oncall-team' has 17 characters; "
        "Azure accepts 1 to 12"
    ]


def test_an_app_insights_retention_the_service_does_not_offer():
    assert role_problems(app_insights={"app_insights_retention_in_days": 100}) == [
        "mlops.azure.app_insights: value of app_insights_retention_in_days must be one of: 30, 60, 90, 120, 180, "
        "270, 365, 550, 730, got: 100"
    ]


def test_the_role_offers_the_retention_periods_the_module_takes():
    from ansible_collections.mlops.azure.plugins.module_utils._app_insights import RETENTION_DAYS

    options = spec("app_insights")["argument_specs"]["main"]["options"]
    assert options["app_insights_retention_in_days"]["choices"] == RETENTION_DAYS


def test_blob_container_names():
    assert role_problems(storage_account={"storage_account_containers": ["logs", "Model_Artifacts"]}) == [
        "mlops.azure.storage_account: storage_account_containers: blob_container name 'Model_Artifacts' must be "
        "all lower case; it contains upper-case 'M', 'A'",
        "mlops.azure.storage_account: storage_account_containers: blob_container name 'Model_Artifacts' contains "
        "a character not allowed: '_'; allowed are lowercase letters (a-z), digits (0-9) and hyphens (-)",
    ]


def test_a_malformed_ip_rule_given_to_both_firewalls_is_reported_once():
    rules = {"key_vault": {"key_vault_ip_rules": ["300.1.1.1"]}}
    rules["storage_account"] = {"storage_account_ip_rules": ["300.1.1.1"]}
    assert role_problems(**rules) == [
        "IP rule '300.1.1.1' is not an IPv4 address or CIDR range (for example 203.0.113.7 or 203.0.113.0/24) "
        "(in key_vault_ip_rules, storage_account_ip_rules)"
    ]


def test_a_private_range_both_firewalls_refuse_and_a_31_only_storage_refuses():
    rules = {"key_vault": {"key_vault_ip_rules": ["10.1.0.0/16", "203.0.113.8/31"]}}
    rules["storage_account"] = {"storage_account_ip_rules": ["10.1.0.0/16", "203.0.113.8/31"]}
    assert role_problems(**rules) == [
        "IP rule '10.1.0.0/16' lies in the private range 10.0.0.0/8: the firewall takes public addresses only; "
        "admit private clients through a subnet with a service endpoint instead "
        "(in key_vault_ip_rules, storage_account_ip_rules)",
        "IP rule '203.0.113.8/31': storage firewalls do not take /31 ranges; give each of the two addresses alone "
        "(203.0.113.8 and 203.0.113.9) (in storage_account_ip_rules)",
    ]


def test_a_principal_id_that_is_not_a_guid_names_every_place_it_goes():
    bad = "not-a-guid"
    assert role_problems(
        key_vault={"key_vault_role_assignments": [{"principal_id": bad, "principal_type": "Group", "role": "r"}]},
        container_registry={
            "container_registry_push_principal_id": bad,
            "container_registry_pull_principals": [{"principal_id": bad, "principal_type": "Group"}],
        },
    ) == [
        "principal id 'not-a-guid' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) (in "
        "key_vault_role_assignments[0].principal_id, container_registry_push_principal_id, "
        "container_registry_pull_principals[0].principal_id)"
    ]


def test_an_empty_principal_id_is_none_only_where_the_role_says_so():
    assert role_problems(container_registry={"container_registry_push_principal_id": ""}) == []
    empty = [{"principal_id": "", "principal_type": "Group", "role": "r"}]
    assert role_problems(key_vault={"key_vault_role_assignments": empty}) == [
        "principal id '' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) "
        "(in key_vault_role_assignments[0].principal_id)"
    ]


def test_tenant_ids_are_guids_too():
    options = {"x_tenant_id": {"type": "str", "default": ""}, "x_location": {"type": "str"}}
    found = pf.Problems()
    pf.value_problems("x", options, {"x_tenant_id": "contoso", "x_location": "westeurope"}, found, LOCATIONS)
    assert found.sentences() == [
        "tenant id 'contoso' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) (in x_tenant_id)"
    ]


def test_a_forbidden_tag_character_on_every_resource_is_reported_once():
    tags = {"cost/center": "42"}
    changes = {role: {f"{role}_tags": tags} for role in ARGUMENTS if role != "app_insights"}
    assert role_problems(**changes) == [
        "tag name 'cost/center' contains /: Azure does not allow < > % & \\ ? / in tag names (in "
        "resource_group_tags, key_vault_tags, storage_account_tags, container_registry_tags)"
    ]


def test_storage_accounts_take_shorter_tag_names():
    tags = {"n" * 200: "x"}
    changes = {"key_vault": {"key_vault_tags": tags}, "storage_account": {"storage_account_tags": tags}}
    (problem,) = role_problems(**changes)
    assert "is 200 characters long; Azure allows at most 128" in problem
    assert problem.endswith("(in storage_account_tags)")


def test_too_many_tags():
    tags = {f"t{i}": "x" for i in range(51)}
    assert role_problems(resource_group={"resource_group_tags": tags}) == [
        "51 tags given; Azure allows at most 50 tags on a resource (in resource_group_tags)"
    ]


def test_a_tag_value_too_long():
    assert role_problems(key_vault={"key_vault_tags": {"owner": "x" * 257}}) == [
        "the value of tag 'owner' is 257 characters long; Azure allows at most 256 (in key_vault_tags)"
    ]


def test_problems_keep_the_order_they_were_found_in():
    found = pf.Problems()
    found.add("b", "x")
    found.add("a")
    found.add("b", "y")
    found.add("b", "x")
    assert found.sentences() == ["b (in x, y)", "a"]
