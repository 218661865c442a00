"""mlops.azure.resource_group and resource_group_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-mlops"


def group(**args):
    return {"mlops.azure.resource_group": dict({"name": RG}, **args)}


def test_four_steps_then_info(play, clean_emulator):
    args = {"location": "westeurope", "tags": {"env": "dev", "cost": 12}}
    check, real, check_again, *rest = play(
        [
            dict(group(**args), check_mode=True),
            group(**args),
            dict(group(**{**args, "location": "West Europe"}), check_mode=True),
            CLEAR_REQUESTS,
            group(**args),
            {"mlops.azure.resource_group_info": {"name": RG}},
            {"mlops.azure.resource_group_info": {"tags": {"env": "dev"}}},
            {"mlops.azure.resource_group_info": {"name": "rg-does-not-exist"}},
        ]
    )
    real_again, info, by_tag, missing = rest

    assert check["changed"] and check["diff"]["before"] == {}
    assert check["diff"]["after"] == check["resource_group"]
    assert real["changed"] and real["diff"]["before"] == {}
    assert real["resource_group"] == check["resource_group"], "check mode predicts the real result"
    assert real["resource_group"]["tags"] == {"env": "dev", "cost": "12"}
    for result in (check_again, real_again):
        assert not result["changed"]
        assert result["diff"]["before"] == result["diff"]["after"] == real["resource_group"]
    assert info["resource_groups"] == [real["resource_group"]] == by_tag["resource_groups"]
    assert missing["resource_groups"] == [] and not missing.get("failed")

    held = clean_emulator.client(ResourceManagementClient).resource_groups.get(RG)
    assert held.location == "westeurope" and held.tags == {"env": "dev", "cost": "12"}
    requests = clean_emulator.requests()
    assert writes(requests) == [], "the idempotent real run sends no write"
    assert any(r["method"] == "GET" for r in requests)


def test_tags_append_replace_and_refusals(play, clean_emulator):
    client = clean_emulator.client(ResourceManagementClient)
    client.resource_groups.create_or_update(RG, {"location": "westeurope", "tags": {"owner": "policy"}})
    client.resources  # noqa: B018 - the operation group exists
    appended, replaced, moved, no_location, bad_name = play(
        [
            group(tags={"env": "dev"}),
            group(tags={"env": "prod"}, append_tags=False),
            group(location="northeurope"),
            {"mlops.azure.resource_group": {"name": "rg-it-new"}},
            {"mlops.azure.resource_group": {"name": "rg-bad.", "location": "westeurope"}},
        ]
    )
    assert appended["changed"] and appended["resource_group"]["tags"] == {"owner": "policy", "env": "dev"}
    assert appended["diff"]["before"]["tags"] == {"owner": "policy"}
    assert replaced["changed"] and replaced["resource_group"]["tags"] == {"env": "prod"}
    assert moved["failed"] and "location" in moved["msg"] and "northeurope" in moved["msg"]
    assert no_location["failed"] and "set location" in no_location["msg"]
    assert bad_name["failed"] and "end" in bad_name["msg"]
    assert client.resource_groups.get(RG).tags == {"env": "prod"}


def test_delete_needs_force_when_not_empty(play, clean_emulator):
    client = clean_emulator.client(ResourceManagementClient)
    client.resource_groups.create_or_update(RG, {"location": "westeurope"})
    from azure.mgmt.storage import StorageManagementClient

    storage = clean_emulator.client(StorageManagementClient)
    storage.storage_accounts.begin_create(
        RG, "stitholder01", {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    clean_emulator.clear_requests()
    refused, check_forced, forced, gone, gone_check = play(
        [
            group(state="absent"),
            dict(group(state="absent", force_delete_nonempty=True), check_mode=True),
            group(state="absent", force_delete_nonempty=True),
            group(state="absent"),
            dict(group(state="absent"), check_mode=True),
        ]
    )
    assert refused["failed"] and "force_delete_nonempty" in refused["msg"] and "stitholder01" in refused["msg"]
    assert check_forced["changed"] and check_forced["diff"]["after"] == {}
    assert forced["changed"] and forced["resource_group"] is None
    assert forced["diff"]["before"]["name"] == RG
    assert not gone["changed"] and not gone_check["changed"]
    assert not client.resource_groups.check_existence(RG)
    deletes = [w for w in writes(clean_emulator.requests()) if w.startswith("DELETE")]
    assert len(deletes) == 1, deletes
