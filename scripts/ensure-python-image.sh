#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes sure the local image the original-style examples start FROM exists:
# debian:bookworm-slim with python3 and git, the two things their Dockerfiles'
# CMD needs (git log -1, then the Python program). Built once with apt inside a
# container (Debian's archive is reachable here); quick when it exists.
set -euo pipefail
image=${LOGISTICIAN_PYTHON_IMAGE:-logistician-examples/python-git:bookworm}
if docker image inspect "$image" >/dev/null 2>&1; then
    exit 0
fi
"$(dirname "$0")/ensure-base-image.sh"
echo "ensure-python-image: building $image (python3, git) from debian:bookworm-slim" >&2
docker build -q -t "$image" - >/dev/null <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 git ca-certificates \
 && ln -s /usr/bin/python3 /usr/local/bin/python \
 && rm -rf /var/lib/apt/lists/*
DOCKERFILE
