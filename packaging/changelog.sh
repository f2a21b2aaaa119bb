#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CHANGELOG.md (Keep a Changelog) is the one place a release is written; this
# turns its released sections (not [Unreleased]) into what the package needs:
#   changelog.sh debian CHANGELOG.md PACKAGE "MAINTAINER <EMAIL>"  Debian changelog on stdout
#   changelog.sh metainfo CHANGELOG.md                            AppStream <release> elements on stdout
#   changelog.sh has CHANGELOG.md VERSION                         exit 0 when VERSION has a dated section
# A section is `## [VERSION] - YYYY-MM-DD`, its entries `- text` lines under
# `### Added`, `### Changed`, `### Fixed`, ... (indented lines continue an entry).
set -euo pipefail
mode=$1
changelog=$2

# One record per entry: VERSION <TAB> DATE <TAB> CATEGORY <TAB> TEXT (Markdown backticks and links undone).
entries() {
    awk '
        function flush() { if (text != "") print version "\t" date "\t" category "\t" text; text = "" }
        /^## \[/ {
            flush()
            version = ""; date = ""; category = ""
            if (match($0, /^## \[[0-9][^]]*\] - [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/)) {
                version = $0; sub(/^## \[/, "", version); sub(/\].*/, "", version)
                date = $0; sub(/^.*\] - /, "", date); date = substr(date, 1, 10)
            }
            next
        }
        /^### / { flush(); category = substr($0, 5); next }
        version == "" { next }
        /^- / { flush(); text = substr($0, 3); next }
        /^  +[^ ]/ && text != "" { line = $0; sub(/^ +/, "", line); text = text " " line; next }
        /^$/ { flush() }
        END { flush() }
    ' "$changelog" | sed -E 's/`//g; s/\[([^]]*)\]\([^)]*\)/\1/g'
}

case "$mode" in
has)
    version=$3
    grep -qE "^## \[${version//./\\.}\] - [0-9]{4}-[0-9]{2}-[0-9]{2}" "$changelog"
    ;;
debian)
    package=$3
    maintainer=$4
    entries | awk -F '\t' -v package="$package" -v maintainer="$maintainer" '
        function wrap(text, first, rest,    out, line, n, i, words) {
            n = split(text, words, " "); line = first
            for (i = 1; i <= n; i++) {
                if (length(line) + length(words[i]) + 1 > 78 && line != first && line != rest) {
                    out = out line "\n"; line = rest
                }
                line = line ((line == first || line == rest) ? "" : " ") words[i]
            }
            return out line "\n"
        }
        function close_version() {
            if (current != "") {
                cmd = "date -u -d " last_date " -R"; cmd | getline stamp; close(cmd)
                printf "\n -- %s  %s\n\n", maintainer, stamp
            }
        }
        $1 != current {
            close_version()
            printf "%s (%s) unstable; urgency=medium\n\n", package, $1
            current = $1; last_date = $2
        }
        { printf "%s", wrap(($3 == "Added" ? "" : $3 ": ") $4, "  * ", "    ") }
        END { close_version() }
    ' | sed -e '$ { /^$/ d }'
    ;;
metainfo)
    entries | sed -e 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' | awk -F '\t' '
        function close_version() { if (current != "") print "        </ul>\n      </description>\n    </release>" }
        $1 != current {
            close_version()
            printf "    <release version=\"%s\" date=\"%s\">\n      <description>\n        <ul>\n", $1, $2
            current = $1
        }
        { printf "          <li>%s%s</li>\n", ($3 == "Added" ? "" : $3 ": "), $4 }
        END { close_version() }
    '
    ;;
*)
    echo "changelog.sh: unknown mode \"$mode\" (debian, metainfo or has)" >&2
    exit 2
    ;;
esac
