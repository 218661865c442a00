# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Insights components (workspace-based), declared on the resource kit (``_resource.py``) over
``azure-mgmt-applicationinsights``.

The component's REST properties are PascalCase (``Application_Type``, ``WorkspaceResourceId``...). The service's
PATCH changes tags only, so any other change is a PUT of the whole component. Its connection string and
instrumentation key are never part of the shape (so never in ``diff`` or the returned resource):
``component_secrets`` reads them from the raw body for the module to return under ``no_log`` only.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import Refusal, norm_ci, norm_id
from ansible_collections.mlops.azure.plugins.module_utils._resource import Field, SdkResource
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import

ApplicationInsightsManagementClient = optional_import(
    "azure.mgmt.applicationinsights", "ApplicationInsightsManagementClient", "azure-mgmt-applicationinsights"
)

COMPONENT_TYPE = "Microsoft.Insights/components"
INGESTION_MODE = "LogAnalytics"
DEFAULT_APPLICATION_TYPE = "web"
DEFAULT_KIND = "web"
DEFAULT_RETENTION_DAYS = 90
RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730]

# Writable properties the module does not manage: sent back unchanged with every PUT, so a PUT keeps them.
KEPT_PROPERTIES = (
    "Flow_Type",
    "Request_Source",
    "HockeyAppId",
    "SamplingPercentage",
    "DisableIpMasking",
    "ImmediatePurgeDataOn30Days",
    "ForceCustomerStorageForProfiler",
)
# What a new component is sent for the first two (how the portal creates one through the REST API).
NEW_COMPONENT_PROPERTIES = {"Flow_Type": "Bluefield", "Request_Source": "rest"}


def component_secrets(body):
    """``{connection_string, instrumentation_key}`` from a component's raw REST JSON (``None`` values if absent)."""
    props = (body or {}).get("properties") or {}
    return {"connection_string": props.get("ConnectionString"), "instrumentation_key": props.get("InstrumentationKey")}


class AppInsights(SdkResource):
    kind = "Application Insights component"
    arm_type = COMPONENT_TYPE
    location_fixed = "A component's location is fixed at creation: create a new component to use another location."
    sdk_client = ApplicationInsightsManagementClient
    sdk_operations = "components"
    sdk_create = "create_or_update"
    sdk_update = "update_tags"
    sdk_delete = "delete"
    update_action = "update the tags of"
    # Every setting but the tags goes by PUT (patch=False).
    fields = (
        Field("kind", "kind", norm=norm_ci, create_default=DEFAULT_KIND, patch=False),
        Field(
            "application_type",
            "properties.Application_Type",
            norm=norm_ci,
            create_default=DEFAULT_APPLICATION_TYPE,
            patch=False,
        ),
        Field("workspace_resource_id", "properties.WorkspaceResourceId", norm=norm_id, patch=False),
        Field("ingestion_mode", "properties.IngestionMode", norm=norm_ci, default="ApplicationInsights", patch=False),
        Field("disable_local_auth", "properties.DisableLocalAuth", default=False, patch=False),
        Field(
            "public_network_access_for_ingestion",
            "properties.publicNetworkAccessForIngestion",
            norm=norm_ci,
            default="Enabled",
            patch=False,
        ),
        Field(
            "public_network_access_for_query",
            "properties.publicNetworkAccessForQuery",
            norm=norm_ci,
            default="Enabled",
            patch=False,
        ),
        Field("retention_in_days", "properties.RetentionInDays", default=DEFAULT_RETENTION_DAYS, patch=False),
        Field("app_id", "properties.AppId", read_only=True),
        Field("application_id", "properties.ApplicationId", read_only=True),
    )

    @classmethod
    def desired_from(cls, params):
        """Every component this module manages is workspace-based: its ingestion mode is always ``LogAnalytics``."""
        return dict(super().desired_from(params), ingestion_mode=INGESTION_MODE)

    def fields_body(self, shape, options=None, location=None, held=None):
        """A whole component (a create, or an update by PUT) is workspace-based and keeps the writable settings
        this module does not manage: Azure's values on an update, the portal's on a create."""
        body = super().fields_body(shape, options, location, held)
        if options is None:
            properties = body.setdefault("properties", {})
            held_properties = (held or {}).get("properties") or {}
            for key in KEPT_PROPERTIES:
                if held_properties.get(key) is not None:
                    properties[key] = copy.deepcopy(held_properties[key])
            for key, value in NEW_COMPONENT_PROPERTIES.items():
                properties.setdefault(key, value)
            properties["IngestionMode"] = INGESTION_MODE
        return body

    def secrets(self):
        """The connection string and instrumentation key of the component as last read (for ``no_log`` output)."""
        return component_secrets(self.raw)

    def check(self, desired, current):
        super().check(desired, current)
        if not desired.get("workspace_resource_id"):
            raise Refusal(
                f"{self.label}: workspace_resource_id is required. Classic (non workspace-based) components are "
                "retired; create a Log Analytics workspace (mlops.azure.log_analytics_workspace) and pass its id."
            )
