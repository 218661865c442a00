# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_action_group.py: shapes, PUT bodies, short names, receivers, URI redaction."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _action_group as ag
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, compare, prune, reconcile
from azure.core.exceptions import ResourceNotFoundError
from azure_fakes import FakeModule

SUB = "00000000-0000-0000-0000-000000000001"
HOOK = "https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3tT0ken"

REST = {
    "id": f"/subscriptions/{SUB}/resourceGroups/rg-mlops/providers/microsoft.insights/actionGroups/ag-mlops",
    "name": "ag-mlops",
    "type": "Microsoft.Insights/ActionGroups",
    "location": "Global",
    "tags": {"env": "prod"},
    "properties": {
        "groupShortName": "mlops",
        "enabled": True,
        "emailReceivers": [
            {"name": "team", "emailAddress": "team@example.com", "useCommonAlertSchema": True, "status": "Enabled"}
        ],
        "smsReceivers": [{"name": "oncall", "countryCode": "44", "phoneNumber": "7700900000"}],
        "webhookReceivers": [{"name": "chat", "serviceUri": HOOK, "useCommonAlertSchema": False, "useAadAuth": False}],
    },
}


def test_shape():
    shape = ag.ActionGroup.shape(REST)
    assert shape == {
        "id": REST["id"],
        "name": "ag-mlops",
        "resource_group": "rg-mlops",
        "location": "Global",
        "tags": {"env": "prod"},
        "group_short_name": "mlops",
        "enabled": True,
        "email_receivers": [{"name": "team", "email_address": "team@example.com", "use_common_alert_schema": True}],
        "webhook_receivers": [{"name": "chat", "service_uri": HOOK, "use_common_alert_schema": False}],
    }
    assert ag.ActionGroup.shape(None) is None


@pytest.mark.parametrize("short", ["a", "mlopsprod", "twelve-chars"])
def test_short_names_allowed(short):
    assert ag.short_name_errors(short) == []


@pytest.mark.parametrize("short", ["thirteen-char", "", "   "])
def test_short_names_refused(short):
    assert ag.short_name_errors(short)


def held_resource():
    """The action group as read from Azure's copy ``REST``, to build a PUT that updates it."""
    group = ag.ActionGroup(FakeModule(FakeClient(REST)), "ag-mlops", "rg-mlops")
    group.read()
    return group


def test_short_name_message_says_the_limit():
    (message,) = ag.short_name_errors("mlops-production")
    assert "16 characters" in message and "at most 12" in message


def test_put_body_keeps_unmanaged_receivers_and_settings():
    shape = ag.ActionGroup.shape(REST)
    shape["email_receivers"].append(
        {"name": "lead", "email_address": "lead@example.com", "use_common_alert_schema": False}
    )
    body = held_resource().put_body(shape)
    props = body["properties"]
    assert props["smsReceivers"] == REST["properties"]["smsReceivers"]
    assert props["webhookReceivers"] == [
        {"name": "chat", "serviceUri": HOOK, "useCommonAlertSchema": False, "useAadAuth": False}
    ]
    assert props["emailReceivers"] == [
        {"name": "team", "emailAddress": "team@example.com", "useCommonAlertSchema": True},
        {"name": "lead", "emailAddress": "lead@example.com", "useCommonAlertSchema": False},
    ]
    assert body["location"] == "Global" and body["tags"] == {"env": "prod"}
    assert REST["properties"]["emailReceivers"][0]["status"] == "Enabled", "the current body is not modified"


def test_put_body_always_sends_tags():
    shape = dict(ag.ActionGroup.shape(REST), tags={})
    assert held_resource().put_body(shape)["tags"] == {}


def test_receivers_compare_by_name_and_exclusively():
    current = ag.ActionGroup.shape(REST)
    rules = dict(ag.ActionGroup.field_rules())
    same = prune(
        {"email_receivers": [{"name": "team", "email_address": "team@example.com", "use_common_alert_schema": None}]}
    )
    assert not compare(same, current, rules)
    removed = {"email_receivers": []}
    assert compare(removed, current, rules).paths == ["email_receivers[team]"]
    changed = {"webhook_receivers": [{"name": "chat", "service_uri": HOOK + "x"}]}
    assert compare(changed, current, rules).paths == ["webhook_receivers[chat].service_uri"]


