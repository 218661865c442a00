"""Wall time and ARM requests of playbooks/mlops.yml against the emulator (a benchmark, not a test; ``make bench``).

    .venv/bin/python tests/benchmarks/bench_stack.py [--rounds R] [--skip-rerun] [--skip-first-run] [--skip-overhead]
        [--skip-overlap] [--time-scale S] [--skip-stacks] [--stacks 1,5,20] [--throttling-scale F] [--skip-peer]

Every figure is a median over R runs (default 3), and every ratio compares figures measured in this same
invocation, on the same machine and under the same load:

1. The rerun of ``playbooks/mlops.yml -i inventories/local`` on a converged stack (instant latency): wall time and
   the ARM requests by method (from the emulator's request log), as shipped, with the modules run the usual way
   (``MLOPS_AZURE_IN_PROCESS=false``) and without the cloud metadata cache (``MLOPS_AZURE_CLOUD_CACHE_TTL=0``), in
   turns; and the per-task cost of an mlops.azure module next to ``ansible.builtin.ping``
   (``bench_module_overhead.measure``).
2. The first run on an empty emulator with ``--latency realistic --time-scale 0.1`` next to the first run on an
   instant, fault-free emulator, interleaved, each emulator emptied (``POST /_emulator/reset``) before each run.
3. Overlapped creates: the first run of the prod stack (``inventories/prod``, its network made beforehand as the
   network team would) on an emulator with ``--latency realistic --time-scale S`` (default 1: Azure's durations), as
   shipped (independent creates overlapped) and with the same roles forced serial (``-e mlops_overlap_creates=false``),
   interleaved; next to the critical path computed from the emulator's own operation latencies
   (``GET /_emulator/operations``) along the longest dependency chain of the stack's long-running creates.
4. N stacks at once: 1, 5 and 20 hosts (``--stacks``) of a copy of ``inventories/local``, each with names of its own,
   in one run with ``--forks N`` against an emulator that enforces ARM's throttling (``--throttling documented``,
   ``--throttling-scale``): wall time, the 429s the emulator answered, and whether any throttling error reached
   the user (the run's output and return code).
5. The rerun of the same stack written with azure.azcollection modules, from a virtual environment of its own
   (``bench_peer.py``), next to ours, in turns: wall time, ARM requests by method, the ratio.

Each run uses a fresh cache folder for the collection's cloud metadata cache, as a fresh user would.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_module_overhead  # noqa: E402 - a sibling script, found through the path set above
import bench_peer  # noqa: E402 - the azure.azcollection comparison, same

REPO = bench_module_overhead.REPO
BIN = bench_module_overhead.BIN


class Emulator:
    """One emulator process the benchmark owns, and its admin API."""

    def __init__(self, work, name, *options):
        self.data_dir = os.path.join(work, name)
        os.makedirs(self.data_dir)
        self.process, self.env = bench_module_overhead.start_emulator(self.data_dir, *options)
        self.url = self.env["AZURE_CLOUD_ENVIRONMENT"].rstrip("/")
        self._ssl = ssl.create_default_context(cafile=self.env["REQUESTS_CA_BUNDLE"])

    def admin(self, method, path):
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, context=self._ssl, timeout=60) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def stop(self):
        self.process.terminate()
        self.process.wait(15)


def run_stack(emulator, work, label, extra_env=None):
    """``ansible-playbook playbooks/mlops.yml -i inventories/local`` against ``emulator``: seconds, requests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    env.update(emulator.env)
    cache = tempfile.mkdtemp(prefix="cache-", dir=work)
    env.update(
        ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        XDG_CACHE_HOME=cache,
    )
    env.update(extra_env or {})
    emulator.admin("DELETE", "/_emulator/requests")
    started = time.perf_counter()
    proc = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "playbooks/mlops.yml", "-i", "inventories/local"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    return seconds, emulator.admin("GET", "/_emulator/requests")


def by_method(requests):
    counts = collections.Counter(r["method"] for r in requests)
    counts["GET /metadata/endpoints"] = sum(1 for r in requests if r["path"].rstrip("/") == "/metadata/endpoints")
    return counts


def median_counts(runs):
    keys = sorted({key for counts in runs for key in counts})
    return {key: statistics.median(counts.get(key, 0) for counts in runs) for key in keys}


