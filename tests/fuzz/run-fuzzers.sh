#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (tests/fuzz/project, with clang) and runs each
# for a fixed number of inputs from the seed corpus, so CI time stays bounded.
#   run-fuzzers.sh SOURCE_DIR BUILD_DIR [RUNS]
# A crash, a leak, a sanitizer report or a broken property fails the test, and
# the input that did it is kept in BUILD_DIR/artifacts/ to reproduce with
#   BUILD_DIR/fuzz_parameters BUILD_DIR/artifacts/crash-…
set -euo pipefail
source_dir=$1
build_dir=$2
runs=${3:-${LOGISTICIAN_FUZZ_RUNS:-200000}}
command -v clang++ >/dev/null || { echo "FAIL: clang++ is missing (./scripts/install-deps.sh installs clang)" >&2; exit 1; }

if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$source_dir/tests/fuzz/project" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=None >/dev/null
fi
cmake --build "$build_dir" >"$build_dir/build.log" 2>&1 || {
    tail -n 30 "$build_dir/build.log" >&2
    echo "FAIL: the fuzz targets do not build (a loader source they need missing from tests/fuzz/project?)" >&2
    exit 1
}

mkdir -p "$build_dir/artifacts"
for target in parameters shellwords state index; do
    corpus=$(mktemp -d)
    cp "$source_dir/tests/fuzz/corpus/$target/"* "$corpus/"
    start=$SECONDS
    if ! "$build_dir/fuzz_$target" -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix="$build_dir/artifacts/" "$corpus" >"$build_dir/fuzz_$target.log" 2>&1; then
        tail -n 40 "$build_dir/fuzz_$target.log" >&2
        rm -rf "$corpus"
        echo "FAIL: fuzz_$target found a failing input (kept in $build_dir/artifacts/)" >&2
        exit 1
    fi
    echo "fuzz_$target: $runs inputs in $((SECONDS - start)) s without a failure; $(grep -Eo 'cov: [0-9]+' "$build_dir/fuzz_$target.log" | tail -n 1)"
    rm -rf "$corpus"
done
