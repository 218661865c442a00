"""mlops.azure.storage_account and storage_account_info against the ARM emulator, through ansible-playbook."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from playbook_helpers import CLEAR_REQUESTS, writes

RG = "rg-it-st"
ST = "stitmlops01"
LOCATION = "westeurope"


def account(**args):
    return {"mlops.azure.storage_account": dict({"name": ST, "resource_group": RG}, **args)}


@pytest.fixture
def st_env(clean_emulator):
    clean_emulator.client(ResourceManagementClient).resource_groups.create_or_update(RG, {"location": LOCATION})
    clean_emulator.clear_requests()
    return clean_emulator


def sdk(emulator, subscription_id=None):
    return emulator.client(StorageManagementClient, subscription_id=subscription_id)


def test_four_steps_with_secure_defaults(play, st_env):
    args = {
        "network_acls": {"default_action": "Deny", "bypass": ["AzureServices"], "ip_rules": ["203.0.113.10/32"]},
        "blob_containers": ["datasets", {"name": "models", "metadata": {"owner": "ml"}}],
        "tags": {"env": "dev"},
    }
    same = {
        **args,
        "network_acls": {"bypass": ["AzureServices"], "ip_rules": ["203.0.113.10"]},
        "blob_containers": ["models"],
    }
    check, real, check_again, real_again, info, listed = play(
        [
            dict(account(**args), check_mode=True),
            account(**args),
            dict(account(**same), check_mode=True),
            CLEAR_REQUESTS,
            account(**same),
            {"mlops.azure.storage_account_info": {"name": ST, "resource_group": RG}},
            {"mlops.azure.storage_account_info": {"resource_group": RG}},
        ]
    )
    assert check["changed"] and check["diff"]["before"] == {}, check.get("msg")
    assert real["changed"]
    created = real["storage_account"]
    for key in set(created) - {"primary_endpoints", "access_tier", "public_network_access"}:
        assert check["storage_account"][key] == created[key], key
    expected = {
        "kind": "StorageV2",
        "sku": "Standard_LRS",
        "supports_https_traffic_only": True,
        "minimum_tls_version": "TLS1_2",
        "allow_blob_public_access": False,
        "allow_shared_key_access": False,
        "allow_cross_tenant_replication": False,
    }
    assert {k: created[k] for k in expected} == expected
    assert created["blob_service_properties"]["delete_retention_policy"] == {"enabled": True, "days": 7}
    assert created["blob_service_properties"]["container_delete_retention_policy"] == {"enabled": True, "days": 7}
    assert [(c["name"], c["public_access"]) for c in created["blob_containers"]] == [
        ("datasets", "None"),
        ("models", "None"),
    ]
    for result in (check_again, real_again):
        assert not result["changed"], result
        assert result["diff"]["before"] == result["diff"]["after"] == created
    assert writes(st_env.requests()) == [], "the idempotent real run sends no write"
    assert info["storage_accounts"] == [created]
    assert [a["name"] for a in listed["storage_accounts"]] == [ST]
    assert "blob_containers" not in listed["storage_accounts"][0]

    client = sdk(st_env)
    props = client.storage_accounts.get_properties(RG, ST)
    assert props.kind == "StorageV2" and props.minimum_tls_version == "TLS1_2"
    assert props.allow_shared_key_access is False and props.allow_blob_public_access is False
    assert props.network_rule_set.default_action == "Deny"
    assert [r.ip_address_or_range for r in props.network_rule_set.ip_rules] == ["203.0.113.10"]
    blob = client.blob_services.get_service_properties(RG, ST)
    assert blob.delete_retention_policy.enabled and blob.delete_retention_policy.days == 7
    names = sorted(c.name for c in client.blob_containers.list(RG, ST))
    assert names == ["datasets", "models"]
    assert client.blob_containers.get(RG, ST, "models").metadata == {"owner": "ml"}


def test_updates_of_each_setting(play, st_env):
    # Several settings per step keeps the play short; every managed setting changes at least once.
    steps = [
        {"sku": "Standard_GRS", "access_tier": "Cool", "supports_https_traffic_only": False},
        {"minimum_tls_version": "TLS1_3", "allow_blob_public_access": True, "allow_shared_key_access": True},
        {"allow_cross_tenant_replication": True, "public_network_access": "Disabled", "tags": {"a": "1"}},
        {"network_acls": {"default_action": "Deny", "bypass": [], "ip_rules": ["192.0.2.0/24"]}},
        {
            "blob_service_properties": {
                "delete_retention_policy": {"days": 30},
                "container_delete_retention_policy": {"enabled": False},
                "is_versioning_enabled": True,
            },
            "blob_containers": ["extra"],
        },
    ]
    base = {"location": LOCATION, "blob_containers": ["keep"]}
    tasks = [account(**base)]
    for change in steps:
        tasks.append(dict(account(**change), check_mode=True))
        tasks.append(account(**change))
    results = play(tasks)
    previous = results[0]["storage_account"]
    for change, check, real in zip(steps, results[1::2], results[2::2]):
        assert not check.get("failed") and not real.get("failed"), (change, check, real)
        assert check["changed"] and real["changed"], change
        assert check["diff"]["before"] == previous, change
        assert check["diff"]["after"] == real["storage_account"], change
        previous = real["storage_account"]
    # Every task applies the secure defaults of the options it does not set: a bare task puts the blob soft-delete
    # defaults back (the last step changed them), and each step above put the previous step's insecure values back.
    (restored,) = play([account()])
    assert restored["changed"]
    assert restored["diff"]["after"]["blob_service_properties"]["delete_retention_policy"] == {
        "enabled": True,
        "days": 7,
    }
    client = sdk(st_env)
    props = client.storage_accounts.get_properties(RG, ST)
    assert props.sku.name == "Standard_GRS" and props.access_tier == "Cool"
    assert props.enable_https_traffic_only is True and props.minimum_tls_version == "TLS1_2"
    assert props.allow_blob_public_access is False and props.allow_shared_key_access is False
    assert props.allow_cross_tenant_replication is False
    assert props.public_network_access == "Disabled"
    assert props.network_rule_set.bypass == "None"
    assert [r.ip_address_or_range for r in props.network_rule_set.ip_rules] == ["192.0.2.0/24"]
    assert props.tags == {"a": "1"}
    blob = client.blob_services.get_service_properties(RG, ST)
    assert blob.is_versioning_enabled is True
    assert blob.delete_retention_policy.days == 7, "the secure default (7 days) applies when not set"
    assert blob.container_delete_retention_policy.enabled is True
    assert sorted(c.name for c in client.blob_containers.list(RG, ST)) == ["extra", "keep"]


def test_containers_purge_and_names(play, st_env):
    play([account(location=LOCATION, blob_containers=["aaa", "bbb", "ccc"])])
    st_env.clear_requests()
    bad, check, purged, again = play(
        [
            account(blob_containers=["Models", "x--y", {"name": "ok", "colour": "red"}]),
            dict(account(blob_containers=["aaa"], purge_blob_containers=True), check_mode=True),
            account(blob_containers=["aaa"], purge_blob_containers=True),
            account(blob_containers=["aaa"], purge_blob_containers=True),
        ]
    )
    assert (
        bad["failed"] and "lower case" in bad["msg"] and "consecutive hyphens" in bad["msg"] and "colour" in bad["msg"]
    )
    assert check["changed"] and [c["name"] for c in check["storage_account"]["blob_containers"]] == ["aaa"]
    assert purged["changed"] and [c["name"] for c in purged["storage_account"]["blob_containers"]] == ["aaa"]
    assert not again["changed"]
    deletes = [w for w in writes(st_env.requests()) if w.startswith("DELETE")]
    assert len(deletes) == 2, deletes
    assert [c.name for c in sdk(st_env).blob_containers.list(RG, ST)] == ["aaa"]


def test_refusals_happen_before_any_write(play, st_env):
    play([account(location=LOCATION, blob_containers=["data"])])
    st_env.clear_requests()
    kind, tier, moved, delete, delete_check = play(
        [
            account(kind="BlobStorage", tags={"x": "y"}),
            account(sku="Premium_LRS"),
            account(location="northeurope"),
            account(state="absent"),
            dict(account(state="absent"), check_mode=True),
        ]
    )
    assert kind["failed"] and "kind" in kind["msg"] and "one-way" in kind["msg"]
    assert tier["failed"] and "Premium" in tier["msg"] and "migrat" in tier["msg"]
    assert moved["failed"] and "location" in moved["msg"]
    for result in (delete, delete_check):
        assert result["failed"] and "force_delete_nonempty" in result["msg"] and "data" in result["msg"]
    assert writes(st_env.requests()) == []
    assert sdk(st_env).storage_accounts.get_properties(RG, ST).kind == "StorageV2"

    check, forced, gone = play(
        [
            dict(account(state="absent", force_delete_nonempty=True), check_mode=True),
            account(state="absent", force_delete_nonempty=True),
            account(state="absent"),
        ]
    )
    assert check["changed"] and forced["changed"] and not gone["changed"]
    assert forced["diff"]["before"]["name"] == ST and forced["diff"]["after"] == {}
    with pytest.raises(ResourceNotFoundError):
        sdk(st_env).storage_accounts.get_properties(RG, ST)


def test_name_taken_in_another_subscription(play, st_env):
    foreign = st_env.foreign_subscription_id
    st_env.client(ResourceManagementClient, subscription_id=foreign).resource_groups.create_or_update(
        "rg-someone-else", {"location": LOCATION}
    )
    sdk(st_env, foreign).storage_accounts.begin_create(
        "rg-someone-else", ST, {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    check, real = play([dict(account(location=LOCATION), check_mode=True), account(location=LOCATION)])
    assert check["failed"] and "not available" in check["msg"]
    assert real["failed"] and "StorageAccountAlreadyTaken" in real["msg"] and "global" in real["msg"]
    assert real["azure_error"]["status"] == 409


def test_missing_resource_group(play, clean_emulator):
    check, real = play([dict(account(location=LOCATION), check_mode=True), account(location=LOCATION)])
    assert check["changed"] and any(RG in w for w in check.get("warnings", []))
    assert real["failed"] and "ResourceGroupNotFound" in real["msg"] and "What to do" in real["msg"]


def test_throttling_unavailable_and_failed_operation(play, st_env):
    st_env.add_fault(method="GET", path=f"/storageAccounts/{ST}$", status=429, retry_after=1, count=1)
    st_env.add_fault(method="PUT", path="/containers/data$", status=503, count=1)
    (result,) = play([account(location=LOCATION, blob_containers=["data"])])
    assert result["changed"] and not result.get("failed") and not result.get("warnings")
    statuses = [r["status"] for r in st_env.requests()]
    assert 429 in statuses and 503 in statuses, statuses
    assert [c.name for c in sdk(st_env).blob_containers.list(RG, ST)] == ["data"]

    st_env.add_fault(method="PUT", path="/storageAccounts/stitfailed01$", action="fail_operation")
    (failed,) = play([{"mlops.azure.storage_account": {"name": "stitfailed01", "resource_group": RG}}])
    assert failed["failed"] and failed["msg"].startswith(
        "storage account 'stitfailed01' in resource group 'rg-it-st' ended in provisioning state Failed: "
        "InternalServerError: "
    )
    assert "What to do" in failed["msg"]


def test_combined_bypass_flags(play, st_env):
    args = {"location": LOCATION, "network_acls": {"bypass": ["AzureServices", "Logging"]}}
    created, again = play([account(**args), account(network_acls={"bypass": ["Logging", "AzureServices"]})])
    assert created["changed"], created.get("msg")
    assert sorted(created["storage_account"]["network_acls"]["bypass"]) == ["AzureServices", "Logging"]
    assert not again["changed"], "flags compare as a set"


def test_resource_access_rules_admit_one_resource_instance(play, st_env):
    workspace = (
        f"/subscriptions/{st_env.subscription_id}/resourceGroups/{RG}"
        "/providers/Microsoft.MachineLearningServices/workspaces/mlw-it"
    )
    acls = {
        "default_action": "Deny",
        "bypass": ["AzureServices"],
        "resource_access_rules": [{"resource_id": workspace}],
    }
    created, again, other = play(
        [
            account(location=LOCATION, network_acls=acls),
            account(network_acls={"resource_access_rules": [{"resource_id": workspace.upper()}]}),
            account(network_acls={"resource_access_rules": []}),
        ]
    )
    assert created["changed"], created.get("msg")
    (rule,) = created["storage_account"]["network_acls"]["resource_access_rules"]
    assert rule == {"resource_id": workspace, "tenant_id": st_env.env["AZURE_TENANT"]}, "the tenant defaults to ours"
    assert not again["changed"], "resource ids compare case-insensitively"
    assert other["changed"] and other["storage_account"]["network_acls"]["resource_access_rules"] == []
    held = sdk(st_env).storage_accounts.get_properties(RG, ST).network_rule_set
    assert not held.resource_access_rules and held.default_action == "Deny", "only the rules went"
