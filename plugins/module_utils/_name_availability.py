# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether global resource names can be used: local name rules, reserved words, Azure's availability checks.

For each name, in this order, stopping at the first answer:

1. the collection's name rules (``_naming.name_errors``): ``invalid``, or ``reserved`` when only reserved-word rules
   are broken; no call is made for such a name;
2. optionally ARM's ``POST /providers/Microsoft.Resources/checkResourceName``: ``reserved`` (after step 3: a name
   that exists in the group was accepted by Azure, so it is not asked about);
3. with ``resource_group``, one read of the resource of that name in that group of this subscription: ``exists``
   when it is there. A name the stack already holds costs that read and no name-check request, so a rerun of a
   playbook asks Azure nothing about names it owns;
4. the service's ``checkNameAvailability``: ``valid`` (free), ``invalid``, or taken; a taken name is then told
   apart: ``soft_deleted`` (a Key Vault of that name is soft-deleted in this subscription and can be recovered), or
   ``taken`` (someone else's).

Only the management SDK of the type asked for is imported.
"""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors
from ansible_collections.mlops.azure.plugins.module_utils._rest import optional_import, rest_dict

CHECK_RESOURCE_NAME_PATH = "/providers/Microsoft.Resources/checkResourceName"
CHECK_RESOURCE_NAME_API_VERSION = "2022-12-01"
RESERVED_CODE = "ReservedResourceName"


class Service:
    """How availability is checked for one resource type."""

    def __init__(self, key, arm_type, module_name, client_name, package, operations, get):
        self.key = key
        self.arm_type = arm_type
        self.module_name = module_name
        self.client_name = client_name
        self.package = package
        self.operations = operations
        self.get = get

    def client_class(self):
        return optional_import(self.module_name, self.client_name, self.package)


SERVICES = {
    "key_vault": Service(
        "key_vault",
        "Microsoft.KeyVault/vaults",
        "azure.mgmt.keyvault",
        "KeyVaultManagementClient",
        "azure-mgmt-keyvault",
        "vaults",
        "get",
    ),
    "storage_account": Service(
        "storage_account",
        "Microsoft.Storage/storageAccounts",
        "azure.mgmt.storage",
        "StorageManagementClient",
        "azure-mgmt-storage",
        "storage_accounts",
        "get_properties",
    ),
    "container_registry": Service(
        "container_registry",
        "Microsoft.ContainerRegistry/registries",
        "azure.mgmt.containerregistry",
        "ContainerRegistryManagementClient",
        "azure-mgmt-containerregistry",
        "registries",
        "get",
    ),
}
TYPES = sorted(SERVICES)


def result(name, resource_type, available, reason, message, **extra):
    """One name's answer, with every documented key present."""
    answer = {
        "name": name,
        "type": resource_type,
        "available": available,
        "usable": available or reason == "exists",
        "reason": reason,
        "message": message,
        "recoverable": False,
        "errors": [],
        "id": None,
        "location": None,
        "deletion_date": None,
        "scheduled_purge_date": None,
        "purge_protection_enabled": None,
    }
    answer.update(extra)
    return answer


def local_result(resource_type, name):
    """The answer of the local rules, or None when the name passes them."""
    errors = name_errors(resource_type, name)
    if not errors:
        return None
    reserved = [error for error in errors if RESERVED_CODE in error]
    reason = "reserved" if len(reserved) == len(errors) else "invalid"
    return result(name, resource_type, False, reason, "; ".join(errors), errors=errors)


def reserved_result(resource_type, name, answer):
    """The answer of ``checkResourceName`` (``{"status": "Allowed" | "Reserved"}``), or None when allowed."""
    status = (answer or {}).get("status")
    if (status or "").casefold() != "reserved":
        return None
    message = (
        f"{resource_type} name '{name}' is reserved: Azure's checkResourceName answered Reserved ({RESERVED_CODE}); "
        "it is, contains or starts with a reserved word or trademark"
    )
    return result(name, resource_type, False, "reserved", message, errors=[message])


def availability_result(resource_type, name, answer):
    """The answer of ``checkNameAvailability`` (REST JSON), before telling the kinds of "taken" apart.

    Returns ``(result, taken)``.
    """
    answer = answer or {}
    if answer.get("nameAvailable"):
        return result(name, resource_type, True, "valid", f"{resource_type} name '{name}' is available"), False
    reason = answer.get("reason") or ""
    message = answer.get("message") or f"{resource_type} name '{name}' is not available ({reason or 'no reason'})"
    if reason.casefold() == "alreadyexists":
        return result(name, resource_type, False, "taken", message), True
    return result(name, resource_type, False, "invalid", message, errors=[message]), False


def soft_deleted_result(name, deleted):
    """A Key Vault name held by a vault soft-deleted in this subscription (``deleted``: REST JSON)."""
    props = deleted.get("properties") or {}
    location = props.get("location")
    purge_date = props.get("scheduledPurgeDate")
    protected = bool(props.get("purgeProtectionEnabled"))
    message = (
        f"key_vault name '{name}' is held by a vault soft-deleted in this subscription (location {location}, "
        f"deleted {props.get('deletionDate')}, purged by Azure on {purge_date}). Recover it (mlops.azure.key_vault "
        "with recover: true)"
        + (
            ", or wait until then: purge protection is on, so it cannot be purged"
            if protected
            else ", or purge it (mlops.azure.key_vault with state: absent, purge: true) to reuse the name"
        )
    )
    return result(
        name,
        "key_vault",
        False,
        "soft_deleted",
        message,
        recoverable=True,
        id=props.get("vaultId"),
        location=location,
        deletion_date=props.get("deletionDate"),
        scheduled_purge_date=purge_date,
        purge_protection_enabled=protected,
    )


def exists_result(resource_type, name, resource_group, body):
    message = (
        f"{resource_type} name '{name}' is taken by the resource of that name in resource group '{resource_group}' "
        "of this subscription: it can be managed under this name"
    )
    return result(name, resource_type, False, "exists", message, id=body.get("id"), location=body.get("location"))


class NameChecker:
    """Answers for names of one type, with one client and the calls cached across names."""

    def __init__(self, module, resource_type, resource_group=None, location=None, check_resource_name=True):
        self.module = module
        self.type = resource_type
        self.service = SERVICES[resource_type]
        self.resource_group = resource_group
        self.location = location
        self.check_resource_name = check_resource_name
        self._client = None
        self._deleted_vaults = None

    @property
    def client(self):
        if self._client is None:
            self._client = self.module.client(self.service.client_class())
        return self._client

    @property
    def operations(self):
        return getattr(self.client, self.service.operations)

    def check(self, name):
        answer = local_result(self.type, name)
        if answer is not None:
            return answer
        if self.resource_group:
            body = self.read_own(name)
            if body is not None:
                return exists_result(self.type, name, self.resource_group, body)
        if self.check_resource_name:
            answer = reserved_result(self.type, name, self.ask_reserved(name))
            if answer is not None:
                return answer
        answer, taken = availability_result(self.type, name, self.ask_available(name))
        if not taken:
            return answer
        if self.type == "key_vault":
            deleted = self.find_deleted_vault(name)
            if deleted is not None:
                return soft_deleted_result(name, deleted)
        return answer

    # -- calls --------------------------------------------------------------------------------
    def read_own(self, name):
        """The resource ``name`` in ``resource_group`` of this subscription (REST JSON), or None. A missing group is
        no warning here: a preflight checks the names of a first run before the group exists."""
        return self.module.read(
            f"{self.type} '{name}' in resource group '{self.resource_group}'",
            getattr(self.operations, self.service.get),
            self.resource_group,
            name,
            warn_missing_group=False,
        )

    def ask_available(self, name):
        body = {"name": name, "type": self.service.arm_type}
        answer = self.module.call(
            "check the availability of", f"{self.type} name '{name}'", self.operations.check_name_availability, body
        )
        return rest_dict(answer)

    def ask_reserved(self, name):
        """``POST /providers/Microsoft.Resources/checkResourceName``.

        The installed ``azure-mgmt-resource`` (26) no longer has it (it moved to ``azure-mgmt-resource-subscriptions``,
        ``SubscriptionClient.check_resource_name``), so it goes through the client's own pipeline (``send_request``):
        same credential, retries and error format.
        """
        from azure.core.exceptions import HttpResponseError
        from azure.core.rest import HttpRequest
        from azure.mgmt.core.exceptions import ARMErrorFormat

        request = HttpRequest(
            "POST",
            CHECK_RESOURCE_NAME_PATH,
            params={"api-version": CHECK_RESOURCE_NAME_API_VERSION},
            json={"name": name, "type": self.service.arm_type},
            headers={"Accept": "application/json"},
        )
        label = f"{self.type} name '{name}' (checkResourceName)"
        with self.module.azure_errors("check", label):
            response = self.client.send_request(request)
            if response.status_code != 200:
                raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        try:
            return response.json()
        except ValueError:
            self.module.fail_json(msg=f"Could not check {label}: Azure answered with a body that is not JSON.")

    def find_deleted_vault(self, name):
        """The soft-deleted vault of this name in this subscription (REST JSON), or None."""
        if self.location:
            body = self.module.read(
                f"soft-deleted key vault '{name}'", self.operations.get_deleted, name, self.location
            )
            if body is not None:
                return body
        if self._deleted_vaults is None:
            with self.module.azure_errors("list", "the soft-deleted key vaults of the subscription"):
                self._deleted_vaults = [rest_dict(item) for item in self.operations.list_deleted()]
        for item in self._deleted_vaults:
            if (item.get("name") or "").casefold() == name.casefold():
                return item
        return None
