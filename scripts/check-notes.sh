#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Notes for the next person: no comment cites a finding by a bare code such as
# "D2" (from a review that is not in the repository: write out the reason), and
# CONTRIBUTING.md says how to add a verb, a backend and a setting, how to run
# one test, and how to write a commit subject. Exit 1 naming what is wrong.
#   scripts/check-notes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
failures=0
# A "D" and one or two digits as a word, in a comment line (// or #) of the code and the tests.
if hits=$(git grep -n -I -E '(//|#).*\bD[0-9]{1,2}\b' -- src tests bench scripts ':!scripts/check-notes.sh'); then
    echo "FAIL: a comment cites a finding by its code; write out what it means:" >&2
    echo "$hits" >&2
    failures=1
fi
for section in '## Build and run one test' '## Add a verb' '## Add a backend' '## Add a setting' '72 characters'; do
    if ! grep -qF "$section" CONTRIBUTING.md 2>/dev/null; then
        echo "FAIL: CONTRIBUTING.md lacks \"$section\"" >&2
        failures=1
    fi
done
exit $failures
