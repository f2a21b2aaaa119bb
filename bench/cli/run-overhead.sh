#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Overhead of `logistician run` against the same `docker run` typed by hand, and
# the start-up time of `logistician --help`. Needs hyperfine, a running Docker
# engine and the base image (./scripts/bootstrap.sh gives all of that).
# Usage: bench/cli/run-overhead.sh [RUNS]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-15}
bin=${LOGISTICIAN_BIN:-./build/logistician}
example=examples/addition/experiments/1
out=$(mktemp -d /tmp/logistician-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

"$bin" build "$example" >/dev/null 2>&1
image=logistician/addition-example-1
manual_data=$out/data
mkdir -p "$manual_data"/{logs,config,results}
manual="docker run --rm --pull never -v $PWD/examples/addition:/project -v $manual_data:/data -w /project $image sh add.sh 1 2"

hyperfine -N --warmup 2 --runs "$runs" --export-csv "$out/run.csv" \
    -n "docker run by hand" "$manual" \
    -n "logistician run" "$bin run $example -o '1 2'" >&2
hyperfine -N --warmup 3 --runs 50 --export-csv "$out/help.csv" -n "logistician --help" "$bin --help" >&2

# hyperfine's CSV: command,mean,stddev,median,user,system,min,max (seconds).
awk -F, 'NR==2 {hand=$4} NR==3 {tool=$4} END {
    printf "median docker run by hand: %.1f ms\nmedian logistician run:    %.1f ms\noverhead ratio:            %.3f (target <= 1.05)\n",
        hand*1000, tool*1000, tool/hand }' "$out/run.csv"
awk -F, 'NR==2 { printf "median logistician --help: %.1f ms (target <= 10 ms; bench/cli/startup.sh compares it)\n", $4*1000 }' "$out/help.csv"
# The runs above each left a data folder; they are the benchmark's, not results.
rm -rf "$example"/data/local-*
