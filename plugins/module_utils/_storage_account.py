# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage accounts: the account, its blob service properties and its blob containers.

REST <-> shape conversion and the reconcile resource. The account is created with the SDK's
long-running ``begin_create`` poller; blob service properties and containers are synchronous calls.
"""

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

StorageManagementClient = optional_import("azure.mgmt.storage", "StorageManagementClient", "azure-mgmt-storage")

ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts"
DEFAULT_SKU = "Standard_LRS"
BLOB_KINDS = ("storagev2", "storage", "blobstorage", "blockblobstorage")

# shape key -> REST property (under properties) for the plain account settings.
ACCOUNT_PROPERTIES = {
    "access_tier": "accessTier",
    "supports_https_traffic_only": "supportsHttpsTrafficOnly",
    "minimum_tls_version": "minimumTlsVersion",
    "allow_blob_public_access": "allowBlobPublicAccess",
    "allow_shared_key_access": "allowSharedKeyAccess",
    "allow_cross_tenant_replication": "allowCrossTenantReplication",
    "public_network_access": "publicNetworkAccess",
}

STORAGE_RULES = {
    "location": norm_location,
    "kind": norm_ci,
    "sku": norm_ci,
    "access_tier": norm_ci,
    "minimum_tls_version": norm_ci,
    "public_network_access": norm_ci,
    "network_acls.default_action": norm_ci,
    "network_acls.bypass": ListOf(norm_ci),
    "network_acls.ip_rules": ListOf(norm_ip),
    "network_acls.virtual_network_rules": ListByKey("id", exclusive=True),
    "network_acls.virtual_network_rules.id": norm_id,
    "network_acls.resource_access_rules": ListByKey("resource_id", exclusive=True),
    "network_acls.resource_access_rules.resource_id": norm_id,
    "network_acls.resource_access_rules.tenant_id": norm_ci,
    "blob_containers": ListByKey("name"),
    "blob_containers.public_access": norm_ci,
}


def bypass_list(value):
    """``"Logging, Metrics"`` -> ``["Logging", "Metrics"]``; ``"None"`` -> ``[]``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    items = [item.strip() for item in value if item and item.strip()]
    return [item for item in items if item.casefold() != "none"]


def bypass_text(items):
    return ", ".join(items) if items else "None"


def network_acls_shape(acls):
    acls = acls or {}
    return {
        "default_action": acls.get("defaultAction") or "Allow",
        "bypass": bypass_list(acls.get("bypass") or "AzureServices"),
        "ip_rules": [canonical_ip(rule.get("value")) for rule in acls.get("ipRules") or []],
        "virtual_network_rules": [{"id": rule.get("id")} for rule in acls.get("virtualNetworkRules") or []],
        "resource_access_rules": [
            {"resource_id": rule.get("resourceId"), "tenant_id": rule.get("tenantId")}
            for rule in acls.get("resourceAccessRules") or []
        ],
    }


def network_acls_body(shape):
    body = {
        "defaultAction": shape.get("default_action") or "Allow",
        "bypass": bypass_text(shape.get("bypass") or []),
        "ipRules": [{"value": value, "action": "Allow"} for value in shape.get("ip_rules") or []],
        "virtualNetworkRules": [
            {"id": rule["id"], "action": "Allow"} for rule in shape.get("virtual_network_rules") or []
        ],
    }
    if shape.get("resource_access_rules"):
        body["resourceAccessRules"] = [
            {"tenantId": rule["tenant_id"], "resourceId": rule["resource_id"]}
            for rule in shape["resource_access_rules"]
        ]
    return body


def _policy_shape(policy):
    policy = policy or {}
    enabled = bool(policy.get("enabled"))
    return {"enabled": enabled, "days": policy.get("days") if enabled else None}


def blob_service_shape(body):
    if body is None:
        return None
    props = body.get("properties") or {}
    return {
        "delete_retention_policy": _policy_shape(props.get("deleteRetentionPolicy")),
        "container_delete_retention_policy": _policy_shape(props.get("containerDeleteRetentionPolicy")),
        "is_versioning_enabled": bool(props.get("isVersioningEnabled")),
    }


def settle_prediction(shape):
    """A predicted shape as Azure will report it: no days for a disabled retention policy, and new
    containers with their defaults."""
    props = (shape or {}).get("blob_service_properties")
    for key in ("delete_retention_policy", "container_delete_retention_policy"):
        policy = (props or {}).get(key)
        if isinstance(policy, dict) and policy.get("enabled") is False:
            policy["days"] = None
    for container in (shape or {}).get("blob_containers") or []:
        container.setdefault("public_access", "None")
        container.setdefault("metadata", {})
    return shape


