# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage accounts, declared on the resource kit (``_resource.py``) over ``azure-mgmt-storage``.

The field table says how each option maps to the account's REST body; the class adds what is the account's own:
its blob service properties and blob containers (child resources with synchronous calls of their own), the
Standard/Premium divide, and the refusal to delete an account that still holds containers.
"""

from __future__ import annotations

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
    prune,
)
from ansible_collections.mlops.azure.plugins.module_utils._resource import (
    Field,
    SdkResource,
    private_endpoint_connections_field,
)
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, rest_dict

StorageManagementClient = optional_import("azure.mgmt.storage", "StorageManagementClient", "azure-mgmt-storage")

ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts"
DEFAULT_SKU = "Standard_LRS"
BLOB_KINDS = ("storagev2", "storage", "blobstorage", "blockblobstorage")

NETWORK_ACLS_RULES = {
    "default_action": norm_ci,
    "bypass": ListOf(norm_ci),
    "ip_rules": ListOf(norm_ip),
    "virtual_network_rules": ListByKey("id", exclusive=True),
    "virtual_network_rules.id": norm_id,
    "resource_access_rules": ListByKey("resource_id", exclusive=True),
    "resource_access_rules.resource_id": norm_id,
    "resource_access_rules.tenant_id": norm_ci,
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


# What an account without networkAcls has: Azure's defaults.
DEFAULT_NETWORK_ACLS = network_acls_shape({})


def network_acls_body(shape, held=None):
    """The REST ``networkAcls`` of ``shape`` (what it leaves out: Azure's defaults; what Azure ``held`` is replaced
    whole, as the field's ``write`` allows)."""
    shape = merge(DEFAULT_NETWORK_ACLS, shape, NETWORK_ACLS_RULES)
    body = {
        "defaultAction": shape["default_action"],
        "bypass": bypass_text(shape["bypass"]),
        "ipRules": [{"value": value, "action": "Allow"} for value in shape["ip_rules"]],
        "virtualNetworkRules": [{"id": rule["id"], "action": "Allow"} for rule in shape["virtual_network_rules"]],
    }
    if shape["resource_access_rules"]:
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


class StorageAccount(SdkResource):
    kind = "storage account"
    arm_type = ACCOUNT_TYPE
    location_fixed = "An account's location is fixed at creation: create a new account to use another location."
    sdk_client = StorageManagementClient
    sdk_operations = "storage_accounts"
    sdk_get = "get_properties"
    sdk_create = "begin_create"
    sdk_update = "update"
    sdk_delete = "delete"
    fields = (
        Field(
            "kind",
            "kind",
            norm=norm_ci,
            create_default="StorageV2",
            create_only="A kind change is either impossible or, from Storage/BlobStorage to StorageV2, a one-way "
            "upgrade, which this module does not make. Set kind: {before}, or upgrade the account deliberately (az "
            "storage account update --set kind=StorageV2 --access-tier Hot) and then set kind: StorageV2.",
        ),
        Field("sku", "sku.name", norm=norm_ci, create_default=DEFAULT_SKU),
        Field("access_tier", "properties.accessTier", norm=norm_ci),
        # Azure documents null as true for both.
        Field("supports_https_traffic_only", "properties.supportsHttpsTrafficOnly", default=True),
        Field("allow_shared_key_access", "properties.allowSharedKeyAccess", default=True),
        Field("minimum_tls_version", "properties.minimumTlsVersion", norm=norm_ci),
        Field("allow_blob_public_access", "properties.allowBlobPublicAccess"),
        Field("allow_cross_tenant_replication", "properties.allowCrossTenantReplication"),
        Field("public_network_access", "properties.publicNetworkAccess", norm=norm_ci),
        private_endpoint_connections_field(),
        Field(
            "network_acls",
            "properties.networkAcls",
            norm=NETWORK_ACLS_RULES,
            default=DEFAULT_NETWORK_ACLS,
            read=network_acls_shape,
            write=network_acls_body,
        ),
        Field("primary_endpoints", "properties.primaryEndpoints", default={}, read_only=True),
    )

    def __init__(
        self,
        module,
        name,
        resource_group,
        location=None,
        append_tags=True,
        purge_blob_containers=False,
        force_delete_nonempty=False,
    ):
        super().__init__(module, name, resource_group, location, append_tags)
        self.rules["blob_containers"] = ListByKey("name", exclusive=purge_blob_containers)
        self.rules["blob_containers.public_access"] = norm_ci
        self.purge_blob_containers = purge_blob_containers
        self.force_delete_nonempty = force_delete_nonempty

    @classmethod
    def desired_from(cls, params, access_rule_tenant=None):
        """The declared options, with the firewall, the blob service properties and the containers in shape form
        (``access_rule_tenant``: the tenant of a resource access rule that names none)."""
        desired = super().desired_from(params)
        containers = params.get("blob_containers")
        desired.update(
            prune(
                {
                    "network_acls": desired_network_acls(params.get("network_acls"), access_rule_tenant),
                    "blob_service_properties": desired_blob_service(params.get("blob_service_properties")),
                    "blob_containers": None if containers is None else normalise_containers(containers)[0],
                }
            )
        )
        if params.get("kind") == "FileStorage":
            # A file-shares-only account has no blob service to configure.
            desired.pop("blob_service_properties", None)
        return desired

    @classmethod
    def shape(cls, body, blob_service=None, containers=None):
        """The account as the module returns it, with its blob service properties and containers when given."""
        shape = super().shape(body)
        if shape is not None and blob_service is not None:
            shape["blob_service_properties"] = blob_service_shape(blob_service)
        if shape is not None and containers is not None:
            shape["blob_containers"] = [container_shape(item) for item in containers]
        return shape

    # -- the blob service and its containers ------------------------------------------------------
    def read_children(self, shape):
        """The account with its blob service properties and containers (when its kind has a blob service)."""
        if norm_ci(shape.get("kind")) not in BLOB_KINDS:
            return shape
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
            containers = [rest_dict(item) for item in self.client.blob_containers.list(self.resource_group, self.name)]
        return self.shape(self.raw, blob_service, containers)

    def predict_create(self, desired):
        shape = super().predict_create(desired)
        shape["blob_service_properties"] = merge(
            blob_service_shape({}), desired.get("blob_service_properties"), self.rules, "blob_service_properties"
        )
        shape["blob_containers"] = merge([], desired.get("blob_containers"), self.rules, "blob_containers")
        return settle_prediction(shape)

    def predict_update(self, desired, current):
        return settle_prediction(merge(current, desired, self.rules))

    def create(self, desired):
        """Create the account, then set what its creation leaves out (blob service properties, containers)."""
        super().create(desired)
        current = self.read()
        if current is None:
            self.module.fail_json(msg=f"{self.label} was created but cannot be read back; run again.")
        differences = compare(desired, current, self.rules)
        if differences:
            self.update(desired, current, differences)

    def update(self, desired, current, differences):
        super().update(desired, current, differences)
        if differences.touches("blob_service_properties"):
            self.module.call(
                "set the blob service properties of",
                self.label,
                self.client.blob_services.set_service_properties,
                self.resource_group,
                self.name,
                blob_service_body(self.predict_update(desired, current)["blob_service_properties"]),
            )
        if differences.touches("blob_containers"):
            self._update_containers(desired, current)

    # -- refusals ---------------------------------------------------------------------------
    def check(self, desired, current):
        """The declared refusals (location, kind); a new account's global name (in check mode, where no create
        would tell); a move between Standard and Premium."""
        if current is None:
            if self.check_mode:
                self._check_name_available()
            return
        super().check(desired, current)
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
            self.operations.check_name_availability,
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
