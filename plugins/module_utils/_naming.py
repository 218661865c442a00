# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Azure resource name rules, ARM ``uniqueString()`` and compliant name generation.

This file is the single source of truth for naming in the collection: the filters
(``mlops.azure.name_errors``, ``mlops.azure.resource_name``, ``mlops.azure.unique_string``),
the test (``mlops.azure.valid_resource_name``), the modules and the preflight role all read
``RULES`` and call the functions below, so a rule is written once.

It is module_utils: it runs on the target with Python 3.8 or later and imports only the
standard library.

Sources of the rules: Microsoft's "Naming rules and restrictions for Azure resources", the
REST API specifications, "Resolve errors for reserved resource names" and the project's own
naming table (``azure-facts.md`` section 1). Where the project's table is stricter than Azure,
the table wins (Application Insights: 1-255 characters from an allow-list, where Azure allows
260 characters and only blocks a few). Where two Microsoft sources disagree, the stricter one
is encoded (management locks: the naming-rules page says 1-90 characters from an allow-list,
the REST reference says up to 260 with a block-list).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "DEFAULT_UNIQUE_LENGTH",
    "REGION_CODES",
    "RESERVED_WORDS",
    "RESERVED_SUBSTRINGS",
    "RESERVED_PREFIXES",
    "RULES",
    "NameRule",
    "NameRuleError",
    "UnknownResourceTypeError",
    "get_rule",
    "is_valid_name",
    "known_types",
    "name_errors",
    "names_equal",
    "region_code",
    "resource_name",
    "unique_string",
]


class NameRuleError(ValueError):
    """A name cannot be validated or generated; the message says why and what to change."""


class UnknownResourceTypeError(NameRuleError):
    """The resource type key is not in ``RULES``; the message lists the known keys."""


# ---------------------------------------------------------------------------------------------
# Reserved words (ARM checkResourceName / error ReservedResourceName).
# Names of resources with a public endpoint (a DNS name) may not be one of RESERVED_WORDS,
# may not contain one of RESERVED_SUBSTRINGS and may not start with one of RESERVED_PREFIXES.
# All comparisons ignore letter case.
# ---------------------------------------------------------------------------------------------
RESERVED_WORDS = frozenset(
    [
        "ACCESS",
        "APP_CODE",
        "APP_THEMES",
        "APP_DATA",
        "APP_GLOBALRESOURCES",
        "APP_LOCALRESOURCES",
        "APP_WEBREFERENCES",
        "APP_BROWSERS",
        "AZURE",
        "BING",
        "BIZSPARK",
        "BIZTALK",
        "CORTANA",
        "DIRECTX",
        "DOTNET",
        "DYNAMICS",
        "EXCEL",
        "EXCHANGE",
        "FOREFRONT",
        "GROOVE",
        "HOLOLENS",
        "HYPERV",
        "KINECT",
        "LYNC",
        "MSDN",
        "O365",
        "OFFICE",
        "OFFICE365",
        "ONEDRIVE",
        "ONENOTE",
        "OUTLOOK",
        "POWERPOINT",
        "SHAREPOINT",
        "SKYPE",
        "VISIO",
        "VISUALSTUDIO",
        "WEB.CONFIG",
        "XBOX",
    ]
)
RESERVED_SUBSTRINGS = ("MICROSOFT", "WINDOWS")
RESERVED_PREFIXES = ("LOGIN",)

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_DIGITS = "0123456789"

SCOPE_GLOBAL = "global"
SCOPE_SUBSCRIPTION = "subscription"
SCOPE_RESOURCE_GROUP = "resource group"
SCOPE_PARENT = "parent"


class _Chars:
    """A set of characters, described in words for error messages.

    Either an allow-list (``chars`` plus optional Unicode ``categories``) or, when ``forbidden``
    is given, everything except those characters and control characters.
    """

    __slots__ = ("description", "chars", "categories", "forbidden")

    def __init__(self, description, chars="", categories=(), forbidden=None):
        self.description = description
        self.chars = frozenset(chars)
        self.categories = frozenset(categories)
        self.forbidden = None if forbidden is None else frozenset(forbidden)

    def __contains__(self, ch):
        if self.forbidden is not None:
            return ch not in self.forbidden and not _is_control(ch)
        if ch in self.chars:
            return True
        return bool(self.categories) and unicodedata.category(ch) in self.categories

    def __repr__(self):
        return f"_Chars({self.description!r})"


