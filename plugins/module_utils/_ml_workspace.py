# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure Machine Learning workspaces, declared on the resource kit (``_resource.py``).

The workspace API is spoken at ``API_VERSION`` through ARM's generic by-id operations: the only Python SDK
(``azure-mgmt-machinelearningservices`` 1.0.1) knows api-version 2020-08-01, which predates managed networks, the
system datastores' auth mode and workspace soft delete, and ``azure-ai-ml`` brings a large dependency tree and
creates workspaces through an ARM deployment.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, norm_ci, norm_id
from ansible_collections.mlops.azure.plugins.module_utils._resource import (
    ArmResource,
    Field,
    private_endpoint_connections_field,
)

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
# A stable api-version of Microsoft.MachineLearningServices (stable/2025-12-01/workspaceRP.json in the public REST
# specifications): it has managed networks, systemDatastoresAuthMode and soft delete, and has had a year to reach
# every region. 2026-05-01 and 2026-07-01 have the same workspace model.
API_VERSION = "2025-12-01"

SKUS = ["Basic", "Free", "Standard", "Premium"]
ISOLATION_MODES = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"]
# How far each mode isolates: Azure only lets a workspace's managed network become stricter.
ISOLATION_ORDER = dict((mode.casefold(), rank) for rank, mode in enumerate(ISOLATION_MODES))
AUTH_MODES = ["AccessKey", "Identity"]
IDENTITY_TYPES = ["SystemAssigned"]

_ASSOCIATED_FIXED = (
    "Azure does not let a workspace change its {} after creation: the workspace keeps its data, secrets and "
    "artifacts there. Keep the current one, or create a new workspace."
)


class MLWorkspace(ArmResource):
    kind = "Machine Learning workspace"
    arm_type = WORKSPACE_TYPE
    api_version = API_VERSION
    fields = (
        Field("sku", "sku.name", norm=norm_ci, default="Basic"),
        Field("identity_type", "identity.type", norm=norm_ci),
        Field("principal_id", "identity.principalId", read_only=True),
        Field("tenant_id", "identity.tenantId", read_only=True),
        Field("friendly_name", "properties.friendlyName"),
        Field("description", "properties.description"),
        Field(
            "storage_account",
            "properties.storageAccount",
            norm=norm_id,
            create_only=_ASSOCIATED_FIXED.format("storage account"),
        ),
        Field("key_vault", "properties.keyVault", norm=norm_id, create_only=_ASSOCIATED_FIXED.format("Key Vault")),
        Field("application_insights", "properties.applicationInsights", norm=norm_id),
        Field("container_registry", "properties.containerRegistry", norm=norm_id),
        Field("public_network_access", "properties.publicNetworkAccess", norm=norm_ci, default="Enabled"),
        private_endpoint_connections_field(),
        Field(
            "hbi_workspace",
            "properties.hbiWorkspace",
            default=False,
            create_only="Azure sets high business impact (reduced diagnostics, encrypted local scratch disk) only when "
            "the workspace is created.",
        ),
        Field("v1_legacy_mode", "properties.v1LegacyMode", default=False),
        Field("isolation_mode", "properties.managedNetwork.isolationMode", norm=norm_ci, default="Disabled"),
        Field("system_datastores_auth_mode", "properties.systemDatastoresAuthMode", norm=norm_ci, default="AccessKey"),
        Field("workspace_id", "properties.workspaceId", read_only=True),
        Field("discovery_url", "properties.discoveryUrl", read_only=True),
        Field("ml_flow_tracking_uri", "properties.mlFlowTrackingUri", read_only=True),
    )

    operation_hints = {
        "Soft-deleted workspace exists": "A soft-deleted workspace holds this name in the resource group for 14 days "
        "after its deletion. Purge it (state: absent, purge: true) to create a new, empty workspace with this name, "
        "recover it in the portal (Azure Machine Learning, Recently deleted), or choose another name.",
    }

    def __init__(self, module, name, resource_group, location=None, append_tags=True, purge=False):
        super().__init__(module, name, resource_group, location, append_tags)
        self.purge = purge

    def check(self, desired, current):
        if current is None:
            missing = [option for option in ("storage_account", "key_vault") if not desired.get(option)]
            if missing:
                raise Refusal(
                    "{} does not exist: set {} (resource ids) to create it; Azure needs both.".format(
                        self.label, " and ".join(missing)
                    )
                )
        super().check(desired, current)
        if current is None or not desired.get("isolation_mode"):
            return
        before, after = current.get("isolation_mode") or "Disabled", desired["isolation_mode"]
        if ISOLATION_ORDER.get(norm_ci(after), 0) < ISOLATION_ORDER.get(norm_ci(before), 0):
            raise Refusal(
                f"{self.label}: isolation_mode is {before} and Azure only lets a managed network become stricter "
                f"(Disabled, then AllowInternetOutbound, then AllowOnlyApprovedOutbound), so it cannot go back to "
                f"{after}. Keep isolation_mode: {before}, or create a new workspace."
            )

    def predict_create(self, desired):
        shape = super().predict_create(desired)
        if shape.get("identity_type"):
            # Azure gives the system-assigned identity its principal when the workspace is created.
            shape["tenant_id"] = self.module.tenant_id
        return shape

    def ensure_absent(self, current):
        """``state: absent``: Azure soft-deletes the workspace (its name stays taken for 14 days in the resource
        group); with ``purge``, the deletion is permanent (``forceToPurge``)."""
        if current is None:
            return self._purge_soft_deleted()
        if not self.check_mode:
            if self.purge:
                self.remove(forceToPurge="true")
            else:
                self.remove()
        return True, current, {}

    def _purge_soft_deleted(self):
        """With ``purge``, free a name a soft-deleted workspace holds. Azure has no API that lists soft-deleted
        workspaces, so only the DELETE tells: 202 when it purged one, 204 when there was none."""
        if not self.purge:
            return False, {}, {}
        if self.check_mode:
            self.module.warn(
                f"{self.label} does not exist; whether a soft-deleted workspace holds its name cannot be known without "
                "trying to purge it (Azure lists no soft-deleted workspaces), so check mode reports no change."
            )
            return False, {}, {}
        status = self.remove(forceToPurge="true")
        if status == 204:
            return False, {}, {}
        return True, {"name": self.name, "resource_group": self.resource_group, "soft_deleted": True}, {}