def container_shape(body):
    props = body.get("properties") or {}
    return {
        "name": body.get("name"),
        "public_access": props.get("publicAccess") or "None",
        "metadata": props.get("metadata") or {},
    }


def storage_account_shape(body, blob_service=None, containers=None):
    """A storage account's REST JSON (plus its blob service and containers) as the module returns it."""
    if body is None:
        return None
    props = body.get("properties") or {}
    ids = parse_resource_id(body.get("id"))
    shared_key = props.get("allowSharedKeyAccess")
    https_only = props.get("supportsHttpsTrafficOnly")
    shape = {
        "id": body.get("id"),
        "name": body.get("name"),
        "resource_group": ids.get("resource_group"),
        "location": body.get("location"),
        "tags": body.get("tags") or {},
        "kind": body.get("kind"),
        "sku": (body.get("sku") or {}).get("name"),
        "access_tier": props.get("accessTier"),
        # Azure documents null as true for both.
        "supports_https_traffic_only": True if https_only is None else bool(https_only),
        "allow_shared_key_access": True if shared_key is None else bool(shared_key),
        "minimum_tls_version": props.get("minimumTlsVersion"),
        "allow_blob_public_access": props.get("allowBlobPublicAccess"),
        "allow_cross_tenant_replication": props.get("allowCrossTenantReplication"),
        "public_network_access": props.get("publicNetworkAccess"),
        "network_acls": network_acls_shape(props.get("networkAcls")),
        "primary_endpoints": props.get("primaryEndpoints") or {},
        "private_endpoint_connections": private_endpoint_connections(props),
        "provisioning_state": props.get("provisioningState"),
    }
    if blob_service is not None:
        shape["blob_service_properties"] = blob_service_shape(blob_service)
    if containers is not None:
        shape["blob_containers"] = [container_shape(item) for item in containers]
    return shape


def desired_network_acls(acls, tenant_id=None):
    """The user's ``network_acls`` in shape form; a resource access rule without a tenant gets ``tenant_id``."""
    if acls is None:
        return None
    shape = {}
    if acls.get("default_action") is not None:
        shape["default_action"] = acls["default_action"]
    if acls.get("bypass") is not None:
        shape["bypass"] = bypass_list(acls["bypass"])
    if acls.get("ip_rules") is not None:
        shape["ip_rules"] = [canonical_ip(value) for value in acls["ip_rules"]]
    if acls.get("virtual_network_rules") is not None:
        shape["virtual_network_rules"] = [{"id": rule["id"]} for rule in acls["virtual_network_rules"]]
    if acls.get("resource_access_rules") is not None:
        shape["resource_access_rules"] = [
            {"resource_id": rule["resource_id"], "tenant_id": rule.get("tenant_id") or tenant_id}
            for rule in acls["resource_access_rules"]
        ]
    return shape


def desired_blob_service(props):
    """Drop ``days`` from a disabled policy: Azure keeps no retention for it."""
    if props is None:
        return None
    result = {}
    for key in ("delete_retention_policy", "container_delete_retention_policy"):
        policy = props.get(key)
        if policy is None:
            continue
        policy = dict((k, v) for k, v in policy.items() if v is not None)
        if policy.get("enabled") is False:
            policy.pop("days", None)
        result[key] = policy
    if props.get("is_versioning_enabled") is not None:
        result["is_versioning_enabled"] = props["is_versioning_enabled"]
    return result


def blob_service_body(shape):
    props = {}
    for key, rest in (
        ("delete_retention_policy", "deleteRetentionPolicy"),
        ("container_delete_retention_policy", "containerDeleteRetentionPolicy"),
    ):
        policy = shape.get(key)
        if policy is None:
            continue
        item = {"enabled": bool(policy.get("enabled"))}
        if item["enabled"] and policy.get("days") is not None:
            item["days"] = policy["days"]
        props[rest] = item
    if shape.get("is_versioning_enabled") is not None:
        props["isVersioningEnabled"] = shape["is_versioning_enabled"]
    return {"properties": props}


def container_body(container):
    props = {"publicAccess": container.get("public_access") or "None"}
    if container.get("metadata") is not None:
        props["metadata"] = container["metadata"]
    return {"properties": props}


