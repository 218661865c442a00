"""playbooks/mlops.yml gives the preflight every role it includes, with the very mapping the role gets."""

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _play():
    (play,) = yaml.safe_load((ROOT / "playbooks" / "mlops.yml").read_text())
    return play


def _includes(play):
    return [task for task in play["tasks"] if "ansible.builtin.include_role" in task]


def test_every_included_role_is_checked_by_the_preflight_with_its_own_arguments():
    play = _play()
    preflight, *others = _includes(play)
    assert preflight["ansible.builtin.include_role"]["name"] == "mlops.azure.preflight"
    checked = {item["role"]: item for item in preflight["vars"]["preflight_roles"]}
    # A role run in two halves (tasks_from: start, then tasks_from: finish) is included twice, with the same mapping.
    included = {task["ansible.builtin.include_role"]["name"] for task in others}
    assert sorted(checked) == sorted(included), "each role the playbook includes is in preflight_roles, and only those"
    for task in others:
        item = checked[task["ansible.builtin.include_role"]["name"]]
        assert task["vars"] == play["vars"][item["arguments"]], f"{item['role']} gets what the preflight checks"


def test_a_role_the_playbook_may_skip_is_skipped_by_the_preflight_on_the_same_condition():
    play = _play()
    preflight, *others = _includes(play)
    checked = {item["role"]: item for item in preflight["vars"]["preflight_roles"]}
    for task in others:
        item = checked[task["ansible.builtin.include_role"]["name"]]
        if "when" not in task:
            assert "enabled" not in item
            continue
        condition = task["when"].removesuffix(" | bool")
        assert item["enabled"] == "{{ " + condition + " }}", item["role"]
