"""module_utils files import each other without a cycle, counting the imports made inside functions too."""

from __future__ import annotations

import ast
import os

MODULE_UTILS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))),
    "plugins",
    "module_utils",
)
PACKAGE = "ansible_collections.mlops.azure.plugins.module_utils"


def imported_siblings(source):
    """The module_utils files (``_x``) a file's source imports, wherever the import stands."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PACKAGE:
                found.update(alias.name for alias in node.names)
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module[len(PACKAGE) + 1 :].split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name[len(PACKAGE) + 1 :].split(".")[0])
    return found


def import_graph(folder):
    graph = {}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".py") and entry != "__init__.py":
            with open(os.path.join(folder, entry), encoding="utf-8") as handle:
                graph[entry[:-3]] = imported_siblings(handle.read())
    return graph


def find_cycle(graph):
    """One import cycle as a list of names (first name repeated at the end), or None."""
    state = {}
    stack = []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            cycle = visit(name)
            if cycle:
                return cycle
    return None


def test_the_walker_sees_lazy_imports_and_cycles():
    source = f"def f():\n    from {PACKAGE}._b import x\n"
    assert imported_siblings(source) == {"_b"}
    assert find_cycle({"_a": {"_b"}, "_b": {"_c"}, "_c": {"_a"}}) == ["_a", "_b", "_c", "_a"]
    assert find_cycle({"_a": {"_b"}, "_b": set()}) is None


def test_module_utils_have_no_import_cycle():
    graph = import_graph(MODULE_UTILS)
    assert "_azure_module" in graph and "_rest" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
