# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight's problem list: everything wrong with a stack's inputs, found before anything is created.

Plain data in, sentences out (the ``mlops.azure.preflight_problems`` filter is its Ansible face). The only Ansible
import is the argument spec validator roles themselves are checked with, so each role's arguments are judged by
exactly the rules the role applies when it is included.

What is checked, in the order the problems are reported:

1. every generated or overridden name, by its type's naming rule (``_naming``);
2. the answers of ``mlops.azure.name_availability`` for the global names (taken elsewhere, soft-deleted);
3. the existing subnets the firewalls will admit: well-formed ids, existing, with the service endpoints;
4. the network mode (``_network_mode``): in ``private_endpoints`` mode, the subnet of the private endpoints
   (given, well-formed, not the GatewaySubnet, existing and not delegated), a Premium registry, and the inventory's
   existing private DNS zones;
5. the location, against the subscription's list (``mlops.azure.location_info``);
6. for each role the playbook will include, the arguments it will get: its ``meta/argument_specs.yml`` (types,
   choices, required arguments, unknown arguments), then the value checks of ``_validate`` that no argument
   specification can express (IP rules per service, GUIDs, tags, Azure's number and length bounds, blob container
   names, locations).

The same sentence found in several places (an IP rule given to both firewalls, a tag set on every resource) is
reported once, naming every argument it was found in.
"""

from __future__ import annotations

import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.mlops.azure.plugins.module_utils import _validate
from ansible_collections.mlops.azure.plugins.module_utils._naming import name_errors
from ansible_collections.mlops.azure.plugins.module_utils._network_mode import network_mode_problems

COLLECTION = "mlops.azure"

#: The keys of ``preflight_names`` and the naming rule each follows.
NAME_TYPES = {
    "resource_group": "resource_group",
    "key_vault": "key_vault",
    "storage_account": "storage_account",
    "log_analytics_workspace": "log_analytics_workspace",
    "app_insights": "app_insights",
    "action_group": "action_group",
    "virtual_network": "virtual_network",
    "ml_workspace": "ml_workspace",
    "shared_resource_group": "resource_group",
    "container_registry": "container_registry",
}
#: Names only a stack with a container registry uses.
REGISTRY_NAMES = ("container_registry", "shared_resource_group")

TAKEN_ADVICE = (
    " Choose another name through preflight_name_overrides (mlops_name_overrides in playbooks/mlops.yml) or another"
    " preflight_unique_seed."
)
SOFT_DELETED_ADVICE = (
    ". To recover it with the stack, set preflight_key_vault_recover (-e mlops_key_vault_recover=true for"
    " playbooks/mlops.yml)."
)

#: A subnet resource id (case-insensitive, as ARM ids are). roles/preflight/vars/main.yml has the same pattern for
#: the task that reads the subnets' networks; a unit test keeps the two equal.
SUBNET_ID_PATTERN = (
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$"
)
SUBNET_ID = re.compile(SUBNET_ID_PATTERN, re.IGNORECASE)
SUBNET_SERVICE_ENDPOINTS = ("Microsoft.KeyVault", "Microsoft.Storage")

#: Role arguments Azure bounds beyond their type, by name.
DAY_RANGES = {
    "key_vault_soft_delete_retention_in_days": _validate.KEY_VAULT_RETENTION_DAYS,
    "storage_account_blob_soft_delete_days": _validate.STORAGE_SOFT_DELETE_DAYS,
    "storage_account_container_soft_delete_days": _validate.STORAGE_SOFT_DELETE_DAYS,
}
LENGTHS = {
    "app_insights_action_group_short_name": _validate.ACTION_GROUP_SHORT_NAME_LENGTH,
}
#: Role arguments that are lists of names, and the naming rule of their elements.
NAME_LISTS = {
    "storage_account_containers": "blob_container",
}
#: Arguments (or sub-options) holding Entra ID object ids or tenant ids: ``principal_id``, ``*_principal_id``, ...
GUID_ARGUMENT = re.compile(r"(?:^|_)(principal|tenant)_id$")
#: Arguments holding a location: ``<role>_location``.
LOCATION_ARGUMENT = re.compile(r"_location$")


class PreflightError(ValueError):
    """An input the preflight itself cannot work with (a caller's mistake, not a problem of the stack)."""


class Problems:
    """Sentences in the order found. The same sentence found at several places is kept once, naming them all."""

    def __init__(self):
        self._places = {}

    def add(self, sentence, place=None):
        places = self._places.setdefault(sentence, [])
        if place and place not in places:
            places.append(place)

    def extend(self, sentences, place=None):
        for sentence in sentences:
            self.add(sentence, place)

    def sentences(self):
        return [
            "{} (in {})".format(sentence, ", ".join(places)) if places else sentence
            for sentence, places in self._places.items()
        ]


# -- names --------------------------------------------------------------------------------------
def name_problems(names, container_registry_enabled=False):
    """Every naming rule each name of the stack breaks, as ``<key>: <sentence>``."""
    out = []
    for key, resource_type in NAME_TYPES.items():
        if key not in names or (key in REGISTRY_NAMES and not container_registry_enabled):
            continue
        out.extend(f"{key}: {error}" for error in name_errors(resource_type, names[key]))
    return out


def _answers(availability):
    """The answers of ``mlops.azure.name_availability``: from its registered loop results, or given as they are."""
    for item in availability or []:
        if "availability" in item:
            yield from item["availability"] or []
        elif "reason" in item:
            yield item


def availability_problems(availability, key_vault_recover=False):
    """Global names that cannot be used: taken by someone else, or held by a soft-deleted vault.

    Answers that break a naming rule are left out: ``name_problems`` reports those.
    """
    out = []
    for answer in _answers(availability):
        reason = answer.get("reason")
        if answer.get("usable") or answer.get("errors") or (reason == "soft_deleted" and key_vault_recover):
            continue
        advice = {"taken": TAKEN_ADVICE, "soft_deleted": SOFT_DELETED_ADVICE}.get(reason, "")
        out.append("{}: {}{}".format(answer.get("type"), answer.get("message"), advice))
    return out


# -- subnets ------------------------------------------------------------------------------------
def _known_subnets(networks):
    """``{lower-case subnet id: [lower-case service endpoints]}`` from ``virtual_network_info`` results."""
    known = {}
    for result in networks or []:
        for network in result.get("virtual_networks") or []:
            for subnet in network.get("subnets") or []:
                endpoints = [str(endpoint).lower() for endpoint in subnet.get("service_endpoints") or []]
                known[str(subnet.get("id")).lower()] = endpoints
    return known


def subnet_problems(subnet_ids, networks=None, service_endpoints=SUBNET_SERVICE_ENDPOINTS):
    """Subnet ids that are malformed, or, when their networks were read (``networks``), missing or lacking a
    service endpoint. ``networks`` is ``None`` when Azure was not asked."""
    out = []
    known = _known_subnets(networks)
    for subnet in subnet_ids or []:
        if not isinstance(subnet, str) or not SUBNET_ID.match(subnet):
            out.append(
                f"subnet: {subnet} is not a subnet resource id (/subscriptions/<id>/resourceGroups/"
                "<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>)"
            )
        elif networks is None:
            continue
        elif subnet.lower() not in known:
            out.append(
                "subnet: {} does not exist. Create it with the service endpoints {} first, or let the playbook "
                "create a network (mlops_network_create: true).".format(subnet, " and ".join(service_endpoints))
            )
        else:
            missing = [endpoint for endpoint in service_endpoints if endpoint.lower() not in known[subnet.lower()]]
            if missing:
                out.append(
                    "subnet: {} lacks the service endpoint(s) {}: add them to the subnet, or Azure refuses it in "
                    "the Key Vault and storage firewalls.".format(subnet, ", ".join(missing))
                )
    return out


# -- roles --------------------------------------------------------------------------------------
def role_key(role):
    """``mlops.azure.key_vault`` or ``key_vault`` -> ``key_vault``; a role of another collection is refused."""
    if not isinstance(role, str) or not role:
        raise PreflightError(f"a role must be named by a string, got {role!r}")
    if "." not in role:
        return role
    prefix, name = role.rsplit(".", 1)
    if prefix != COLLECTION:
        raise PreflightError(f"{role} is not a role of {COLLECTION}: the preflight checks this collection's roles")
    return name


def role_options(argument_specs, role):
    """The options of the ``main`` entry point of a role's ``meta/argument_specs.yml`` (its loaded content)."""
    try:
        options = argument_specs["argument_specs"]["main"].get("options") or {}
    except (KeyError, TypeError, AttributeError):
        raise PreflightError(f"{COLLECTION}.{role} has no argument specification for its main entry point") from None
    return options


def validate_arguments(options, arguments):
    """``(errors, validated)``: the role's own validation (Ansible's ``ArgumentSpecValidator``) of ``arguments``.

    Unknown arguments are reported too: a role ignores them, so one in the playbook is a typo that would change
    nothing.
    """
    result = ArgumentSpecValidator(options).validate(arguments)
    errors = []
    for error in result.errors:
        if isinstance(error, UnsupportedError):
            errors.append(f"unknown argument {error}")
        else:
            errors.append(str(error))
    return errors, result.validated_parameters


def _leaves(options, params, path=""):
    """``(argument path, option name, option spec, value)`` for every option and sub-option that has a value."""
    for name, option in options.items():
        value = params.get(name) if isinstance(params, dict) else None
        place = f"{path}.{name}" if path else name
        yield place, name, option, value
        suboptions = option.get("options")
        if not suboptions or value is None:
            continue
        if option.get("type") == "list" and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _leaves(suboptions, item, f"{place}[{index}]")
        elif isinstance(value, dict):
            yield from _leaves(suboptions, value, place)


def value_problems(role, options, params, problems, locations=None):
    """The value checks no argument specification can express, for one role's validated ``params``."""
    label = f"{COLLECTION}.{role}"
    for place, name, option, value in _leaves(options, params):
        if value is None:
            continue
        if name.endswith("ip_rules") and role in _validate.IP_RULE_SERVICES and isinstance(value, list):
            for rule in value:
                problems.extend(_validate.ip_rule_errors(rule, role), place)
        elif GUID_ARGUMENT.search(name):
            # An empty id is "none" where the argument's default is empty; a required id must be a GUID.
            if value == "" and option.get("default") == "":
                continue
            what = f"{GUID_ARGUMENT.search(name).group(1)} id"
            problems.extend(_validate.guid_errors(value, what), place)
        elif name.endswith("_tags") and isinstance(value, dict):
            longest = _validate.MAX_STORAGE_TAG_NAME if role == "storage_account" else _validate.MAX_TAG_NAME
            problems.extend(_validate.tag_errors(value, longest), place)
        elif name in DAY_RANGES:
            problems.extend(f"{label}: {text}" for text in _validate.range_errors(value, DAY_RANGES[name], name))
        elif name in LENGTHS:
            problems.extend(f"{label}: {text}" for text in _validate.length_errors(value, LENGTHS[name], name))
        elif name in NAME_LISTS and isinstance(value, list):
            for item in value:
                problems.extend(f"{label}: {name}: {text}" for text in name_errors(NAME_LISTS[name], item))
        elif LOCATION_ARGUMENT.search(name) and locations is not None:
            problems.extend(_validate.location_errors(value, locations), place)


def role_problems(
    role,
    argument_specs,
    arguments,
    problems,
    variables=None,
    unresolved=None,
    unresolved_variables=None,
    locations=None,
):
    """Everything wrong with the arguments ``role`` will get.

    ``arguments`` is the mapping the playbook passes the role; ``variables`` holds options set elsewhere (the
    inventory), which the role sees too unless the mapping sets the same option. ``unresolved`` and
    ``unresolved_variables`` map the arguments and variables whose template could not be computed to why.
    """
    label = f"{COLLECTION}.{role}"
    options = role_options(argument_specs, role)
    arguments = arguments or {}
    unresolved = dict(unresolved or {})
    for name, reason in (unresolved_variables or {}).items():
        if name in options and name not in arguments and name not in unresolved:
            unresolved[name] = reason
    provided = {name: value for name, value in (variables or {}).items() if name in options}
    provided.update(arguments)
    for name, reason in unresolved.items():
        problems.add(f"{label}: {name} cannot be computed: {reason}")
        provided.pop(name, None)
    checked = {name: option for name, option in options.items() if name not in unresolved}
    errors, validated = validate_arguments(checked, provided)
    problems.extend(f"{label}: {error}" for error in errors)
    value_problems(role, checked, validated, problems, locations)


def preflight_problems(
    names,
    container_registry_enabled=False,
    availability=None,
    key_vault_recover=False,
    subnet_ids=None,
    subnet_service_endpoints=SUBNET_SERVICE_ENDPOINTS,
    networks=None,
    location=None,
    locations=None,
    roles=None,
    network_mode=None,
):
    """Every problem of the stack, as sentences; empty when it can be created.

    ``roles``: one dict per role the playbook will include, ``{"role", "argument_specs", "arguments"}`` and
    optionally ``"enabled"`` (false: not included, not checked), ``"variables"``, ``"unresolved"`` and
    ``"unresolved_variables"`` (see ``role_problems``). ``locations`` (the subscription's, REST items) is ``None``
    when Azure was not asked, and so is ``networks`` (``virtual_network_info`` results). ``network_mode``: the keyword
    arguments of ``_network_mode.network_mode_problems`` but ``networks`` and ``container_registry_enabled`` (the
    same as here), or ``None`` for the default mode with nothing to check.
    """
    if not isinstance(names, dict):
        raise PreflightError(f"the names of the stack must be a dictionary, got {type(names).__name__}")
    problems = Problems()
    problems.extend(name_problems(names, container_registry_enabled))
    problems.extend(availability_problems(availability, key_vault_recover))
    problems.extend(subnet_problems(subnet_ids, networks, subnet_service_endpoints))
    if network_mode:
        problems.extend(
            network_mode_problems(
                networks=networks, container_registry_enabled=container_registry_enabled, **network_mode
            )
        )
    if location is not None and locations is not None:
        problems.extend(_validate.location_errors(location, locations), "preflight_location")
    for item in roles or []:
        if not boolean(item.get("enabled", True), strict=False):
            continue
        role = role_key(item.get("role"))
        role_problems(
            role,
            item.get("argument_specs"),
            item.get("arguments"),
            problems,
            variables=item.get("variables"),
            unresolved=item.get("unresolved"),
            unresolved_variables=item.get("unresolved_variables"),
            locations=locations,
        )
    return problems.sentences()
