#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The same commit built twice, in two build folders, gives a byte-identical
# .deb (cmp). Each build tree holds only what the .deb needs (BUILD_TESTING=OFF,
# the binaries, icons, man page and completion, as a release configures it:
# LOGISTICIAN_SOURCE_DATA=OFF), SOURCE_DATE_EPOCH is the commit's time, and no
# source or build folder may appear in any file of the package.
#   check-reproducible.sh SOURCE_DIR
# The trees are SOURCE_DIR/build-repro-a and -b (ignored by Git, removed after a
# pass, kept after a failure): at the depth of build/, so ccache (base_dir set to
# SOURCE_DIR, hash_dir off, and the objects carry no paths: -ffile-prefix-map)
# serves both trees from the objects build/ already compiled. With a warm cache
# it takes about 2 minutes on 2 cores; cold, one compile of the app.
set -euo pipefail
source_dir=$(cd "$1" && pwd)
fail() { echo "FAIL: $*" >&2 && exit 1; }
say() { echo "[reproducible] $*"; }
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache) || launcher=()
export CCACHE_BASEDIR=$source_dir CCACHE_NOHASHDIR=1
SOURCE_DATE_EPOCH=$(git -C "$source_dir" log -1 --format=%ct)
export SOURCE_DATE_EPOCH LANG=C.UTF-8 NO_COLOR=1 QT_QPA_PLATFORM=offscreen
arch=$(dpkg --print-architecture)
version=$(sed -n 's/^project(Logistician VERSION \([0-9.]*\) .*/\1/p' "$source_dir/CMakeLists.txt")
[ -n "$version" ] || fail "no version in $source_dir/CMakeLists.txt's project()"
start=$SECONDS
# What the .deb installs: the two executables, the man page and completion, and the PNG icons when they can be made.
targets=(logistician logistician-gui logistician_cli_docs)
command -v rsvg-convert >/dev/null && targets+=(logistician_icons)

build_tree() { # NAME: configure, build what the .deb needs, cpack into NAME/dist
    local tree=$source_dir/build-repro-$1
    rm -rf "$tree"
    say "$1: configure, build and package in $tree"
    # CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: cpack installs what was built, it does not build `all` (benchmarks).
    cmake -S "$source_dir" -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
        -DLOGISTICIAN_SOURCE_DATA=OFF -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON "${launcher[@]}" >"$tree.log" 2>&1 ||
        { cat "$tree.log" >&2 && fail "cmake configure of $1"; }
    cmake --build "$tree" --target "${targets[@]}" >>"$tree.log" 2>&1 ||
        { tail -n 40 "$tree.log" >&2 && fail "build of $1"; }
    cpack --config "$tree/CPackConfig.cmake" -G DEB -B "$tree/dist" >>"$tree.log" 2>&1 ||
        { tail -n 40 "$tree.log" >&2 && fail "cpack in $1"; }
    [ -f "$tree/dist/logistician_${version}_$arch.deb" ] || fail "$1 made no logistician_${version}_$arch.deb"
    say "$1: done at $((SECONDS - start)) s"
}
build_tree a
build_tree b
a=$source_dir/build-repro-a/dist/logistician_${version}_$arch.deb
b=$source_dir/build-repro-b/dist/logistician_${version}_$arch.deb
if ! cmp "$a" "$b"; then
    command -v diffoscope >/dev/null && diffoscope "$a" "$b" | head -n 80 >&2
    fail "two builds of one commit differ: $a $b (kept; diffoscope shows how)"
fi
say "cmp: the two .debs are identical ($(stat -c %s "$a") bytes, sha256 $(sha256sum <"$a" | cut -c1-16)…)"

# No source or build folder in any file of the package (binaries included).
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$a" "$unpacked"
dpkg-deb -e "$a" "$unpacked/DEBIAN"
for path in "$source_dir" "$source_dir/build-repro-a"; do
    if found=$(grep -r -l -a -F -- "$path" "$unpacked"); then
        fail "the package contains the path $path in: ${found//$unpacked/}"
    fi
done
# Every file's time in the archive is the commit's (no build time).
newer=$(dpkg-deb --fsys-tarfile "$a" | TZ=UTC tar -tv --full-time | awk -v t="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S')" '$4 " " $5 > t' | head -n 3)
[ -z "$newer" ] || fail "files in the package are newer than the commit: $newer"
say "no source or build path, no time after the commit ($(date -u -d "@$SOURCE_DATE_EPOCH" -R))"
rm -rf "$source_dir/build-repro-a" "$source_dir/build-repro-b" "$source_dir"/build-repro-[ab].log
say "ok in $((SECONDS - start)) s"
