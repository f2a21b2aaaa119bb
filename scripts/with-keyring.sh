#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inside a D-Bus session: starts gnome-keyring's Secret Service, unlocked with a
# throwaway password, in a throwaway home, then runs the given command.
set -euo pipefail
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d /tmp/logistician-keyring-XXXXXX)}
printf 'logistician-test' | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
exec "$@"
