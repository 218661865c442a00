# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the audit filters and the report renderers, and one run through real Ansible and ansible-doc."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.filter.audit_baseline import FilterModule as AuditBaselineFilters
from ansible_collections.mlops.azure.plugins.filter.audit_report import FilterModule as AuditReportFilters

REPO_ROOT = Path(__file__).resolve().parents[4]
KV_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-audit"
ST_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/staudit"

audit_baseline = AuditBaselineFilters().filters()["audit_baseline"]
audit_report = AuditReportFilters().filters()["audit_report"]


def stack():
    return {
        "key_vaults": [
            {
                "id": KV_ID,
                "name": "kv-audit",
                "enable_soft_delete": True,
                "soft_delete_retention_in_days": 7,
                "enable_purge_protection": False,
                "enable_rbac_authorization": True,
                "public_network_access": "Enabled",
                "network_acls": {"default_action": "Deny"},
                "access_policies": [],
            }
        ],
        "storage_accounts": [
            {
                "id": ST_ID,
                "name": "staudit",
                "kind": "StorageV2",
                "sku": "Standard_LRS",
                "supports_https_traffic_only": True,
                "minimum_tls_version": "TLS1_2",
                "allow_blob_public_access": False,
                "allow_shared_key_access": False,
                "allow_cross_tenant_replication": False,
                "public_network_access": "Enabled",
                # Drift: the firewall was opened in the portal.
                "network_acls": {"default_action": "Allow", "bypass": ["AzureServices"]},
                "blob_service_properties": {
                    "delete_retention_policy": {"enabled": True, "days": 7},
                    "container_delete_retention_policy": {"enabled": True, "days": 7},
                },
                "blob_containers": [{"name": "logs|raw", "public_access": "None"}],
            }
        ],
        "diagnostic_settings": [
            {"resource_id": KV_ID, "workspace_id": "/w", "logs": [{"category_group": "audit", "enabled": True}]}
        ],
    }


EXCEPTIONS = {"key_vault.public_network_access": "Service endpoints | not private endpoints."}


def audit(fail_on="low"):
    return audit_baseline(stack(), environment="dev", exceptions=EXCEPTIONS, fail_on=fail_on)


def test_each_file_registers_one_filter():
    assert list(AuditBaselineFilters().filters()) == ["audit_baseline"]
    assert list(AuditReportFilters().filters()) == ["audit_report"]


