# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render an audit (what ``_audit.evaluate`` returns) as a readable summary, Markdown, or JUnit XML.

Pure functions of their input: no clock, no Ansible, no Azure, so a report is the same for the same audit.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible_collections.mlops.azure.plugins.module_utils._audit import STATUSES, AuditError, show

FORMATS = ("text", "markdown", "junit")
_LABEL = {"pass": "PASS", "fail": "FAIL", "exception": "EXCEPTION", "not_applicable": "N/A"}
_ORDER = dict((status, index) for index, status in enumerate(STATUSES))


def _check(audit):
    if not isinstance(audit, dict) or not isinstance(audit.get("results"), list):
        raise AuditError("the input must be an audit (what mlops.azure.audit_baseline returns)")
    return audit


def _verdict(audit):
    if audit["failed"]:
        return "FAILED: {} rule result(s) fail at or above severity {}".format(len(audit["blocking"]), audit["fail_on"])
    fails = audit["counts"].get("fail", 0)
    if fails:
        return f"PASSED: {fails} rule result(s) fail, all below severity {audit['fail_on']}"
    return "PASSED: no rule fails"


def _counts(audit):
    counts = audit["counts"]
    return ", ".join(f"{counts.get(status, 0)} {status.replace('_', ' ')}" for status in STATUSES)


def _ordered(results):
    """Failures first, then exceptions, passes and the rules that do not apply; the rule table's order within."""
    return sorted(results, key=lambda item: _ORDER.get(item["status"], len(_ORDER)))


def text(audit, title):
    """The summary as lines: one per (rule, resource), then the verdict."""
    audit = _check(audit)
    lines = [f"{title}: environment {audit['environment']}, fail on {audit['fail_on']} and above"]
    for item in _ordered(audit["results"]):
        lines.append(f"{_LABEL[item['status']]:<9} {item['severity']:<8} {item['message']}")
    for item in audit["unused_exceptions"]:
        lines.append(f"UNUSED    exception {item['id']} matched no failing result (remove it?): {item['reason']}")
    lines.append(f"{_verdict(audit)} ({_counts(audit)})")
    return lines


def _cell(value):
    return show(value).replace("|", "\\|").replace("\n", " ")


def _ids(item):
    return ", ".join(f"`{rule_id}`" for rule_id in item["ids"])


def markdown(audit, title):
    """A Markdown report: the verdict, the counts, the failures, the exceptions and every result."""
    audit = _check(audit)
    out = [f"# {title}", ""]
    out.append(f"**{_verdict(audit)}**")
    out.append("")
    out.append(f"Environment `{audit['environment']}`; the run fails on severity `{audit['fail_on']}` and above.")
    out.append("")
    out.append("| Pass | Fail | Exception | Not applicable |")
    out.append("|---:|---:|---:|---:|")
    counts = audit["counts"]
    out.append(f"| {counts['pass']} | {counts['fail']} | {counts['exception']} | {counts['not_applicable']} |")
    out.append("")

    failures = [item for item in audit["results"] if item["status"] == "fail"]
    if failures:
        out += [
            "## Failures",
            "",
            "| Severity | Rule | Resource | Property | Found | Expected |",
            "|---|---|---|---|---|---|",
        ]
        for item in failures:
            out.append(
                f"| {item['severity']} | {_ids(item)} | {_cell(item['resource'])} | `{item['property']}` | "
                f"{_cell(item['found'])} | {_cell(item['expected'])} |"
            )
        out.append("")

    exceptions = [item for item in audit["results"] if item["status"] == "exception"]
    if exceptions or audit["unused_exceptions"]:
        out += ["## Accepted exceptions", ""]
        if exceptions:
            out += ["| Rule | Resource | Found | Expected | Declared as | Reason |", "|---|---|---|---|---|---|"]
            for item in exceptions:
                out.append(
                    f"| {_ids(item)} | {_cell(item['resource'])} | {_cell(item['found'])} | "
                    f"{_cell(item['expected'])} | `{item['exception']['id']}` | {_cell(item['exception']['reason'])} |"
                )
            out.append("")
        for item in audit["unused_exceptions"]:
            out.append(f"- Declared but matched no failing result: `{item['id']}` ({_cell(item['reason'])})")
        if audit["unused_exceptions"]:
            out.append("")

    out += [
        "## Every result",
        "",
        "| Status | Severity | Rule | Resource | Property | Found | Expected |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in _ordered(audit["results"]):
        found = item["note"] if item["status"] == "not_applicable" else item["found"]
        out.append(
            f"| {_LABEL[item['status']]} | {item['severity']} | {_ids(item)} | {_cell(item['resource'])} | "
            f"`{item['property']}` | {_cell(found)} | {_cell(item['expected'])} |"
        )
    out.append("")
    return "\n".join(out)


def junit(audit, title):
    """JUnit XML: one test case per (rule, resource); a failure is a <failure>, an accepted exception and a rule that
    does not apply are <skipped> with the reason, so a CI server shows them and counts only the failures."""
    audit = _check(audit)
    results = audit["results"]
    counts = audit["counts"]
    suites = ET.Element(
        "testsuites",
        name="mlops.azure security baseline audit",
        tests=str(len(results)),
        failures=str(counts.get("fail", 0)),
        skipped=str(counts.get("exception", 0) + counts.get("not_applicable", 0)),
        errors="0",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=title,
        tests=str(len(results)),
        failures=str(counts.get("fail", 0)),
        skipped=str(counts.get("exception", 0) + counts.get("not_applicable", 0)),
        errors="0",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="environment", value=audit["environment"])
    ET.SubElement(properties, "property", name="fail_on", value=audit["fail_on"])
    ET.SubElement(properties, "property", name="verdict", value=_verdict(audit))
    for item in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{title}.{item['resource_type']}",
            name=f"{item['rule']} [{', '.join(item['ids'][1:]) or 'no external id'}] {item['resource'] or '-'}",
        )
        if item["status"] == "fail":
            failure = ET.SubElement(case, "failure", message=item["message"], type=item["severity"])
            failure.text = (
                f"{item['title']}\nResource: {item['resource_id'] or item['resource']}\n"
                f"Property: {item['property']}\nFound: {show(item['found'])}\nExpected: {show(item['expected'])}\n"
                f"Rule ids: {', '.join(item['ids'])}\n"
                f"Azure Policy: {'; '.join(item['references']['policy']) or '-'}"
            )
        elif item["status"] == "exception":
            ET.SubElement(case, "skipped", message=f"accepted exception: {item['message']}")
        elif item["status"] == "not_applicable":
            ET.SubElement(case, "skipped", message=f"not applicable: {item['note']}")
    if hasattr(ET, "indent"):  # Python 3.9 and later: one element per line, for people who open the file
        ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render(audit, output_format, title):
    if output_format not in FORMATS:
        raise AuditError(f"format '{output_format}' is not one of {', '.join(FORMATS)}")
    return {"text": text, "markdown": markdown, "junit": junit}[output_format](audit, title)
