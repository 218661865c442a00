"""Installed as ``sitecustomize`` in the benchmark's azure.azcollection virtual environment only (never in the
project's): two shims that let that collection, unchanged, run against the local ARM emulator.

1. Cloud discovery by URL. azure.azcollection resolves a ``cloud_environment`` URL with
   ``azure.cli.core.cloud.get_cloud_from_metadata_endpoint``, which the azure-cli-core it pins no longer has (the
   module fails with an AttributeError). The shim adds that function back: ``GET {url}/metadata/endpoints`` (the
   CA bundle in ``REQUESTS_CA_BUNDLE``) mapped with azure-cli-core's own ``_arm_to_cli_mapper``, one request per
   module run, as the function did.
2. The blob data plane. ``azure_rm_storageaccount`` reads the account's static website settings from
   ``https://<account>.blob.core.windows.net`` on every run and ignores any failure. The emulator serves no data
   plane, and that host is outside this machine's reach, so the call fails at once with what Azure answers an
   account that refuses Shared Key authorization (403 ``KeyBasedAuthenticationNotPermitted``), instead of retrying
   a name that does not resolve. This saves the peer a round trip, so it can only flatter the peer's figures.

The patches are applied when those modules are first imported, so the interpreter's start-up (and every Ansible
process that never imports them) pays nothing.
"""

import importlib.abc
import importlib.machinery
import sys


def _add_metadata_discovery(module):
    def get_cloud_from_metadata_endpoint(arm_endpoint, name=None, session=None):
        import requests

        url = arm_endpoint.rstrip("/") + "/metadata/endpoints?api-version=2022-09-01"
        response = (session or requests).get(url, timeout=30)
        response.raise_for_status()
        document = response.json()
        entries = document if isinstance(document, list) else [document]
        chosen = next(
            (e for e in entries if str(e.get("resourceManager", "")).rstrip("/") == arm_endpoint.rstrip("/")),
            entries[0],
        )
        cloud = module._arm_to_cli_mapper(chosen)
        if name:
            cloud.name = name
        return cloud

    if not hasattr(module, "get_cloud_from_metadata_endpoint"):
        module.get_cloud_from_metadata_endpoint = get_cloud_from_metadata_endpoint


def _refuse_blob_data_plane(module):
    from azure.core.exceptions import HttpResponseError

    def get_service_properties(self, **kwargs):
        raise HttpResponseError(
            message="Key based authentication is not permitted on this storage account. (shimmed: the benchmark's "
            "emulator serves no blob data plane)",
            error_code="KeyBasedAuthenticationNotPermitted",
        )

    module.BlobServiceClient.get_service_properties = get_service_properties


PATCHES = {"azure.cli.core.cloud": _add_metadata_discovery, "azure.storage.blob": _refuse_blob_data_plane}


class _PatchAfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds nothing itself: wraps the real loader of a module named in PATCHES and patches it once executed."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in PATCHES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        real_loader = spec.loader

        class Loader(importlib.abc.Loader):
            def create_module(self, spec):
                return real_loader.create_module(spec)

            def exec_module(self, module):
                real_loader.exec_module(module)
                PATCHES[fullname](module)

        spec.loader = Loader()
        return spec


sys.meta_path.insert(0, _PatchAfterImport())
