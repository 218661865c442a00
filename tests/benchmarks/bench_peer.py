"""The same stack with azure.azcollection, the main peer, next to mlops.azure (a benchmark, not a test).

    .venv/bin/python tests/benchmarks/bench_peer.py [--rounds R]        # or through bench_stack.py (make bench)

``ensure_peer_venv()`` builds, on first use, a virtual environment of its own under ``build/bench-azcollection/``
(cached between runs; rebuilt when the pinned package or the shim changes) from PyPI only: the community
``ansible`` package, which bundles azure.azcollection, then the ``requirements.txt`` inside that bundled
collection, then the ``sitecustomize`` shim (``peer/sitecustomize.py``: cloud discovery by URL, the blob data plane).
``bench_peer_rerun()`` converges ``peer/azcollection_stack.yml`` on an emulator of its own, then reruns it and
``playbooks/mlops.yml -i inventories/local`` (on another emulator, also converged) in turns: wall time and ARM
requests by method of each, medians over R rounds, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_module_overhead  # noqa: E402 - a sibling script, found through the path set above

REPO = bench_module_overhead.REPO
HERE = os.path.dirname(os.path.abspath(__file__))
PEER_DIR = os.path.join(HERE, "peer")
PEER_PLAYBOOK = os.path.join(PEER_DIR, "azcollection_stack.yml")
SHIM = os.path.join(PEER_DIR, "sitecustomize.py")
# The community package pins the collection: ansible 12.3.0 bundles azure.azcollection 3.12.0 (ansible-core 2.19).
PEER_PACKAGE = "ansible==12.3.0"
PEER_VENV = os.path.join(REPO, "build", "bench-azcollection", "venv")
COLLECTION_REQUIREMENTS = ("ansible_collections", "azure", "azcollection", "requirements.txt")


def _venv_python(venv):
    return os.path.join(venv, "bin", "python")


def _site_packages(venv):
    out = subprocess.run(
        [_venv_python(venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def ensure_peer_venv(venv=PEER_VENV, log=print):
    """The azure.azcollection virtual environment, built once (minutes; about 2 GB) and reused while the pinned
    package is the same. Returns the folder of its ``bin``."""
    with open(SHIM, "rb") as fh:
        shim = fh.read()
    stamp = os.path.join(venv, ".mlops-bench-peer")
    wanted = PEER_PACKAGE
    have = open(stamp, encoding="utf-8").read() if os.path.exists(stamp) else None  # noqa: SIM115 - tiny read
    if have != wanted:
        log(f"building the azure.azcollection environment in {os.path.relpath(venv, REPO)} (once; minutes)")
        # The interpreter this venv was made from, not the project's venv: the peer gets nothing of ours.
        base = getattr(sys, "_base_executable", sys.executable)
        if not os.path.exists(_venv_python(venv)):
            subprocess.run([base, "-m", "venv", venv], check=True)
        pip = [_venv_python(venv), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run(pip + ["--upgrade", "pip"], check=True)
        subprocess.run(pip + [PEER_PACKAGE], check=True)
        requirements = os.path.join(_site_packages(venv), *COLLECTION_REQUIREMENTS)
        subprocess.run(pip + ["-r", requirements], check=True)
        with open(stamp, "w", encoding="utf-8") as fh:
            fh.write(wanted)
    target = os.path.join(_site_packages(venv), "sitecustomize.py")
    if not os.path.exists(target) or open(target, "rb").read() != shim:  # noqa: SIM115 - tiny read
        with open(target, "wb") as fh:
            fh.write(shim)
    return os.path.join(venv, "bin")


def peer_version(venv=PEER_VENV):
    with open(
        os.path.join(_site_packages(venv), *COLLECTION_REQUIREMENTS[:-1], "MANIFEST.json"), encoding="utf-8"
    ) as fh:
        return json.load(fh)["collection_info"]["version"]


def run_peer_stack(emulator, work, label, peer_bin):
    """``ansible-playbook peer/azcollection_stack.yml`` from the peer's environment against ``emulator``: seconds,
    the emulator's request log. Nothing of this project's environment reaches it but the emulator's variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "ANSIBLE_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = peer_bin + os.pathsep + env.get("PATH", "")
    env.update(emulator.env)
    env.update(
        # azure.azcollection's own switch: an emulator (like Azure Stack Hub) is no Entra ID instance to discover
        AZURE_DISABLE_INSTANCE_DISCOVERY="True",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    run_dir = tempfile.mkdtemp(prefix="peer-", dir=work)  # no ansible.cfg of ours is found from there
    emulator.admin("DELETE", "/_emulator/requests")
    started = time.perf_counter()
    proc = subprocess.run(
        [os.path.join(peer_bin, "ansible-playbook"), PEER_PLAYBOOK],
        cwd=run_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    return seconds, emulator.admin("GET", "/_emulator/requests"), proc.stdout


def bench_peer_rerun(work, rounds, log=print):
    """Reruns of the converged stack, ours (``bench_stack.run_stack``) and the peer's, in turns, each on its own
    emulator (instant latency): ``{"mlops.azure": ..., "azure.azcollection": ...}`` of ``{"times": [...],
    "requests": {...}, "changed": [...]}``."""
    import bench_stack  # imported here: bench_stack imports this file too

    run_ours, by_method = bench_stack.run_stack, bench_stack.by_method
    peer_bin = ensure_peer_venv(log=log)
    ours = bench_stack.Emulator(work, "peer-ours", "--latency", "instant")
    peer = bench_stack.Emulator(work, "peer-theirs", "--latency", "instant")
    out = {name: {"times": [], "counts": [], "changed": []} for name in ("mlops.azure", "azure.azcollection")}
    try:
        run_ours(ours, work, "converge (mlops.azure)")
        run_peer_stack(peer, work, "converge (azure.azcollection)", peer_bin)
        for _round in range(rounds):
            seconds, requests = run_ours(ours, work, "rerun (mlops.azure)")
            out["mlops.azure"]["times"].append(seconds)
            out["mlops.azure"]["counts"].append(by_method(requests))
            seconds, requests, stdout = run_peer_stack(peer, work, "rerun (azure.azcollection)", peer_bin)
            out["azure.azcollection"]["times"].append(seconds)
            out["azure.azcollection"]["counts"].append(by_method(requests))
            out["azure.azcollection"]["changed"].append(stdout.count("\nchanged: "))
            log(
                f"   (round {_round + 1}: mlops.azure {out['mlops.azure']['times'][-1]:.1f} s, "
                f"azure.azcollection {out['azure.azcollection']['times'][-1]:.1f} s)",
                flush=True,
            )
    finally:
        ours.stop()
        peer.stop()
    for result in out.values():
        result["requests"] = bench_stack.median_counts(result.pop("counts"))
    return out


def report_peer(results, fmt):
    """Print the comparison (``fmt`` formats a list of seconds as median and runs)."""
    ours, theirs = results["mlops.azure"], results["azure.azcollection"]
    print(f"\n5. the same stack with azure.azcollection {peer_version()} (its own venv), rerun on a converged stack")
    for name, result in results.items():
        print(f"   wall time, {name:18} {fmt(result['times'])}")
        print(f"   ARM requests, {name:15} " + ", ".join(f"{k} {v:g}" for k, v in result["requests"].items()))
    if theirs["changed"]:
        print(f"   azure.azcollection tasks reporting changed on a rerun: {statistics.median(theirs['changed']):g}")
    ratio = statistics.median(theirs["times"]) / statistics.median(ours["times"])
    print(f"   ratio azure.azcollection / mlops.azure  {ratio:6.2f} x")


def main():
    import bench_stack

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="reruns of each (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlops-bench-peer-") as work:
        results = bench_peer_rerun(work, args.rounds)
        report_peer(results, bench_stack.fmt)


if __name__ == "__main__":
    main()