def _is_control(ch):
    return unicodedata.category(ch) == "Cc"


class NameRule:
    """The naming rule of one resource type. Instances are read-only by convention.

    Attributes:
        key: the type key (``key_vault``).
        arm_type: the ARM resource type (``Microsoft.KeyVault/vaults``).
        scope: where the name must be unique: ``global``, ``subscription``, ``resource group``
            or ``parent`` (then ``parent`` names the parent type).
        parent: the parent type key for child resources, else None.
        min_length, max_length: inclusive length bounds.
        allowed: the characters allowed anywhere in the name.
        first, last: the characters allowed as first / last character (None: no extra rule).
        no_consecutive_hyphens: ``--`` is refused.
        case_insensitive: Azure compares names of this type ignoring letter case.
        lowercase: upper-case letters are refused (the name must be lower case).
        reserved_words: the reserved-word rules apply (the name becomes a public DNS name).
        abbreviation: the prefix ``resource_name`` uses; ``caf_abbreviation`` says whether it is
            the Cloud Adoption Framework's recommendation or the project's own choice.
        separators: hyphens may be used between name parts.
        pattern: an equivalent Python ``re.fullmatch`` pattern (without the reserved-word rules),
            or None where ``re`` cannot express the rule (Unicode categories).
        notes: anything a user should know (stricter-than-Azure choices, soft-delete, ...).
    """

    __slots__ = (
        "key",
        "arm_type",
        "scope",
        "parent",
        "min_length",
        "max_length",
        "allowed",
        "first",
        "last",
        "no_consecutive_hyphens",
        "case_insensitive",
        "lowercase",
        "reserved_words",
        "abbreviation",
        "caf_abbreviation",
        "separators",
        "pattern",
        "notes",
    )

    def __init__(
        self,
        key,
        arm_type,
        scope,
        min_length,
        max_length,
        allowed,
        abbreviation,
        parent=None,
        first=None,
        last=None,
        no_consecutive_hyphens=False,
        case_insensitive=True,
        lowercase=False,
        reserved_words=False,
        caf_abbreviation=True,
        separators=True,
        pattern=None,
        notes="",
    ):
        self.key = key
        self.arm_type = arm_type
        self.scope = scope
        self.parent = parent
        self.min_length = min_length
        self.max_length = max_length
        self.allowed = allowed
        self.first = first
        self.last = last
        self.no_consecutive_hyphens = no_consecutive_hyphens
        self.case_insensitive = case_insensitive
        self.lowercase = lowercase
        self.reserved_words = reserved_words
        self.abbreviation = abbreviation
        self.caf_abbreviation = caf_abbreviation
        self.separators = separators
        self.pattern = pattern
        self.notes = notes

    @property
    def is_global(self):
        return self.scope == SCOPE_GLOBAL

    def as_dict(self):
        """A plain-data view (for docs, module results and the preflight role)."""
        return {
            "type": self.key,
            "arm_type": self.arm_type,
            "scope": self.scope,
            "parent": self.parent,
            "min_length": self.min_length,
            "max_length": self.max_length,
            "allowed_characters": self.allowed.description,
            "first_character": self.first.description if self.first else None,
            "last_character": self.last.description if self.last else None,
            "no_consecutive_hyphens": self.no_consecutive_hyphens,
            "case_insensitive": self.case_insensitive,
            "lowercase": self.lowercase,
            "reserved_words": self.reserved_words,
            "abbreviation": self.abbreviation,
            "caf_abbreviation": self.caf_abbreviation,
            "separators": self.separators,
            "pattern": self.pattern,
            "notes": self.notes,
        }

    def __repr__(self):
        return f"NameRule({self.key!r})"


