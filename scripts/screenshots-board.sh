#!/bin/sh
# Regenerates the status board's screenshots (docs/screenshots/board-*.png)
# from a real sweep of 8 conditions on the local Docker engine: the deploy
# dialog, the board mid-run and at the end, a machine's log tail and the
# results chart. Needs the engine and debian:bookworm-slim (scripts/test.sh
# or scripts/bootstrap.sh set them up). BUILD_DIR defaults to build/.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
out=${1:-$here/docs/screenshots}
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$here" -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target board-screenshots -j2
mkdir -p "$out"
QT_QPA_PLATFORM=offscreen "$build/tests/board/board-screenshots" "$out"
