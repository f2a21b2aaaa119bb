#!/bin/sh
# Logistician run wrapper: the first thing a deployed condition's container
# runs. It records when the experiment command started and ended, and its exit
# code, in /data/logs (started_at.txt, finished_at.txt, exit_code.txt), then
# exits with that code. The command and the condition's arguments arrive as
# separate words ("$@") and are run as they are: nothing is evaluated. For an
# original-style folder the words are the image's own ENTRYPOINT and CMD, and
# the condition is in $OPTIONS (from docker --env-file), for that CMD to use.
# With LOGISTICIAN_MAX_RUNTIME_SECONDS set (from max_runtime_minutes), the
# command is stopped after that long: exit code 124, and logs/timed_out.txt.
mkdir -p /data/logs /data/config /data/results
date -u +%Y-%m-%dT%H:%M:%SZ > /data/logs/started_at.txt
rm -f /data/logs/exit_code.txt /data/logs/finished_at.txt /data/logs/timed_out.txt
limit=${LOGISTICIAN_MAX_RUNTIME_SECONDS:-0}
if [ "$limit" -gt 0 ] 2>/dev/null && command -v timeout >/dev/null 2>&1; then
    timeout -s TERM "$limit" "$@"
    code=$?
    if [ "$code" -eq 124 ]; then
        echo "stopped after max_runtime_minutes ($limit s)" > /data/logs/timed_out.txt
    fi
else
    "$@"
    code=$?
fi
date -u +%Y-%m-%dT%H:%M:%SZ > /data/logs/finished_at.txt
echo "$code" > /data/logs/exit_code.txt
exit "$code"
