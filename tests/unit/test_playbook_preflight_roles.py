"""playbooks/mlops.yml gives the preflight every role it includes, with the very mapping the role gets."""

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _play():
    (play,) = yaml.safe_load((ROOT / "playbooks" / "mlops.yml").read_text())
    return play


def _includes(play):
    return [task for task in play["tasks"] if "ansible.builtin.include_role" in task]


def _condition(task):
    """An include's ``when`` as the preflight entry's ``enabled`` writes it (None: always included)."""
    return "{{ " + task["when"].removesuffix(" | bool") + " }}" if "when" in task else None


def _checked(preflight):
    entries = {(item["role"], item.get("enabled")): item for item in preflight["vars"]["preflight_roles"]}
    assert len(entries) == len(preflight["vars"]["preflight_roles"]), "one preflight entry per role and condition"
    return entries


def test_every_included_role_is_checked_by_the_preflight_with_its_own_arguments():
    play = _play()
    preflight, *others = _includes(play)
    assert preflight["ansible.builtin.include_role"]["name"] == "mlops.azure.preflight"
    checked = _checked(preflight)
    # A role run in two halves (tasks_from: start, then tasks_from: finish) is included twice on one condition and
    # checked once; a role included on two conditions (private_dns: create, or remove) is checked once per condition.
    included = {(task["ansible.builtin.include_role"]["name"], _condition(task)) for task in others}
    assert {key[0] for key in included} == {key[0] for key in checked}, "preflight_roles lists the includes, only those"
    for task in others:
        role = task["ansible.builtin.include_role"]["name"]
        items = [item for key, item in checked.items() if key[0] == role]
        assert any(task["vars"] == play["vars"][item["arguments"]] for item in items), f"{role} gets what is checked"


def test_a_role_the_playbook_may_skip_is_skipped_by_the_preflight_on_the_same_condition():
    play = _play()
    preflight, *others = _includes(play)
    checked = _checked(preflight)
    included = {(task["ansible.builtin.include_role"]["name"], _condition(task)) for task in others}
    assert included == set(checked), "each include's condition is its preflight entry's, and each entry has an include"
