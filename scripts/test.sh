#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite: installs and starts what the tests need (packages, a
# Docker engine, the base image, a Secret Service keychain in its own D-Bus
# session), builds, and runs ctest. sshd machines and the image registry are
# started by the tests themselves. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
./scripts/ensure-docker.sh
./scripts/ensure-base-image.sh
./scripts/ensure-python-image.sh
export LANG=C.UTF-8
# The aws tests run the real terraform up to plan, with the hashicorp/aws
# provider from a filesystem mirror (no network): find its top folder (the one
# holding registry.terraform.io/) once, in Terraform's implied mirror folders
# first, then anywhere on this file system. Never one machine's fixed path.
find_tf_mirror() {
    local dir found
    for dir in "${XDG_DATA_HOME:-$HOME/.local/share}/terraform/plugins" "$HOME/.terraform.d/plugins" \
        /usr/local/share/terraform/plugins /usr/share/terraform/plugins; do
        found=$(find "$dir" -path '*/registry.terraform.io/hashicorp/aws/*' -name 'terraform-provider-aws_*' \
            -print -quit 2>/dev/null || true)
        [ -n "$found" ] && break
    done
    [ -n "${found:-}" ] || found=$(find / -xdev -path '*/registry.terraform.io/hashicorp/aws/*' \
        -name 'terraform-provider-aws_*' -print -quit 2>/dev/null || true)
    # <top>/registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/terraform-provider-aws_...
    [ -n "$found" ] && dirname "$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$found")")")")")"
}
if [ -z "${LOGISTICIAN_TF_MIRROR:-}" ]; then
    LOGISTICIAN_TF_MIRROR=$(find_tf_mirror || true)
    export LOGISTICIAN_TF_MIRROR
fi
echo "test.sh: terraform provider mirror: ${LOGISTICIAN_TF_MIRROR:-none found (the aws tests will say so)}" >&2
export CHECKPOINT_DISABLE=1
# The keychain: a private D-Bus session with an unlocked gnome-keyring.
exec dbus-run-session -- ./scripts/with-keyring.sh ctest --test-dir "${LOGISTICIAN_BUILD_DIR:-build}" --output-on-failure --timeout 900 \
    --parallel "${LOGISTICIAN_TEST_JOBS:-2}" "$@"
