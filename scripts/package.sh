#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds Logistician and makes the Debian package logistician_<version>_amd64.deb
# with CPack. The package goes to the folder given as the first argument
# (default: <build dir>/packages); its path is printed on the last line.
#   ./scripts/package.sh [OUT_DIR]
#   sudo apt-get install ./build/packages/logistician_*_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOGISTICIAN_BUILD_DIR:-build}
out_dir=${1:-$build_dir/packages}
./scripts/build.sh
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$out_dir" >"$out_dir/cpack.log" 2>&1 || {
    echo "package: cpack failed; see $out_dir/cpack.log" >&2
    tail -n 20 "$out_dir/cpack.log" >&2
    exit 1
}
rm -rf "$out_dir/_CPack_Packages"
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
deb=$out_dir/logistician_${version}_$(dpkg --print-architecture).deb
if [ ! -f "$deb" ]; then
    echo "package: cpack did not write $deb; see $out_dir/cpack.log" >&2
    exit 1
fi
echo "$deb"
