"""A resource that Azure left ``Failed`` is never reported as converged: the next run repairs it.

For each resource type the stack creates through a long-running operation, a ``fail_operation`` fault makes the
create end ``Failed``. The run that meets it fails with "<resource> ended in provisioning state Failed: <code>:
<message>"; the ``_info`` module shows ``Failed``; ``--check --diff`` predicts the repair; the next run repairs it
(the same PUT again) and reports ``changed``; the run after that changes nothing and sends no write.
"""

from __future__ import annotations

import pytest
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-failed"
LOCATION = "westeurope"

# module -> (PUT path pattern of the resource, module arguments, the _info module's result key)
CASES = {
    "key_vault": ("/providers/Microsoft.KeyVault/vaults/kv-it-failed-01$", {"name": "kv-it-failed-01"}, "key_vaults"),
    "storage_account": (
        "/providers/Microsoft.Storage/storageAccounts/stitfailed01$",
        {"name": "stitfailed01"},
        "storage_accounts",
    ),
    "container_registry": (
        "/providers/Microsoft.ContainerRegistry/registries/critfailed01$",
        {"name": "critfailed01", "sku": "Standard"},
        "container_registries",
    ),
    "log_analytics_workspace": (
        "/providers/Microsoft.OperationalInsights/workspaces/log-it-failed$",
        {"name": "log-it-failed"},
        "log_analytics_workspaces",
    ),
    "virtual_network": (
        "/providers/Microsoft.Network/virtualNetworks/vnet-it-failed$",
        {
            "name": "vnet-it-failed",
            "address_prefixes": ["10.40.0.0/16"],
            "subnets": [
                {"name": "snet-a", "address_prefix": "10.40.1.0/24", "service_endpoints": ["Microsoft.Storage"]}
            ],
        },
        "virtual_networks",
    ),
}

# Types whose create Azure reports only through the resource's provisioningState: the failed resource carries no
# error code (the reason is in the activity log).
NO_ERROR_DETAILS = ("key_vault", "log_analytics_workspace")
# Types Azure rolls back when their create fails: nothing is left, and the next run creates the resource anew.
REMOVED_ON_FAILURE = ("storage_account",)


@pytest.fixture
def failed_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def _task(module, args, **extra):
    return dict({f"mlops.azure.{module}": dict(args, resource_group=RG, location=LOCATION)}, **extra)


def _info(module, args, key):
    return {f"mlops.azure.{module}_info": {"name": args["name"], "resource_group": RG}}


@pytest.mark.parametrize("module", sorted(CASES))
def test_failed_resource_is_repaired_on_the_next_run(play, failed_env, module):
    path, args, key = CASES[module]
    failed_env.add_fault(method="PUT", path=path, action="fail_operation", code="InjectedFailure", count=1)

    first, info = play([_task(module, args), _info(module, args, key)])
    assert first["failed"], first
    if module in NO_ERROR_DETAILS:
        assert "ended in provisioning state Failed: Azure gave no error details" in first["msg"], first["msg"]
    else:
        assert "ended in provisioning state Failed: InjectedFailure: " in first["msg"], first["msg"]
    assert "What to do" in first["msg"] and "Run again" in first["msg"]
    assert "invalid status" not in first["msg"]
    if module in REMOVED_ON_FAILURE:
        assert info[key] == []
    else:
        (held,) = info[key]
        assert held["provisioning_state"] == "Failed"

    check, repair, again, info = play(
        [
            _task(module, args, check_mode=True),
            _task(module, args),
            CLEAR_REQUESTS,
            _task(module, args),
            _info(module, args, key),
        ]
    )
    assert check["changed"] and not check.get("failed"), check.get("msg")
    assert check["diff"]["before"].get("provisioning_state") == (None if module in REMOVED_ON_FAILURE else "Failed")
    assert check["diff"]["after"]["provisioning_state"] == "Succeeded"
    assert repair["changed"] and not repair.get("failed"), repair.get("msg")
    assert not again["changed"] and not again.get("failed"), again.get("msg")
    assert writes(failed_env.requests()) == []
    (held,) = info[key]
    assert held["provisioning_state"] == "Succeeded"


def test_repair_that_fails_again_names_the_state_and_the_error(play, failed_env):
    path, args, _key = CASES["virtual_network"]
    failed_env.add_fault(method="PUT", path=path, action="fail_operation", code="InjectedFailure", count=2)
    first, second, third = play([_task("virtual_network", args)] * 3)
    label = "virtual network 'vnet-it-failed' in resource group 'rg-it-failed'"
    assert first["failed"] and second["failed"]
    assert first["msg"].startswith(f"{label} ended in provisioning state Failed: InjectedFailure: ")
    assert second["msg"].startswith(f"{label} ended in provisioning state Failed: InjectedFailure: ")
    assert second["azure_error"]["code"] == "InjectedFailure"
    assert third["changed"] and not third.get("failed"), third.get("msg")