# Character sets shared by several rules.
_ALNUM = _Chars("letters (a-z, A-Z) and digits (0-9)", _LOWER + _UPPER + _DIGITS)
_ALNUM_HYPHEN = _Chars("letters (a-z, A-Z), digits (0-9) and hyphens (-)", _LOWER + _UPPER + _DIGITS + "-")
_LOWER_DIGIT = _Chars("lowercase letters (a-z) and digits (0-9)", _LOWER + _DIGITS)
_LOWER_DIGIT_HYPHEN = _Chars("lowercase letters (a-z), digits (0-9) and hyphens (-)", _LOWER + _DIGITS + "-")
_LETTER = _Chars("a letter (a-z, A-Z)", _LOWER + _UPPER)
_ALNUM_ONE = _Chars("a letter or a digit", _LOWER + _UPPER + _DIGITS)
_LOWER_DIGIT_ONE = _Chars("a lowercase letter or a digit", _LOWER + _DIGITS)
_NETWORK = _Chars(
    "letters (a-z, A-Z), digits (0-9), underscores (_), periods (.) and hyphens (-)",
    _LOWER + _UPPER + _DIGITS + "_.-",
)
_NETWORK_LAST = _Chars("a letter, a digit or an underscore", _LOWER + _UPPER + _DIGITS + "_")
_RG_CATEGORIES = ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")
_PAREN_SET = _Chars(
    "letters (a-z, A-Z), digits (0-9), underscores (_), periods (.), hyphens (-) and parentheses ( )",
    _LOWER + _UPPER + _DIGITS + "_.-()",
)
_NOT_PERIOD = _Chars(
    "a letter, a digit, an underscore, a hyphen or a parenthesis (not a period)",
    _LOWER + _UPPER + _DIGITS + "_-()",
)
_NOT_PERIOD_OR_SPACE = _Chars("a character other than a period or a space", forbidden=". ")

# Block-lists (Azure Monitor resources). Control characters are always refused as well.
_ACTION_GROUP_FORBIDDEN = ":<>+/&%\\?|"
_METRIC_ALERT_FORBIDDEN = "*#&+:<>?@%{}\\/|"
_DIAGNOSTIC_FORBIDDEN = "<>*%&:\\?+/"


def _block_list(forbidden):
    return _Chars(
        f"any character except {' '.join(forbidden)} and control characters",
        forbidden=forbidden,
    )


def _block_class(forbidden, extra=""):
    """A regex character class refusing ``forbidden``, ``extra`` and control characters."""
    return "[^" + re.escape(forbidden + extra) + "\\x00-\\x1f\\x7f-\\x9f]"


