#!/usr/bin/env bash
# Configures (once) and builds Logistician into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOGISTICIAN_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build_dir" -- -j"$(nproc)"