def normalise_containers(items, name_errors=None):
    """``blob_containers`` as given (names or dicts) -> (list of dicts, list of problems)."""
    result = []
    problems = []
    seen = set()
    for index, item in enumerate(items or []):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            problems.append(f"blob_containers[{index}] must be a container name or a dict with name")
            continue
        unknown = sorted(set(item) - {"name", "public_access", "metadata"})
        if unknown:
            problems.append(
                f"blob_containers[{index}] has unknown keys {', '.join(unknown)} (known: name, public_access, metadata)"
            )
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name:
            problems.append(f"blob_containers[{index}] has no name")
            continue
        if name_errors is not None:
            problems.extend(name_errors("blob_container", name))
        public_access = item.get("public_access", "None")
        if public_access is None:
            public_access = "None"
        if str(public_access) not in ("None", "Blob", "Container"):
            problems.append(
                f"blob_containers[{index}] ({name}): public_access must be None, Blob or Container, "
                f"not {public_access!r}"
            )
            continue
        metadata = item.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            problems.append(f"blob_containers[{index}] ({name}): metadata must be a dict")
            continue
        if name in seen:
            problems.append(f"blob_containers lists {name} twice")
            continue
        seen.add(name)
        container = {"name": name, "public_access": str(public_access)}
        if metadata is not None:
            container["metadata"] = dict((str(k), str(v)) for k, v in metadata.items())
        result.append(container)
    return result, problems


def _tier(sku):
    """``premium`` or ``standard``: Azure moves data between the two only by migration."""
    return "premium" if (sku or "").casefold().startswith("premium") else "standard"