_RULE_LIST = [
    NameRule(
        "resource_group",
        "Microsoft.Resources/resourceGroups",
        SCOPE_SUBSCRIPTION,
        1,
        90,
        _Chars(
            "letters and digits (any script), underscores (_), hyphens (-), periods (.) and parentheses ( )",
            "_-.()",
            _RG_CATEGORIES,
        ),
        "rg",
        last=_Chars(
            "a letter, a digit, an underscore, a hyphen or a parenthesis (not a period)",
            "_-()",
            _RG_CATEGORIES,
        ),
        notes="Letters and digits are matched by Unicode category (Lu Ll Lt Lm Lo Nd); \\w would also accept "
        "characters such as superscript digits that Azure refuses.",
    ),
    NameRule(
        "key_vault",
        "Microsoft.KeyVault/vaults",
        SCOPE_GLOBAL,
        3,
        24,
        _ALNUM_HYPHEN,
        "kv",
        first=_LETTER,
        last=_ALNUM_ONE,
        no_consecutive_hyphens=True,
        reserved_words=True,
        pattern=r"(?!.*--)[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]",
        notes="Part of the public DNS name NAME.vault.azure.net. A soft-deleted vault keeps its name reserved "
        "for its retention period (7-90 days) unless it is purged.",
    ),
    NameRule(
        "storage_account",
        "Microsoft.Storage/storageAccounts",
        SCOPE_GLOBAL,
        3,
        24,
        _LOWER_DIGIT,
        "st",
        lowercase=True,
        reserved_words=True,
        separators=False,
        pattern=r"[a-z0-9]{3,24}",
        notes="Part of the public DNS name NAME.blob.core.windows.net.",
    ),
    NameRule(
        "container_registry",
        "Microsoft.ContainerRegistry/registries",
        SCOPE_GLOBAL,
        5,
        50,
        _ALNUM,
        "cr",
        reserved_words=True,
        separators=False,
        pattern=r"[A-Za-z0-9]{5,50}",
        notes="The login server is the lower-case NAME.azurecr.io.",
    ),
    NameRule(
        "app_insights",
        "Microsoft.Insights/components",
        SCOPE_RESOURCE_GROUP,
        1,
        255,
        _PAREN_SET,
        "appi",
        last=_NOT_PERIOD,
        pattern=r"[A-Za-z0-9_.()-]{0,254}[A-Za-z0-9_()-]",
        notes="The project's table is stricter than Azure and wins: 1-255 characters from an allow-list. "
        "Azure itself accepts up to 260 characters and only refuses % & \\ ? /, control characters and a "
        "trailing space or period.",
    ),
    NameRule(
        "log_analytics_workspace",
        "Microsoft.OperationalInsights/workspaces",
        SCOPE_RESOURCE_GROUP,
        4,
        63,
        _ALNUM_HYPHEN,
        "log",
        first=_ALNUM_ONE,
        last=_ALNUM_ONE,
        pattern=r"[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]",
    ),
    NameRule(
        "ml_workspace",
        "Microsoft.MachineLearningServices/workspaces",
        SCOPE_RESOURCE_GROUP,
        3,
        33,
        _Chars(
            "letters (a-z, A-Z), digits (0-9), underscores (_) and hyphens (-)",
            _LOWER + _UPPER + _DIGITS + "_-",
        ),
        "mlw",
        first=_ALNUM_ONE,
        reserved_words=True,
        pattern=r"[A-Za-z0-9][A-Za-z0-9_-]{2,32}",
        notes="Reserved words are applied because the workspace gets public endpoints. A soft-deleted "
        "workspace blocks its name for 14 days.",
    ),
    NameRule(
        "blob_container",
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        SCOPE_PARENT,
        3,
        63,
        _LOWER_DIGIT_HYPHEN,
        "stc",
        parent="storage_account",
        first=_LOWER_DIGIT_ONE,
        last=_LOWER_DIGIT_ONE,
        no_consecutive_hyphens=True,
        lowercase=True,
        caf_abbreviation=False,
        pattern=r"(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]",
    ),
    NameRule(
        "key_vault_secret",
        "Microsoft.KeyVault/vaults/secrets",
        SCOPE_PARENT,
        1,
        127,
        _ALNUM_HYPHEN,
        "kvs",
        parent="key_vault",
        caf_abbreviation=False,
        pattern=r"[0-9A-Za-z-]{1,127}",
    ),
    NameRule(
        "action_group",
        "Microsoft.Insights/actionGroups",
        SCOPE_RESOURCE_GROUP,
        1,
        260,
        _block_list(_ACTION_GROUP_FORBIDDEN),
        "ag",
        last=_NOT_PERIOD_OR_SPACE,
        pattern=_block_class(_ACTION_GROUP_FORBIDDEN) + "{0,259}" + _block_class(_ACTION_GROUP_FORBIDDEN, ". "),
        notes="The separate groupShortName is at most 12 characters.",
    ),
    NameRule(
        "metric_alert",
        "Microsoft.Insights/metricAlerts",
        SCOPE_RESOURCE_GROUP,
        1,
        260,
        _block_list(_METRIC_ALERT_FORBIDDEN),
        "al",
        last=_NOT_PERIOD_OR_SPACE,
        pattern=_block_class(_METRIC_ALERT_FORBIDDEN) + "{0,259}" + _block_class(_METRIC_ALERT_FORBIDDEN, ". "),
    ),
    NameRule(
        "diagnostic_setting",
        "Microsoft.Insights/diagnosticSettings",
        SCOPE_PARENT,
        1,
        260,
        _block_list(_DIAGNOSTIC_FORBIDDEN),
        "diag",
        parent="resource",
        caf_abbreviation=False,
        pattern=_block_class(_DIAGNOSTIC_FORBIDDEN) + "{1,260}",
        notes="An extension resource: unique per monitored resource.",
    ),
    NameRule(
        "virtual_network",
        "Microsoft.Network/virtualNetworks",
        SCOPE_RESOURCE_GROUP,
        2,
        64,
        _NETWORK,
        "vnet",
        first=_ALNUM_ONE,
        last=_NETWORK_LAST,
        pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]",
    ),
    NameRule(
        "private_endpoint",
        "Microsoft.Network/privateEndpoints",
        SCOPE_RESOURCE_GROUP,
        2,
        64,
        _NETWORK,
        "pep",
        first=_ALNUM_ONE,
        last=_NETWORK_LAST,
        pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]",
        notes="Its network interface is named after it (NAME.nic.GUID) unless a custom name is given.",
    ),
    NameRule(
        "subnet",
        "Microsoft.Network/virtualNetworks/subnets",
        SCOPE_PARENT,
        1,
        80,
        _NETWORK,
        "snet",
        parent="virtual_network",
        first=_ALNUM_ONE,
        last=_NETWORK_LAST,
        pattern=r"[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?",
    ),
    NameRule(
        "management_lock",
        "Microsoft.Authorization/locks",
        SCOPE_PARENT,
        1,
        90,
        _PAREN_SET,
        "lock",
        parent="resource",
        last=_NOT_PERIOD,
        caf_abbreviation=False,
        pattern=r"[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]",
        notes="An extension resource: unique per locked scope. The naming-rules page (1-90, allow-list) is "
        "stricter than the REST reference (up to 260, block-list) and is the one encoded.",
    ),
]

