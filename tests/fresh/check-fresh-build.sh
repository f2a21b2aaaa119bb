#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's set-up on a fresh Debian 12: copies the checkout (tracked and
# new files, nothing ignored, no build folder) into a clean container of the
# base image, runs scripts/install-deps.sh and scripts/build.sh there as a new
# user would, then the built binary's --version and one unit test.
#   check-fresh-build.sh SOURCE_DIR [VERSION]
# Only downloaded .debs are kept between runs, in
# $LOGISTICIAN_CACHE_DIR/apt-archives (default /var/cache/logistician): never
# installed state, which would hide a missing install step.
set -euo pipefail
source_dir=$1
version=${2:-}
. "$(dirname "$0")/../support/clean-container.sh" fresh-build

# --- the checkout, as a fresh clone has it (plus files not committed yet) ---------------------
say "copying the checkout from $source_dir"
mkdir -p "$work/src"
(cd "$source_dir" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 -r stat --printf='%n\0' 2>/dev/null | tar --null -T - -cf -) | tar -C "$work/src" -xf -
[ -x "$work/src/scripts/install-deps.sh" ] || fail "the copy has no scripts/install-deps.sh"
[ ! -e "$work/src/build" ] || fail "the copy has a build folder; it must start from sources only"
say "copied $(find "$work/src" -type f | wc -l) files"

# Packages this machine already downloaded are the same files from the same
# archive: seed the cache with them (downloads only, nothing installed).
find /var/cache/apt/archives -maxdepth 1 -name '*.deb' -exec cp -n -t "$cache_dir" {} + 2>/dev/null || true
cat >"$work/in-container.sh" <<'SCRIPT'
set -euo pipefail
version=$1
step() { printf '[container %3ds] %s\n' $SECONDS "$*"; }
export LANG=C.UTF-8 NO_COLOR=1
# Keep the downloaded .debs in the mounted cache (the slim image deletes them),
# and start no services from package scripts: a container has no init.
rm -f /etc/apt/apt.conf.d/docker-clean
echo 'APT::Keep-Downloaded-Packages "true";' >/etc/apt/apt.conf.d/90keep
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
# A throwaway container needs no fsync after every file dpkg unpacks.
echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/90unsafe-io
cd /src
step "scripts/install-deps.sh"
./scripts/install-deps.sh >/tmp/install.log 2>&1 || { tail -n 40 /tmp/install.log; echo "FAIL: install-deps.sh exited non-zero"; exit 1; }
step "install-deps.sh: $(dpkg-query -W -f='.\n' | wc -l) packages on the machine now"
step "scripts/build.sh logistician test_parameters"
CI=true ./scripts/build.sh logistician test_parameters >/tmp/build.log 2>&1 || { tail -n 60 /tmp/build.log; echo "FAIL: build.sh exited non-zero"; exit 1; }
step "built"
[ -s /tmp/ccache.log ] && step "compiler cache: $(grep -o 'Result: [a-z_]*' /tmp/ccache.log | sort | uniq -c | tr -s ' \n' ' ')"
out=$(./build/logistician --version)
if [ -n "$version" ] && [ "$(head -n 1 <<<"$out")" != "logistician $version" ]; then
    echo "FAIL: logistician --version printed \"$out\", expected \"logistician $version\""; exit 1
fi
step "logistician --version: $out"
# Through ctest, with the environment the suite gives it (data folder, support files).
ctest --test-dir build -R '^test_parameters$' --output-on-failure >/tmp/unit.log 2>&1 || { cat /tmp/unit.log; echo "FAIL: test_parameters"; exit 1; }
step "test_parameters: $(grep -E 'tests passed' /tmp/unit.log)"
SCRIPT

# The compiler's cache of this machine's own build (scripts/build.sh: ccache, paths relative to the checkout),
# read-only: the same compiler package on the same sources gives the same objects, and the container keeps
# nothing. It hides no missing package: ccache checks every header an object was made from and compiles again
# (and fails where it must) when one is missing or differs; CMake's configure and the link run in full.
ccache=()
if command -v ccache >/dev/null && ccache_dir=$(ccache -k cache_dir 2>/dev/null) && [ -d "$ccache_dir" ]; then
    ccache=(-v "$ccache_dir:/ccache:ro" -e CCACHE_DIR=/ccache -e CCACHE_READONLY=1 -e CCACHE_TEMPDIR=/tmp/ccache
        -e CCACHE_LOGFILE=/tmp/ccache.log)
    say "the container reads this machine's compiler cache ($ccache_dir)"
fi
say "docker run $image: install-deps.sh, build.sh, --version, test_parameters"
docker run --name "$container" --rm \
    -v "$work/src:/src" \
    -v "$work/in-container.sh:/in-container.sh:ro" \
    -v "$cache_dir:/var/cache/apt/archives" \
    "${ccache[@]}" \
    "$image" bash /in-container.sh "$version" ||
    fail "in the clean container (above)"
say "ok: a fresh Debian 12 installs, builds and runs Logistician from this checkout"
