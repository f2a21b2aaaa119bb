#!/bin/sh
# Logistician run wrapper: the first thing a deployed condition's container
# runs. It records when the experiment command started and ended, and its exit
# code, in /data/logs (started_at.txt, finished_at.txt, exit_code.txt), then
# exits with that code. The command and the condition's arguments arrive as
# separate words ("$@") and are run as they are: nothing is evaluated.
mkdir -p /data/logs /data/config /data/results
date -u +%Y-%m-%dT%H:%M:%SZ > /data/logs/started_at.txt
rm -f /data/logs/exit_code.txt /data/logs/finished_at.txt
"$@"
code=$?
date -u +%Y-%m-%dT%H:%M:%SZ > /data/logs/finished_at.txt
echo "$code" > /data/logs/exit_code.txt
exit "$code"
