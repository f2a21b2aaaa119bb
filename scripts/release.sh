#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cuts release VERSION of Logistician, locally; it pushes nothing.
#   1. checks that the tree is clean, that CHANGELOG.md has a dated
#      `## [VERSION] - YYYY-MM-DD` section and that the tag vVERSION is free;
#   2. sets the one version source, project() in CMakeLists.txt, and commits
#      that ("Release VERSION") when it changes;
#   3. builds in build-release/ (no source path compiled in:
#      LOGISTICIAN_SOURCE_DATA=OFF) and runs the test suite (scripts/test.sh);
#   4. makes the .deb (SOURCE_DATE_EPOCH = the commit's time, so it is
#      reproducible), a source tarball with `git archive` and SHA256SUMS, in
#      build-release/dist/;
#   5. tags the commit vVERSION (annotated).
#   scripts/release.sh VERSION [--skip-tests]
# --skip-tests builds only what the package needs and runs no tests; it exists
# for tests/release, which runs this script on a scratch clone (the suite has
# run on the same commit already there), not for real releases.
# If a step after 2 fails, the version commit stays: `git reset --hard HEAD~1` undoes it.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/release.sh VERSION [--skip-tests]" >&2 && exit 2; }
fail() { echo "release: $*" >&2 && exit 1; }
say() { echo "release: $*" >&2; }
[ $# -ge 1 ] || usage
version=$1
skip_tests=0
[ "${2:-}" = "--skip-tests" ] && skip_tests=1
[ $# -le 2 ] && { [ $# -eq 1 ] || [ $skip_tests = 1 ]; } || usage
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION must be MAJOR.MINOR.PATCH, not \"$version\""
tag=v$version

# --- 1. checks ---------------------------------------------------------------------------------
[ -z "$(git status --porcelain)" ] || fail "the tree is not clean (git status): commit or stash first"
packaging/changelog.sh has CHANGELOG.md "$version" ||
    fail "CHANGELOG.md has no \"## [$version] - YYYY-MM-DD\" section: write the release there first"
! git rev-parse -q --verify "refs/tags/$tag" >/dev/null || fail "the tag $tag exists already"

# --- 2. the one version source ---------------------------------------------------------------------
current=$(sed -n 's/^project(Logistician VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)
[ -n "$current" ] || fail "no project(Logistician VERSION ...) line in CMakeLists.txt"
if [ "$current" != "$version" ]; then
    sed -i "s/^project(Logistician VERSION $current /project(Logistician VERSION $version /" CMakeLists.txt
    git add CMakeLists.txt
    git commit -q -m "Release $version"
    say "version $current -> $version, committed"
fi
commit=$(git rev-parse HEAD)
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH

# --- 3. build and test ----------------------------------------------------------------------------
build_dir=build-release
export LOGISTICIAN_BUILD_DIR=$build_dir
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ $skip_tests = 1 ]; then
    testing=(-DBUILD_TESTING=OFF -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON)
else
    testing=(-DBUILD_TESTING=ON)
fi
say "configure $build_dir"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGISTICIAN_SOURCE_DATA=OFF \
    "${testing[@]}" "${launcher[@]}" >/dev/null
if [ $skip_tests = 1 ]; then
    targets=(logistician logistician-gui logistician_cli_docs)
    command -v rsvg-convert >/dev/null && targets+=(logistician_icons)
    say "build ${targets[*]} (--skip-tests: no tests)"
    cmake --build "$build_dir" --target "${targets[@]}" -- -j"$(nproc)" >/dev/null
else
    say "build and run the test suite (scripts/test.sh)"
    ./scripts/test.sh
fi
built=$("$build_dir/logistician" --version)
[ "$built" = "logistician $version"$'\n'"commit $commit" ] ||
    fail "the build says \"$built\", not version $version at commit $commit (clean)"

# --- 4. the .deb, the source tarball, the sums --------------------------------------------------------
dist=$build_dir/dist
rm -rf "$dist"
mkdir -p "$dist"
say "cpack -G DEB"
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$dist" >"$build_dir/cpack.log" 2>&1 ||
    { tail -n 30 "$build_dir/cpack.log" >&2 && fail "cpack failed (see $build_dir/cpack.log)"; }
rm -rf "$dist/_CPack_Packages"
deb=logistician_${version}_$(dpkg --print-architecture).deb
[ -f "$dist/$deb" ] || fail "cpack wrote no $deb"
tarball=logistician-$version.tar.gz
git archive --format=tar.gz --prefix="logistician-$version/" -o "$dist/$tarball" "$commit"
(cd "$dist" && sha256sum "$deb" "$tarball" >SHA256SUMS)

# --- 5. the tag ------------------------------------------------------------------------------------------
git tag -a "$tag" -m "Logistician $version" "$commit"
say "tagged $tag at $commit (not pushed)"
echo "$(cd "$dist" && pwd)/$deb"
echo "$(cd "$dist" && pwd)/$tarball"
echo "$(cd "$dist" && pwd)/SHA256SUMS"
