"""Clients for the emulator tests: every call goes through the real azure-mgmt-* SDKs and azure-identity."""

from __future__ import annotations

import pytest
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION


@pytest.fixture
def rm(clean_emulator):
    return clean_emulator.client(ResourceManagementClient)


@pytest.fixture
def kv(clean_emulator):
    return clean_emulator.client(KeyVaultManagementClient)


@pytest.fixture
def st(clean_emulator):
    return clean_emulator.client(StorageManagementClient)


@pytest.fixture
def group(rm):
    rm.resource_groups.create_or_update("rg-test", {"location": LOCATION})
    return "rg-test"


@pytest.fixture
def tenant(emulator):
    return emulator.env["AZURE_TENANT"]
