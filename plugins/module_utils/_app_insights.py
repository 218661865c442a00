# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Insights components (workspace-based): REST <-> shape conversion and the reconcile resource.

The component's REST properties are PascalCase (``Application_Type``, ``WorkspaceResourceId``...). Its connection
string and instrumentation key are never part of the shape (so never in ``diff`` or the returned resource):
``component_secrets`` reads them from the raw body for the module to return under ``no_log`` only.
"""

from __future__ import annotations

import copy

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    Refusal,
    norm_ci,
    norm_id,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, parse_resource_id

ApplicationInsightsManagementClient = optional_import(
    "azure.mgmt.applicationinsights", "ApplicationInsightsManagementClient", "azure-mgmt-applicationinsights"
)

COMPONENT_TYPE = "Microsoft.Insights/components"
INGESTION_MODE = "LogAnalytics"
DEFAULT_APPLICATION_TYPE = "web"
DEFAULT_KIND = "web"
DEFAULT_RETENTION_DAYS = 90
RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730]

# shape key -> REST property (under properties).
COMPONENT_PROPERTIES = {
    "application_type": "Application_Type",
    "workspace_resource_id": "WorkspaceResourceId",
    "ingestion_mode": "IngestionMode",
    "disable_local_auth": "DisableLocalAuth",
    "public_network_access_for_ingestion": "publicNetworkAccessForIngestion",
    "public_network_access_for_query": "publicNetworkAccessForQuery",
    "retention_in_days": "RetentionInDays",
}

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

SECRET_PROPERTIES = ("ConnectionString", "InstrumentationKey")

COMPONENT_RULES = {
    "location": norm_location,
    "kind": norm_ci,
    "application_type": norm_ci,
    "workspace_resource_id": norm_id,
    "ingestion_mode": norm_ci,
    "public_network_access_for_ingestion": norm_ci,
    "public_network_access_for_query": norm_ci,
}


def app_insights_shape(body):
    """A component's REST JSON as the module returns it: no connection string, no instrumentation key."""
    if body is None:
        return None
    props = body.get("properties") or {}
    ids = parse_resource_id(body.get("id"))
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": ids.get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "kind": body.get("kind"),
        "application_type": props.get("Application_Type"),
        "workspace_resource_id": props.get("WorkspaceResourceId"),
        "ingestion_mode": props.get("IngestionMode") or "ApplicationInsights",
        "disable_local_auth": bool(props.get("DisableLocalAuth")),
        "public_network_access_for_ingestion": props.get("publicNetworkAccessForIngestion") or "Enabled",
        "public_network_access_for_query": props.get("publicNetworkAccessForQuery") or "Enabled",
        "retention_in_days": props.get("RetentionInDays") or DEFAULT_RETENTION_DAYS,
        "app_id": props.get("AppId"),
        "application_id": props.get("ApplicationId"),
        "provisioning_state": props.get("provisioningState"),
    }


def component_secrets(body):
    """``{connection_string, instrumentation_key}`` from a component's raw REST JSON (``None`` values if absent)."""
    props = (body or {}).get("properties") or {}
    return {"connection_string": props.get("ConnectionString"), "instrumentation_key": props.get("InstrumentationKey")}


def component_body(shape, location, current_raw=None):
    """The full PUT body for ``shape`` (the desired shape of a new component, or the predicted ``after``)."""
    current_props = ((current_raw or {}).get("properties") or {}) if current_raw else {}
    properties = {}
    for key in KEPT_PROPERTIES:
        if current_props.get(key) is not None:
            properties[key] = copy.deepcopy(current_props[key])
    properties.setdefault("Flow_Type", "Bluefield")
    properties.setdefault("Request_Source", "rest")
    properties["Application_Type"] = shape.get("application_type") or DEFAULT_APPLICATION_TYPE
    properties["IngestionMode"] = INGESTION_MODE
    for key, rest in COMPONENT_PROPERTIES.items():
        if key in ("application_type", "ingestion_mode"):
            continue
        if shape.get(key) is not None:
            properties[rest] = shape[key]
    body = {"location": location, "kind": shape.get("kind") or DEFAULT_KIND, "properties": properties}
    if shape.get("tags"):
        body["tags"] = shape["tags"]
    return body


class AppInsights(GroupedResource):
    kind = "Application Insights component"
    immutable = {
        "location": "A component's location is fixed at creation: create a new component to use another location.",
    }

    def __init__(self, module, name, resource_group, location=None, append_tags=True):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.location = location
        self.client = module.client(ApplicationInsightsManagementClient)
        self.rules = dict(COMPONENT_RULES, **tag_rules(append_tags))
        self.raw = None

    @property
    def label(self):
        return f"Application Insights component '{self.name}' in resource group '{self.resource_group}'"

    def read(self):
        self.raw = self.module.read(self.label, self.client.components.get, self.resource_group, self.name)
        return app_insights_shape(self.raw)

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

    def predict_create(self, desired):
        body = component_body(desired, self.create_location(desired))
        body["id"] = (
            f"/subscriptions/{self.module.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{COMPONENT_TYPE}/{self.name}"
        )
        body["name"] = self.name
        body["properties"]["provisioningState"] = "Succeeded"
        return app_insights_shape(body)

    def create(self, desired):
        body = component_body(desired, self.create_location(desired))
        self.module.call(
            "create", self.label, self.client.components.create_or_update, self.resource_group, self.name, body
        )

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        if differences.top_level() == ["tags"]:
            self.module.call(
                "update the tags of",
                self.label,
                self.client.components.update_tags,
                self.resource_group,
                self.name,
                {"tags": after.get("tags") or {}},
            )
            return
        body = component_body(after, current.get("location"), self.raw)
        self.module.call(
            "update", self.label, self.client.components.create_or_update, self.resource_group, self.name, body
        )

    def delete(self, current):
        self.module.call("delete", self.label, self.client.components.delete, self.resource_group, self.name)
