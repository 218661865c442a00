"""The collection as its users get it: the Galaxy artifact, and the execution environment built from the checkout.

* ``test_galaxy_artifact_runs_by_fqcn_from_a_clean_virtualenv``: ``ansible-galaxy collection build``, a new
  virtual environment holding only ``requirements.txt`` (pip from the package index, pip's cache reused), the
  artifact installed with that environment's ``ansible-galaxy`` into an empty collections path, ``ansible-doc``
  for every module, filter, test and role, then ``ansible-playbook mlops.azure.mlops`` and
  ``mlops.azure.teardown`` by FQCN from a folder outside the repository, against the ARM emulator.
* ``test_execution_environment_*``: ``ansible-builder create`` on ``execution-environment.yml``, then the
  build's galaxy and introspection steps replayed outside a container: the collection the image would hold is
  the Galaxy artifact's, and the only Python requirements it would install are ``requirements.txt``'s.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

import pytest
import yaml
from azure.mgmt.resource.resources import ResourceManagementClient

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
RUNTIME_REQUIREMENTS = os.path.join(REPO, "requirements.txt")
EE_DEFINITION = os.path.join(REPO, "execution-environment.yml")

# Top-level folders of the artifact that the execution environment does not need (documentation, examples,
# sample inventories: an AWX job takes its inventory from the project; molecule scenarios). Any other folder
# must be in the image.
NOT_NEEDED_AT_RUN_TIME = {"changelogs", "docs", "extensions", "inventories", "scripts"}

PIP_TIMEOUT = 900
PLAY_TIMEOUT = 900


def clean_env(**extra) -> dict:
    """The process environment minus anything that points Ansible, Azure or Python at this checkout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANSIBLE_", "AZURE_", "ARM_EMULATOR_"))
        and key not in ("REQUESTS_CA_BUNDLE", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    # No folder of this checkout's virtualenv on PATH: the commands under test come from elsewhere.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != BIN)
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="false")
    env.update(extra)
    return env


def run(args, *, cwd, env, timeout=300, check=True):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def requirement_lines(path: str) -> list[str]:
    lines = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                lines.append(line)
    return lines


def galaxy_version() -> str:
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)["version"]


def recap(stdout: str, host: str) -> dict:
    match = re.search(rf"^{re.escape(host)}\s*:\s*(.+)$", stdout, re.MULTILINE)
    assert match, f"no PLAY RECAP line for {host}:\n{stdout[-4000:]}"
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}


def installed_files(collections_path: str) -> dict:
    """name -> sha256 of every file ansible-galaxy installed (from the collection's FILES.json)."""
    root = os.path.join(collections_path, "ansible_collections", "mlops", "azure")
    with open(os.path.join(root, "FILES.json"), encoding="utf-8") as fh:
        files = json.load(fh)["files"]
    return {entry["name"]: entry["chksum_sha256"] for entry in files if entry["ftype"] == "file"}


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    """``ansible-galaxy collection build`` of this checkout, into a folder of its own."""
    out = tmp_path_factory.mktemp("galaxy-artifact")
    home = tmp_path_factory.mktemp("ansible-home")
    run(
        [os.path.join(BIN, "ansible-galaxy"), "collection", "build", REPO, "--output-path", str(out)],
        cwd=str(out),
        env=clean_env(ANSIBLE_HOME=str(home)),
    )
    (path,) = glob.glob(str(out / "mlops-azure-*.tar.gz"))
    return path


def test_artifact_ships_the_collection_and_nothing_of_the_workbench(artifact):
    with tarfile.open(artifact) as tar:
        names = set(tar.getnames())
    for required in (
        "MANIFEST.json",
        "FILES.json",
        "requirements.txt",
        "meta/runtime.yml",
        "meta/execution-environment.yml",
        "playbooks/mlops.yml",
        "playbooks/teardown.yml",
    ):
        assert required in names, f"{required} is not in the artifact"
    for module in glob.glob(os.path.join(REPO, "plugins", "modules", "*.py")):
        assert f"plugins/modules/{os.path.basename(module)}" in names
    for role in os.listdir(os.path.join(REPO, "roles")):
        assert f"roles/{role}/meta/argument_specs.yml" in names, f"role {role} has no argument spec in the artifact"
    # Nothing of the workbench: no test suite, no emulator, and no hidden folder (a virtualenv, caches, or the
    # `.emulator/` state that `make demo` leaves, with the emulator's private keys and secret).
    workbench = {"tests", "emulator", "build", "dist", "context"}
    leaked = sorted(n for n in names if n.split("/")[0] in workbench or n.startswith("."))
    assert not leaked, f"the artifact carries the workbench (add it to build_ignore in galaxy.yml): {leaked[:10]}"


