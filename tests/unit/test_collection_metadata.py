"""Collection metadata stays in step with the plugins that exist."""

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _modules():
    return sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def test_azure_action_group_lists_every_module():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    group = runtime["action_groups"]["azure"] or []
    assert sorted(group) == _modules(), "meta/runtime.yml action_groups.azure must list exactly plugins/modules/"


def test_every_module_runs_through_the_collection_action_plugin():
    actions = sorted(p.stem for p in (ROOT / "plugins" / "action").glob("*.py"))
    assert actions == _modules(), "plugins/action/ must hold one file per module in plugins/modules/"
    for name in actions:
        text = (ROOT / "plugins" / "action" / f"{name}.py").read_text()
        assert "class ActionModule(AzureModuleAction):" in text and f"mlops.azure.{name} " in text, name


def test_galaxy_build_ignore_keeps_tooling_out():
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    ignored = set(galaxy["build_ignore"])
    for path in ("emulator", "tests", ".venv", ".collections", ".ci", "Makefile", "requirements-dev.txt"):
        assert path in ignored, path


def test_built_artifact_holds_no_tooling(tmp_path):
    import subprocess
    import sys
    import tarfile

    galaxy = pathlib.Path(sys.executable).parent / "ansible-galaxy"
    subprocess.run(
        [str(galaxy), "collection", "build", "--output-path", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (artifact,) = tmp_path.glob("mlops-azure-*.tar.gz")
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    assert "galaxy.yml" not in names and "MANIFEST.json" in names
    forbidden = ("emulator/", "tests/", ".venv/", ".collections/", ".ci/", "build/", "__pycache__", ".pytest_cache")
    leaked = [n for n in names if any(n.startswith(f) or "/" + f in n or n == f.rstrip("/") for f in forbidden)]
    assert leaked == []
    assert "meta/runtime.yml" in names and "README.md" in names
