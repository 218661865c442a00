#!/usr/bin/env bash
# `make demo`: start the local ARM emulator, converge the local stack twice, show that the second run changes
# nothing, and say where the state is. Runs from the repository root with the project's virtualenv on PATH.
set -euo pipefail

data_dir="${DEMO_DATA_DIR:-.emulator}"
mkdir -p "$data_dir"
rm -f "$data_dir/emulator.env"

echo "== Starting the local ARM emulator (state in $data_dir/)"
PYTHONPATH="emulator${PYTHONPATH:+:$PYTHONPATH}" python -m arm_emulator --data-dir "$data_dir" --port 0 \
    --latency instant >"$data_dir/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
    [ -s "$data_dir/emulator.env" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$data_dir/emulator.log"; exit 1; }
    sleep 0.1
done
[ -s "$data_dir/emulator.env" ] || { echo "the emulator did not start; see $data_dir/emulator.log"; exit 1; }
# shellcheck disable=SC1091
. "$data_dir/emulator.env"
echo "   listening at $AZURE_CLOUD_ENVIRONMENT"

echo "== First run: ansible-playbook playbooks/mlops.yml -i inventories/local"
ansible-playbook playbooks/mlops.yml -i inventories/local

echo "== Second run: the same command again; a converged stack reports no change"
ansible-playbook playbooks/mlops.yml -i inventories/local | tee "$data_dir/second-run.log"
if ! grep -Eq 'changed=0 ' "$data_dir/second-run.log" || grep -Eq 'changed=[1-9]' "$data_dir/second-run.log"; then
    echo "the second run changed something: it should not have" >&2
    exit 1
fi

echo "== Done. The emulator's state is kept in $data_dir/ (state.json, emulator.log)."
echo "   Start it again with: PYTHONPATH=emulator .venv/bin/python -m arm_emulator --data-dir $data_dir"
echo "   then '. $data_dir/emulator.env' and run any inventory against it."
