#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A sweep of N one-second conditions on the local backend with max_parallel P
# (default 200 and 4): the wall time from `deploy` until every condition has
# ended, against the ideal N/P seconds plus start-up, and the CPU time the
# CLI processes used meanwhile (user+sys, from /usr/bin/time).
#
#   bench/sweep/local-sweep.sh [N] [P]      # needs the engine and debian:bookworm-slim
#
# LOGISTICIAN=path/to/logistician picks the binary (default build/logistician).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-200}
p=${2:-4}
bin=${LOGISTICIAN:-$here/build/logistician}
work=$(mktemp -d /tmp/logistician-sweep-bench.XXXXXX)
trap '"$bin" terminate "$work/exp" --yes --force >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

mkdir -p "$work/exp"
cd "$work/exp"
git init -q .
values=$(seq -s, 1 "$n")
cat > parameters.json <<JSON
{
    "experiment_name": "sweep-bench",
    "experiment_command": "sh -c 'sleep 1' condition",
    "parameter_grid": {"i": [$values]},
    "backend": "local",
    "max_parallel": $p
}
JSON
printf 'FROM debian:bookworm-slim\nWORKDIR /project\n' > Dockerfile
git add -A
git -c user.name=bench -c user.email=bench@localhost commit -qm sweep
"$bin" build . >/dev/null 2>&1 # the image build is not what is measured

cpu_log=$work/cpu.txt
start=$(date +%s.%N)
/usr/bin/time -a -o "$cpu_log" -f "%U %S" "$bin" deploy . --yes ${LOGISTICIAN_DEPLOY_ARGS:-} >"$work/deploy.log" 2>&1
/usr/bin/time -a -o "$cpu_log" -f "%U %S" "$bin" status . --watch --interval 1 >"$work/status.log" 2>&1 || true
end=$(date +%s.%N)

done_count=$(find data -name exit_code.txt 2>/dev/null | wc -l)
wall=$(echo "$end - $start" | bc)
ideal=$(echo "$n / $p" | bc -l)
cpu=$(awk '{ s += $1 + $2 } END { printf "%.2f", s }' "$cpu_log")
printf 'conditions %d, max_parallel %d: %d ended\n' "$n" "$p" "$done_count"
printf 'wall %.1f s, ideal %.1f s (N/P x 1 s), ratio %.2f\n' "$wall" "$ideal" "$(echo "$wall / $ideal" | bc -l)"
printf 'CLI CPU (user+sys) %s s, %.1f%% of one core over the wall time\n' "$cpu" "$(echo "100 * $cpu / $wall" | bc -l)"
