"""mlops.azure.action_group against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import json

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.monitor import MonitorManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-alerts"
NAME = "ag-it-mlops"
TOKEN = "sig=Zm9vYmFyc2VjcmV0dG9rZW4"
HOOK = f"https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?{TOKEN}"


@pytest.fixture
def ag_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": "westeurope"})
    clean_emulator.clear_requests()
    return clean_emulator


def group(**args):
    return {"mlops.azure.action_group": dict({"name": NAME, "resource_group": RG}, **args)}


ARGS = {
    "group_short_name": "mlopsit",
    "email_receivers": [{"name": "team", "email_address": "team@example.com", "use_common_alert_schema": True}],
    "webhook_receivers": [{"name": "chat", "service_uri": HOOK}],
    "tags": {"env": "dev"},
}


def test_four_steps(play, ag_env):
    check, real, check_again, real_again = play(
        [
            dict(group(**ARGS), check_mode=True),
            group(**ARGS),
            dict(group(**ARGS), check_mode=True),
            CLEAR_REQUESTS,
            group(**ARGS),
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}
    assert real["changed"] and real["diff"]["before"] == {}
    predicted, created = dict(check["action_group"]), dict(real["action_group"])
    assert predicted.pop("id").lower() == created.pop("id").lower()
    assert predicted == created, "check mode predicts the real result"
    assert created["location"] == "Global" and created["enabled"] is True
    assert created["email_receivers"] == [
        {"name": "team", "email_address": "team@example.com", "use_common_alert_schema": True}
    ]
    assert created["webhook_receivers"][0]["use_common_alert_schema"] is False
    for result in (check_again, real_again):
        assert not result["changed"]
        assert result["diff"]["before"] == result["diff"]["after"] == real["action_group"]

    held = ag_env.client(MonitorManagementClient).action_groups.get(RG, NAME)
    assert held.group_short_name == "mlopsit" and held.enabled and held.tags == {"env": "dev"}
    assert [r.email_address for r in held.email_receivers] == ["team@example.com"]
    assert held.webhook_receivers[0].service_uri == HOOK, "the real URI is what Azure holds"
    assert writes(ag_env.requests()) == [], "the idempotent real run sends no write"


def test_webhook_uri_stays_out_of_results_and_output(play, ag_env):
    results = play(
        [group(**ARGS), dict(group(**dict(ARGS, webhook_receivers=[{"name": "chat", "service_uri": HOOK + "x"}])))]
    )
    text = json.dumps(results) + play.stdout
    assert TOKEN not in text and "/workflows/abc" not in text
    changed = results[1]
    assert changed["changed"]
    before = changed["diff"]["before"]["webhook_receivers"][0]["service_uri"]
    after = changed["diff"]["after"]["webhook_receivers"][0]["service_uri"]
    assert before != after and before.startswith("https://prod-01.westeurope.logic.azure.com/REDACTED-sha256:")


def test_updates_and_removal(play, ag_env):
    monitor = ag_env.client(MonitorManagementClient)
    play([group(**ARGS)])
    disabled, receivers, tags_replaced, removed_check, removed, removed_again = play(
        [
            group(enabled=False),
            group(
                email_receivers=[
                    {"name": "lead", "email_address": "lead@example.com"},
                    {"name": "team", "email_address": "team@example.com", "use_common_alert_schema": True},
                ],
                webhook_receivers=[],
            ),
            group(tags={"owner": "platform"}, append_tags=False),
            dict(group(state="absent"), check_mode=True),
            group(state="absent"),
            group(state="absent"),
        ]
    )
    assert disabled["changed"] and disabled["diff"]["before"]["enabled"] and not disabled["action_group"]["enabled"]
    assert disabled["action_group"]["webhook_receivers"], "receivers not given are left alone"
    assert receivers["changed"] and receivers["action_group"]["webhook_receivers"] == []
    assert sorted(r["name"] for r in receivers["action_group"]["email_receivers"]) == ["lead", "team"]
    assert receivers["action_group"]["enabled"] is False
    assert tags_replaced["action_group"]["tags"] == {"owner": "platform"}
    assert removed_check["changed"] and removed_check["diff"]["after"] == {}
    assert removed["changed"] and removed["action_group"] is None and not removed_again["changed"]
    with pytest.raises(ResourceNotFoundError):
        monitor.action_groups.get(RG, NAME)


def test_refusals_before_any_request(play, ag_env):
    too_long, no_short_name, duplicate, bad_name = play(
        [
            group(group_short_name="mlops-platform"),
            group(enabled=True),
            group(
                group_short_name="ok",
                email_receivers=[{"name": "team", "email_address": "a@example.com"}],
                webhook_receivers=[{"name": "Team", "service_uri": HOOK}],
            ),
            group(name="ag/bad", group_short_name="ok"),
        ]
    )
    assert too_long["failed"] and "at most 12" in too_long["msg"] and "group_short_name" in too_long["msg"]
    assert no_short_name["failed"] and "set group_short_name" in no_short_name["msg"]
    assert duplicate["failed"] and "unique" in duplicate["msg"]
    assert bad_name["failed"] and "'/'" in bad_name["msg"]
    assert writes(ag_env.requests()) == []


def test_missing_resource_group_names_what_to_do(play, ag_env):
    (result,) = play([{"mlops.azure.action_group": {"name": NAME, "resource_group": "rg-missing", **ARGS}}])
    assert result["failed"] and "ResourceGroupNotFound" in result["msg"] and "rg-missing" in result["msg"]
    assert "What to do" in result["msg"]
