#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/release.sh on a scratch clone of the committed tree: it refuses a
# dirty tree, a version CHANGELOG.md does not have and a tag that exists; given
# a version with a section, it sets project()'s version and commits it, builds,
# writes the .deb, a `git archive` tarball and SHA256SUMS that verify, tags
# locally and pushes nothing. Then a new commit in the clone rebuilds exactly
# one C++ file for --version. Uses --skip-tests (the suite runs on this tree
# already); with ccache warm from build/ it takes a few minutes.
#   check-release.sh SOURCE_DIR
set -euo pipefail
source_dir=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2 && exit 1; }
say() { echo "[release] $*"; }
export LANG=C.UTF-8 NO_COLOR=1 QT_QPA_PLATFORM=offscreen
# The clone sits at build/'s depth under its own base_dir, so ccache hits the objects build/ made.
export CCACHE_BASEDIR=$work/clone CCACHE_NOHASHDIR=1
start=$SECONDS

git clone -q "$source_dir" "$work/clone"
cd "$work/clone"
git config user.name "Release Test"
git config user.email "release-test@example.invalid"
version=9.8.7
arch=$(dpkg --print-architecture)

refuses() { # WHAT EXPECTED_MESSAGE ARGS...: release.sh exits non-zero saying EXPECTED_MESSAGE
    local what=$1 expected=$2 status=0 tags head
    shift 2
    tags=$(git tag -l)
    head=$(git rev-parse HEAD)
    ./scripts/release.sh "$@" >"$work/out" 2>&1 || status=$?
    [ $status != 0 ] || fail "release.sh ran with $what"
    grep -q -- "$expected" "$work/out" || fail "release.sh with $what said: $(cat "$work/out")"
    [ "$(git tag -l)" = "$tags" ] || fail "release.sh with $what changed the tags: $(git tag -l)"
    [ "$(git rev-parse HEAD)" = "$head" ] || fail "release.sh with $what committed"
    say "refused: $what"
}
refuses "no CHANGELOG section" "CHANGELOG.md has no \"## \[$version\]" "$version" --skip-tests
refuses "a malformed version" "VERSION must be MAJOR.MINOR.PATCH" "9.8" --skip-tests

# A release section, first uncommitted (dirty), then committed.
awk -v v="$version" '/^## \[Unreleased\]/ { print; print ""; print "## [" v "] - 2030-01-02"; print ""; print "### Fixed"; print ""; print "- A test release."; next } { print }' \
    CHANGELOG.md >"$work/cl" && cp "$work/cl" CHANGELOG.md
refuses "a dirty tree" "the tree is not clean" "$version" --skip-tests
git commit -q -am "Changelog for $version"
before=$(git rev-parse HEAD)

say "scripts/release.sh $version --skip-tests"
./scripts/release.sh "$version" --skip-tests >"$work/out" 2>"$work/err" ||
    { cat "$work/out" "$work/err" >&2 && fail "release.sh $version exited non-zero"; }
say "released in $((SECONDS - start)) s"
commit=$(git rev-parse HEAD)
[ "$(git rev-parse HEAD~1)" = "$before" ] || fail "release.sh did not make one commit on top"
grep -q "^project(Logistician VERSION $version " CMakeLists.txt || fail "CMakeLists.txt's project() is not $version"
[ "$(git log -1 --format=%s)" = "Release $version" ] || fail "the version commit is \"$(git log -1 --format=%s)\""
[ -z "$(git status --porcelain)" ] || fail "release.sh left the tree dirty: $(git status --porcelain)"
[ "$(git rev-parse "v$version^{commit}")" = "$commit" ] || fail "the tag v$version is not on $commit"
[ "$(git cat-file -t "v$version")" = tag ] || fail "v$version is not an annotated tag"
git -C "$source_dir" rev-parse -q --verify "refs/tags/v$version" >/dev/null && fail "the tag reached the origin"
say "version committed, tagged v$version locally, the origin untouched"

dist=build-release/dist
deb=logistician_${version}_$arch.deb
tarball=logistician-$version.tar.gz
for f in "$deb" "$tarball" SHA256SUMS; do [ -f "$dist/$f" ] || fail "no $dist/$f"; done
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not verify"
[ "$(awk '{ print $2 }' "$dist/SHA256SUMS" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$deb" "$tarball" | sort | tr '\n' ' ')" ] ||
    fail "SHA256SUMS lists: $(cat "$dist/SHA256SUMS")"
[ "$(dpkg-deb --field "$dist/$deb" Version)" = "$version" ] || fail "the .deb's Version is not $version"
# (Read whole, then matched: grep -q closing a pipe early fails the pipeline under pipefail.)
debian_changelog=$(dpkg-deb --fsys-tarfile "$dist/$deb" | tar -xO ./usr/share/doc/logistician/changelog.gz | gzip -dc)
[ "$(head -n 1 <<<"$debian_changelog")" = "logistician ($version) unstable; urgency=medium" ] ||
    fail "the .deb's changelog does not start with $version"
metainfo=$(dpkg-deb --fsys-tarfile "$dist/$deb" | tar -xO ./usr/share/metainfo/io.github.logistician.Logistician.metainfo.xml)
grep -q "<release version=\"$version\" date=\"2030-01-02\">" <<<"$metainfo" || fail "the metainfo has no release $version"
# The tarball is the commit (same file list as git archive), and knows its commit for --version.
diff <(tar -tzf "$dist/$tarball" | grep -v '/$' | sed "s|^logistician-$version/||" | sort) <(git ls-files | sort) >&2 ||
    fail "the tarball's files are not the commit's"
[ "$(tar -xzOf "$dist/$tarball" "logistician-$version/cmake/git-commit.txt")" = "$commit" ] ||
    fail "the tarball's cmake/git-commit.txt does not name $commit"
[ "$(build-release/logistician --version)" = "logistician $version"$'\n'"commit $commit" ] ||
    fail "build-release/logistician --version: $(build-release/logistician --version)"
say "the .deb ($version, changelog, metainfo), the tarball and SHA256SUMS are right"

refuses "an existing tag" "the tag v$version exists already" "$version" --skip-tests

# A new commit recompiles one C++ file (the one that includes the generated commit header).
git commit -q --allow-empty -m "Another commit"
compiled=$(cmake --build build-release --target logistician -- -v 2>&1 | grep -o ' -c [^ ]*\.cpp' | sed 's/ -c //')
[ "$(wc -l <<<"$compiled")" = 1 ] && [[ "$compiled" == */src/core/version/BuildInfo.cpp ]] ||
    fail "a new commit recompiled: ${compiled:-nothing}"
[ "$(build-release/logistician --version | tail -n 1)" = "commit $(git rev-parse HEAD)" ] ||
    fail "after a new commit, --version says $(build-release/logistician --version | tail -n 1)"
echo dirty >>README.md
cmake --build build-release --target logistician >/dev/null
[ "$(build-release/logistician --version | tail -n 1)" = "commit $(git rev-parse HEAD) (dirty)" ] ||
    fail "with a changed README.md, --version says $(build-release/logistician --version | tail -n 1)"
say "a new commit recompiles only BuildInfo.cpp; a changed tracked file shows as (dirty)"
say "ok in $((SECONDS - start)) s"
