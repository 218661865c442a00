"""ARM throttling (``--throttling documented``), through the real SDK clients: token buckets per subscription,
principal and kind of request, 429 ``SubscriptionRequestsThrottled`` with ``Retry-After``, and the SDK's retry policy
that waits for it.

``--throttling-scale 0.02`` shrinks Learn's numbers to what a test can reach: reads 250 -> a bucket of 5 that refills
0.5 a second, writes and deletes 200 -> 4 that refill 0.2 a second; the global subscription bucket is 15 times that.
"""

from __future__ import annotations

import time

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resource.resources import ResourceManagementClient
from emulator_helpers import LOCATION


def headers_of(pipeline_response, _deserialized, headers):
    return pipeline_response.http_response.headers


@pytest.fixture
def throttled(arm_emulator_factory):
    return arm_emulator_factory(None, "--throttling", "documented", "--throttling-scale", "0.02")


def test_reads_empty_their_bucket_then_get_429_with_retry_after(throttled):
    rm = throttled.client(ResourceManagementClient, retry_total=0)
    rm.resource_groups.create_or_update("rg-throttled", {"location": LOCATION})
    remaining = []
    with pytest.raises(HttpResponseError) as info:
        for _ in range(10):
            headers = rm.resource_groups.get("rg-throttled", cls=headers_of)
            remaining.append(
                (
                    int(headers["x-ms-ratelimit-remaining-subscription-reads"]),
                    int(headers["x-ms-ratelimit-remaining-subscription-global-reads"]),
                )
            )
    # A bucket of 5 reads: 4, 3, 2, 1, 0 left (a few may come back while the test runs), then 429.
    assert 5 <= len(remaining) <= 7, remaining
    assert remaining[0] == (4, 74)
    assert [own for own, _global in remaining] == sorted((own for own, _global in remaining), reverse=True)
    error = info.value
    assert error.status_code == 429
    assert error.error.code == "SubscriptionRequestsThrottled"
    assert f"Number of 'read' requests for subscription '{throttled.subscription_id}' actor '" in error.error.message
    retry_after = int(error.response.headers["Retry-After"])
    assert retry_after == 2, "one read comes back in 2 s at 0.5 a second"
    assert f"Please try again after '{retry_after}' seconds." in error.error.message
    # Writes have a bucket of their own: the empty read bucket does not stop them.
    rm.resource_groups.create_or_update("rg-throttled-2", {"location": LOCATION})
    statuses = [r["status"] for r in throttled.requests() if r["method"] == "GET"]
    assert statuses[-1] == 429 and statuses.count(429) == 1


def test_the_sdk_waits_for_retry_after_and_gets_through(throttled):
    rm = throttled.client(ResourceManagementClient)  # the SDK's default retry policy
    rm.resource_groups.create_or_update("rg-throttled", {"location": LOCATION})
    started = time.monotonic()
    for _ in range(7):
        rm.resource_groups.get("rg-throttled")
    elapsed = time.monotonic() - started
    gets = [r["status"] for r in throttled.requests() if r["method"] == "GET"]
    assert 429 in gets, gets
    assert gets.count(200) == 7, "every read went through in the end"
    # The retry after a 429 came no sooner than its Retry-After (2 s).
    assert elapsed >= 2.0, elapsed
    assert throttled.admin("GET", "/_emulator/throttling")["throttled"] == gets.count(429)


def test_deletes_count_apart_and_report_their_own_header(throttled):
    rm = throttled.client(ResourceManagementClient, retry_total=0)
    for name in ("rg-a", "rg-b"):
        rm.resource_groups.create_or_update(name, {"location": LOCATION})
    poller = rm.resource_groups.begin_delete("rg-a", polling=False, cls=headers_of)
    headers = poller.result()
    assert headers["x-ms-ratelimit-remaining-subscription-deletes"] == "3"
    assert "x-ms-ratelimit-remaining-subscription-writes" not in headers


def test_off_by_default_never_throttles(clean_emulator):
    rm = clean_emulator.client(ResourceManagementClient, retry_total=0)
    rm.resource_groups.create_or_update("rg-free", {"location": LOCATION})
    for _ in range(30):
        headers = rm.resource_groups.get("rg-free", cls=headers_of)
    assert headers["x-ms-ratelimit-remaining-subscription-reads"] == "249"
    assert clean_emulator.admin("GET", "/_emulator/throttling") == {"mode": "off", "scale": 1.0, "throttled": 0}
    assert 429 not in [r["status"] for r in clean_emulator.requests()]
