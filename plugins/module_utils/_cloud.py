# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Azure cloud a module talks to: the known clouds, and a custom one described by its ARM endpoint's
``/metadata/endpoints`` (Azure Stack Hub, or the emulator).

Pure Python: ``requests`` is imported only to fetch the metadata of a custom cloud.

The metadata of a custom cloud is public (no secret, no token): a module keeps what it learned in a small file
under the user's cache directory for ``CACHE_TTL_SECONDS``, so the tasks of one run fetch it once per URL and not
once per module call. The file is written atomically with mode 0600 in a 0700 directory; one that cannot be read,
does not parse, is too old, or is not the user's own is ignored and the metadata fetched again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time

METADATA_API_VERSION = "2022-09-01"

# How long a fetched /metadata/endpoints answer is reused; MLOPS_AZURE_CLOUD_CACHE_TTL overrides it (0: off).
CACHE_TTL_SECONDS = 900
CACHE_TTL_VARIABLE = "MLOPS_AZURE_CLOUD_CACHE_TTL"
CACHE_FORMAT = 1


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


def cache_ttl():
    """Seconds a cached metadata answer is reused (``MLOPS_AZURE_CLOUD_CACHE_TTL``, else the default)."""
    value = os.environ.get(CACHE_TTL_VARIABLE)
    if value is None or not value.strip():
        return CACHE_TTL_SECONDS
    try:
        return max(0, int(value))
    except ValueError:
        return CACHE_TTL_SECONDS


def cache_dir():
    """``$XDG_CACHE_HOME/mlops.azure``, else ``~/.cache/mlops.azure``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mlops.azure")


def cache_path(url):
    """The cache file of the cloud whose ARM endpoint is ``url`` (one file per URL)."""
    digest = hashlib.sha256(url.rstrip("/").lower().encode("utf-8")).hexdigest()[:32]
    return os.path.join(cache_dir(), f"cloud-{digest}.json")


def _as_document(cloud):
    """The part of a metadata document that describes ``cloud``: what the cache keeps, read back the same way."""
    return {
        "name": cloud.name,
        "resourceManager": cloud.resource_manager,
        "authentication": {"loginEndpoint": cloud.authority, "audiences": [cloud.audience]},
    }


def load_cached_cloud(url, ttl, now):
    """The ``Cloud`` cached for ``url`` when fresh (fetched less than ``ttl`` seconds before ``now``), else ``None``.

    The file is only trusted when it is the user's own and nobody else can write it, since it says where tokens are
    sent; its content goes through the same checks as a fetched answer."""
    if ttl <= 0:
        return None
    data = read_private_file(cache_path(url))
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
        return None
    if str(entry.get("url", "")).rstrip("/").lower() != url.rstrip("/").lower():
        return None
    fetched = entry.get("fetched_at")
    if isinstance(fetched, bool) or not isinstance(fetched, (int, float)) or not (now - ttl < fetched <= now + 60):
        return None
    try:
        return cloud_from_metadata(url, entry.get("document"))
    except (CloudError, AttributeError, TypeError):
        return None


def store_cached_cloud(url, cloud, now):
    """Keep ``cloud`` for ``url``: a temporary file (0600) renamed over the old one. Best effort: a cache that
    cannot be written only costs the next module a fetch."""
    entry = {"format": CACHE_FORMAT, "url": url.rstrip("/"), "fetched_at": now, "document": _as_document(cloud)}
    write_private_file(cache_path(url), json.dumps(entry).encode("utf-8"))


def read_private_file(path):
    """The bytes of a cache file, or ``None`` when it cannot be read or is not trusted: a cache file is only
    trusted when it is the user's own and nobody else can write it."""
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            getuid = getattr(os, "getuid", None)
            if (getuid is not None and info.st_uid != getuid()) or info.st_mode & 0o022:
                return None
            return fh.read()
    except OSError:
        return None


def write_private_file(path, data):
    """Write a cache file: a temporary file (0600) in the cache folder (0700) renamed over the old one, so a reader
    never sees half a file. Best effort: a cache that cannot be written only costs the next module a request."""
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".cache-", suffix=".tmp", dir=directory)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def cached_cloud_metadata(url, clock=time.time):
    """``fetch_cloud_metadata(url)``, reusing an answer another module fetched for the same URL a short while ago."""
    ttl = cache_ttl()
    now = clock()
    cloud = load_cached_cloud(url, ttl, now)
    if cloud is None:
        cloud = fetch_cloud_metadata(url)
        if ttl > 0:
            store_cached_cloud(url, cloud, now)
    return cloud


def resolve_cloud(value, fetch=None):
    """``AzureCloud`` / ``AzureUSGovernment`` / ``AzureChinaCloud``, or an https ARM URL described by metadata
    (``fetch``: how; by default ``cached_cloud_metadata``)."""
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
    return (fetch or cached_cloud_metadata)(text)
