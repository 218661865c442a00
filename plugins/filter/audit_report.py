# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: audit_report
short_description: Render a security baseline audit as a summary, Markdown or JUnit XML
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - Renders what P(mlops.azure.audit_baseline#filter) returns.
  - V(text) gives a list of lines for the end of a run, one per rule and resource (status, severity, rule id and
    its PSRule and Checkov ids, the resource, the value found and the value expected), then the verdict.
  - V(markdown) gives a report for people (verdict, counts, failures, accepted exceptions with their reasons,
    every result).
  - V(junit) gives JUnit XML for a CI server or AWX to keep, one test case per rule and resource; failures are
    C(<failure>), accepted exceptions and rules that do not apply are C(<skipped>) with the reason.
  - The output depends on the audit only (no time stamp), so the same stack gives the same report.
positional: _input, format
options:
  _input:
    description: The audit.
    type: dict
    required: true
  format:
    description: What to render.
    type: str
    required: true
    choices: [text, markdown, junit]
  title:
    description: The report's title (and the JUnit test suite's name), for example the stack's inventory host.
    type: str
    default: mlops.azure security baseline audit
seealso:
  - plugin: mlops.azure.audit_baseline
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Readable summary at the end of the run
  ansible.builtin.debug:
    msg: "{{ audit | mlops.azure.audit_report('text', title=inventory_hostname) }}"

- name: JUnit XML for the pipeline
  ansible.builtin.copy:
    content: "{{ audit | mlops.azure.audit_report('junit', title=inventory_hostname) }}"
    dest: "audit-reports/{{ inventory_hostname }}.xml"
    mode: "0644"
"""

RETURN = r"""
_value:
  description: A list of lines for V(text); one string for V(markdown) and V(junit).
  type: raw
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.module_utils._audit import AuditError
from ansible_collections.mlops.azure.plugins.module_utils._audit_report import render

_FILTER = "mlops.azure.audit_report"


def _audit_report(audit, output_format, title="mlops.azure security baseline audit"):
    try:
        return render(audit, output_format, title)
    except AuditError as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.audit_report filter."""

    def filters(self):
        return {"audit_report": _audit_report}
