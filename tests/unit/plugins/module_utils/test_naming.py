# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the name rules, uniqueString() and name generation in module_utils/_naming.py."""

from __future__ import annotations

import re
import unicodedata

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _naming
from ansible_collections.mlops.azure.plugins.module_utils._naming import (
    REGION_CODES,
    RESERVED_WORDS,
    RULES,
    NameRuleError,
    UnknownResourceTypeError,
    get_rule,
    is_valid_name,
    known_types,
    name_errors,
    names_equal,
    region_code,
    resource_name,
    unique_string,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

EXPECTED_TYPES = [
    "action_group",
    "app_insights",
    "blob_container",
    "container_registry",
    "diagnostic_setting",
    "key_vault",
    "key_vault_secret",
    "log_analytics_workspace",
    "management_lock",
    "metric_alert",
    "ml_workspace",
    "private_endpoint",
    "resource_group",
    "storage_account",
    "subnet",
    "virtual_network",
]

DNS_TYPES = ["key_vault", "storage_account", "container_registry", "ml_workspace"]


def errors_text(resource_type, name):
    return " | ".join(name_errors(resource_type, name))


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
def test_every_type_is_in_the_table():
    assert known_types() == EXPECTED_TYPES


@pytest.mark.parametrize(
    "resource_type, scope, min_length, max_length, abbreviation",
    [
        ("resource_group", "subscription", 1, 90, "rg"),
        ("key_vault", "global", 3, 24, "kv"),
        ("storage_account", "global", 3, 24, "st"),
        ("container_registry", "global", 5, 50, "cr"),
        ("app_insights", "resource group", 1, 255, "appi"),
        ("log_analytics_workspace", "resource group", 4, 63, "log"),
        ("ml_workspace", "resource group", 3, 33, "mlw"),
        ("blob_container", "parent", 3, 63, "stc"),
        ("key_vault_secret", "parent", 1, 127, "kvs"),
        ("action_group", "resource group", 1, 260, "ag"),
        ("metric_alert", "resource group", 1, 260, "al"),
        ("diagnostic_setting", "parent", 1, 260, "diag"),
        ("virtual_network", "resource group", 2, 64, "vnet"),
        ("private_endpoint", "resource group", 2, 64, "pep"),
        ("subnet", "parent", 1, 80, "snet"),
        ("management_lock", "parent", 1, 90, "lock"),
    ],
)
def test_table_entries(resource_type, scope, min_length, max_length, abbreviation):
    rule = get_rule(resource_type)
    assert (rule.scope, rule.min_length, rule.max_length, rule.abbreviation) == (
        scope,
        min_length,
        max_length,
        abbreviation,
    )
    assert rule.key == resource_type
    assert rule.case_insensitive is True
    data = rule.as_dict()
    assert data["type"] == resource_type and data["allowed_characters"]


def test_flags_of_the_table():
    assert sorted(k for k, r in RULES.items() if r.reserved_words) == sorted(DNS_TYPES)
    assert sorted(k for k, r in RULES.items() if r.scope == "global") == [
        "container_registry",
        "key_vault",
        "storage_account",
    ]
    assert sorted(k for k, r in RULES.items() if not r.separators) == ["container_registry", "storage_account"]
    assert sorted(k for k, r in RULES.items() if r.lowercase) == ["blob_container", "storage_account"]
    assert sorted(k for k, r in RULES.items() if r.no_consecutive_hyphens) == ["blob_container", "key_vault"]
    assert get_rule("blob_container").parent == "storage_account"
    assert get_rule("key_vault_secret").parent == "key_vault"
    assert get_rule("subnet").parent == "virtual_network"
    caf = sorted(k for k, r in RULES.items() if r.caf_abbreviation)
    assert "key_vault" in caf and "diagnostic_setting" not in caf


def test_app_insights_uses_the_stricter_project_table():
    rule = get_rule("app_insights")
    assert rule.max_length == 255
    assert "wins" in rule.notes
    # Azure itself would accept these; the project's allow-list does not.
    assert name_errors("app_insights", "a" * 256)
    assert "not allowed" in errors_text("app_insights", "appi mlops")
    assert "not allowed" in errors_text("app_insights", "appi,mlops")


def test_reserved_word_list_is_complete():
    assert len(RESERVED_WORDS) == 38
    for word in ("ACCESS", "APP_BROWSERS", "AZURE", "BING", "HYPERV", "O365", "OFFICE365", "WEB.CONFIG", "XBOX"):
        assert word in RESERVED_WORDS
    assert _naming.RESERVED_SUBSTRINGS == ("MICROSOFT", "WINDOWS")
    assert _naming.RESERVED_PREFIXES == ("LOGIN",)


def test_unknown_type_lists_the_known_types():
    with pytest.raises(UnknownResourceTypeError) as info:
        name_errors("keyvault", "kv-x")
    message = str(info.value)
    assert "unknown resource type 'keyvault'" in message
    for key in EXPECTED_TYPES:
        assert key in message
    assert isinstance(info.value, ValueError)
    with pytest.raises(UnknownResourceTypeError):
        get_rule(None)


# ---------------------------------------------------------------------------------------------
# Length boundaries, for every type
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("resource_type", EXPECTED_TYPES)
def test_length_boundaries(resource_type):
    rule = get_rule(resource_type)
    assert name_errors(resource_type, "a" * rule.min_length) == []
    assert name_errors(resource_type, "a" * rule.max_length) == []
    too_long = "a" * (rule.max_length + 1)
    assert name_errors(resource_type, too_long) == [
        f"{resource_type} name '{too_long}' must be {rule.min_length}-{rule.max_length} characters long; "
        f"it has {rule.max_length + 1}"
    ]
    too_short = "a" * (rule.min_length - 1)
    assert any("characters long" in e for e in name_errors(resource_type, too_short))


@pytest.mark.parametrize("resource_type", EXPECTED_TYPES)
def test_not_a_string(resource_type):
    assert name_errors(resource_type, 42) == [f"{resource_type} name must be a string, got int 42"]
    assert not is_valid_name(resource_type, None)


# ---------------------------------------------------------------------------------------------
# Characters, first and last character, hyphens, case, per type
# ---------------------------------------------------------------------------------------------
VALID = [
    ("resource_group", "rg-mlops_prod.(weu)"),
    ("resource_group", "rg-ÄÖÜ-日本"),
    ("resource_group", "rg-mlops-"),
    ("key_vault", "kv-mlops-prod"),
    ("key_vault", "KV-Mlops-1"),
    ("key_vault", "abc"),
    ("key_vault", "kvlogin"),
    ("storage_account", "stmlopsprod001"),
    ("storage_account", "123"),
    ("container_registry", "CrMlops01"),
    ("app_insights", "appi-mlops_prod.(1)"),
    ("log_analytics_workspace", "log-mlops-prod"),
    ("log_analytics_workspace", "1abc"),
    ("ml_workspace", "mlw_mlops-prod"),
    ("ml_workspace", "mlw-"),
    ("blob_container", "models-v1"),
    ("key_vault_secret", "-db-password-"),
    ("key_vault_secret", "1"),
    ("action_group", "ag mlops (prod) é"),
    ("metric_alert", "al - CPU (high) = 90 percent"),
    ("diagnostic_setting", "send to log analytics."),
    ("virtual_network", "vnet-mlops_prod.1_"),
    ("subnet", "a"),
    ("subnet", "snet.models_"),
    ("management_lock", "lock-no-delete(prod)"),
    ("resource_group", "azure"),
    ("app_insights", "microsoft-login"),
]


@pytest.mark.parametrize("resource_type, name", VALID)
def test_valid_names(resource_type, name):
    assert name_errors(resource_type, name) == []
    assert is_valid_name(resource_type, name)


INVALID = [
    # (type, name, expected sentences, exactly)
    (
        "key_vault",
        "kv--prod",
        ["key_vault name 'kv--prod' must not contain consecutive hyphens ('--'); use single hyphens between parts"],
    ),
    (
        "key_vault",
        "1kv",
        ["key_vault name '1kv' must start with a letter (a-z, A-Z); it starts with '1'"],
    ),
    (
        "key_vault",
        "kv-",
        ["key_vault name 'kv-' must end with a letter or a digit; it ends with '-'"],
    ),
    (
        "key_vault",
        "kv_prod.x",
        [
            "key_vault name 'kv_prod.x' contains characters not allowed: '_', '.'; "
            "allowed are letters (a-z, A-Z), digits (0-9) and hyphens (-)"
        ],
    ),
    (
        "storage_account",
        "St1",
        ["storage_account name 'St1' must be all lower case; it contains upper-case 'S'"],
    ),
    (
        "storage_account",
        "st-mlops",
        [
            "storage_account name 'st-mlops' contains a character not allowed: '-'; "
            "allowed are lowercase letters (a-z) and digits (0-9)"
        ],
    ),
    (
        "storage_account",
        "S",
        [
            "storage_account name 'S' must be 3-24 characters long; it has 1",
            "storage_account name 'S' must be all lower case; it contains upper-case 'S'",
        ],
    ),
    (
        "resource_group",
        "rg.",
        [
            "resource_group name 'rg.' must end with a letter, a digit, an underscore, a hyphen or a parenthesis "
            "(not a period); it ends with '.'"
        ],
    ),
    (
        "resource_group",
        "rg²",
        [
            "resource_group name 'rg²' contains a character not allowed: '²'; allowed are letters and digits "
            "(any script), underscores (_), hyphens (-), periods (.) and parentheses ( )"
        ],
    ),
    (
        "blob_container",
        "-Models--",
        [
            "blob_container name '-Models--' must be all lower case; it contains upper-case 'M'",
            "blob_container name '-Models--' must start with a lowercase letter or a digit; it starts with '-'",
            "blob_container name '-Models--' must end with a lowercase letter or a digit; it ends with '-'",
            "blob_container name '-Models--' must not contain consecutive hyphens ('--'); "
            "use single hyphens between parts",
        ],
    ),
    (
        "action_group",
        "ag:mlops ",
        [
            "action_group name 'ag:mlops ' contains a character not allowed: ':'; allowed are any character "
            "except : < > + / & % \\ ? | and control characters",
            "action_group name 'ag:mlops ' must end with a character other than a period or a space; "
            "it ends with ' ' (space)",
        ],
    ),
    (
        "metric_alert",
        "al\tcpu@90%.",
        [
            "metric_alert name 'al\tcpu@90%.' contains characters not allowed: U+0009, '@', '%'; allowed are any "
            "character except * # & + : < > ? @ % { } \\ / | and control characters",
            "metric_alert name 'al\tcpu@90%.' must end with a character other than a period or a space; "
            "it ends with '.'",
        ],
    ),
]


@pytest.mark.parametrize("resource_type, name, expected", INVALID)
def test_invalid_names_exact_sentences(resource_type, name, expected):
    assert name_errors(resource_type, name) == expected


@pytest.mark.parametrize(
    "resource_type, name, fragment",
    [
        ("log_analytics_workspace", "-log", "must start with a letter or a digit; it starts with '-'"),
        ("log_analytics_workspace", "log-", "must end with a letter or a digit; it ends with '-'"),
        ("log_analytics_workspace", "log_1", "not allowed: '_'"),
        ("ml_workspace", "_mlw", "must start with a letter or a digit; it starts with '_'"),
        ("ml_workspace", "mlw.1", "not allowed: '.'"),
        ("container_registry", "cr-mlops", "not allowed: '-'"),
        ("container_registry", "crml", "must be 5-50 characters long; it has 4"),
        ("key_vault_secret", "db_password", "not allowed: '_'"),
        ("key_vault_secret", "", "must be 1-127 characters long; it has 0"),
        ("app_insights", "appi.", "must end with a letter, a digit, an underscore, a hyphen or a parenthesis"),
        ("virtual_network", "_vnet", "must start with a letter or a digit; it starts with '_'"),
        ("virtual_network", "vnet.", "must end with a letter, a digit or an underscore; it ends with '.'"),
        ("virtual_network", "v", "must be 2-64 characters long; it has 1"),
        ("subnet", ".snet", "must start with a letter or a digit; it starts with '.'"),
        ("subnet", "snet-", "must end with a letter, a digit or an underscore; it ends with '-'"),
        ("management_lock", "lock.", "must end with a letter, a digit, an underscore, a hyphen or a parenthesis"),
        ("management_lock", "lock:prod", "not allowed: ':'"),
        ("diagnostic_setting", "diag/x", "not allowed: '/'"),
        ("diagnostic_setting", "diag\x00", "not allowed: U+0000"),
        ("action_group", "ag.", "must end with a character other than a period or a space; it ends with '.'"),
        ("metric_alert", "al#1", "not allowed: '#'"),
        ("resource_group", "rg mlops", "not allowed: ' ' (space)"),
    ],
)
def test_invalid_names(resource_type, name, fragment):
    assert fragment in errors_text(resource_type, name)
    assert not is_valid_name(resource_type, name)


def test_a_disallowed_last_character_is_reported_once():
    assert name_errors("key_vault", "kv_") == [
        "key_vault name 'kv_' contains a character not allowed: '_'; "
        "allowed are letters (a-z, A-Z), digits (0-9) and hyphens (-)"
    ]


def test_every_violation_gets_its_own_sentence():
    name = "1-microsoft--windows_" + "x" * 10
    errors = name_errors("key_vault", name)
    assert errors == [
        f"key_vault name '{name}' must be 3-24 characters long; it has 31",
        f"key_vault name '{name}' contains a character not allowed: '_'; "
        "allowed are letters (a-z, A-Z), digits (0-9) and hyphens (-)",
        f"key_vault name '{name}' must start with a letter (a-z, A-Z); it starts with '1'",
        f"key_vault name '{name}' must not contain consecutive hyphens ('--'); use single hyphens between parts",
        f"key_vault name '{name}' must not contain the reserved word MICROSOFT in any letter case "
        "(ReservedResourceName)",
        f"key_vault name '{name}' must not contain the reserved word WINDOWS in any letter case (ReservedResourceName)",
    ]


# ---------------------------------------------------------------------------------------------
# Reserved words
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("resource_type", DNS_TYPES)
@pytest.mark.parametrize("name", ["office", "Office", "OFFICE", "visio", "Azure"])
def test_reserved_word_equal(resource_type, name):
    assert f"is the reserved word {name.upper()}" in errors_text(resource_type, name)


@pytest.mark.parametrize("resource_type", DNS_TYPES)
def test_reserved_substrings_and_prefix(resource_type):
    assert "must not contain the reserved word MICROSOFT" in errors_text(resource_type, "mymicrosoftapp")
    assert "must not contain the reserved word WINDOWS" in errors_text(resource_type, "WindowsApp1")
    assert "must not start with the reserved word LOGIN" in errors_text(resource_type, "Login0001")
    assert name_errors(resource_type, "app1login") == []
    assert name_errors(resource_type, "officeapp") == []


@pytest.mark.parametrize("resource_type", sorted(set(EXPECTED_TYPES) - set(DNS_TYPES)))
def test_reserved_words_do_not_apply_without_public_dns(resource_type):
    assert name_errors(resource_type, "azure") == []


def test_dotted_reserved_word_is_refused_by_characters_anyway():
    assert "not allowed: '.'" in errors_text("key_vault", "web.config")
    assert "reserved word WEB.CONFIG" in errors_text("key_vault", "web.config")


# ---------------------------------------------------------------------------------------------
# Case-insensitivity
# ---------------------------------------------------------------------------------------------
def test_names_equal_ignores_case():
    assert names_equal("key_vault", "KV-MLOPS", "kv-mlops")
    assert names_equal("container_registry", "CrMlops", "crmlops")
    assert not names_equal("key_vault", "kv-a", "kv-b")


# ---------------------------------------------------------------------------------------------
# The decomposed checks agree with the single-regex form of each rule
# ---------------------------------------------------------------------------------------------
ALPHABET = "aZ09-_.() <>*%&:\\?+/#|@{}²é\x07\x00"


def reserved(name):
    upper = name.upper()
    return (
        upper in RESERVED_WORDS
        or any(w in upper for w in _naming.RESERVED_SUBSTRINGS)
        or any(upper.startswith(w) for w in _naming.RESERVED_PREFIXES)
    )


@settings(max_examples=300)
@given(
    resource_type=st.sampled_from([k for k in EXPECTED_TYPES if RULES[k].pattern]),
    name=st.text(alphabet=ALPHABET, max_size=40) | st.text(alphabet="a-.", min_size=250, max_size=262),
)
def test_checks_agree_with_the_pattern(resource_type, name):
    rule = RULES[resource_type]
    by_regex = re.fullmatch(rule.pattern, name, flags=re.DOTALL) is not None
    if rule.reserved_words:
        by_regex = by_regex and not reserved(name)
    assert (name_errors(resource_type, name) == []) is by_regex


@given(name=st.text(max_size=95))
def test_resource_group_agrees_with_a_unicode_category_reading(name):
    def ok(ch):
        return ch in "_-.()" or unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")

    expected = 1 <= len(name) <= 90 and all(ok(ch) for ch in name) and not name.endswith(".")
    assert (name_errors("resource_group", name) == []) is expected


# ---------------------------------------------------------------------------------------------
# uniqueString()
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "parts, expected",
    [
        # Bicep/ARM outputs published in public material (docs, reverse-engineering write-ups, tests).
        (("test",), "rbgf3xv4ufgzg"),
        (("hello", "world"), "a7wkljktk6wne"),
        (("abc",), "cgtzqvhu4i23s"),
        (("tyeth",), "zcztcwvu6iyg6"),
        (
            (
                "/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256"
                "/providers/Microsoft.Compute/virtualMachines/bobjacmodm201",
            ),
            "yvjxno3je5on2",
        ),
    ],
)
def test_unique_string_vectors(parts, expected):
    assert unique_string(*parts) == expected


