"""ARM protocol pieces shared by every provider: errors, responses, the request context, ids, paging, times."""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from .config import LOCATIONS, Settings, normalize_location

RESOURCE_NOT_FOUND_HINT = "For more details please go to https://aka.ms/ARMResourceNotFoundFix"


class ArmError(Exception):
    """An error answer in ARM's envelope: ``{"error": {"code", "message", "target"?, "details"?}}``.

    Raise it from a handler; the server turns it into the response. Never add ``Retry-After`` to an ordinary 4xx:
    azure-core retries any error response that carries it.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: Optional[str] = None,
        details: Optional[list] = None,
        additional_info: Optional[list] = None,
        headers: Optional[dict] = None,
    ):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.additional_info = additional_info
        self.headers = dict(headers or {})

    def error_object(self) -> dict:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target is not None:
            error["target"] = self.target
        if self.details:
            error["details"] = self.details
        if self.additional_info:
            error["additionalInfo"] = self.additional_info
        return error

    def body(self) -> dict:
        return {"error": self.error_object()}


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict = field(default_factory=dict)
    raw: Optional[bytes] = None
    content_type: str = "application/json; charset=utf-8"

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body).encode("utf-8")


# times ---------------------------------------------------------------------------------------------------------------
def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def iso(ts: Optional[datetime.datetime | float] = None) -> str:
    """ARM's timestamp format: ``2024-05-01T10:20:30.1234567Z``."""
    if ts is None:
        ts = utcnow()
    elif isinstance(ts, (int, float)):
        ts = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


# ids -----------------------------------------------------------------------------------------------------------------
@dataclass
class ParsedId:
    subscription: Optional[str]
    resource_group: Optional[str]
    namespace: Optional[str]
    types: list
    names: list

    @property
    def type(self) -> Optional[str]:
        if not self.namespace:
            return None
        return "/".join([self.namespace] + self.types)

    @property
    def name(self) -> Optional[str]:
        return self.names[-1] if self.names else None


def parse_id(resource_id: str) -> ParsedId:
    parts = [p for p in resource_id.split("/") if p]
    sub = rg = ns = None
    types: list = []
    names: list = []
    i = 0
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        sub = parts[1]
        i = 2
    if len(parts) >= i + 2 and parts[i].lower() == "resourcegroups":
        rg = parts[i + 1]
        i += 2
    if len(parts) >= i + 2 and parts[i].lower() == "providers":
        ns = parts[i + 1]
        rest = parts[i + 2 :]
        for j in range(0, len(rest) - 1, 2):
            types.append(rest[j])
            names.append(rest[j + 1])
    return ParsedId(sub, rg, ns, types, names)


def group_id(subscription: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}"


def new_guid() -> str:
    return str(uuid.uuid4())


# common errors -------------------------------------------------------------------------------------------------------
def resource_not_found(rtype: str, name: str, resource_group: str) -> ArmError:
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{rtype}/{name}' under resource group '{resource_group}' was not found. "
        + RESOURCE_NOT_FOUND_HINT,
    )


def parent_not_found(parent_type: str, parent_name: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        f"Can not perform requested operation on nested resource. Parent resource '{parent_name}' not found.",
    )


