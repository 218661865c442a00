"""The resource kit: its field options (REST forms, values sent only at creation, rules of a dict option's keys,
refusals that name the value to keep), its SDK transport (``SdkResource``) and its ``_info`` readers, through small
declarations and a recording fake of a management SDK's operations group that answers as ARM does (PUT stores the
body, PATCH replaces the top-level objects it carries)."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    DifferenceTracker,
    ListOf,
    Refusal,
    compare,
    norm_ci,
    norm_location,
    reconcile,
)
from ansible_collections.mlops.azure.plugins.module_utils._resource import ArmResource, Field, SdkResource
from azure_fakes import FakeModule, NotFound, Poller

SUB = "00000000-0000-0000-0000-000000000001"
ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Test.Provider/widgets/w1"


def rules_shape(items):
    return [item["value"] for item in items]


def rules_body(values, held):
    """Each rule as REST, keeping what Azure holds on a rule of the same value (``note``)."""
    notes = dict((item["value"], item.get("note")) for item in held or [])
    return [dict({"value": value}, **({"note": notes[value]} if notes.get(value) else {})) for value in values]


class Widget(SdkResource):
    kind = "widget"
    arm_type = "Test.Provider/widgets"
    sdk_client = "WidgetClient"
    sdk_operations = "widgets"
    sdk_create = "begin_create"
    sdk_update = "update"
    sdk_delete = "delete"
    patch_together = (("size", "capacity"),)
    fields = (
        Field("size", "sku.name", norm=norm_ci, create_default="Small"),
        Field("capacity", "sku.capacity"),
        Field("rules", "properties.rules", read=rules_shape, write=rules_body, default=[]),
        Field("mode", "properties.mode", patch=False),
    )


class WholePut(Widget):
    sdk_update = None


class FakeWidgets:
    def __init__(self, stored=None):
        self.stored = copy.deepcopy(stored)
        self.calls = []

    def get(self, group, name):
        self.calls.append(("get", group, name, None))
        if self.stored is None:
            raise NotFound()
        return copy.deepcopy(self.stored)

    def begin_create(self, group, name, body):
        self.calls.append(("put", group, name, copy.deepcopy(body)))
        self.stored = dict(copy.deepcopy(body), id=ID, name=name)
        self.stored.setdefault("properties", {})["provisioningState"] = "Succeeded"
        widgets = self

        class Waited(Poller):
            def result(self):
                widgets.calls.append(("waited", group, name, None))
                return super().result()

        return Waited(self.stored)

    def update(self, group, name, body):
        self.calls.append(("patch", group, name, copy.deepcopy(body)))
        for key, value in body.items():
            if isinstance(value, dict) and key != "tags":
                self.stored.setdefault(key, {}).update(copy.deepcopy(value))
            else:
                self.stored[key] = copy.deepcopy(value)
        return self.stored

    def delete(self, group, name, **kwargs):
        self.calls.append(("delete", group, name, kwargs))
        self.stored = None

    @property
    def writes(self):
        return [call for call in self.calls if call[0] not in ("get", "waited")]


class Client:
    def __init__(self, widgets):
        self.widgets = widgets


HELD = {
    "id": ID,
    "name": "w1",
    "location": "westeurope",
    "tags": {"a": "1"},
    "sku": {"name": "Large", "capacity": 2},
    "properties": {"rules": [{"value": "x", "note": "kept"}], "mode": "On", "provisioningState": "Succeeded"},
}


def widget(stored=None, cls=Widget, check_mode=False):
    widgets = FakeWidgets(stored)
    module = FakeModule(Client(widgets), check_mode=check_mode)
    return cls(module, "w1", "rg1", location="westeurope"), widgets, module


def test_create_sends_the_declared_defaults_through_the_sdk_and_reads_the_shape_back():
    resource, widgets, module = widget()
    result = reconcile(resource, {"rules": ["x", "y"], "tags": {"t": "v"}})
    assert widgets.writes == [
        (
            "put",
            "rg1",
            "w1",
            {
                "location": "westeurope",
                "tags": {"t": "v"},
                "sku": {"name": "Small"},
                "properties": {"rules": [{"value": "x"}, {"value": "y"}]},
            },
        )
    ]
    assert result["resource"]["rules"] == ["x", "y"] and result["resource"]["size"] == "Small"
    assert result["resource"]["resource_group"] == "rg1" and result["resource"]["provisioning_state"] == "Succeeded"
    assert module.client_class == "WidgetClient" and module.calls[:2] == ["get_raw", "begin_create"]
    assert ("waited", "rg1", "w1", None) in widgets.calls, "a begin_ operation is waited for"


def test_check_mode_predicts_the_create_from_the_same_declaration():
    resource, widgets, _module = widget(check_mode=True)
    predicted = reconcile(resource, {"rules": ["x"]})["resource"]
    assert predicted["id"] == ID and predicted["size"] == "Small" and predicted["rules"] == ["x"]
    assert widgets.writes == []


def test_a_patch_carries_the_options_patched_together_and_keeps_what_azure_holds():
    resource, widgets, _module = widget(HELD)
    result = reconcile(resource, {"capacity": 3, "rules": ["x", "z"]})
    ((verb, _group, _name, sent),) = widgets.writes
    assert verb == "patch"
    assert sent == {
        "sku": {"name": "Large", "capacity": 3},
        "properties": {"rules": [{"value": "x", "note": "kept"}, {"value": "z"}]},
    }
    assert result["changed"] and result["resource"]["capacity"] == 3


def test_a_change_the_patch_cannot_carry_is_a_put_of_the_whole_resource():
    resource, widgets, _module = widget(HELD)
    reconcile(resource, {"mode": "Off"})
    ((verb, _group, _name, sent),) = widgets.writes
    assert verb == "put"
    assert sent == {
        "location": "westeurope",
        "tags": {"a": "1"},
        "sku": {"name": "Large", "capacity": 2},
        "properties": {"rules": [{"value": "x", "note": "kept"}], "mode": "Off"},
    }


def test_a_service_without_patch_gets_a_put_for_every_update_and_the_second_run_writes_nothing():
    resource, widgets, _module = widget(HELD, cls=WholePut)
    reconcile(resource, {"tags": {"b": "2"}})
    assert [call[0] for call in widgets.writes] == ["put"]
    assert widgets.stored["tags"] == {"a": "1", "b": "2"}
    again, widgets_again, _module = widget(widgets.stored, cls=WholePut)
    assert not reconcile(again, {"tags": {"b": "2"}, "size": "large"})["changed"]
    assert widgets_again.writes == []


def test_delete_runs_the_declared_operation_with_its_arguments():
    resource, widgets, _module = widget(HELD)
    resource.remove(force=True)
    assert widgets.writes == [("delete", "rg1", "w1", {"force": True})]


class Gizmo(Widget):
    """A widget whose SDK lists under other names, with a child resource (its parts)."""

    sdk_list_in_group = "list_in"
    sdk_list_all = "list_everywhere"

    def read_children(self, shape):
        shape["parts"] = self.client.parts(self.resource_group, self.name)
        return shape


class FakeGizmos(FakeWidgets):
    def list_in(self, group):
        self.calls.append(("list_in", group, None, None))
        return [copy.deepcopy(self.stored)]

    def list_everywhere(self):
        self.calls.append(("list_everywhere", None, None, None))
        return [copy.deepcopy(self.stored)]


class GizmoClient(Client):
    def parts(self, group, name):
        self.widgets.calls.append(("parts", group, name, None))
        return ["p1"]


def read_all(params, stored="held", children=True):
    """``stored``: what the fake holds (``HELD`` unless given; ``None``: nothing)."""
    gizmos = FakeGizmos(HELD if stored == "held" else stored)
    module = FakeModule(GizmoClient(gizmos), params=params)
    return Gizmo.read_all(module, children=children), gizmos.calls


def test_an_info_reader_lists_with_the_declared_operations_and_reads_the_children_of_each():
    found, calls = read_all({"resource_group": "rg1"})
    assert calls == [("list_in", "rg1", None, None), ("parts", "rg1", "w1", None)], "no second GET of a listed one"
    assert [(shape["name"], shape["size"], shape["parts"]) for shape in found] == [("w1", "Large", ["p1"])]
    found, calls = read_all({})
    assert [call[0] for call in calls] == ["list_everywhere", "parts"] and found[0]["parts"] == ["p1"]


def test_an_info_reader_can_leave_the_children_of_a_list_unread():
    found, calls = read_all({"resource_group": "rg1"}, children=False)
    assert calls == [("list_in", "rg1", None, None)]
    assert "parts" not in found[0] and found[0]["capacity"] == 2


def test_an_info_reader_reads_one_by_name_with_its_children_or_nothing():
    found, calls = read_all({"name": "w1", "resource_group": "rg1"}, children=False)
    assert calls == [("get", "rg1", "w1", None), ("parts", "rg1", "w1", None)], "one resource is read whole"
    assert found[0]["parts"] == ["p1"]
    assert read_all({"name": "w2", "resource_group": "rg1"}, stored=None) == ([], [("get", "rg1", "w2", None)])


def test_a_nested_setting_declares_the_rules_of_its_keys():
    class Nested(Widget):
        fields = (Field("firewall", "properties.firewall", norm={"action": norm_ci, "ips": ListOf()}),)

    assert Nested.field_rules() == {
        "location": norm_location,
        "firewall.action": norm_ci,
        "firewall.ips": Nested.fields[0].norm["ips"],
    }
    current = {"firewall": {"action": "Deny", "ips": ["b", "a"]}}
    assert not compare({"firewall": {"action": "deny", "ips": ["a", "b"]}}, current, Nested.field_rules())


class FakeGroups:
    """``resource_groups`` of the resource client: a group is addressed by its name alone."""

    def __init__(self, stored=None):
        self.stored = copy.deepcopy(stored)
        self.calls = []

    def get(self, name):
        self.calls.append(("get", name, None))
        if self.stored is None:
            raise NotFound()
        return copy.deepcopy(self.stored)

    def create_or_update(self, name, body):
        self.calls.append(("put", name, copy.deepcopy(body)))
        self.stored = dict(copy.deepcopy(body), id=f"/subscriptions/{SUB}/resourceGroups/{name}", name=name)
        self.stored["properties"] = {"provisioningState": "Succeeded"}
        return self.stored


def test_a_resource_group_is_declared_without_a_group_of_its_own():
    from ansible_collections.mlops.azure.plugins.module_utils._resource_group import ResourceGroup

    groups = FakeGroups()
    client = type("Client", (), {"resource_groups": groups})()
    group = ResourceGroup(FakeModule(client), "rg-new")
    assert group.label == "resource group 'rg-new'"
    result = reconcile(group, {"location": "westeurope", "tags": {"a": "1"}})
    assert groups.calls[1] == ("put", "rg-new", {"location": "westeurope", "tags": {"a": "1"}})
    assert result["resource"] == {
        "id": f"/subscriptions/{SUB}/resourceGroups/rg-new",
        "name": "rg-new",
        "location": "westeurope",
        "tags": {"a": "1"},
        "managed_by": None,
        "provisioning_state": "Succeeded",
    }


def test_the_resource_groups_are_read_by_name_or_listed_from_the_subscription():
    from ansible_collections.mlops.azure.plugins.module_utils._resource_group import ResourceGroup

    groups = FakeGroups({"id": f"/subscriptions/{SUB}/resourceGroups/rg-a", "name": "rg-a", "location": "westeurope"})
    groups.list = lambda: [copy.deepcopy(groups.stored)]
    client = type("Client", (), {"resource_groups": groups})()
    (one,) = ResourceGroup.read_all(FakeModule(client, params={"name": "rg-a"}))
    assert groups.calls == [("get", "rg-a", None)]
    assert one["name"] == "rg-a" and "resource_group" not in one
    assert ResourceGroup.read_all(FakeModule(client, params={})) == [one]
    module = FakeModule(client)
    assert ResourceGroup.reader(module, "rg-a", None).rules == ResourceGroup(module, "rg-a").rules, "no group taken"


# -- field options on the by-id transport --------------------------------------------------------------


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
            write=lambda name, _held: {"family": "G", "name": name},
        ),
        Field("locked", "properties.locked", default=False, write=lambda on, _held: True if on else None),
        Field(
            "firewall",
            "properties.firewall",
            norm={"action": norm_ci, "ranges": ListOf()},
            default={"action": "Allow", "ranges": []},
            read=lambda rest: {"action": rest.get("defaultAction"), "ranges": rest.get("ipRanges") or []},
            write=lambda shape, _held: {"defaultAction": shape.get("action"), "ipRanges": shape.get("ranges")},
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
