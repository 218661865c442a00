# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key Vault: REST <-> shape conversion, the soft-delete lifecycle, and the reconcile resource."""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import GroupedResource
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    ListByKey,
    ListOf,
    Refusal,
    canonical_ip,
    compare,
    merge,
    norm_ci,
    norm_id,
    norm_ip,
    norm_location,
    tag_rules,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import (
    optional_import,
    parse_resource_id,
    private_endpoint_connections,
    rest_dict,
)

KeyVaultManagementClient = optional_import("azure.mgmt.keyvault", "KeyVaultManagementClient", "azure-mgmt-keyvault")

VAULT_TYPE = "Microsoft.KeyVault/vaults"
DEFAULT_RETENTION_DAYS = 90
DEFAULT_SKU = "standard"

# shape key -> REST property (under properties) for the plain settings.
_PLAIN_PROPERTIES = {
    "tenant_id": "tenantId",
    "enable_rbac_authorization": "enableRbacAuthorization",
    "public_network_access": "publicNetworkAccess",
    "soft_delete_retention_in_days": "softDeleteRetentionInDays",
}

KEY_VAULT_RULES = {
    "location": norm_location,
    "sku": norm_ci,
    "tenant_id": norm_ci,
    "public_network_access": norm_ci,
    "network_acls.default_action": norm_ci,
    "network_acls.bypass": norm_ci,
    "network_acls.ip_rules": ListOf(norm_ip),
    "network_acls.virtual_network_rules": ListByKey("id", exclusive=True),
    "network_acls.virtual_network_rules.id": norm_id,
}


def network_acls_shape(acls):
    acls = acls or {}
    return {
        "default_action": acls.get("defaultAction") or "Allow",
        "bypass": acls.get("bypass") or "AzureServices",
        "ip_rules": [canonical_ip(rule.get("value"), single_suffix=True) for rule in acls.get("ipRules") or []],
        "virtual_network_rules": [{"id": rule.get("id")} for rule in acls.get("virtualNetworkRules") or []],
    }


def key_vault_shape(body):
    """A vault's REST JSON as the module returns it, with the service's defaults filled in."""
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
        "tenant_id": props.get("tenantId"),
        "sku": (props.get("sku") or {}).get("name"),
        "vault_uri": props.get("vaultUri"),
        "enable_rbac_authorization": bool(props.get("enableRbacAuthorization")),
        "enable_soft_delete": props.get("enableSoftDelete") is not False,
        "soft_delete_retention_in_days": props.get("softDeleteRetentionInDays") or DEFAULT_RETENTION_DAYS,
        "enable_purge_protection": bool(props.get("enablePurgeProtection")),
        "public_network_access": props.get("publicNetworkAccess") or "Enabled",
        "network_acls": network_acls_shape(props.get("networkAcls")),
        "private_endpoint_connections": private_endpoint_connections(props),
        "provisioning_state": props.get("provisioningState"),
    }


def deleted_vault_shape(body):
    if body is None:
        return None
    props = body.get("properties") or {}
    return {
        "id": body.get("id"),
        "name": body.get("name"),
        "vault_id": props.get("vaultId"),
        "location": props.get("location"),
        "deletion_date": props.get("deletionDate"),
        "scheduled_purge_date": props.get("scheduledPurgeDate"),
        "purge_protection_enabled": bool(props.get("purgeProtectionEnabled")),
        "tags": props.get("tags") or {},
    }


def desired_network_acls(acls):
    """The user's ``network_acls`` in shape form, and the subnet ids that skip the service-endpoint check."""
    if acls is None:
        return None, {}
    shape = {}
    ignore = {}
    for key in ("default_action", "bypass"):
        if acls.get(key) is not None:
            shape[key] = acls[key]
    if acls.get("ip_rules") is not None:
        shape["ip_rules"] = [canonical_ip(value, single_suffix=True) for value in acls["ip_rules"]]
    if acls.get("virtual_network_rules") is not None:
        shape["virtual_network_rules"] = []
        for rule in acls["virtual_network_rules"]:
            shape["virtual_network_rules"].append({"id": rule["id"]})
            if rule.get("ignore_missing_vnet_service_endpoint"):
                ignore[norm_id(rule["id"])] = True
    return shape, ignore


def network_acls_body(shape, ignore_missing=None):
    ignore_missing = ignore_missing or {}
    body = {
        "defaultAction": shape.get("default_action"),
        "bypass": shape.get("bypass"),
        "ipRules": [{"value": value} for value in shape.get("ip_rules") or []],
        "virtualNetworkRules": [],
    }
    for rule in shape.get("virtual_network_rules") or []:
        item = {"id": rule["id"]}
        if ignore_missing.get(norm_id(rule["id"])):
            item["ignoreMissingVnetServiceEndpoint"] = True
        body["virtualNetworkRules"].append(item)
    return dict((k, v) for k, v in body.items() if v is not None)


