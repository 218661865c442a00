"""playbooks/mlops.yml run the way AWX runs a job template, through ansible-runner, against the ARM emulator.

What AWX does for a job (awx/main/tasks/jobs.py, RunJob) and what this test reproduces:

* a fresh private data directory per job, holding ``project/`` (a copy of the project's checkout),
  ``inventory/hosts`` (an executable script printing the inventory as JSON, from AWX's database, where the
  inventory source's import put it: ``ansible-inventory --list --export -i <source>``), ``env/extravars``
  (the job template's extra vars and the survey answers, YAML, every string of an untrusted value tagged
  ``!unsafe``) and ``env/cmdline`` (``-u root``);
* ``ansible_runner.run(private_data_dir=..., playbook=<path in the project>, inventory=..., envvars=...,
  suppress_env_files=True)``: the environment is passed in memory, never written to ``env/envvars``, because it
  holds the credential's secret (AWX's ``AWX_RUNNER_OMIT_ENV_FILES`` defaults to true);
* the environment: what the "Microsoft Azure Resource Manager" credential injects (awx/main/models/credential/
  injectors.py, ``azure_rm``: AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT, and
  AZURE_CLOUD_ENVIRONMENT when the credential's cloud environment field is set), the job's own variables
  (JOB_ID, INVENTORY_ID, ANSIBLE_RETRY_FILES_ENABLED, ...) and ANSIBLE_COLLECTIONS_PATH / ANSIBLE_ROLES_PATH
  built as AWX builds them from the project's ansible.cfg; plus REQUESTS_CA_BUNDLE, which an execution
  environment that trusts a private CA (Azure Stack Hub, here the emulator) sets.

The inventory source is the project's ``inventories/prod/hosts.yml`` (with its group_vars), unchanged: its stack
names subnets that the platform's network team created, so the test creates that network in the emulator first, as
it would exist in Azure.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import uuid

import ansible_runner
import pytest
import yaml
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.models import AddressSpace, ServiceEndpointPropertiesFormat, Subnet, VirtualNetwork
from azure.mgmt.resource.locks import ManagementLockClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# What AWX copies into project/ is the whole checkout; these are left out only because they are large and no
# job reads them (virtualenvs, caches, build output, the test suite and the emulator).
PROJECT_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "context",
    ".emulator",
    ".cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".ansible",
    "__pycache__",
    "*.pyc",
    "tests",
    "emulator",
)

# The network the prod inventory's mlops_subnet_ids points at (inventories/prod/hosts.yml).
NETWORK_GROUP = "rg-network-prod-weu"
NETWORK = "vnet-compute-prod-weu"
SUBNET = "snet-pipelines"

# Values an AWX administrator puts in the job template's extra vars (trusted: may hold templates) ...
TEMPLATE_EXTRA_VARS = {
    "mlops_access": {
        "data_scientists_group_id": "5f0c2a9e-1d6b-4c1e-9a55-0e6f9b7d3a01",
        "pipelines_principal_id": "8b7e4d21-6c3a-4f0e-b2d9-7a1c5e9f4b02",
        "cicd_principal_id": "2d9a6f13-8e4b-4a7c-9c61-3f5b8e2d7c03",
    },
}
# ... and the survey's answers, as AWX stores them: a multiple-choice answer is a string, a multi-select
# answer a list of strings.
SURVEY_ANSWERS = {
    "mlops_container_registry_enabled": "true",
    "mlops_alert_emails": ["mlops-oncall@example.com", "ml-platform@example.com"],
}
# AWX's own job variables (Job.awx_meta_vars); untrusted like the survey's.
META_VARS = {
    "awx_job_template_name": "MLOps stack (prod)",
    "awx_job_launch_type": "manual",
    "awx_inventory_name": "mlops-prod",
    "awx_project_revision": "0" * 40,
    "awx_execution_node": "awx-task",
}
AZURE_CREDENTIAL_VARIABLES = (
    "AZURE_SUBSCRIPTION_ID",
    "AZURE_CLIENT_ID",
    "AZURE_SECRET",
    "AZURE_TENANT",
    "AZURE_CLOUD_ENVIRONMENT",
)


class _UnsafeDumper(yaml.SafeDumper):
    """Writes every string as ``!unsafe``, the way AWX writes extra vars it does not trust."""

    def represent_str(self, data):
        return self.represent_scalar("!unsafe", data)


_UnsafeDumper.add_representer(str, _UnsafeDumper.represent_str)


def awx_extravars_yaml(extra_vars: dict, trusted: dict) -> str:
    """Serialise extra vars as AWX's safe_dump does: a top-level key whose value equals the job template's own
    extra var is written plainly; every other one has each of its strings tagged ``!unsafe``."""
    parts = []
    for key, value in extra_vars.items():
        dumper = yaml.SafeDumper if key in trusted and trusted[key] == value else _UnsafeDumper
        parts.append(yaml.dump({key: value}, Dumper=dumper, default_flow_style=False))
    return "".join(parts)


def clean_environ(monkeypatch):
    """The job's environment is AWX's, not the developer's: drop what a shell or `make` may have exported."""
    for key in list(os.environ):
        if key.startswith(("ANSIBLE_", "AZURE_", "ARM_EMULATOR_")) or key in ("REQUESTS_CA_BUNDLE", "PYTHONPATH"):
            monkeypatch.delenv(key)


