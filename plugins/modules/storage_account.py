#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: storage_account
short_description: Create, update or delete an Azure Storage Account with its blob settings and containers
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a storage account exists with the given settings, its blob service properties (blob and container
    soft delete, versioning) and the blob containers you list, or that the account does not exist.
  - Secure by default. General purpose v2, HTTPS only, TLS 1.2, no anonymous blob access, no shared-key
    access, no cross-tenant replication, 7-day blob and container soft delete. These defaults are applied to
    existing accounts too; set an option explicitly to keep another value.
  - Option names are the ARM property names in snake_case. Only the options you set (or that have a secure
    default) are compared, with Azure's equivalences (case of enums, IP rules in any order, subnet ids in any
    case), so the second run reports no change and sends no write.
  - Changes Azure cannot make in place (kind, location, Standard to Premium) are refused before anything is sent.
  - Deleting an account that holds blob containers needs O(force_delete_nonempty=true).
options:
  name:
    description:
      - Name of the account, 3-24 lower-case letters and digits; global across Azure.
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the account.
    type: str
    required: true
  location:
    description:
      - Azure location. Defaults to the resource group's location when the account is created.
      - An account cannot move; a different location is refused.
    type: str
  state:
    description: V(present) to create or update the account, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
  kind:
    description:
      - Kind of account. V(StorageV2) (general purpose v2) is the secure baseline.
      - The kind of an existing account is never changed; a different value is refused, with how to upgrade
        a V(Storage) or V(BlobStorage) account deliberately.
    type: str
    choices: [Storage, StorageV2, BlobStorage, FileStorage, BlockBlobStorage]
    default: StorageV2
  sku:
    description:
      - Redundancy and performance, for example V(Standard_LRS), V(Standard_ZRS), V(Standard_GZRS).
      - Not compared when not set; a new account gets V(Standard_LRS).
      - Changing between Standard and Premium is refused (Azure needs a migration).
    type: str
    choices:
      - Standard_LRS
      - Standard_GRS
      - Standard_RAGRS
      - Standard_ZRS
      - Standard_GZRS
      - Standard_RAGZRS
      - Premium_LRS
      - Premium_ZRS
  access_tier:
    description: Default access tier of blobs. Not compared when not set (Azure uses V(Hot)).
    type: str
    choices: [Hot, Cool, Cold, Premium]
  supports_https_traffic_only:
    description: Refuse plain HTTP requests (Azure.Storage.SecureTransfer).
    type: bool
    default: true
    aliases: [enable_https_traffic_only]
  minimum_tls_version:
    description: Oldest TLS version clients may use (Azure.Storage.MinTLS).
    type: str
    choices: [TLS1_0, TLS1_1, TLS1_2, TLS1_3]
    default: TLS1_2
  allow_blob_public_access:
    description: Allow anonymous read access to containers that ask for it (Azure.Storage.BlobPublicAccess).
    type: bool
    default: false
  allow_shared_key_access:
    description:
      - Allow requests signed with the account keys (and SAS made from them). V(false), the secure default,
        leaves only Microsoft Entra ID (Azure.Storage.LocalAuth).
      - Trade-off. Clients that still use connection strings or account-key SAS stop working, and so do some
        tools. The MLOps stack works with Entra ID; set V(true) only for a client that cannot.
    type: bool
    default: false
  allow_cross_tenant_replication:
    description: Allow object replication to accounts in other Entra tenants.
    type: bool
    default: false
  public_network_access:
    description:
      - Whether the account accepts traffic from public networks (subject to O(network_acls)).
      - Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  network_acls:
    description: The account's firewall. Only the keys you set are compared.
    type: dict
    suboptions:
      default_action:
        description: What happens to traffic no rule matches. V(Deny) is the secure baseline (Azure.Storage.Firewall).
        type: str
        choices: [Allow, Deny]
      bypass:
        description:
          - Traffic that bypasses the firewall. V(AzureServices) lets trusted Azure services in.
          - An empty list or V(None) means no bypass.
        type: list
        elements: str
        choices: [AzureServices, Logging, Metrics, None]
      ip_rules:
        description:
          - Public IPv4 addresses or CIDR ranges allowed in, compared as a set. V(1.2.3.4/32) is sent as
            V(1.2.3.4), as Azure requires. The list replaces the account's rules.
        type: list
        elements: str
      virtual_network_rules:
        description: Subnets allowed in, compared as a set by subnet id. The list replaces the account's rules.
        type: list
        elements: dict
        suboptions:
          id:
            description: Resource id of the subnet (it needs the C(Microsoft.Storage) service endpoint).
            type: str
            required: true
      resource_access_rules:
        description:
          - Resource instances allowed in through the firewall (C(resourceAccessRules)), compared as a set by resource
            id. The list replaces the account's rules.
          - This is how Azure admits a trusted service's resource, for example an Azure Machine Learning workspace,
            without opening the firewall. Together with C(AzureServices) in O(network_acls.bypass), only that
            instance (not every resource of the service) gets through, and only with its own role assignments.
        type: list
        elements: dict
        suboptions:
          resource_id:
            description: Resource id of the resource instance.
            type: str
            required: true
          tenant_id:
            description: Tenant of the resource instance. Defaults to the tenant of the identity running the module.
            type: str
  blob_service_properties:
    description:
      - Properties of the account's blob service. Only the keys you set (or defaulted) are compared.
      - The defaults of the two retention policies apply even when O(blob_service_properties) is not set, so blob
        and container soft delete are on (7 days) unless you say otherwise.
    type: dict
    suboptions:
      delete_retention_policy:
        description: Blob soft delete (Azure.Storage.SoftDelete).
        type: dict
        suboptions:
          enabled:
            description: Keep deleted blobs for O(blob_service_properties.delete_retention_policy.days).
            type: bool
            default: true
          days:
            description: Days to keep deleted blobs, 1-365.
            type: int
            default: 7
      container_delete_retention_policy:
        description: Container soft delete (Azure.Storage.ContainerSoftDelete).
        type: dict
        suboptions:
          enabled:
            description: Keep deleted containers for O(blob_service_properties.container_delete_retention_policy.days).
            type: bool
            default: true
          days:
            description: Days to keep deleted containers, 1-365.
            type: int
            default: 7
      is_versioning_enabled:
        description: Keep previous versions of blobs. Not compared when not set.
        type: bool
  blob_containers:
    description:
      - Blob containers that must exist, each a name or a dict with C(name), C(public_access)
        (V(None), V(Blob) or V(Container); default V(None)) and C(metadata) (a dict).
      - Names are checked against Azure's rules (3-63 lower-case letters, digits and single hyphens) before
        anything is sent.
      - Containers that exist but are not listed are left alone, unless O(purge_blob_containers=true).
    type: list
    elements: raw
  purge_blob_containers:
    description:
      - Delete the containers of the account that O(blob_containers) does not list, with their blobs.
      - Only when O(blob_containers) is set.
    type: bool
    default: false
  force_delete_nonempty:
    description:
      - With O(state=absent), delete the account even when it still holds blob containers (their data is lost).
      - Without it, deleting an account with containers is refused before anything is deleted.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-storage >= 21
  - azure-mgmt-resource >= 26 (only to take the location from the resource group)
