"""Fixed identities, regions and run-time settings of the emulator.

The ids below are part of the emulator's contract: tests and documentation may rely on them.
They are made up; none of them exists in Azure.
"""

from __future__ import annotations

import dataclasses
import math

#: The subscription ``emulator.env`` exports as ``AZURE_SUBSCRIPTION_ID``.
SUBSCRIPTION_ID = "6b1d3c8e-2f4a-4d1e-9a7b-0c5e8f2a1d01"
#: A second subscription the same principal can write to, standing for "someone else's".
FOREIGN_SUBSCRIPTION_ID = "9e4f7a2c-5b3d-4c8e-8f1a-2d6b0e9c3f02"
#: The Entra ID tenant both subscriptions belong to.
TENANT_ID = "3c5a9e1f-7d2b-4e6a-b8c4-1f0d2e3a4b03"
#: The service principal's application (client) id.
CLIENT_ID = "a7e2c4b9-1d3f-4a5e-8c6b-9f0e1d2c3b04"
#: The service principal's object id (the ``oid`` claim of its tokens).
PRINCIPAL_OBJECT_ID = "d4b8f1e3-6a2c-4f7d-9e5b-3c1a0f2e4d05"

SUBSCRIPTIONS = {
    SUBSCRIPTION_ID: "Emulated MLOps subscription",
    FOREIGN_SUBSCRIPTION_ID: "Emulated foreign subscription",
}

#: Public Azure regions the emulator accepts (normalised names, as ARM returns them) and display names.
LOCATIONS = {
    "eastus": "East US",
    "eastus2": "East US 2",
    "westus": "West US",
    "westus2": "West US 2",
    "westus3": "West US 3",
    "centralus": "Central US",
    "northcentralus": "North Central US",
    "southcentralus": "South Central US",
    "westcentralus": "West Central US",
    "canadacentral": "Canada Central",
    "canadaeast": "Canada East",
    "brazilsouth": "Brazil South",
    "northeurope": "North Europe",
    "westeurope": "West Europe",
    "uksouth": "UK South",
    "ukwest": "UK West",
    "francecentral": "France Central",
    "germanywestcentral": "Germany West Central",
    "switzerlandnorth": "Switzerland North",
    "norwayeast": "Norway East",
    "swedencentral": "Sweden Central",
    "polandcentral": "Poland Central",
    "italynorth": "Italy North",
    "spaincentral": "Spain Central",
    "eastasia": "East Asia",
    "southeastasia": "Southeast Asia",
    "japaneast": "Japan East",
    "japanwest": "Japan West",
    "koreacentral": "Korea Central",
    "australiaeast": "Australia East",
    "australiasoutheast": "Australia Southeast",
    "centralindia": "Central India",
    "southindia": "South India",
    "uaenorth": "UAE North",
    "southafricanorth": "South Africa North",
    "israelcentral": "Israel Central",
    "qatarcentral": "Qatar Central",
    "mexicocentral": "Mexico Central",
}

#: Paired regions, used for the secondary location of geo-redundant storage.
PAIRED = {
    "eastus": "westus",
    "eastus2": "centralus",
    "westus": "eastus",
    "westus2": "westcentralus",
    "westus3": "eastus",
    "centralus": "eastus2",
    "northcentralus": "southcentralus",
    "southcentralus": "northcentralus",
    "westcentralus": "westus2",
    "canadacentral": "canadaeast",
    "canadaeast": "canadacentral",
    "brazilsouth": "southcentralus",
    "northeurope": "westeurope",
    "westeurope": "northeurope",
    "uksouth": "ukwest",
    "ukwest": "uksouth",
    "francecentral": "francesouth",
    "germanywestcentral": "germanynorth",
    "switzerlandnorth": "switzerlandwest",
    "norwayeast": "norwaywest",
    "swedencentral": "swedensouth",
    "eastasia": "southeastasia",
    "southeastasia": "eastasia",
    "japaneast": "japanwest",
    "japanwest": "japaneast",
    "koreacentral": "koreasouth",
    "australiaeast": "australiasoutheast",
    "australiasoutheast": "australiaeast",
    "centralindia": "southindia",
    "southindia": "centralindia",
    "uaenorth": "uaecentral",
    "southafricanorth": "southafricawest",
}


def normalize_location(value: str) -> str:
    """ARM's normalisation: 'West Europe' and 'westeurope' are the same region."""
    return "".join(str(value).split()).lower()


@dataclasses.dataclass
class Settings:
    """Run-time settings (from the command line)."""

    data_dir: str
    host: str = "127.0.0.1"
    port: int = 0
    latency: str = "instant"  # or "realistic"
    time_scale: float = 1.0
    page_size: int = 10
    token_lifetime: int = 3599
    throttling: str = "off"  # or "documented": ARM's token buckets (throttling.py)
    throttling_scale: float = 1.0

    def duration(self, typical_seconds: float) -> float:
        """How long an operation that takes ``typical_seconds`` in Azure takes here."""
        if self.latency != "realistic":
            return 0.0
        return max(0.0, typical_seconds * self.time_scale)

    def retry_after(self, remaining: float, typical_interval: float = 10.0) -> int:
        """Integer ``Retry-After`` seconds for a poll: at least 1 (0 makes the SDK wait 30 s), small when scaled."""
        scaled = typical_interval * (self.time_scale if self.latency == "realistic" else 1.0)
        return max(1, int(math.ceil(min(max(remaining, 0.0), scaled))))
