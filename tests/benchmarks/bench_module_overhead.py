"""Per-task cost of an mlops.azure module next to ansible.builtin.ping (a benchmark, not a test).

    .venv/bin/python tests/benchmarks/bench_module_overhead.py [--tasks N] [--rounds R]

Starts the local ARM emulator (instant latency) in a temporary folder, then runs, with ansible-playbook from this
checkout, a play of N ``mlops.azure.resource_group_info`` tasks as shipped (in the task's worker process), the same
play the usual way (``MLOPS_AZURE_IN_PROCESS=false``: AnsiballZ, a new Python per task) and a play of N
``ansible.builtin.ping`` tasks, R times each, in turns. A small callback records each task's wall time (from task
start to result, so the AnsiballZ transfer, the Python start-up, the imports and the HTTPS calls are all inside it).
It prints the median per-task time of each and the ratios, then the median wall time of each whole play (the
ansible-playbook start, and the SDK imports the shipped plugin does once per run, are inside it). The machine's load
shows in the numbers: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)

CALLBACK = textwrap.dedent(
    '''
    from __future__ import annotations

    import json
    import os
    import time

    from ansible.plugins.callback import CallbackBase

    DOCUMENTATION = """
    name: task_timer
    type: aggregate
    short_description: write each task's wall time to $TASK_TIMER_OUT
    description: Used by bench_module_overhead.py only.
    """


    class CallbackModule(CallbackBase):
        CALLBACK_VERSION = 2.0
        CALLBACK_TYPE = "aggregate"
        CALLBACK_NAME = "task_timer"
        CALLBACK_NEEDS_ENABLED = True

        def __init__(self):
            super().__init__()
            self._start = None
            self._times = []

        def v2_playbook_on_task_start(self, task, is_conditional):
            self._start = (task.get_name(), time.perf_counter())

        def _done(self, result):
            name, start = self._start
            self._times.append({"task": name, "seconds": time.perf_counter() - start, "ok": not result.is_failed()})

        def v2_runner_on_ok(self, result):
            self._done(result)

        def v2_runner_on_failed(self, result, ignore_errors=False):
            self._done(result)

        def v2_playbook_on_stats(self, stats):
            with open(os.environ["TASK_TIMER_OUT"], "w") as fh:
                json.dump(self._times, fh)
    '''
)


def start_emulator(data_dir, *options):
    """Start the emulator in ``data_dir`` (instant latency unless ``options`` say otherwise); returns the process
    and the variables of its emulator.env."""
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "emulator"))
    log = open(os.path.join(data_dir, "emulator.log"), "wb")  # noqa: SIM115 - lives as long as the emulator
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arm_emulator",
            "--data-dir",
            data_dir,
            "--port",
            "0",
            *(options or ("--latency", "instant")),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    env_file = os.path.join(data_dir, "emulator.env")
    deadline = time.monotonic() + 60
    while not os.path.exists(env_file):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit("the ARM emulator did not start; see " + os.path.join(data_dir, "emulator.log"))
        time.sleep(0.05)
    values = {}
    with open(env_file, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("export "):
                key, _sep, value = line[len("export ") :].strip().partition("=")
                values[key] = shlex.split(value)[0] if value else ""
    return process, values


def run_play(work, name, tasks, env):
    playbook = os.path.join(work, name + ".yml")
    with open(playbook, "w", encoding="utf-8") as fh:
        json.dump([{"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}], fh)
    out = os.path.join(work, name + ".json")
    run_env = dict(env, TASK_TIMER_OUT=out)
    proc = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), playbook, "--forks", "1"],
        cwd=REPO,
        env=run_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    with open(out, encoding="utf-8") as fh:
        return json.load(fh)


KINDS = ("info", "usual", "ping")


def measure(tasks=15, rounds=3, extra_env=None):
    """Per-task wall times of ``tasks`` resource_group_info tasks as shipped, as many the usual way and as many pings,
    ``rounds`` plays of each, in turns: ``{"info": [seconds, ...], "usual": [...], "ping": [...], "plays": {kind:
    [play seconds, ...]}}``."""
    with tempfile.TemporaryDirectory(prefix="mlops-bench-") as work:
        plugins = os.path.join(work, "callback_plugins")
        os.makedirs(plugins)
        with open(os.path.join(plugins, "task_timer.py"), "w", encoding="utf-8") as fh:
            fh.write(CALLBACK)
        data_dir = os.path.join(work, "emulator")
        os.makedirs(data_dir)
        emulator, emulator_env = start_emulator(data_dir)
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
            env.update(emulator_env)
            # The collection's cloud metadata cache starts empty, in the benchmark's folder.
            env["XDG_CACHE_HOME"] = os.path.join(work, "cache")
            env.update(extra_env or {})
            env.update(
                ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
                ANSIBLE_CALLBACK_PLUGINS=plugins,
                ANSIBLE_CALLBACKS_ENABLED="task_timer",
                ANSIBLE_LOCALHOST_WARNING="false",
                ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            )
            setup = [{"name": "setup", "mlops.azure.resource_group": {"name": "rg-bench", "location": "westeurope"}}]
            run_play(work, "setup", setup, env)
            info = [{"name": "info", "mlops.azure.resource_group_info": {"name": "rg-bench"}}] * tasks
            ping = [{"name": "ping", "ansible.builtin.ping": {}}] * tasks
            plays = {
                "info": (info, env),
                "usual": (info, dict(env, MLOPS_AZURE_IN_PROCESS="false")),
                "ping": (ping, env),
            }
            times = {name: [] for name in KINDS}
            times["plays"] = {name: [] for name in KINDS}
            for _played in range(rounds):
                for name in KINDS:
                    play_tasks, play_env = plays[name]
                    started = time.perf_counter()
                    results = run_play(work, name, play_tasks, play_env)
                    times["plays"][name].append(time.perf_counter() - started)
                    bad = [r for r in results if not r["ok"]]
                    if bad:
                        sys.exit(f"{name}: {len(bad)} task(s) failed")
                    times[name].extend(r["seconds"] for r in results)
        finally:
            emulator.terminate()
            emulator.wait(15)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=15, help="tasks per play (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="plays of each kind (default 3)")
    args = parser.parse_args()
    times = measure(args.tasks, args.rounds)
    print(f"tasks measured: {len(times['info'])} of each ({args.rounds} plays x {args.tasks} tasks), forks 1")
    print("\n".join(report(times, args.tasks)))


def report(times, tasks):
    """The lines that say what ``measure`` measured."""
    info, usual, ping = (statistics.median(times[name]) for name in KINDS)
    plays = {name: statistics.median(times["plays"][name]) for name in KINDS}
    return [
        f"per task, resource_group_info, as shipped  median {info * 1000:6.0f} ms",
        f"per task, resource_group_info, usual run   median {usual * 1000:6.0f} ms  (MLOPS_AZURE_IN_PROCESS=false)",
        f"per task, ansible.builtin.ping             median {ping * 1000:6.0f} ms",
        f"ratio to ping, as shipped                  {info / ping:6.2f} x",
        f"ratio to ping, usual run                   {usual / ping:6.2f} x",
        f"whole play of {tasks} tasks: as shipped {plays['info']:.2f} s, usual run {plays['usual']:.2f} s, "
        f"ping {plays['ping']:.2f} s (ratio to ping {plays['info'] / plays['ping']:.2f} x, "
        f"{plays['usual'] / plays['ping']:.2f} x)",
    ]


if __name__ == "__main__":
    main()
