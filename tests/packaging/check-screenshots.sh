#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every screenshot the metainfo shows is a file in the repository's
# docs/screenshots/ (the URLs point there), and is a PNG.
#   check-screenshots.sh METAINFO_FILE SOURCE_DIR
set -euo pipefail
metainfo=$1
source_dir=$2
mapfile -t urls < <(sed -n 's|.*<image type="source">\([^<]*\)</image>.*|\1|p' "$metainfo")
[ ${#urls[@]} -gt 0 ] || { echo "FAIL: $metainfo shows no screenshots" >&2 && exit 1; }
status=0
for url in "${urls[@]}"; do
    name=${url##*/}
    file=$source_dir/docs/screenshots/$name
    if [ ! -f "$file" ]; then
        echo "FAIL: the metainfo shows $url, but docs/screenshots/$name is not in the repository" >&2
        status=1
    elif [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
        echo "FAIL: docs/screenshots/$name is not a PNG" >&2
        status=1
    else
        echo "ok: $url -> docs/screenshots/$name"
    fi
done
exit $status
