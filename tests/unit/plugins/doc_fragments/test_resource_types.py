"""The resource-type choices of the naming plugins are written once, in a doc fragment equal to the naming table."""

from __future__ import annotations

import importlib

import pytest
import yaml
from ansible_collections.mlops.azure.plugins.doc_fragments.resource_types import ModuleDocFragment
from ansible_collections.mlops.azure.plugins.module_utils._naming import known_types

FRAGMENT = "mlops.azure.resource_types"
NAMING_PLUGINS = [
    "ansible_collections.mlops.azure.plugins.filter.name_errors",
    "ansible_collections.mlops.azure.plugins.filter.resource_name",
    "ansible_collections.mlops.azure.plugins.test.valid_resource_name",
]


def test_fragment_choices_are_the_naming_table():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert options["resource_type"]["choices"] == known_types()


@pytest.mark.parametrize("plugin", NAMING_PLUGINS)
def test_naming_plugins_take_the_choices_from_the_fragment(plugin):
    doc = yaml.safe_load(importlib.import_module(plugin).DOCUMENTATION)
    assert FRAGMENT in doc.get("extends_documentation_fragment", [])
    assert "choices" not in doc["options"]["resource_type"], "the choices are written once, in the fragment"
