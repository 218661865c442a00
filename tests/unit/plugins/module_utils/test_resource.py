"""The resource kit's field options: REST forms (read/write), values sent only at creation, rules of a dict option's
keys, and refusals that name the value to keep."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    DifferenceTracker,
    ListOf,
    Refusal,
    norm_ci,
    reconcile,
)
from ansible_collections.mlops.azure.plugins.module_utils._resource import ArmResource, Field
from azure_fakes import FakeModule

SUB = "00000000-0000-0000-0000-000000000001"


class Gadget(ArmResource):
    """A made-up type: a tier sent as {"family": "G", "name": ...}, a switch Azure takes only as true, a firewall
    whose REST keys are camelCase, and a size fixed at creation."""

    kind = "gadget"
    arm_type = "Example.Gadgets/gadgets"
    api_version = "2024-01-01"
    fields = (
        Field(
            "tier",
            "properties.tier",
            norm=norm_ci,
            create_default="basic",
            read=lambda tier: tier.get("name"),
            write=lambda name: {"family": "G", "name": name},
        ),
        Field("locked", "properties.locked", default=False, write=lambda on: True if on else None),
        Field(
            "firewall",
            "properties.firewall",
            norm={"action": norm_ci, "ranges": ListOf()},
            default={"action": "Allow", "ranges": []},
            read=lambda rest: {"action": rest.get("defaultAction"), "ranges": rest.get("ipRanges") or []},
            write=lambda shape: {"defaultAction": shape.get("action"), "ipRanges": shape.get("ranges")},
        ),
        Field("size", "properties.size", create_only="Keep size: {before}, or create a new gadget for {after}."),
    )


def make(check_mode=False):
    return Gadget(FakeModule(None, check_mode=check_mode), "g1", "rg1", location="westeurope")


def test_read_turns_the_rest_form_into_the_option_and_absence_into_the_default():
    shape = Gadget.shape({"id": "x", "properties": {"tier": {"family": "G", "name": "pro"}, "size": 3}})
    assert shape["tier"] == "pro" and shape["size"] == 3
    assert shape["locked"] is False, "absent: the default, without calling read"
    assert shape["firewall"] == {"action": "Allow", "ranges": []}
    shape = Gadget.shape({"properties": {"firewall": {"defaultAction": "Deny", "ipRanges": ["1.2.3.4"]}}})
    assert shape["firewall"] == {"action": "Deny", "ranges": ["1.2.3.4"]}


def test_create_sends_the_rest_form_and_the_create_default():
    body = make().body({"locked": False, "firewall": {"action": "Deny", "ranges": []}})
    assert body == {
        "location": "westeurope",
        "properties": {"tier": {"family": "G", "name": "basic"}, "firewall": {"defaultAction": "Deny", "ipRanges": []}},
    }, "locked: false is left out (write gives None); tier unset gets its create default"


def test_patch_sends_only_what_differs_and_no_create_default():
    differences = DifferenceTracker()
    differences.add("locked", False, True)
    assert make().body({"locked": True}, differences) == {"properties": {"locked": True}}


def test_check_mode_prediction_goes_through_both_forms():
    predicted = make(check_mode=True).predict_create({"firewall": {"action": "Deny"}})
    assert predicted["tier"] == "basic" and predicted["locked"] is False
    assert predicted["firewall"] == {"action": "Deny", "ranges": []}


def test_a_dict_options_norm_gives_rules_to_its_keys():
    rules = make().rules
    assert rules["firewall.action"] is norm_ci and isinstance(rules["firewall.ranges"], ListOf)
    assert "firewall" not in rules


def test_a_create_only_sentence_names_the_value_to_keep():
    gadget = make()
    gadget.read = lambda: Gadget.shape({"id": "x", "name": "g1", "location": "westeurope", "properties": {"size": 3}})
    with pytest.raises(Refusal) as caught:
        reconcile(gadget, {"size": 5})
    assert caught.value.msg.endswith("size cannot be changed from 3 to 5. Keep size: 3, or create a new gadget for 5.")
