"""The module wrapper: auth options, its cloud, credentials, clients and Azure errors as failures, without a network."""

from __future__ import annotations

import base64
import contextlib
import json

import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mlops.azure.plugins.module_utils import _azure_module as am
from ansible_collections.mlops.azure.plugins.module_utils import _cloud as cl
from ansible_collections.mlops.azure.plugins.module_utils import _rest as rs
from azure.core.exceptions import (
    ResourceNotFoundError,
)
from azure_fakes import EMULATOR_METADATA, FakeModule, arm_error

AUTH_ENV = (
    "AZURE_SUBSCRIPTION_ID",
    "AZURE_CLIENT_ID",
    "AZURE_SECRET",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT",
    "AZURE_TENANT_ID",
    "AZURE_CLOUD_ENVIRONMENT",
)


_OPEN = contextlib.ExitStack()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in AUTH_ENV:
        monkeypatch.delenv(name, raising=False)
    with _OPEN:
        yield


def make_module(args=None, spec=None, check_mode=False):
    args = dict(args or {})
    if check_mode:
        args["_ansible_check_mode"] = True
    # The module args (and the JSON profile fail_json needs) stay patched until the test ends.
    _OPEN.enter_context(patch_module_args(args))
    module = am.AzureModule(argument_spec=spec or {}, supports_check_mode=True)
    module.warnings_seen = []
    module.warn = module.warnings_seen.append
    return module


def run_failing(capsys, func):
    with pytest.raises(SystemExit):
        func()
    return json.loads(capsys.readouterr().out)


# --------------------------------------------------------------------------------------------- options


def test_auth_options_read_their_environment_fallbacks(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "sub")
    monkeypatch.setenv("AZURE_CLIENT_ID", "app")
    monkeypatch.setenv("AZURE_SECRET", "awx-secret")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "sdk-secret")
    monkeypatch.setenv("AZURE_TENANT_ID", "tenant-b")
    monkeypatch.setenv("AZURE_CLOUD_ENVIRONMENT", "AzureUSGovernment")
    module = make_module()
    assert module.params["subscription_id"] == "sub"
    assert module.params["client_id"] == "app"
    assert module.params["secret"] == "awx-secret", "AZURE_SECRET (as AWX injects it) comes first"
    assert module.params["tenant"] == "tenant-b"
    assert module.cloud.name == "AzureUSGovernment"


def test_secret_is_no_log_and_cloud_defaults_to_public():
    assert am.AZURE_AUTH_ARGSPEC["secret"]["no_log"] is True
    module = make_module()
    assert module.cloud is cl.KNOWN_CLOUDS["azurecloud"]
    assert module.cloud.scope == "https://management.azure.com/.default"


def test_missing_subscription_fails_clearly(capsys):
    module = make_module()
    result = run_failing(capsys, lambda: module.subscription_id)
    assert "AZURE_SUBSCRIPTION_ID" in result["msg"]


# --------------------------------------------------------------------------------------------- clouds


def test_bad_cloud_fails_the_module(capsys):
    module = make_module({"cloud_environment": "http://example.test"})
    result = run_failing(capsys, lambda: module.cloud)
    assert result["msg"].startswith("cloud_environment:")


# --------------------------------------------------------------------------------------------- credentials


def _custom(module):
    module._cloud = cl.cloud_from_metadata("https://127.0.0.1:8443", EMULATOR_METADATA)
    return module


def test_service_principal_uses_client_secret_credential(monkeypatch):
    from azure import identity

    captured = {}

    class Recorder:
        def __init__(self, tenant, client_id, secret, **kwargs):
            captured.update(tenant=tenant, client_id=client_id, secret=secret, **kwargs)

    monkeypatch.setattr(identity, "ClientSecretCredential", Recorder)
    module = _custom(make_module({"client_id": "app", "secret": "s3cret", "tenant": "t1"}))
    assert isinstance(module.credential, Recorder)
    assert captured == {
        "tenant": "t1",
        "client_id": "app",
        "secret": "s3cret",
        "authority": "https://127.0.0.1:8443/login",
        "disable_instance_discovery": True,
    }


