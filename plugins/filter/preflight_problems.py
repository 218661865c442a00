# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: preflight_problems
short_description: Every problem with the inputs of an MLOps stack, before anything is created
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - The problem list of the P(mlops.azure.preflight#role) role, one sentence per problem, empty when the stack can
    be created. It only judges what it is given; the role gathers Azure's answers first.
  - "In this order: every name of the stack against its naming rule; the global names Azure says are taken
    elsewhere or held by a soft-deleted vault; the existing subnets the firewalls will admit (well-formed, existing,
    with the service endpoints); the network mode (in C(private_endpoints) mode: a subnet for the private endpoints,
    well-formed, not the GatewaySubnet, existing and not delegated; a Premium registry; the existing private DNS zones
    the inventory names); the location against the subscription's; and, for each role the playbook will
    include, the arguments it will get: its own argument specification (C(meta/argument_specs.yml), checked with
    Ansible's own validator, so by the rules the role applies), then the values Azure refuses that no argument
    specification can express: firewall IP rules (storage takes no private ranges and no /31 or /32), GUIDs for
    every principal and tenant id, tags (count, lengths, characters; 128-character names on storage accounts),
    Azure's bounds on numbers and lengths, blob container names, and locations."
  - The same sentence found in several arguments is reported once, naming each of them.
  - An argument whose template cannot be computed (an undefined variable) is reported as a problem instead of
    failing the task, so it is listed with the others.
positional: _input
options:
  _input:
    description: The names of the stack, by key (C(preflight_names)).
    type: dict
    required: true
  container_registry_enabled:
    description: Whether the stack has a container registry, whose names are then checked too.
    type: bool
    default: false
  availability:
    description: The registered results of M(mlops.azure.name_availability) (its loop's C(results)), or its answers.
    type: list
    elements: dict
    default: []
  key_vault_recover:
    description: A vault name held by a soft-deleted vault is fine (it will be recovered).
    type: bool
    default: false
  subnet_ids:
    description: Resource ids of the existing subnets the Key Vault and storage firewalls will admit.
    type: list
    elements: str
    default: []
  subnet_service_endpoints:
    description: Service endpoints every subnet in O(subnet_ids) must carry.
    type: list
    elements: str
    default: [Microsoft.KeyVault, Microsoft.Storage]
  networks:
    description:
      - The registered results of M(mlops.azure.virtual_network_info) for the networks of O(subnet_ids).
      - Null when Azure was not asked; malformed subnet ids are still reported.
    type: list
    elements: dict
  location:
    description: The location of the stack.
    type: str
  locations:
    description:
      - The subscription's locations, as M(mlops.azure.location_info) returns them or as ARM lists them.
      - Null when Azure was not asked; no location is checked then.
    type: list
    elements: dict
  roles:
    description:
      - The roles the playbook will include, each C({role, enabled}); C(role) is a role of this collection
        (V(mlops.azure.key_vault) or V(key_vault)); a role with C(enabled) false is not checked.
    type: list
    elements: dict
    default: []
  argument_specs:
    description: Each role's loaded C(meta/argument_specs.yml), by the role as O(roles) names it.
    type: dict
    default: {}
  arguments:
    description: The arguments the playbook passes each role, by the role as O(roles) names it.
    type: dict
    default: {}
  network_mode:
    description:
      - The stack's network mode and what it needs. Omitted or null, nothing is checked.
      - "C(mode): V(service_endpoints) or V(private_endpoints); C(endpoint_subnet_id): the subnet of the private
        endpoints; C(endpoint_subnet_created): whether the playbook creates that subnet (then Azure is not asked
        about it); C(container_registry_sku); C(private_dns_zone_ids): existing zones by zone name; C(cloud): the
        cloud, for the zone names (V(AzureCloud) by default)."
      - The subnet is looked up in O(networks), so the preflight reads its network with the firewalls' subnets.
    type: dict
  variables:
    description:
      - Options of the roles set elsewhere (the inventory), by option name. A role sees them too, unless the
        playbook's arguments set the same option.
    type: dict
    default: {}
seealso:
  - plugin: mlops.azure.name_errors
    plugin_type: filter
  - module: mlops.azure.name_availability
  - module: mlops.azure.location_info
  - module: mlops.azure.virtual_network_info
"""

EXAMPLES = r"""
- name: Stop before anything is created if any input is wrong
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ names | mlops.azure.preflight_problems(
      roles=[{'role': 'mlops.azure.key_vault'}],
      argument_specs={'mlops.azure.key_vault': lookup('ansible.builtin.file', 'roles/key_vault/meta/argument_specs.yml')
        | from_yaml},
      arguments={'mlops.azure.key_vault': {'key_vault_name': names.key_vault, 'key_vault_resource_group': 'rg-x',
        'key_vault_location': 'westeurope', 'key_vault_soft_delete_retention_in_days': 3}}) }}"
    names:
      key_vault: kv-mlops-dev-weu-abc123
  # => ["mlops.azure.key_vault: key_vault_soft_delete_retention_in_days is 3; Azure accepts 7 to 90"]

- name: Only the names of a stack
  ansible.builtin.debug:
    msg: "{{ {'storage_account': 'St_1'} | mlops.azure.preflight_problems }}"
  # => ["storage_account: storage_account name 'St_1' must be all lower case; ...", ...]
"""

RETURN = r"""
_value:
  description: One sentence per problem, in the order above, each naming what is wrong and, where it helps, what to
    do. Empty when nothing is wrong.
  type: list
  elements: str
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError, AnsibleTemplateError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.mlops.azure.plugins.module_utils._naming import NameRuleError
from ansible_collections.mlops.azure.plugins.module_utils._network_mode import NetworkModeError
from ansible_collections.mlops.azure.plugins.module_utils._preflight import PreflightError, preflight_problems
from jinja2 import Undefined
from jinja2.exceptions import UndefinedError

_FILTER = "mlops.azure.preflight_problems"
_NETWORK_MODE_KEYS = {
    "mode",
    "endpoint_subnet_id",
    "endpoint_subnet_created",
    "container_registry_sku",
    "private_dns_zone_ids",
    "cloud",
}


def _plain(value):
    """``value`` with every template computed, as plain dicts and lists; raises when one cannot be."""
    if isinstance(value, Undefined):
        raise UndefinedError(value._undefined_message)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _computed(mapping):
    """``(values, unresolved)``: each entry of ``mapping`` computed, or the reason it cannot be."""
    values, unresolved = {}, {}
    for key in list(mapping or {}):
        try:
            values[key] = _plain(mapping[key])
        except (UndefinedError, AnsibleTemplateError) as exc:
            unresolved[key] = str(exc).strip()
    return values, unresolved


def _preflight_problems(
    names,
    container_registry_enabled=False,
    availability=None,
    key_vault_recover=False,
    subnet_ids=None,
    subnet_service_endpoints=None,
    networks=None,
    location=None,
    locations=None,
    roles=None,
    argument_specs=None,
    arguments=None,
    variables=None,
    network_mode=None,
):
    variables, unresolved_variables = _computed(variables)
    mode_inputs = None
    if network_mode is not None:
        if not isinstance(network_mode, Mapping):
            raise AnsibleFilterError(f"{_FILTER}: network_mode must be a dictionary, got {network_mode!r}")
        mode_inputs = _plain(network_mode)
        unknown = sorted(set(mode_inputs) - _NETWORK_MODE_KEYS)
        if unknown:
            raise AnsibleFilterError(
                f"{_FILTER}: network_mode has unknown keys {', '.join(unknown)}; "
                f"known: {', '.join(sorted(_NETWORK_MODE_KEYS))}"
            )
        if "endpoint_subnet_created" in mode_inputs:
            mode_inputs["endpoint_subnet_created"] = boolean(mode_inputs["endpoint_subnet_created"], strict=False)
    role_inputs = []
    for item in roles or []:
        if not isinstance(item, Mapping) or "role" not in item:
            raise AnsibleFilterError(f"{_FILTER}: each of roles must be a dictionary with a role, got {item!r}")
        role = item["role"]
        values, unresolved = _computed((arguments or {}).get(role))
        role_inputs.append(
            {
                "role": role,
                "enabled": boolean(item.get("enabled", True), strict=False),
                "argument_specs": (argument_specs or {}).get(role),
                "arguments": values,
                "unresolved": unresolved,
                "variables": variables,
                "unresolved_variables": unresolved_variables,
            }
        )
    try:
        return preflight_problems(
            _plain(names),
            container_registry_enabled=boolean(container_registry_enabled, strict=False),
            availability=availability,
            key_vault_recover=boolean(key_vault_recover, strict=False),
            subnet_ids=subnet_ids,
            subnet_service_endpoints=subnet_service_endpoints or ["Microsoft.KeyVault", "Microsoft.Storage"],
            networks=networks,
            location=location,
            locations=locations,
            roles=role_inputs,
            network_mode=mode_inputs,
        )
    except (PreflightError, NameRuleError, NetworkModeError) as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.preflight_problems filter."""

    def filters(self):
        return {"preflight_problems": _preflight_problems}
