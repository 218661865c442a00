# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # The resource types the naming plugins know: the keys of the naming table in module_utils/_naming.py
    # (tests/unit/plugins/doc_fragments/test_resource_types.py keeps the two equal).
    DOCUMENTATION = r"""
options:
  resource_type:
    choices:
      - action_group
      - app_insights
      - blob_container
      - container_registry
      - diagnostic_setting
      - key_vault
      - key_vault_secret
      - log_analytics_workspace
      - management_lock
      - metric_alert
      - ml_workspace
      - private_endpoint
      - resource_group
      - storage_account
      - subnet
      - virtual_network
"""