def test_public_cloud_keeps_instance_discovery(monkeypatch):
    from azure import identity

    captured = {}
    monkeypatch.setattr(identity, "ClientSecretCredential", lambda *a, **k: captured.update(k) or object())
    module = make_module({"client_id": "app", "secret": "s", "tenant": "t"})
    module.credential  # noqa: B018
    assert captured["disable_instance_discovery"] is False
    assert captured["authority"] == "https://login.microsoftonline.com"


def test_without_secret_the_default_chain_is_used(monkeypatch):
    from azure import identity

    captured = {}

    class Recorder:
        def __init__(self, **kwargs):
            captured.update(kwargs)

    monkeypatch.setattr(identity, "DefaultAzureCredential", Recorder)
    module = make_module({"client_id": "mi-client"})
    assert isinstance(module.credential, Recorder)
    assert captured["managed_identity_client_id"] == "mi-client"
    assert captured["exclude_powershell_credential"] and captured["exclude_shared_token_cache_credential"]
    assert "exclude_cli_credential" not in captured, "the Azure CLI login stays in the chain"
    assert "exclude_environment_credential" not in captured
    assert "exclude_managed_identity_credential" not in captured
    assert "exclude_workload_identity_credential" not in captured


def test_secret_without_tenant_fails(capsys):
    module = make_module({"client_id": "app", "secret": "s"})
    result = run_failing(capsys, lambda: module.credential)
    assert "tenant" in result["msg"] and "s3cret" not in json.dumps(result)


def test_tenant_from_token_claims():
    claims = base64.urlsafe_b64encode(json.dumps({"tid": "tenant-from-token"}).encode()).decode().rstrip("=")

    class Token:
        token = "h." + claims + ".sig"

    class Credential:
        def get_token(self, *scopes):
            assert scopes == ("https://management.azure.com/.default",)
            return Token()

    module = make_module()
    module._credential = Credential()
    assert module.tenant_id == "tenant-from-token"
    assert make_module({"tenant": "explicit"}).tenant_id == "explicit"
    assert rs.decode_jwt_claims("not-a-jwt") == {}


# --------------------------------------------------------------------------------------------- clients


class FakeClient:
    def __init__(self, **kwargs):
        self.kwargs = kwargs


def test_client_gets_base_url_scope_and_is_reused():
    module = _custom(make_module({"subscription_id": "sub"}))
    module._credential = object()
    client = module.client(FakeClient)
    assert client.kwargs["base_url"] == "https://127.0.0.1:8443"
    assert client.kwargs["credential_scopes"] == ["https://127.0.0.1:8443/.default"]
    assert client.kwargs["subscription_id"] == "sub"
    assert client.kwargs["credential"] is module._credential
    # an operation answered without Retry-After is polled every 2 s, not azure-core's 30
    assert client.kwargs["polling_interval"] == 2
    # and a throttled request waits its turn (rs.throttling_retry_policy, tested in test_rest.py)
    assert type(client.kwargs["retry_policy"]).__name__ == "ThrottlingRetryPolicy"
    assert module.client(FakeClient) is client
    other = module.client(FakeClient, subscription_id="foreign")
    assert other is not client and other.kwargs["subscription_id"] == "foreign"


def test_missing_sdk_is_a_clear_failure(capsys):
    missing = rs.optional_import("azure.mgmt.does_not_exist", "Client", "azure-mgmt-does-not-exist")
    assert isinstance(missing, rs.MissingSDK) and not missing
    module = make_module({"subscription_id": "sub"})
    result = run_failing(capsys, lambda: module.client(missing))
    assert "azure-mgmt-does-not-exist" in result["msg"]


# --------------------------------------------------------------------------------------------- errors


