# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.plugin_utils._in_process import AzureModuleAction


class ActionModule(AzureModuleAction):
    """mlops.azure.virtual_network_info in the task's worker process where that is the same as the usual run."""