def group_not_found(resource_group: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{resource_group}' could not be found.")


def check_same_location(current: dict | None, location: str, name: str, resource_group: str) -> None:
    """A PUT over an existing resource must keep its location: ARM refuses a move (every type here)."""
    if current is not None and current["location"] != location:
        raise ArmError(
            400,
            "InvalidResourceLocation",
            f"The resource '{name}' already exists in location '{current['location']}' in resource group "
            f"'{resource_group}'. A resource with the same name cannot be created in location "
            f"'{location}'. Please select a new resource name.",
        )


def check_location(value: Any, rtype: str) -> str:
    if value is None or value == "":
        raise ArmError(400, "LocationRequired", "The location property is required for this definition.")
    if not isinstance(value, str):
        raise ArmError(400, "InvalidRequestContent", "The request content was invalid: 'location' must be a string.")
    loc = normalize_location(value)
    if loc not in LOCATIONS:
        raise ArmError(
            400,
            "LocationNotAvailableForResourceType",
            f"The provided location '{value}' is not available for resource type '{rtype}'. "
            f"List of available regions for the resource type is '{','.join(LOCATIONS)}'.",
        )
    return loc


# firewall IP rules ----------------------------------------------------------------------------------------------------
#: the ranges RFC 1918 reserves for private networks, which Key Vault and storage refuse in IP rules
PRIVATE_IPV4 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def ipv4_rule(value: Any, max_prefix: int = 32) -> Optional[ipaddress.IPv4Network]:
    """The range an IP rule value names (``a.b.c.d`` or ``a.b.c.d/n``, host bits allowed), or ``None`` when it is not
    an IPv4 address or CIDR range with a prefix length of at most ``max_prefix``."""
    if not isinstance(value, str):
        return None
    address, slash, prefix = value.strip().partition("/")
    if slash and not (prefix.isdigit() and int(prefix) <= max_prefix):
        return None
    try:
        return ipaddress.IPv4Network(f"{address}/{prefix if slash else 32}", strict=False)
    except ValueError:
        return None


def private_range(network: ipaddress.IPv4Network) -> Optional[ipaddress.IPv4Network]:
    """The RFC 1918 range the rule's network address lies in, if any."""
    return next((p for p in PRIVATE_IPV4 if network.network_address in p), None)


#: tag name characters ARM refuses (with control characters)
TAG_NAME_RESERVED = re.compile(r"[<>%&\\?/\x00-\x1f\x7f]")
TAG_NAME_MAX = 512  # storage accounts: 128
TAG_VALUE_MAX = 256
TAGS_MAX = 50


def check_tags(tags: Any, *, name_max: int = TAG_NAME_MAX) -> dict:
    """ARM's tag limits (Microsoft Learn, "Use tags to organize your Azure resources", Limitations): at most 50 pairs,
    names without ``< > % & \\ ? /`` of at most 512 characters (128 on storage accounts: ``name_max``), values of at
    most 256. Each refusal names every offending tag, as ARM's messages do."""
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise ArmError(400, "InvalidRequestContent", "The request content was invalid: 'tags' must be an object.")
    if len(tags) > TAGS_MAX:
        raise ArmError(400, "InvalidTagCount", f"The number of tags on the resource exceeds the limit of {TAGS_MAX}.")
    if any(not key.strip() for key in tags):
        raise ArmError(
            400,
            "InvalidTagName",
            "The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value.",
        )
    reserved = [key for key in tags if TAG_NAME_RESERVED.search(key)]
    if reserved:
        raise ArmError(
            400,
            "InvalidTagNameCharacters",
            f"The tag names '{', '.join(reserved)}' have reserved characters '<,>,%,&,\\,?,/' or control characters.",
        )
    too_long = [key for key in tags if len(key) > name_max]
    if too_long:
        raise ArmError(
            400,
            "InvalidTagName",
            f"Tag key too large.  Following tag name '{', '.join(too_long)}' exceeded the maximum length. Maximum "
            f"allowed length for tag name - '{name_max}' characters.",
        )
    if any(value is not None and not isinstance(value, str) for value in tags.values()):
        raise ArmError(400, "InvalidRequestContent", "The request content was invalid: tag values must be strings.")
    too_long = [value for value in tags.values() if value is not None and len(value) > TAG_VALUE_MAX]
    if too_long:
        raise ArmError(
            400,
            "InvalidTagValueLength",
            f"Tag value too large.  Following tag value '{', '.join(too_long)}' exceeded the maximum length. Maximum "
            f"allowed length for tag value - '{TAG_VALUE_MAX}' characters.",
        )
    return dict(tags)


# the request context -------------------------------------------------------------------------------------------------
class Context:
    """Everything a handler needs about one request. Handlers return a ``Response`` or raise ``ArmError``."""

    def __init__(self, *, method, path, query, headers, raw_body, settings: Settings, store, base_url, hooks):
        self.method: str = method
        self.path: str = path
        self.query: dict = query  # first value of every parameter, keys as sent
        self.headers = headers
        self.raw_body: bytes = raw_body
        self.settings: Settings = settings
        self.store = store
        self.base_url: str = base_url
        self.hooks = hooks
        self.api_version: Optional[str] = self.param("api-version")
        self.params: dict = {}
        self.claims: dict = {}
        self.fail_rule: Optional[dict] = None  # a matched "fail_operation" fault rule, consumed by lro.start
        self.ratelimit: dict = {}  # the x-ms-ratelimit-remaining-* headers of the answer (throttling on)
        self._json: Any = None
        self.request_id = new_guid()

    def param(self, name: str) -> Optional[str]:
        for key, value in self.query.items():
            if key.lower() == name.lower():
                return value
        return None

    def json(self, required: bool = True) -> Any:
        if self._json is None:
            if not self.raw_body.strip():
                if required:
                    raise ArmError(
                        400,
                        "InvalidRequestContent",
                        "The request content was invalid and could not be deserialized: 'The request body is empty.'.",
                    )
                return {}
            try:
                self._json = json.loads(self.raw_body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ArmError(
                    400,
                    "InvalidRequestContent",
                    f"The request content was invalid and could not be deserialized: '{exc}'.",
                ) from None
            if not isinstance(self._json, dict):
                raise ArmError(
                    400,
                    "InvalidRequestContent",
                    "The request content was invalid and could not be "
                    "deserialized: 'The request body must be a JSON object.'.",
                )
        return self._json

    def url(self, path: str, **query: str) -> str:
        """Absolute URL on this server; ``api-version`` defaults to the request's."""
        query.setdefault("api-version", self.api_version or "")
        return self.base_url + path + "?" + urllib.parse.urlencode(query, safe="$'")

    @property
    def principal(self) -> dict:
        return {"oid": self.claims.get("oid"), "appid": self.claims.get("appid")}

    def system_data(self, previous: Optional[dict] = None) -> dict:
        now = iso()
        who = self.claims.get("appid", "")
        data = dict(previous or {})
        if not data:
            data.update({"createdBy": who, "createdByType": "Application", "createdAt": now})
        data.update({"lastModifiedBy": who, "lastModifiedByType": "Application", "lastModifiedAt": now})
        return data

    def paged(self, items: Iterable[Any], *, token_param: str = "$skiptoken") -> Response:
        """``{"value": [...], "nextLink"?}`` with a small page size, so clients must follow ``nextLink``.

        ``token_param`` names the continuation query parameter the service puts in ``nextLink`` (most use
        ``$skiptoken``; some, such as Machine Learning workspaces, ``$skip``)."""
        items = list(items)
        size = self.settings.page_size
        top = self.param("$top") or self.param("maxpagesize") or self.param("$maxpagesize")
        if top and top.isdigit() and int(top) > 0:
            size = min(size, int(top))
        token = self.param(token_param) or "0"
        try:
            start = max(0, int(token))
        except ValueError:
            raise ArmError(400, "InvalidSkipToken", f"The skip token '{token}' is invalid.") from None
        page = items[start : start + size]
        body: dict[str, Any] = {"value": page}
        if start + size < len(items):
            query = {k: v for k, v in self.query.items() if k.lower() != token_param.lower()}
            query[token_param] = str(start + size)
            body["nextLink"] = self.base_url + self.path + "?" + urllib.parse.urlencode(query, safe="$'")
        return Response(200, body)
