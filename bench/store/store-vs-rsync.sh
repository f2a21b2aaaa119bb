#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Results home: 200 conditions of 1 MiB each from the results store (S3) against rsync from 10 hosts, in one
# run, each path exactly as sync drives it, 8 conditions at a time (SyncOptions::parallel):
#   store:  per condition `aws s3api list-objects-v2` (the names checked before anything is written), then
#           `aws s3 sync s3://BUCKET/PREFIX/SLUG/data/ LOCAL` (ResultsStoreSync)
#   rsync:  per condition `rsync -a -e ssh HOST:DIR/data/ LOCAL` over one ssh master connection per host
#           (SyncOperation over Ssh::download)
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

# The results: condition k's folder on host (k % hosts), and the same folders in the store.
staging=$work/staging
for k in $(seq "$conditions"); do
    d=$staging/c$k/data
    mkdir -p "$d/results" "$d/logs"
    head -c $((mib * 1048576)) /dev/urandom >"$d/results/blob.bin"
    echo "condition $k" >"$d/logs/output.txt"
done
"$aws" s3api create-bucket --bucket bench-results --create-bucket-configuration LocationConstraint=eu-central-1 >/dev/null
"$aws" s3 sync "$staging" s3://bench-results/sweep --only-show-errors
# The markers, as the machines' uploads leave them (not timed). Not a bare `wait`: it would wait for moto too.
mark() { echo "c$1 0" | "$aws" s3 cp - "s3://bench-results/sweep/c$1/uploaded/c$1" --only-show-errors; }
export -f mark
export aws
seq "$conditions" | xargs -P 8 -I{} bash -c 'mark {}'

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

store_one() {
    k=$1
    "$aws" s3api list-objects-v2 --bucket bench-results --prefix "sweep/c$k/" --output json >/dev/null
    mkdir -p "$work/home-store/c$k"
    "$aws" s3 sync "s3://bench-results/sweep/c$k/data/" "$work/home-store/c$k" --only-show-errors --no-progress
}
rsync_one() {
    k=$1
    ip=127.0.0.$(((k % hosts) + 2))
    mkdir -p "$work/home-rsync/c$k"
    rsync -a -e "ssh $ssh_opts" "$ip:$staging/c$k/data/" "$work/home-rsync/c$k"
}
export -f store_one rsync_one
export work aws hosts staging ssh_opts

t0=$(date +%s.%N)
seq "$conditions" | xargs -P "$parallel" -I{} bash -c 'store_one {}'
t1=$(date +%s.%N)
seq "$conditions" | xargs -P "$parallel" -I{} bash -c 'rsync_one {}'
t2=$(date +%s.%N)
# Both brought everything home, byte for byte.
diff -r "$work/home-store" "$work/home-rsync" >/dev/null
[ "$(find "$work/home-store" -name blob.bin | wc -l)" -eq "$conditions" ]
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$conditions" -v m="$mib" -v h="$hosts" 'BEGIN {
    s = b - a; r = c - b
    printf "%d conditions x %d MiB, %d at a time\n", n, m, 8
    printf "from the store (aws s3, per condition list + sync): %.1f s\n", s
    printf "rsync from %d hosts (ssh master per host):          %.1f s\n", h, r
    printf "ratio store / rsync: %.2f\n", s / r }'
