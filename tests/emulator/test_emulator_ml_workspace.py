"""Machine Learning workspaces, driven the way the collection drives them: azure-mgmt-resource's generic by-id
operations at the workspace API's api-version (there is no current SDK for it), and the client pipeline for lists and
operation status URLs. The associated resources are real emulator resources created through their own SDKs."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.rest import HttpRequest
from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.authorization.v2022_04_01.models import RoleAssignmentCreateParameters
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from emulator_helpers import LOCATION, account_body, vault_body

API = "2026-07-01"
SOFT_DELETED = "Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete"
BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"


def make_dependencies(emulator, group: str, suffix: str = "01") -> dict:
    """A storage account, a vault, App Insights (with its Log Analytics workspace) and a registry in ``group``."""
    st = emulator.client(StorageManagementClient)
    kv = emulator.client(KeyVaultManagementClient)
    la = emulator.client(LogAnalyticsManagementClient)
    ai = emulator.client(ApplicationInsightsManagementClient)
    acr = emulator.client(ContainerRegistryManagementClient)
    tenant = emulator.env["AZURE_TENANT"]
    storage = st.storage_accounts.begin_create(group, f"stmlw{suffix}", account_body(), polling_interval=0).result()
    vault = kv.vaults.begin_create_or_update(group, f"kv-mlw-{suffix}", vault_body(tenant), polling_interval=0).result()
    log = la.workspaces.begin_create_or_update(
        group, f"log-mlw-{suffix}", {"location": LOCATION}, polling_interval=0
    ).result()
    appi = ai.components.create_or_update(
        group,
        f"appi-mlw-{suffix}",
        {"location": LOCATION, "kind": "web", "properties": {"Application_Type": "web", "WorkspaceResourceId": log.id}},
    )
    registry = acr.registries.begin_create(
        group, f"crmlw{suffix}", {"location": LOCATION, "sku": {"name": "Standard"}}, polling_interval=0
    ).result()
    return {
        "storageAccount": storage.id,
        "keyVault": vault.id,
        "applicationInsights": appi.id,
        "containerRegistry": registry.id,
    }


@pytest.fixture
def deps(clean_emulator, group) -> dict:
    return make_dependencies(clean_emulator, group)


def ws_id(emulator, group: str, name: str) -> str:
    return (
        f"/subscriptions/{emulator.subscription_id}/resourceGroups/{group}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{name}"
    )


def workspace(deps: dict, *, keys=("storageAccount", "keyVault"), **properties) -> dict:
    props = {k: deps[k] for k in keys}
    props.update(properties)
    return {"location": LOCATION, "properties": props}


def create(rm, rid: str, body: dict, api: str = API):
    return rm.resources.begin_create_or_update_by_id(rid, body, api_version=api, polling_interval=0).result()


def refused(call, *args, **kwargs) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as info:
        call(*args, **kwargs)
    return info.value


def send(rm, method: str, url: str):
    return rm.send_request(HttpRequest(method, url))


# create, read-only properties, defaults -------------------------------------------------------------------------------
def test_create_is_long_running_and_answers_the_read_only_properties(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-mlops")
    created = create(rm, rid, workspace(deps, friendlyName="MLOps"))
    log = clean_emulator.requests()
    assert [r["status"] for r in log if r["method"] == "PUT" and r["path"].endswith("/mlw-mlops")] == [202]
    assert any("/workspaceOperationsStatus/" in r["path"] for r in log)  # the poller followed Azure-AsyncOperation
    assert created.id == rid
    assert created.type == "Microsoft.MachineLearningServices/workspaces"
    assert created["kind"] == "Default"
    assert created["sku"] == {"name": "Basic", "tier": "Basic"}
    props = created["properties"]
    assert props["provisioningState"] == "Succeeded"
    assert str(uuid.UUID(props["workspaceId"])) == props["workspaceId"]
    assert props["discoveryUrl"] == f"https://{LOCATION}.api.azureml.ms/discovery"
    assert props["mlFlowTrackingUri"] == f"azureml://{LOCATION}.api.azureml.ms/mlflow/v1.0{rid}"
    assert props["tenantId"] == clean_emulator.env["AZURE_TENANT"]
    assert props["storageAccount"] == deps["storageAccount"]
    assert props["keyVault"] == deps["keyVault"]
    assert props["friendlyName"] == "MLOps"
    # server defaults
    assert props["publicNetworkAccess"] == "Enabled"
    assert props["hbiWorkspace"] is False
    assert props["v1LegacyMode"] is False
    assert props["enableDataIsolation"] is False
    assert props["allowPublicAccessWhenBehindVnet"] is False
    assert props["storageHnsEnabled"] is False
    assert props["systemDatastoresAuthMode"] == "AccessKey"
    assert props["managedNetwork"]["isolationMode"] == "Disabled"
    assert props["privateLinkCount"] == 0
    # a system-assigned identity unless told otherwise
    identity = created["identity"]
    assert identity["type"] == "SystemAssigned"
    assert str(uuid.UUID(identity["principalId"])) == identity["principalId"]
    assert identity["tenantId"] == clean_emulator.env["AZURE_TENANT"]
    assert rm.resources.get_by_id(rid, api_version=API)["properties"] == props


def test_operation_status_urls(clean_emulator, rm, group, deps):
    """The 202 names both status URLs: ``type=async`` answers a status body, ``type=location`` the workspace."""
    rid = ws_id(clean_emulator, group, "mlw-status")
    poller = rm.resources.begin_create_or_update_by_id(rid, workspace(deps), api_version=API, polling=False)
    initial = poller.polling_method()._initial_response.http_response  # noqa: SLF001 - the raw 202
    assert initial.status_code == 202
    async_url = initial.headers["Azure-AsyncOperation"]
    location_url = initial.headers["Location"]
    assert f"/providers/Microsoft.MachineLearningServices/locations/{LOCATION}/workspaceOperationsStatus/" in async_url
    assert "type=async" in async_url and "type=location" in location_url
    assert int(initial.headers["Retry-After"]) >= 1
    status = send(rm, "GET", async_url)
    assert status.status_code == 200 and status.json()["status"] == "Succeeded"
    final = send(rm, "GET", location_url)
    assert final.status_code == 200 and final.json()["id"] == rid


def test_realistic_latency_makes_creation_take_a_while(arm_emulator_factory):
    emulator = arm_emulator_factory(None, "--latency", "realistic", "--time-scale", "0.01")
    rm = emulator.client(ResourceManagementClient)
    rm.resource_groups.create_or_update("rg-slow", {"location": LOCATION})
    deps = make_dependencies(emulator, "rg-slow")
    rid = ws_id(emulator, "rg-slow", "mlw-slow")
    poller = rm.resources.begin_create_or_update_by_id(rid, workspace(deps), api_version=API, polling_interval=0)
    assert rm.resources.get_by_id(rid, api_version=API)["properties"]["provisioningState"] == "Creating"
    assert poller.result()["properties"]["provisioningState"] == "Succeeded"
    polls = [r for r in emulator.requests() if "/workspaceOperationsStatus/" in r["path"]]
    assert len(polls) >= 2  # still running at the first poll


def test_failed_operation_leaves_failed_and_the_same_put_repairs(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-fail")
    clean_emulator.add_fault(method="PUT", path="/workspaces/mlw-fail$", action="fail_operation")
    error = refused(create, rm, rid, workspace(deps))
    assert error.error.code == "InternalServerError"
    failed = rm.resources.get_by_id(rid, api_version=API)
    assert failed["properties"]["provisioningState"] == "Failed"
    repaired = create(rm, rid, workspace(deps))
    assert repaired["properties"]["provisioningState"] == "Succeeded"
    assert repaired["properties"]["workspaceId"] == failed["properties"]["workspaceId"]


# request shape --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ab", "a" * 34, "-mlw", "_mlw", "mlw.dots", "mlw space"])
def test_invalid_names_are_refused(clean_emulator, rm, group, deps, name):
    error = refused(create, rm, ws_id(clean_emulator, group, name.replace(" ", "%20")), workspace(deps))
    assert error.status_code == 400
    assert error.error.code == "BadRequest"
    assert "3-33 characters" in error.error.message


def test_names_location_sku_kind_and_tags(clean_emulator, rm, group, deps):
    longest = "A" + "b_-9" * 8
    assert len(longest) == 33
    created = create(rm, ws_id(clean_emulator, group, longest), dict(workspace(deps), tags={"env": "local"}))
    assert created["tags"] == {"env": "local"}
    rid = ws_id(clean_emulator, group, "mlw-shape")
    error = refused(create, rm, rid, dict(workspace(deps), location="atlantis"))
    assert error.error.code == "LocationNotAvailableForResourceType"
    assert refused(create, rm, rid, dict(workspace(deps), sku={"name": "Enterprise"})).error.code == "BadRequest"
    assert refused(create, rm, rid, dict(workspace(deps), kind="Lab")).error.code == "BadRequest"
    hub = create(rm, rid, dict(workspace(deps), kind="hub", sku={"name": "standard"}))
    assert hub["kind"] == "Hub" and hub["sku"] == {"name": "Standard", "tier": "Standard"}
    moved = refused(create, rm, rid, dict(workspace(deps), location="northeurope", kind="Hub"))
    assert moved.error.code == "InvalidResourceLocation"
    with pytest.raises(HttpResponseError) as info:
        create(rm, rid, dict(workspace(deps), properties=dict(workspace(deps)["properties"], hbiWorkspace="yes")))
    assert info.value.error.code == "BadRequest"


def test_api_versions(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-versions")
    assert create(rm, rid, workspace(deps), api="2025-12-01")["properties"]["provisioningState"] == "Succeeded"
    assert rm.resources.get_by_id(rid, api_version="2024-10-01").name == "mlw-versions"
    error = refused(rm.resources.get_by_id, rid, api_version="2020-08-01")
    assert error.error.code == "NoRegisteredProviderFound"


# associated resources -------------------------------------------------------------------------------------------------
def test_storage_account_and_key_vault_are_required(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-req")
    for missing in ("storageAccount", "keyVault"):
        keys = [k for k in ("storageAccount", "keyVault") if k != missing]
        error = refused(create, rm, rid, workspace(deps, keys=keys))
        assert error.status_code == 400 and error.error.code == "BadRequest"
        assert missing in error.error.message
    error = refused(create, rm, rid, workspace(deps, storageAccount="stmlw01"))
    assert error.error.code == "LinkedInvalidPropertyId"
    assert refused(rm.resources.get_by_id, rid, api_version=API).status_code == 404


@pytest.mark.parametrize(
    "key, rtype",
    [
        ("storageAccount", "Microsoft.Storage/storageAccounts/stnothere"),
        ("keyVault", "Microsoft.KeyVault/vaults/kv-nothere"),
        ("applicationInsights", "microsoft.insights/components/appi-nothere"),
        ("containerRegistry", "Microsoft.ContainerRegistry/registries/crnothere"),
    ],
)
def test_associated_resources_must_exist(clean_emulator, rm, group, deps, key, rtype):
    rid = ws_id(clean_emulator, group, "mlw-missing")
    missing = f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}/providers/{rtype}"
    error = refused(create, rm, rid, workspace(deps, **{key: missing}))
    assert error.error.code == "BadRequest"
    assert missing in error.error.message and "was not found" in error.error.message
    # the PUT itself was accepted: the refusal came through the operation, and nothing was created
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "PUT" and "mlw-missing" in r["path"]] == [
        202
    ]
    with pytest.raises(ResourceNotFoundError):
        rm.resources.get_by_id(rid, api_version=API)


@pytest.mark.parametrize(
    "account, message",
    [
        (account_body(isHnsEnabled=True), "Cannot use storage with HNS enabled."),
        (account_body(sku="Premium_LRS"), "Cannot use storage with Premium SKU"),
        (account_body(kind="BlockBlobStorage", sku="Premium_LRS"), "Cannot use storage with Premium SKU"),
        (account_body(kind="BlobStorage", accessTier="Hot"), "Cannot use storage of kind BlobStorage."),
    ],
)
def test_default_storage_must_qualify(clean_emulator, rm, group, deps, account, message):
    st = clean_emulator.client(StorageManagementClient)
    unfit = st.storage_accounts.begin_create(group, "stunfit01", account).result()
    error = refused(create, rm, ws_id(clean_emulator, group, "mlw-unfit"), workspace(deps, storageAccount=unfit.id))
    assert error.error.code == "BadRequest"
    assert message in error.error.message


def test_key_vault_with_access_policies_or_rbac_both_work(clean_emulator, rm, group, deps):
    kv = clean_emulator.client(KeyVaultManagementClient)
    tenant = clean_emulator.env["AZURE_TENANT"]
    for n, rbac in enumerate((True, False)):
        vault = kv.vaults.begin_create_or_update(
            group, f"kv-mode-{n}", vault_body(tenant, enableRbacAuthorization=rbac)
        ).result()
        rid = ws_id(clean_emulator, group, f"mlw-kv-{n}")
        assert create(rm, rid, workspace(deps, keyVault=vault.id))["properties"]["keyVault"] == vault.id


# what can and cannot change -------------------------------------------------------------------------------------------
def test_settings_fixed_at_creation_are_refused(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-fixed")
    create(rm, rid, workspace(deps, hbiWorkspace=True))
    other = make_dependencies(clean_emulator, group, "02")
    cases = [
        (workspace(deps, storageAccount=other["storageAccount"], hbiWorkspace=True), "Storage Account update"),
        (workspace(deps, keyVault=other["keyVault"], hbiWorkspace=True), "Key Vault update"),
        (workspace(deps, hbiWorkspace=False), "hbiWorkspace"),
        (dict(workspace(deps, hbiWorkspace=True), kind="Hub"), "kind of a workspace cannot be changed"),
    ]
    for body, message in cases:
        error = refused(create, rm, rid, body)
        assert error.error.code == "BadRequest" and message in error.error.message
    error = refused(
        rm.resources.begin_update_by_id(
            rid, api_version=API, parameters={"properties": {"enableDataIsolation": True}}
        ).result
    )
    assert "enableDataIsolation" in error.error.message
    unchanged = rm.resources.get_by_id(rid, api_version=API)["properties"]
    assert unchanged["provisioningState"] == "Succeeded"
    assert unchanged["storageAccount"] == deps["storageAccount"] and unchanged["hbiWorkspace"] is True
    # the same ids in another case are the same resources: no change, no refusal
    same = workspace(deps, storageAccount=deps["storageAccount"].lower(), hbiWorkspace=True)
    assert create(rm, rid, same)["properties"]["provisioningState"] == "Succeeded"
    # Application Insights and the container registry may change
    moved = rm.resources.begin_update_by_id(
        rid,
        api_version=API,
        parameters={
            "properties": {
                "applicationInsights": other["applicationInsights"],
                "containerRegistry": other["containerRegistry"],
            }
        },
        polling_interval=0,
    ).result()
    assert moved["properties"]["applicationInsights"] == other["applicationInsights"]
    assert moved["properties"]["containerRegistry"] == other["containerRegistry"]


def test_patch_is_long_running_and_changes_what_azure_lets_change(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-patch")
    create(rm, rid, workspace(deps))
    clean_emulator.clear_requests()
    patched = rm.resources.begin_update_by_id(
        rid,
        api_version=API,
        parameters={
            "tags": {"env": "local"},
            "properties": {
                "friendlyName": "Renamed",
                "description": "ML workspace",
                "publicNetworkAccess": "disabled",
                "v1LegacyMode": True,
                "storageAccount": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z",
            },
        },
        polling_interval=0,
    ).result()
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "PATCH"] == [202]
    props = patched["properties"]
    assert patched["tags"] == {"env": "local"}
    assert (props["friendlyName"], props["description"], props["publicNetworkAccess"]) == (
        "Renamed",
        "ML workspace",
        "Disabled",
    )
    assert props["v1LegacyMode"] is True
    assert props["storageAccount"] == deps["storageAccount"]  # not an updatable property: ignored, as Azure does
    assert props["provisioningState"] == "Succeeded"


def test_managed_network_can_only_tighten(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-net")
    created = create(rm, rid, workspace(deps, managedNetwork={"isolationMode": "AllowInternetOutbound"}))
    network = created["properties"]["managedNetwork"]
    assert network["isolationMode"] == "AllowInternetOutbound"
    assert str(uuid.UUID(network["networkId"])) == network["networkId"]

    def update(mode: str):
        body = {"properties": {"managedNetwork": {"isolationMode": mode}}}
        return rm.resources.begin_update_by_id(rid, api_version=API, parameters=body, polling_interval=0).result()

    assert "cannot be changed" in refused(update, "Disabled").error.message
    assert update("AllowOnlyApprovedOutbound")["properties"]["managedNetwork"]["isolationMode"] == (
        "AllowOnlyApprovedOutbound"
    )
    for looser in ("AllowInternetOutbound", "Disabled"):
        error = refused(update, looser)
        assert error.error.code == "BadRequest" and "cannot be changed" in error.error.message
    assert refused(update, "Open").error.code == "BadRequest"
    # a PUT that leaves managedNetwork out keeps it
    kept = create(rm, rid, workspace(deps, description="kept"))
    assert kept["properties"]["managedNetwork"]["isolationMode"] == "AllowOnlyApprovedOutbound"
    # and a workspace without one may enable it
    plain = ws_id(clean_emulator, group, "mlw-net2")
    create(rm, plain, workspace(deps))
    body = {"properties": {"managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}}}
    enabled = rm.resources.begin_update_by_id(plain, api_version=API, parameters=body, polling_interval=0).result()
    assert enabled["properties"]["managedNetwork"]["isolationMode"] == "AllowOnlyApprovedOutbound"


def test_system_datastores_auth_mode(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-auth")
    created = create(rm, rid, workspace(deps, systemDatastoresAuthMode="identity"))
    assert created["properties"]["systemDatastoresAuthMode"] == "Identity"
    body = {"properties": {"systemDatastoresAuthMode": "UserDelegationSAS"}}
    updated = rm.resources.begin_update_by_id(rid, api_version=API, parameters=body, polling_interval=0).result()
    assert updated["properties"]["systemDatastoresAuthMode"] == "UserDelegationSAS"
    error = refused(create, rm, rid, workspace(deps, systemDatastoresAuthMode="sharedKey"))
    assert error.status_code == 400 and error.error.code == "BadRequest"


# identity -------------------------------------------------------------------------------------------------------------
def test_identities(clean_emulator, rm, group, deps):
    uai = (
        f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/id-mlw"
    )
    user_only = {"type": "UserAssigned", "userAssignedIdentities": {uai: {}}}
    rid = ws_id(clean_emulator, group, "mlw-uai")
    error = refused(create, rm, rid, dict(workspace(deps), identity=user_only))
    assert error.status_code == 400 and "primaryUserAssignedIdentity" in error.error.message
    other = uai.replace("id-mlw", "id-other")
    error = refused(create, rm, rid, dict(workspace(deps, primaryUserAssignedIdentity=other), identity=user_only))
    assert error.status_code == 400
    created = create(rm, rid, dict(workspace(deps, primaryUserAssignedIdentity=uai), identity=user_only))
    assert created["identity"]["type"] == "UserAssigned"
    assert "principalId" not in created["identity"]
    entry = created["identity"]["userAssignedIdentities"][uai]
    assert str(uuid.UUID(entry["principalId"])) == entry["principalId"]
    assert created["properties"]["primaryUserAssignedIdentity"] == uai

    both = {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {uai: {}}}
    mixed = create(rm, ws_id(clean_emulator, group, "mlw-both"), dict(workspace(deps), identity=both))
    assert mixed["identity"]["type"] == "SystemAssigned,UserAssigned"
    assert mixed["identity"]["principalId"] and mixed["identity"]["userAssignedIdentities"][uai]["clientId"]
    error = refused(
        create, rm, ws_id(clean_emulator, group, "mlw-none"), dict(workspace(deps), identity={"type": "None"})
    )
    assert error.status_code == 400


def test_role_assignments_to_the_workspace_identity(clean_emulator, rm, group, deps):
    created = create(rm, ws_id(clean_emulator, group, "mlw-rbac"), workspace(deps))
    auth = clean_emulator.client(AuthorizationManagementClient)
    role = f"/subscriptions/{clean_emulator.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/"
    assignment = auth.role_assignments.create(
        deps["storageAccount"],
        str(uuid.uuid4()),
        RoleAssignmentCreateParameters(
            role_definition_id=role + BLOB_CONTRIBUTOR,
            principal_id=created["identity"]["principalId"],
            principal_type="ServicePrincipal",
        ),
    )
    assert assignment.principal_id == created["identity"]["principalId"]


def test_the_roles_an_ml_stack_assigns(clean_emulator, rm, group, deps):
    """The built-in roles the ml_workspace role assigns, found by name at the scope they are assigned on (as the
    collection looks them up), and assigned: AzureML Data Scientist on the workspace to the data scientists' group,
    AzureML Compute Operator to the pipelines' principal, and the workspace's identity on its dependencies."""
    created = create(rm, ws_id(clean_emulator, group, "mlw-roles"), workspace(deps, keys=tuple(deps)))
    auth = clean_emulator.client(AuthorizationManagementClient)
    sub = f"/subscriptions/{clean_emulator.subscription_id}"

    def role_on(scope: str, name: str) -> str:
        found = list(auth.role_definitions.list(scope, filter=f"roleName eq '{name}'"))
        assert [(d.role_name, d.role_type) for d in found] == [(name, "BuiltInRole")]
        assert found[0].id == f"{sub}/providers/Microsoft.Authorization/roleDefinitions/{found[0].name}"
        return found[0].id

    def assign(scope: str, role_name: str, principal: str, principal_type: str) -> str:
        name = str(uuid.uuid4())
        definition = role_on(scope, role_name)
        made = auth.role_assignments.create(
            scope,
            name,
            RoleAssignmentCreateParameters(
                role_definition_id=definition, principal_id=principal, principal_type=principal_type
            ),
        )
        assert (made.scope, made.role_definition_id, made.principal_id) == (scope, definition, principal)
        return name

    ws = created.id
    scientists, pipelines = str(uuid.uuid4()), str(uuid.uuid4())
    on_ws = {
        assign(ws, "AzureML Data Scientist", scientists, "Group"),
        assign(ws, "AzureML Compute Operator", pipelines, "ServicePrincipal"),
    }
    assert {a.name for a in auth.role_assignments.list_for_scope(ws, filter="atScope()")} == on_ws
    mine = auth.role_assignments.list_for_scope(ws, filter=f"principalId eq '{scientists}'")
    assert [auth.role_definitions.get_by_id(a.role_definition_id).role_name for a in mine] == ["AzureML Data Scientist"]
    assert role_on(ws, "AzureML Registry User").endswith("/1823dd4f-9b8c-4ab6-ab4e-7397a3684615")

    identity = created["identity"]["principalId"]
    for scope, role_name in (
        (deps["storageAccount"], "Storage Blob Data Contributor"),
        (deps["storageAccount"], "Storage File Data Privileged Contributor"),
        (deps["keyVault"], "Key Vault Administrator"),
        (deps["applicationInsights"], "Contributor"),
        (deps["containerRegistry"], "AcrPull"),
        (deps["containerRegistry"], "AcrPush"),
    ):
        assign(scope, role_name, identity, "ServicePrincipal")
    held = auth.role_assignments.list_for_subscription(filter=f"principalId eq '{identity}'")
    assert {a.scope for a in held} == {
        deps[k] for k in ("storageAccount", "keyVault", "applicationInsights", "containerRegistry")
    }


# delete, soft delete, purge -------------------------------------------------------------------------------------------
def test_delete_soft_deletes_and_keeps_the_name(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-soft")
    create(rm, rid, workspace(deps))
    clean_emulator.clear_requests()
    rm.resources.begin_delete_by_id(rid, api_version=API, polling_interval=0).result()
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [202]
    with pytest.raises(ResourceNotFoundError) as info:
        rm.resources.get_by_id(rid, api_version=API)
    assert info.value.error.code == "ResourceNotFound"
    listed = send(rm, "GET", rid.rsplit("/", 1)[0] + f"?api-version={API}").json()["value"]
    assert listed == []
    error = refused(create, rm, rid, workspace(deps))
    assert (error.error.code, error.error.message) == ("BadRequest", SOFT_DELETED)
    # another resource group may use the name
    rm.resource_groups.create_or_update("rg-other", {"location": LOCATION})
    create(rm, ws_id(clean_emulator, "rg-other", "mlw-soft"), workspace(deps))
    # a plain DELETE of the soft-deleted name finds nothing; forceToPurge purges it and frees the name
    clean_emulator.clear_requests()
    rm.resources.begin_delete_by_id(rid, api_version=API, polling_interval=0).result()
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [204]
    assert refused(create, rm, rid, workspace(deps)).error.message == SOFT_DELETED
    purge = {"forceToPurge": "true"}
    rm.resources.begin_delete_by_id(rid, api_version=API, params=purge, polling_interval=0).result()
    assert create(rm, rid, workspace(deps))["properties"]["provisioningState"] == "Succeeded"


def test_force_to_purge_deletes_permanently(clean_emulator, rm, group, deps):
    rid = ws_id(clean_emulator, group, "mlw-purge")
    first = create(rm, rid, workspace(deps))
    rm.resources.begin_delete_by_id(rid, api_version=API, params={"forceToPurge": "true"}, polling_interval=0).result()
    again = create(rm, rid, workspace(deps))
    assert again["properties"]["workspaceId"] != first["properties"]["workspaceId"]


def test_user_assigned_only_workspaces_are_not_soft_deleted(clean_emulator, rm, group, deps):
    uai = (
        f"/subscriptions/{clean_emulator.subscription_id}/resourceGroups/{group}/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/id-mlw"
    )
    body = dict(
        workspace(deps, primaryUserAssignedIdentity=uai),
        identity={"type": "UserAssigned", "userAssignedIdentities": {uai: {}}},
    )
    rid = ws_id(clean_emulator, group, "mlw-uai-del")
    create(rm, rid, body)
    rm.resources.begin_delete_by_id(rid, api_version=API, polling_interval=0).result()
    assert create(rm, rid, body)["properties"]["provisioningState"] == "Succeeded"


def test_deleting_the_resource_group_soft_deletes_its_workspaces(clean_emulator, rm, group, deps):
    rm.resource_groups.create_or_update("rg-ml", {"location": LOCATION})
    rid = ws_id(clean_emulator, "rg-ml", "mlw-group")
    create(rm, rid, workspace(deps))
    rm.resource_groups.begin_delete("rg-ml", polling_interval=0).result()
    rm.resource_groups.create_or_update("rg-ml", {"location": LOCATION})
    assert refused(create, rm, rid, workspace(deps)).error.message == SOFT_DELETED


def test_delete_of_a_missing_workspace_answers_204(clean_emulator, rm, group):
    rid = ws_id(clean_emulator, group, "mlw-never")
    rm.resources.begin_delete_by_id(rid, api_version=API, polling_interval=0).result()
    assert [r["status"] for r in clean_emulator.requests() if r["method"] == "DELETE"] == [204]


# lists ----------------------------------------------------------------------------------------------------------------
def test_lists_are_paged(clean_emulator, rm, group, deps):
    names = [f"mlw-{n:02d}" for n in range(11)]
    for name in names:
        create(rm, ws_id(clean_emulator, group, name), workspace(deps))
    create(rm, ws_id(clean_emulator, group, "mlw-hub"), dict(workspace(deps), kind="Hub"))

    def collect(url: str) -> list:
        found, pages = [], 0
        while url:
            page = send(rm, "GET", url).json()
            found += [w["name"] for w in page["value"]]
            url = page.get("nextLink")
            pages += 1
            assert url is None or "$skip=" in url
        assert pages >= 2
        return found

    sub = f"/subscriptions/{clean_emulator.subscription_id}"
    by_group = collect(
        f"{sub}/resourceGroups/{group}/providers/Microsoft.MachineLearningServices/workspaces?api-version={API}"
    )
    by_sub = collect(f"{sub}/providers/Microsoft.MachineLearningServices/workspaces?api-version={API}")
    assert sorted(by_group) == sorted(by_sub) == sorted([*names, "mlw-hub"])
    hubs = send(rm, "GET", f"{sub}/providers/Microsoft.MachineLearningServices/workspaces?api-version={API}&kind=Hub")
    assert [w["name"] for w in hubs.json()["value"]] == ["mlw-hub"]
    generic = rm.resources.list_by_resource_group(
        group, filter="resourceType eq 'Microsoft.MachineLearningServices/workspaces'"
    )
    assert sorted(r.name for r in generic) == sorted([*names, "mlw-hub"])


def test_projects_need_a_hub(clean_emulator, rm, group, deps):
    hub = ws_id(clean_emulator, group, "mlw-hub1")
    plain = ws_id(clean_emulator, group, "mlw-plain")
    create(rm, hub, dict(workspace(deps), kind="Hub"))
    create(rm, plain, workspace(deps))
    rid = ws_id(clean_emulator, group, "mlw-project")
    project = {"location": LOCATION, "kind": "Project", "properties": {}}
    assert "hubResourceId" in refused(create, rm, rid, project).error.message
    error = refused(create, rm, rid, dict(project, properties={"hubResourceId": plain}))
    assert error.error.code == "BadRequest" and "hub workspace" in error.error.message
    created = create(rm, rid, dict(project, properties={"hubResourceId": hub}))
    assert created["kind"] == "Project"
    assert created["properties"]["storageAccount"] == deps["storageAccount"]
