"""mlops.azure.location_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

from playbook_helpers import CLEAR_REQUESTS


def info(**args):
    return {"mlops.azure.location_info": args}


def test_lists_the_subscription_locations_in_one_read(play, clean_emulator):
    every, in_check_mode, by_display_name, missing = play(
        [
            CLEAR_REQUESTS,
            info(),
            dict(info(), check_mode=True),
            info(name="West Europe"),
            info(name="atlantis"),
        ]
    )
    for result in (every, in_check_mode, by_display_name, missing):
        assert not result.get("failed"), result
        assert not result["changed"]
    names = [item["name"] for item in every["locations"]]
    assert "westeurope" in names and "eastus" in names and len(names) == len(set(names))
    assert in_check_mode["locations"] == every["locations"], "a reader answers the same in check mode"
    (west_europe,) = by_display_name["locations"]
    assert west_europe["name"] == "westeurope" and west_europe["display_name"] == "West Europe"
    assert west_europe["id"] == f"/subscriptions/{clean_emulator.subscription_id}/locations/westeurope"
    assert missing["locations"] == []

    requests = clean_emulator.requests()
    assert {r["method"] for r in requests} == {"GET"}, "a reader only reads"
    # Besides the cloud metadata each module run reads, one read of the list per task.
    listed = [r for r in requests if r["path"] != "/metadata/endpoints"]
    assert [r["path"] for r in listed] == [f"/subscriptions/{clean_emulator.subscription_id}/locations"] * 4
    assert {r["api_version"] for r in listed} == {"2022-12-01"}


def test_a_subscription_the_principal_cannot_read_fails_with_the_arm_error(play, clean_emulator):
    (result,) = play([info(subscription_id="00000000-0000-0000-0000-0000000000ff")])
    assert result["failed"]
    assert result["msg"].startswith("Could not list the locations of subscription 00000000-0000-0000-0000-0000000000ff")
    assert "SubscriptionNotFound" in result["msg"]
