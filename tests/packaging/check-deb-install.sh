#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the .deb with CPack from this build, checks its name, fields and
# contents, installs it with apt into a clean debian:bookworm-slim container
# (which fetches the dependencies from Debian's archive), and runs
# `logistician --version`, `--help`, `create` and `gui` (offscreen) there. The templates must come
# from /usr/share/logistician: decoy templates wait at the source-tree and
# /usr/local paths the binary would fall back to.
#   check-deb-install.sh BUILD_DIR VERSION SOURCE_DIR
# Downloaded .debs are kept in $LOGISTICIAN_CACHE_DIR/apt-archives (default
# /var/cache/logistician) so the next run does not fetch Qt again.
set -euo pipefail
build_dir=$1
version=$2
source_dir=$3
. "$(dirname "$0")/../support/clean-container.sh" deb-test

# --- build the package -------------------------------------------------------------------
say "cpack -G DEB"
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2 && fail "cpack failed"; }
arch=$(dpkg --print-architecture)
deb=$work/out/logistician_${version}_${arch}.deb
[ -f "$deb" ] || fail "no $(basename "$deb"); cpack wrote: $(cd "$work/out" && ls ./*.deb 2>/dev/null)"
say "$(basename "$deb"): $(stat -c %s "$deb") bytes"

# --- fields ----------------------------------------------------------------------------
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = logistician ] || fail "Package is \"$(field Package)\""
[ "$(field Version)" = "$version" ] || fail "Version is \"$(field Version)\", CMake says $version"
depends=$(field Depends)
for lib in libqt6core6 libqt6widgets6 libqt6network6 libgit2 libqt6keychain1 qt6-qpa-plugins; do
    grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
recommends=$(field Recommends)
for tool in docker.io rsync openssh-client; do
    grep -q "$tool" <<<"$recommends" || fail "Recommends lacks $tool: $recommends"
done
grep -qi terraform <<<"$(field Description)" || fail "the description does not name terraform"
say "fields ok; Depends: $depends"

# --- contents ---------------------------------------------------------------------------
contents=$(dpkg-deb --contents "$deb" | awk '{ print $NF }' | sed 's|^\./|/|')
expect=(
    /usr/bin/logistician
    /usr/libexec/logistician/logistician-gui
    /usr/share/logistician/templates/experiment/shell/Dockerfile
    /usr/share/logistician/templates/experiment/shell/parameters.json
    /usr/share/logistician/examples/addition/experiments/1/parameters.json
    /usr/share/applications/io.github.logistician.Logistician.desktop
    /usr/share/metainfo/io.github.logistician.Logistician.metainfo.xml
    /usr/share/icons/hicolor/scalable/apps/io.github.logistician.Logistician.svg
    /usr/share/man/man1/logistician.1.gz
    /usr/share/bash-completion/completions/logistician
    /usr/share/doc/logistician/copyright
    /usr/share/doc/logistician/changelog.gz
)
for size in 16 22 24 32 48 64 128 256 512; do
    expect+=("/usr/share/icons/hicolor/${size}x${size}/apps/io.github.logistician.Logistician.png")
done
for path in "${expect[@]}"; do
    grep -qx -- "$path" <<<"$contents" || fail "the package lacks $path"
done
if grep -E '/experiments/[^/]+/data/|/\.logistician(/|$)' <<<"$contents" >&2; then
    fail "the package ships run results or tool state (above)"
fi
say "contents ok ($(wc -l <<<"$contents") paths)"

