"""Cloud discovery, the token endpoint and ARM's bearer-token check, through azure-identity and the SDKs."""

from __future__ import annotations

import time

import pytest
from azure.core import PipelineClient
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.core.pipeline.policies import BearerTokenCredentialPolicy
from azure.core.rest import HttpRequest
from azure.mgmt.resource.resources import ResourceManagementClient


class StaticToken:
    def __init__(self, token: str):
        self.token = token

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, int(time.time()) + 3600)

    def get_token_info(self, *scopes, options=None):
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo(self.token, int(time.time()) + 3600)


def test_metadata_endpoints_describe_the_cloud(emulator):
    client = PipelineClient(emulator.url, connection_verify=emulator.ca)
    doc = client.send_request(HttpRequest("GET", emulator.url + "/metadata/endpoints?api-version=2022-09-01")).json()
    assert doc["resourceManager"] == emulator.url + "/"
    assert doc["authentication"]["loginEndpoint"] == emulator.url + "/"
    assert doc["authentication"]["audiences"][0].rstrip("/") == emulator.url
    assert doc["suffixes"]["keyVaultDns"] == "vault.azure.net"
    assert doc["suffixes"]["storage"] == "core.windows.net"
    legacy = client.send_request(HttpRequest("GET", emulator.url + "/metadata/endpoints?api-version=2019-05-01")).json()
    assert isinstance(legacy, list) and legacy[0]["resourceManager"] == emulator.url + "/"


def test_client_secret_credential_gets_a_token(emulator):
    token = emulator.credential().get_token(emulator.scope)
    assert token.token.count(".") == 2
    assert token.expires_on > time.time() + 3000
    # the audience as published (with its trailing slash) works too, as Azure's does
    assert emulator.credential().get_token(emulator.url + "//.default").token


def test_wrong_secret_is_refused_like_entra_id(emulator):
    with pytest.raises(ClientAuthenticationError) as info:
        emulator.credential(client_secret="not-the-secret").get_token(emulator.scope)
    assert "AADSTS7000215" in str(info.value)
    assert "Invalid client secret provided" in str(info.value)


def test_unknown_client_and_unknown_tenant_are_refused(emulator):
    with pytest.raises(ClientAuthenticationError) as info:
        emulator.credential(client_id="00000000-1111-2222-3333-444444444444").get_token(emulator.scope)
    assert "AADSTS700016" in str(info.value)
    with pytest.raises(ClientAuthenticationError) as info:
        emulator.credential(tenant_id="11111111-2222-3333-4444-555555555555").get_token(emulator.scope)
    # OpenID discovery answers 400 for an unknown tenant, as Entra ID does, and MSAL gives up there
    assert "Unable to get authority configuration" in str(info.value)


def test_unknown_resource_is_refused(emulator):
    with pytest.raises(ClientAuthenticationError) as info:
        emulator.credential().get_token("https://management.azure.com/.default")
    assert "AADSTS500011" in str(info.value)


def test_invalid_token_gets_401_invalid_authentication_token(clean_emulator):
    client = clean_emulator.client(ResourceManagementClient, credential=StaticToken("not.a-valid.token"))
    with pytest.raises(ClientAuthenticationError) as info:
        client.resource_groups.get("anything")
    assert info.value.error.code == "InvalidAuthenticationToken"
    assert info.value.response.status_code == 401
    assert "invalid_token" in info.value.response.headers["WWW-Authenticate"]
    assert clean_emulator.requests()[-1]["status"] == 401


def test_missing_authorization_header_gets_401(clean_emulator):
    # an SDK pipeline without any authentication policy: ARM answers AuthenticationFailed
    client = PipelineClient(clean_emulator.url, connection_verify=clean_emulator.ca)
    response = client.send_request(
        HttpRequest(
            "GET",
            f"{clean_emulator.url}/subscriptions/{clean_emulator.subscription_id}"
            "/resourcegroups?api-version=2025-04-01",
        )
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AuthenticationFailed"
    assert "WWW-Authenticate" in response.headers


def test_expired_token_gets_401(arm_emulator_factory):
    short = arm_emulator_factory(None, "--token-lifetime", "1")
    token = short.credential().get_token(short.scope).token
    time.sleep(1.2)
    client = short.client(ResourceManagementClient, credential=StaticToken(token))
    with pytest.raises(ClientAuthenticationError) as info:
        list(client.resource_groups.list())
    assert info.value.error.code == "ExpiredAuthenticationToken"


def test_token_for_another_emulator_is_refused(emulator, arm_emulator_factory):
    other = arm_emulator_factory()
    token = other.credential().get_token(other.scope).token
    client = emulator.client(ResourceManagementClient, credential=StaticToken(token))
    with pytest.raises(ClientAuthenticationError) as info:
        client.resource_groups.get("anything")
    assert info.value.error.code in ("InvalidAuthenticationToken", "InvalidAuthenticationTokenAudience")


def test_missing_api_version_is_refused(emulator):
    client = PipelineClient(
        emulator.url,
        connection_verify=emulator.ca,
        policies=[BearerTokenCredentialPolicy(emulator.credential(), emulator.scope)],
    )
    response = client.send_request(
        HttpRequest("GET", f"{emulator.url}/subscriptions/{emulator.subscription_id}/resourcegroups")
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MissingApiVersionParameter"
    assert "Retry-After" not in response.headers
    with pytest.raises(HttpResponseError):
        response.raise_for_status()