def test_unique_string_hash_value():
    # The 64-bit hash of 'hello-world' as published next to its encoding a7wkljktk6wne.
    assert _naming._murmur64(b"hello-world") == 571013382255652050


def test_unique_string_joins_with_hyphens():
    assert unique_string("hello", "world") == unique_string("hello-world")
    assert unique_string("a", "b", "c") == unique_string("a-b-c")


def test_unique_string_is_case_sensitive():
    assert unique_string("Test") != unique_string("test")


def test_unique_string_refuses_non_strings():
    with pytest.raises(NameRuleError, match="strings only, got int 1"):
        unique_string(1)
    with pytest.raises(NameRuleError, match="at least one string"):
        unique_string()


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_unique_string_shape(parts):
    value = unique_string(*parts)
    assert len(value) == 13
    assert set(value) <= set("abcdefghijklmnopqrstuvwxyz234567")
    assert unique_string(*parts) == value


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "region, code",
    [("westeurope", "weu"), ("West Europe", "weu"), ("WESTEUROPE", "weu"), ("weu", "weu"), ("eastus2", "eus2")],
)
def test_region_code(region, code):
    assert region_code(region) == code


def test_unknown_region_is_used_as_given_or_refused():
    assert region_code("newregion1") == "newregion1"
    with pytest.raises(NameRuleError, match="not a known Azure region"):
        region_code("west_europe!")
    with pytest.raises(NameRuleError, match="must be a string"):
        region_code(3)


