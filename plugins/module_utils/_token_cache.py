# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A service principal's ARM token, reused by the next tasks of a run, never written in clear (opt-in).

Every module task is a new Python process, so a token can only be reused through a file. The file holds the token
encrypted (AES-256-GCM) under a key derived (HKDF-SHA256) from the client secret and bound to the authority,
tenant, client id and scope, which are also its authenticated data: a reader without the secret learns nothing
and cannot plant a token of their own, and a reader with the secret could get a token anyway. A token is reused
until five minutes before it expires, like azure-identity's in-memory cache; a rotated secret, another principal or
another scope finds no usable file and asks for a new token. The file is written like the cloud metadata cache
(0600 in a 0700 folder, renamed into place) and only read when it is the user's own and nobody else can write it.

It is off unless ``MLOPS_AZURE_TOKEN_CACHE`` is ``true``: see docs/performance.md. It needs ``cryptography``
(installed with azure-identity, through msal); without it, tokens are simply not cached. A hit spares the module
the import of azure-identity and msal and the request to the token endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time

from ansible_collections.mlops.azure.plugins.module_utils._cloud import cache_dir, read_private_file, write_private_file

TOKEN_CACHE_VARIABLE = "MLOPS_AZURE_TOKEN_CACHE"
REFRESH_MARGIN_SECONDS = 300
FORMAT = b"mlops.azure token cache v1"
NONCE_BYTES = 12


def _aesgcm():
    """cryptography's AES-GCM, imported only when the cache is on (``None`` without cryptography)."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        return None
    return AESGCM


def enabled():
    """``MLOPS_AZURE_TOKEN_CACHE`` is true and cryptography is there to encrypt."""
    value = os.environ.get(TOKEN_CACHE_VARIABLE, "")
    return value.strip().lower() in ("1", "true", "yes", "on") and _aesgcm() is not None


def _context(authority, tenant, client_id, scopes):
    return "\n".join([authority.rstrip("/").lower(), tenant.lower(), client_id.lower(), " ".join(sorted(scopes))])


def derive_key(secret, context):
    """HKDF-SHA256 (RFC 5869) of the client secret: 32 bytes, one key per principal, authority and scope."""
    prk = hmac.new(FORMAT, secret.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(prk, context.encode("utf-8") + b"\x01", hashlib.sha256).digest()


def token_path(context):
    """The file of one principal, authority and scope (its name says nothing but a hash of them)."""
    return os.path.join(cache_dir(), "token-" + hashlib.sha256(context.encode("utf-8")).hexdigest()[:32] + ".bin")


def load_token(secret, context, now):
    """``(token, expires_on)`` when the file decrypts and authenticates under ``secret`` and the token has more than
    the refresh margin left, else ``None``."""
    data = read_private_file(token_path(context))
    if data is None or len(data) <= NONCE_BYTES:
        return None
    from cryptography.exceptions import InvalidTag

    try:
        plain = _aesgcm()(derive_key(secret, context)).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError):  # another key (secret, principal, scope) or a tampered file: ask anew
        return None
    try:
        entry = json.loads(plain.decode("utf-8"))
        token, expires_on = entry["token"], entry["expires_on"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(token, str) or isinstance(expires_on, bool) or not isinstance(expires_on, int):
        return None
    if expires_on - REFRESH_MARGIN_SECONDS <= now:
        return None
    return token, expires_on


def store_token(secret, context, token, expires_on):
    plain = json.dumps({"token": token, "expires_on": int(expires_on)}).encode("utf-8")
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aesgcm()(derive_key(secret, context)).encrypt(nonce, plain, context.encode())
    write_private_file(token_path(context), nonce + sealed)


class CachedClientSecretCredential:
    """A ``TokenCredential`` for a service principal with a secret that first looks in the encrypted file, and only
    builds azure-identity's ``ClientSecretCredential`` (``build()``) when it must ask the token endpoint."""

    def __init__(self, build, authority, tenant, client_id, secret, clock=time.time):
        self._build = build
        self._credential = None
        self._authority = authority
        self._tenant = tenant
        self._client_id = client_id
        self._secret = secret
        self._clock = clock

    def _real(self):
        if self._credential is None:
            self._credential = self._build()
        return self._credential

    def get_token(self, *scopes, **kwargs):
        if kwargs.get("claims") or kwargs.get("tenant_id") or kwargs.get("enable_cae"):
            # a claims challenge, another tenant or continuous access evaluation: azure-identity decides
            return self._real().get_token(*scopes, **kwargs)
        context = _context(self._authority, self._tenant, self._client_id, scopes)
        hit = load_token(self._secret, context, int(self._clock()))
        if hit is not None:
            from azure.core.credentials import AccessToken

            return AccessToken(*hit)
        token = self._real().get_token(*scopes, **kwargs)
        store_token(self._secret, context, token.token, token.expires_on)
        return token

    def close(self):
        if self._credential is not None:
            self._credential.close()