@pytest.mark.parametrize(
    "uri",
    [
        HOOK,
        "https://hooks.example.com/services/T000/B000/XXXXXXXX",
        "https://user:pass@hooks.example.com/x",
        "https://hooks.example.com:8443/x?token=abc",
    ],
)
def test_redaction_hides_paths_queries_and_credentials(uri):
    redacted = ag.redact_uri(uri)
    assert redacted.startswith("https://")
    assert "REDACTED-sha256:" in redacted
    for secret in ("s3cr3tT0ken", "XXXXXXXX", "pass", "token=abc", "/x"):
        if secret in uri:
            assert secret not in redacted
    assert ag.redact_uri(uri) == redacted, "stable, so before and after compare"
    assert ag.redact_uri(uri + "1") != redacted, "a changed token shows as a change"


def test_redaction_keeps_bare_hosts_and_non_strings():
    assert ag.redact_uri("https://hooks.example.com/") == "https://hooks.example.com/"
    assert ag.redact_uri(None) is None


def test_redact_shape_copies():
    shape = ag.ActionGroup.shape(REST)
    redacted = ag.redact_shape(shape)
    assert HOOK not in str(redacted)
    assert shape["webhook_receivers"][0]["service_uri"] == HOOK
    assert ag.redact_shape(None) is None and ag.redact_shape({}) == {}


# ---------------------------------------------------------------------------------------------
# The resource, with a fake client
# ---------------------------------------------------------------------------------------------


class FakeActionGroups:
    def __init__(self, body=None):
        self.body = copy.deepcopy(body)
        self.puts = []

    def get(self, rg, name):
        if self.body is None:
            raise ResourceNotFoundError("ResourceNotFound")
        return self.body

    def create_or_update(self, rg, name, body):
        self.puts.append(copy.deepcopy(body))
        props = copy.deepcopy(body["properties"])
        for item in props.get("emailReceivers") or []:
            item["status"] = "Enabled"
        self.body = {
            "id": REST["id"],
            "name": name,
            "location": body["location"],
            "tags": body["tags"],
            "properties": props,
        }
        return self.body

    def delete(self, rg, name):
        self.body = None


class FakeClient:
    def __init__(self, body=None):
        self.action_groups = FakeActionGroups(body)


def resource(client, check_mode=False):
    return ag.ActionGroup(FakeModule(client, check_mode), "ag-mlops", "rg-mlops")


DESIRED = {
    "group_short_name": "mlops",
    "email_receivers": [{"name": "team", "email_address": "team@example.com"}],
    "webhook_receivers": [{"name": "chat", "service_uri": HOOK, "use_common_alert_schema": True}],
}


def test_check_mode_prediction_equals_the_real_result():
    predicted = reconcile(resource(FakeClient(), check_mode=True), copy.deepcopy(DESIRED))["resource"]
    client = FakeClient()
    real = reconcile(resource(client), copy.deepcopy(DESIRED))["resource"]
    assert predicted.pop("id").casefold() == real.pop("id").casefold(), "Azure spells it microsoft.insights"
    assert predicted == real
    assert real["location"] == "Global" and real["enabled"] is True
    assert real["email_receivers"] == [
        {"name": "team", "email_address": "team@example.com", "use_common_alert_schema": False}
    ]
    assert client.action_groups.puts[0]["properties"]["enabled"] is True
    again = reconcile(resource(client), copy.deepcopy(DESIRED))
    assert not again["changed"] and len(client.action_groups.puts) == 1


def test_create_needs_a_short_name():
    with pytest.raises(Refusal) as caught:
        reconcile(resource(FakeClient()), {"enabled": True})
    assert "group_short_name" in caught.value.msg


def test_location_cannot_move():
    with pytest.raises(Refusal):
        reconcile(resource(FakeClient(REST)), {"location": "westeurope"})
    assert not reconcile(resource(FakeClient(REST)), {"location": "global"})["changed"]


def test_update_disables_and_keeps_sms_receivers():
    client = FakeClient(REST)
    result = reconcile(resource(client), {"enabled": False})
    assert result["changed"] and result["diff"]["before"]["enabled"] and not result["diff"]["after"]["enabled"]
    (put,) = client.action_groups.puts
    assert put["properties"]["smsReceivers"] == REST["properties"]["smsReceivers"]
    assert put["properties"]["enabled"] is False
