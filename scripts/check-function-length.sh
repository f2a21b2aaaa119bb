#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# No function in src/ is longer than 80 lines, counted from its opening brace to
# its closing brace (both included). A function is a definition whose braces
# stand alone at the start of a line, as .clang-format writes them
# (BraceWrapping: AfterFunction). Exit 1 listing each longer one as
# "file:line: name (N lines)".
#   scripts/check-function-length.sh [--list]   (--list: print all, longest first)
set -euo pipefail
cd "$(dirname "$0")/.."
limit=80
# ---- Skipped for now: remove an entry when its functions are split -------------
# Folders: none (src/gui was split on 2026-12-07).
skipped=(
)
# Functions (FILE:NAME) still to split (issue 25 item 2): none (Terraform's configuration,
# terminate's execute and the store's syncOne were split on 2026-12-07).
skippedFunctions=(
)
# --------------------------------------------------------------------------------
excludes=()
for dir in "${skipped[@]}"; do
    excludes+=(":!$dir")
done
list=false
[ "${1:-}" = --list ] && list=true
files=$(git ls-files -- 'src/*.cpp' 'src/*.h' "${excludes[@]}")
# shellcheck disable=SC2086
report=$(awk -v limit="$limit" -v all="$list" '
    FNR == 1 { open = 0; sig = "" }
    # A lone "{" after a signature opens a function, at any indentation (member functions in a class body
    # too); a class or struct has no "(" before its brace. Its "}" at the same indentation closes it.
    open == 0 && /^ *\{[[:space:]]*$/ {
        if (sig ~ /\(/) {
            open = FNR; match($0, /^ */); indent = RLENGTH; name = sig; sig = ""
        }
        next
    }
    open > 0 && /^ *\}/ {
        match($0, /^ */)
        if (RLENGTH != indent)
            next
        n = FNR - open + 1
        sub(/\(.*/, "", name); sub(/.*[ *&~]/, "", name)
        if (all == "true" || n > limit) printf "%d %s:%d: %s (%d lines)\n", n, FILENAME, open, name, n
        open = 0
        next
    }
    open == 0 {
        # The signature: from its first line that names a function (it has a "(") to the brace.
        if ($0 ~ /^[[:space:]]*$/ || $0 ~ /;[[:space:]]*$/ || $0 ~ /^[[:space:]]*(\/\/|#)/) sig = ""
        else if (sig == "" || sig !~ /\(/) sig = $0
    }
' $files | sort -rn | cut -d' ' -f2-)
if $list; then
    echo "$report"
    exit 0
fi
for entry in "${skippedFunctions[@]}"; do
    report=$(echo "$report" | grep -v -E "^${entry%%:*}:[0-9]+: ${entry#*:} " || true)
done
if [ -n "$report" ]; then
    echo "FAIL: functions longer than $limit lines (split them into named steps):" >&2
    echo "$report" >&2
    exit 1
fi
