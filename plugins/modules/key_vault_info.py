#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: key_vault_info
short_description: Read Azure Key Vaults, and soft-deleted ones
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Returns one vault, the vaults of a resource group, or the vaults of the subscription, in the shape
    M(mlops.azure.key_vault) returns.
  - With O(include_deleted=true), also the soft-deleted vaults of the subscription (their names stay reserved
    until Azure purges them).
  - Each vault also carries its access policies (C(access_policies)), which M(mlops.azure.key_vault)
    does not manage (it uses Azure RBAC), so an audit can see what a vault built by hand grants.
options:
  name:
    description:
      - Name of the vault to read (needs O(resource_group)). A vault that does not exist gives an empty list.
      - With O(include_deleted=true), also limits RV(deleted_key_vaults) to this name.
    type: str
  resource_group:
    description: Resource group to read vaults from. When not set, every vault of the subscription.
    type: str
  include_deleted:
    description: Also return the soft-deleted vaults of the subscription as RV(deleted_key_vaults).
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.attributes.info_module
requirements:
  - azure-mgmt-keyvault >= 10.3
seealso:
  - module: mlops.azure.key_vault
"""

EXAMPLES = r"""
- name: Read one vault
  mlops.azure.key_vault_info:
    name: kv-mlops-prod-weu-01
    resource_group: rg-mlops-prod-weu
  register: kv

- name: Is a soft-deleted vault holding our name?
  mlops.azure.key_vault_info:
    name: kv-mlops-dev-weu-01
    include_deleted: true
  register: deleted
"""

RETURN = r"""
key_vaults:
  description:
    - The vaults found, in the shape M(mlops.azure.key_vault) returns.
    - Plus C(access_policies), the vault's access policies (which Azure ignores while C(enable_rbac_authorization)
      is true), each with C(tenant_id), C(object_id), C(application_id) and C(permissions) (C(keys), C(secrets),
      C(certificates) and C(storage), each a list of permission names).
  returned: always
  type: list
  elements: dict
  sample:
    - id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1
      name: kv1
      sku: standard
      enable_rbac_authorization: true
      enable_purge_protection: false
      soft_delete_retention_in_days: 90
      access_policies: []
deleted_key_vaults:
  description: Soft-deleted vaults of the subscription.
  returned: when O(include_deleted=true)
  type: list
  elements: dict
  contains:
    name:
      description: Name of the deleted vault.
      type: str
    location:
      description: Location of the deleted vault (needed to recover or purge it).
      type: str
    vault_id:
      description: Resource id the vault had.
      type: str
    deletion_date:
      description: When it was deleted.
      type: str
    scheduled_purge_date:
      description: When Azure purges it and frees the name.
      type: str
    purge_protection_enabled:
      description: Whether purge protection keeps it until RV(deleted_key_vaults[].scheduled_purge_date).
      type: bool
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._key_vault import KeyVault, deleted_vault_shape
from ansible_collections.mlops.azure.plugins.module_utils._rest import rest_dict


def _access_policies(body):
    """A vault's access policies from its REST JSON (the module's shape leaves them out: it uses RBAC)."""
    policies = []
    for policy in (body.get("properties") or {}).get("accessPolicies") or []:
        permissions = policy.get("permissions") or {}
        policies.append(
            {
                "tenant_id": policy.get("tenantId"),
                "object_id": policy.get("objectId"),
                "application_id": policy.get("applicationId"),
                "permissions": dict(
                    (kind, list(permissions.get(kind) or [])) for kind in ("keys", "secrets", "certificates", "storage")
                ),
            }
        )
    return policies


def main():
    module = AzureModule(
        argument_spec=dict(
            name=dict(type="str"),
            resource_group=dict(type="str"),
            include_deleted=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    group = params["resource_group"]
    if name and not group and not params["include_deleted"]:
        module.fail_json(msg="name needs resource_group (or include_deleted=true to look among deleted vaults)")

    vaults = []
    if group or not name:
        bodies = KeyVault.find_raw(module, name, group)
        vaults = [dict(KeyVault.shape(body), access_policies=_access_policies(body)) for body in bodies]

    result = dict(changed=False, key_vaults=vaults)
    if params["include_deleted"]:
        operations = KeyVault.operations_for(module)
        with module.azure_errors("list", f"the soft-deleted key vaults of subscription {module.subscription_id}"):
            deleted = [deleted_vault_shape(rest_dict(item)) for item in operations.list_deleted()]
        if name:
            deleted = [item for item in deleted if (item.get("name") or "").casefold() == name.casefold()]
        result["deleted_key_vaults"] = deleted
    module.exit_json(**result)


if __name__ == "__main__":
    main()
