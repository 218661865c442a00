"""A local Azure Resource Manager emulator for the mlops.azure collection's demo and tests.

Start it with ``python -m arm_emulator --data-dir DIR``; see ``emulator/README.md``.
"""

from .config import (  # noqa: F401 - the package's public constants
    CLIENT_ID,
    FOREIGN_SUBSCRIPTION_ID,
    PRINCIPAL_OBJECT_ID,
    SUBSCRIPTION_ID,
    TENANT_ID,
)

__version__ = "0.1.0"