#: type key -> NameRule; the one table every plugin reads.
RULES = dict((rule.key, rule) for rule in _RULE_LIST)


def known_types():
    """The sorted list of type keys."""
    return sorted(RULES)


def get_rule(resource_type):
    """The NameRule of ``resource_type``; UnknownResourceTypeError (listing the known keys) otherwise."""
    if isinstance(resource_type, str) and resource_type in RULES:
        return RULES[resource_type]
    raise UnknownResourceTypeError(
        f"unknown resource type {_quote(resource_type)}; known types: {', '.join(known_types())}"
    )


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------
def _quote(value):
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def _show_char(ch):
    if ch == " ":
        return "' ' (space)"
    if _is_control(ch) or not ch.isprintable():
        return f"U+{ord(ch):04X}"
    return f"'{ch}'"


def _show_chars(chars):
    return ", ".join(_show_char(ch) for ch in chars)


def _unique_in_order(chars):
    seen = []
    for ch in chars:
        if ch not in seen:
            seen.append(ch)
    return seen


def _reserved_errors(label, name):
    errors = []
    upper = name.upper()
    if upper in RESERVED_WORDS:
        errors.append(
            f"{label} is the reserved word {upper}; Azure refuses reserved words and trademarks as names of resources "
            "with a public endpoint (ReservedResourceName), so choose another name"
        )
    for word in RESERVED_SUBSTRINGS:
        if word in upper:
            errors.append(
                f"{label} must not contain the reserved word {word} in any letter case (ReservedResourceName)"
            )
    for word in RESERVED_PREFIXES:
        if upper.startswith(word):
            errors.append(
                f"{label} must not start with the reserved word {word} in any letter case (ReservedResourceName); "
                "it may appear later in the name"
            )
    return errors


def name_errors(resource_type, name):
    """Every rule ``name`` breaks for ``resource_type``, one readable sentence each; [] when valid.

    Raises UnknownResourceTypeError for an unknown type.
    """
    rule = get_rule(resource_type)
    if not isinstance(name, str):
        return [f"{rule.key} name must be a string, got {type(name).__name__} {name!r}"]

    label = f"{rule.key} name '{name}'"
    errors = []

    length = len(name)
    if length < rule.min_length or length > rule.max_length:
        errors.append(f"{label} must be {rule.min_length}-{rule.max_length} characters long; it has {length}")

    # Characters: upper-case letters in a lower-case-only name get their own sentence.
    upper_only = []
    bad = []
    for ch in name:
        if ch in rule.allowed:
            continue
        if rule.lowercase and ch.lower() != ch and ch.lower() in rule.allowed:
            upper_only.append(ch)
        else:
            bad.append(ch)
    upper_only = _unique_in_order(upper_only)
    bad = _unique_in_order(bad)
    if upper_only:
        errors.append(f"{label} must be all lower case; it contains upper-case {_show_chars(upper_only)}")
    if bad:
        what = "a character" if len(bad) == 1 else "characters"
        errors.append(
            f"{label} contains {what} not allowed: {_show_chars(bad)}; allowed are {rule.allowed.description}"
        )

    # First and last characters: only judged when the character is otherwise allowed, so one
    # problem gives one sentence.
    if name:
        first, last = name[0], name[-1]
        if rule.first is not None and first in rule.allowed and first not in rule.first:
            errors.append(f"{label} must start with {rule.first.description}; it starts with {_show_char(first)}")
        if rule.last is not None and last in rule.allowed and last not in rule.last:
            errors.append(f"{label} must end with {rule.last.description}; it ends with {_show_char(last)}")

    if rule.no_consecutive_hyphens and "--" in name:
        errors.append(f"{label} must not contain consecutive hyphens ('--'); use single hyphens between parts")

    if rule.reserved_words:
        errors.extend(_reserved_errors(label, name))
    return errors


