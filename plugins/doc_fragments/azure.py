# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # Authentication options shared by every mlops.azure module.
    DOCUMENTATION = r"""
options:
  subscription_id:
    description:
      - The Azure subscription to work in.
      - When not set, the E(AZURE_SUBSCRIPTION_ID) environment variable is used.
    type: str
  client_id:
    description:
      - The application (client) id of a service principal.
      - With O(secret) and O(tenant) it selects service principal authentication. Without O(secret) it names
        the user-assigned managed identity (or workload identity) the default credential chain should use.
      - When not set, the E(AZURE_CLIENT_ID) environment variable is used.
    type: str
  secret:
    description:
      - The client secret of the service principal named by O(client_id).
      - When not set, E(AZURE_SECRET) (as AWX injects it) or E(AZURE_CLIENT_SECRET) is used.
    type: str
  tenant:
    description:
      - The Microsoft Entra tenant id of the service principal.
      - When not set, E(AZURE_TENANT) or E(AZURE_TENANT_ID) is used.
    type: str
  cloud_environment:
    description:
      - The Azure cloud to talk to, V(AzureCloud), V(AzureUSGovernment) or V(AzureChinaCloud), or the https URL
        of an Azure Resource Manager endpoint whose C(/metadata/endpoints) describes its cloud (Azure Stack Hub,
        or the local ARM emulator that ships with this collection).
      - For a URL, the login endpoint and token audience are read from
        C({url}/metadata/endpoints?api-version=2022-09-01).
      - When not set, the E(AZURE_CLOUD_ENVIRONMENT) environment variable is used, then V(AzureCloud).
    type: str
    default: AzureCloud
notes:
  - Authentication. With O(client_id), O(secret) and O(tenant) the module signs in as that service principal.
    Otherwise it uses azure-identity's default chain, in this order, environment variables, workload identity,
    managed identity, and the Azure CLI login (C(az login)).
  - Set the authentication options once for every task with
    C(module_defaults) and the action group C(group/mlops.azure.azure).
  - With a service principal secret, E(MLOPS_AZURE_TOKEN_CACHE=true) lets the tasks of a run reuse one ARM token
    (until five minutes before it expires) instead of asking for one per task. The token is kept in
    C($XDG_CACHE_HOME/mlops.azure) (else C(~/.cache/mlops.azure)) encrypted with AES-GCM under a key derived from
    the secret, never in clear; it is off by default. See C(docs/performance.md) in the collection.
  - An endpoint signed by a private CA (Azure Stack Hub, the local emulator) needs the E(REQUESTS_CA_BUNDLE)
    environment variable set to a PEM file holding that CA.
  - Azure throttling (HTTP 429) and transient 5xx answers are retried by the Azure SDK, honouring
    C(Retry-After), before a task fails.
  - Every failure names the resource, the HTTP status and ARM error code, and what to do next; the Azure
    error is also returned as RV(ignore:azure_error).
requirements:
  - python >= 3.8
  - azure-identity >= 1.19
"""
