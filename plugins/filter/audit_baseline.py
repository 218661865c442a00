# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: audit_baseline
short_description: Evaluate an MLOps stack's resources against the security baseline
version_added: 0.1.0
author: mlops.azure maintainers (@mlops-azure)
description:
  - Takes what the collection's C(_info) modules return for one stack and evaluates every rule of the security
    baseline on every resource it applies to. Each rule carries its PSRule for Azure, Checkov and Azure Policy
    ids, the ARM property it reads, its severity and the environments it applies to; the rules live in one
    table in the collection (C(plugins/module_utils/_audit.py)).
  - Gives one result per rule and resource, C(pass), C(fail), C(exception) (a failure the inventory accepts, shown
    with its reason, never as a pass) or C(not_applicable) (the rule is for another environment or tier, or the
    stack has no resource of its type), with the value found and the value expected.
  - Reads nothing from Azure itself and writes nothing anywhere; P(mlops.azure.audit_report#filter) renders the
    result, C(playbooks/audit.yml) does the reading with the C(_info) modules.
positional: _input
options:
  _input:
    description:
      - The stack, a dictionary of the lists the C(_info) modules return, under the keys they return them with.
      - V(key_vaults) (M(mlops.azure.key_vault_info)), V(storage_accounts) (M(mlops.azure.storage_account_info),
        with blob service properties and containers), V(log_analytics_workspaces), V(app_insights),
        V(container_registries), V(resource_groups), and V(ml_workspaces) once the collection reads ML workspaces.
      - V(diagnostic_settings) (M(mlops.azure.diagnostic_setting_info) of each resource, flattened),
        V(management_locks) (M(mlops.azure.management_lock_info) of the resource groups) and V(role_assignments)
        (M(mlops.azure.role_assignment_info) with O(mlops.azure.role_assignment_info#module:include_inherited=true)
        on each resource), matched to the resources by id and scope.
      - Missing keys mean no resource of that kind.
    type: dict
    required: true
  environment:
    description: The stack's environment; some rules apply in V(prod) only, some expect other values there.
    type: str
    required: true
  exceptions:
    description:
      - Accepted exceptions, by rule id (the rule's own id, or a PSRule or Checkov id it carries).
      - Each value is the reason, or a dictionary with C(reason), C(resources) (the names of the resources it
        covers; all of them when not given) and C(network_mode) (the network design it holds in; in the other one it
        is left out, neither applied nor listed as unused).
      - A result the exception covers is reported as C(exception) with the reason when the rule fails. An id that
        names no rule, or an exception without a reason, is an error. Exceptions that cover no failure are listed
        in RV(_value.unused_exceptions).
    type: dict
    default: {}
  expected:
    description:
      - The names the stack must hold, by resource type (V(resource_group), V(key_vault), V(storage_account),
        V(log_analytics_workspace), V(app_insights), V(container_registry), V(ml_workspace)); a name or a list.
      - Each missing one fails the rule C(stack.resource_exists).
    type: dict
    default: {}
  network_mode:
    description:
      - The stack's network design (C(mlops_network_mode)). The rules C(<type>.private_endpoint) apply in
        V(private_endpoints) mode only.
    type: str
    default: service_endpoints
    choices: [service_endpoints, private_endpoints]
  fail_on:
    description:
      - The lowest severity whose failures fail the audit (RV(_value.failed)); V(none) never fails it.
    type: str
    default: low
    choices: [low, medium, high, critical, none]
seealso:
  - plugin: mlops.azure.audit_report
    plugin_type: filter
  - name: PSRule for Azure rules
    description: The rule reference whose ids the results carry.
    link: https://azure.github.io/PSRule.Rules.Azure/en/rules/
  - name: Checkov policy index for ARM
    description: The Checkov ids the results carry.
    link: https://www.checkov.io/5.Policy%20Index/arm.html
"""

EXAMPLES = r"""
- name: Evaluate the stack read by the _info modules
  ansible.builtin.set_fact:
    audit: "{{ stack | mlops.azure.audit_baseline(environment='prod', exceptions=exceptions, fail_on='high') }}"
  vars:
    stack:
      key_vaults: "{{ vault_info.key_vaults }}"
      storage_accounts: "{{ storage_info.storage_accounts }}"
      diagnostic_settings: "{{ settings_info.results | map(attribute='diagnostic_settings') | flatten }}"
    exceptions:
      key_vault.public_network_access: The vault's firewall admits the pipelines' subnets by service endpoint.
      CKV_AZURE_59:
        reason: Service endpoints instead of private endpoints.
        resources: [stmlopsprodweu4k2j7q]

- name: Fail when a rule at or above the threshold fails
  ansible.builtin.assert:
    that: not audit.failed
    fail_msg: "{{ audit.blocking | map(attribute='message') | list }}"
"""

RETURN = r"""
_value:
  description: The audit.
  type: dict
  contains:
    environment:
      description: The environment the rules were evaluated for.
      type: str
    network_mode:
      description: The network design the rules were evaluated for.
      type: str
    fail_on:
      description: The severity threshold.
      type: str
    results:
      description:
        - One per rule and resource, failures and exceptions included, in the rule table's order.
        - Each has C(rule) (its own id), C(ids) (its own id, then its PSRule and Checkov ids), C(title),
          C(severity), C(resource_type), C(arm_type), C(resource) (name), C(resource_id), C(property) (the ARM
          property), C(status), C(found), C(expected), C(environment), C(exception) (C(id) and C(reason), when
          accepted), C(note) (why a rule does not apply), C(references) (C(psrule), C(checkov), C(policy)) and
          C(message) (one readable sentence that names the rule, its ids, the resource and both values).
      type: list
      elements: dict
    counts:
      description: How many results have each status (C(pass), C(fail), C(exception), C(not_applicable)).
      type: dict
    blocking:
      description: The failed results at or above RV(_value.fail_on).
      type: list
      elements: dict
    failed:
      description: Whether RV(_value.blocking) holds anything.
      type: bool
    unused_exceptions:
      description: Declared exceptions (C(id), C(reason)) that covered no failing result.
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.azure.plugins.module_utils._audit import AuditError, evaluate

_FILTER = "mlops.azure.audit_baseline"


def _audit_baseline(stack, environment=None, exceptions=None, expected=None, fail_on="low", network_mode=None):
    try:
        return evaluate(
            stack, environment, exceptions=exceptions, expected=expected, fail_on=fail_on, network_mode=network_mode
        )
    except AuditError as exc:
        raise AnsibleFilterError(f"{_FILTER}: {exc}") from exc


class FilterModule:
    """The mlops.azure.audit_baseline filter."""

    def filters(self):
        return {"audit_baseline": _audit_baseline}
