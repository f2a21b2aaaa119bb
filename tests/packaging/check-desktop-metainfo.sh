#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The desktop entry passes desktop-file-validate and the AppStream metainfo
# passes appstreamcli validate --no-net, with no errors and no warnings
# (hints, infos and pedantic notes are allowed); both name the same app.
#   check-desktop-metainfo.sh DESKTOP_FILE METAINFO_FILE
set -euo pipefail
desktop=$1
metainfo=$2
status=0

for tool in desktop-file-validate appstreamcli; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL: $tool is missing (Debian: desktop-file-utils, appstream; ./scripts/install-deps.sh installs them)" >&2
        exit 1
    fi
done

if ! out=$(desktop-file-validate "$desktop" 2>&1); then
    echo "FAIL: desktop-file-validate $desktop:" >&2
    echo "$out" >&2
    status=1
elif grep -E ': (error|warning): ' <<<"$out" >&2; then
    echo "FAIL: desktop-file-validate reports the problems above" >&2
    status=1
else
    echo "ok: desktop-file-validate $desktop${out:+ (}${out:+$(grep -c . <<<"$out") hint(s))}"
fi

if ! out=$(appstreamcli validate --no-net --no-color "$metainfo" 2>&1); then
    echo "FAIL: appstreamcli validate --no-net $metainfo:" >&2
    echo "$out" >&2
    status=1
elif grep -E '^(E|W): ' <<<"$out" >&2; then
    echo "FAIL: appstreamcli reports the problems above" >&2
    status=1
else
    echo "ok: appstreamcli validate --no-net $metainfo"
fi

# The metainfo launches this desktop file, shows a screenshot, and uses the icon the desktop file names.
desktop_id=$(basename "$desktop")
grep -q "<launchable type=\"desktop-id\">$desktop_id</launchable>" "$metainfo" ||
    { echo "FAIL: $metainfo does not launch $desktop_id" >&2 && status=1; }
grep -q '<image type="source">https://[^<]*/main-window\.png</image>' "$metainfo" ||
    { echo "FAIL: $metainfo has no main-window.png screenshot URL" >&2 && status=1; }
icon=$(sed -n 's/^Icon=//p' "$desktop")
grep -q "<icon type=\"stock\">$icon</icon>" "$metainfo" ||
    { echo "FAIL: the metainfo's stock icon is not the desktop file's Icon=$icon" >&2 && status=1; }
exit $status