def test_arm_error_names_resource_code_and_next_step(capsys):
    module = make_module()
    exc = arm_error(
        ResourceNotFoundError,
        404,
        "ResourceGroupNotFound",
        "Resource group 'rg1' could not be found.",
        headers={"x-ms-request-id": "req-1"},
    )

    def fail():
        with module.azure_errors("create", "key vault 'kv1'"):
            raise exc

    result = run_failing(capsys, fail)
    assert result["failed"]
    assert result["msg"].startswith("Could not create key vault 'kv1': Azure answered 404 ResourceGroupNotFound:")
    assert "mlops.azure.resource_group" in result["msg"]
    assert result["azure_error"]["code"] == "ResourceGroupNotFound"
    assert result["azure_error"]["request_id"] == "req-1"
    assert "exception" not in result, "no traceback reaches the user"


def test_other_exceptions_are_not_swallowed():
    module = make_module()
    with pytest.raises(KeyError), module.azure_errors("read", "x"):
        raise KeyError("a bug stays a bug")


def test_read_returns_none_on_404_and_warns_for_a_missing_group():
    module = make_module({"resource_group": "rg1"}, spec={"resource_group": {"type": "str"}})

    def missing_group():
        raise arm_error(ResourceNotFoundError, 404, "ResourceGroupNotFound", "nope")

    def missing():
        raise arm_error(ResourceNotFoundError, 404, "ResourceNotFound", "nope")

    assert module.read("vault", missing) is None
    assert not module.warnings_seen
    assert module.read("vault", missing_group) is None
    assert any("rg1" in warning for warning in module.warnings_seen)
    assert module.read("vault", lambda: {"id": "x"}) == {"id": "x"}


def test_read_can_leave_a_missing_group_unsaid():
    module = make_module({"resource_group": "rg1"}, spec={"resource_group": {"type": "str"}})

    def missing_group():
        raise arm_error(ResourceNotFoundError, 404, "ResourceGroupNotFound", "nope")

    assert module.read("vault", missing_group, warn_missing_group=False) is None
    assert not module.warnings_seen


def test_string_tags():
    assert am.string_tags({"a": 1, "b": None, "c": True}) == {"a": "1", "b": "", "c": "True"}
    assert am.string_tags(None) is None


# --------------------------------------------------------------------------------------------- grouped resources


def test_a_grouped_resource_takes_its_label_and_id_from_its_kind_and_arm_type():
    class Vault(am.GroupedResource):
        kind = "key vault"
        arm_type = "Microsoft.KeyVault/vaults"

    vault = Vault("kv1")
    vault.module = FakeModule(client=None, subscription_id="sub-1")
    vault.resource_group = "rg1"
    assert vault.label == "key vault 'kv1' in resource group 'rg1'"
    assert vault.resource_id == "/subscriptions/sub-1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1"


class _Poller:
    def __init__(self, result):
        self._result = result

    def result(self):
        return self._result


def test_a_failed_operation_status_returned_as_the_result_fails_the_module(capsys):
    from azure.mgmt.storage import models

    # What azure-core hands back for the storage resource provider's 200 answer to the poll of a failed create.
    body = {"status": "Failed", "error": {"code": "NetworkAclsValidationFailure", "message": "Validation failed."}}
    module = make_module()
    result = run_failing(
        capsys, lambda: module.wait("create", "storage account 'st1'", lambda: _Poller(models.StorageAccount(body)))
    )
    assert result["msg"].startswith(
        "storage account 'st1' ended in provisioning state Failed: NetworkAclsValidationFailure: Validation failed."
    )
    assert "What to do" in result["msg"] and "was created" not in result["msg"]
    assert result["provisioning_state"] == "Failed"
    assert result["azure_error"]["code"] == "NetworkAclsValidationFailure"


def test_a_resource_or_nothing_returned_as_the_result_is_a_success():
    from azure.mgmt.storage import models

    module = make_module()
    account = models.StorageAccount({"id": "/x", "name": "st1", "properties": {"provisioningState": "Succeeded"}})
    assert module.wait("create", "storage account 'st1'", lambda: _Poller(account)) is account
    assert module.wait("delete", "registry 'cr1'", lambda: _Poller(None)) is None
