"""The provider registration API.

A resource provider is one module in ``arm_emulator/providers/`` that defines a module-level ``provider``::

    from ..registry import Provider
    from ..arm import ArmError, Response

    provider = Provider("Microsoft.Example", api_versions=["2024-01-01", "2023-05-01"])

    @provider.route("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
                           "/providers/Microsoft.Example/widgets/{widgetName}")
    def get_widget(ctx):
        record = ctx.store.get(ctx.path)   # ids are case-insensitive; the store handles that
        ...
        return Response(200, record["body"])

The server imports every module of the package at start and collects its ``provider``. Before a handler runs, the
framework has already: authenticated the bearer token; required ``api-version`` and checked it against the route's
list (``api_versions=`` on the route, else the provider's); answered ``SubscriptionNotFound`` for an unknown
``{subscriptionId}``; answered ``ResourceGroupNotFound`` when the template has ``{resourceGroupName}`` and the group
does not exist (pass ``group_must_exist=False`` to opt out); settled every long-running operation that is due.
Template literals match case-insensitively; ``{name}`` captures one URL-decoded segment into ``ctx.params``;
``{scope*}`` captures one or more segments (with their leading ``/``), for scope-based routes such as locks.

Besides routes a provider can register:

* ``@provider.completion("kind")``: what happens when a long-running operation of that kind ends (see ``lro.py``);
  it is called by name, so operations survive a restart.
* ``@provider.on("event")``: a hook other providers call through ``ctx.hooks.emit("event", ...)``. Events in use:

  - ``resource.before_delete`` ``(ctx, record)``: raise ``ArmError`` to refuse a delete (management locks);
    ``check_delete_allowed`` calls it for a resource and everything under it.
  - ``resource.deleted`` ``(ctx, record)``: after any resource left the store (role assignments on it, ...).
  - ``keyvault.vault_soft_deleted`` ``(ctx, vault_id)``: a vault became soft-deleted (its role assignments go).
  - ``request.before_write`` ``(ctx)``: before any PUT/PATCH/POST/DELETE handler runs (read-only locks).
  - ``network.validate_subnet`` ``(ctx, subnet_id, service, ignore_missing)``: raise ``ArmError`` when a network
    rule names a subnet that does not exist or lacks the service endpoint (virtual network provider).
* ``@provider.on_group_delete("Microsoft.Type/name")``: how a resource of that type goes when its resource group is
  deleted (default: removed). Key Vault uses it to soft-delete vaults.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import urllib.parse
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from .arm import ArmError, Context

Handler = Callable[[Context], object]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    provider: Provider
    api_versions: Optional[tuple]
    group_must_exist: bool
    regex: re.Pattern
    literal_count: int

    def match(self, path: str) -> Optional[dict]:
        m = self.regex.fullmatch(path.rstrip("/") or "/")
        if not m:
            return None
        return {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}

    def versions(self) -> tuple:
        return self.api_versions if self.api_versions is not None else self.provider.api_versions


def _compile(template: str) -> tuple[re.Pattern, int]:
    pattern = ""
    literals = 0
    for segment in template.strip("/").split("/"):
        m = re.fullmatch(r"\{(\w+)\}", segment)
        wide = re.fullmatch(r"\{(\w+)\*\}", segment)
        if wide:
            pattern += f"(?P<{wide.group(1)}>(?:/[^/]+)+?)"
        elif m:
            pattern += f"/(?P<{m.group(1)}>[^/]+)"
        else:
            pattern += "/" + re.escape(segment)
            literals += 1
    return re.compile(pattern, re.IGNORECASE), literals


class Provider:
    """A resource provider namespace: its routes, LRO completions and hooks.

    ``api_versions``: the versions every route accepts unless the route says otherwise.
    ``bad_version_code``: ``NoRegisteredProviderFound`` (resource providers) or ``InvalidApiVersionParameter``
    (ARM's own endpoints such as resource groups).
    """

    def __init__(
        self,
        namespace: str,
        *,
        api_versions: Sequence[str] = (),
        bad_version_code: str = "NoRegisteredProviderFound",
    ):
        self.namespace = namespace
        self.api_versions = tuple(api_versions)
        self.bad_version_code = bad_version_code
        self.routes: list[Route] = []
        self.completions: dict[str, Callable] = {}
        self.hooks: dict[str, list[Callable]] = {}
        self.group_delete: dict[str, Callable] = {}

    def route(
        self,
        method: str,
        template: str,
        *,
        api_versions: Optional[Sequence[str]] = None,
        group_must_exist: bool = True,
    ) -> Callable[[Handler], Handler]:
        def decorate(fn: Handler) -> Handler:
            regex, literals = _compile(template)
            self.routes.append(
                Route(
                    method=method.upper(),
                    template=template,
                    handler=fn,
                    provider=self,
                    api_versions=tuple(api_versions) if api_versions is not None else None,
                    group_must_exist=group_must_exist,
                    regex=regex,
                    literal_count=literals,
                )
            )
            return fn

        return decorate

    def completion(self, kind: str) -> Callable:
        def decorate(fn: Callable) -> Callable:
            self.completions[kind] = fn
            return fn

        return decorate

    def on(self, event: str) -> Callable:
        def decorate(fn: Callable) -> Callable:
            self.hooks.setdefault(event, []).append(fn)
            return fn

        return decorate

    def on_group_delete(self, rtype: str) -> Callable:
        def decorate(fn: Callable) -> Callable:
            self.group_delete[rtype.lower()] = fn
            return fn

        return decorate


class Hooks:
    def __init__(self, registry: Registry):
        self._registry = registry

    def emit(self, event: str, *args, **kwargs) -> list:
        return [fn(*args, **kwargs) for fn in self._registry.hooks.get(event, [])]


class Registry:
    def __init__(self, providers: Iterable[Provider]):
        self.providers = list(providers)
        self.routes: list[Route] = sorted(
            (r for p in self.providers for r in p.routes), key=lambda r: (-r.literal_count, r.template)
        )
        self.completions: dict[str, Callable] = {}
        self.hooks: dict[str, list[Callable]] = {}
        self.group_delete: dict[str, Callable] = {}
        for p in self.providers:
            self.completions.update(p.completions)
            for event, fns in p.hooks.items():
                self.hooks.setdefault(event, []).extend(fns)
            self.group_delete.update(p.group_delete)
        self.hook_caller = Hooks(self)

    def namespaces(self) -> set:
        return {p.namespace.lower() for p in self.providers}

    def find(self, method: str, path: str) -> tuple[Optional[Route], Optional[dict], bool]:
        """(route, params, path_known): path_known is True when the path matched with another method."""
        path_known = False
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET" and not self._has_head(path)):
                return route, params, True
            path_known = True
        return None, None, path_known

    def _has_head(self, path: str) -> bool:
        return any(r.method == "HEAD" and r.match(path) is not None for r in self.routes)


def load_providers() -> Registry:
    from . import providers as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        provider = getattr(module, "provider", None)
        if isinstance(provider, Provider):
            found.append(provider)
    return Registry(found)


# helpers providers share ---------------------------------------------------------------------------------------------
def check_delete_allowed(ctx: Context, resource_id: str) -> None:
    """Ask every ``resource.before_delete`` hook about a resource and everything under it."""
    records = ctx.store.descendants(resource_id)
    own = ctx.store.get(resource_id)
    if own is not None:
        records.append(own)
    for record in records:
        ctx.hooks.emit("resource.before_delete", ctx, record)


def check_subnet_rules(ctx: Context, rules: Optional[list], service: str) -> None:
    """Network rules that name a subnet: the virtual network provider validates them through a hook.

    Until a provider handles ``network.validate_subnet`` the ids are only checked for shape.
    """
    for rule in rules or []:
        subnet_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(subnet_id, str) or not re.fullmatch(
            r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+"
            r"/subnets/[^/]+",
            subnet_id,
            re.IGNORECASE,
        ):
            raise ArmError(
                400,
                "InvalidVirtualNetworkRule" if service == "Microsoft.Storage" else "BadRequest",
                f"The virtual network rule '{subnet_id}' is not a valid subnet resource id.",
            )
        ignore = bool(rule.get("ignoreMissingVnetServiceEndpoint") or rule.get("ignoreMissingVNetServiceEndpoint"))
        ctx.hooks.emit("network.validate_subnet", ctx, subnet_id, service, ignore)
