#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures (once) and builds Logistician into build/: everything, or the
# targets given (bootstrap.sh needs only the logistician binary).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOGISTICIAN_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
if [ $# -gt 0 ]; then
    cmake --build "$build_dir" --target "$@" -- -j"$(nproc)"
else
    cmake --build "$build_dir" -- -j"$(nproc)"
fi