def is_valid_name(resource_type, name):
    """True when ``name`` breaks no rule of ``resource_type``."""
    return not name_errors(resource_type, name)


def names_equal(resource_type, first, second):
    """Whether Azure treats the two names as the same resource name."""
    rule = get_rule(resource_type)
    if rule.case_insensitive:
        return first.casefold() == second.casefold()
    return first == second


# ---------------------------------------------------------------------------------------------
# ARM uniqueString()
# ---------------------------------------------------------------------------------------------
_MASK32 = 0xFFFFFFFF
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
UNIQUE_STRING_LENGTH = 13


def _rotl32(value, bits):
    return ((value << bits) | (value >> (32 - bits))) & _MASK32


def _fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK32
    h ^= h >> 16
    return h


def _mix_lane1(k):
    k = (k * 0x239B961B) & _MASK32
    k = _rotl32(k, 15)
    return (k * 0xAB0E9789) & _MASK32


def _mix_lane2(k):
    k = (k * 0xAB0E9789) & _MASK32
    k = _rotl32(k, 17)
    return (k * 0x239B961B) & _MASK32


def _murmur64(data):
    """The 64-bit Murmur variant ARM's uniqueString() uses (seed 0), on ``bytes``."""
    length = len(data)
    h1 = 0
    h2 = 0
    pos = 0
    while pos + 8 <= length:
        k1 = int.from_bytes(data[pos : pos + 4], "little")
        k2 = int.from_bytes(data[pos + 4 : pos + 8], "little")
        h1 ^= _mix_lane1(k1)
        h1 = _rotl32(h1, 19)
        h1 = (h1 + h2) & _MASK32
        h1 = (h1 * 5 + 0x561CCD1B) & _MASK32
        h2 ^= _mix_lane2(k2)
        h2 = _rotl32(h2, 13)
        h2 = (h2 + h1) & _MASK32
        h2 = (h2 * 5 + 0x0BCAA747) & _MASK32
        pos += 8
    tail = length - pos
    if tail:
        h1 ^= _mix_lane1(int.from_bytes(data[pos : pos + min(tail, 4)], "little"))
        if tail > 4:
            h2 ^= _mix_lane2(int.from_bytes(data[pos + 4 : length], "little"))
    h1 ^= length & _MASK32
    h2 ^= length & _MASK32
    h1 = (h1 + h2) & _MASK32
    h2 = (h2 + h1) & _MASK32
    h1 = _fmix32(h1)
    h2 = _fmix32(h2)
    h1 = (h1 + h2) & _MASK32
    h2 = (h2 + h1) & _MASK32
    return (h2 << 32) | h1


def unique_string(*parts):
    """ARM/Bicep ``uniqueString(parts...)``: 13 characters from ``a-z2-7``, deterministic.

    The parts (strings, at least one) are joined with ``-`` and encoded as UTF-8. The result is
    case-sensitive in its input: lower-case resource IDs first if they may differ in case.
    """
    if not parts:
        raise NameRuleError("unique_string needs at least one string")
    for part in parts:
        if not isinstance(part, str):
            raise NameRuleError(
                f"unique_string takes strings only, got {type(part).__name__} {part!r}; "
                "convert it with the string filter first"
            )
    # 13 groups of 5 bits from the top: 65 bits, so the hash is shifted left by one (the last
    # character takes the lowest 4 bits and a zero bit).
    wide = _murmur64("-".join(parts).encode("utf-8")) << 1
    return "".join(_BASE32[(wide >> shift) & 31] for shift in range(60, -1, -5))


# ---------------------------------------------------------------------------------------------
# Name generation
# ---------------------------------------------------------------------------------------------
DEFAULT_UNIQUE_LENGTH = UNIQUE_STRING_LENGTH