def test_region_codes_are_unique_and_short():
    codes = list(REGION_CODES.values())
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9]{2,4}", c) for c in codes)
    assert set(REGION_CODES).isdisjoint(codes)


# ---------------------------------------------------------------------------------------------
# resource_name
# ---------------------------------------------------------------------------------------------
SUB = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    "resource_type, kwargs, expected",
    [
        ("resource_group", dict(environment="prod", region="westeurope"), "rg-mlops-prod-weu"),
        ("key_vault", dict(environment="prod", unique_seed=[SUB, "rg-mlops-prod"]), "kv-ml-prod-fb2doxwcthv2w"),
        (
            "key_vault",
            dict(environment="prod", region="westeurope", instance=1, unique_seed=SUB, unique_length=4),
            "kv-mlo-prod-weu-001-qhib",
        ),
        (
            "storage_account",
            dict(environment="prod", region="westeurope", instance=1, unique_seed=SUB, unique_length=6),
            "stmlopsprodweu001qhib2c",
        ),
        ("container_registry", dict(environment="prod", unique_seed=SUB), "crmlopsprodqhib2c2cutqra"),
        ("app_insights", dict(environment="dev", region="North Europe", instance="a"), "appi-mlops-dev-neu-a"),
        ("log_analytics_workspace", dict(environment="test"), "log-mlops-test"),
        ("ml_workspace", dict(environment="prod", instance=7), "mlw-mlops-prod-007"),
        ("subnet", dict(environment="prod"), "snet-mlops-prod"),
        ("metric_alert", dict(environment="prod"), "al-mlops-prod"),
    ],
)
def test_resource_name_examples(resource_type, kwargs, expected):
    assert resource_name(resource_type, "mlops", **kwargs) == expected


