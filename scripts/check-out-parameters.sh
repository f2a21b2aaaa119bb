#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Errors travel one way: a function returns a Result (or a ResultOf<T> with its
# value), never an error through an out-parameter. Fails, naming each line, on a
# parameter that is a QString* for an error (error, why, problem, reason,
# message), any Result*, or a Result& that is not const.
#   scripts/check-out-parameters.sh
set -euo pipefail
cd "$(dirname "$0")/.."
failures=0
patterns=(
    # QString* error, QString *why, QString* splitError ...
    'QString[[:space:]]*\*[[:space:]]*[A-Za-z_]*([Ee]rror|[Ww]hy|[Pp]roblem|[Rr]eason|[Mm]essage)[[:space:]]*[,)=]'
    # Result* error
    '[(,][[:space:]]*Result[[:space:]]*\*'
    # Result& error (a const Result& is an input)
    '[(,][[:space:]]*Result[[:space:]]*&[[:space:]]*[A-Za-z_]+[[:space:]]*[,)=]'
)
for pattern in "${patterns[@]}"; do
    if hits=$(git grep -n -I -E "$pattern" -- src); then
        echo "FAIL: an error out-parameter; return a Result or a ResultOf<T> (src/core/Result.h) instead:" >&2
        echo "$hits" >&2
        failures=1
    fi
done
exit $failures
