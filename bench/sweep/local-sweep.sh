#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A sweep of N one-second conditions on the local backend with max_parallel P
# (default 200 and 4): the wall time from `deploy` until every condition has
# ended, against the same N containers run by a bare `xargs -P P docker run`
# loop just before (the yardstick) and the ideal N/P seconds, and the CPU time
# of whatever watches it meanwhile (user+sys, from /usr/bin/time):
#   WATCH=cli   `status --watch --interval 1` (the default)
#   WATCH=app   the desktop app on the experiment's board (build/bench/sweep/bench_sweep_app,
#               offscreen; it polls every LOGISTICIAN_POLL_SECONDS, default 5), alone
#   WATCH=both  the app and `status --watch` at the same time
#
#   bench/sweep/local-sweep.sh [N] [P] [WATCH]    # needs the engine and debian:bookworm-slim
#
# LOGISTICIAN=path/to/logistician picks the binary (default build/logistician),
# BENCH_SWEEP_APP the app program (default build/bench/sweep/bench_sweep_app),
# BENCH_SWEEP_PERF=FILE records a perf profile of the app into FILE,
# BENCH_SWEEP_RAW=0 skips the yardstick, BENCH_SWEEP_STATUS_ARGS adds options to
# `status --watch` (e.g. --no-auto-sync: the status rounds alone, no docker logs per condition).
#
# BENCH_SWEEP_ROUNDS=R (default 1) measures R rounds of the pair, in alternating order (yardstick first in odd
# rounds, the sweep first in even ones: a load that drifts over the run weighs on both alike), each on an empty
# engine (the other's containers removed), and reports each round and the median of the ratios. Besides the
# wall time, each side is also timed to its last container's end as the engine recorded it (FinishedAt): the
# yardstick's and the sweep's own time, without the watcher's last round (up to --interval late) and the final
# sync that the wall time of the sweep includes.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-200}
p=${2:-4}
watch=${3:-cli}
case $watch in cli | app | both) ;; *) echo "WATCH must be cli, app or both" >&2; exit 2 ;; esac
bin=${LOGISTICIAN:-$here/build/logistician}
app=${BENCH_SWEEP_APP:-$here/build/bench/sweep/bench_sweep_app}
work=$(mktemp -d /tmp/logistician-sweep-bench.XXXXXX)
raw_label=logistician-sweep-bench-raw=$$
remove_raw() {
    docker ps -aq --filter "label=$raw_label" | xargs -r docker rm -f >/dev/null 2>&1 || true
}
remove_sweep() {
    [ ! -d "$work/exp" ] || "$bin" terminate "$work/exp" --yes --force >/dev/null 2>&1 || true
}
trap 'remove_sweep; remove_raw; rm -rf "$work"' EXIT
rounds=${BENCH_SWEEP_ROUNDS:-1}
case $rounds in '' | *[!0-9]* | 0) echo "BENCH_SWEEP_ROUNDS must be a positive number" >&2; exit 2 ;; esac
if [ "$watch" != cli ] && [ "$rounds" != 1 ]; then
    echo "BENCH_SWEEP_ROUNDS works with WATCH=cli only" >&2
    exit 2
fi

# The seconds from START (date +%s.%N) to the latest FinishedAt of these containers (ids on stdin).
last_finished() { # START
    local latest=0 f t
    while read -r f; do
        t=$(date -d "$f" +%s.%N) || continue
        [ "$(echo "$t > $latest" | bc)" = 1 ] && latest=$t
    done < <(xargs -r docker inspect -f '{{.State.FinishedAt}}')
    echo "$latest - $1" | bc
}

# A fresh Git project of N one-second conditions in $work/exp, its image built (not what is measured).
make_project() {
    rm -rf "$work/exp"
    mkdir -p "$work/exp"
    (
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
        "$bin" build . >/dev/null 2>&1
    )
}

# The yardstick: the same N containers (same base image, same command, kept until the end as deploy keeps
# them), P at a time by a bare xargs loop, each `docker run` waiting for its container. Sets raw, raw_engine,
# raw_load.
yardstick() {
    raw_load=$(cut -d' ' -f1-3 /proc/loadavg)
    local raw_start
    raw_start=$(date +%s.%N)
    seq 1 "$n" | xargs -P "$p" -I{} docker run --label "$raw_label" --name "sweep-bench-raw-$$-{}" \
        debian:bookworm-slim sh -c 'sleep 1' condition
    raw=$(echo "$(date +%s.%N) - $raw_start" | bc)
    raw_engine=$(docker ps -aq --filter "label=$raw_label" | last_finished "$raw_start")
    remove_raw
}

