"""Client-side value checks: tags, IP rules, GUIDs and locations, each limit at and past its boundary."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _validate as v


def test_guid():
    assert v.guid_errors("a7e2c4b9-1d3f-4a5e-8c6b-9f0e1d2c3b04") == []
    assert v.guid_errors("A7E2C4B9-1D3F-4A5E-8C6B-9F0E1D2C3B04") == []
    for bad in ("not-a-guid", "a7e2c4b9-1d3f-4a5e-8c6b-9f0e1d2c3b0", "", None, 12):
        (problem,) = v.guid_errors(bad, "principal_id")
        assert problem.startswith("principal_id ") and "is not a GUID" in problem


def test_tags_within_limits():
    tags = dict((f"t{i}", "x" * v.MAX_TAG_VALUE) for i in range(v.MAX_TAGS))
    tags["n" * (v.MAX_TAG_NAME - 1)] = ""
    tags.pop("t0")
    assert v.tag_errors(tags) == []
    assert v.tag_errors(None) == []


def test_tags_count():
    tags = dict((f"t{i}", "x") for i in range(v.MAX_TAGS + 1))
    assert v.tag_errors(tags) == ["51 tags given; Azure allows at most 50 tags on a resource"]


def test_tag_name_length_and_storage_limit():
    assert v.tag_errors({"n" * 512: "x"}) == []
    (problem,) = v.tag_errors({"n" * 513: "x"})
    assert "513 characters long; Azure allows at most 512" in problem
    (problem,) = v.tag_errors({"n" * 129: "x"}, max_name_length=v.MAX_STORAGE_TAG_NAME)
    assert "129 characters long; Azure allows at most 128" in problem
    assert v.tag_errors({"n" * 128: "x"}, max_name_length=v.MAX_STORAGE_TAG_NAME) == []


def test_tag_value_length():
    assert v.tag_errors({"a": "x" * 256}) == []
    (problem,) = v.tag_errors({"a": "x" * 257})
    assert "value of tag 'a' is 257 characters long" in problem


@pytest.mark.parametrize("char", list("<>%&\\?/"))
def test_tag_name_forbidden_characters(char):
    (problem,) = v.tag_errors({f"cost{char}center": "x"})
    assert f"contains {char}" in problem


def test_tag_name_empty_and_not_a_dict():
    assert v.tag_errors({" ": "x"}) == ["a tag name is empty"]
    assert v.tag_errors(["a"]) == ["tags must be a dictionary of names and values, got list"]


@pytest.mark.parametrize("value", ["10.0.0.0/33", "300.1.1.1", "not-an-ip", "", "1.2.3", "::1", "2001:db8::/32"])
def test_malformed_ip_rules_refused_for_both_services(value):
    for service in v.IP_RULE_SERVICES:
        assert v.ip_rule_errors(value, service), (service, value)


@pytest.mark.parametrize("value", ["203.0.113.7", "203.0.113.0/24", "0.0.0.0/0", "1.2.3.4/32", "100.64.1.1"])
def test_key_vault_takes_public_ipv4(value):
    assert v.ip_rule_errors(value, "key_vault") == []


@pytest.mark.parametrize("value", ["10.1.2.3", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.1"])
def test_key_vault_refuses_private_ranges_and_the_registry_does_not(value):
    (problem,) = v.ip_rule_errors(value, "key_vault")
    assert "private range" in problem
    assert v.ip_rule_errors(value, "container_registry") == []


def test_storage_refuses_small_ranges_and_private_ranges():
    assert v.ip_rule_errors("203.0.113.7", "storage_account") == []
    assert v.ip_rule_errors("203.0.113.0/30", "storage_account") == []
    (problem,) = v.ip_rule_errors("203.0.113.6/31", "storage_account")
    assert "/31 ranges" in problem and "203.0.113.6 and 203.0.113.7" in problem
    assert v.ip_rule_errors("203.0.113.7/32", "storage_account") == [], "sent as the address alone"
    for private in ("10.1.2.3", "172.20.0.0/16", "192.168.1.0/24"):
        (problem,) = v.ip_rule_errors(private, "storage_account")
        assert "private range" in problem
    assert v.ip_rule_errors("172.32.0.1", "storage_account") == []
    assert v.ip_rule_errors("100.64.1.1", "storage_account") == [], "no source says Azure refuses 100.64.0.0/10"


def test_ip_rules_lists_every_problem():
    problems = v.ip_rules_errors(["10.0.0.0/33", "300.1.1.1", "not-an-ip", "203.0.113.7"], "storage_account")
    assert len(problems) == 3


def test_unknown_service():
    with pytest.raises(ValueError):
        v.ip_rule_errors("1.2.3.4", "registry")


def test_location():
    locations = [{"name": "westeurope", "displayName": "West Europe"}, {"name": "eastus", "displayName": "East US"}]
    assert v.location_errors("westeurope", locations) == []
    assert v.location_errors("West Europe", locations) == []
    assert v.location_errors("WestEurope", locations) == []
    assert v.location_errors(None, locations) == []
    (problem,) = v.location_errors("westeuropa", locations)
    assert problem == "location 'westeuropa' is not a location of this subscription; use one of: eastus, westeurope"


def test_range():
    low, high = v.KEY_VAULT_RETENTION_DAYS
    assert v.range_errors(low, v.KEY_VAULT_RETENTION_DAYS, "retention") == []
    assert v.range_errors(high, v.KEY_VAULT_RETENTION_DAYS, "retention") == []
    assert v.range_errors(low - 1, v.KEY_VAULT_RETENTION_DAYS, "retention") == ["retention is 6; Azure accepts 7 to 90"]
    assert v.range_errors(high + 1, v.KEY_VAULT_RETENTION_DAYS, "retention") == [
        "retention is 91; Azure accepts 7 to 90"
    ]
    for bad in ("30", 30.0, True, None):
        (problem,) = v.range_errors(bad, v.STORAGE_SOFT_DELETE_DAYS, "days")
        assert problem.startswith("days must be a whole number from 1 to 365, got ")


def test_length():
    bounds = v.ACTION_GROUP_SHORT_NAME_LENGTH
    assert v.length_errors("a", bounds, "short name") == []
    assert v.length_errors("a" * 12, bounds, "short name") == []
    assert v.length_errors("a" * 13, bounds, "short name") == [
        "short name 'aaaaaaaaaaaaa' has 13 characters; Azure accepts 1 to 12"
    ]
    assert v.length_errors("", bounds, "short name") == ["short name '' has 0 characters; Azure accepts 1 to 12"]
    assert v.length_errors(12, bounds, "short name") == ["short name must be a string of 1 to 12 characters, got 12"]


def test_location_key():
    assert v.location_key("West Europe") == v.location_key("westeurope") == v.location_key("WestEurope")
    assert v.location_key("westus") != v.location_key("westus2")
