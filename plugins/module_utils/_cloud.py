# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Azure cloud a module talks to: the known clouds, and a custom one described by its ARM endpoint's
``/metadata/endpoints`` (Azure Stack Hub, or the emulator).

Pure Python: ``requests`` is imported only to fetch the metadata of a custom cloud."""

from __future__ import annotations

METADATA_API_VERSION = "2022-09-01"


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


class Cloud:
    """Where ARM and the login endpoint of one Azure cloud live."""

    def __init__(self, name, resource_manager, authority, audience, custom=False):
        self.name = name
        self.resource_manager = resource_manager.rstrip("/")
        self.authority = authority.rstrip("/")
        self.audience = audience
        self.custom = custom

    @property
    def scope(self):
        return self.audience.rstrip("/") + "/.default"

    def __repr__(self):
        return f"Cloud({self.name!r}, {self.resource_manager!r}, {self.authority!r}, {self.audience!r})"


KNOWN_CLOUDS = {
    "azurecloud": Cloud(
        "AzureCloud",
        "https://management.azure.com",
        "https://login.microsoftonline.com",
        "https://management.azure.com",
    ),
    "azureusgovernment": Cloud(
        "AzureUSGovernment",
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
        "https://management.usgovcloudapi.net",
    ),
    "azurechinacloud": Cloud(
        "AzureChinaCloud",
        "https://management.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn",
    ),
}
KNOWN_CLOUDS["azurepubliccloud"] = KNOWN_CLOUDS["azurecloud"]


class CloudError(Exception):
    """``cloud_environment`` names no cloud we can use; the message says why."""


def cloud_from_metadata(url, document):
    """The ``Cloud`` a ``/metadata/endpoints`` document describes (one object, or a list of clouds)."""
    base = url.rstrip("/")
    entries = document if isinstance(document, list) else [document]
    entries = [entry for entry in entries if isinstance(entry, dict)]
    if not entries:
        raise CloudError(f"{base}/metadata/endpoints returned no cloud description")
    chosen = entries[0]
    for entry in entries:
        if str(entry.get("resourceManager", "")).rstrip("/").lower() == base.lower():
            chosen = entry
            break
    auth = chosen.get("authentication") or {}
    login = auth.get("loginEndpoint")
    audiences = [a for a in auth.get("audiences") or [] if a]
    resource_manager = chosen.get("resourceManager") or base
    if not login or not audiences:
        raise CloudError(
            f"{base}/metadata/endpoints does not name authentication.loginEndpoint and authentication.audiences"
        )
    audience = audiences[0]
    for candidate in audiences:
        if candidate.rstrip("/").lower() == resource_manager.rstrip("/").lower():
            audience = candidate
            break
    for value, what in ((resource_manager, "resourceManager"), (login, "authentication.loginEndpoint")):
        if not str(value).lower().startswith("https://"):
            raise CloudError(f"{what} in {base}/metadata/endpoints is {value!r}: Azure tokens are only sent over https")
    return Cloud(chosen.get("name") or base, resource_manager, login, audience, custom=True)


def fetch_cloud_metadata(url, timeout=30):
    """GET ``{url}/metadata/endpoints`` (REQUESTS_CA_BUNDLE honoured) and describe the cloud."""
    import requests  # azure-core depends on requests; imported only for a custom cloud

    endpoint = "{}/metadata/endpoints?api-version={}".format(url.rstrip("/"), METADATA_API_VERSION)
    session = requests.Session()
    try:
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None)
        session.mount("https://", HTTPAdapter(max_retries=retry))
    except (ImportError, TypeError):
        pass
    try:
        response = session.get(endpoint, timeout=timeout, headers={"Accept": "application/json"})
    except requests.exceptions.SSLError as exc:
        raise CloudError(
            f"TLS verification of {endpoint} failed ({_first_line(exc)}). If the endpoint uses a private CA, "
            "point REQUESTS_CA_BUNDLE at a PEM file holding it."
        ) from None
    except requests.exceptions.RequestException as exc:
        raise CloudError(
            f"Could not reach {endpoint}: {_first_line(exc)}. Check cloud_environment and the network."
        ) from None
    if response.status_code != 200:
        raise CloudError(
            f"{endpoint} answered HTTP {response.status_code}; cloud_environment must be a cloud name "
            "(AzureCloud, AzureUSGovernment, AzureChinaCloud) or the https URL of an ARM endpoint that serves "
            "/metadata/endpoints"
        )
    try:
        document = response.json()
    except ValueError:
        raise CloudError(f"{endpoint} did not return JSON") from None
    return cloud_from_metadata(url, document)


def resolve_cloud(value, fetch=fetch_cloud_metadata):
    """``AzureCloud`` / ``AzureUSGovernment`` / ``AzureChinaCloud``, or an https ARM URL described by metadata."""
    text = (value or "AzureCloud").strip()
    known = KNOWN_CLOUDS.get(text.lower())
    if known is not None:
        return known
    lowered = text.lower()
    if lowered.startswith("http://"):
        raise CloudError(
            f"cloud_environment {text!r} uses http: ARM endpoints must be https "
            "(bearer tokens are refused over plain http)"
        )
    if not lowered.startswith("https://"):
        raise CloudError(
            f"cloud_environment {text!r} is neither a known cloud (AzureCloud, AzureUSGovernment, "
            "AzureChinaCloud) nor an https URL of an ARM endpoint"
        )
    return fetch(text)
