#!/usr/bin/python
# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: action_group
short_description: Create, update or delete an Azure Monitor action group
version_added: 0.1.0
author:
  - mlops.azure maintainers (@mlops-azure)
description:
  - Makes sure an Azure Monitor action group (who is told when an alert fires) exists with the given short
    name, email receivers and webhook receivers, or does not exist.
  - Option names are the ARM property names in snake_case. Only the options you set are compared with Azure,
    so the second run with the same options reports no change and sends no write.
  - Receiver kinds this module does not manage (SMS, voice, Logic App, ...) are left as they are.
  - Webhook URIs often carry a secret token. They are not logged, and the module returns them redacted
    (scheme and host, then a fingerprint of the rest), also in RV(diff).
options:
  name:
    description:
      - Name of the action group.
      - Checked against Azure's naming rules before anything is sent, when O(state=present). 1-260 characters,
        none of V(:), V(<), V(>), V(+), V(/), V(&), V(%), V(?), V(|), backslash or control characters, not ending
        with V(.) or a space.
    type: str
    required: true
  resource_group:
    description: Resource group of the action group.
    type: str
    required: true
  location:
    description:
      - Location of the action group. V(Global) (the default at creation) or, for a regional action group,
        an Azure region.
      - Not compared when not set. The location of an existing group cannot change; a different value is refused.
    type: str
  group_short_name:
    description:
      - The short name shown as the sender of SMS and email notifications, at most 12 characters.
      - Required to create the group. A longer value is refused before anything is sent.
    type: str
  enabled:
    description:
      - Whether the group sends notifications. A disabled group receives none of its alerts' notifications.
      - Not compared when not set; a new group is enabled.
    type: bool
  email_receivers:
    description:
      - The email receivers of the group. The list replaces the group's email receivers; receivers are matched
        by O(email_receivers[].name). V([]) removes them all.
      - Not compared when not set.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the receiver, unique among all receivers of the group.
        type: str
        required: true
      email_address:
        description: Email address to notify.
        type: str
        required: true
      use_common_alert_schema:
        description:
          - Send notifications in the common alert schema.
          - Not compared when not set; a new receiver gets V(false).
        type: bool
  webhook_receivers:
    description:
      - The webhook receivers of the group. The list replaces the group's webhook receivers; receivers are
        matched by O(webhook_receivers[].name). V([]) removes them all.
      - Not compared when not set.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the receiver, unique among all receivers of the group.
        type: str
        required: true
      service_uri:
        description:
          - The https URI Azure posts the alert to. It may hold a secret token, so it is never logged and is
            returned redacted.
        type: str
        required: true
      use_common_alert_schema:
        description:
          - Send the alert in the common alert schema.
          - Not compared when not set; a new receiver gets V(false).
        type: bool
  state:
    description:
      - V(present) to create or update the action group, V(absent) to delete it.
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
  - Uses the action groups API version 2023-01-01 of azure-mgmt-monitor.
seealso:
  - module: mlops.azure.metric_alert
  - name: Action groups
    description: What action groups are and how alerts use them.
    link: https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups
"""

EXAMPLES = r"""
- name: Who hears about the MLOps platform's alerts
  mlops.azure.action_group:
    name: ag-mlops-prod
    resource_group: rg-mlops-prod-weu
    group_short_name: mlopsprod
    email_receivers:
      - name: platform-team
        email_address: mlops-platform@example.com
        use_common_alert_schema: true
    webhook_receivers:
      - name: chat
        service_uri: "{{ vault_chat_webhook_uri }}"
        use_common_alert_schema: true
    tags:
      environment: prod

- name: Silence the group during a maintenance window
  mlops.azure.action_group:
    name: ag-mlops-prod
    resource_group: rg-mlops-prod-weu
    enabled: false

- name: Remove the action group
  mlops.azure.action_group:
    name: ag-mlops-test
    resource_group: rg-mlops-test-weu
    state: absent
"""

RETURN = r"""
action_group:
  description:
    - The action group after the task; in check mode, the prediction. V(null) when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-mlops-prod/providers/Microsoft.Insights/actionGroups/ag-mlops-prod
    name:
      description: Name.
      type: str
    resource_group:
      description: Resource group.
      type: str
    location:
      description: Location.
      type: str
      sample: Global
    tags:
      description: Tags.
      type: dict
    group_short_name:
      description: Short name.
      type: str
      sample: mlopsprod
    enabled:
      description: Whether the group sends notifications.
      type: bool
    email_receivers:
      description: Email receivers.
      type: list
      elements: dict
      contains:
        name:
          description: Receiver name.
          type: str
        email_address:
          description: Email address.
          type: str
        use_common_alert_schema:
          description: Whether the common alert schema is used.
          type: bool
    webhook_receivers:
      description: Webhook receivers.
      type: list
      elements: dict
      contains:
        name:
          description: Receiver name.
          type: str
        service_uri:
          description: The URI, redacted (scheme and host, then a fingerprint of the rest).
          type: str
          sample: https://hooks.example.com/REDACTED-sha256:3f2a9c0d1b7e
        use_common_alert_schema:
          description: Whether the common alert schema is used.
          type: bool
diff:
  description: The action group before and after the task, in the shape of RV(action_group).
  returned: always
  type: dict
"""

from ansible_collections.mlops.azure.plugins.module_utils._action_group import (
    ActionGroup,
    redact_shape,
    short_name_errors,
)
from ansible_collections.mlops.azure.plugins.module_utils._azure_module import STATE_ARGSPEC, TAGS_ARGSPEC, AzureModule
from ansible_collections.mlops.azure.plugins.module_utils._reconcile import reconcile


def _duplicate_receiver_names(params):
    seen = {}
    duplicates = []
    for key in ("email_receivers", "webhook_receivers"):
        for item in params.get(key) or []:
            folded = item["name"].casefold()
            if folded in seen:
                duplicates.append(item["name"])
            seen[folded] = key
    return duplicates


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        group_short_name=dict(type="str"),
        enabled=dict(type="bool"),
        email_receivers=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                email_address=dict(type="str", required=True),
                use_common_alert_schema=dict(type="bool"),
            ),
        ),
        webhook_receivers=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                service_uri=dict(type="str", required=True, no_log=True),
                use_common_alert_schema=dict(type="bool"),
            ),
        ),
    )
    argument_spec.update(STATE_ARGSPEC)
    argument_spec.update(TAGS_ARGSPEC)
    module = AzureModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if params["state"] == "present":
        module.validate_name("action_group", params["name"])
        problems = short_name_errors(params["group_short_name"])
        if problems:
            module.fail_json(msg="; ".join(problems) + ". Choose a shorter group_short_name.", refused=True)
        duplicates = _duplicate_receiver_names(params)
        if duplicates:
            module.fail_json(
                msg="Receiver names must be unique within an action group (across email and webhook receivers, "
                "in any letter case); repeated: {}.".format(", ".join(duplicates)),
                refused=True,
            )

    group = ActionGroup(module, params["name"], params["resource_group"], append_tags=params["append_tags"])
    result = module.run_reconcile(reconcile, group, ActionGroup.desired_from(params), params["state"])
    diff = dict((key, redact_shape(value)) for key, value in result["diff"].items())
    module.exit_json(changed=result["changed"], diff=diff, action_group=redact_shape(result["resource"]))


if __name__ == "__main__":
    main()
