#!/usr/bin/env bash
# Install footprint of a controller/EE runtime: Python distributions and size of a fresh virtualenv.
#
#   tests/benchmarks/footprint.sh [REQUIREMENTS ...]
#
# With no argument it measures this collection's requirements.txt. Give another collection's requirements file
# (for example the requirements.txt inside an installed azure.azcollection) to measure it side by side.
# Each file goes into its own new virtualenv under a temporary folder that is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- requirements.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-40s %14s %12s\n' "requirements" "distributions" "venv size"
for req in "$@"; do
    venv="$work/venv-$(basename "$(dirname "$(realpath "$req")")")-$(basename "$req" .txt)"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null
    base=$("$venv/bin/python" -m pip list --format freeze 2>/dev/null | wc -l)
    base_size=$(du -sk "$venv" | cut -f1)
    "$venv/bin/python" -m pip install --quiet -r "$req" >/dev/null 2>&1
    count=$(( $("$venv/bin/python" -m pip list --format freeze 2>/dev/null | wc -l) - base ))
    size_mb=$(( ($(du -sk "$venv" | cut -f1) - base_size) / 1024 ))
    printf '%-40s %14s %9s MB\n' "$req" "$count" "$size_mb"
done
