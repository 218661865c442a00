#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: ml_workspace
short_description: Create, update or delete an Azure Machine Learning workspace
version_added: 0.2.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure an Azure Machine Learning workspace exists, linked to its storage account, Key Vault, Application
    Insights and (optionally) container registry, or does not.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure, so
    the second run with the same options reports no change and sends no write.
  - Azure fixes some settings when the workspace is created (O(storage_account), O(key_vault), O(hbi_workspace)),
    and a managed network (O(isolation_mode)) can only become stricter. Such a change is refused, with the reason,
    before anything is sent.
  - The module speaks the workspace REST API at api-version C(2025-12-01) through the generic resource operations of
    C(azure-mgmt-resource). The only Python management SDK for workspaces (C(azure-mgmt-machinelearningservices)
    1.0.1) speaks api-version C(2020-08-01), which has no managed network, no system datastores auth mode and no
    soft delete; C(azure-ai-ml) would bring a large dependency tree and deploys workspaces through ARM templates.
  - A workspace that Azure left in provisioning state C(Failed) is not converged; the next run sends the desired
    state again, which is how Azure repairs it.
  - Deleting a workspace soft-deletes it for 14 days, during which its name stays taken in the resource group.
    O(purge=true) deletes it for good.
options:
  name:
    description:
      - Name of the workspace, 3-33 letters, digits, hyphens and underscores, starting with a letter or digit;
        unique in the resource group.
      - Checked against the naming rules before anything is sent, when O(state=present).
    type: str
    required: true
  resource_group:
    description: Resource group of the workspace.
    type: str
    required: true
  location:
    description:
      - Azure location of the workspace. Defaults to the resource group's location when the workspace is created.
      - A workspace cannot move; a different location is refused.
    type: str
  state:
    description: V(present) to create or update the workspace, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
  sku:
    description: Pricing tier. Not compared when not set; a new workspace is V(Basic).
    type: str
    choices: [Basic, Free, Standard, Premium]
  identity_type:
    description:
      - The workspace's managed identity. V(SystemAssigned) gives it a system-assigned identity, whose principal id
        is returned (RV(ml_workspace.principal_id)) so it can be granted roles on the associated resources.
      - Not compared when not set.
    type: str
    choices: [SystemAssigned]
  friendly_name:
    description: Display name. Not compared when not set.
    type: str
  description:
    description: Description. Not compared when not set.
    type: str
  storage_account:
    description:
      - Resource id of the workspace's default storage account (a general purpose v2 account without hierarchical
        namespace and not Premium, as Azure requires). Required to create the workspace; fixed at creation.
    type: str
  key_vault:
    description: Resource id of the workspace's Key Vault. Required to create the workspace; fixed at creation.
    type: str
  application_insights:
    description: Resource id of the Application Insights component the workspace's endpoints log to.
    type: str
  container_registry:
    description: Resource id of the container registry the workspace builds and pulls images with.
    type: str
  public_network_access:
    description: Whether the workspace is reachable over public networks. Not compared when not set.
    type: str
    choices: [Enabled, Disabled]
  hbi_workspace:
    description:
      - High business impact workspace; Azure reduces the diagnostic data it collects and encrypts the compute's
        local scratch disk. Set at creation only.
      - Not compared when not set; a new workspace has it off.
    type: bool
  v1_legacy_mode:
    description: Keep the v1 (legacy) API surface enabled. Not compared when not set.
    type: bool
  isolation_mode:
    description:
      - C(managedNetwork.isolationMode), the isolation of the workspace's managed virtual network.
      - Azure only lets it become stricter, V(Disabled) then V(AllowInternetOutbound) then
        V(AllowOnlyApprovedOutbound); a change back is refused.
      - Not compared when not set.
    type: str
    choices: [Disabled, AllowInternetOutbound, AllowOnlyApprovedOutbound]
  system_datastores_auth_mode:
    description:
      - How the workspace's system datastores reach the default storage account, V(AccessKey) (account keys) or
        V(Identity) (the workspace's identity; needed when the storage account refuses shared keys).
      - Not compared when not set.
    type: str
    choices: [AccessKey, Identity]
  purge:
    description:
      - With O(state=absent), delete the workspace for good instead of soft-deleting it for 14 days. Its data and
        its name cannot be recovered.
    type: bool
    default: false
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-resource >= 26
notes:
  - In check mode, the ids Azure generates (RV(ml_workspace.workspace_id), RV(ml_workspace.principal_id)) of a
    workspace that does not exist yet are V(null).
seealso:
  - module: mlops.azure.ml_workspace_info
  - module: mlops.azure.storage_account
  - module: mlops.azure.key_vault
  - module: mlops.azure.app_insights
  - module: mlops.azure.container_registry
  - module: mlops.azure.role_assignment
"""

EXAMPLES = r"""
- name: Workspace of the MLOps stack, linked to its resources
  mlops.azure.ml_workspace:
    name: mlw-mlops-prod-weu
    resource_group: rg-mlops-prod-weu
    location: westeurope
    identity_type: SystemAssigned
    storage_account: "{{ storage.storage_account.id }}"
    key_vault: "{{ vault.key_vault.id }}"
    application_insights: "{{ insights.app_insights.id }}"
    hbi_workspace: true
    system_datastores_auth_mode: Identity
    tags:
      environment: prod
  register: workspace

- name: Delete a test workspace for good
  mlops.azure.ml_workspace:
    name: mlw-mlops-test-weu
    resource_group: rg-mlops-test-weu
    state: absent
    purge: true
"""

RETURN = r"""
ml_workspace:
  description: The workspace after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/mlw1
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
    sku:
      description: Pricing tier.
      type: str
      sample: Basic
    identity_type:
      description: Managed identity type.
      type: str
      sample: SystemAssigned
    principal_id:
      description: Object id of the system-assigned identity.
      type: str
    tenant_id:
      description: Tenant of the system-assigned identity.
      type: str
    friendly_name:
      description: Display name.
      type: str
    description:
      description: Description.
      type: str
    storage_account:
      description: Resource id of the default storage account.
      type: str
    key_vault:
      description: Resource id of the Key Vault.
      type: str
    application_insights:
      description: Resource id of the Application Insights component.
      type: str
    container_registry:
      description: Resource id of the container registry.
      type: str
    public_network_access:
      description: Public network access.
      type: str
      sample: Enabled
    hbi_workspace:
      description: Whether it is a high business impact workspace.
      type: bool
    v1_legacy_mode:
      description: Whether the v1 API surface is on.
      type: bool
    isolation_mode:
      description: Isolation mode of the managed network.
      type: str
      sample: Disabled
    system_datastores_auth_mode:
      description: Auth mode of the system datastores.
      type: str
      sample: AccessKey
    workspace_id:
      description: The workspace's immutable id (a GUID).
      type: str
    discovery_url:
      description: URL of the workspace's service discovery.
      type: str
    ml_flow_tracking_uri:
      description: MLflow tracking URI of the workspace.
      type: str
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
      sample: Succeeded
diff:
  description: The workspace before and after the task, in the shape of RV(ml_workspace).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import (
    STATE_ARGSPEC,
    TAGS_ARGSPEC,
    AzureModule,
)
from ansible_collections.mlops.azure.plugins.module_utils._ml_workspace import (
    AUTH_MODES,
    IDENTITY_TYPES,
    ISOLATION_MODES,
    SKUS,
    MLWorkspace,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        sku=dict(type="str", choices=SKUS),
        identity_type=dict(type="str", choices=IDENTITY_TYPES),
        friendly_name=dict(type="str"),
        description=dict(type="str"),
        storage_account=dict(type="str"),
        key_vault=dict(type="str", no_log=False),
        application_insights=dict(type="str"),
        container_registry=dict(type="str"),
        public_network_access=dict(type="str", choices=["Enabled", "Disabled"]),
        hbi_workspace=dict(type="bool"),
        v1_legacy_mode=dict(type="bool"),
        isolation_mode=dict(type="str", choices=ISOLATION_MODES),
        system_datastores_auth_mode=dict(type="str", choices=AUTH_MODES),
        purge=dict(type="bool", default=False),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("ml_workspace", params["name"])
    workspace = MLWorkspace(
        module,
        params["name"],
        params["resource_group"],
        location=params["location"],
        append_tags=params["append_tags"],
        purge=params["purge"],
    )
    result = module.run_reconcile(reconcile, workspace, MLWorkspace.desired_from(params), params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], ml_workspace=result["resource"])


if __name__ == "__main__":
    main()