def test_suffix_is_the_truncated_unique_string():
    name = resource_name("key_vault", "mlops", environment="prod", unique_seed=[SUB, "rg"], unique_length=5)
    assert name == "kv-mlops-prod-" + unique_string(SUB, "rg")[:5]


def test_workload_is_normalised():
    assert resource_name("key_vault", " ML--Ops- ") == "kv-ml-ops"
    assert resource_name("storage_account", "ml-ops", environment="Prod") == "stmlopsprod"


def test_shortening_order():
    seed = "seed"
    suffix = unique_string(seed)

    def name(**kwargs):
        return resource_name("key_vault", "workload", environment="prod", unique_seed=seed, **kwargs)

    full = dict(region="westeurope", instance=1)
    # 1. the workload goes down to three characters; 2. the instance loses its zero-padding
    assert name(unique_length=6, **full) == f"kv-wor-prod-weu-1-{suffix[:6]}"
    # 3. the region is dropped
    assert name(unique_length=8, **full) == f"kv-wor-prod-1-{suffix[:8]}"
    # 4. the instance is dropped
    assert name(unique_length=12, **full) == f"kv-wor-prod-{suffix[:12]}"
    # 5. only then the workload goes below three characters
    assert name(**full) == f"kv-wo-prod-{suffix}"
    # 6. the environment is shortened last, never the suffix
    long_env = resource_name("key_vault", "workload", environment="production", unique_seed=seed)
    assert long_env == f"kv-w-produ-{suffix}"
    assert len(long_env) == 24


