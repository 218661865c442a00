"""Helpers for the playbook-level tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

CLEAR_REQUESTS = "CLEAR_REQUESTS"


def writes(requests):
    """The requests of an emulator log that are not reads."""
    return [f"{r['method']} {r['path']} {r['status']}" for r in requests if r["method"] not in ("GET", "HEAD")]
