"""Faults and the SDK's own retries, the request log, realistic latency, restarts, signals, concurrency."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, vault_body


def test_request_log_shape_and_admin_calls_not_logged(clean_emulator, rm):
    rm.resource_groups.create_or_update("rg-log", {"location": LOCATION})
    rm.resource_groups.get("rg-log")
    clean_emulator.requests()
    log = clean_emulator.requests()
    assert [(r["method"], r["status"]) for r in log] == [("PUT", 201), ("GET", 200)]
    assert set(log[0]) == {"method", "path", "api_version", "status", "duration_ms"}
    assert log[0]["path"] == f"/subscriptions/{clean_emulator.subscription_id}/resourcegroups/rg-log"
    assert log[0]["api_version"] == "2025-04-01"
    clean_emulator.clear_requests()
    assert clean_emulator.requests() == []


def test_throttling_is_retried_after_retry_after(clean_emulator, rm):
    rm.resource_groups.create_or_update("rg-429", {"location": LOCATION})
    clean_emulator.add_fault(method="GET", path="/resourcegroups/rg-429$", status=429, count=1, retry_after=1)
    started = time.monotonic()
    assert rm.resource_groups.get("rg-429").name == "rg-429"
    assert time.monotonic() - started >= 0.9  # the SDK waited for Retry-After
    statuses = [r["status"] for r in clean_emulator.requests() if r["method"] == "GET"]
    assert statuses == [429, 200]


def test_throttling_answer_is_arm_shaped(clean_emulator, rm):
    clean_emulator.add_fault(method="GET", path="/resourcegroups/rg-t$", status=429, count=0, retry_after=0)
    client = clean_emulator.client(ResourceManagementClient, retry_total=0)
    with pytest.raises(HttpResponseError) as info:
        client.resource_groups.get("rg-t")
    assert info.value.status_code == 429
    assert info.value.error.code == "SubscriptionRequestsThrottled"
    assert "Retry-After" in info.value.response.headers
    clean_emulator.clear_faults()


def test_server_errors_are_retried_and_survived(clean_emulator, rm):
    clean_emulator.add_fault(method="PUT", path="/resourcegroups/rg-5xx$", status=503, count=1)
    clean_emulator.add_fault(method="PUT", path="/resourcegroups/rg-5xx$", status=500, count=1)
    assert rm.resource_groups.create_or_update("rg-5xx", {"location": LOCATION}).name == "rg-5xx"
    puts = [r["status"] for r in clean_emulator.requests() if r["method"] == "PUT"]
    assert puts == [503, 500, 201]


def test_ordinary_4xx_fault_is_not_retried(clean_emulator, rm):
    clean_emulator.add_fault(method="GET", path="/resourcegroups/rg-409$", status=409, count=1)
    with pytest.raises(ResourceExistsError):
        rm.resource_groups.get("rg-409")
    assert len(clean_emulator.requests()) == 1


def test_dropped_connection_is_retried(clean_emulator, rm):
    rm.resource_groups.create_or_update("rg-drop", {"location": LOCATION})
    clean_emulator.clear_requests()
    clean_emulator.add_fault(method="GET", path="/resourcegroups/rg-drop$", action="drop", count=1)
    assert rm.resource_groups.get("rg-drop").name == "rg-drop"
    assert [r["status"] for r in clean_emulator.requests()] == [None, 200]


def test_realistic_latency_polls_with_retry_after(arm_emulator_factory):
    slow = arm_emulator_factory(None, "--latency", "realistic", "--time-scale", "0.05")
    rm, st, kv = (slow.client(c) for c in (ResourceManagementClient, StorageManagementClient, KeyVaultManagementClient))
    rm.resource_groups.create_or_update("rg-slow", {"location": LOCATION})
    started = time.monotonic()
    account = st.storage_accounts.begin_create("rg-slow", "stslow01", account_body()).result()
    elapsed = time.monotonic() - started
    assert account.provisioning_state == "Succeeded"
    assert 1.0 <= elapsed < 6
    polls = [r for r in slow.requests() if "/asyncoperations/" in r["path"]]
    assert [p["status"] for p in polls][-1] == 200 and 202 in [p["status"] for p in polls]
    vault = kv.vaults.begin_create_or_update("rg-slow", "kv-slow", vault_body(slow.env["AZURE_TENANT"])).result()
    assert vault.properties.provisioning_state == "Succeeded"
    gets = [r for r in slow.requests() if r["method"] == "GET" and r["path"].endswith("/vaults/kv-slow")]
    assert len(gets) >= 2  # RegisteringDns at first, then Succeeded
    rm.resource_groups.begin_delete("rg-slow").result()
    assert rm.resource_groups.check_existence("rg-slow") is False


def test_state_survives_a_restart(tmp_path, arm_emulator_factory):
    data = tmp_path / "kept"
    first = arm_emulator_factory(data)
    rm = first.client(ResourceManagementClient)
    kv = first.client(KeyVaultManagementClient)
    rm.resource_groups.create_or_update("rg-kept", {"location": LOCATION, "tags": {"keep": "yes"}})
    kv.vaults.begin_create_or_update("rg-kept", "kv-kept", vault_body(first.env["AZURE_TENANT"])).result()
    kv.vaults.begin_create_or_update("rg-kept", "kv-gone", vault_body(first.env["AZURE_TENANT"])).result()
    kv.vaults.delete("rg-kept", "kv-gone")
    with open(first.ca, "rb") as fh:
        ca = fh.read()
    secret = first.env["AZURE_SECRET"]
    assert first.stop() == 0
    assert not os.path.exists(data / "emulator.env")

    second = arm_emulator_factory(data)
    with open(second.ca, "rb") as fh:
        assert fh.read() == ca
    assert second.env["AZURE_SECRET"] == secret
    rm = second.client(ResourceManagementClient)
    kv = second.client(KeyVaultManagementClient)
    assert rm.resource_groups.get("rg-kept").tags == {"keep": "yes"}
    assert kv.vaults.get("rg-kept", "kv-kept").properties.provisioning_state == "Succeeded"
    assert kv.vaults.get_deleted("kv-gone", LOCATION).name == "kv-gone"


def test_sigint_stops_cleanly_too(arm_emulator_factory):
    instance = arm_emulator_factory()
    assert instance.stop(signal.SIGINT) == 0


def test_concurrent_clients(clean_emulator):
    errors = []

    def worker(index: int) -> None:
        try:
            rm = clean_emulator.client(ResourceManagementClient)
            st = clean_emulator.client(StorageManagementClient)
            group = f"rg-par-{index}"
            rm.resource_groups.create_or_update(group, {"location": LOCATION})
            st.storage_accounts.begin_create(group, f"stpar{index:03d}", account_body()).result()
            for c in range(3):
                st.blob_containers.create(group, f"stpar{index:03d}", f"c{c}-data", {})
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    st = clean_emulator.client(StorageManagementClient)
    assert len(list(st.storage_accounts.list())) == 6
    assert sum(1 for _ in st.blob_containers.list("rg-par-3", "stpar003")) == 3


def test_racing_for_one_global_name(clean_emulator):
    results = []
    for sub in (clean_emulator.subscription_id, clean_emulator.foreign_subscription_id):
        clean_emulator.client(ResourceManagementClient, sub).resource_groups.create_or_update(
            "rg-race", {"location": LOCATION}
        )

    def attempt(sub: str) -> None:
        client = clean_emulator.client(StorageManagementClient, sub)
        try:
            client.storage_accounts.begin_create("rg-race", "strace01", account_body()).result()
            results.append("won")
        except ResourceExistsError as exc:
            results.append(exc.error.code)

    threads = [
        threading.Thread(target=attempt, args=(sub,))
        for sub in (clean_emulator.subscription_id, clean_emulator.foreign_subscription_id)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["StorageAccountAlreadyTaken", "won"]
