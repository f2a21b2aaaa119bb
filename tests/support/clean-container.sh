# SPDX-License-Identifier: MIT
# Sourced by the tests that run something in a clean container of the base
# image (tests/fresh, tests/packaging/check-deb-install.sh): the engine and the
# image checked, a work folder and a container name removed on exit, and the
# .deb cache kept between runs. Sets image, cache_dir, work and container
# (logistician-NAME-PID); defines say and fail.
#   . clean-container.sh NAME
image=debian:bookworm-slim
cache_dir=${LOGISTICIAN_CACHE_DIR:-/var/cache/logistician}/apt-archives
started=$SECONDS
say() { printf '[%3ds] %s\n' $((SECONDS - started)) "$*"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v docker >/dev/null || fail "docker is missing (./scripts/install-deps.sh)"
docker info >/dev/null 2>&1 || fail "no Docker engine answers (./scripts/ensure-docker.sh starts one)"
docker image inspect "$image" >/dev/null 2>&1 || fail "no $image image (./scripts/ensure-base-image.sh makes it)"

work=$(mktemp -d)
container=logistician-$1-$$
cleanup() {
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$cache_dir"
