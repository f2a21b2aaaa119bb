#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Everything from a fresh Debian 12 (as root): install what is needed, build
# logistician, make sure a Docker engine and the base image are there, then
# run the example experiment (run builds its image first), which prints 3.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh logistician
./scripts/ensure-docker.sh
./scripts/ensure-base-image.sh
example=examples/addition/experiments/1
./build/logistician run "$example" -o "1 2"
