#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Results home: 200 conditions of 1 MiB each from the results store (S3) against rsync from 10 hosts, in one
# run, each path exactly as sync drives it:
#   store:  one `aws s3api list-objects-v2` of the whole prefix (every name checked before anything is
#           written), one `aws s3 sync s3://BUCKET/PREFIX/data/ DATA --exclude '*' --include 'SLUG/*'...` of
#           the conditions that changed, then each file's size and MD5 checked (ResultsStoreSync)
#   rsync:  per condition `rsync -a -e ssh HOST:DIR/data/ LOCAL` over one ssh master connection per host,
#           8 conditions at a time (SyncOperation over Ssh::download, SyncOptions::parallel)
# S3 is moto_server (the EC2 emulator's, which serves S3) and the 10 hosts are sshd on 127.0.0.2-11, all in a
# network namespace of this script's own (unshare -n, as root), all sharing this machine's cores.
#   bench/store/store-vs-rsync.sh [CONDITIONS] [MIB] [HOSTS]      (defaults 200 1 10)
set -euo pipefail
if [ -z "${IN_BENCH_NETNS:-}" ]; then exec unshare -n env IN_BENCH_NETNS=1 bash "$0" "$@"; fi
conditions=${1:-200}
mib=${2:-1}
hosts=${3:-10}
parallel=8
moto=${LOGISTICIAN_MOTO_SERVER:-$(ls /root/.pyenv/versions/*/bin/moto_server 2>/dev/null | head -n1)}
aws=$(dirname "$moto")/aws
ip link set lo up
work=$(mktemp -d /tmp/logistician-bench-store-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
"$moto" -H 127.0.0.1 -p 5299 >"$work/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/5299) 2>/dev/null && break; sleep 0.1; done
export AWS_ENDPOINT_URL=http://127.0.0.1:5299 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    AWS_DEFAULT_REGION=eu-central-1 AWS_EC2_METADATA_DISABLED=true

# The results: condition k's folder on host (k % hosts), and the same folders in the store, laid out as the
# machines' uploads leave them (PREFIX/data/SLUG/..., then the marker PREFIX/uploaded/SLUG/KEY; not timed).
staging=$work/staging
for k in $(seq "$conditions"); do
    d=$staging/data/c$k
    mkdir -p "$d/results" "$d/logs" "$staging/uploaded/c$k"
    head -c $((mib * 1048576)) /dev/urandom >"$d/results/blob.bin"
    echo "condition $k" >"$d/logs/output.txt"
    echo "c$k 0" >"$staging/uploaded/c$k/c$k"
done
"$aws" s3api create-bucket --bucket bench-results --create-bucket-configuration LocationConstraint=eu-central-1 >/dev/null
"$aws" s3 sync "$staging/data" s3://bench-results/sweep/data --only-show-errors
"$aws" s3 sync "$staging/uploaded" s3://bench-results/sweep/uploaded --only-show-errors

ssh-keygen -q -t ed25519 -N '' -f "$work/key"
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey"
cp "$work/key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
: >"$work/known_hosts"
for h in $(seq "$hosts"); do
    ip=127.0.0.$((h + 1))
    printf 'ListenAddress %s:22\nHostKey %s\nAuthorizedKeysFile %s\nPermitRootLogin prohibit-password\nStrictModes no\nPidFile %s\nMaxSessions 100\nMaxStartups 100:30:200\nUsePAM no\n' \
        "$ip" "$work/hostkey" "$work/authorized_keys" "$work/sshd-$h.pid" >"$work/sshd-$h.conf"
    /usr/sbin/sshd -f "$work/sshd-$h.conf"
    echo "$ip $(cut -d' ' -f1,2 "$work/hostkey.pub")" >>"$work/known_hosts"
done
sleep 0.5
for h in $(seq "$hosts"); do pids+=("$(cat "$work/sshd-$h.pid")"); done
ssh_opts="-i $work/key -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlMaster=auto -o ControlPath=$work/cm-%h -o ControlPersist=60"
for h in $(seq "$hosts"); do ssh $ssh_opts "127.0.0.$((h + 1))" true; done # the masters, as a status round leaves them

store_all() {
    "$aws" s3api list-objects-v2 --bucket bench-results --prefix sweep/ --output json >"$work/listing.json"
    includes=()
    for k in $(seq "$conditions"); do includes+=(--include "c$k/*"); done
    mkdir -p "$work/home-store"
    "$aws" s3 sync s3://bench-results/sweep/data/ "$work/home-store" --only-show-errors --no-progress --exact-timestamps \
        --exclude '*' "${includes[@]}"
    find "$work/home-store" -type f -print0 | xargs -0 md5sum >/dev/null # the checks, file by file
}
rsync_one() {
    k=$1
    ip=127.0.0.$(((k % hosts) + 2))
    mkdir -p "$work/home-rsync/c$k"
    rsync -a -e "ssh $ssh_opts" "$ip:$staging/data/c$k/" "$work/home-rsync/c$k"
}
export -f rsync_one
export work aws hosts staging ssh_opts

t0=$(date +%s.%N)
store_all
t1=$(date +%s.%N)
seq "$conditions" | xargs -P "$parallel" -I{} bash -c 'rsync_one {}'
t2=$(date +%s.%N)
# Both brought everything home, byte for byte.
diff -r "$work/home-store" "$work/home-rsync" >/dev/null
[ "$(find "$work/home-store" -name blob.bin | wc -l)" -eq "$conditions" ]
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$conditions" -v m="$mib" -v h="$hosts" 'BEGIN {
    s = b - a; r = c - b
    printf "%d conditions x %d MiB (rsync %d at a time)\n", n, m, 8
    printf "from the store (one listing, one aws s3 sync):      %.1f s\n", s
    printf "rsync from %d hosts (ssh master per host):          %.1f s\n", h, r
    printf "ratio store / rsync: %.2f\n", s / r }'
