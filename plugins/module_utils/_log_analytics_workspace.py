# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log Analytics workspaces, declared on the resource kit (``_resource.py``) over ``azure-mgmt-loganalytics``."""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, norm_ci
from ansible_collections.mlops.azure.plugins.module_utils._resource import Field, SdkResource
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import

LogAnalyticsManagementClient = optional_import(
    "azure.mgmt.loganalytics", "LogAnalyticsManagementClient", "azure-mgmt-loganalytics"
)

WORKSPACE_TYPE = "Microsoft.OperationalInsights/workspaces"
DEFAULT_SKU = "PerGB2018"
DEFAULT_RETENTION_DAYS = 30
UNLIMITED_QUOTA = -1.0
SKUS = ["PerGB2018", "CapacityReservation"]
CAPACITY_RESERVATION_LEVELS = [100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000]

# Features the workspace API accepts back; sent from the current workspace so a change of one keeps the others.
WRITABLE_FEATURES = (
    "enableDataExport",
    "immediatePurgeDataOn30Days",
    "enableLogAccessUsingOnlyResourcePermissions",
    "disableLocalAuth",
)


def _quota(value):
    """``dailyQuotaGb`` compares as a number: ``-1`` and ``-1.0`` (no cap) are the same."""
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _features(disable_local_auth, held):
    """``properties.features``, which a PATCH replaces whole: the writable features the workspace holds, with
    ``disableLocalAuth`` set."""
    features = dict((key, copy.deepcopy(held[key])) for key in WRITABLE_FEATURES if (held or {}).get(key) is not None)
    features["disableLocalAuth"] = bool(disable_local_auth) if held is not None else disable_local_auth
    return features


class LogAnalyticsWorkspace(SdkResource):
    kind = "Log Analytics workspace"
    arm_type = WORKSPACE_TYPE
    location_fixed = "A workspace's location is fixed at creation: create a new workspace to use another location."
    sdk_client = LogAnalyticsManagementClient
    sdk_operations = "workspaces"
    sdk_update = "update"
    # A PATCH replaces the whole sku object.
    patch_together = (("sku", "capacity_reservation_level"),)
    fields = (
        Field("customer_id", "properties.customerId", read_only=True),
        Field("sku", "properties.sku.name", norm=norm_ci, default=DEFAULT_SKU, create_default=DEFAULT_SKU),
        Field("capacity_reservation_level", "properties.sku.capacityReservationLevel"),
        Field("retention_in_days", "properties.retentionInDays", default=DEFAULT_RETENTION_DAYS),
        Field(
            "daily_quota_gb",
            "properties.workspaceCapping.dailyQuotaGb",
            norm=_quota,
            read=_quota,
            default=UNLIMITED_QUOTA,
        ),
        Field(
            "disable_local_auth",
            "properties.features",
            read=lambda features: bool(features.get("disableLocalAuth")),
            write=_features,
            default=False,
        ),
        Field(
            "public_network_access_for_ingestion",
            "properties.publicNetworkAccessForIngestion",
            norm=norm_ci,
            default="Enabled",
        ),
        Field(
            "public_network_access_for_query", "properties.publicNetworkAccessForQuery", norm=norm_ci, default="Enabled"
        ),
    )

    def __init__(self, module, name, resource_group, location=None, append_tags=True, force=False):
        super().__init__(module, name, resource_group, location, append_tags)
        self.force = force

    def check(self, desired, current):
        super().check(desired, current)
        after = self.predict_create(desired) if current is None else self.predict_update(desired, current)
        reserved = norm_ci(after.get("sku")) == "capacityreservation"
        if reserved and not after.get("capacity_reservation_level"):
            raise Refusal(
                f"{self.label}: sku CapacityReservation needs capacity_reservation_level (GB per day, for example 100)."
            )
        if not reserved and desired.get("capacity_reservation_level") is not None:
            raise Refusal(
                f"{self.label}: capacity_reservation_level applies only with sku CapacityReservation (the workspace "
                f"would be {after.get('sku')}). Set sku: CapacityReservation, or leave capacity_reservation_level "
                "unset."
            )

    def predict_update(self, desired, current):
        after = super().predict_update(desired, current)
        if norm_ci(after.get("sku")) != "capacityreservation":
            # Azure keeps a reservation level only with the CapacityReservation tier.
            after["capacity_reservation_level"] = None
        return after

    def repair(self, desired, current, differences):
        """The same PUT again, with the user's settings on top of the workspace's. ``features.disableLocalAuth`` goes
        only when the user set it or the workspace holds it: the service answers it only when it was set, so the
        shape's default (false) sent back would leave the repaired workspace unlike a freshly created one."""
        repaired = self.predict_update(desired, current)
        features = ((self.raw or {}).get("properties") or {}).get("features") or {}
        if desired.get("disable_local_auth") is None and features.get("disableLocalAuth") is None:
            repaired["disable_local_auth"] = None
        self.create(repaired)

    def delete(self, current):
        self.remove(force=self.force)
