"""Each module imports only the management SDK it needs, and nothing from Azure before it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))

PROBE = """
import json, sys
sys.path.insert(0, {collections!r})
import importlib
importlib.import_module("ansible_collections.mlops.azure.plugins.modules." + {module!r})
loaded = sorted({{name.split(".")[2] for name in sys.modules if name.startswith("azure.mgmt.")}})
print(json.dumps({{"mgmt": loaded, "identity": "azure.identity" in sys.modules}}))
"""


@pytest.mark.parametrize(
    "module, sdks",
    [
        ("resource_group", ["resource"]),
        ("resource_group_info", ["resource"]),
        ("key_vault", ["keyvault"]),
        ("key_vault_info", ["keyvault"]),
        ("location_info", ["resource"]),
        ("storage_account", ["storage"]),
        ("storage_account_info", ["storage"]),
        ("log_analytics_workspace", ["loganalytics"]),
        ("log_analytics_workspace_info", ["loganalytics"]),
        ("app_insights", ["applicationinsights"]),
        ("app_insights_info", ["applicationinsights"]),
        ("action_group", ["monitor"]),
        ("container_registry", ["containerregistry"]),
        ("container_registry_info", ["containerregistry"]),
        ("ml_workspace", []),
        ("ml_workspace_info", []),
        ("private_endpoint", ["network"]),
        ("private_endpoint_info", ["network"]),
        ("private_dns_zone", ["privatedns"]),
        ("private_dns_zone_info", ["privatedns"]),
    ],
)
def test_module_imports_only_its_sdk(module, sdks):
    code = PROBE.format(collections=os.path.join(REPO, ".collections"), module=module)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    # azure.mgmt.core is the shared ARM pipeline every management SDK brings along.
    assert [name for name in loaded["mgmt"] if name != "core"] == sdks
    assert loaded["identity"] is False, "azure-identity is imported only when a credential is built"