# The sweep: deploy, then the watcher until every condition ended (and, with auto sync, came home). Sets
# wall, engine, handed_after, watched, done_count, load_before, load_after, deploy_cpu, cpu; leaves the
# sweep's containers (remove_sweep).
sweep() {
    cpu_log=$work/cpu.txt
    deploy_cpu_log=$work/deploy-cpu.txt
    app_log=$work/app-time.txt
    rm -f "$cpu_log" "$deploy_cpu_log"
    cd "$work/exp"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    start=$(date +%s.%N)
    /usr/bin/time -o "$deploy_cpu_log" -f "%U %S" "$bin" deploy . --yes ${LOGISTICIAN_DEPLOY_ARGS:-} >"$work/deploy.log" 2>&1
    handed=$(date +%s.%N)
    app_pid=
    if [ "$watch" != cli ]; then
        # Its own settings folder: opening the project must not touch the user's recent projects.
        mkdir -p "$work/config"
        QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME=$work/config \
            /usr/bin/time -o "$app_log" -f "%U %S %M" "$app" "$work/exp" >"$work/app.log" 2>&1 &
        app_pid=$!
        if [ -n "${BENCH_SWEEP_PERF:-}" ]; then # a profile of the app (perf record at 199 Hz) into this file
            sleep 0.5
            perf record -q -F 199 -g -o "$BENCH_SWEEP_PERF" -p "$(pgrep -P "$app_pid")" >/dev/null 2>&1 &
        fi
    fi
    if [ "$watch" != app ]; then
        /usr/bin/time -a -o "$cpu_log" -f "%U %S" "$bin" status . --watch --interval 1 ${BENCH_SWEEP_STATUS_ARGS:-} >"$work/status.log" 2>&1 || true
    fi
    app_code=0
    if [ -n "$app_pid" ]; then
        wait "$app_pid" || app_code=$?
    fi
    end=$(date +%s.%N)
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    done_count=$(find data -name exit_code.txt 2>/dev/null | wc -l)
    wall=$(echo "$end - $start" | bc)
    engine=$(docker ps -aq --filter "label=logistician.experiment=sweep-bench" | last_finished "$start")
    handed_after=$(echo "$handed - $start" | bc)
    watched=$(echo "$end - $handed" | bc)
    deploy_cpu=$(awk '{ s += $1 + $2 } END { printf "%.2f", s }' "$deploy_cpu_log")
    cpu=
    [ "$watch" = app ] || cpu=$(awk '{ s += $1 + $2 } END { printf "%.2f", s }' "$cpu_log")
    cd "$work"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ideal=$(echo "$n / $p" | bc -l)
ratios=()
engine_ratios=()
for round in $(seq "$rounds"); do
    make_project
    raw=
    sweep_first=0
    [ $((round % 2)) = 0 ] && [ "${BENCH_SWEEP_RAW:-1}" != 0 ] && sweep_first=1
    if [ "$sweep_first" = 1 ]; then
        sweep
        remove_sweep
        yardstick
    else
        [ "${BENCH_SWEEP_RAW:-1}" = 0 ] || yardstick
        sweep
    fi
    [ "$rounds" = 1 ] || printf -- '--- round %d of %d (%s first)\n' "$round" "$rounds" \
        "$([ "$sweep_first" = 1 ] && echo sweep || echo yardstick)"
    printf 'conditions %d, max_parallel %d, watched by %s: %d ended\n' "$n" "$p" "$watch" "$done_count"
    if [ -n "$raw" ]; then
        printf 'yardstick: xargs -P%d docker run, %d containers: %.1f s, to the last container'"'"'s end %.1f s (load average before %s)\n' \
            "$p" "$n" "$raw" "$raw_engine" "$raw_load"
    fi
    printf 'load average before %s, after %s\n' "$load_before" "$load_after"
    printf 'wall %.1f s (deploy %.1f s, %s s CPU), to the last container'"'"'s end %.1f s, ideal %.1f s (N/P x 1 s), ratio %.2f\n' \
        "$wall" "$handed_after" "$deploy_cpu" "$engine" "$ideal" "$(echo "$wall / $ideal" | bc -l)"
    if [ -n "$raw" ]; then
        ratio=$(printf '%.3f' "$(echo "$wall / $raw" | bc -l)")
        engine_ratio=$(printf '%.3f' "$(echo "$engine / $raw_engine" | bc -l)")
        ratios+=("$ratio")
        engine_ratios+=("$engine_ratio")
        printf 'wall / yardstick %s; to the last container'"'"'s end, sweep / yardstick %s\n' "$ratio" "$engine_ratio"
    fi
    if [ "$watch" != app ]; then
        printf 'watcher (status --watch --interval 1%s) CPU (user+sys, its commands included) %s s over %.1f s: ' \
            "${BENCH_SWEEP_STATUS_ARGS:+ $BENCH_SWEEP_STATUS_ARGS}" "$cpu" "$watched"
        printf '%.1f%% of one core\n' "$(echo "100 * $cpu / $watched" | bc -l)"
    fi
    if [ -n "$app_pid" ]; then
        grep '^app:' "$work/app.log" || { echo "the app failed (exit code $app_code):" >&2; cat "$work/app.log" >&2; }
        read -r au as am <"$app_log" || true
        printf 'app under /usr/bin/time: user %s s, sys %s s (commands included), max RSS %.1f MiB\n' \
            "$au" "$as" "$(echo "${am:-0} / 1024" | bc -l)"
        [ "$app_code" = 0 ] || exit 1
    fi
    [ "$round" = "$rounds" ] || remove_sweep
done
if [ "$rounds" != 1 ] && [ "${#ratios[@]}" -gt 0 ]; then
    printf '=== %d rounds: wall / yardstick %s, median %s; to the last container'"'"'s end %s, median %s\n' "$rounds" \
        "${ratios[*]}" "$(printf '%s\n' "${ratios[@]}" | median)" "${engine_ratios[*]}" \
        "$(printf '%s\n' "${engine_ratios[@]}" | median)"
fi