#: Azure region name -> short code used in generated names. The codes follow the common
#: community convention (CAF publishes no official list). A region that is not listed is used
#: as given when it is made of letters and digits.
REGION_CODES = {
    "australiacentral": "auc",
    "australiaeast": "aue",
    "australiasoutheast": "ause",
    "brazilsouth": "brs",
    "canadacentral": "cac",
    "canadaeast": "cae",
    "centralindia": "inc",
    "centralus": "cus",
    "eastasia": "ea",
    "eastus": "eus",
    "eastus2": "eus2",
    "francecentral": "frc",
    "germanywestcentral": "gwc",
    "israelcentral": "ilc",
    "italynorth": "itn",
    "japaneast": "jpe",
    "japanwest": "jpw",
    "koreacentral": "krc",
    "mexicocentral": "mxc",
    "northcentralus": "ncus",
    "northeurope": "neu",
    "norwayeast": "noe",
    "polandcentral": "plc",
    "qatarcentral": "qac",
    "southafricanorth": "san",
    "southcentralus": "scus",
    "southeastasia": "sea",
    "southindia": "ins",
    "spaincentral": "spc",
    "swedencentral": "sdc",
    "switzerlandnorth": "chn",
    "uaenorth": "uaen",
    "uksouth": "uks",
    "ukwest": "ukw",
    "westcentralus": "wcus",
    "westeurope": "weu",
    "westus": "wus",
    "westus2": "wus2",
    "westus3": "wus3",
}
_REGION_CODE_VALUES = frozenset(REGION_CODES.values())
_TOKEN_CHARS = frozenset(_LOWER + _DIGITS + "-")
_MULTI_HYPHEN = re.compile(r"-{2,}")


def region_code(region):
    """The short code of an Azure region (``westeurope`` or ``West Europe`` -> ``weu``).

    A known short code is returned as is; an unknown region made of letters and digits is
    returned lower-cased; anything else raises NameRuleError.
    """
    if not isinstance(region, str):
        raise NameRuleError(f"region must be a string such as 'westeurope', got {type(region).__name__} {region!r}")
    key = region.strip().lower().replace(" ", "")
    if key in REGION_CODES:
        return REGION_CODES[key]
    if key in _REGION_CODE_VALUES:
        return key
    if key and all(ch in _LOWER or ch in _DIGITS for ch in key):
        return key
    raise NameRuleError(
        f"region '{region}' is not a known Azure region name and cannot be used as a name part "
        "(letters and digits only); use an Azure region name such as 'westeurope' or a short code such as 'weu'"
    )


def _token(what, value, separators):
    """Normalise a name part: lower case, single inner hyphens (none when the type has no separators)."""
    if not isinstance(value, str):
        raise NameRuleError(f"{what} must be a string, got {type(value).__name__} {value!r}")
    token = value.strip().lower()
    bad = _unique_in_order(ch for ch in token if ch not in _TOKEN_CHARS)
    if bad:
        raise NameRuleError(
            f"{what} '{value}' contains {_show_chars(bad)}; "
            "a name part may contain only letters a-z, digits 0-9 and hyphens"
        )
    token = _MULTI_HYPHEN.sub("-", token).strip("-")
    if not separators:
        token = token.replace("-", "")
    return token


def _instance_token(instance, separators):
    if instance is None:
        return ""
    if isinstance(instance, bool):
        raise NameRuleError(f"instance must be a number or a string, got {instance!r}")
    if isinstance(instance, int):
        if instance < 0:
            raise NameRuleError(f"instance must not be negative, got {instance}")
        return f"{instance:03d}"
    return _token("instance", instance, separators)


def _seed_parts(unique_seed):
    if isinstance(unique_seed, str):
        return [unique_seed]
    if isinstance(unique_seed, (list, tuple)) and unique_seed:
        return list(unique_seed)
    raise NameRuleError(
        f"unique_seed must be a string or a non-empty list of strings, got {type(unique_seed).__name__} {unique_seed!r}"
    )


class _Parts:
    """The ordered parts of a generated name and the joining separator."""

    ORDER = ("abbreviation", "workload", "environment", "region", "instance", "suffix")

    def __init__(self, values, separator):
        self.values = values
        self.separator = separator

    def render(self):
        return self.separator.join(self.values[k] for k in self.ORDER if self.values[k])

    def length(self):
        present = [self.values[k] for k in self.ORDER if self.values[k]]
        return sum(len(v) for v in present) + len(self.separator) * max(len(present) - 1, 0)

    def truncate(self, key, floor, excess):
        value = self.values[key]
        if len(value) <= floor or excess <= 0:
            return
        keep = max(floor, len(value) - excess)
        self.values[key] = value[:keep].rstrip("-")