def bench_rerun(work, rounds):
    """Reruns as shipped (modules in the task's worker process, cloud metadata cache on), the usual way
    (MLOPS_AZURE_IN_PROCESS=false) and without the cloud metadata cache (MLOPS_AZURE_CLOUD_CACHE_TTL=0), in turns."""
    emulator = Emulator(work, "rerun", "--latency", "instant")
    variants = {
        "in-process": {},
        "usual run": {"MLOPS_AZURE_IN_PROCESS": "false"},
        "no cache": {"MLOPS_AZURE_CLOUD_CACHE_TTL": "0"},
    }
    times = {name: [] for name in variants}
    counts = {name: [] for name in variants}
    try:
        run_stack(emulator, work, "converge")
        for _round in range(rounds):
            for name, extra_env in variants.items():
                seconds, requests = run_stack(emulator, work, f"rerun ({name})", extra_env)
                times[name].append(seconds)
                counts[name].append(by_method(requests))
    finally:
        emulator.stop()
    return times, {name: median_counts(runs) for name, runs in counts.items()}


def bench_first_run(work, rounds):
    realistic = Emulator(work, "realistic", "--latency", "realistic", "--time-scale", "0.1")
    instant = Emulator(work, "instant", "--latency", "instant")
    times = {"realistic": [], "instant": []}
    try:
        for _round in range(rounds):
            for name, emulator in (("realistic", realistic), ("instant", instant)):
                emulator.admin("POST", "/_emulator/reset")
                seconds, _requests = run_stack(emulator, work, f"first run ({name})")
                times[name].append(seconds)
    finally:
        realistic.stop()
        instant.stop()
    return times


# --- 3. overlapped creates and 4. N stacks at once ----------------------------------------------------------------

# The stack's long-running creates (emulator operation kinds) and what each waits for: the playbook's dependency
# graph. The ML workspace links the others; the vault and storage firewalls name the network's subnets when the
# playbook creates the network.
DEPENDS_ON = {
    "network.provisioned": (),
    "operationalinsights.create": (),
    "keyvault.register_dns": ("network.provisioned",),
    "storage.create": ("network.provisioned",),
    "containerregistry.create": (),
    "machinelearning.put": (
        "operationalinsights.create",
        "keyvault.register_dns",
        "storage.create",
        "containerregistry.create",
    ),
}
PROD_NETWORK = ("rg-network-prod-weu", "vnet-compute-prod-weu", "snet-pipelines")


