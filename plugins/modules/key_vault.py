#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: key_vault
short_description: Create, update, recover, soft-delete or purge an Azure Key Vault
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure a Key Vault exists with the given settings, or does not.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure, with
    Azure's own equivalences (case of enums, V(1.2.3.4) = V(1.2.3.4/32), subnet ids in any case, rules in any
    order), so the second run reports no change and sends no write.
  - Settings Azure cannot take back are refused before anything is sent, with the reason and what to do.
    Purge protection is never turned off. O(soft_delete_retention_in_days) is set at creation only.
  - A vault name is global across Azure, and a soft-deleted vault keeps its name for its retention period.
    When a soft-deleted vault of this name exists in the location, the module recovers it when
    O(recover=true), and otherwise fails with how to recover or purge it.
  - O(state=absent) soft-deletes the vault. Purging (the end of its keys, secrets and certificates) needs
    O(purge=true) and is refused when purge protection is on.
  - The vault uses Azure RBAC for data-plane access by default (O(enable_rbac_authorization=true)). Access
    policies are not managed by this module; existing ones are left as they are.
options:
  name:
    description:
      - Name of the vault, 3-24 letters, digits and single hyphens, starting with a letter; global across Azure.
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the vault.
    type: str
    required: true
  location:
    description:
      - Azure location of the vault. Defaults to the resource group's location when the vault is created.
      - A vault cannot move; a different location is refused.
      - With O(state=absent) and O(purge=true), the location in which to look for the soft-deleted vault
        (every location when not set).
    type: str
  state:
    description:
      - V(present) to create, recover or update the vault, V(absent) to soft-delete it (and purge it with
        O(purge=true)).
    type: str
    choices: [present, absent]
    default: present
  sku:
    description:
      - The vault's pricing tier. V(premium) adds HSM-protected keys.
      - Not compared when not set; a new vault gets V(standard).
    type: str
    choices: [standard, premium]
  tenant_id:
    description:
      - The Microsoft Entra tenant that authenticates requests to the vault.
      - Not compared when not set; a new vault gets the tenant of the identity the module runs as.
    type: str
  enable_rbac_authorization:
    description:
      - Authorize data-plane access (keys, secrets, certificates) with Azure RBAC role assignments instead of
        access policies. Secure baseline (Azure.KeyVault.RBAC); switching an existing vault from access policies
        to RBAC removes the access those policies gave.
    type: bool
    default: true
  public_network_access:
    description:
      - Whether the vault accepts traffic from public networks (subject to O(network_acls)).
      - V(Disabled) leaves only private endpoints and trusted services.
    type: str
    choices: [Enabled, Disabled]
  soft_delete_retention_in_days:
    description:
      - Days a deleted vault (and deleted objects) are kept before Azure purges them, 7-90.
      - Set at creation only (Azure default 90). A different value for an existing vault is refused.
    type: int
  enable_purge_protection:
    description:
      - Protect the vault and its objects from purging during the retention period.
      - Irreversible. V(false) is refused for a vault that has it on. Recommended for production.
      - Not compared when not set; a new vault gets purge protection off.
    type: bool
  network_acls:
    description:
      - The vault's firewall. Only the keys you set are compared.
    type: dict
    suboptions:
      default_action:
        description: What happens to traffic no rule matches. V(Deny) is the secure baseline (Azure.KeyVault.Firewall).
        type: str
        choices: [Allow, Deny]
      bypass:
        description: Whether trusted Azure services bypass the firewall.
        type: str
        choices: [AzureServices, None]
      ip_rules:
        description:
          - Public IPv4 addresses or CIDR ranges allowed in. Compared as a set; V(1.2.3.4) and V(1.2.3.4/32)
            are the same rule. The list replaces the vault's rules.
        type: list
        elements: str
      virtual_network_rules:
        description:
          - Subnets allowed in. Compared as a set by subnet id (in any letter case). The list replaces the
            vault's rules.
        type: list
        elements: dict
        suboptions:
          id:
            description: Resource id of the subnet.
            type: str
            required: true
          ignore_missing_vnet_service_endpoint:
            description:
              - Accept the subnet even when it has no C(Microsoft.KeyVault) service endpoint (yet).
              - Only sent with the rule; not compared.
            type: bool
            default: false
  recover:
    description:
      - When the vault does not exist but a soft-deleted vault of this name exists in the location, recover it
        (with its keys, secrets and certificates) and then apply the other options.
      - Role assignments on the vault are not recovered; Azure deleted them with the vault.
      - Without it, a soft-deleted vault of this name makes the task fail with how to recover or purge it.
    type: bool
    default: false
  purge:
    description:
      - With O(state=absent), also purge the vault after soft-deleting it (or purge an already soft-deleted
        vault of this name). Purging cannot be undone.
      - Refused, before anything is deleted, when the vault has purge protection on.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-keyvault >= 10.3
  - azure-mgmt-resource >= 26 (only to take the location from the resource group)