class StorageAccount(GroupedResource):
    kind = "storage account"
    arm_type = ACCOUNT_TYPE

    def __init__(
        self, module, name, resource_group, append_tags=True, purge_blob_containers=False, force_delete_nonempty=False
    ):
        super().__init__(name, module.check_mode)
        self.module = module
        self.resource_group = resource_group
        self.client = module.client(StorageManagementClient)
        self.rules = dict(STORAGE_RULES, **tag_rules(append_tags))
        if purge_blob_containers:
            self.rules["blob_containers"] = ListByKey("name", exclusive=True)
        self.purge_blob_containers = purge_blob_containers
        self.force_delete_nonempty = force_delete_nonempty
        self.location = None

    # -- reading ----------------------------------------------------------------------------
    def read(self):
        body = self.module.read(self.label, self.client.storage_accounts.get_properties, self.resource_group, self.name)
        if body is None:
            return None
        blob_service = None
        containers = None
        if norm_ci(body.get("kind")) in BLOB_KINDS:
            blob_service = (
                self.module.read(
                    f"blob service of {self.label}",
                    self.client.blob_services.get_service_properties,
                    self.resource_group,
                    self.name,
                )
                or {}
            )
            with self.module.azure_errors("list the blob containers of", self.label):
                containers = [
                    rest_dict(item) for item in self.client.blob_containers.list(self.resource_group, self.name)
                ]
        return storage_account_shape(body, blob_service, containers)

    # -- refusals ---------------------------------------------------------------------------
    def check(self, desired, current):
        if current is None:
            if self.check_mode:
                self._check_name_available()
            return
        location = desired.get("location")
        if location and norm_location(location) != norm_location(current.get("location")):
            raise Refusal(
                "{} is in {} and cannot move to {}: an account's location is fixed at creation.".format(
                    self.label, current.get("location"), location
                )
            )
        kind = desired.get("kind")
        if kind and norm_ci(kind) != norm_ci(current.get("kind")):
            raise Refusal(
                "{} is of kind {} and this module does not change it to {}: a kind change is either impossible or, "
                "from Storage/BlobStorage to StorageV2, a one-way upgrade. Set kind: {}, or upgrade the account "
                "deliberately (az storage account update --set kind=StorageV2 --access-tier Hot) and then set kind: "
                "StorageV2.".format(self.label, current.get("kind"), kind, current.get("kind"))
            )
        sku = desired.get("sku")
        if sku and _tier(sku) != _tier(current.get("sku")):
            raise Refusal(
                "{} has SKU {}; moving to {} changes between Standard and Premium, which Azure only does by "
                "migrating the data to a new account. Keep sku: {}, or create a new account.".format(
                    self.label, current.get("sku"), sku, current.get("sku")
                )
            )

    def _check_name_available(self):
        self.check_name_available(
            self.client.storage_accounts.check_name_availability,
            ACCOUNT_TYPE,
            "Storage account names are global across all of Azure: choose another name.",
        )

    def check_absent(self, current):
        containers = current.get("blob_containers") or []
        if containers and not self.force_delete_nonempty:
            names = ", ".join(item["name"] for item in containers[:5])
            more = f" and {len(containers) - 5} more" if len(containers) > 5 else ""
            raise Refusal(
                f"{self.label} still holds {len(containers)} blob container(s) ({names}{more}); deleting the "
                "account deletes their data for good. Set force_delete_nonempty: true to delete it anyway."
            )

    # -- prediction -------------------------------------------------------------------------
    def create_body(self, desired):
        properties = {}
        for key, rest in ACCOUNT_PROPERTIES.items():
            if desired.get(key) is not None:
                properties[rest] = desired[key]
        if desired.get("network_acls") is not None:
            acls = merge(network_acls_shape(None), desired["network_acls"], self.rules, "network_acls")
            properties["networkAcls"] = network_acls_body(acls)
        body = {
            "location": self.create_location(desired),
            "kind": desired.get("kind") or "StorageV2",
            "sku": {"name": desired.get("sku") or DEFAULT_SKU},
            "properties": properties,
        }
        if desired.get("tags"):
            body["tags"] = desired["tags"]
        return body

    def predict_create(self, desired):
        body = self.create_body(desired)
        body["id"] = self.resource_id
        body["name"] = self.name
        body["properties"]["provisioningState"] = "Succeeded"
        shape = storage_account_shape(body, {}, [])
        if desired.get("blob_service_properties"):
            shape["blob_service_properties"] = merge(
                shape["blob_service_properties"],
                desired["blob_service_properties"],
                self.rules,
                "blob_service_properties",
            )
        if desired.get("blob_containers"):
            shape["blob_containers"] = merge([], desired["blob_containers"], self.rules, "blob_containers")
        return settle_prediction(shape)

    def predict_update(self, desired, current):
        return settle_prediction(merge(current, desired, self.rules))

    # -- writing ----------------------------------------------------------------------------
    def create(self, desired):
        self.module.wait(
            "create",
            self.label,
            self.client.storage_accounts.begin_create,
            self.resource_group,
            self.name,
            self.create_body(desired),
        )
        current = self.read()
        if current is None:
            self.module.fail_json(msg=f"{self.label} was created but cannot be read back; run again.")
        differences = compare(desired, current, self.rules)
        if differences:
            self.update(desired, current, differences)

    def update(self, desired, current, differences):
        after = self.predict_update(desired, current)
        account = {}
        properties = {}
        for key in differences.top_level():
            if key == "tags":
                account["tags"] = after.get("tags") or {}
            elif key == "sku":
                account["sku"] = {"name": after["sku"]}
            elif key == "network_acls":
                properties["networkAcls"] = network_acls_body(after["network_acls"])
            elif key in ACCOUNT_PROPERTIES:
                properties[ACCOUNT_PROPERTIES[key]] = after[key]
        if properties:
            account["properties"] = properties
        if account:
            self.module.call(
                "update", self.label, self.client.storage_accounts.update, self.resource_group, self.name, account
            )
        if differences.touches("blob_service_properties"):
            self.module.call(
                "set the blob service properties of",
                self.label,
                self.client.blob_services.set_service_properties,
                self.resource_group,
                self.name,
                blob_service_body(after["blob_service_properties"]),
            )
        if differences.touches("blob_containers"):
            self._update_containers(desired, current)

    def _update_containers(self, desired, current):
        have = dict((item["name"], item) for item in current.get("blob_containers") or [])
        wanted = set()
        for container in desired.get("blob_containers") or []:
            wanted.add(container["name"])
            label = "blob container '{}' of {}".format(container["name"], self.label)
            existing = have.get(container["name"])
            if existing is None:
                self.module.call(
                    "create",
                    label,
                    self.client.blob_containers.create,
                    self.resource_group,
                    self.name,
                    container["name"],
                    container_body(container),
                )
            elif compare(container, existing, self.rules, path="blob_containers"):
                self.module.call(
                    "update",
                    label,
                    self.client.blob_containers.update,
                    self.resource_group,
                    self.name,
                    container["name"],
                    container_body(merge(existing, container, self.rules, "blob_containers")),
                )
        if self.purge_blob_containers:
            for name in have:
                if name not in wanted:
                    self.module.call(
                        "delete",
                        f"blob container '{name}' of {self.label}",
                        self.client.blob_containers.delete,
                        self.resource_group,
                        self.name,
                        name,
                    )

    def delete(self, current):
        self.module.call("delete", self.label, self.client.storage_accounts.delete, self.resource_group, self.name)