notes:
  - The module manages the control plane only (Azure Resource Manager). It never reads or returns account keys.
  - Whether a container holds blobs is not visible through Azure Resource Manager, so O(force_delete_nonempty)
    is asked for as soon as the account holds any container.
seealso:
  - module: mlops.azure.storage_account_info
"""

EXAMPLES = r"""
- name: Storage for ML datasets and models, secure defaults, firewalled
  mlops.azure.storage_account:
    name: stmlopsprodweu01
    resource_group: rg-mlops-prod-weu
    location: westeurope
    sku: Standard_GZRS
    network_acls:
      default_action: Deny
      bypass: [AzureServices]
      ip_rules: [203.0.113.10]
    blob_service_properties:
      delete_retention_policy: {enabled: true, days: 30}
      container_delete_retention_policy: {enabled: true, days: 30}
      is_versioning_enabled: true
    blob_containers:
      - datasets
      - models
      - name: mlflow
        metadata:
          owner: ml-platform
    tags:
      environment: prod

- name: Delete a test account and its containers
  mlops.azure.storage_account:
    name: stmlopstestweu01
    resource_group: rg-mlops-test-weu
    state: absent
    force_delete_nonempty: true
"""

RETURN = r"""
storage_account:
  description:
    - The account after the task; in check mode, the prediction. V(null) when O(state=absent). No keys.
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
    name:
      description: Name.
      type: str
    resource_group:
      description: Resource group.
      type: str
    location:
      description: Location.
      type: str
    tags:
      description: Tags.
      type: dict
    kind:
      description: Kind.
      type: str
      sample: StorageV2
    sku:
      description: SKU name.
      type: str
      sample: Standard_LRS
    access_tier:
      description: Default access tier.
      type: str
    supports_https_traffic_only:
      description: HTTPS only.
      type: bool
    minimum_tls_version:
      description: Minimum TLS version.
      type: str
    allow_blob_public_access:
      description: Anonymous blob access allowed.
      type: bool
    allow_shared_key_access:
      description: Shared-key access allowed.
      type: bool
    allow_cross_tenant_replication:
      description: Cross-tenant replication allowed.
      type: bool
    public_network_access:
      description: Public network access.
      type: str
    network_acls:
      description: Firewall, with Azure's defaults filled in.
      type: dict
    primary_endpoints:
      description: Endpoints of the account's services.
      type: dict
      sample: {"blob": "https://stmlopsprodweu01.blob.core.windows.net/"}
    private_endpoint_connections:
      description:
        - The private endpoints connected to it (read only), each with C(id), C(private_endpoint_id), C(status)
          (V(Approved), V(Pending), V(Rejected) or V(Disconnected)) and C(provisioning_state). Empty without private
          endpoints.
      type: list
      elements: dict
      sample: []
    provisioning_state:
      description: Provisioning state.
      type: str
    blob_service_properties:
      description: Blob soft delete, container soft delete and versioning.
      type: dict
    blob_containers:
      description: Every blob container of the account (C(name), C(public_access), C(metadata)).
      type: list
      elements: dict
