#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes sure the base image debian:bookworm-slim exists. Pulls it if a registry
# answers; otherwise builds it with debootstrap and docker import. The rootfs
# tarball is cached so the second time is quick.
set -euo pipefail
image=debian:bookworm-slim
cache_dir=${LOGISTICIAN_CACHE_DIR:-/var/cache/logistician}
tarball=$cache_dir/bookworm-minbase.tar

if docker image inspect "$image" >/dev/null 2>&1; then
    exit 0
fi
if timeout 20 docker pull "$image" >/dev/null 2>&1; then
    exit 0
fi
mkdir -p "$cache_dir"
if [ ! -s "$tarball" ]; then
    echo "ensure-base-image: building $image with debootstrap (about a minute, once)" >&2
    root=$(mktemp -d "$cache_dir/rootfs.XXXXXX")
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$cache_dir/debootstrap.log" 2>&1 || {
        echo "ensure-base-image: debootstrap failed; see $cache_dir/debootstrap.log" >&2
        tail -n 20 "$cache_dir/debootstrap.log" >&2
        exit 1
    }
    # Same trimming as the official slim image: no apt lists, no caches.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
    tar -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
fi
docker import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$tarball" "$image" >/dev/null
echo "ensure-base-image: imported $image from $tarball" >&2
