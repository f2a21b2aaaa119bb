#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Start-up of the CLI, side by side with hyperfine: `logistician --help`,
# `logistician status` on an experiment with nothing deployed (it reads the
# experiment and answers "nothing is deployed", exit code 2), and the original
# Python tool's `--help` through original-cli-proxy.py (what that is: its
# docstring and bench/README.md). LOGISTICIAN_BIN_BEFORE=PATH adds an older
# build's `--help` for a before/after figure.
# Needs hyperfine, and python3 with click for the original's column (Debian:
# python3-click; PYTHON=... picks another interpreter).
# Usage: bench/cli/startup.sh [RUNS]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-50}
bin=${LOGISTICIAN_BIN:-./build/logistician}
python=${PYTHON:-python3}
out=$(mktemp -d /tmp/logistician-startup-XXXXXX)
trap 'rm -rf "$out"' EXIT
# Its own HOME: no settings or state of the user's are read.
export HOME=$out/home XDG_CONFIG_HOME=$out/home/.config
mkdir -p "$HOME"

# An experiment with nothing deployed: the addition example in a repository of its own.
cp -r examples/addition "$out/project"
git -C "$out/project" init -q
git -C "$out/project" add -A
git -C "$out/project" -c user.name=bench -c user.email=bench@example.org commit -qm example
experiment=$out/project/experiments/1
# hyperfine ignores exit codes below (-i), so check here that status fails for the expected reason.
if "$bin" status "$experiment" >/dev/null 2>"$out/status.err" || ! grep -q "nothing is deployed" "$out/status.err"; then
    echo "logistician status did not answer \"nothing is deployed\": $(cat "$out/status.err")" >&2
    exit 1
fi

commands=(-n "logistician --help" "$bin --help"
    -n "logistician status (nothing deployed)" "$bin status $experiment")
if [ -n "${LOGISTICIAN_BIN_BEFORE:-}" ]; then
    commands+=(-n "before: logistician --help" "$LOGISTICIAN_BIN_BEFORE --help")
fi
# The interpreter itself, not a wrapper such as pyenv's shim (a shell script that would be timed too).
if python=$("$python" -c 'import click, sys; print(sys.executable)' 2>/dev/null); then
    commands+=(-n "original --help (Python click proxy)" "$python bench/cli/original-cli-proxy.py --help")
else
    echo "$python cannot import click: the original's column is left out (Debian: apt-get install python3-click)" >&2
fi
hyperfine -N -i --warmup 3 --runs "$runs" --export-csv "$out/startup.csv" "${commands[@]}" >&2

# hyperfine's CSV: command,mean,stddev,median,user,system,min,max (seconds).
awk -F, 'NR == 2 { help = $4 }
    NR > 1 { printf "median %-38s %6.1f ms (min %5.1f)  %5.2f x logistician --help\n", $1, $4 * 1000, $7 * 1000, $4 / help }
    NR == 2 { printf "  target for logistician --help: <= 10 ms\n" }' "$out/startup.csv"
