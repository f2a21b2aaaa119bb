#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the .deb from this build with CPack and runs lintian on it: any E: or
# W: fails. What is deliberately kept is in packaging/lintian-overrides (the
# package installs it, so lintian reads it from the .deb), each with its reason;
# an override that no longer matches anything fails too, so the list stays short.
#   check-lintian.sh BUILD_DIR VERSION
set -euo pipefail
build_dir=$1
version=$2
command -v lintian >/dev/null || { echo "FAIL: lintian is missing (./scripts/install-deps.sh installs it)" >&2 && exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2 && echo "FAIL: cpack failed" >&2 && exit 1; }
deb=$work/logistician_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { echo "FAIL: cpack wrote no $(basename "$deb")" >&2 && exit 1; }

# --display-level: every severity, so an unused override (I:) is seen too. Lintian's own
# exit code is not used: its --fail-on default differs between versions.
lintian --tag-display-limit 0 --display-level '>=pedantic' --show-overrides "$deb" >"$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
status=0
if grep -E '^[EW]: ' "$work/lintian.txt" >/dev/null; then
    echo "FAIL: lintian reports the errors or warnings above (E:/W:)" >&2
    status=1
fi
if grep -E '^.: logistician: unused-override' "$work/lintian.txt" >/dev/null; then
    echo "FAIL: packaging/lintian-overrides has an override nothing needs any more" >&2
    status=1
fi
grep -q '^O: ' "$work/lintian.txt" || { echo "FAIL: lintian did not read the package's overrides" >&2 && status=1; }
[ $status = 0 ] && echo "ok: lintian $(lintian --version | grep -o '[0-9][0-9.]*' | head -1): no errors or warnings in $(basename "$deb")"
exit $status