def playbook_run(emulator, work, inventory, *args, extra_env=None):
    """``ansible-playbook playbooks/mlops.yml -i inventory *args`` against ``emulator``: (seconds, rc, output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    env.update(emulator.env)
    env.update(
        ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        XDG_CACHE_HOME=tempfile.mkdtemp(prefix="cache-", dir=work),
    )
    env.update(extra_env or {})
    started = time.perf_counter()
    proc = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "playbooks/mlops.yml", "-i", inventory, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, proc.returncode, proc.stdout + proc.stderr


def make_prod_network(emulator):
    """The VNet and subnet inventories/prod admits (the network team's, made before the stack), through the SDK."""
    from azure.identity import ClientSecretCredential
    from azure.mgmt.network import NetworkManagementClient, models
    from azure.mgmt.resource.resources import ResourceManagementClient

    env = emulator.env
    url, ca = env["AZURE_CLOUD_ENVIRONMENT"], env["REQUESTS_CA_BUNDLE"]
    credential = ClientSecretCredential(
        env["AZURE_TENANT"],
        env["AZURE_CLIENT_ID"],
        env["AZURE_SECRET"],
        authority=url,
        disable_instance_discovery=True,
        connection_verify=ca,
    )
    options = dict(base_url=url, credential_scopes=[url + "/.default"], connection_verify=ca)
    group, vnet, subnet = PROD_NETWORK
    subscription = env["AZURE_SUBSCRIPTION_ID"]
    ResourceManagementClient(credential, subscription, **options).resource_groups.create_or_update(
        group, {"location": "westeurope"}
    )
    vnet_body = models.VirtualNetwork(
        location="westeurope",
        address_space=models.AddressSpace(address_prefixes=["10.20.0.0/16"]),
        subnets=[
            models.Subnet(
                name=subnet,
                address_prefix="10.20.1.0/24",
                service_endpoints=[
                    models.ServiceEndpointPropertiesFormat(service="Microsoft.KeyVault"),
                    models.ServiceEndpointPropertiesFormat(service="Microsoft.Storage"),
                ],
            )
        ],
    )
    NetworkManagementClient(credential, subscription, **options).virtual_networks.begin_create_or_update(
        group, vnet, vnet_body, polling_interval=0.1
    ).result()


def critical_path(operations):
    """(critical path, sum) in seconds of the stack's creates, from the emulator's latencies (``ready_at - start``):
    the longest chain of DEPENDS_ON, and all of them one after the other. Operations started before the run (the
    prod network) are left out by the caller."""
    latency = collections.defaultdict(float)
    for op in operations:
        if op["kind"] in DEPENDS_ON:
            latency[op["kind"]] += op["ready_at"] - op["start"]
    finish = {}

    def done(kind):
        if kind not in finish:
            finish[kind] = latency[kind] + max((done(d) for d in DEPENDS_ON[kind]), default=0.0)
        return finish[kind]

    return max(done(kind) for kind in DEPENDS_ON), sum(latency.values())


def bench_overlap(work, rounds, time_scale):
    """The prod stack's first run, overlapped (as shipped) and forced serial, interleaved, on one emulator."""
    emulator = Emulator(work, "overlap", "--latency", "realistic", "--time-scale", str(time_scale))
    variants = {"overlapped": (), "serial": ("-e", "mlops_overlap_creates=false")}
    times = {name: [] for name in variants}
    paths = []
    try:
        for _round in range(rounds):
            for name, args in variants.items():
                emulator.admin("POST", "/_emulator/reset")
                make_prod_network(emulator)
                before = {op["id"] for op in emulator.admin("GET", "/_emulator/operations")}
                seconds, rc, output = playbook_run(emulator, work, "inventories/prod", *args)
                if rc != 0:
                    sys.exit(f"first run ({name}) failed ({rc}):\n{output[-4000:]}")
                times[name].append(seconds)
                ops = [op for op in emulator.admin("GET", "/_emulator/operations") if op["id"] not in before]
                paths.append(critical_path(ops))
    finally:
        emulator.stop()
    return times, paths


def stacks_inventory(work, count):
    """A copy of inventories/local with ``count`` hosts, each stack with names of its own."""
    folder = os.path.join(work, f"inventory-{count}")
    shutil.copytree(os.path.join(REPO, "inventories", "local"), folder)
    with open(os.path.join(folder, "hosts.yml"), encoding="utf-8") as fh:
        template = next(iter(yaml.safe_load(fh)["mlops_stacks"]["hosts"].values()))
    hosts = {}
    for index in range(1, count + 1):
        token = f"n{index:02d}"
        names = {
            "resource_group": f"rg-bench-{token}",
            "shared_resource_group": f"rg-bench-{token}-shared",
            "virtual_network": f"vnet-bench-{token}",
            "log_analytics_workspace": f"log-bench-{token}",
            "app_insights": f"appi-bench-{token}",
            "action_group": f"ag-bench-{token}",
            "key_vault": f"kv-bench-{token}",
            "storage_account": f"stbench{token}",
            "container_registry": f"crbench{token}",
            "ml_workspace": f"mlw-bench-{token}",
        }
        hosts[f"stack-{token}"] = dict(template, mlops_name_overrides=names)
    with open(os.path.join(folder, "hosts.yml"), "w", encoding="utf-8") as fh:
        yaml.safe_dump({"mlops_stacks": {"hosts": hosts}}, fh, sort_keys=False)
    return folder


THROTTLING_WORDS = ("SubscriptionRequestsThrottled", "TenantRequestsThrottled", "429", "Too Many Requests")


def bench_stacks(work, counts, throttling_scale):
    """First runs of 1, 5, 20 stacks at once (forks = N) on an emulator with ARM's throttling; one run per N."""
    emulator = Emulator(
        work,
        "stacks",
        "--latency",
        "instant",
        "--throttling",
        "documented",
        "--throttling-scale",
        str(throttling_scale),
    )
    rows = []
    try:
        for count in counts:
            emulator.admin("POST", "/_emulator/reset")
            emulator.admin("DELETE", "/_emulator/requests")
            seconds, rc, output = playbook_run(emulator, work, stacks_inventory(work, count), "--forks", str(count))
            requests = emulator.admin("GET", "/_emulator/requests")
            throttled = sum(1 for r in requests if r["status"] == 429)
            seen = [line.strip()[:200] for line in output.splitlines() if any(w in line for w in THROTTLING_WORDS)]
            failed = sum(int(m) for m in re.findall(r" failed=(\d+)", output))
            rows.append((count, seconds, len(requests), throttled, rc, failed, seen))
    finally:
        emulator.stop()
    return rows


def print_overlap(times, paths, time_scale):
    overlapped, serial = statistics.median(times["overlapped"]), statistics.median(times["serial"])
    path = statistics.median(p for p, _sum in paths)
    total = statistics.median(s for _path, s in paths)
    print(f"\n3. first run of the prod stack, --latency realistic --time-scale {time_scale:g}")
    print(f"   wall time, overlapped (as shipped)  {fmt(times['overlapped'])}")
    print(f"   wall time, forced serial            {fmt(times['serial'])}")
    print(f"   critical path (emulator latencies)  {path:7.2f} s  (all creates one after the other: {total:.2f} s)")
    print(f"   ratio overlapped / serial           {overlapped / serial:6.2f} x")
    print(f"   ratio overlapped / critical path    {overlapped / path:6.2f} x")
    print(f"   ratio serial / critical path        {serial / path:6.2f} x")


def print_stacks(rows, throttling_scale):
    print(f"\n4. N stacks at once (forks N), emulator --throttling documented --throttling-scale {throttling_scale:g}")
    print("   stacks  wall time  ARM requests  429s  rc  failed tasks  throttling errors shown to the user")
    for count, seconds, requests, throttled, rc, failed, seen in rows:
        print(f"   {count:6d}  {seconds:7.1f} s  {requests:12d}  {throttled:4d}  {rc:2d}  {failed:12d}  {len(seen)}")
        for line in seen[:5]:
            print(f"           {line}")


def report_token_cache(args):
    """The per-task comparison again with the opt-in token cache on (MLOPS_AZURE_TOKEN_CACHE): ping measured anew, in
    the same interleaved plays, so the ratio compares like with like."""
    per_task = bench_module_overhead.measure(args.tasks, args.rounds, {"MLOPS_AZURE_TOKEN_CACHE": "true"})
    info, ping = statistics.median(per_task["info"]), statistics.median(per_task["ping"])
    print(f"   per task, token cache on       median {info * 1000:6.0f} ms (ping {ping * 1000:.0f} ms)")
    print(f"   ratio to ping, token cache on  {info / ping:6.2f} x")


def fmt(values):
    return f"median {statistics.median(values):7.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind (default 3)")
    parser.add_argument("--tasks", type=int, default=15, help="tasks per play of the per-task comparison")
    parser.add_argument("--skip-rerun", action="store_true", help="leave out section 1 (the rerun and per task)")
    parser.add_argument("--skip-first-run", action="store_true", help="leave out the first-run comparison")
    parser.add_argument("--skip-overhead", action="store_true", help="leave out the per-task comparison")
    parser.add_argument("--skip-overlap", action="store_true", help="leave out the overlapped vs serial first run")
    parser.add_argument("--time-scale", type=float, default=1.0, help="emulator time scale of the overlap runs")
    parser.add_argument("--skip-stacks", action="store_true", help="leave out the N stacks at once")
    parser.add_argument("--stacks", default="1,5,20", help="numbers of stacks run at once (default 1,5,20)")
    parser.add_argument("--throttling-scale", type=float, default=1.0, help="emulator --throttling-scale of N stacks")
    parser.add_argument("--skip-peer", action="store_true", help="leave out the azure.azcollection comparison")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; {args.rounds} runs of each kind")
    with tempfile.TemporaryDirectory(prefix="mlops-bench-stack-") as work:
        if not args.skip_rerun:
            times, counts = bench_rerun(work, args.rounds)
            print("\n1. rerun of playbooks/mlops.yml -i inventories/local on a converged stack (instant latency)")
            for name in times:
                print(f"   wall time, {name:10}      {fmt(times[name])}")
                print(f"   ARM requests, {name:10}   " + ", ".join(f"{k} {v:g}" for k, v in counts[name].items()))
            ratio = statistics.median(times["in-process"]) / statistics.median(times["no cache"])
            print(f"   ratio cache / no cache        {ratio:6.2f} x")
            ratio = statistics.median(times["in-process"]) / statistics.median(times["usual run"])
            print(f"   ratio in-process / usual run  {ratio:6.2f} x")
            if not args.skip_overhead:
                per_task = bench_module_overhead.measure(args.tasks, args.rounds)
                for line in bench_module_overhead.report(per_task, args.tasks):
                    print("   " + line)
                report_token_cache(args)
        if not args.skip_first_run:
            first = bench_first_run(work, args.rounds)
            realistic, instant = statistics.median(first["realistic"]), statistics.median(first["instant"])
            print("\n2. first run on an empty emulator")
            print(f"   --latency realistic --time-scale 0.1  {fmt(first['realistic'])}")
            print(f"   --latency instant (no fault)          {fmt(first['instant'])}")
            print(f"   ratio realistic / instant             {realistic / instant:6.2f} x")
            print(f"   latency cost (difference)             {realistic - instant:6.2f} s")
        if not args.skip_overlap:
            times, paths = bench_overlap(work, args.rounds, args.time_scale)
            print_overlap(times, paths, args.time_scale)
        if not args.skip_stacks:
            counts = [int(n) for n in args.stacks.split(",") if n.strip()]
            print_stacks(bench_stacks(work, counts, args.throttling_scale), args.throttling_scale)
        if not args.skip_peer:
            bench_peer.report_peer(bench_peer.bench_peer_rerun(work, args.rounds), fmt)


if __name__ == "__main__":
    main()
