"""The opt-in token cache: a service principal's token reused across module processes, encrypted under its secret."""

from __future__ import annotations

import os
import stat

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _token_cache as tc
from azure.core.credentials import AccessToken

AUTHORITY, TENANT, CLIENT, SCOPE = "https://login.example", "tenant-1", "client-1", "https://arm.example/.default"
NOW = 1_800_000_000


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv(tc.TOKEN_CACHE_VARIABLE, "true")
    return tmp_path


class FakeIdentityCredential:
    """Stands for azure-identity's ClientSecretCredential: hands out numbered tokens and counts the requests."""

    def __init__(self, lifetime=3600):
        self.requests = []
        self.lifetime = lifetime

    def get_token(self, *scopes, **kwargs):
        self.requests.append((scopes, kwargs))
        return AccessToken(f"token-{len(self.requests)}", NOW + self.lifetime)


def credential(real, secret="s3cret", now=NOW):
    return tc.CachedClientSecretCredential(lambda: real, AUTHORITY, TENANT, CLIENT, secret, clock=lambda: now)


def cache_files(home):
    folder = home / "mlops.azure"
    return sorted(folder.glob("token-*.bin")) if folder.exists() else []


def test_a_later_process_reuses_the_token_without_building_azure_identity(cache_home):
    real = FakeIdentityCredential()
    assert credential(real).get_token(SCOPE).token == "token-1"

    def must_not_build():
        raise AssertionError("azure-identity was built although a valid token was cached")

    later = tc.CachedClientSecretCredential(must_not_build, AUTHORITY, TENANT, CLIENT, "s3cret", clock=lambda: NOW + 60)
    assert later.get_token(SCOPE) == AccessToken("token-1", NOW + 3600)
    assert len(real.requests) == 1


def test_the_file_holds_no_token_or_secret_in_clear_and_is_private(cache_home):
    credential(FakeIdentityCredential()).get_token(SCOPE)
    (path,) = cache_files(cache_home)
    data = path.read_bytes()
    assert b"token-1" not in data and b"s3cret" not in data and b"expires_on" not in data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "later",
    [
        dict(secret="rotated"),  # another secret: another key, the file does not decrypt
        dict(now=NOW + 3600 - tc.REFRESH_MARGIN_SECONDS),  # within five minutes of expiry
    ],
)
def test_a_token_is_asked_anew_for_another_secret_or_near_expiry(cache_home, later):
    real = FakeIdentityCredential()
    credential(real).get_token(SCOPE)
    assert credential(real, **later).get_token(SCOPE).token == "token-2"
    assert len(real.requests) == 2


def test_another_scope_or_principal_has_its_own_file(cache_home):
    real = FakeIdentityCredential()
    credential(real).get_token(SCOPE)
    credential(real).get_token("https://other.example/.default")
    other = tc.CachedClientSecretCredential(lambda: real, AUTHORITY, TENANT, "client-2", "s3cret", clock=lambda: NOW)
    other.get_token(SCOPE)
    assert len(real.requests) == 3
    assert len(cache_files(cache_home)) == 3


def test_a_tampered_or_foreign_file_is_not_used(cache_home):
    real = FakeIdentityCredential()
    credential(real).get_token(SCOPE)
    (path,) = cache_files(cache_home)
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert credential(real).get_token(SCOPE).token == "token-2"
    os.chmod(path, 0o620)  # writable by the group: someone else could have put it there
    assert credential(real).get_token(SCOPE).token == "token-3"


def test_a_claims_challenge_goes_to_azure_identity(cache_home):
    real = FakeIdentityCredential()
    credential(real).get_token(SCOPE)
    credential(real).get_token(SCOPE, claims='{"access_token": {}}')
    assert [kwargs for _scopes, kwargs in real.requests] == [{}, {"claims": '{"access_token": {}}'}]


@pytest.mark.parametrize("value", ["", "false", "0"])
def test_off_unless_asked_for(monkeypatch, value):
    monkeypatch.setenv(tc.TOKEN_CACHE_VARIABLE, value)
    assert tc.enabled() is False
