"""The HTTPS server: admin API, identity endpoints, and ARM dispatch to the registered providers."""

from __future__ import annotations

import base64
import contextlib
import http.server
import ipaddress
import json
import os
import re
import secrets
import shlex
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
from typing import Optional

from . import lro
from .arm import ArmError, Context, Response, iso, new_guid
from .certs import ensure_certificates
from .config import (
    CLIENT_ID,
    FOREIGN_SUBSCRIPTION_ID,
    LOCATIONS,
    SUBSCRIPTION_ID,
    SUBSCRIPTIONS,
    TENANT_ID,
    Settings,
)
from .faults import Faults, fault_error
from .identity import Identity
from .registry import Registry, load_providers
from .store import Store, atomic_write
from .throttling import Throttling

API_VERSION_SHAPE = r"\d{4}-\d{2}-\d{2}(-[A-Za-z]+)?"
ENV_FILE = "emulator.env"


def _load_secrets(data_dir: str) -> dict:
    path = os.path.join(data_dir, "secrets.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    values = {
        "client_secret": "emu~" + secrets.token_urlsafe(30),
        "signing_key": base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
    }
    atomic_write(path, json.dumps(values), mode=0o600)
    return values


class Emulator:
    """Owns the state, the registry and the listening server."""

    def __init__(self, settings: Settings):
        self.settings = settings
        os.makedirs(settings.data_dir, exist_ok=True)
        self.data_dir = os.path.abspath(settings.data_dir)
        env_path = os.path.join(self.data_dir, ENV_FILE)
        if os.path.exists(env_path):
            os.unlink(env_path)
        self.store = Store(os.path.join(self.data_dir, "state.json"))
        self.registry: Registry = load_providers()
        self.faults = Faults()
        self.throttling = Throttling(settings.throttling, settings.throttling_scale)
        self.log: list[dict] = []
        self.log_lock = threading.Lock()
        values = _load_secrets(self.data_dir)
        self.client_secret = values["client_secret"]
        self.ca_path, cert_path, key_path = ensure_certificates(self.data_dir, settings.host)
        self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ssl_context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ssl_context.load_cert_chain(cert_path, key_path)
        self.httpd = _Server((settings.host, settings.port), _Handler, self)
        self.port = self.httpd.server_address[1]
        host = settings.host if ":" not in settings.host else f"[{settings.host}]"
        self.base_url = f"https://{host}:{self.port}"
        self.identity = Identity(settings, self.client_secret, base64.b64decode(values["signing_key"]), self.base_url)

    # lifecycle -----------------------------------------------------------------------------------------------------
    def env(self) -> dict:
        return {
            "AZURE_CLOUD_ENVIRONMENT": self.base_url,
            "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION_ID,
            "AZURE_CLIENT_ID": CLIENT_ID,
            "AZURE_SECRET": self.client_secret,
            "AZURE_TENANT": TENANT_ID,
            "REQUESTS_CA_BUNDLE": self.ca_path,
            "ARM_EMULATOR_FOREIGN_SUBSCRIPTION_ID": FOREIGN_SUBSCRIPTION_ID,
        }

    def write_env(self) -> str:
        path = os.path.join(self.data_dir, ENV_FILE)
        text = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in self.env().items())
        atomic_write(path, text, mode=0o600)
        return path

    def serve_forever(self) -> None:
        self.write_env()
        print(
            f"ARM emulator listening on {self.base_url} (data: {self.data_dir}, latency: {self.settings.latency})",
            flush=True,
        )
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.httpd.server_close()
            with self.store.lock:
                self.store.save(force=True)
            env_path = os.path.join(self.data_dir, ENV_FILE)
            if os.path.exists(env_path):
                os.unlink(env_path)

    def shutdown(self) -> None:
        threading.Thread(target=self.httpd.shutdown, daemon=True).start()

    # request handling ------------------------------------------------------------------------------------------------
    def record(self, entry: dict) -> None:
        with self.log_lock:
            self.log.append(entry)

    def handle(self, handler: _Handler) -> None:
        started = time.monotonic()
        split = urllib.parse.urlsplit(handler.path)
        path = re.sub(r"/{2,}", "/", split.path or "/")  # ARM ignores empty segments (an empty parent path)
        query = {}
        for key, value in urllib.parse.parse_qsl(split.query, keep_blank_values=True):
            query.setdefault(key, value)
        length = int(handler.headers.get("Content-Length") or 0)
        raw_body = handler.rfile.read(length) if length > 0 else b""
        method = handler.command

        if path.startswith("/_emulator/") or path == "/_emulator":
            handler.send(self.admin(handler, method, path, raw_body))
            return

        identity_path = self._is_identity_path(path)
        rule = self.faults.match(method, path)
        api_version = next((v for k, v in query.items() if k.lower() == "api-version"), None)

        def log(status):
            if not identity_path:
                self.record(
                    {
                        "method": method,
                        "path": path,
                        "api_version": api_version,
                        "status": status,
                        "duration_ms": round((time.monotonic() - started) * 1000, 3),
                    }
                )

        if rule is not None and rule.get("action") == "drop":
            log(None)
            handler.drop()
            return
        if rule is not None and rule.get("status"):
            err = fault_error(rule)
            response = Response(err.status, err.body(), dict(err.headers))
            self._arm_headers(response, handler, method, ratelimit=False)
            log(response.status)
            handler.send(response)
            return

        if identity_path:
            handler.send(self.identity_request(handler, method, path, query, raw_body))
            return

        ctx = Context(
            method=method,
            path=path,
            query=query,
            headers=handler.headers,
            raw_body=raw_body,
            settings=self.settings,
            store=self.store,
            base_url=self.base_url,
            hooks=self.registry.hook_caller,
        )
        if rule is not None and rule.get("action") == "fail_operation":
            ctx.fail_rule = rule
        try:
            response = self.dispatch(ctx)
            ratelimit = True
        except ArmError as err:
            response = Response(err.status, err.body(), dict(err.headers))
            ratelimit = err.status not in (401, 429)
        except Exception:  # noqa: BLE001 - the emulator must answer like ARM, never with a traceback
            traceback.print_exc(file=sys.stderr)
            err = ArmError(
                500, "InternalServerError", "Encountered internal server error. (Emulator bug: see its standard error.)"
            )
            response = Response(err.status, err.body())
            ratelimit = False
        self._arm_headers(
            response, handler, method, ratelimit=ratelimit, request_id=ctx.request_id, remaining=ctx.ratelimit
        )
        log(response.status)
        handler.send(response, head=(method == "HEAD"))

    def _arm_headers(
        self,
        response: Response,
        handler,
        method: str,
        *,
        ratelimit: bool,
        request_id: Optional[str] = None,
        remaining: Optional[dict] = None,
    ) -> None:
        request_id = request_id or new_guid()
        headers = response.headers
        headers.setdefault("x-ms-request-id", request_id)
        headers.setdefault(
            "x-ms-correlation-request-id", handler.headers.get("x-ms-correlation-request-id") or request_id
        )
        if handler.headers.get("x-ms-client-request-id"):
            headers.setdefault("x-ms-client-request-id", handler.headers["x-ms-client-request-id"])
        headers.setdefault(
            "x-ms-routing-request-id", f"EMULATOR:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}:{request_id}"
        )
        headers.setdefault("Cache-Control", "no-cache")
        headers.setdefault("Pragma", "no-cache")
        headers.setdefault("Expires", "-1")
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if remaining:
            # Throttling on: what is left in the request's buckets (throttling.py).
            for key, value in remaining.items():
                headers.setdefault(key, value)
        elif ratelimit and not self.throttling.enabled:
            # Throttling off: the values of a bucket that one request used (Learn's sizes), always the same.
            if method in ("GET", "HEAD"):
                headers.setdefault("x-ms-ratelimit-remaining-subscription-reads", "249")
            elif method == "DELETE":
                headers.setdefault("x-ms-ratelimit-remaining-subscription-deletes", "199")
            else:
                headers.setdefault("x-ms-ratelimit-remaining-subscription-writes", "199")

    def dispatch(self, ctx: Context) -> Response:
        if ctx.path.rstrip("/").lower() == "/metadata/endpoints":
            if ctx.api_version is None:
                raise ArmError(
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                )
            return Response(200, self.identity.metadata_endpoints(ctx.api_version))
        ctx.claims = self.identity.authenticate(ctx.headers.get("Authorization"))
        if self.throttling.enabled:
            # ARM throttles a request before it reaches the resource provider, per principal (the token's oid).
            parts = [p for p in ctx.path.split("/") if p]
            subscription = parts[1] if len(parts) >= 2 and parts[0].lower() == "subscriptions" else None
            ctx.ratelimit = self.throttling.take(
                ctx.method,
                urllib.parse.unquote(subscription) if subscription else None,
                str(ctx.claims.get("tid") or TENANT_ID),
                str(ctx.claims.get("oid") or ctx.claims.get("sub") or ""),
            )
        if ctx.api_version is None:
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        with self.store.lock:
            try:
                return self._dispatch_locked(ctx)
            finally:
                self.store.save()

    def _dispatch_locked(self, ctx: Context) -> Response:
        lro.settle_due(ctx)
        parts = [p for p in ctx.path.split("/") if p]
        if len(parts) >= 2 and parts[0].lower() == "subscriptions":
            subscription = urllib.parse.unquote(parts[1])
            if subscription.lower() not in SUBSCRIPTIONS:
                raise ArmError(404, "SubscriptionNotFound", f"The subscription '{subscription}' could not be found.")
        route, params, known = self.registry.find(ctx.method, ctx.path)
        if route is None:
            if known:
                raise ArmError(
                    405, "MethodNotAllowed", f"The requested resource does not support http method '{ctx.method}'."
                )
            self._unknown_path(ctx, parts)
        ctx.params = params
        versions = route.versions()
        if not re.fullmatch(API_VERSION_SHAPE, ctx.api_version or "") or (
            route.provider.bad_version_code == "InvalidApiVersionParameter" and ctx.api_version not in versions
        ):
            raise ArmError(
                400,
                "InvalidApiVersionParameter",
                f"The api-version '{ctx.api_version}' is invalid. The supported versions are '{','.join(versions)}'.",
            )
        if ctx.api_version not in versions:
            rtype = self._type_name(parts)
            raise ArmError(
                400,
                "NoRegisteredProviderFound",
                f"No registered resource provider found for location '{self._location_hint(ctx)}' and API version "
                f"'{ctx.api_version}' for type '{rtype}'. The supported api-versions are '{', '.join(versions)}'. "
                f"The supported locations are '{', '.join(sorted(LOCATIONS))}'.",
            )
        group = params.get("resourceGroupName")
        if group is not None and route.group_must_exist:
            record = self.store.get(f"/subscriptions/{params['subscriptionId']}/resourceGroups/{group}")
            if record is None:
                raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
            deleting = record["body"].get("properties", {}).get("provisioningState") == "Deleting"
            if deleting and ctx.method in ("PUT", "PATCH", "POST"):
                raise ArmError(
                    409,
                    "ResourceGroupBeingDeleted",
                    f"The resource group '{record['body']['name']}' is "
                    "in deprovisioning state and cannot perform this operation.",
                )
        if ctx.method in ("PUT", "PATCH", "POST", "DELETE"):
            ctx.hooks.emit("request.before_write", ctx)
        response = route.handler(ctx)
        if ctx.method not in ("GET", "HEAD"):
            self.store.touch()
        return response

    @staticmethod
    def _type_name(parts: list) -> str:
        lowered = [p.lower() for p in parts]
        if "providers" in lowered:
            i = len(lowered) - 1 - lowered[::-1].index("providers")
            rest = parts[i + 2 :]
            return "/".join(rest[0::2]) or parts[i + 1]
        return "resourceGroups"

    def _location_hint(self, ctx: Context) -> str:
        try:
            body = json.loads(ctx.raw_body or b"{}")
            if isinstance(body, dict) and isinstance(body.get("location"), str):
                return body["location"].replace(" ", "").lower()
        except ValueError:
            pass
        record = self.store.get(ctx.path)
        if record and record["body"].get("location"):
            return record["body"]["location"]
        return "global"

    def _unknown_path(self, ctx: Context, parts: list) -> None:
        lowered = [p.lower() for p in parts]
        if "providers" in lowered:
            i = lowered.index("providers")
            if i + 1 < len(parts):
                namespace = parts[i + 1]
                if namespace.lower() not in self.registry.namespaces():
                    raise ArmError(404, "InvalidResourceNamespace", f"The resource namespace '{namespace}' is invalid.")
                rtype = self._type_name(parts)
                raise ArmError(
                    404,
                    "InvalidResourceType",
                    f"The resource type '{rtype}' could not be found in the namespace '{namespace}' for "
                    f"api version '{ctx.api_version}'.",
                )
        raise ArmError(404, "NotFound", f"The requested path '{ctx.path}' is not served by this endpoint.")

    # identity ------------------------------------------------------------------------------------------------------
    @staticmethod
    def _is_identity_path(path: str) -> bool:
        lowered = path.lower()
        return (
            "/.well-known/openid-configuration" in lowered
            or lowered.endswith("/oauth2/v2.0/token")
            or lowered.endswith("/oauth2/token")
            or lowered.startswith("/common/discovery/instance")
            or "/discovery/" in lowered
            and lowered.endswith("/keys")
        )

    def identity_request(self, handler, method: str, path: str, query: dict, raw_body: bytes) -> Response:
        parts = [p for p in path.split("/") if p]
        tenant = parts[0] if parts else ""
        lowered = path.lower()
        if lowered.startswith("/common/discovery/instance"):
            return Response(200, self.identity.instance_discovery())
        if "/.well-known/openid-configuration" in lowered:
            if method != "GET":
                return Response(405, {"error": "invalid_request"})
            if not self.identity.known_tenant(tenant):
                status, body = self.identity.unknown_tenant(tenant)
                return Response(status, body)
            return Response(200, self.identity.openid_configuration(tenant, v2="/v2.0/" in lowered))
        if lowered.endswith("/keys"):
            return Response(200, {"keys": []})
        if method != "POST":
            status, body = self.identity.entra_error(
                405, "invalid_request", 900561, "The endpoint only accepts POST requests."
            )
            return Response(status, body)
        form = dict(urllib.parse.parse_qsl(raw_body.decode("utf-8", "replace"), keep_blank_values=True))
        basic = None
        auth = handler.headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
                basic = (urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password))
            except ValueError:
                basic = None
        status, body = self.identity.token(tenant, form, basic, v2=lowered.endswith("/v2.0/token"))
        return Response(status, body, {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})

    # admin API -----------------------------------------------------------------------------------------------------
    def admin(self, handler, method: str, path: str, raw_body: bytes) -> Response:
        try:
            client = ipaddress.ip_address(handler.client_address[0])
            if not client.is_loopback:
                return Response(403, {"error": "the admin API answers loopback clients only"})
        except ValueError:
            return Response(403, {"error": "the admin API answers loopback clients only"})
        route = path.rstrip("/")
        if route == "/_emulator/requests" and method == "GET":
            with self.log_lock:
                return Response(200, list(self.log))
        if route == "/_emulator/requests" and method == "DELETE":
            with self.log_lock:
                self.log.clear()
            return Response(204)
        if route == "/_emulator/faults" and method == "GET":
            return Response(200, self.faults.list())
        if route == "/_emulator/faults" and method == "POST":
            try:
                rule = json.loads(raw_body or b"{}")
                return Response(201, self.faults.add(rule))
            except ValueError as exc:
                return Response(400, {"error": str(exc)})
        if route == "/_emulator/faults" and method == "DELETE":
            self.faults.clear()
            return Response(204)
        if route == "/_emulator/operations" and method == "GET":
            # Long-running operations as started and settled: what a benchmark needs to see which overlapped.
            with self.store.lock:
                ops = list(self.store.collection(lro.COLLECTION).values())
            keys = ("id", "kind", "status", "start", "ready_at", "end", "params")
            return Response(200, sorted(({k: op.get(k) for k in keys} for op in ops), key=lambda op: op["start"]))
        if route == "/_emulator/throttling" and method == "GET":
            return Response(200, self.throttling.state())
        if route == "/_emulator/reset" and method == "POST":
            self.store.reset()
            return Response(204)
        if route == "/_emulator/health" and method == "GET":
            return Response(200, {"status": "ok", "url": self.base_url, "time": iso()})
        return Response(404, {"error": f"no admin endpoint {method} {path}"})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler_class, emulator: Emulator):
        self.emulator = emulator
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler_class)

    def finish_request(self, request, client_address):
        # TLS handshake in the worker thread, so a slow client never blocks the accept loop.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            request.settimeout(30)
            tls = self.emulator.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ArmEmulator/1.0"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        return

    def send(self, response: Response, head: bool = False) -> None:
        payload = response.payload()
        self.send_response(response.status)
        if payload or response.status not in (204, 304):
            self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(0 if head else len(payload)))
        # headers and body in one write: two small writes meet the client's delayed ACK (40 ms a request)
        self._headers_buffer.append(b"\r\n")
        if payload and not head:
            self._headers_buffer.append(payload)
        self.flush_headers()

    def drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _any(self):
        self.server.emulator.handle(self)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _any
