"""Clouds: the known ones by name, and a custom one described by its ARM endpoint's metadata."""

from __future__ import annotations

import json
import os

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _cloud as cl
from azure_fakes import EMULATOR_METADATA


def test_known_clouds_case_insensitive():
    assert cl.resolve_cloud("azurechinacloud").resource_manager == "https://management.chinacloudapi.cn"
    assert cl.resolve_cloud(None).name == "AzureCloud"
    assert cl.resolve_cloud("AzurePublicCloud").name == "AzureCloud"


def test_cloud_url_is_discovered_through_metadata():
    seen = []

    def fetch(url):
        seen.append(url)
        return cl.cloud_from_metadata(url, EMULATOR_METADATA)

    cloud = cl.resolve_cloud("https://127.0.0.1:8443", fetch=fetch)
    assert seen == ["https://127.0.0.1:8443"]
    assert cloud.custom
    assert cloud.resource_manager == "https://127.0.0.1:8443"
    assert cloud.authority == "https://127.0.0.1:8443/login"
    assert cloud.scope == "https://127.0.0.1:8443/.default", "the audience naming the ARM endpoint wins"


def test_metadata_list_form_picks_the_matching_cloud():
    public = {
        "name": "AzureCloud",
        "resourceManager": "https://management.azure.com/",
        "authentication": {
            "loginEndpoint": "https://login.microsoftonline.com/",
            "audiences": ["https://management.core.windows.net/", "https://management.azure.com/"],
        },
    }
    cloud = cl.cloud_from_metadata("https://127.0.0.1:8443", [public, EMULATOR_METADATA])
    assert cloud.name == "ArmEmulator"
    cloud = cl.cloud_from_metadata("https://management.azure.com", [public])
    assert cloud.scope == "https://management.azure.com/.default"


@pytest.mark.parametrize(
    "value, words",
    [
        ("http://127.0.0.1:8443", "https"),
        ("AzureMars", "neither a known cloud"),
    ],
)
def test_bad_cloud_values_are_refused(value, words):
    with pytest.raises(cl.CloudError) as caught:
        cl.resolve_cloud(value, fetch=lambda url: pytest.fail("must not fetch"))
    assert words in str(caught.value)


def test_metadata_without_https_login_is_refused():
    document = dict(EMULATOR_METADATA, authentication={"loginEndpoint": "http://x/", "audiences": ["https://a/"]})
    with pytest.raises(cl.CloudError):
        cl.cloud_from_metadata("https://127.0.0.1:8443", document)
    with pytest.raises(cl.CloudError):
        cl.cloud_from_metadata("https://127.0.0.1:8443", {"name": "x"})


# -- the metadata cache ------------------------------------------------------------------------------------------
URL = "https://127.0.0.1:8443"


@pytest.fixture
def fetches(monkeypatch, tmp_path):
    """The cache under a fresh XDG_CACHE_HOME; the list of URLs really fetched."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(cl.CACHE_TTL_VARIABLE, raising=False)
    seen = []

    def fetch(url, timeout=30):
        seen.append(url)
        return cl.cloud_from_metadata(url, EMULATOR_METADATA)

    monkeypatch.setattr(cl, "fetch_cloud_metadata", fetch)
    return seen


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_metadata_is_fetched_once_per_url_and_reused(fetches):
    first = cl.resolve_cloud(URL)
    again = cl.resolve_cloud(URL + "/")
    assert fetches == [URL], "the second module run reads the cache"
    assert repr(again) == repr(first)
    assert again.custom and again.scope == "https://127.0.0.1:8443/.default"
    cl.resolve_cloud("https://127.0.0.1:9443")
    assert fetches == [URL, "https://127.0.0.1:9443"], "another URL is another cloud"


def test_cache_file_is_private_and_holds_no_secret(fetches):
    cl.resolve_cloud(URL)
    path = cl.cache_path(URL)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
    with open(path, encoding="utf-8") as fh:
        entry = json.load(fh)
    assert set(entry) == {"format", "url", "fetched_at", "document"}
    assert entry["document"]["authentication"] == {
        "loginEndpoint": "https://127.0.0.1:8443/login",
        "audiences": ["https://127.0.0.1:8443/"],
    }
    assert [name for name in os.listdir(os.path.dirname(path)) if name.endswith(".tmp")] == []


def test_cached_metadata_expires(fetches):
    clock = Clock()
    cl.cached_cloud_metadata(URL, clock=clock)
    clock.now += cl.CACHE_TTL_SECONDS - 1
    cl.cached_cloud_metadata(URL, clock=clock)
    assert len(fetches) == 1
    clock.now += 2
    cl.cached_cloud_metadata(URL, clock=clock)
    assert len(fetches) == 2, "an answer older than the lifetime is fetched again"
    cl.cached_cloud_metadata(URL, clock=clock)
    assert len(fetches) == 2, "and the new answer is cached"


def test_ttl_variable_turns_the_cache_off(fetches, monkeypatch):
    monkeypatch.setenv(cl.CACHE_TTL_VARIABLE, "0")
    cl.resolve_cloud(URL)
    cl.resolve_cloud(URL)
    assert len(fetches) == 2
    assert not os.path.exists(cl.cache_path(URL))


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        "[]",
        json.dumps({"format": 1, "url": URL, "fetched_at": 1_000_000.0, "document": {"name": "x"}}),
        json.dumps({"format": 1, "url": "https://elsewhere.example", "fetched_at": 1_000_000.0}),
        json.dumps({"format": 1, "url": URL, "fetched_at": "yesterday", "document": EMULATOR_METADATA}),
        # Pointing the login endpoint at plain http is refused as it is in a fetched answer.
        json.dumps(
            {
                "format": 1,
                "url": URL,
                "fetched_at": 1_000_000.0,
                "document": dict(EMULATOR_METADATA, authentication={"loginEndpoint": "http://x/", "audiences": ["a"]}),
            }
        ),
    ],
)
def test_a_corrupt_cache_file_is_ignored_and_replaced(fetches, content):
    path = cl.cache_path(URL)
    os.makedirs(os.path.dirname(path), mode=0o700)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(content)
    os.chmod(path, 0o600)
    clock = Clock()
    cloud = cl.cached_cloud_metadata(URL, clock=clock)
    assert fetches == [URL]
    assert cloud.authority == "https://127.0.0.1:8443/login"
    cl.cached_cloud_metadata(URL, clock=clock)
    assert fetches == [URL], "the corrupt file was replaced by a good one"


def test_a_cache_file_others_can_write_is_not_trusted(fetches):
    clock = Clock()
    cl.cached_cloud_metadata(URL, clock=clock)
    os.chmod(cl.cache_path(URL), 0o666)
    cl.cached_cloud_metadata(URL, clock=clock)
    assert len(fetches) == 2


def test_an_unwritable_cache_only_costs_a_fetch(fetches, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cl.resolve_cloud(URL).resource_manager == URL
    assert cl.resolve_cloud(URL).resource_manager == URL
    assert len(fetches) == 2
