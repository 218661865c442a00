# Copyright (c) mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of mlops.azure.private_endpoint_info: plugins/plugin_utils/_in_process.py."""

from __future__ import annotations

from ansible_collections.mlops.azure.plugins.plugin_utils._in_process import ActionModule  # noqa: F401
