# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network mode of a stack: which private endpoints each service gets, which private DNS zones they need in each
cloud, and what the preflight refuses in ``private_endpoints`` mode before anything is written.

Pure Python, no Ansible and no Azure: the ``mlops.azure.private_dns_zones`` filter, the preflight's problem list and
the unit tests call it directly.
"""

from __future__ import annotations

import re

SERVICE_ENDPOINTS = "service_endpoints"
PRIVATE_ENDPOINTS = "private_endpoints"
MODES = (SERVICE_ENDPOINTS, PRIVATE_ENDPOINTS)

#: The private link sub-resources (group ids) the stack puts a private endpoint on, per service. The ML workspace
#: reaches its storage account through both blob and file.
GROUP_IDS = {
    "key_vault": ("vault",),
    "storage_account": ("blob", "file"),
    "container_registry": ("registry",),
    "ml_workspace": ("amlworkspace",),
}

#: The private DNS zones of each group id, per cloud (Microsoft Learn, "Azure Private Endpoint private DNS zone
#: values"). The workspace's endpoint registers names in two zones.
ZONES = {
    "AzureCloud": {
        "vault": ("privatelink.vaultcore.azure.net",),
        "blob": ("privatelink.blob.core.windows.net",),
        "file": ("privatelink.file.core.windows.net",),
        "registry": ("privatelink.azurecr.io",),
        "amlworkspace": ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"),
    },
    "AzureUSGovernment": {
        "vault": ("privatelink.vaultcore.usgovcloudapi.net",),
        "blob": ("privatelink.blob.core.usgovcloudapi.net",),
        "file": ("privatelink.file.core.usgovcloudapi.net",),
        "registry": ("privatelink.azurecr.us",),
        "amlworkspace": ("privatelink.api.ml.azure.us", "privatelink.notebooks.usgovcloudapi.net"),
    },
    "AzureChinaCloud": {
        "vault": ("privatelink.vaultcore.azure.cn",),
        "blob": ("privatelink.blob.core.chinacloudapi.cn",),
        "file": ("privatelink.file.core.chinacloudapi.cn",),
        "registry": ("privatelink.azurecr.cn",),
        "amlworkspace": ("privatelink.api.ml.azure.cn", "privatelink.notebooks.chinacloudapi.cn"),
    },
}
CLOUD_ALIASES = {
    "": "AzureCloud",
    "azurecloud": "AzureCloud",
    "azurepubliccloud": "AzureCloud",
    "azureusgovernment": "AzureUSGovernment",
    "azureusgovernmentcloud": "AzureUSGovernment",
    "azurechinacloud": "AzureChinaCloud",
}

#: Subnets Azure keeps for its own gateways, where no private endpoint can go.
RESERVED_SUBNETS = ("GatewaySubnet",)

SUBNET_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$",
    re.IGNORECASE,
)
ZONE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/privateDnsZones/(?P<zone>[^/]+)$",
    re.IGNORECASE,
)


class NetworkModeError(ValueError):
    """An input the network mode helpers cannot work with; the message says what to give."""


def cloud_name(cloud):
    """``AzureCloud``, ``AzureUSGovernment`` or ``AzureChinaCloud`` for a ``cloud_environment`` value.

    An https URL (the emulator, which serves the public cloud's suffixes) counts as the public cloud; Azure Stack Hub
    has no private DNS zones of these services."""
    text = str(cloud or "").strip()
    if text.lower().startswith("https://"):
        return "AzureCloud"
    name = CLOUD_ALIASES.get(text.casefold())
    if name is None:
        raise NetworkModeError(
            f"cloud '{cloud}' is not one of AzureCloud, AzureUSGovernment, AzureChinaCloud or an https ARM endpoint"
        )
    return name


def zones_for(groups, cloud="AzureCloud"):
    """``{group id: [zone names]}`` for ``groups`` (group ids such as ``vault``, ``blob``) in ``cloud``."""
    table = ZONES[cloud_name(cloud)]
    out = {}
    for group in groups or []:
        if group not in table:
            raise NetworkModeError(f"group id '{group}' is not one of {', '.join(table)}")
        out[group] = list(table[group])
    return out


def stack_groups(container_registry_enabled=False):
    """The group ids a stack's private endpoints use, in the order the playbook creates them."""
    groups = []
    for service, ids in GROUP_IDS.items():
        if service == "container_registry" and not container_registry_enabled:
            continue
        groups.extend(ids)
    return groups


def all_zone_names(cloud="AzureCloud"):
    return sorted({zone for zones in ZONES[cloud_name(cloud)].values() for zone in zones})


# -- preflight ----------------------------------------------------------------------------------
def _subnet_index(networks):
    """``{lower-case subnet id: subnet shape}`` from ``virtual_network_info`` results."""
    known = {}
    for result in networks or []:
        for network in result.get("virtual_networks") or []:
            for subnet in network.get("subnets") or []:
                known[str(subnet.get("id")).lower()] = subnet
    return known


def network_mode_problems(
    mode,
    endpoint_subnet_id="",
    endpoint_subnet_created=False,
    networks=None,
    container_registry_enabled=False,
    container_registry_sku=None,
    private_dns_zone_ids=None,
    cloud="AzureCloud",
):
    """Everything that would stop ``private_endpoints`` mode half-way, as sentences (empty in the default mode).

    ``endpoint_subnet_id``: the subnet that will hold the private endpoints; ``endpoint_subnet_created``: the stack
    creates it (nothing to ask Azure); ``networks``: ``virtual_network_info`` results for existing subnets (``None``
    when Azure was not asked); ``private_dns_zone_ids``: the inventory's existing zones, by zone name.
    """
    mode = SERVICE_ENDPOINTS if mode in (None, "") else mode
    if mode not in MODES:
        return [
            f"network mode: mlops_network_mode is '{mode}'; set service_endpoints (the default) or private_endpoints"
        ]
    out = []
    zone_ids = private_dns_zone_ids or {}
    if not isinstance(zone_ids, dict):
        out.append(
            "network mode: mlops_private_dns_zone_ids must map a zone name (for example "
            "privatelink.vaultcore.azure.net) to the resource id of an existing private DNS zone"
        )
        zone_ids = {}
    try:
        known_zones = all_zone_names(cloud)
    except NetworkModeError as exc:
        return [f"network mode: {exc}"]
    for name, zone_id in zone_ids.items():
        match = ZONE_ID.match(str(zone_id or ""))
        if str(name).casefold() not in known_zones:
            out.append(
                f"network mode: mlops_private_dns_zone_ids names '{name}', which is none of the stack's private DNS "
                f"zones ({', '.join(known_zones)})"
            )
        elif not match:
            out.append(
                f"network mode: mlops_private_dns_zone_ids[{name}] is '{zone_id}', not a private DNS zone resource id "
                "(/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>)"
            )
        elif match.group("zone").casefold() != str(name).casefold():
            out.append(
                f"network mode: mlops_private_dns_zone_ids[{name}] points at zone '{match.group('zone')}'; "
                f"the endpoints need a zone named {name}"
            )
    if mode != PRIVATE_ENDPOINTS:
        return out
    if container_registry_enabled and str(container_registry_sku or "Standard").casefold() != "premium":
        out.append(
            f"network mode: the container registry is {container_registry_sku or 'Standard'} and only Premium "
            "registries take private endpoints or public network access Disabled: set mlops_container_registry_sku: "
            "Premium, or mlops_container_registry_enabled: false"
        )
    subnet = str(endpoint_subnet_id or "")
    if not subnet:
        out.append(
            "network mode: private_endpoints needs a subnet for the private endpoints: set "
            "mlops_private_endpoint_subnet_id (an existing subnet's resource id), name the pipelines' subnets in "
            "mlops_subnet_ids, or let the playbook create the network (mlops_network_create: true)"
        )
        return out
    if not SUBNET_ID.match(subnet):
        out.append(
            f"network mode: the private endpoints' subnet {subnet} is not a subnet resource id (/subscriptions/<id>/"
            "resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>)"
        )
        return out
    name = subnet.rsplit("/", 1)[1]
    if name.casefold() in (reserved.casefold() for reserved in RESERVED_SUBNETS):
        out.append(
            f"network mode: the private endpoints' subnet {subnet} is the {name}, which Azure keeps for gateways: "
            "set mlops_private_endpoint_subnet_id to another subnet"
        )
        return out
    if endpoint_subnet_created or networks is None:
        return out
    found = _subnet_index(networks).get(subnet.lower())
    if found is None:
        out.append(
            f"network mode: the private endpoints' subnet {subnet} does not exist: create it, set "
            "mlops_private_endpoint_subnet_id to an existing subnet, or let the playbook create the network "
            "(mlops_network_create: true)"
        )
    elif found.get("delegations"):
        out.append(
            "network mode: the private endpoints' subnet {} is delegated to {}, and Azure puts no private endpoint "
            "in a delegated subnet: set mlops_private_endpoint_subnet_id to a subnet without delegations".format(
                subnet, ", ".join(str(item) for item in found["delegations"])
            )
        )
    return out
