#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what Logistician needs to build, run and test on Debian 12, as root
# with apt. Quick when everything is already there: apt runs only for what is
# missing.
set -euo pipefail

packages=(
    # build
    g++ cmake ninja-build pkg-config git clang-format
    qt6-base-dev qt6-base-dev-tools libqt6charts6-dev qt6-svg-dev libqt6opengl6-dev qt6-tools-dev-tools libgl-dev
    libgit2-dev qtkeychain-qt6-dev
    # the tools Logistician drives
    docker.io rsync openssh-client openssh-server
    # the tests' real parts: base image, keychain, registry, GUI screenshots
    debootstrap dbus dbus-x11 gnome-keyring libsecret-tools docker-registry apache2-utils jq procps
    fonts-dejavu-core
    # fuzzing the loaders (libFuzzer is clang's)
    clang libclang-rt-14-dev
    # packaging checks and benchmarks
    desktop-file-utils appstream dpkg-dev file librsvg2-bin hyperfine lintian ccache
    # the slurm backend's test cluster (tests/support/slurm-cluster.sh) and runtime
    slurm-wlm munge podman
    # the aws tests' network namespace and the instances' addresses on its loopback (tests/support/ec2-emulator);
    # its EC2 emulator, moto_server (pip's moto 5.2.1 with boto3), is in the machine image's Python: Debian
    # packages no moto, and PyPI is out of reach here. The harness finds it on PATH or in a pyenv.
    iproute2 util-linux
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run this script as root (or with sudo)" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The registry package starts a service we do not use; tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    systemctl stop docker-registry || true
fi