def test_abbreviation_is_dropped_only_when_the_first_character_stays_valid():
    seed = "seed"
    suffix = unique_string(seed)
    # Storage has no first-character rule: the abbreviation may go.
    assert resource_name("storage_account", "w", environment="p", unique_seed=seed, max_length=15) == f"wp{suffix}"
    # A Key Vault name must start with a letter: 'kv' stays, so this cannot be made.
    with pytest.raises(NameRuleError, match="no compliant key_vault name fits in 16 characters"):
        resource_name("key_vault", "1", environment="2", unique_seed=seed, max_length=16)


def test_key_vault_without_abbreviation_must_still_start_with_a_letter():
    assert resource_name("key_vault", "mlops", abbreviation="") == "mlops"
    with pytest.raises(NameRuleError, match="must start with a letter"):
        resource_name("key_vault", "1mlops", abbreviation="")
    assert resource_name("key_vault", "1mlops") == "kv-1mlops"


def test_custom_abbreviation():
    assert resource_name("key_vault", "mlops", abbreviation="vault") == "vault-mlops"


def test_generation_errors():
    with pytest.raises(UnknownResourceTypeError, match="known types: action_group"):
        resource_name("keyvault", "mlops")
    with pytest.raises(NameRuleError, match="workload must not be empty"):
        resource_name("key_vault", "--")
    with pytest.raises(NameRuleError, match="letters a-z, digits 0-9 and hyphens"):
        resource_name("key_vault", "ml ops")
    with pytest.raises(NameRuleError, match="unique_length must be from 1 to 13, got 14"):
        resource_name("key_vault", "mlops", unique_seed="x", unique_length=14)
    with pytest.raises(NameRuleError, match="unique_length must be an integer"):
        resource_name("key_vault", "mlops", unique_seed="x", unique_length="5")
    with pytest.raises(NameRuleError, match="unique_seed must be a string or a non-empty list"):
        resource_name("key_vault", "mlops", unique_seed=[])
    with pytest.raises(NameRuleError, match="instance must not be negative"):
        resource_name("key_vault", "mlops", instance=-1)
    with pytest.raises(NameRuleError, match="instance must be a number or a string"):
        resource_name("key_vault", "mlops", instance=True)
    with pytest.raises(NameRuleError, match="max_length must be a positive integer"):
        resource_name("key_vault", "mlops", max_length=0)
    with pytest.raises(NameRuleError, match="reserved word MICROSOFT"):
        resource_name("storage_account", "microsoft")
    with pytest.raises(NameRuleError, match="must be 5-50 characters long"):
        resource_name("container_registry", "a")


