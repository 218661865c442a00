"""``POST /providers/Microsoft.Resources/checkResourceName``: is a name a reserved word or trademark?

ARM's rule, as Microsoft documents it ("Resolve errors for reserved resource names"): a name may not *be* one of the
reserved words, may not *contain* MICROSOFT or WINDOWS, and may not *start with* LOGIN. Case does not matter. The
answer is ``{"name", "type", "status": "Allowed" | "Reserved"}``. The emulator keeps its own copy of the rule; it shares
nothing with the collection's naming code.
"""

from __future__ import annotations

from ..arm import ArmError, Context, Response
from ..registry import Provider
from .resources import SUBSCRIPTION_API_VERSIONS

provider = Provider(
    "Microsoft.Resources", api_versions=SUBSCRIPTION_API_VERSIONS, bad_version_code="InvalidApiVersionParameter"
)

#: Names that may not be used as the whole name.
RESERVED_WORDS = frozenset(
    {
        "ACCESS",
        "APP_CODE",
        "APP_THEMES",
        "APP_DATA",
        "APP_GLOBALRESOURCES",
        "APP_LOCALRESOURCES",
        "APP_WEBREFERENCES",
        "APP_BROWSERS",
        "AZURE",
        "BING",
        "BIZSPARK",
        "BIZTALK",
        "CORTANA",
        "DIRECTX",
        "DOTNET",
        "DYNAMICS",
        "EXCEL",
        "EXCHANGE",
        "FOREFRONT",
        "GROOVE",
        "HOLOLENS",
        "HYPERV",
        "KINECT",
        "LYNC",
        "MSDN",
        "O365",
        "OFFICE",
        "OFFICE365",
        "ONEDRIVE",
        "ONENOTE",
        "OUTLOOK",
        "POWERPOINT",
        "SHAREPOINT",
        "SKYPE",
        "VISIO",
        "VISUALSTUDIO",
        "WEB.CONFIG",
        "XBOX",
    }
)
#: Words that may not appear anywhere in a name.
RESERVED_SUBSTRINGS = ("MICROSOFT", "WINDOWS")
#: Words a name may not start with.
RESERVED_PREFIXES = ("LOGIN",)


def is_reserved(name: str) -> bool:
    upper = name.upper()
    return (
        upper in RESERVED_WORDS
        or any(word in upper for word in RESERVED_SUBSTRINGS)
        or upper.startswith(RESERVED_PREFIXES)
    )


@provider.route("POST", "/providers/Microsoft.Resources/checkResourceName")
def check_resource_name(ctx: Context) -> Response:
    body = ctx.json()
    for key in ("name", "type"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise ArmError(
                400,
                "InvalidRequestContent",
                f"The request content was invalid and could not be deserialized: the property '{key}' "
                "is required and must be a non-empty string.",
            )
    name, rtype = body["name"], body["type"]
    return Response(200, {"name": name, "type": rtype, "status": "Reserved" if is_reserved(name) else "Allowed"})
