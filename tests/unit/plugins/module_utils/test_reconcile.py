"""The reconcile contract: normalisers, compare, merge and the driver, without a network."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    EXACT,
    AzureResource,
    DifferenceTracker,
    ListByKey,
    ListOf,
    NotConverged,
    Refusal,
    canonical_ip,
    compare,
    merge,
    norm_ci,
    norm_id,
    norm_ip,
    norm_location,
    prune,
    reconcile,
    tag_rules,
)

# --------------------------------------------------------------------------------------------- normalisers


@pytest.mark.parametrize(
    "left, right",
    [
        ("1.2.3.4", "1.2.3.4/32"),
        ("1.2.3.4/32", " 1.2.3.4 "),
        ("10.0.0.0/24", "10.0.0.7/24"),
        ("2001:db8::1", "2001:db8::1/128"),
    ],
)
def test_norm_ip_equivalences(left, right):
    assert norm_ip(left) == norm_ip(right)


def test_norm_ip_keeps_distinct_networks_apart():
    assert norm_ip("10.0.0.0/24") != norm_ip("10.0.0.0/16")
    assert norm_ip("1.2.3.4") != norm_ip("1.2.3.5")


def test_norm_ip_leaves_garbage_comparable():
    assert norm_ip("not-an-ip") == "not-an-ip"
    assert norm_ip(None) is None


def test_canonical_ip_forms():
    assert canonical_ip("1.2.3.4/32") == "1.2.3.4"
    assert canonical_ip("1.2.3.4", single_suffix=True) == "1.2.3.4/32"
    assert canonical_ip("1.2.3.4/32", single_suffix=True) == "1.2.3.4/32"
    assert canonical_ip("10.1.2.3/24") == "10.1.2.0/24"


def test_norm_location_and_ids_and_enums():
    assert norm_location("West Europe") == norm_location("westeurope") == norm_location("WestEurope")
    sub = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/V/subnets/A"
    assert norm_id(sub) == norm_id(sub.lower() + "/")
    assert norm_ci("Deny") == norm_ci("deny")
    assert norm_ci(True) is True


# --------------------------------------------------------------------------------------------- prune


def test_prune_drops_unset_options_recursively():
    assert prune({"a": None, "b": {"c": None, "d": 1}, "e": [{"f": None, "g": 2}]}) == {
        "b": {"d": 1},
        "e": [{"g": 2}],
    }


def test_prune_keeps_false_zero_and_empty():
    assert prune({"a": False, "b": 0, "c": [], "d": {}}) == {"a": False, "b": 0, "c": [], "d": {}}


# --------------------------------------------------------------------------------------------- compare

RULES = {
    "location": norm_location,
    "sku": norm_ci,
    "acls.default_action": norm_ci,
    "acls.ip_rules": ListOf(norm_ip),
    "acls.subnets": ListByKey("id", exclusive=True),
    "acls.subnets.id": norm_id,
    "containers": ListByKey("name"),
    "containers.public_access": norm_ci,
}

CURRENT = {
    "location": "westeurope",
    "sku": "standard",
    "enabled": True,
    "tags": {"env": "dev", "owner": "ml"},
    "acls": {
        "default_action": "Deny",
        "bypass": "AzureServices",
        "ip_rules": ["1.2.3.4/32", "10.0.0.0/24"],
        "subnets": [{"id": "/subscriptions/s/resourcegroups/rg/providers/x/subnets/a"}],
    },
    "containers": [{"name": "data", "public_access": "None"}, {"name": "logs", "public_access": "None"}],
}


def test_only_what_the_user_set_is_compared():
    assert not compare({"sku": "Standard"}, CURRENT, RULES)
    assert not compare({}, CURRENT, RULES)
    assert not compare({"acls": {"default_action": "deny"}}, CURRENT, RULES)


def test_server_side_extras_do_not_count():
    assert not compare({"tags": {"env": "dev"}}, CURRENT, RULES)


def test_ip_rules_compare_as_a_set_with_host_prefix_equivalence():
    desired = {"acls": {"ip_rules": ["10.0.0.0/24", "1.2.3.4"]}}
    assert not compare(desired, CURRENT, RULES)
    differences = compare({"acls": {"ip_rules": ["1.2.3.4"]}}, CURRENT, RULES)
    assert differences.paths == ["acls.ip_rules"]


def test_keyed_exclusive_list_matches_ids_case_insensitively():
    desired = {"acls": {"subnets": [{"id": "/SUBSCRIPTIONS/s/resourceGroups/RG/providers/x/subnets/A/"}]}}
    assert not compare(desired, CURRENT, RULES)
    extra = {"acls": {"subnets": []}}
    assert compare(extra, CURRENT, RULES).paths == [
        "acls.subnets[/subscriptions/s/resourcegroups/rg/providers/x/subnets/a]"
    ]


def test_keyed_non_exclusive_list_leaves_unlisted_items_alone():
    assert not compare({"containers": [{"name": "data"}]}, CURRENT, RULES)
    assert not compare({"containers": [{"name": "data", "public_access": "none"}]}, CURRENT, RULES)
    differences = compare(
        {"containers": [{"name": "models"}, {"name": "logs", "public_access": "Blob"}]}, CURRENT, RULES
    )
    assert differences.paths == ["containers[models]", "containers[logs].public_access"]
    assert differences.touches("containers")
    assert not differences.touches("acls")


def test_scalar_differences_are_reported_with_before_and_after():
    differences = compare({"enabled": False, "location": "West Europe"}, CURRENT, RULES)
    assert list(differences) == [("enabled", True, False)]
    before, after = differences.get_before_after()
    assert before == {"enabled": True} and after == {"enabled": False}


def test_missing_current_value_differs_unless_equal():
    assert compare({"new": "x"}, CURRENT, RULES).paths == ["new"]
    assert compare({"acls": {"new": 1}}, CURRENT, RULES).paths == ["acls.new"]


def test_exact_dict_counts_removed_keys():
    rules = dict(RULES, **tag_rules(False))
    assert compare({"tags": {"env": "dev"}}, CURRENT, rules).paths == ["tags"]
    assert not compare({"tags": {"owner": "ml", "env": "dev"}}, CURRENT, rules)
    assert tag_rules(True) == {}
    assert tag_rules(False) == {"tags": EXACT}


def test_ordered_list_default():
    assert compare({"order": [1, 2]}, {"order": [2, 1]}).paths == ["order"]
    assert not compare({"order": [1, 2]}, {"order": [1, 2]})
    assert ListOf(ordered=True).key([2, 1]) != ListOf(ordered=True).key([1, 2])


def test_compare_against_nothing():
    assert compare({"a": 1, "b": {"c": 2}}, None).paths == ["a", "b.c"]


def test_difference_tracker_top_level():
    tracker = DifferenceTracker()
    tracker.add("acls.ip_rules", [], ["1.2.3.4"])
    tracker.add("acls.bypass", "None", "AzureServices")
    tracker.add("containers[x].public_access", "Blob", "None")
    tracker.add("tags", {}, {"a": "b"})
    assert tracker.top_level() == ["acls", "containers", "tags"]
    assert len(tracker) == 4 and bool(tracker)
    assert not DifferenceTracker()


# --------------------------------------------------------------------------------------------- merge


def test_merge_keeps_current_spelling_when_equal():
    desired = {"sku": "Standard", "location": "West Europe", "acls": {"ip_rules": ["10.0.0.0/24", "1.2.3.4"]}}
    assert merge(CURRENT, desired, RULES) == CURRENT


def test_merge_applies_changes():
    after = merge(CURRENT, {"enabled": False, "acls": {"ip_rules": ["5.6.7.8"]}, "tags": {"new": "1"}}, RULES)
    assert after["enabled"] is False
    assert after["acls"]["ip_rules"] == ["5.6.7.8"]
    assert after["acls"]["default_action"] == "Deny"
    assert after["tags"] == {"env": "dev", "owner": "ml", "new": "1"}
    assert CURRENT["enabled"] is True, "merge must not modify its input"


def test_merge_exact_tags_replaces():
    rules = dict(RULES, **tag_rules(False))
    assert merge(CURRENT, {"tags": {"new": "1"}}, rules)["tags"] == {"new": "1"}


def test_merge_keyed_lists():
    after = merge(CURRENT, {"containers": [{"name": "models"}, {"name": "logs", "public_access": "Blob"}]}, RULES)
    assert after["containers"] == [
        {"name": "data", "public_access": "None"},
        {"name": "logs", "public_access": "Blob"},
        {"name": "models"},
    ]
    exclusive = dict(RULES, containers=ListByKey("name", exclusive=True))
    assert merge(CURRENT, {"containers": [{"name": "logs"}]}, exclusive)["containers"] == [
        {"name": "logs", "public_access": "None"}
    ]


def test_merge_into_nothing_is_desired():
    assert merge(None, {"a": {"b": 1}}) == {"a": {"b": 1}}


# --------------------------------------------------------------------------------------------- driver


class FakeResource(AzureResource):
    kind = "thing"
    rules = {"location": norm_location, "size": norm_ci}
    immutable = {"location": "Create a new thing instead."}

    def __init__(self, current=None, check_mode=False):
        super().__init__("t1", check_mode)
        self.state = current
        self.calls = []

    def read(self):
        self.calls.append("read")
        return None if self.state is None else dict(self.state)

    def create(self, desired):
        self.calls.append("create")
        self.state = dict(desired, id="id1")

    def update(self, desired, current, differences):
        self.calls.append(("update", differences.paths))
        self.state = merge(current, desired, self.rules)

    def delete(self, current):
        self.calls.append("delete")
        self.state = None

    def predict_create(self, desired):
        return dict(desired, id="id1")


def _writes(resource):
    return [call for call in resource.calls if call != "read"]


def test_four_steps_create():
    desired = {"location": "westeurope", "size": "S"}
    # 1. check mode predicts the create without writing
    thing = FakeResource(check_mode=True)
    result = reconcile(thing, desired)
    assert result["changed"] and result["diff"] == {
        "before": {},
        "after": {"location": "westeurope", "size": "S", "id": "id1"},
    }
    assert _writes(thing) == []
    # 2. real run creates and re-reads; the result equals the prediction
    thing = FakeResource()
    real = reconcile(thing, desired)
    assert real["changed"] and _writes(thing) == ["create"]
    assert real["resource"] == result["resource"]
    # 3. idempotent check mode
    state = thing.state
    again = FakeResource(state, check_mode=True)
    assert reconcile(again, {"location": "West Europe", "size": "s"}) == {
        "changed": False,
        "diff": {"before": state, "after": state},
        "resource": state,
    }
    # 4. idempotent real run: no write at all
    again = FakeResource(state)
    assert not reconcile(again, desired)["changed"]
    assert _writes(again) == []


def test_update_predicts_and_applies():
    state = {"location": "westeurope", "size": "S", "id": "id1"}
    predicted = reconcile(FakeResource(state, check_mode=True), {"size": "M"})
    assert predicted["changed"] and predicted["diff"]["after"]["size"] == "M"
    thing = FakeResource(state)
    result = reconcile(thing, {"size": "M"})
    assert _writes(thing) == [("update", ["size"])]
    assert result["resource"] == predicted["resource"]


def test_immutable_change_is_refused_before_any_write():
    thing = FakeResource({"location": "westeurope", "size": "S"})
    with pytest.raises(Refusal) as caught:
        reconcile(thing, {"location": "northeurope", "size": "M"})
    assert "location cannot be changed" in caught.value.msg and "Create a new thing" in caught.value.msg
    assert _writes(thing) == []


def test_absent():
    thing = FakeResource({"location": "westeurope"}, check_mode=True)
    result = reconcile(thing, {}, state="absent")
    assert result["changed"] and result["diff"]["after"] == {} and _writes(thing) == []
    thing = FakeResource({"location": "westeurope"})
    assert reconcile(thing, {}, state="absent")["changed"] and _writes(thing) == ["delete"]
    thing = FakeResource(None)
    assert reconcile(thing, {}, state="absent") == {
        "changed": False,
        "diff": {"before": {}, "after": {}},
        "resource": None,
    }


# --------------------------------------------------------------------------------------------- failed resources


class RepairableResource(FakeResource):
    """A resource whose reads report a provisioning state; ``create`` (the repair) leaves ``after_write``."""

    def __init__(self, current=None, check_mode=False, after_write="Succeeded"):
        super().__init__(current, check_mode)
        self.after_write = after_write

    def create(self, desired):
        self.calls.append(("create", dict(desired)))
        self.state = dict(desired, id="id1", provisioning_state=self.after_write)

    def update(self, desired, current, differences):
        super().update(desired, current, differences)
        self.state["provisioning_state"] = self.after_write


FAILED = {"location": "westeurope", "size": "S", "id": "id1", "provisioning_state": "Failed"}


@pytest.mark.parametrize("state", ["Failed", "Canceled", "failed"])
def test_failed_resource_with_matching_settings_is_not_converged(state):
    current = dict(FAILED, provisioning_state=state)
    check = reconcile(RepairableResource(current, check_mode=True), {"size": "S"})
    assert check["changed"]
    assert check["diff"]["before"]["provisioning_state"] == state
    assert check["diff"]["after"] == dict(current, provisioning_state="Succeeded")

    thing = RepairableResource(current)
    real = reconcile(thing, {"size": "M"})
    assert real["changed"] and real["resource"]["provisioning_state"] == "Succeeded"
    # The repair sends the full state: the current settings with the user's on top.
    (write,) = _writes(thing)
    assert write[0] == "create" and write[1]["location"] == "westeurope" and write[1]["size"] == "M"


def test_repair_that_leaves_the_resource_failed_raises_not_converged():
    thing = RepairableResource(FAILED, after_write="Failed")
    with pytest.raises(NotConverged) as caught:
        reconcile(thing, {"size": "S"})
    assert (
        "thing 't1' was repaired (it was Failed) but Azure reports it in provisioning state Failed" in caught.value.msg
    )
    assert caught.value.resource["provisioning_state"] == "Failed"


def test_create_or_update_that_ends_failed_raises_not_converged():
    with pytest.raises(NotConverged, match="was created but Azure reports it in provisioning state Failed"):
        reconcile(RepairableResource(None, after_write="Failed"), {"location": "westeurope"})
    current = dict(FAILED, provisioning_state="Succeeded")
    with pytest.raises(NotConverged, match="was updated but"):
        reconcile(RepairableResource(current, after_write="Failed"), {"size": "M"})


def test_a_resource_in_progress_is_not_failed():
    current = dict(FAILED, provisioning_state="Updating")
    assert not reconcile(RepairableResource(current), {"size": "S"})["changed"]