def import_inventory(project_dir: str, source_path: str) -> dict:
    """The inventory source sync: AWX runs ``ansible-inventory --list --export`` on the project's file and keeps
    the result (hosts, groups and their variables) in its database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AZURE_"))}
    source = os.path.join(project_dir, source_path)
    playbook_dir = source if os.path.isdir(source) else os.path.dirname(source)
    proc = subprocess.run(
        [os.path.join(BIN, "ansible-inventory"), "--list", "--export", "-i", source, "--playbook-dir", playbook_dir],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"inventory sync failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout)


def awx_collections_path(project_dir: str, private_data_dir: str, setting: str, folder: str, default: str) -> str:
    """ANSIBLE_COLLECTIONS_PATH / ANSIBLE_ROLES_PATH as RunJob.build_env composes them: the job's requirements
    folder, then the project's ansible.cfg value (verbatim, relative paths and all), then AWX's defaults."""
    parser = configparser.ConfigParser()
    parser.read(os.path.join(project_dir, "ansible.cfg"))
    paths = default.split(":")
    configured = parser.get("defaults", setting, fallback=None)
    if configured:
        for path in configured.split(":"):
            if path not in paths:
                paths = [configured] + paths
    return ":".join([os.path.join(private_data_dir, folder)] + paths)


class AwxJob:
    """One job launch: its own private data directory, as AWX makes one per job."""

    def __init__(self, root, job_id: int, emulator, inventory_data: dict):
        self.job_id = job_id
        self.private_data_dir = str(root / f"awx_job_{job_id}_{uuid.uuid4().hex[:6]}")
        self.project_dir = os.path.join(self.private_data_dir, "project")
        for sub in ("inventory", "env", "artifacts"):
            os.makedirs(os.path.join(self.private_data_dir, sub), mode=0o700)
        shutil.copytree(REPO, self.project_dir, symlinks=True, ignore=PROJECT_IGNORE)
        self.inventory = self._write_inventory(inventory_data)
        extra_vars = dict(META_VARS, awx_job_id=job_id, tower_job_id=job_id)
        extra_vars.update(TEMPLATE_EXTRA_VARS)
        extra_vars.update(SURVEY_ANSWERS)
        self._write_private("env", "extravars", awx_extravars_yaml(extra_vars, TEMPLATE_EXTRA_VARS), 0o600)
        self._write_private("env", "cmdline", "-u root", 0o600)
        self.envvars = self._environment(emulator)

    def _write_private(self, sub, name, content, mode):
        path = os.path.join(self.private_data_dir, sub, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.chmod(path, mode)
        return path

    def _write_inventory(self, data: dict) -> str:
        # Inventory.get_script_data(hostvars=True, towervars=True): AWX adds its own host variables.
        data = json.loads(json.dumps(data))
        for number, hostvars in enumerate(data.get("_meta", {}).get("hostvars", {}).values(), start=1):
            hostvars["remote_tower_enabled"] = "true"
            hostvars["remote_tower_id"] = number
        script = f"#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint({json.dumps(data)!r})\n"
        return self._write_private("inventory", "hosts", script, 0o700)

    def _environment(self, emulator) -> dict:
        env = {
            # the job
            "JOB_ID": str(self.job_id),
            "INVENTORY_ID": "1",
            "PROJECT_REVISION": "0" * 40,
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "MAX_EVENT_RES": "700000",
            "AWX_PRIVATE_DATA_DIR": self.private_data_dir,
            "ANSIBLE_SSH_CONTROL_PATH_DIR": os.path.join(self.private_data_dir, "cp"),
            "ANSIBLE_ROLES_PATH": awx_collections_path(
                self.project_dir,
                self.private_data_dir,
                "roles_path",
                "requirements_roles",
                "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles",
            ),
            "ANSIBLE_COLLECTIONS_PATH": awx_collections_path(
                self.project_dir,
                self.private_data_dir,
                "collections_path",
                "requirements_collections",
                "~/.ansible/collections:/usr/share/ansible/collections",
            ),
            # the execution environment: its Python and ansible-core, and the CA it trusts
            "PATH": os.pathsep.join([BIN, os.environ.get("PATH", "/usr/bin:/bin")]),
            "REQUESTS_CA_BUNDLE": emulator.env["REQUESTS_CA_BUNDLE"],
        }
        # the Microsoft Azure Resource Manager credential (service principal, cloud environment field set)
        env.update({key: emulator.env[key] for key in AZURE_CREDENTIAL_VARIABLES})
        return env

    def run(self):
        result = ansible_runner.run(
            private_data_dir=self.private_data_dir,
            ident=str(self.job_id),
            playbook="playbooks/mlops.yml",
            inventory=self.inventory,
            envvars=self.envvars,
            suppress_env_files=True,
            quiet=True,
        )
        self.stdout = ANSI.sub("", result.stdout.read()) if result.stdout else ""
        return result


def create_prod_network(emulator):
    """The network team's VNet and pipelines subnet that inventories/prod names, with the service endpoints."""
    emulator.client(ResourceManagementClient).resource_groups.create_or_update(
        NETWORK_GROUP, {"location": "westeurope"}
    )
    vnet = VirtualNetwork(
        location="westeurope",
        address_space=AddressSpace(address_prefixes=["10.20.0.0/16"]),
        subnets=[
            Subnet(
                name=SUBNET,
                address_prefix="10.20.1.0/24",
                service_endpoints=[
                    ServiceEndpointPropertiesFormat(service="Microsoft.KeyVault"),
                    ServiceEndpointPropertiesFormat(service="Microsoft.Storage"),
                ],
            )
        ],
    )
    emulator.client(NetworkManagementClient).virtual_networks.begin_create_or_update(
        NETWORK_GROUP, NETWORK, vnet
    ).result()
    return (
        f"/subscriptions/{emulator.subscription_id}/resourceGroups/{NETWORK_GROUP}"
        f"/providers/Microsoft.Network/virtualNetworks/{NETWORK}/subnets/{SUBNET}"
    )