def _shrink(rule, parts, limit):
    """Shorten ``parts`` in place, in the documented order, until the name fits ``limit``."""

    def excess():
        return parts.length() - limit

    values = parts.values
    if excess() > 0:
        parts.truncate("workload", 3, excess())
    if excess() > 0 and values["instance"].isdigit():
        values["instance"] = values["instance"].lstrip("0") or "0"
    if excess() > 0:
        values["region"] = ""
    if excess() > 0:
        values["instance"] = ""
    if excess() > 0:
        parts.truncate("workload", 1, excess())
    if excess() > 0:
        parts.truncate("environment", 1, excess())
    if excess() > 0 and values["abbreviation"]:
        candidate = _Parts(dict(values, abbreviation=""), parts.separator).render()
        if candidate and (rule.first is None or candidate[0] in rule.first):
            values["abbreviation"] = ""


def resource_name(
    resource_type,
    workload,
    environment=None,
    region=None,
    instance=None,
    unique_seed=None,
    unique_length=DEFAULT_UNIQUE_LENGTH,
    abbreviation=None,
    max_length=None,
):
    """A compliant, deterministic name: ``<abbr>-<workload>-<environment>-<region>-<instance>-<suffix>``.

    - ``abbreviation``: None uses the rule's (CAF) abbreviation, ``''`` leaves it out, any other
      string replaces it.
    - ``region``: an Azure region name (``westeurope``) is replaced by its code (``weu``, see
      ``REGION_CODES``); unknown names made of letters and digits are used as given.
    - ``instance``: an int is zero-padded to three digits (``1`` -> ``001``); a string is used as given.
    - ``unique_seed``: a string or a list of strings; the suffix is ``unique_string(*seed)`` cut to
      ``unique_length`` (1-13) characters, and is never shortened further.
    - Types without separators (storage account, container registry) get no hyphens; every part is
      lower case.
    - ``max_length`` may lower the type's maximum length (never raise it).

    When the name is too long, parts are shortened in this fixed order, each step only as far as
    needed: workload down to 3 characters; instance zero-padding removed; region dropped; instance
    dropped; workload down to 1 character; environment down to 1 character; abbreviation dropped
    (only when the name still starts with an allowed character). The unique suffix is never cut.
    Raises NameRuleError (or UnknownResourceTypeError) when no compliant name can be made.
    """
    rule = get_rule(resource_type)
    sep = "-" if rule.separators else ""
    limit = rule.max_length
    if max_length is not None:
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise NameRuleError(f"max_length must be a positive integer, got {max_length!r}")
        limit = min(limit, max_length)

    if isinstance(unique_length, bool) or not isinstance(unique_length, int):
        raise NameRuleError(f"unique_length must be an integer from 1 to 13, got {unique_length!r}")
    if not 1 <= unique_length <= UNIQUE_STRING_LENGTH:
        raise NameRuleError(f"unique_length must be from 1 to 13, got {unique_length}")

    work = _token("workload", workload, rule.separators)
    if not work:
        raise NameRuleError("workload must not be empty; give the workload or application name, such as 'mlops'")
    abbr = rule.abbreviation if abbreviation is None else _token("abbreviation", abbreviation, rule.separators)
    env = "" if environment is None else _token("environment", environment, rule.separators)
    reg = "" if region is None else region_code(region)
    inst = _instance_token(instance, rule.separators)
    suffix = "" if unique_seed is None else unique_string(*_seed_parts(unique_seed))[:unique_length]

    parts = _Parts(
        {
            "abbreviation": abbr,
            "workload": work,
            "environment": env,
            "region": reg,
            "instance": inst,
            "suffix": suffix,
        },
        sep,
    )

    _shrink(rule, parts, limit)

    name = parts.render()
    if len(name) > limit:
        raise NameRuleError(
            f"no compliant {rule.key} name fits in {limit} characters: the shortest form '{name}' has "
            f"{len(name)} characters, of which {len(suffix)} are the unique suffix; lower unique_length, "
            "or shorten the abbreviation or environment"
        )
    errors = name_errors(rule.key, name)
    if errors:
        raise NameRuleError(f"cannot make a compliant {rule.key} name: {'; '.join(errors)}")
    return name