def test_galaxy_artifact_runs_by_fqcn_from_a_clean_virtualenv(artifact, clean_emulator, tmp_path):
    timings = {}
    venv = tmp_path / "venv"
    collections = tmp_path / "collections"
    home = tmp_path / "ansible-home"
    work = tmp_path / "work"
    for folder in (collections, home, work):
        folder.mkdir()
    assert not str(work).startswith(REPO + os.sep)

    # 1. A clean virtual environment with the runtime requirements only.
    started = time.monotonic()
    run([sys.executable, "-m", "venv", str(venv)], cwd=str(work), env=clean_env())
    vbin = venv / "bin"
    run(
        [
            str(vbin / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            RUNTIME_REQUIREMENTS,
        ],
        cwd=str(work),
        env=clean_env(),
        timeout=PIP_TIMEOUT,
    )
    timings["venv + pip install -r requirements.txt"] = time.monotonic() - started
    frozen = run([str(vbin / "python"), "-m", "pip", "list", "--format", "json"], cwd=str(work), env=clean_env())
    installed = {p["name"].lower() for p in json.loads(frozen.stdout)}
    assert "ansible-core" in installed and "azure-identity" in installed
    assert not installed & {"azure-cli", "azure-cli-core", "msrestazure", "ansible", "ansible-runner", "pytest"}, (
        installed
    )

    env = clean_env(
        PATH=os.pathsep.join([str(vbin), clean_env()["PATH"]]),
        ANSIBLE_HOME=str(home),
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
    )

    # 2. The artifact into an empty collections path, with that environment's ansible-galaxy.
    started = time.monotonic()
    run(
        [str(vbin / "ansible-galaxy"), "collection", "install", artifact, "-p", str(collections)],
        cwd=str(work),
        env=env,
    )
    listing = run(
        [str(vbin / "ansible-galaxy"), "collection", "list", "mlops.azure", "--format", "json"], cwd=str(work), env=env
    )
    assert json.loads(listing.stdout) == {
        str(collections / "ansible_collections"): {"mlops.azure": {"version": galaxy_version()}}
    }
    timings["ansible-galaxy collection install"] = time.monotonic() - started

    # 3. ansible-doc for every module, filter, test and role.
    started = time.monotonic()
    expected_modules = {
        f"mlops.azure.{os.path.basename(p)[:-3]}" for p in glob.glob(os.path.join(REPO, "plugins", "modules", "*.py"))
    }
    expected_roles = {f"mlops.azure.{name}" for name in os.listdir(os.path.join(REPO, "roles"))}
    wanted = {
        "module": expected_modules,
        "filter": {"mlops.azure.name_errors", "mlops.azure.resource_name", "mlops.azure.unique_string"},
        "test": {"mlops.azure.valid_resource_name"},
        "role": expected_roles,
    }
    for plugin_type, names in wanted.items():
        listed = json.loads(
            run(
                [str(vbin / "ansible-doc"), "-t", plugin_type, "-l", "mlops.azure", "--json"], cwd=str(work), env=env
            ).stdout
        )
        assert names <= set(listed), f"ansible-doc -t {plugin_type} -l misses {sorted(names - set(listed))}"
        if plugin_type == "module":
            assert set(listed) == names, f"modules listed but not in plugins/modules: {sorted(set(listed) - names)}"
        docs = json.loads(
            run(
                [str(vbin / "ansible-doc"), "-t", plugin_type, "--json", *sorted(listed)], cwd=str(work), env=env
            ).stdout
        )
        for name in listed:
            assert name in docs and docs[name], f"ansible-doc -t {plugin_type} {name} printed nothing"
            if plugin_type != "role":
                assert docs[name].get("doc", {}).get("short_description"), f"{name} has no short_description"
    timings["ansible-doc"] = time.monotonic() - started

    # 4. The playbooks by FQCN, from outside the repository, with the user's own inventory (a copy of local's).
    shutil.copytree(os.path.join(REPO, "inventories", "local"), work / "inventory")
    play_env = dict(env, **clean_emulator.env)
    started = time.monotonic()
    converge = run(
        [str(vbin / "ansible-playbook"), "mlops.azure.mlops", "-i", "inventory"],
        cwd=str(work),
        env=play_env,
        timeout=PLAY_TIMEOUT,
    )
    timings["ansible-playbook mlops.azure.mlops"] = time.monotonic() - started
    stats = recap(converge.stdout, "mlops-local")
    assert stats["failed"] == 0 and stats["unreachable"] == 0 and stats["changed"] > 0, converge.stdout[-6000:]

    resources = clean_emulator.client(ResourceManagementClient)
    stack = [g.name for g in resources.resource_groups.list() if (g.tags or {}).get("environment") == "local"]
    assert len(stack) == 1, f"expected one stack resource group, found {stack}"
    kinds = {r.type.lower() for r in resources.resources.list_by_resource_group(stack[0])}
    for kind in (
        "microsoft.keyvault/vaults",
        "microsoft.storage/storageaccounts",
        "microsoft.operationalinsights/workspaces",
        "microsoft.insights/components",
        "microsoft.network/virtualnetworks",
    ):
        assert kind in kinds, f"{kind} missing from {stack[0]}: {sorted(kinds)}"

    started = time.monotonic()
    teardown = run(
        [str(vbin / "ansible-playbook"), "mlops.azure.teardown", "-i", "inventory"],
        cwd=str(work),
        env=play_env,
        timeout=PLAY_TIMEOUT,
    )
    timings["ansible-playbook mlops.azure.teardown"] = time.monotonic() - started
    assert recap(teardown.stdout, "mlops-local")["failed"] == 0, teardown.stdout[-6000:]
    assert not resources.resource_groups.check_existence(stack[0]), "teardown left the stack's resource group"

    print("\n" + "\n".join(f"  {label}: {seconds:.1f}s" for label, seconds in timings.items()))


# --- execution environment ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def build_context(tmp_path_factory):
    context = tmp_path_factory.mktemp("ee-context")
    proc = run(
        [
            os.path.join(BIN, "ansible-builder"),
            "create",
            "-f",
            EE_DEFINITION,
            "-c",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        cwd=str(context),
        env=clean_env(),
    )
    assert "Complete!" in proc.stdout, proc.stdout
    return context


def test_execution_environment_create_makes_a_build_context(build_context):
    containerfile = (build_context / "Containerfile").read_text()
    assert "FROM $EE_BASE_IMAGE AS base" in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile
    galaxy = yaml.safe_load((build_context / "_build" / "requirements.yml").read_text())
    assert galaxy == {"collections": [{"name": "./collection", "type": "dir"}]}
    assert (build_context / "_build" / "collection" / "galaxy.yml").is_file()
    assert not (build_context / "_build" / "collection" / ".venv").exists()

    with open(EE_DEFINITION, encoding="utf-8") as fh:
        definition = yaml.safe_load(fh)
    core = [line for line in requirement_lines(RUNTIME_REQUIREMENTS) if line.startswith("ansible-core")]
    assert [definition["dependencies"]["ansible_core"]["package_pip"]] == core, (
        "the EE's ansible-core is requirements.txt's"
    )


def test_execution_environment_holds_the_artifact_and_only_the_runtime_requirements(build_context, artifact, tmp_path):
    env = clean_env(ANSIBLE_HOME=str(tmp_path / "home"), ANSIBLE_GALAXY_DISABLE_GPG_VERIFY="1")
    # The image's galaxy stage: `COPY _build /build`, `WORKDIR /build`, then this command.
    in_image = tmp_path / "image-collections"
    run(
        [
            os.path.join(BIN, "ansible-galaxy"),
            "collection",
            "install",
            "-r",
            "requirements.yml",
            "--collections-path",
            str(in_image),
        ],
        cwd=str(build_context / "_build"),
        env=env,
    )
    from_galaxy = tmp_path / "galaxy-collections"
    run(
        [os.path.join(BIN, "ansible-galaxy"), "collection", "install", artifact, "-p", str(from_galaxy)],
        cwd=str(tmp_path),
        env=env,
    )

    image_files, galaxy_files = installed_files(str(in_image)), installed_files(str(from_galaxy))
    # (Hidden folders that leak into the artifact are test_artifact_ships_the_collection_...'s to report.)
    top_levels = {name.split("/")[0] for name in galaxy_files if "/" in name and not name.startswith(".")}
    missing_folders = sorted(top_levels - NOT_NEEDED_AT_RUN_TIME - {n.split("/")[0] for n in image_files if "/" in n})
    assert not missing_folders, (
        f"the Galaxy artifact ships {missing_folders} but execution-environment.yml does not copy them: "
        "add them to additional_build_files (or to NOT_NEEDED_AT_RUN_TIME here if no job needs them)"
    )

    def at_run_time(name):
        # Everything in the folders a job loads from, and the requirements meta/execution-environment.yml names.
        top = name.split("/")[0]
        return name == "requirements.txt" or ("/" in name and top not in NOT_NEEDED_AT_RUN_TIME and top[0] != ".")

    runtime = {n: c for n, c in galaxy_files.items() if at_run_time(n)}
    image_runtime = {n: c for n, c in image_files.items() if at_run_time(n)}
    assert image_runtime == runtime, sorted(set(image_runtime.items()) ^ set(runtime.items()))[:20]

    # The builder stage: introspection of the installed collections decides what pip installs in the image.
    introspected = run(
        [sys.executable, str(build_context / "_build" / "scripts" / "introspect.py"), "introspect", str(in_image)],
        cwd=str(tmp_path),
        env=env,
    )
    found = yaml.safe_load(introspected.stdout)
    python = [line.split("#", 1)[0].strip() for line in found["python"]]
    expected = [line for line in requirement_lines(RUNTIME_REQUIREMENTS) if not line.startswith("ansible-core")]
    assert python == expected, "the image installs exactly requirements.txt (ansible-core comes from dependencies)"
    assert not found.get("system"), found
