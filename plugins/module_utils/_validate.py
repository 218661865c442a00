# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Value checks made before any call to Azure, shared by the modules and the preflight.

Pure Python: no Ansible and no Azure imports. Each function returns a list of problems (sentences naming the
value and what is wrong), empty when the value is acceptable, so a caller can report every problem at once.

The limits, and where they come from:

- Tags (Azure Resource Manager, "Use tags to organize your Azure resources", Limitations): at most 50 tag
  name/value pairs per resource or resource group; a tag name at most 512 characters, 128 for storage accounts;
  a value at most 256 characters; names cannot contain ``<``, ``>``, ``%``, ``&``, ``\\``, ``?`` or ``/``.
- IP rules: IPv4 addresses and CIDR ranges (prefix 0-32); IPv6 is accepted by none. Key Vault and storage refuse
  private ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16): "Guidelines and limitations for the Azure Storage
  firewall", and Key Vault's answer "belongs to forbidden range ... (private IP addresses)". Storage also refuses
  /31 and /32 ranges; the modules send a /32 as the address alone, so only a /31 is refused here. Container
  Registry: any IPv4 address or range.
- Principal, tenant and subscription ids are GUIDs.
- A location is one of the subscription's locations (``GET /subscriptions/{id}/locations``), by name
  (``westeurope``) or display name (``West Europe``).
- Numbers Azure bounds (the REST API specifications): a Key Vault's ``softDeleteRetentionInDays`` "accepts >=7 and
  <=90" (Microsoft.KeyVault ``keyvault.json``, VaultProperties); a storage blob service's
  ``deleteRetentionPolicy.days`` and ``containerDeleteRetentionPolicy.days`` take 1 to 365 (Microsoft.Storage
  blob service properties, DeleteRetentionPolicy: "The minimum specified value can be 1 and the maximum value can
  be 365"); an action group's ``groupShortName`` is at most 12 characters (Microsoft.Insights
  ``actionGroups_API.json`` 2023-01-01, ActionGroup, ``maxLength: 12``).
"""

from __future__ import annotations

import ipaddress
import re

MAX_TAGS = 50
MAX_TAG_NAME = 512
MAX_STORAGE_TAG_NAME = 128
MAX_TAG_VALUE = 256
TAG_NAME_FORBIDDEN = "<>%&\\?/"

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Private (RFC 1918) ranges, which the Key Vault and storage firewalls refuse in IP rules.
PRIVATE_RANGES = tuple(ipaddress.ip_network(text) for text in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
PUBLIC_ONLY_SERVICES = ("key_vault", "storage_account")

IP_RULE_SERVICES = ("key_vault", "storage_account", "container_registry")

KEY_VAULT_RETENTION_DAYS = (7, 90)
STORAGE_SOFT_DELETE_DAYS = (1, 365)
ACTION_GROUP_SHORT_NAME_LENGTH = (1, 12)


def guid_errors(value, what="id"):
    """``what`` must be a GUID such as ``00000000-0000-0000-0000-000000000000``."""
    if isinstance(value, str) and _GUID.fullmatch(value.strip()):
        return []
    return [f"{what} {value!r} is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"]


def tag_errors(tags, max_name_length=MAX_TAG_NAME):
    """Azure's tag limits; ``max_name_length`` is 128 for storage accounts (``MAX_STORAGE_TAG_NAME``)."""
    if tags is None:
        return []
    if not isinstance(tags, dict):
        return [f"tags must be a dictionary of names and values, got {type(tags).__name__}"]
    problems = []
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags given; Azure allows at most {MAX_TAGS} tags on a resource")
    for name, value in tags.items():
        name = str(name)
        if not name.strip():
            problems.append("a tag name is empty")
            continue
        if len(name) > max_name_length:
            problems.append(
                f"tag name {name[:40]!r}... is {len(name)} characters long; Azure allows at most {max_name_length}"
            )
        bad = sorted(set(char for char in name if char in TAG_NAME_FORBIDDEN))
        if bad:
            problems.append(
                "tag name {!r} contains {}: Azure does not allow {} in tag names".format(
                    name, " ".join(bad), " ".join(TAG_NAME_FORBIDDEN)
                )
            )
        text = "" if value is None else str(value)
        if len(text) > MAX_TAG_VALUE:
            problems.append(
                f"the value of tag {name!r} is {len(text)} characters long; Azure allows at most {MAX_TAG_VALUE}"
            )
    return problems


def ip_rule_errors(value, service="key_vault"):
    """One firewall IP rule of ``service`` (one of ``IP_RULE_SERVICES``)."""
    if service not in IP_RULE_SERVICES:
        raise ValueError(f"unknown service {service!r}: expected one of {', '.join(IP_RULE_SERVICES)}")
    if not isinstance(value, str) or not value.strip():
        return [f"IP rule {value!r} is not an IPv4 address or CIDR range"]
    text = value.strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return [f"IP rule {text!r} is not an IPv4 address or CIDR range (for example 203.0.113.7 or 203.0.113.0/24)"]
    if network.version != 4:
        return [f"IP rule {text!r} is IPv6; Azure firewall IP rules take IPv4 only"]
    problems = []
    if service == "storage_account" and "/" in text and network.prefixlen == 31:
        # A /32 is sent as the address alone, which the firewall takes; a /31 has no such form.
        problems.append(
            f"IP rule {text!r}: storage firewalls do not take /31 ranges; give each of the two addresses alone "
            f"({network.network_address} and {network.broadcast_address})"
        )
    if service in PUBLIC_ONLY_SERVICES:
        for private in PRIVATE_RANGES:
            if network.subnet_of(private):
                problems.append(
                    f"IP rule {text!r} lies in the private range {private}: the firewall takes public addresses "
                    "only; admit private clients through a subnet with a service endpoint instead"
                )
                break
    return problems


def ip_rules_errors(values, service="key_vault"):
    problems = []
    for value in values or []:
        problems.extend(ip_rule_errors(value, service))
    return problems


def range_errors(value, bounds, what):
    """``what`` must be a whole number within ``bounds`` (``(lowest, highest)``, both included)."""
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{what} must be a whole number from {low} to {high}, got {value!r}"]
    if low <= value <= high:
        return []
    return [f"{what} is {value}; Azure accepts {low} to {high}"]


def length_errors(value, bounds, what):
    """``what`` must be a string whose length is within ``bounds`` (``(shortest, longest)``, both included)."""
    low, high = bounds
    if not isinstance(value, str):
        return [f"{what} must be a string of {low} to {high} characters, got {value!r}"]
    if low <= len(value) <= high:
        return []
    return [f"{what} {value!r} has {len(value)} characters; Azure accepts {low} to {high}"]


def location_key(location):
    """How Azure compares locations: ``West Europe``, ``westeurope`` and ``WestEurope`` are the same one."""
    return str(location).replace(" ", "").casefold()


def location_errors(location, locations):
    """``location`` against the subscription's ``locations`` (REST items with ``name`` and ``displayName``)."""
    if location is None:
        return []
    wanted = location_key(location)
    names = [item.get("name") or "" for item in locations or []]
    for item in locations or []:
        if wanted in (location_key(item.get("name") or ""), location_key(item.get("displayName") or "")):
            return []
    return [
        "location {!r} is not a location of this subscription; use one of: {}".format(
            location, ", ".join(sorted(names))
        )
    ]
