"""Emulator state: one JSON document in the data directory, written atomically, guarded by one lock.

Every request runs under ``Store.lock`` (see ``server.py``), so handlers never race each other. Resources live in
one table keyed by the lower-cased resource id (ARM ids are case-insensitive; the record keeps the id, and so the
name, with the case it was created with). Providers keep anything else in named collections.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from typing import Any, Iterator, Optional

STATE_VERSION = 1


def atomic_write(path: str, data: bytes | str, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and ``os.replace``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _fresh() -> dict:
    return {"version": STATE_VERSION, "resources": {}, "collections": {}}


class Store:
    def __init__(self, path: str):
        self.path = path
        self.lock = threading.RLock()
        self._dirty = False
        self.data = _fresh()
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                loaded = json.load(fh)
            if loaded.get("version") == STATE_VERSION:
                self.data = loaded

    # persistence -----------------------------------------------------------------------------------------------
    def touch(self) -> None:
        self._dirty = True

    def save(self, force: bool = False) -> None:
        with self.lock:
            if not (self._dirty or force):
                return
            atomic_write(self.path, json.dumps(self.data, sort_keys=True, indent=1))
            self._dirty = False

    def reset(self) -> None:
        with self.lock:
            self.data = _fresh()
            self.touch()
            self.save()

    # resources -------------------------------------------------------------------------------------------------
    @property
    def resources(self) -> dict:
        return self.data["resources"]

    def get(self, resource_id: str) -> Optional[dict]:
        """The record ``{"id", "type", "body", "internal"}`` of a resource, or None."""
        return self.resources.get(resource_id.lower())

    def put(self, resource_id: str, rtype: str, body: dict, internal: Optional[dict] = None) -> dict:
        key = resource_id.lower()
        record = self.resources.get(key)
        if record is None:
            record = {"id": resource_id, "type": rtype, "body": body, "internal": internal or {}}
            self.resources[key] = record
        else:
            record["body"] = body
            if internal is not None:
                record["internal"] = internal
        self.touch()
        return record

    def descendants(self, resource_id: str) -> list[dict]:
        prefix = resource_id.lower().rstrip("/") + "/"
        return [rec for key, rec in self.resources.items() if key.startswith(prefix)]

    def remove(self, resource_id: str) -> list[dict]:
        """Remove a resource and everything under it; return the removed records (children first)."""
        key = resource_id.lower()
        removed = sorted(self.descendants(resource_id), key=lambda r: -len(r["id"]))
        for rec in removed:
            del self.resources[rec["id"].lower()]
        if key in self.resources:
            removed.append(self.resources.pop(key))
        if removed:
            self.touch()
        return removed

    def iter_resources(
        self, rtype: Optional[str] = None, subscription: Optional[str] = None, resource_group: Optional[str] = None
    ) -> Iterator[dict]:
        prefix = None
        if subscription:
            prefix = f"/subscriptions/{subscription}/".lower()
            if resource_group:
                prefix += f"resourcegroups/{resource_group}/".lower()
        for key, rec in list(self.resources.items()):
            if prefix and not key.startswith(prefix):
                continue
            if rtype and rec["type"].lower() != rtype.lower():
                continue
            yield rec

    # anything else ---------------------------------------------------------------------------------------------
    def collection(self, name: str) -> dict:
        """A named dict persisted with the state (e.g. ``"keyvault.deleted"``, ``"operations"``)."""
        return self.data["collections"].setdefault(name, {})

    def snapshot(self) -> Any:
        return json.loads(json.dumps(self.data))
