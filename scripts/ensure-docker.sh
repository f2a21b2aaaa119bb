#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes sure a Docker engine answers; starts dockerd in the background if none does.
set -euo pipefail
if docker info >/dev/null 2>&1; then
    exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
    echo "ensure-docker: dockerd is not installed (apt-get install docker.io)" >&2
    exit 1
fi
echo "ensure-docker: no Docker engine answers; starting dockerd" >&2
mkdir -p /var/log
# A session of its own: a signal to the caller's process group (Ctrl+C, a killed test run) must not end the
# engine every later command needs.
setsid nohup dockerd >/var/log/logistician-dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
        exit 0
    fi
    sleep 0.5
done
echo "ensure-docker: dockerd did not answer within 30 s; see /var/log/logistician-dockerd.log" >&2
tail -n 20 /var/log/logistician-dockerd.log >&2 || true
exit 1
