#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man page and the bash completion name every verb the binary has, and
# every option of every verb; the man page renders without groff warnings.
# The binary is asked directly (`--help`, `VERB --help`), independently of the
# generator, so a verb or option the generator misses is named here.
#   check-cli-docs.sh BINARY MAN_PAGE COMPLETION
set -euo pipefail
binary=$1
man_page=$2
completion=$3
export LANG=C.UTF-8 NO_COLOR=1 QT_QPA_PLATFORM=offscreen
failures=()

for f in "$man_page" "$completion"; do
    [ -s "$f" ] || { echo "FAIL: $f is missing or empty (built by the logistician_cli_docs target)" >&2 && exit 1; }
done

mapfile -t verbs < <("$binary" --help | awk '/^Verbs:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
if [ ${#verbs[@]} -lt 5 ]; then
    echo "FAIL: could not read the verbs from \`$binary --help\` (found: ${verbs[*]:-none})" >&2
    exit 1
fi
echo "verbs of the binary: ${verbs[*]}"

# What the completion offers for a command line; the last word is being completed.
complete_words() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
             _logistician; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
# The man page as text, with roff escapes for hyphens undone.
man_text=$(sed -e 's/\\-/-/g' "$man_page")

top_offers=$(complete_words logistician "")
for verb in "${verbs[@]}"; do
    grep -qx -- "$verb" <<<"$top_offers" || failures+=("completion does not offer the verb \"$verb\"")
    grep -q -- "^\.SS \"logistician ${verb}[ \"]" <<<"$man_text" || failures+=("man page has no section for the verb \"$verb\"")
    [ "$verb" = gui ] && continue # gui opens the window; it has no --help of its own
    help=$("$binary" "$verb" --help) || { failures+=("\`logistician $verb --help\` fails") && continue; }
    # Option names: the rows of the Options: block, up to the description column.
    mapfile -t options < <(awk '/^Options:$/ { on = 1; next } on && /^$/ { exit } on' <<<"$help" |
        sed -E 's/^ +//; s/  .*//' | grep -o -E -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9_-]*' | tr -d ' ,')
    [ ${#options[@]} -gt 0 ] || failures+=("no options read from \`logistician $verb --help\`")
    # The section heading carries the verb's usage, whichever way the binary spells its program name.
    usage=$(head -n 1 <<<"$help" | sed -E "s/^Usage: [^ ]+ ?//; s/^$verb( |\$)//; s/^\[options\]/[OPTIONS]/")
    grep -qxF -- ".SS \"logistician $verb $usage\"" <<<"$man_text" ||
        failures+=("man page heading for \"$verb\" is not \"logistician $verb $usage\"")
    verb_offers=$(complete_words logistician "$verb" -)
    section=$(awk -v v="$verb" '/^\.SS / { on = index($0, "\"logistician " v " ") || index($0, "\"logistician " v "\"") ; next } on' <<<"$man_text")
    for option in "${options[@]}"; do
        grep -qx -- "$option" <<<"$verb_offers" || failures+=("completion does not offer \"$option\" after \"$verb\"")
        grep -q -E -- "(^|[ ,])$option([ ,]|\$)" <<<"$section" || failures+=("man page does not describe \"$option\" of \"$verb\"")
    done
done
# Nothing stale: every verb section in the man page is a verb the binary has.
while read -r documented; do
    printf '%s\n' "${verbs[@]}" | grep -qx -- "$documented" || failures+=("man page documents \"$documented\", which the binary does not have")
done < <(sed -n 's/^\.SS "logistician \([^ "]*\).*/\1/p' <<<"$man_text")

if command -v man >/dev/null; then
    warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$man_page" 2>&1 >/dev/null || echo "man exited non-zero")
    [ -z "$warnings" ] || failures+=("man --warnings: $warnings")
fi

if [ ${#failures[@]} -gt 0 ]; then
    printf 'FAIL: %s\n' "${failures[@]}" >&2
    echo "The man page and completion are generated from the binary's help by packaging/generate-cli-docs.sh;" >&2
    echo "a failure here means its parser missed something in the help text above." >&2
    exit 1
fi
echo "ok: the man page and completion name every verb (${#verbs[@]}) and every option"