diff:
  description: The account before and after the task, in the shape of RV(storage_account).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile
from ansible_collections.mlops.azure.plugins.module_utils._storage_account import StorageAccount, normalise_containers
from ansible_collections.mlops.azure.plugins.module_utils._validate import (
    MAX_STORAGE_TAG_NAME,
    STORAGE_SOFT_DELETE_DAYS,
)

SKUS = [
    "Standard_LRS",
    "Standard_GRS",
    "Standard_RAGRS",
    "Standard_ZRS",
    "Standard_GZRS",
    "Standard_RAGZRS",
    "Premium_LRS",
    "Premium_ZRS",
]


def _policy_spec():
    return dict(
        type="dict",
        apply_defaults=True,
        options=dict(enabled=dict(type="bool", default=True), days=dict(type="int", default=7)),
    )


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        kind=dict(
            type="str",
            default="StorageV2",
            choices=["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"],
        ),
        sku=dict(type="str", choices=SKUS),
        access_tier=dict(type="str", choices=["Hot", "Cool", "Cold", "Premium"]),
        supports_https_traffic_only=dict(type="bool", default=True, aliases=["enable_https_traffic_only"]),
        minimum_tls_version=dict(type="str", default="TLS1_2", choices=["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"]),
        allow_blob_public_access=dict(type="bool", default=False),
        allow_shared_key_access=dict(type="bool", default=False),
        allow_cross_tenant_replication=dict(type="bool", default=False),
        public_network_access=dict(type="str", choices=["Enabled", "Disabled"]),
        network_acls=dict(
            type="dict",
            options=dict(
                default_action=dict(type="str", choices=["Allow", "Deny"]),
                bypass=dict(type="list", elements="str", choices=["AzureServices", "Logging", "Metrics", "None"]),
                ip_rules=dict(type="list", elements="str"),
                virtual_network_rules=dict(
                    type="list", elements="dict", options=dict(id=dict(type="str", required=True))
                ),
                resource_access_rules=dict(
                    type="list",
                    elements="dict",
                    options=dict(resource_id=dict(type="str", required=True), tenant_id=dict(type="str")),
                ),
            ),
        ),
        blob_service_properties=dict(
            type="dict",
            apply_defaults=True,
            options=dict(
                delete_retention_policy=_policy_spec(),
                container_delete_retention_policy=_policy_spec(),
                is_versioning_enabled=dict(type="bool"),
            ),
        ),
        blob_containers=dict(type="list", elements="raw"),
        purge_blob_containers=dict(type="bool", default=False),
        force_delete_nonempty=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True, tag_name_limit=MAX_STORAGE_TAG_NAME)
    params = module.params

    if params["blob_containers"] is not None:
        problems = normalise_containers(params["blob_containers"], name_errors)[1]
        if problems:
            module.fail_json(msg="blob_containers: " + "; ".join(problems), name_errors=problems)
    if params["state"] == "present":
        module.validate_name("storage_account", params["name"])
        module.check_ip_rules((params["network_acls"] or {}).get("ip_rules"), "storage_account")
        low, high = STORAGE_SOFT_DELETE_DAYS
        for policy in ("delete_retention_policy", "container_delete_retention_policy"):
            days = ((params["blob_service_properties"] or {}).get(policy) or {}).get("days")
            if days is not None and not low <= days <= high:
                module.fail_json(
                    msg=f"blob_service_properties.{policy}.days must be between {low} and {high}, got {days}"
                )

    access_rules = (params["network_acls"] or {}).get("resource_access_rules") or []
    access_rule_tenant = module.tenant_id if any(not rule.get("tenant_id") for rule in access_rules) else None
    account = StorageAccount(
        module,
        params["name"],
        params["resource_group"],
        append_tags=params["append_tags"],
        purge_blob_containers=params["purge_blob_containers"],
        force_delete_nonempty=params["force_delete_nonempty"],
    )
    desired = StorageAccount.desired_from(params, access_rule_tenant)
    result = module.run_reconcile(reconcile, account, desired, params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], storage_account=result["resource"])


if __name__ == "__main__":
    main()
