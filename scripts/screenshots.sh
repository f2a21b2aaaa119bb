#!/bin/sh
# Regenerates all the desktop app's screenshots in docs/screenshots/: every screen grabbed
# with QWidget::grab() on the offscreen platform from a demo project made on
# the fly; the run in progress is a real container on the local engine, the
# credential states come from a throwaway keychain. Needs the engine and
# debian:bookworm-slim (scripts/test.sh or scripts/bootstrap.sh set them up).
# BUILD_DIR defaults to build/.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
out=${1:-$here/docs/screenshots}
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$here" -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target logistician-screenshots -j2
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 LOGISTICIAN_DATA_DIR="$here"
export QT_FONT_DPI=${QT_FONT_DPI:-96}
dbus-run-session -- "$here/scripts/with-keyring.sh" sh -c '
    "$1/tests/gui/logistician-screenshots" "$2" &&
    "$1/tests/gui/logistician-screenshots" --dark "$2"' screenshots "$build" "$out"
# The status board's board-*.png, from a real sweep on the local engine.
BUILD_DIR="$build" "$here/scripts/screenshots-board.sh" "$out"
