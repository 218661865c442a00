"""What the installed azure-mgmt-* SDKs send, read from their generated configuration (no network, no import
of client code), so the emulator keeps accepting the api-version of whatever SDK release is installed."""

from __future__ import annotations

import importlib.util
import os
import re


def default_api_version(package: str) -> str | None:
    """The api-version ``package`` (e.g. ``"azure.mgmt.keyvault"``) sends by default, or None."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for name in ("_configuration.py",):
            path = os.path.join(location, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as fh:
                    m = re.search(r'kwargs\.pop\("api_version", "([0-9]{4}-[0-9]{2}-[0-9]{2}[^"]*)"\)', fh.read())
                if m:
                    return m.group(1)
    return None


def versions(known: tuple, package: str) -> tuple:
    """``known`` plus the installed SDK's default, newest first."""
    found = set(known)
    current = default_api_version(package)
    if current:
        found.add(current)
    return tuple(sorted(found, reverse=True))