def test_suffix_never_cut_error_says_why():
    with pytest.raises(NameRuleError) as info:
        resource_name("storage_account", "mlops", unique_seed="x", max_length=12)
    assert "13 are the unique suffix" in str(info.value)
    assert "lower unique_length" in str(info.value)


# ---------------------------------------------------------------------------------------------
# Properties of resource_name
# ---------------------------------------------------------------------------------------------
token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30).filter(
    lambda s: s.strip("-") != ""
)
regions = st.sampled_from(sorted(REGION_CODES) + sorted(REGION_CODES.values()))
seeds = st.text(max_size=40) | st.lists(st.text(max_size=40), min_size=1, max_size=3)


@settings(max_examples=400)
@given(
    resource_type=st.sampled_from(EXPECTED_TYPES),
    workload=token,
    environment=st.none() | token,
    region=st.none() | regions,
    instance=st.none() | st.integers(min_value=0, max_value=9999) | st.from_regex(r"[a-z0-9]{1,4}", fullmatch=True),
    unique_seed=st.none() | seeds,
    unique_length=st.integers(min_value=1, max_value=13),
)
def test_generated_names_are_valid_stable_and_keep_the_suffix(
    resource_type, workload, environment, region, instance, unique_seed, unique_length
):
    kwargs = dict(
        environment=environment,
        region=region,
        instance=instance,
        unique_seed=unique_seed,
        unique_length=unique_length,
    )
    try:
        name = resource_name(resource_type, workload, **kwargs)
    except NameRuleError as exc:
        # The only inputs that may fail are names that end up reserved or too short for the type.
        assert "reserved word" in str(exc) or "characters long" in str(exc)
        return
    assert name_errors(resource_type, name) == []
    assert resource_name(resource_type, workload, **kwargs) == name
    assert name == name.lower()
    if unique_seed is not None:
        seed = [unique_seed] if isinstance(unique_seed, str) else unique_seed
        assert name.endswith(unique_string(*seed)[:unique_length])


@settings(max_examples=300)
@given(
    resource_type=st.sampled_from(EXPECTED_TYPES),
    workload=st.from_regex(r"[a-z][a-z0-9]{0,25}", fullmatch=True),
    environment=st.sampled_from(["dev", "test", "prod", "staging", "local"]),
    region=st.none() | regions,
    instance=st.none() | st.integers(min_value=0, max_value=999),
    seed=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=3),
)
def test_realistic_inputs_always_give_a_name_with_the_full_suffix(
    resource_type, workload, environment, region, instance, seed
):
    assume("microsoft" not in workload and "windows" not in workload)
    name = resource_name(
        resource_type, workload, environment=environment, region=region, instance=instance, unique_seed=seed
    )
    suffix = unique_string(*seed)
    assert name.endswith(suffix)
    assert name.startswith(RULES[resource_type].abbreviation)
    assert is_valid_name(resource_type, name)
