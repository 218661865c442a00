# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key Vault, declared on the resource kit (``_resource.py``) over ``azure-mgmt-keyvault``.

The field table says how each option maps to the vault's REST body; the class adds what is the vault's own:
the subnets that skip the service-endpoint check, the name a soft-deleted vault holds (recover or refuse), purge
protection that never turns off, and soft delete then purge on ``state: absent``.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._reconcile import (
    ListByKey,
    ListOf,
    Refusal,
    canonical_ip,
    compare,
    get_path,
    merge,
    norm_ci,
    norm_id,
    norm_ip,
)
from ansible_collections.mlops.azure.plugins.module_utils._resource import (
    Field,
    SdkResource,
    private_endpoint_connections_field,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, rest_dict

KeyVaultManagementClient = optional_import("azure.mgmt.keyvault", "KeyVaultManagementClient", "azure-mgmt-keyvault")

VAULT_TYPE = "Microsoft.KeyVault/vaults"
DEFAULT_RETENTION_DAYS = 90
DEFAULT_SKU = "standard"

NETWORK_ACLS_RULES = {
    "default_action": norm_ci,
    "bypass": norm_ci,
    "ip_rules": ListOf(norm_ip),
    "virtual_network_rules": ListByKey("id", exclusive=True),
    "virtual_network_rules.id": norm_id,
}


def network_acls_shape(acls):
    return {
        "default_action": acls.get("defaultAction") or "Allow",
        "bypass": acls.get("bypass") or "AzureServices",
        "ip_rules": [canonical_ip(rule.get("value"), single_suffix=True) for rule in acls.get("ipRules") or []],
        "virtual_network_rules": [{"id": rule.get("id")} for rule in acls.get("virtualNetworkRules") or []],
    }


# What a vault without networkAcls has: Azure's defaults.
DEFAULT_NETWORK_ACLS = network_acls_shape({})


def network_acls_body(shape, held=None):
    """The REST ``networkAcls`` of ``shape`` (what it leaves out: Azure's defaults; what Azure ``held`` is replaced
    whole, as the field's ``write`` allows). The subnets that skip the
    service-endpoint check are marked by ``KeyVault.body``."""
    shape = merge(DEFAULT_NETWORK_ACLS, shape, NETWORK_ACLS_RULES)
    body = {
        "defaultAction": shape.get("default_action"),
        "bypass": shape.get("bypass"),
        "ipRules": [{"value": value} for value in shape.get("ip_rules") or []],
        "virtualNetworkRules": [{"id": rule["id"]} for rule in shape.get("virtual_network_rules") or []],
    }
    return dict((k, v) for k, v in body.items() if v is not None)


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


class KeyVault(SdkResource):
    kind = "key vault"
    arm_type = VAULT_TYPE
    location_fixed = "A vault's location is fixed at creation: create a new vault to use another location."
    sdk_client = KeyVaultManagementClient
    sdk_operations = "vaults"
    sdk_update = "update"
    sdk_delete = "delete"
    # ``vaults.list`` lists through the resources API (generic resources, not vaults).
    sdk_list_all = "list_by_subscription"
    fields = (
        Field("tenant_id", "properties.tenantId", norm=norm_ci),
        Field(
            "sku",
            "properties.sku",
            norm=norm_ci,
            create_default=DEFAULT_SKU,
            read=lambda sku: sku.get("name"),
            write=lambda name, _held: {"family": "A", "name": name},
        ),
        Field("vault_uri", "properties.vaultUri", read_only=True),
        Field("enable_rbac_authorization", "properties.enableRbacAuthorization", default=False),
        Field("enable_soft_delete", "properties.enableSoftDelete", default=True, read_only=True),
        Field(
            "soft_delete_retention_in_days",
            "properties.softDeleteRetentionInDays",
            default=DEFAULT_RETENTION_DAYS,
            create_only="Azure sets a vault's soft-delete retention only when the vault is created. Set "
            "soft_delete_retention_in_days: {before}, or create a new vault.",
        ),
        # Azure accepts only true: false is the absence of the property.
        Field(
            "enable_purge_protection",
            "properties.enablePurgeProtection",
            default=False,
            write=lambda on, _held: on or None,
        ),
        Field("public_network_access", "properties.publicNetworkAccess", norm=norm_ci, default="Enabled"),
        private_endpoint_connections_field(),
        Field(
            "network_acls",
            "properties.networkAcls",
            norm=NETWORK_ACLS_RULES,
            default=DEFAULT_NETWORK_ACLS,
            read=network_acls_shape,
            write=network_acls_body,
        ),
    )

    def __init__(self, module, name, resource_group, location=None, append_tags=True, recover=False, purge=False):
        super().__init__(module, name, resource_group, location, append_tags)
        self.recover = recover
        self.purge = purge
        self.ignore_missing = {}
        self.deleted = None

    @classmethod
    def desired_from(cls, params):
        desired = super().desired_from(params)
        if params.get("network_acls") is not None:
            desired["network_acls"] = desired_network_acls(params["network_acls"])[0]
        return desired

    def body(self, shape, differences=None):
        """The kit's body; a create also names the tenant (the identity's, when not set) and an empty access policy
        list, and a subnet rule carries ``ignoreMissingVnetServiceEndpoint`` when the user asked for it."""
        create = differences is None
        if create:
            shape = dict(shape, tenant_id=shape.get("tenant_id") or self.module.tenant_id)
        body = super().body(shape, differences)
        if create:
            body["properties"]["accessPolicies"] = []
        for rule in get_path(body, "properties.networkAcls.virtualNetworkRules") or []:
            if self.ignore_missing.get(norm_id(rule["id"])):
                rule["ignoreMissingVnetServiceEndpoint"] = True
        return body

    # -- soft-deleted vaults ---------------------------------------------------------------------
    def read_deleted(self, location):
        """The soft-deleted vault of this name in ``location``, or None."""
        body = self.module.read(
            f"soft-deleted key vault '{self.name}'", self.operations.get_deleted, self.name, location
        )
        return deleted_vault_shape(body)

    def find_deleted(self):
        """The soft-deleted vault of this name in any location (``list_deleted``), or None."""
        if self.location:
            return self.read_deleted(self.location)
        with self.module.azure_errors("list soft-deleted key vaults for", f"key vault '{self.name}'"):
            for item in self.operations.list_deleted():
                shape = deleted_vault_shape(rest_dict(item))
                if (shape.get("name") or "").casefold() == self.name.casefold():
                    return shape
        return None

    # -- refusals ---------------------------------------------------------------------------
    def check(self, desired, current):
        """The declared refusals (location, retention); a new vault's name against the soft-deleted vaults; purge
        protection, which Azure turns on but never off."""
        if current is None:
            self._check_create(desired)
            return
        super().check(desired, current)
        if current.get("enable_purge_protection") and desired.get("enable_purge_protection") is False:
            raise Refusal(
                f"{self.label}: purge protection is on and Azure never turns it off (enabling it is irreversible). Set "
                "enable_purge_protection: true or leave it unset."
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
            self.operations.check_name_availability,
            VAULT_TYPE,
            "Key Vault names are global across all of Azure: choose another name, or recover/purge the soft-deleted "
            "vault if it is yours.",
        )

    # -- recovery ------------------------------------------------------------------------------
    def predict_create(self, desired):
        shape = super().predict_create(desired)
        if self.deleted is not None:
            # Recovery brings the old vault back; its settings show once it is recovered.
            shape["tags"] = merge(self.deleted.get("tags") or {}, desired.get("tags"), self.rules, "tags")
            shape["enable_purge_protection"] = bool(
                self.deleted.get("purge_protection_enabled") or desired.get("enable_purge_protection")
            )
            shape["location"] = self.deleted.get("location") or shape["location"]
        return shape

    def create(self, desired):
        if self.deleted is None:
            super().create(desired)
            return
        properties = {
            "tenantId": desired.get("tenant_id") or self.module.tenant_id,
            "sku": {"family": "A", "name": desired.get("sku") or DEFAULT_SKU},
            "createMode": "recover",
        }
        self.put({"location": self.create_location(desired), "properties": properties}, action="recover")
        recovered = self.read()
        if recovered is None:
            self.module.fail_json(msg=f"{self.label} was recovered but cannot be read back; run again.")
        # The recovered vault keeps its old settings: refuse what cannot change, then apply the rest.
        self.check(desired, recovered)
        differences = compare(desired, recovered, self.rules)
        if differences:
            self.update(desired, recovered, differences)

    # -- soft delete and purge -------------------------------------------------------------------
    def _purge(self, location):
        label = f"soft-deleted key vault '{self.name}'"
        self.module.wait("purge", label, self.operations.begin_purge_deleted, self.name, location)

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
                self.remove()
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
