#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CLI loads no GUI libraries, and the window still opens through it
# (ARCHITECTURE.md, "One binary, no GUI libraries for the CLI"):
# - `LD_DEBUG=files logistician --help` (and --version, gui --help, a verb's
#   --help) loads libQt6Core but no libQt6Widgets, Gui, Charts, OpenGL or Svg;
# - `logistician gui PROJECT` (offscreen) shows the window, which does load Widgets;
# - in an installed layout (PREFIX/bin, PREFIX/libexec/logistician) the same;
# - with the window's executable missing, `logistician gui` says so (exit code 1).
#   check-cli-libraries.sh CLI_BINARY GUI_BINARY SOURCE_DIR
set -euo pipefail
cli=$1
gui=$2
source_dir=$3
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
export XDG_CACHE_HOME=$work/home/.cache XDG_RUNTIME_DIR=$work/runtime LOGISTICIAN_DATA_DIR=$source_dir
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
gui_libraries='libQt6(Widgets|Gui|Charts|OpenGL|Svg)'

# The libraries a command loads, one name a line (ld.so prints "file=NAME [0];  needed by ...").
loaded() {
    LD_DEBUG=files LD_DEBUG_OUTPUT=$work/ld "$@" >"$work/out" 2>"$work/err" || true
    sed -n 's/.*file=\([^ ]*\) .*needed by.*/\1/p' "$work"/ld.* | sort -u
    rm -f "$work"/ld.*
}

for args in "--help" "--version" "gui --help" "status --help"; do
    # shellcheck disable=SC2086 # the words of args are the arguments
    libraries=$(loaded "$cli" $args)
    # Guard: ld.so reported what it loaded, so an empty match below means something.
    grep -q '^libQt6Core\.so' <<<"$libraries" || fail "LD_DEBUG=files shows no libQt6Core for \`$args\`: $libraries"
    if grep -E "^$gui_libraries" <<<"$libraries" >&2; then
        fail "\`logistician $args\` loads the GUI libraries above"
    fi
    [ -s "$work/out" ] || fail "\`logistician $args\` printed nothing; stderr: $(cat "$work/err")"
    echo "ok: logistician $args loads $(wc -l <<<"$libraries") libraries, none of Qt's GUI ones"
done
grep -q '^Usage: logistician gui' < <("$cli" gui --help) || fail "gui --help is not the gui verb's help"

# A project for the window: the addition example in a Git repository of its own.
project=$work/project
cp -r "$source_dir/examples/addition" "$project"
git -C "$project" init -q
git -C "$project" add -A
git -C "$project" -c user.name=test -c user.email=test@example.org commit -qm example

# The window, through the CLI; the exec keeps the process, so LD_DEBUG sees its libraries too.
open_window() {
    QT_QPA_PLATFORM=offscreen LOGISTICIAN_QUIT_WHEN_SHOWN=1 timeout 60 "$@" gui "$project"
}
libraries=$(loaded open_window "$cli")
grep -qx 'shown 1 experiments' "$work/out" ||
    fail "logistician gui did not show the window: $(cat "$work/out" "$work/err")"
grep -q '^libQt6Widgets\.so' <<<"$libraries" || fail "the window loaded no libQt6Widgets: $libraries"
echo "ok: logistician gui PROJECT shows the window (it loads libQt6Widgets)"

# Installed layout: logistician in PREFIX/bin finds logistician-gui in PREFIX/libexec/logistician.
mkdir -p "$work/usr/bin" "$work/usr/libexec/logistician"
cp "$cli" "$work/usr/bin/logistician"
cp "$gui" "$work/usr/libexec/logistician/logistician-gui"
open_window "$work/usr/bin/logistician" >"$work/out" 2>"$work/err" ||
    fail "the installed layout's logistician gui exited $?: $(cat "$work/out" "$work/err")"
grep -qx 'shown 1 experiments' "$work/out" || fail "the installed layout's window: $(cat "$work/out" "$work/err")"
echo "ok: PREFIX/bin/logistician opens PREFIX/libexec/logistician/logistician-gui"

# Without the window's executable the CLI says what is missing.
rm "$work/usr/libexec/logistician/logistician-gui"
status=0
open_window "$work/usr/bin/logistician" >"$work/out" 2>"$work/err" || status=$?
[ "$status" = 1 ] || fail "logistician gui without logistician-gui exited $status"
grep -q "cannot start the desktop app $work/usr/libexec/logistician/logistician-gui" "$work/err" ||
    fail "logistician gui without logistician-gui said: $(cat "$work/err")"
echo "ok: a missing logistician-gui is an error naming it"
