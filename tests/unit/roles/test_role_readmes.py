"""Each role's README lists the variables the role sets for the tasks after it: what its tasks register or set
as facts, and what the task files it includes from ``mlops.azure.shared`` register."""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks").is_dir())
SECTIONS = ("## Variables it sets", "## Registered variables")


def _tasks(path):
    for task in yaml.safe_load(path.read_text()) or []:
        yield task
        for key in ("block", "rescue", "always"):
            yield from task.get(key) or []


def variables_set(role):
    """What the role's tasks register or set as facts, and what the shared task files they include register."""
    found = set()
    for path in sorted((ROOT / "roles" / role / "tasks").glob("*.yml")):
        for task in _tasks(path):
            if task.get("register"):
                found.add(task["register"])
            facts = task.get("ansible.builtin.set_fact") or task.get("set_fact")
            if isinstance(facts, dict):
                found.update(key for key in facts if key != "cacheable")
            include = task.get("ansible.builtin.include_role") or {}
            if include.get("name") == "mlops.azure.shared":
                shared = ROOT / "roles" / "shared" / "tasks" / (include["tasks_from"] + ".yml")
                found.update(inner["register"] for inner in _tasks(shared) if inner.get("register"))
    return found


def variables_documented(readme_text):
    """The variable names in the first column of the README's table of variables the role sets."""
    for title in SECTIONS:
        if title in readme_text:
            section = readme_text.split(title, 1)[1].split("\n## ", 1)[0]
            return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))
    return None


def test_the_reader_sees_registers_facts_and_shared_includes():
    assert {"key_vault_result", "shared_diagnostic_setting_result"} <= variables_set("key_vault")
    assert "preflight_names" in variables_set("preflight")
    text = "## Variables it sets\n\n| Variable | Set when |\n|---|---|\n| `a_result` | always |\n\n## Example\n| `b` |"
    assert variables_documented(text) == {"a_result"}


@pytest.mark.parametrize("role", ROLES)
def test_readme_lists_the_variables_the_role_sets(role):
    documented = variables_documented((ROOT / "roles" / role / "README.md").read_text())
    assert documented is not None, f"roles/{role}/README.md has no section {SECTIONS[0]!r}"
    assert documented == variables_set(role)