notes:
  - In check mode a recovery is predicted from what Azure shows of the soft-deleted vault (location, tags,
    purge protection); its other settings are known once it is recovered.
  - Public network access with O(network_acls.default_action=Deny) and subnet rules is what PSRule and
    Azure Policy accept as a firewalled vault; Checkov (CKV_AZURE_189) also wants public network access
    disabled, which needs private endpoints.
seealso:
  - module: mlops.azure.key_vault_info
  - name: Key Vault soft-delete overview
    description: How soft delete, recovery, purge and purge protection work.
    link: https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
"""

EXAMPLES = r"""
- name: Production vault, firewalled, purge protected
  mlops.azure.key_vault:
    name: kv-mlops-prod-weu-01
    resource_group: rg-mlops-prod-weu
    location: westeurope
    sku: standard
    enable_purge_protection: true
    soft_delete_retention_in_days: 90
    public_network_access: Enabled
    network_acls:
      default_action: Deny
      bypass: AzureServices
      ip_rules:
        - 203.0.113.10
      virtual_network_rules:
        - id: "{{ subnet_compute_id }}"
    tags:
      environment: prod

- name: Bring back a vault deleted by mistake
  mlops.azure.key_vault:
    name: kv-mlops-dev-weu-01
    resource_group: rg-mlops-dev-weu
    location: westeurope
    recover: true

- name: Remove a test vault for good
  mlops.azure.key_vault:
    name: kv-mlops-test-weu-01
    resource_group: rg-mlops-test-weu
    state: absent
    purge: true
"""

RETURN = r"""
key_vault:
  description:
    - The vault after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops-prod-weu/providers/Microsoft.KeyVault/vaults/kv1
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
    tenant_id:
      description: Tenant that authenticates requests to the vault.
      type: str
    sku:
      description: Pricing tier.
      type: str
      sample: standard
    vault_uri:
      description: Data-plane URI of the vault (V(null) in a check-mode prediction of a new vault).
      type: str
      sample: https://kv-mlops-prod-weu-01.vault.azure.net/
    enable_rbac_authorization:
      description: Whether data-plane access uses Azure RBAC.
      type: bool
    enable_soft_delete:
      description: Whether soft delete is on (always, for vaults Azure creates today).
      type: bool
    soft_delete_retention_in_days:
      description: Soft-delete retention.
      type: int
      sample: 90
    enable_purge_protection:
      description: Whether purge protection is on.
      type: bool
    public_network_access:
      description: Public network access.
      type: str
      sample: Enabled
    network_acls:
      description: Firewall, with Azure's defaults filled in (single addresses shown as V(/32)).
      type: dict
      contains:
        default_action:
          description: Default action.
          type: str
        bypass:
          description: Bypass.
          type: str
        ip_rules:
          description: IP rules.
          type: list
          elements: str
        virtual_network_rules:
          description: Subnet rules.
          type: list
          elements: dict
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
diff:
  description: The vault before and after the task, in the shape of RV(key_vault).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._key_vault import KeyVault, desired_network_acls
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile
from ansible_collections.mlops.azure.plugins.module_utils._validate import KEY_VAULT_RETENTION_DAYS


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        sku=dict(type="str", choices=["standard", "premium"]),
        tenant_id=dict(type="str"),
        enable_rbac_authorization=dict(type="bool", default=True),
        public_network_access=dict(type="str", choices=["Enabled", "Disabled"]),
        soft_delete_retention_in_days=dict(type="int"),
        enable_purge_protection=dict(type="bool"),
        network_acls=dict(
            type="dict",
            options=dict(
                default_action=dict(type="str", choices=["Allow", "Deny"]),
                bypass=dict(type="str", choices=["AzureServices", "None"]),
                ip_rules=dict(type="list", elements="str"),
                virtual_network_rules=dict(
                    type="list",
                    elements="dict",
                    options=dict(
                        id=dict(type="str", required=True),
                        ignore_missing_vnet_service_endpoint=dict(type="bool", default=False),
                    ),
                ),
            ),
        ),
        recover=dict(type="bool", default=False),
        purge=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("key_vault", params["name"])
        module.check_ip_rules((params["network_acls"] or {}).get("ip_rules"), "key_vault")
    retention = params["soft_delete_retention_in_days"]
    low, high = KEY_VAULT_RETENTION_DAYS
    if retention is not None and not low <= retention <= high:
        module.fail_json(msg=f"soft_delete_retention_in_days must be between {low} and {high}, got {retention}")

    vault = KeyVault(
        module,
        params["name"],
        params["resource_group"],
        location=params["location"],
        append_tags=params["append_tags"],
        recover=params["recover"],
        purge=params["purge"],
    )
    vault.ignore_missing = desired_network_acls(params["network_acls"])[1]
    result = module.run_reconcile(reconcile, vault, KeyVault.desired_from(params), params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], key_vault=result["resource"])


if __name__ == "__main__":
    main()
