#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Puts the SPDX licence identifier into every source file of the project:
#   C++ (*.cpp, *.h under src/, tests/, bench/): `// SPDX-License-Identifier: MIT` as line 1;
#   scripts (a shebang, or *.sh, under scripts/, tests/, packaging/, bench/):
#   `# SPDX-License-Identifier: MIT` right after the shebang (line 1 without one).
# Idempotent: a file that has the line where it belongs is left as it is, so it
# can run after every merge. `--check` changes nothing and lists the files that
# lack it (exit 1); tests/style runs that.
# Not covered, on purpose: templates/ and examples/ (they become the user's own
# files or are rendered onto remote machines) and files not tracked by Git.
#   scripts/add-spdx.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
cpp_line='// SPDX-License-Identifier: MIT'
sh_line='# SPDX-License-Identifier: MIT'

# Tracked files plus new ones not yet added (a helper's fresh file counts too).
areas=(src tests bench scripts packaging)
mapfile -t files < <({ git ls-files -- "${areas[@]}" && git ls-files --others --exclude-standard -- "${areas[@]}"; } |
    grep -v -E '(^|/)build[^/]*/' | sort -u)
lacking=()
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    case "$f" in
    src/* | tests/* | bench/*) case "$f" in *.cpp | *.h) kind=cpp ;; *) kind= ;; esac ;;
    *) kind= ;;
    esac
    if [ -z "$kind" ]; then
        if head -c 2 "$f" | grep -q '^#!'; then
            kind=shebang
        elif [[ "$f" == *.sh ]]; then
            kind=sh
        else
            continue
        fi
    fi
    case "$kind" in
    cpp) [ "$(head -n 1 "$f")" = "$cpp_line" ] && continue ;;
    shebang) [ "$(sed -n 2p "$f")" = "$sh_line" ] && continue ;;
    sh) [ "$(head -n 1 "$f")" = "$sh_line" ] && continue ;;
    esac
    lacking+=("$f")
    [ $check = 1 ] && continue
    # Rewrite in place (same inode, so the mode and the executable bit stay).
    content=$(cat "$f"; printf x)
    content=${content%x}
    case "$kind" in
    cpp) printf '%s\n%s' "$cpp_line" "$content" >"$f" ;;
    sh) printf '%s\n%s' "$sh_line" "$content" >"$f" ;;
    shebang)
        first=${content%%$'\n'*}
        printf '%s\n%s\n%s' "$first" "$sh_line" "${content#*$'\n'}" >"$f"
        ;;
    esac
done
if [ $check = 1 ]; then
    if [ ${#lacking[@]} -gt 0 ]; then
        printf 'no SPDX-License-Identifier where it belongs: %s\n' "${lacking[@]}" >&2
        echo "add-spdx: run scripts/add-spdx.sh to add it" >&2
        exit 1
    fi
    echo "add-spdx: ${#files[@]} files looked at, every source file has its SPDX line"
else
    echo "add-spdx: added the SPDX line to ${#lacking[@]} file(s)"
fi
