#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a C++ file in src/, tests/ or bench/ is not formatted as
# .clang-format says (clang-format --dry-run -Werror); prints what differs.
# `scripts/check-format.sh --fix` formats them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests bench -name build -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort)
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
if ! clang-format --dry-run -Werror "${files[@]}"; then
    echo "check-format: run scripts/check-format.sh --fix (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1))" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
