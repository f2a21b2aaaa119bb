#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates all the desktop app's screenshots in docs/screenshots/, grabbed
# with QWidget::grab() on the offscreen platform:
# - every screen, from a demo project made on the fly (the run in progress is a
#   real container, the credential states come from a throwaway keychain);
# - the status board's board-*.png, from a real 8-condition sweep on the local
#   engine (deploy dialog, board mid-run and at the end, log tail, results).
# Needs the engine and debian:bookworm-slim (scripts/test.sh or
# scripts/bootstrap.sh set them up). BUILD_DIR defaults to build/. A folder as the first
# argument writes there instead; LOGISTICIAN_SCREENSHOT_SIZE=800x600 sizes the main window
# (a small screen: LOGISTICIAN_SCREENSHOT_SIZE=800x600 scripts/screenshots.sh /tmp/small).
# The main screens are also rendered in the dark palette (*-dark.png), at 800x600
# (*-800x600.png) and at 1920x1080 (*-1920x1080.png): welcome, every experiment tab
# (conditions, the generated rows of a parameter_grid, environment, runs, deployments,
# settings), the board mid-run with the command log and finished, the results; the
# dialogs (deploy, setup wizard, shortcuts) in the dark palette. It prints each file it
# writes, and the count and time at the end (about 2-3 minutes). The board part runs
# containers: run it under flock /tmp/logistician-test.lock where tests share the engine.
set -eu
start=$(date +%s)
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
out=${1:-$here/docs/screenshots}
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$here" -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target logistician-screenshots board-screenshots -j2
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 LOGISTICIAN_DATA_DIR="$here"
export QT_FONT_DPI=${QT_FONT_DPI:-96}
dbus-run-session -- "$here/scripts/with-keyring.sh" sh -c '
    "$1/tests/gui/logistician-screenshots" "$2" &&
    "$1/tests/gui/logistician-screenshots" --dark --main-only --suffix=-dark "$2" &&
    LOGISTICIAN_SCREENSHOT_SIZE=800x600 "$1/tests/gui/logistician-screenshots" --main-only --suffix=-800x600 "$2" &&
    LOGISTICIAN_SCREENSHOT_SIZE=1920x1080 "$1/tests/gui/logistician-screenshots" --main-only --suffix=-1920x1080 "$2"' \
    screenshots "$build" "$out"
"$build/tests/board/board-screenshots" "$out" 2>&1
LOGISTICIAN_DARK=1 "$build/tests/board/board-screenshots" "$out" 2>&1
echo "screenshots: $(find "$out" -name '*.png' -newermt "@$start" | wc -l) PNG files written to $out in $(($(date +%s) - start)) s"
