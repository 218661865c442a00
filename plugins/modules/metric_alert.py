#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: metric_alert
short_description: Create, update or delete an Azure Monitor metric alert rule
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure an Azure Monitor metric alert rule exists on a resource with the given static-threshold criteria,
    severity, timing and action groups, or does not exist.
  - The criteria are a single-resource, multiple-metric criteria (C(SingleResourceMultipleMetricCriteria));
    the alert fires when every criterion is met.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure, with
    Azure's own equivalences (V(PT60M) = V(PT1H), V(80) = V(80.0), ids and enum values in any letter case), so
    the second run reports no change and sends no write.
options:
  name:
    description:
      - Name of the alert rule.
      - Checked against Azure's naming rules before anything is sent, when O(state=present). 1-260 characters,
        none of V(*), V(#), V(&), V(+), V(:), V(<), V(>), V(?), V(@), V(%), V({), V(}), V(/), V(|), backslash or
        control characters, not ending with V(.) or a space.
    type: str
    required: true
  resource_group:
    description: Resource group of the alert rule.
    type: str
    required: true
  location:
    description:
      - Location of the rule, V(global) for rules on one resource (the default at creation).
      - Not compared when not set. The location cannot change; a different value is refused.
    type: str
  scopes:
    description:
      - Resource ids of the monitored resource. Required to create the rule.
      - Compared as a set of ids in any letter case.
    type: list
    elements: str
  description:
    description: Description of the rule. Not compared when not set.
    type: str
  severity:
    description:
      - Severity from V(0) (critical) to V(4) (verbose).
      - Not compared when not set; a new rule gets V(3).
    type: int
    choices: [0, 1, 2, 3, 4]
  enabled:
    description:
      - Whether the rule is evaluated.
      - Not compared when not set; a new rule is enabled.
    type: bool
  evaluation_frequency:
    description:
      - How often the rule is evaluated, an ISO 8601 duration (V(PT1M), V(PT5M), V(PT15M), V(PT30M), V(PT1H)).
      - Not compared when not set; a new rule gets V(PT1M). Must not be longer than O(window_size).
    type: str
  window_size:
    description:
      - The period each evaluation looks back over, an ISO 8601 duration (V(PT1M) to V(PT24H); V(P1D) = V(PT24H)).
      - Not compared when not set; a new rule gets V(PT5M).
    type: str
  auto_mitigate:
    description:
      - Whether a fired alert is resolved by Azure when the condition no longer holds.
      - Not compared when not set; a new rule gets V(true).
    type: bool
  criteria:
    description:
      - The static-threshold criteria; the alert fires when all of them are met. Required to create the rule.
      - The list replaces the rule's criteria; criteria are matched by O(criteria[].name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the criterion, unique in the rule.
        type: str
        required: true
      metric_name:
        description: The metric, for example V(Availability) or V(ServiceApiLatency) for a Key Vault.
        type: str
        required: true
      metric_namespace:
        description:
          - The metric namespace, for example V(Microsoft.KeyVault/vaults). Azure uses the resource type's when
            not set.
        type: str
      operator:
        description: How the aggregated metric is compared with O(criteria[].threshold).
        type: str
        required: true
        choices: [Equals, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual]
      threshold:
        description: The threshold.
        type: float
        required: true
      time_aggregation:
        description: How the metric is aggregated over O(window_size).
        type: str
        required: true
        choices: [Average, Count, Minimum, Maximum, Total]
      dimensions:
        description:
          - Dimension filters. The list replaces the criterion's dimensions; not compared when not set.
        type: list
        elements: dict
        suboptions:
          name:
            description: Dimension name, for example V(ActivityName).
            type: str
            required: true
          operator:
            description: Include or exclude the values.
            type: str
            choices: [Include, Exclude]
            default: Include
          values:
            description: Dimension values; V(*) for all, including future ones. Compared as a set.
            type: list
            elements: str
            required: true
  actions:
    description:
      - Resource ids of the action groups notified when the alert fires or resolves (see M(mlops.azure.action_group)).
      - Compared as a set of ids in any letter case. V([]) removes them all. Not compared when not set.
    type: list
    elements: str
  state:
    description:
      - V(present) to create or update the rule, V(absent) to delete it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - mlops.azure.azure
  - mlops.azure.tags
  - mlops.azure.attributes
requirements:
  - azure-mgmt-monitor >= 6, < 7
notes:
  - Uses the metric alerts API version 2018-03-01 of azure-mgmt-monitor.
  - Settings this module does not manage (other kinds of criteria settings, action webhook properties) are kept as
    they are when the rule is updated.
seealso:
  - module: mlops.azure.action_group
  - name: Metric alerts
    description: How metric alert rules are evaluated.
    link: https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-types#metric-alerts
"""

EXAMPLES = r"""
- name: Alert when the key vault's availability drops
  mlops.azure.metric_alert:
    name: al-kv-mlops-prod-availability
    resource_group: rg-mlops-prod-weu
    scopes:
      - "{{ key_vault_id }}"
    description: Key Vault availability below 99.9 %
    severity: 1
    evaluation_frequency: PT5M
    window_size: PT15M
    criteria:
      - name: availability
        metric_name: Availability
        metric_namespace: Microsoft.KeyVault/vaults
        operator: LessThan
        threshold: 99.9
        time_aggregation: Average
    actions:
      - "{{ action_group_id }}"

- name: Alert on throttled vault requests, per API
  mlops.azure.metric_alert:
    name: al-kv-mlops-prod-throttled
    resource_group: rg-mlops-prod-weu
    scopes:
      - "{{ key_vault_id }}"
    severity: 2
    criteria:
      - name: throttled
        metric_name: ServiceApiResult
        operator: GreaterThan
        threshold: 0
        time_aggregation: Count
        dimensions:
          - name: StatusCode
            values: ["429"]
    actions:
      - "{{ action_group_id }}"
"""

RETURN = r"""
metric_alert:
  description:
    - The alert rule after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops-prod-weu/providers/Microsoft.Insights/metricAlerts/al-kv
    name:
      description: Name.
      type: str
    resource_group:
      description: Resource group.
      type: str
    location:
      description: Location.
      type: str
      sample: global
    tags:
      description: Tags.
      type: dict
    description:
      description: Description.
      type: str
    severity:
      description: Severity.
      type: int
      sample: 2
    enabled:
      description: Whether the rule is evaluated.
      type: bool
    scopes:
      description: Monitored resource ids.
      type: list
      elements: str
    evaluation_frequency:
      description: Evaluation frequency (ISO 8601).
      type: str
      sample: PT1M
    window_size:
      description: Window size (ISO 8601).
      type: str
      sample: PT5M
    auto_mitigate:
      description: Whether fired alerts are resolved automatically.
      type: bool
    target_resource_type:
      description: Target resource type (rules on several resources only).
      type: str
    target_resource_region:
      description: Target resource region (rules on several resources only).
      type: str
    criteria_type:
      description: The kind of criteria.
      type: str
      sample: Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria
    criteria:
      description: The criteria, in the shape of O(criteria).
      type: list
      elements: dict
    actions:
      description: Action group ids.
      type: list
      elements: str
diff:
  description: The alert rule before and after the task, in the shape of RV(metric_alert).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._azure_module import (
    STATE_ARGSPEC,
    TAGS_ARGSPEC,
    AzureModule,
    string_tags,
)
from ansible_collections.mlops.azure.plugins.module_utils._metric_alert import (
    DIMENSION_OPERATORS,
    OPERATORS,
    SINGLE_RESOURCE_CRITERIA,
    TIME_AGGREGATIONS,
    MetricAlert,
    desired_criteria,
    timing_errors,
)
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import prune, reconcile


def _duplicates(items, key):
    seen = set()
    repeated = []
    for item in items or []:
        folded = item[key].casefold()
        if folded in seen:
            repeated.append(item[key])
        seen.add(folded)
    return repeated


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        scopes=dict(type="list", elements="str"),
        description=dict(type="str"),
        severity=dict(type="int", choices=[0, 1, 2, 3, 4]),
        enabled=dict(type="bool"),
        evaluation_frequency=dict(type="str"),
        window_size=dict(type="str"),
        auto_mitigate=dict(type="bool"),
        criteria=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                metric_name=dict(type="str", required=True),
                metric_namespace=dict(type="str"),
                operator=dict(type="str", required=True, choices=OPERATORS),
                threshold=dict(type="float", required=True),
                time_aggregation=dict(type="str", required=True, choices=TIME_AGGREGATIONS),
                dimensions=dict(
                    type="list",
                    elements="dict",
                    options=dict(
                        name=dict(type="str", required=True),
                        operator=dict(type="str", choices=DIMENSION_OPERATORS, default="Include"),
                        values=dict(type="list", elements="str", required=True),
                    ),
                ),
            ),
        ),
        actions=dict(type="list", elements="str"),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("metric_alert", params["name"])
        problems = timing_errors(params["evaluation_frequency"], params["window_size"])
        if params["scopes"] is not None and not params["scopes"]:
            problems.append("scopes must name at least one resource")
        if params["criteria"] is not None and not params["criteria"]:
            problems.append("criteria must hold at least one criterion")
        repeated = _duplicates(params["criteria"], "name")
        if repeated:
            problems.append("criteria names must be unique; repeated: {}".format(", ".join(repeated)))
        for criterion in params["criteria"] or []:
            repeated = _duplicates(criterion.get("dimensions"), "name")
            if repeated:
                problems.append(
                    "criterion '{}': dimension names must be unique; repeated: {}".format(
                        criterion["name"], ", ".join(repeated)
                    )
                )
        if problems:
            module.fail_json(msg="metric alert '{}': {}.".format(params["name"], "; ".join(problems)), refused=True)

    criteria = desired_criteria(params["criteria"])
    desired = prune(
        {
            "location": params["location"],
            "tags": string_tags(params["tags"]),
            "description": params["description"],
            "severity": params["severity"],
            "enabled": params["enabled"],
            "scopes": params["scopes"],
            "evaluation_frequency": params["evaluation_frequency"],
            "window_size": params["window_size"],
            "auto_mitigate": params["auto_mitigate"],
            "criteria_type": SINGLE_RESOURCE_CRITERIA if criteria is not None else None,
            "criteria": criteria,
            "actions": params["actions"],
        }
    )
    alert = MetricAlert(module, params["name"], params["resource_group"], append_tags=params["append_tags"])
    result = module.run_reconcile(reconcile, alert, desired, params["state"])
    module.exit_json(changed=result["changed"], diff=result["diff"], metric_alert=result["resource"])


if __name__ == "__main__":
    main()
