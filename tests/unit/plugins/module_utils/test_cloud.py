"""Clouds: the known ones by name, and a custom one described by its ARM endpoint's metadata."""

from __future__ import annotations

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
