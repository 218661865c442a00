"""The cloud's discovery document and a small Entra ID: OpenID configuration and the client-credentials token
endpoint that the real ``azure.identity.ClientSecretCredential`` (MSAL underneath) talks to, plus ARM's bearer
token check.

Tokens are JWTs signed with HMAC-SHA256 under a key kept in the data directory (opaque to clients, as Entra's are
meant to be). Their audience is the resource the client asked for (scope minus ``/.default``); ARM accepts one of
the audiences ``/metadata/endpoints`` publishes.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time
import urllib.parse
import uuid
from typing import Optional

from .arm import ArmError
from .config import CLIENT_ID, PRINCIPAL_OBJECT_ID, TENANT_ID, Settings


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _dotnet_time(ts: float) -> str:
    """The format ARM uses in its token-expiry message: ``1/18/2023 5:10:42 PM``."""
    d = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    hour = d.hour % 12 or 12
    return f"{d.month}/{d.day}/{d.year} {hour}:{d.minute:02d}:{d.second:02d} {'AM' if d.hour < 12 else 'PM'}"


class Identity:
    def __init__(self, settings: Settings, client_secret: str, signing_key: bytes, base_url: str):
        self.settings = settings
        self.client_secret = client_secret
        self.signing_key = signing_key
        self.base_url = base_url

    # discovery ---------------------------------------------------------------------------------------------------
    @property
    def audiences(self) -> list[str]:
        return [self.base_url + "/"]

    def metadata_endpoints(self, api_version: Optional[str]):
        base = self.base_url
        if api_version in ("2015-01-01", "2018-01-01"):
            return {
                "galleryEndpoint": base + "/",
                "graphEndpoint": base + "/",
                "portalEndpoint": base + "/",
                "authentication": {"loginEndpoint": base + "/", "audiences": self.audiences},
            }
        doc = {
            "portal": base + "/",
            "authentication": {
                "loginEndpoint": base + "/",
                "audiences": self.audiences,
                "tenant": "common",
                "identityProvider": "AAD",
            },
            "media": base + "/",
            "graphAudience": base + "/",
            "graph": base + "/",
            "name": "ArmEmulator",
            "suffixes": {
                "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
                "acrLoginServer": "azurecr.io",
                "sqlServerHostname": "database.windows.net",
                "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
                "keyVaultDns": "vault.azure.net",
                "storage": "core.windows.net",
                "azureFrontDoorEndpointSuffix": "azurefd.net",
                "storageSyncEndpointSuffix": "afs.azure.net",
                "mhsmDns": "managedhsm.azure.net",
                "mysqlServerEndpoint": "mysql.database.azure.com",
                "postgresqlServerEndpoint": "postgres.database.azure.com",
                "mariadbServerEndpoint": "mariadb.database.azure.com",
                "synapseAnalytics": "dev.azuresynapse.net",
                "attestationEndpoint": "attest.azure.net",
            },
            "batch": base + "/",
            "resourceManager": base + "/",
            "vmImageAliasDoc": base + "/",
            "activeDirectoryDataLake": base + "/",
            "sqlManagement": base + "/",
            "microsoftGraphResourceId": base + "/",
            "appInsightsResourceId": base + "/",
            "appInsightsTelemetryChannelResourceId": base + "/v2/track",
            "attestationResourceId": base + "/",
            "synapseAnalyticsResourceId": base + "/",
            "logAnalyticsResourceId": base + "/",
            "ossrDbmsResourceId": base + "/",
        }
        if api_version == "2022-09-01":
            return doc
        return [doc]

    def known_tenant(self, tenant: str) -> bool:
        return tenant.lower() == TENANT_ID

    def openid_configuration(self, tenant: str, v2: bool = True) -> dict:
        base = f"{self.base_url}/{TENANT_ID}"
        prefix = base + ("/oauth2/v2.0" if v2 else "/oauth2")
        return {
            "token_endpoint": prefix + "/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": base + ("/discovery/v2.0/keys" if v2 else "/discovery/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": base + ("/v2.0" if v2 else "/"),
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": self.base_url + "/oidc/userinfo",
            "authorization_endpoint": prefix + "/authorize",
            "device_authorization_endpoint": prefix + "/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": prefix + "/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "ver"],
            "tenant_region_scope": "WW",
            "cloud_instance_name": "emulator.local",
            "cloud_graph_host_name": "graph.emulator.local",
            "msgraph_host": "graph.emulator.local",
            "rbac_url": self.base_url,
        }

    def instance_discovery(self, tenant: str = TENANT_ID) -> dict:
        host = urllib.parse.urlsplit(self.base_url).netloc
        return {
            "tenant_discovery_endpoint": f"{self.base_url}/{TENANT_ID}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }

    # the token endpoint ---------------------------------------------------------------------------------------------
    def entra_error(self, status: int, error: str, number: int, text: str) -> tuple[int, dict]:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        return status, {
            "error": error,
            "error_description": f"AADSTS{number}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: "
            f"{correlation}\r\nTimestamp: {stamp}",
            "error_codes": [number],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"{self.base_url}/error?code={number}",
        }

    def unknown_tenant(self, tenant: str) -> tuple[int, dict]:
        return self.entra_error(
            400,
            "invalid_request",
            90002,
            f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into "
            "the correct cloud. Check with your subscription administrator, this may happen if there are no active "
            "subscriptions for the tenant.",
        )

    def token(self, tenant: str, form: dict, basic_auth: Optional[tuple], v2: bool) -> tuple[int, dict]:
        if not self.known_tenant(tenant):
            return self.unknown_tenant(tenant)
        grant = form.get("grant_type")
        if not grant:
            return self.entra_error(
                400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."
            )
        if grant != "client_credentials":
            return self.entra_error(
                400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant}'."
            )
        client_id = form.get("client_id") or (basic_auth[0] if basic_auth else None)
        secret = form.get("client_secret") or (basic_auth[1] if basic_auth else None)
        if not client_id:
            return self.entra_error(
                400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."
            )
        if client_id.lower() != CLIENT_ID:
            return self.entra_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory '{TENANT_ID}'. This can "
                "happen if the application has not been installed by the administrator of the tenant or consented "
                "to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
            )
        if not secret:
            return self.entra_error(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
        if not hmac.compare_digest(secret.encode("utf-8"), self.client_secret.encode("utf-8")):
            return self.entra_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
                f"value, not the client secret ID, for a secret added to app '{CLIENT_ID}'.",
            )
        if v2:
            scope = (form.get("scope") or "").strip()
            if not scope:
                return self.entra_error(
                    400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'."
                )
            scopes = [s for s in scope.split() if s not in ("openid", "profile", "offline_access", "email")]
            if len(scopes) != 1 or not scopes[0].endswith("/.default"):
                return self.entra_error(
                    400,
                    "invalid_scope",
                    1002012,
                    f"The provided value for scope {scope} is not valid. Client credential flows must have a scope "
                    "value with /.default suffixed to the resource identifier (application ID URI).",
                )
            resource = scopes[0][: -len("/.default")]
        else:
            resource = form.get("resource") or ""
        if resource.rstrip("/") not in {a.rstrip("/") for a in self.audiences}:
            return self.entra_error(
                400,
                "invalid_resource",
                500011,
                f"The resource principal named {resource} was not found in the tenant named {TENANT_ID}. This can "
                "happen if the application has not been installed by the administrator of the tenant or consented "
                "to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
            )
        now = int(time.time())
        lifetime = self.settings.token_lifetime
        claims = {
            "aud": resource,
            "iss": f"{self.base_url}/{TENANT_ID}/",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "appid": CLIENT_ID,
            "appidacr": "1",
            "idp": f"{self.base_url}/{TENANT_ID}/",
            "idtyp": "app",
            "oid": PRINCIPAL_OBJECT_ID,
            "sub": PRINCIPAL_OBJECT_ID,
            "tid": TENANT_ID,
            "uti": secrets.token_urlsafe(16),
            "ver": "1.0",
        }
        body = {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": self.sign(claims),
        }
        if not v2:
            body.update({"expires_on": str(now + lifetime), "not_before": str(now), "resource": resource})
        return 200, body

    def sign(self, claims: dict) -> str:
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256", "kid": "arm-emulator"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        mac = hmac.new(self.signing_key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(mac)}"

    # ARM's check ---------------------------------------------------------------------------------------------------
    def _challenge(self, description: str) -> dict:
        return {
            "WWW-Authenticate": f'Bearer authorization_uri="{self.base_url}/{TENANT_ID}", '
            f'error="invalid_token", error_description="{description}"'
        }

    def authenticate(self, authorization: Optional[str]) -> dict:
        if not authorization:
            raise ArmError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                headers=self._challenge("The authentication failed because of missing 'Authorization' header."),
            )
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ArmError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                headers=self._challenge("The authentication failed because of invalid 'Authorization' header format."),
            )
        invalid = ArmError(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
            headers=self._challenge("The access token is invalid."),
        )
        parts = token.strip().split(".")
        if len(parts) != 3:
            raise invalid
        try:
            mac = hmac.new(self.signing_key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(mac, _unb64(parts[2])):
                raise invalid
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, TypeError):
            raise invalid from None
        now = time.time()
        exp = claims.get("exp", 0)
        if now >= exp:
            message = (
                f"The access token expiry UTC time '{_dotnet_time(exp)}' is earlier than current UTC time "
                f"'{_dotnet_time(now)}'."
            )
            raise ArmError(
                401, "ExpiredAuthenticationToken", message, headers=self._challenge("The access token has expired.")
            )
        if claims.get("nbf", 0) > now + 300:
            raise invalid
        allowed = self.audiences + [a.rstrip("/") for a in self.audiences]
        if claims.get("aud") not in allowed:
            raise ArmError(
                401,
                "InvalidAuthenticationTokenAudience",
                f"The access token has been obtained for wrong audience or resource '{claims.get('aud')}'. It should "
                f"exactly match with one of the allowed audiences {','.join(repr(a) for a in allowed)}.",
                headers=self._challenge("The access token has been obtained for wrong audience or resource."),
            )
        if claims.get("tid") != TENANT_ID:
            raise ArmError(
                401,
                "InvalidAuthenticationTokenTenant",
                f"The access token is from the wrong issuer '{claims.get('iss')}'. It must match the tenant "
                f"'{self.base_url}/{TENANT_ID}/' associated with this subscription.",
                headers=self._challenge("The access token is from the wrong issuer."),
            )
        return claims
