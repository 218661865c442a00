"""Wall time and ARM requests of playbooks/mlops.yml against the emulator (a benchmark, not a test; ``make bench``).

    .venv/bin/python tests/benchmarks/bench_stack.py [--rounds R] [--skip-first-run] [--skip-overhead] [--skip-peer]

Every figure is a median over R runs (default 3), and every ratio compares figures measured in this same
invocation, on the same machine and under the same load:

1. The rerun of ``playbooks/mlops.yml -i inventories/local`` on a converged stack (instant latency): wall time and
   the ARM requests by method (from the emulator's request log), with the collection's cloud metadata cache and
   without it (``MLOPS_AZURE_CLOUD_CACHE_TTL=0``), interleaved; and the per-task cost of an mlops.azure module next
   to ``ansible.builtin.ping`` (``bench_module_overhead.measure``).
2. The first run on an empty emulator with ``--latency realistic --time-scale 0.1`` next to the first run on an
   instant, fault-free emulator, interleaved, each emulator emptied (``POST /_emulator/reset``) before each run.
3. The rerun of the same stack written with azure.azcollection modules, from a virtual environment of its own
   (``bench_peer.py``), next to ours, in turns: wall time, ARM requests by method, the ratio.

Each run uses a fresh cache folder for the collection's cloud metadata cache, as a fresh user would.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

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
    """Reruns with the cloud metadata cache (as shipped) and without it (MLOPS_AZURE_CLOUD_CACHE_TTL=0), interleaved."""
    emulator = Emulator(work, "rerun", "--latency", "instant")
    variants = {"cache": {}, "no cache": {"MLOPS_AZURE_CLOUD_CACHE_TTL": "0"}}
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
    parser.add_argument("--skip-first-run", action="store_true", help="leave out the first-run comparison")
    parser.add_argument("--skip-overhead", action="store_true", help="leave out the per-task comparison")
    parser.add_argument("--skip-peer", action="store_true", help="leave out the azure.azcollection comparison")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; {args.rounds} runs of each kind")
    with tempfile.TemporaryDirectory(prefix="mlops-bench-stack-") as work:
        times, counts = bench_rerun(work, args.rounds)
        print("\n1. rerun of playbooks/mlops.yml -i inventories/local on a converged stack (instant latency)")
        for name in times:
            print(f"   wall time, {name:9}       {fmt(times[name])}")
            print(f"   ARM requests, {name:9}    " + ", ".join(f"{k} {v:g}" for k, v in counts[name].items()))
        ratio = statistics.median(times["cache"]) / statistics.median(times["no cache"])
        print(f"   ratio cache / no cache        {ratio:6.2f} x")
        if not args.skip_overhead:
            per_task = bench_module_overhead.measure(args.tasks, args.rounds)
            info, ping = statistics.median(per_task["info"]), statistics.median(per_task["ping"])
            print(f"   per task, resource_group_info  median {info * 1000:6.0f} ms")
            print(f"   per task, ansible.builtin.ping median {ping * 1000:6.0f} ms")
            print(f"   ratio to ping                  {info / ping:6.2f} x")
            report_token_cache(args)
        if not args.skip_first_run:
            first = bench_first_run(work, args.rounds)
            realistic, instant = statistics.median(first["realistic"]), statistics.median(first["instant"])
            print("\n2. first run on an empty emulator")
            print(f"   --latency realistic --time-scale 0.1  {fmt(first['realistic'])}")
            print(f"   --latency instant (no fault)          {fmt(first['instant'])}")
            print(f"   ratio realistic / instant             {realistic / instant:6.2f} x")
            print(f"   latency cost (difference)             {realistic - instant:6.2f} s")
        if not args.skip_peer:
            bench_peer.report_peer(bench_peer.bench_peer_rerun(work, args.rounds), fmt)


if __name__ == "__main__":
    main()
