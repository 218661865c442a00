# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # Attributes of the modules that change a resource.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Check mode reads the resource and predicts the full result, including RV(ignore:diff.after), without
        writing. Refusals (irreversible or impossible changes) fail in check mode too.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - RV(ignore:diff.before) and RV(ignore:diff.after) hold the resource in the shape the module returns.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates
        no change and sends no write to Azure.
    support: full
  action:
    description:
      - Indicates this has a corresponding action plugin so some parts of the options can be executed on the
        controller.
    support: full
    details:
      - The module's own code runs in the worker process Ansible forks for the task on the controller, with the Azure
        SDKs imported once per run, when the connection is C(local), without C(become), and the task's Python is
        the one running Ansible; otherwise it runs the usual way. E(MLOPS_AZURE_IN_PROCESS=false) turns this off.
  async:
    description: Supports being used with the C(async) keyword.
    support: full
    details:
      - An C(async) task runs as a background job that M(ansible.builtin.async_status) reads.
  action_group:
    description: Use C(group/mlops.azure.azure) in C(module_defaults) to set the authentication options once.
    support: full
    membership:
      - mlops.azure.azure
"""

    # Attributes of the _info modules.
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - This module only reads, so it behaves the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details:
      - This module only reads.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates
        no change.
    support: full
  action:
    description:
      - Indicates this has a corresponding action plugin so some parts of the options can be executed on the
        controller.
    support: full
    details:
      - The module's own code runs in the worker process Ansible forks for the task on the controller, with the Azure
        SDKs imported once per run, when the connection is C(local), without C(become), and the task's Python is
        the one running Ansible; otherwise it runs the usual way. E(MLOPS_AZURE_IN_PROCESS=false) turns this off.
  async:
    description: Supports being used with the C(async) keyword.
    support: full
    details:
      - An C(async) task runs as a background job that M(ansible.builtin.async_status) reads.
  action_group:
    description: Use C(group/mlops.azure.azure) in C(module_defaults) to set the authentication options once.
    support: full
    membership:
      - mlops.azure.azure
"""