def failures(result) -> str:
    return f"status={result.status} rc={result.rc} stats={result.stats}"


def test_job_template_converges_prod_stack_then_changes_nothing(clean_emulator, tmp_path, monkeypatch):
    emulator = clean_emulator
    clean_environ(monkeypatch)
    subnet_id = create_prod_network(emulator)

    # The inventory source sync, once; every job afterwards gets the inventory from AWX's database.
    staging = tmp_path / "project_checkout"
    shutil.copytree(REPO, staging, symlinks=True, ignore=PROJECT_IGNORE)
    inventory_data = import_inventory(str(staging), "inventories/prod/hosts.yml")
    assert "mlops-prod" in inventory_data["_meta"]["hostvars"], inventory_data

    first = AwxJob(tmp_path, 101, emulator, inventory_data)
    assert not os.path.exists(os.path.join(first.private_data_dir, "env", "envvars")), "no secret on disk"
    result = first.run()
    assert result.status == "successful" and result.rc == 0, f"{failures(result)}\n{first.stdout[-8000:]}"
    assert "mlops-prod" in result.stats["ok"]
    assert not result.stats["failures"] and not result.stats["dark"]
    assert result.stats["changed"].get("mlops-prod", 0) > 0, "the first job created the stack"
    assert not os.path.exists(os.path.join(first.private_data_dir, "env", "envvars")), "no secret on disk"

    second = AwxJob(tmp_path, 102, emulator, inventory_data)
    again = second.run()
    assert again.status == "successful" and again.rc == 0, f"{failures(again)}\n{second.stdout[-8000:]}"
    assert again.stats["changed"].get("mlops-prod", 0) == 0, f"the second job changed something:\n{second.stdout}"

    # What the jobs built, read back from the emulator.
    resources = emulator.client(ResourceManagementClient)
    groups = {g.name: g for g in resources.resource_groups.list()}
    stack = [g for g in groups.values() if (g.tags or {}).get("environment") == "prod"]
    shared = [g for g in groups.values() if (g.tags or {}).get("environment") == "shared"]
    assert len(stack) == 1 and len(shared) == 1, sorted(groups)
    stack_group, shared_group = stack[0].name, shared[0].name
    assert stack[0].tags.get("managed-by") == "mlops.azure"
    kinds = {r.type.lower(): r.name for r in resources.resources.list_by_resource_group(stack_group)}
    for kind in (
        "microsoft.keyvault/vaults",
        "microsoft.storage/storageaccounts",
        "microsoft.operationalinsights/workspaces",
        "microsoft.insights/components",
    ):
        assert kind in kinds, f"{kind} missing from {stack_group}: {kinds}"

    vault = emulator.client(KeyVaultManagementClient).vaults.get(stack_group, kinds["microsoft.keyvault/vaults"])
    assert vault.properties.enable_purge_protection is True, "prod turns purge protection on"
    assert vault.properties.soft_delete_retention_in_days == 90
    assert vault.properties.enable_rbac_authorization is True
    assert [rule.id.lower() for rule in vault.properties.network_acls.virtual_network_rules] == [subnet_id.lower()]

    account = emulator.client(StorageManagementClient).storage_accounts.get_properties(
        stack_group, kinds["microsoft.storage/storageaccounts"]
    )
    assert account.sku.name == "Standard_GZRS"
    assert [rule.virtual_network_resource_id.lower() for rule in account.network_rule_set.virtual_network_rules] == [
        subnet_id.lower()
    ]

    locks = emulator.client(ManagementLockClient).management_locks
    assert [lock.level for lock in locks.list_at_resource_group_level(stack_group)] == ["CanNotDelete"]

    registries = list(
        emulator.client(ContainerRegistryManagementClient).registries.list_by_resource_group(shared_group)
    )
    assert len(registries) == 1 and registries[0].admin_user_enabled is False, "the survey turned the registry on"

    assignments = emulator.client(AuthorizationManagementClient).role_assignments
    principals = {a.principal_id for a in assignments.list_for_scope(vault.id)}
    assert TEMPLATE_EXTRA_VARS["mlops_access"]["pipelines_principal_id"] in principals


@pytest.mark.parametrize(
    ("extra_vars", "trusted", "expected"),
    [
        ({"a": "x"}, {}, "!unsafe 'a': !unsafe 'x'\n"),
        ({"a": "x"}, {"a": "x"}, "a: x\n"),
        ({"a": ["x"], "n": 3}, {"a": ["y"]}, "!unsafe 'a':\n- !unsafe 'x'\n!unsafe 'n': 3\n"),
    ],
)
def test_extravars_are_serialised_like_awx(extra_vars, trusted, expected):
    assert awx_extravars_yaml(extra_vars, trusted) == expected