# --- install into a clean container and use it ---------------------------------------------------
cat >"$work/in-container.sh" <<'SCRIPT'
set -euo pipefail
version=$1
source_dir=$2
step() { printf '[container] %s\n' "$*"; }
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 NO_COLOR=1
unset LOGISTICIAN_DATA_DIR
# Keep the downloaded .debs in the mounted cache (the official slim image deletes them).
rm -f /etc/apt/apt.conf.d/docker-clean
step "apt-get update"
apt-get update -qq
step "apt-get install ./$(basename /pkg/*.deb) git"
start=$SECONDS
apt-get install -y -qq --no-install-recommends -o APT::Keep-Downloaded-Packages=true /pkg/*.deb git >/tmp/apt.log 2>&1 ||
    { cat /tmp/apt.log; exit 1; }
step "installed $(grep -c '^Setting up' /tmp/apt.log) packages in $((SECONDS - start)) s"

# Decoys where the binary would look if the installed data were not found.
for decoy in "$source_dir" /usr/local/share/logistician; do
    mkdir -p "$decoy/templates/experiment/shell"
    echo "DECOY from $decoy" >"$decoy/templates/experiment/shell/Dockerfile"
    cp /usr/share/logistician/templates/experiment/shell/parameters.json "$decoy/templates/experiment/shell/"
done

out=$(logistician --version)
[ "$(head -n 1 <<<"$out")" = "logistician $version" ] || { echo "FAIL: logistician --version printed \"$out\""; exit 1; }
grep -qE '^commit ([0-9a-f]{40}|unknown)( \(dirty\))?$' <<<"$(tail -n 1 <<<"$out")" ||
    { echo "FAIL: logistician --version names no commit: \"$out\""; exit 1; }
step "logistician --version: ${out//$'\n'/, }"
logistician --help >/tmp/help.txt || { echo "FAIL: logistician --help exited $?"; exit 1; }
grep -q '^Verbs:' /tmp/help.txt && grep -q '^  create ' /tmp/help.txt ||
    { echo "FAIL: logistician --help printed:"; cat /tmp/help.txt; exit 1; }
step "logistician --help: $(grep -c '^  [a-z]' /tmp/help.txt) verbs"

mkdir -p /tmp/project && cd /tmp/project && git init -q .
logistician create demo --non-interactive --git-url https://example.org/demo.git >/tmp/create.out 2>/tmp/create.err ||
    { echo "FAIL: logistician create exited $?"; cat /tmp/create.out /tmp/create.err; exit 1; }
[ -f experiments/demo/Dockerfile ] && [ -f experiments/demo/parameters.json ] ||
    { echo "FAIL: create did not write experiments/demo"; ls -laR experiments; exit 1; }
if grep -q DECOY experiments/demo/Dockerfile; then
    echo "FAIL: create used a decoy template, not /usr/share/logistician:"; cat experiments/demo/Dockerfile; exit 1
fi
sed -e 's|{{NAME}}|demo|g' -e 's|{{GIT_URL}}|https://example.org/demo.git|g' \
    /usr/share/logistician/templates/experiment/shell/Dockerfile | diff - experiments/demo/Dockerfile ||
    { echo "FAIL: the Dockerfile is not the installed template's"; exit 1; }
step "logistician create demo: $(cat /tmp/create.out), from /usr/share/logistician/templates"

# The window is logistician-gui under /usr/libexec, which the CLI runs for `gui`.
shown=$(QT_QPA_PLATFORM=offscreen LOGISTICIAN_QUIT_WHEN_SHOWN=1 logistician gui /tmp/project 2>/tmp/gui.err) ||
    { echo "FAIL: logistician gui exited $?"; cat /tmp/gui.err; exit 1; }
[ "$shown" = "shown 1 experiments" ] || { echo "FAIL: logistician gui printed \"$shown\""; cat /tmp/gui.err; exit 1; }
if (unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM; logistician) 2>/tmp/gui.err; then
    echo "FAIL: logistician without a display succeeded"; exit 1
fi
grep -q 'no display to open the window on' /tmp/gui.err || { echo "FAIL: without a display:"; cat /tmp/gui.err; exit 1; }
step "logistician gui: the window opens offscreen ($shown); without a display, an error"

# The installed completion works in a plain bash.
words=$(bash -c 'source /usr/share/bash-completion/completions/logistician
                 COMP_WORDS=(logistician cr); COMP_CWORD=1; _logistician; echo "${COMPREPLY[*]}"')
[ "$words" = create ] || { echo "FAIL: completing \"logistician cr\" gave \"$words\""; exit 1; }
words=$(bash -c 'source /usr/share/bash-completion/completions/logistician
                 COMP_WORDS=(logistician create --template ""); COMP_CWORD=3; _logistician; echo "${COMPREPLY[*]}"')
[ "$words" = "python shell" ] || { echo "FAIL: completing --template gave \"$words\""; exit 1; }
step "bash completion: ok"
SCRIPT

say "docker run $image: apt-get install the package, then use it"
docker run --name "$container" --rm \
    -v "$work/out/$(basename "$deb"):/pkg/$(basename "$deb"):ro" \
    -v "$work/in-container.sh:/in-container.sh:ro" \
    -v "$cache_dir:/var/cache/apt/archives" \
    "$image" bash /in-container.sh "$version" "$source_dir" ||
    fail "in the container (above)"
say "ok: the package installs on a clean Debian 12 and logistician --version, --help, create and gui work"