def test_audit_baseline_gives_results_counts_and_the_verdict():
    result = audit()
    assert result["failed"] is True
    assert [item["rule"] for item in result["blocking"]] == [
        "storage_account.firewall",
        "storage_account.public_network_access",
    ]
    assert result["counts"]["exception"] == 1 and result["counts"]["fail"] == 2
    assert sum(result["counts"].values()) == len(result["results"])


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"environment": "dev", "exceptions": {"CKV_NOPE": "x"}}, "exception 'CKV_NOPE' names no rule"),
        ({"environment": "dev", "fail_on": "urgent"}, "fail_on 'urgent' is not one of"),
        ({}, "environment is required"),
    ],
)
def test_audit_baseline_errors_name_the_filter(kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        audit_baseline(stack(), **kwargs)
    assert str(info.value).startswith("mlops.azure.audit_baseline: ")
    assert fragment in str(info.value)


def test_text_summary_lists_every_result_failures_first_then_the_verdict():
    lines = audit_report(audit(), "text", title="mlops-dev")
    assert lines[0] == "mlops-dev: environment dev, fail on low and above"
    assert lines[1].startswith("FAIL      high     storage_account.firewall (Azure.Storage.Firewall, CKV_AZURE_35)")
    assert "storage account staudit: properties.networkAcls.defaultAction is Allow, expected Deny" in lines[1]
    exception = next(line for line in lines if line.startswith("EXCEPTION"))
    assert "key_vault.public_network_access (CKV_AZURE_189)" in exception
    assert "accepted exception (key_vault.public_network_access): Service endpoints" in exception
    assert any(line.startswith("N/A") and "applies in prod only, this is dev" in line for line in lines)
    assert lines[-1].startswith("FAILED: 2 rule result(s) fail at or above severity low (2 fail, 1 exception, ")


def test_text_verdict_below_the_threshold():
    lines = audit_report(audit(fail_on="critical"), "text")
    assert lines[-1].startswith("PASSED: 2 rule result(s) fail, all below severity critical")


def test_markdown_report_escapes_table_cells_and_shows_exceptions_with_their_reasons():
    report = audit_report(audit(), "markdown", title="mlops-dev")
    assert report.startswith("# mlops-dev\n\n**FAILED: 2 rule result(s) fail at or above severity low**")
    assert "## Failures" in report and "## Accepted exceptions" in report and "## Every result" in report
    assert "| high | `storage_account.firewall`, `Azure.Storage.Firewall`, `CKV_AZURE_35` | staudit |" in report
    assert "Service endpoints \\| not private endpoints." in report
    assert "staudit/logs\\|raw" in report
    for line in report.splitlines():
        if line.startswith("| ") and "---" not in line:
            assert line.replace("\\|", "").count("|") in (5, 7, 8), line


def test_junit_report_counts_failures_and_skips_and_names_the_ids():
    xml = audit_report(audit(), "junit", title="mlops-dev")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(xml.split("\n", 1)[1])
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("name") == "mlops-dev" and int(suite.get("tests")) == len(cases)
    failures = [case for case in cases if case.find("failure") is not None]
    assert int(suite.get("failures")) == len(failures) == 2
    skipped = [case for case in cases if case.find("skipped") is not None]
    assert int(suite.get("skipped")) == len(skipped)
    (firewall,) = [case for case in failures if case.get("name").startswith("storage_account.firewall ")]
    assert firewall.get("name") == "storage_account.firewall [Azure.Storage.Firewall, CKV_AZURE_35] staudit"
    assert firewall.get("classname") == "mlops-dev.storage_account"
    assert firewall.find("failure").get("type") == "high"
    assert "Found: Allow\nExpected: Deny" in firewall.find("failure").text
    assert "Storage accounts should restrict network access" in firewall.find("failure").text
    accepted = [case for case in skipped if case.find("skipped").get("message").startswith("accepted exception: ")]
    assert len(accepted) == 1 and "Service endpoints | not private endpoints." in accepted[0].find("skipped").get(
        "message"
    )


@pytest.mark.parametrize(
    "value, fragment",
    [({"results": "x"}, "the input must be an audit"), ("text", "the input must be an audit")],
)
def test_audit_report_errors_name_the_filter(value, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        audit_report(value, "text")
    assert str(info.value) == f"mlops.azure.audit_report: {fragment} (what mlops.azure.audit_baseline returns)"


def test_audit_report_refuses_an_unknown_format():
    with pytest.raises(AnsibleFilterError) as info:
        audit_report(audit(), "html")
    assert str(info.value) == "mlops.azure.audit_report: format 'html' is not one of text, markdown, junit"


# Through real Ansible -------------------------------------------------------------------------
def _run(tmp_path, *command):
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
    )
    tool = Path(sys.executable).with_name(command[0])
    args = [str(tool) if tool.exists() else command[0], *command[1:]]
    result = subprocess.run(args, cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=120, check=False)
    return result.returncode, result.stdout + result.stderr


def test_through_ansible(tmp_path):
    expression = (
        "{{ (stack | mlops.azure.audit_baseline(environment='dev', exceptions=exceptions)"
        " | mlops.azure.audit_report('text'))[-1] }}"
    )
    extra = json.dumps({"stack": stack(), "exceptions": EXCEPTIONS})
    rc, output = _run(tmp_path, "ansible", "localhost", "-m", "ansible.builtin.debug", "-a", f"msg={expression}")
    assert rc != 0 and "'stack' is undefined" in output  # the variables come from -e below
    rc, output = _run(
        tmp_path, "ansible", "localhost", "-m", "ansible.builtin.debug", "-a", f"msg={expression}", "-e", extra
    )
    assert rc == 0, output
    assert '"msg": "FAILED: 2 rule result(s) fail at or above severity low' in output


@pytest.mark.parametrize("name", ["audit_baseline", "audit_report"])
def test_the_filter_documentation_renders(tmp_path, name):
    rc, output = _run(tmp_path, "ansible-doc", "-t", "filter", f"mlops.azure.{name}")
    assert rc == 0, output
    assert f"mlops.azure.{name}" in output and "EXAMPLES" in output and "RETURN VALUES" in output
