#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures (once) and builds Logistician into build/: everything, or the
# targets given (bootstrap.sh needs only the logistician binary).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOGISTICIAN_BUILD_DIR:-build}
# ccache (installed by install-deps.sh) with paths relative to the checkout, so
# the package tests' second and third build trees reuse these objects.
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
# Under CI a compiler warning fails the build (-Werror); developers' trees keep the
# same flags as each other so ccache shares their objects.
werror=OFF
[ "${CI:-}" = true ] && werror=ON
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGISTICIAN_WERROR=$werror \
        "${launcher[@]}" >/dev/null
elif [ "$werror" = ON ]; then
    cmake -S . -B "$build_dir" -DLOGISTICIAN_WERROR=ON >/dev/null
fi
if [ $# -gt 0 ]; then
    cmake --build "$build_dir" --target "$@" -- -j"$(nproc)"
else
    cmake --build "$build_dir" -- -j"$(nproc)"
fi
