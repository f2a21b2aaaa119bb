#!/usr/bin/env bash
# The whole test suite: installs and starts what the tests need (packages, a
# Docker engine, the base image, a Secret Service keychain in its own D-Bus
# session), builds, and runs ctest. sshd machines and the image registry are
# started by the tests themselves. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
./scripts/ensure-docker.sh
./scripts/ensure-base-image.sh
./scripts/ensure-python-image.sh
export LANG=C.UTF-8
# The keychain: a private D-Bus session with an unlocked gnome-keyring.
exec dbus-run-session -- ./scripts/with-keyring.sh ctest --test-dir "${LOGISTICIAN_BUILD_DIR:-build}" --output-on-failure --timeout 900 "$@"