def create_body(desired, tenant_id, location, ignore_missing=None):
    """The PUT body that creates a vault from the desired shape."""
    properties = {
        "tenantId": desired.get("tenant_id") or tenant_id,
        "sku": {"family": "A", "name": desired.get("sku") or DEFAULT_SKU},
        "accessPolicies": [],
    }
    for key, rest in _PLAIN_PROPERTIES.items():
        if key != "tenant_id" and desired.get(key) is not None:
            properties[rest] = desired[key]
    if desired.get("enable_purge_protection"):
        # Azure accepts only true; false is the absence of the property.
        properties["enablePurgeProtection"] = True
    if desired.get("network_acls") is not None:
        acls = merge(network_acls_shape(None), desired["network_acls"], KEY_VAULT_RULES, "network_acls")
        properties["networkAcls"] = network_acls_body(acls, ignore_missing)
    body = {"location": location, "properties": properties}
    if desired.get("tags"):
        body["tags"] = desired["tags"]
    return body


def patch_body(after, differences, ignore_missing=None):
    """The PATCH body for the top-level settings that differ, taken from the predicted ``after`` shape."""
    properties = {}
    body = {}
    for key in differences.top_level():
        if key == "tags":
            body["tags"] = after.get("tags") or {}
        elif key == "sku":
            properties["sku"] = {"family": "A", "name": after["sku"]}
        elif key == "network_acls":
            properties["networkAcls"] = network_acls_body(after["network_acls"], ignore_missing)
        elif key == "enable_purge_protection":
            properties["enablePurgeProtection"] = True
        elif key in _PLAIN_PROPERTIES:
            properties[_PLAIN_PROPERTIES[key]] = after[key]
    if properties:
        body["properties"] = properties
    return body


