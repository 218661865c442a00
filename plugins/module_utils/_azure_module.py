# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module wrapper every mlops.azure module uses.

``AzureModule`` is an ``AnsibleModule`` with the shared authentication options (and their environment
fallbacks), the cloud it talks to, a credential built on first use, management clients built on demand
(``module.client(KeyVaultManagementClient)``), and Azure errors turned into failures that name the
resource, the ARM error code and what to do next.

Nothing here imports an Azure SDK at module import time: ``azure-identity`` and ``azure-core`` are imported
when the first credential or client is needed, and each module imports only the management SDK it uses
(through ``optional_import``), so a missing package is a clear ``missing_required_lib`` failure.
"""

from __future__ import annotations

import contextlib
import logging
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible_collections.mlops.azure.plugins.module_utils._cloud import CloudError, resolve_cloud
from ansible_collections.mlops.azure.plugins.module_utils._errors import (
    azure_error_types,
    describe_azure_error,
    error_code,
    format_azure_failure,
    format_operation_failure,
    is_not_found,
    operation_outcome,
    status_body_outcome,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import AzureResource, NotConverged, Refusal
from ansible_collections.mlops.azure.plugins.module_utils._rest import (
    MissingSDK,
    decode_jwt_claims,
    rest_dict,
    throttling_retry_policy,
)
from ansible_collections.mlops.azure.plugins.module_utils._validate import (
    MAX_TAG_NAME,
    guid_errors,
    ip_rules_errors,
    location_errors,
    tag_errors,
)

COLLECTION_USER_AGENT = "mlops.azure/0.1.0"
# Seconds between two polls of a long-running operation whose answer names no Retry-After (one that does is polled
# when it says). azure-core's default is 30: a Log Analytics workspace, answered 200 "Creating" with no polling
# header, is ready in seconds but was seen ready half a minute later.
LRO_POLLING_INTERVAL = 2

AZURE_AUTH_ARGSPEC = dict(
    subscription_id=dict(type="str", fallback=(env_fallback, ["AZURE_SUBSCRIPTION_ID"])),
    client_id=dict(type="str", fallback=(env_fallback, ["AZURE_CLIENT_ID"])),
    secret=dict(type="str", no_log=True, fallback=(env_fallback, ["AZURE_SECRET", "AZURE_CLIENT_SECRET"])),
    tenant=dict(type="str", fallback=(env_fallback, ["AZURE_TENANT", "AZURE_TENANT_ID"])),
    cloud_environment=dict(type="str", default="AzureCloud", fallback=(env_fallback, ["AZURE_CLOUD_ENVIRONMENT"])),
)

# The common options of a module that manages one resource; add them with ``dict(spec, **COMMON)``.
STATE_ARGSPEC = dict(state=dict(type="str", default="present", choices=["present", "absent"]))
TAGS_ARGSPEC = dict(tags=dict(type="dict"), append_tags=dict(type="bool", default=True))


def string_tags(tags):
    """Tag values as Azure stores them: strings (``None`` stays ``None``: tags not managed)."""
    if tags is None:
        return None
    return dict((str(key), "" if value is None else str(value)) for key, value in tags.items())


class AzureModule(AnsibleModule):
    """``AnsibleModule`` plus Azure authentication, clients on demand and readable Azure failures.

    ``argument_spec`` is the module's own options; the auth options are added. Use ``client()`` for a
    management client, ``call()`` / ``azure_errors()`` around SDK calls, ``fail_refusal()`` for a
    ``Refusal``.
    """

    # Options whose values are Entra ID object or tenant ids, checked as GUIDs before any call.
    GUID_OPTIONS = ("principal_id", "tenant_id")

    def __init__(self, argument_spec, supports_check_mode=True, tag_name_limit=MAX_TAG_NAME, **kwargs):
        spec = dict(AZURE_AUTH_ARGSPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        logging.getLogger("azure").addHandler(logging.NullHandler())
        self._cloud = None
        self._credential = None
        self._clients = {}
        self._tenant_id = None
        self._check_common_values(tag_name_limit)

    def _check_common_values(self, tag_name_limit):
        """Tags (Azure's count, length and character limits) and GUID options, checked before any call."""
        problems = ["tags: " + problem for problem in tag_errors(self.params.get("tags"), tag_name_limit)]
        for option in self.GUID_OPTIONS:
            if self.params.get(option) is not None and option in self.argument_spec:
                problems.extend(guid_errors(self.params[option], option))
        self.fail_on_problems(problems)

    def fail_on_problems(self, problems):
        """Fail, before anything is sent to Azure, listing every problem found in the input."""
        if problems:
            self.fail_json(
                msg="Invalid input; nothing was sent to Azure: {}.".format("; ".join(problems)), problems=problems
            )

    def check_ip_rules(self, values, service, option="network_acls.ip_rules"):
        """Fail before any call when a firewall IP rule of ``service`` is one Azure refuses."""
        self.fail_on_problems([f"{option}: {problem}" for problem in ip_rules_errors(values, service)])

    def check_location(self, location):
        """Fail before any write when ``location`` is not one of the subscription's (one read per module run)."""
        if location is None:
            return
        # Imported here: the resource SDK is loaded only by a module that creates something with a location.
        from ansible_collections.mlops.azure.plugins.module_utils._location import subscription_locations

        self.fail_on_problems(location_errors(location, subscription_locations(self)))

    # -- auth -------------------------------------------------------------------------------
    @property
    def subscription_id(self):
        value = self.params.get("subscription_id")
        if not value:
            self.fail_json(
                msg="No subscription: set subscription_id (or the AZURE_SUBSCRIPTION_ID environment variable), "
                "for example once for all tasks with module_defaults: group/mlops.azure.azure."
            )
        return value

    @property
    def cloud(self):
        if self._cloud is None:
            try:
                self._cloud = resolve_cloud(self.params.get("cloud_environment"))
            except CloudError as exc:
                self.fail_json(msg=f"cloud_environment: {exc}")
        return self._cloud

    @property
    def credential(self):
        if self._credential is None:
            self._credential = self._build_credential()
        return self._credential

    def _identity(self):
        try:
            from azure import identity
        except ImportError:
            self.fail_json(msg=missing_required_lib("azure-identity"), exception=traceback.format_exc())
        return identity

    def _build_credential(self):
        cloud = self.cloud
        client_id = self.params.get("client_id")
        secret = self.params.get("secret")
        tenant = self.params.get("tenant")
        if secret:
            missing = [name for name, value in (("client_id", client_id), ("tenant", tenant)) if not value]
            if missing:
                self.fail_json(
                    msg="A service principal secret is set but {} is not: set {} (or AZURE_CLIENT_ID / "
                    "AZURE_TENANT), or unset secret to use the default credential chain.".format(
                        " and ".join(missing), " and ".join(missing)
                    )
                )

            def client_secret_credential():
                try:
                    return self._identity().ClientSecretCredential(
                        tenant,
                        client_id,
                        secret,
                        authority=cloud.authority,
                        disable_instance_discovery=cloud.custom,
                    )
                except ValueError as exc:
                    self.fail_json(
                        msg=f"Could not set up Azure credentials: {exc}. Check client_id, tenant and secret."
                    )

            # Imported here: only a service principal with a secret can use the encrypted token cache (opt-in).
            from ansible_collections.mlops.azure.plugins.module_utils import _token_cache

            if _token_cache.enabled():
                return _token_cache.CachedClientSecretCredential(
                    client_secret_credential, cloud.authority, tenant, client_id, secret
                )
            return client_secret_credential()
        identity = self._identity()
        try:
            options = dict(
                authority=cloud.authority,
                exclude_shared_token_cache_credential=True,
                exclude_visual_studio_code_credential=True,
                exclude_powershell_credential=True,
                exclude_developer_cli_credential=True,
                exclude_interactive_browser_credential=True,
            )
            if client_id:
                options["managed_identity_client_id"] = client_id
                options["workload_identity_client_id"] = client_id
            if tenant:
                options["workload_identity_tenant_id"] = tenant
            return identity.DefaultAzureCredential(**options)
        except ValueError as exc:
            self.fail_json(msg=f"Could not set up Azure credentials: {exc}. Check client_id, tenant and secret.")

    @property
    def tenant_id(self):
        """The tenant of the identity in use: ``tenant`` when set, else the ``tid`` claim of an ARM token."""
        if self._tenant_id is None:
            tenant = self.params.get("tenant")
            if not tenant:
                with self.azure_errors("get a token for", "the Azure identity in use"):
                    token = self.credential.get_token(self.cloud.scope).token
                tenant = decode_jwt_claims(token).get("tid")
                if not tenant:
                    self.fail_json(msg="Could not learn the tenant from the access token: set tenant (AZURE_TENANT).")
            self._tenant_id = tenant
        return self._tenant_id

    def client(self, client_class, subscription_id=None, **kwargs):
        """A management client for ``subscription_id`` (default: the module's), built once per module run."""
        if isinstance(client_class, MissingSDK) or client_class is None:
            package = getattr(client_class, "package", "the Azure management SDK")
            self.fail_json(msg=missing_required_lib(package), exception=getattr(client_class, "error", None))
        subscription = subscription_id or self.subscription_id
        key = (client_class, subscription)
        if key not in self._clients:
            cloud = self.cloud
            options = dict(
                credential=self.credential,
                subscription_id=subscription,
                base_url=cloud.resource_manager,
                credential_scopes=[cloud.scope],
                user_agent=COLLECTION_USER_AGENT,
                polling_interval=LRO_POLLING_INTERVAL,
            )
            options.update(kwargs)
            options.setdefault("retry_policy", throttling_retry_policy())
            self._clients[key] = client_class(**options)
        return self._clients[key]

    def validate_name(self, resource_type, name, option="name"):
        """Fail, before calling Azure, when ``name`` breaks a naming rule of ``resource_type``."""
        from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors

        problems = name_errors(resource_type, name)
        if problems:
            self.fail_json(msg="{}: {}".format(option, "; ".join(problems)), name_errors=problems)

    # -- errors -----------------------------------------------------------------------------
    def fail_azure(self, exc, action, label, hint=None, **result):
        details = describe_azure_error(exc)
        self.fail_json(msg=format_azure_failure(action, label, details, hint), azure_error=details, **result)

    def fail_refusal(self, refusal, **result):
        result.update(refusal.details)
        self.fail_json(msg=refusal.msg, refused=True, **result)

    @contextlib.contextmanager
    def azure_errors(self, action, label, hint=None):
        """Turn azure-core errors raised inside the block into a failure naming ``action`` and ``label``."""
        try:
            yield
        except azure_error_types() as exc:
            self.fail_azure(exc, action, label, hint)

    def call(self, action, label, func, *args, **kwargs):
        """``func(*args, **kwargs)`` with Azure errors turned into a failure about ``action`` on ``label``."""
        with self.azure_errors(action, label):
            return func(*args, **kwargs)

    def read_resources(
        self,
        kind,
        operations,
        name=None,
        resource_group=None,
        plural=None,
        list_in_group="list_by_resource_group",
        list_all="list",
    ):
        """What an ``_info`` module returns, as REST JSON: the resource ``name`` of ``resource_group`` (none when it
        does not exist), every ``kind`` of ``resource_group``, or every one of the subscription. ``operations`` is an
        SDK operations group with ``get`` and the two listing operations named by ``list_in_group`` and
        ``list_all`` (``client.registries``, ...); ``plural`` names several of ``kind`` in messages (default:
        ``kind`` + "s")."""
        plural = plural or kind + "s"
        if name:
            label = f"{kind} '{name}' in resource group '{resource_group}'"
            body = self.read(label, operations.get, resource_group, name)
            return [body] if body is not None else []
        if resource_group:
            with self.azure_errors("list", f"the {plural} of resource group '{resource_group}'"):
                return [rest_dict(item) for item in getattr(operations, list_in_group)(resource_group)]
        with self.azure_errors("list", f"the {plural} of subscription {self.subscription_id}"):
            return [rest_dict(item) for item in getattr(operations, list_all)()]

    def read(self, label, func, *args, warn_missing_group=True, **kwargs):
        """``func(...)`` as REST JSON, or ``None`` on 404. Warns when the resource group itself is missing, unless
        ``warn_missing_group`` is false."""
        try:
            return rest_dict(func(*args, **kwargs))
        except azure_error_types() as exc:
            if is_not_found(exc):
                if (
                    warn_missing_group
                    and error_code(exc) == "ResourceGroupNotFound"
                    and self.params.get("resource_group")
                ):
                    self.warn(
                        "Resource group '{}' does not exist (yet); {} is treated as absent.".format(
                            self.params.get("resource_group"), label
                        )
                    )
                return None
            self.fail_azure(exc, "read", label)

    def wait(self, action, label, begin, *args, hints=None, **kwargs):
        """Start a long-running operation (``begin(*args, **kwargs)``, an SDK ``begin_*`` call) and wait for its
        result. An operation that ends ``Failed`` or ``Canceled`` fails the module with
        "<label> ended in provisioning state Failed: <code>: <message>" and what to do (``hints``: text in the
        error message -> what to do instead of the general advice)."""
        poller = self.call(action, label, begin, *args, **kwargs)
        try:
            result = poller.result()
        except azure_error_types() as exc:
            outcome = operation_outcome(exc)
            if outcome is None:
                self.fail_azure(exc, action, label)
        else:
            # The storage resource provider ends a failed operation with a 200 status body, which the poller hands
            # back as the result instead of raising.
            outcome = status_body_outcome(rest_dict(result))
            if outcome is None:
                return result
        state, details = outcome
        hint = next((text for key, text in (hints or {}).items() if key in (details.get("message") or "")), None)
        self.fail_json(
            msg=format_operation_failure(action, label, state, details, hint),
            azure_error=details,
            provisioning_state=state,
        )

    def run_reconcile(self, reconcile_func, resource, *args, **kwargs):
        """Run ``reconcile_func(resource, ...)`` with refusals and unconverged resources turned into failures."""
        try:
            return reconcile_func(resource, *args, **kwargs)
        except Refusal as refusal:
            self.fail_refusal(refusal)
        except NotConverged as exc:
            self.fail_json(msg=exc.msg, changed=True, resource=exc.resource)


def info_module(**options):
    """The ``AzureModule`` of an ``_info`` reader of resources in resource groups: options ``name`` (which needs
    ``resource_group``) and ``resource_group``, then ``options``. It writes nothing, so it supports check mode."""
    return AzureModule(
        argument_spec=dict(name=dict(type="str"), resource_group=dict(type="str"), **options),
        required_by={"name": "resource_group"},
        supports_check_mode=True,
    )


class GroupedResource(AzureResource):
    """A resource that lives in a resource group. Subclasses set ``arm_type`` (``Microsoft.KeyVault/vaults``), and
    ``module``, ``resource_group`` and ``location`` (the ``location`` option, or ``None`` to create the resource in
    the group's location); the label and the resource id follow from them."""

    arm_type = None

    @property
    def label(self):
        return f"{self.kind} '{self.name}' in resource group '{self.resource_group}'"

    @property
    def resource_id(self):
        """The resource's ARM id in the module's subscription."""
        return (
            f"/subscriptions/{self.module.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{self.arm_type}/{self.name}"
        )

    def create_location(self, desired):
        if desired.get("location"):
            if not getattr(self, "_location_checked", False):
                self.module.check_location(desired["location"])
                self._location_checked = True
            return desired["location"]
        if self.location is None:
            # Imported here: the resource group SDK is only loaded by modules that need the group's location.
            from ansible_collections.mlops.azure.plugins.module_utils._resource_client import resource_group_location

            self.location = resource_group_location(self.module, self.resource_group)
        return self.location

    def check_name_available(self, check_name_availability, resource_type, advice):
        """Refuse to create a resource with a global name that ``check_name_availability`` (the service's
        operation) says is not free; ``advice`` says what to do instead."""
        result = self.module.call(
            "check the name of", self.label, check_name_availability, {"name": self.name, "type": resource_type}
        )
        result = rest_dict(result) or {}
        if result.get("nameAvailable") is False:
            raise Refusal(
                "{} cannot be created: the name is not available ({}: {}). {}".format(
                    self.label, result.get("reason"), result.get("message"), advice
                ),
                name_available=False,
            )
