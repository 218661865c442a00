"""The mlops.azure.private_dns_zones filter: the stack's groups by default, given groups, errors named by the filter."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.filter.private_dns_zones import FilterModule

private_dns_zones = FilterModule().filters()["private_dns_zones"]


def test_the_stack_groups_when_none_are_given():
    assert list(private_dns_zones([])) == ["vault", "blob", "file", "amlworkspace"]
    zones = private_dns_zones(None, cloud="AzureChinaCloud", container_registry="yes")
    assert zones["registry"] == ["privatelink.azurecr.cn"]
    assert zones["amlworkspace"] == ["privatelink.api.ml.azure.cn", "privatelink.notebooks.chinacloudapi.cn"]


def test_given_groups_in_their_order():
    assert private_dns_zones(["file", "vault"], cloud="") == {
        "file": ["privatelink.file.core.windows.net"],
        "vault": ["privatelink.vaultcore.azure.net"],
    }
    assert private_dns_zones("registry") == {"registry": ["privatelink.azurecr.io"]}


def test_errors_name_the_filter():
    with pytest.raises(AnsibleFilterError, match=r"^mlops.azure.private_dns_zones: group id 'queue'"):
        private_dns_zones(["queue"])
    with pytest.raises(AnsibleFilterError, match="must be a list of group ids"):
        private_dns_zones({"vault": 1})