class KeyVault(GroupedResource):
    kind = "key vault"
    arm_type = VAULT_TYPE

    def __init__(self, module, name, resource_group, location=None, append_tags=True, recover=False, purge=False):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.location = location
        self.recover = recover
        self.purge = purge
        self.client = module.client(KeyVaultManagementClient)
        self.rules = dict(KEY_VAULT_RULES, **tag_rules(append_tags))
        self.ignore_missing = {}
        self.deleted = None

    # -- reading ----------------------------------------------------------------------------
    def read(self):
        body = self.module.read(self.label, self.client.vaults.get, self.resource_group, self.name)
        return key_vault_shape(body)

    def read_deleted(self, location):
        """The soft-deleted vault of this name in ``location``, or None."""
        body = self.module.read(
            f"soft-deleted key vault '{self.name}'", self.client.vaults.get_deleted, self.name, location
        )
        return deleted_vault_shape(body)

    def find_deleted(self):
        """The soft-deleted vault of this name in any location (``list_deleted``), or None."""
        if self.location:
            return self.read_deleted(self.location)
        with self.module.azure_errors("list soft-deleted key vaults for", f"key vault '{self.name}'"):
            for item in self.client.vaults.list_deleted():
                shape = deleted_vault_shape(rest_dict(item))
                if (shape.get("name") or "").casefold() == self.name.casefold():
                    return shape
        return None

    # -- refusals ---------------------------------------------------------------------------
    def check(self, desired, current):
        if current is None:
            self._check_create(desired)
            return
        if (
            desired.get("soft_delete_retention_in_days") is not None
            and desired["soft_delete_retention_in_days"] != current["soft_delete_retention_in_days"]
        ):
            raise Refusal(
                "{}: soft_delete_retention_in_days is {} and cannot be changed after the vault is created (asked "
                "for {}). Set soft_delete_retention_in_days: {}, or create a new vault.".format(
                    self.label,
                    current["soft_delete_retention_in_days"],
                    desired["soft_delete_retention_in_days"],
                    current["soft_delete_retention_in_days"],
                )
            )
        if current.get("enable_purge_protection") and desired.get("enable_purge_protection") is False:
            raise Refusal(
                f"{self.label}: purge protection is on and Azure never turns it off (enabling it is irreversible). Set "
                "enable_purge_protection: true or leave it unset."
            )
        location = desired.get("location")
        if location and norm_location(location) != norm_location(current.get("location")):
            raise Refusal(
                "{} is in {} and cannot move to {}: a vault's location is fixed at creation.".format(
                    self.label, current.get("location"), location
                )
            )

    def _check_create(self, desired):
        location = self.create_location(desired)
        deleted = self.read_deleted(location)
        if deleted is not None:
            if not self.recover:
                raise Refusal(
                    "{} cannot be created: a soft-deleted vault of that name exists in {} (deleted {}, purged by "
                    "Azure on {}{}). Set recover: true to recover it with its keys, secrets and certificates, or "
                    "purge it first (state: absent, purge: true) to create a new, empty vault with this name.".format(
                        self.label,
                        location,
                        deleted.get("deletion_date"),
                        deleted.get("scheduled_purge_date"),
                        "; purge protection is on, so it cannot be purged before then"
                        if deleted.get("purge_protection_enabled")
                        else "",
                    ),
                    deleted_vault=deleted,
                )
            if deleted.get("purge_protection_enabled") and desired.get("enable_purge_protection") is False:
                raise Refusal(
                    f"{self.label}: the soft-deleted vault to recover has purge protection on, which cannot be "
                    "turned off. Set enable_purge_protection: true or leave it unset."
                )
            self.deleted = deleted
            return
        if self.check_mode:
            self._check_name_available()

    def _check_name_available(self):
        self.check_name_available(
            self.client.vaults.check_name_availability,
            VAULT_TYPE,
            "Key Vault names are global across all of Azure: choose another name, or recover/purge the soft-deleted "
            "vault if it is yours.",
        )

    # -- prediction -------------------------------------------------------------------------
    def predict_create(self, desired):
        location = self.create_location(desired)
        body = create_body(desired, desired.get("tenant_id") or self.module.tenant_id, location, self.ignore_missing)
        body["id"] = self.resource_id
        body["name"] = self.name
        body["properties"]["vaultUri"] = None
        body["properties"]["provisioningState"] = "Succeeded"
        shape = key_vault_shape(body)
        if self.deleted is not None:
            # Recovery brings the old vault back; its settings show once it is recovered.
            shape["tags"] = merge(self.deleted.get("tags") or {}, desired.get("tags"), self.rules, "tags")
            shape["enable_purge_protection"] = bool(
                self.deleted.get("purge_protection_enabled") or desired.get("enable_purge_protection")
            )
            shape["location"] = self.deleted.get("location") or shape["location"]
        return shape

    # -- writing ----------------------------------------------------------------------------
    def create(self, desired):
        location = self.create_location(desired)
        tenant_id = desired.get("tenant_id") or self.module.tenant_id
        if self.deleted is not None:
            self._recover(desired, tenant_id, location)
            return
        body = create_body(desired, tenant_id, location, self.ignore_missing)
        self.module.wait(
            "create", self.label, self.client.vaults.begin_create_or_update, self.resource_group, self.name, body
        )

    def _recover(self, desired, tenant_id, location):
        body = {
            "location": location,
            "properties": {
                "tenantId": tenant_id,
                "sku": {"family": "A", "name": desired.get("sku") or DEFAULT_SKU},
                "createMode": "recover",
            },
        }
        self.module.wait(
            "recover", self.label, self.client.vaults.begin_create_or_update, self.resource_group, self.name, body
        )
        recovered = self.read()
        if recovered is None:
            self.module.fail_json(msg=f"{self.label} was recovered but cannot be read back; run again.")
        # The recovered vault keeps its old settings: refuse what cannot change, then apply the rest.
        self.check(desired, recovered)
        differences = compare(desired, recovered, self.rules)
        if differences:
            self.update(desired, recovered, differences)

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        body = patch_body(after, differences, self.ignore_missing)
        if body:
            self.module.call("update", self.label, self.client.vaults.update, self.resource_group, self.name, body)

    def delete(self, current):
        self.module.call("delete", self.label, self.client.vaults.delete, self.resource_group, self.name)

    def _purge(self, location):
        label = f"soft-deleted key vault '{self.name}'"
        self.module.wait("purge", label, self.client.vaults.begin_purge_deleted, self.name, location)

    def ensure_absent(self, current):
        """``state: absent``: soft-delete the vault; with ``purge``, purge it too (never under purge protection)."""
        if current is not None:
            if self.purge and current.get("enable_purge_protection"):
                raise Refusal(
                    "{} has purge protection on, so it cannot be purged: Azure keeps the soft-deleted vault (and its "
                    "name) for its retention of {} days. Set purge: false to soft-delete it.".format(
                        self.label, current.get("soft_delete_retention_in_days")
                    )
                )
            if not self.check_mode:
                self.delete(current)
                if self.purge:
                    self._purge(current["location"])
            return True, current, {}
        if not self.purge:
            return False, {}, {}
        deleted = self.find_deleted()
        if deleted is None:
            return False, {}, {}
        if deleted.get("purge_protection_enabled"):
            raise Refusal(
                "soft-deleted key vault '{}' has purge protection on, so it cannot be purged before Azure purges it "
                "on {}.".format(self.name, deleted.get("scheduled_purge_date")),
                deleted_vault=deleted,
            )
        if not self.check_mode:
            self._purge(deleted["location"])
        before = {"name": deleted["name"], "location": deleted["location"], "soft_deleted": True}
        return True, before, {}
