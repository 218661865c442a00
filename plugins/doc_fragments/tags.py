# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # The tags options of every module that manages a taggable resource.
    DOCUMENTATION = r"""
options:
  tags:
    description:
      - Tags (name to value) for the resource.
      - With O(append_tags=true) these tags are added or updated and other tags on the resource are left alone,
        so tags set by Azure Policy or other tools survive. With O(append_tags=false) the resource ends up with
        exactly these tags.
      - Tag names are compared case-insensitively by Azure; values are compared exactly.
      - Azure's limits are checked before anything is sent, and every broken one is named at once; at most 50
        tags, a name at most 512 characters (128 on a storage account) without C(<), C(>), C(%), C(&), a backslash,
        C(?) or C(/), and a value at most 256 characters.
    type: dict
  append_tags:
    description:
      - Whether O(tags) are added to the existing tags (V(true)) or replace them (V(false)).
      - Has no effect when O(tags) is not set.
    type: bool
    default: true
"""
