#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end on the EC2 emulator (tests/support/ec2-emulator, with an sshd machine behind each instance): the
# addition example with N conditions on M machines (aws_machines, one EC2 Fleet), from `deploy` until every
# condition has started, then through `terminate`; against the same sweep on M ssh hosts (sshd on 10.9.0.x in
# the same namespace, the same engine behind both). See README.md.
#   bench/aws/e2e.sh [BUILD_DIR] [CONDITIONS] [MACHINES]      defaults: build 100 10
# BENCH_AWS_ROUNDS=R (default 1) runs the pair R times, in alternating order (ssh first in odd rounds, aws
# first in even ones), each on fresh projects, and reports the median of the ratios "every condition started".
# BENCH_AWS_LOGS=DIR keeps each sweep's whole deploy and terminate output there (with
# QT_LOGGING_RULES='logistician.deploy.debug=true' every deploy step is in it, stamped).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
conditions=${2:-100}
machines=${3:-10}
if [ -z "${LOGISTICIAN_EC2_DIR:-}" ]; then
    [ -n "${LOGISTICIAN_EC2_UNAVAILABLE:-}" ] && { echo "no EC2 emulator: $LOGISTICIAN_EC2_UNAVAILABLE" >&2; exit 1; }
    exec "$root/tests/support/ec2-emulator" "$0" "$build" "$conditions" "$machines"
fi
bin=$build/logistician
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-aws-e2e-XXXXXX")
sshd_pids=()
cleanup() {
    for p in "${sshd_pids[@]}"; do kill "$p" 2>/dev/null; done
    for socket in "$work"/*/experiments/1/.logistician/cm/*; do
        [ -S "$socket" ] && ssh -o ControlPath="$socket" -O exit placeholder 2>/dev/null
    done
    [ -z "${BENCH_AWS_LOGS:-}" ] || { mkdir -p "$BENCH_AWS_LOGS" && cp "$work"/*.log "$BENCH_AWS_LOGS"/; }
    rm -rf "$work"
}
trap cleanup EXIT
mirror=${LOGISTICIAN_TF_MIRROR:-/opt/tf-plugins}
cat > "$work/tfrc" <<RC
provider_installation {
  filesystem_mirror { path = "$mirror" include = ["registry.terraform.io/hashicorp/*"] }
  direct { exclude = ["registry.terraform.io/hashicorp/*"] }
}
RC
export TF_CLI_CONFIG_FILE="$work/tfrc" CHECKPOINT_DISABLE=1 HOME="$work/home" LANG=C.UTF-8
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench
mkdir -p "$HOME"
printf '%s' "$HOME" > "$LOGISTICIAN_EC2_DIR/home" # the machines' login user's home (ec2-machines.py)
git config --global user.email bench@example.org
git config --global user.name bench
"$bin" setup --non-interactive >/dev/null 2>&1
ami=$(AWS_ACCESS_KEY_ID=harness AWS_SECRET_ACCESS_KEY=harness "$LOGISTICIAN_EC2_PYTHON" "$root/tests/support/ec2-machines.py" image eu-central-1)
user=$(id -un)

# The same project twice, but for the backend keys.
project() { # DIR NAME BACKEND-KEYS-JSON
    mkdir -p "$1/experiments/1"
    cp "$root/examples/addition/add.sh" "$1/"
    cp "$root/examples/addition/experiments/1/Dockerfile" "$1/experiments/1/"
    python3 - "$1/experiments/1/parameters.json" "$2" "$3" "$conditions" <<'PY'
import json, sys
path, name, keys, n = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
p = {"experiment_name": name, "experiment_command": "sh add.sh",
     "experiment_conditions": ["%d %d" % (i, i) for i in range(1, n + 1)]}
p.update(keys)
json.dump(p, open(path, "w"), indent=2)
PY
    (cd "$1" && git init -q && git add -A && git commit -qm bench)
}

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# Each line read, after the seconds since T0 (date +%s%N) it came: where a step's time goes. Shell built-ins
# only ($EPOCHREALTIME), so a burst of output is not held up in the pipe (that would slow the command itself).
stamp() { # T0
    local line now t0=$(( $1 / 1000 ))
    while IFS= read -r line; do
        now=${EPOCHREALTIME/./}
        now=$(( (now - t0) / 100000 ))
        printf '%5d.%d  %s\n' $(( now / 10 )) $(( now % 10 )) "$line"
    done
}
# Until no condition is queued or further back: every one has started (or ended).
all_started() { # DIR
    for _ in $(seq 1200); do
        if (cd "$1" && "$bin" status experiments/1 --json 2>/dev/null) | python3 -c '
import json, sys
s = json.load(sys.stdin)
early = {"queued", "provisioning", "booting", "uploading", "building"}
sys.exit(0 if all(c["state"] not in early for c in s["conditions"]) else 1)'; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}
sweep() { # LABEL DIR EXTRA-DEPLOY-ARGS...
    local label=$1 dir=$2 t0 deployed started terminated
    shift 2
    t0=$(date +%s%N)
    (cd "$dir" && "$bin" deploy experiments/1 --yes "$@" 2>&1; echo "exit $?") | stamp "$t0" >"$work/$label-deploy.log"
    grep -q ' exit 0$' "$work/$label-deploy.log" \
        || { echo "$label: deploy failed" >&2; tail -20 "$work/$label-deploy.log" >&2; return 1; }
    deployed=$(ms "$t0")
    all_started "$dir" || { echo "$label: not every condition started" >&2; return 1; }
    started=$(ms "$t0")
    echo "every condition started" | stamp "$t0" >>"$work/$label-deploy.log"
    (cd "$dir" && "$bin" terminate experiments/1 --yes --force 2>&1; echo "exit $?") | stamp "$t0" \
        >"$work/$label-terminate.log"
    grep -q ' exit 0$' "$work/$label-terminate.log" \
        || { echo "$label: terminate failed" >&2; tail -20 "$work/$label-terminate.log" >&2; return 1; }
    terminated=$(ms "$t0")
    # Where the time went: the steps' lines, seconds since deploy began (BENCH_AWS_STEPS=0: not shown).
    if [ "${BENCH_AWS_STEPS:-1}" = 1 ]; then
        echo "--- $label: deploy and terminate, seconds since deploy began" >&2
        grep -hE '^ *[0-9.]+  (logistician:|every condition|exit)' "$work/$label-deploy.log" "$work/$label-terminate.log" >&2
    fi
    last_started=$started
    printf '| %s | %s | %.1f s | %.1f s | %.1f s |\n' "$label" "$conditions on $machines" \
        "$(echo "$deployed / 1000" | bc -l)" "$(echo "$started / 1000" | bc -l)" "$(echo "$terminated / 1000" | bc -l)"
}

# ssh: M sshd machines on 10.9.0.x, the setup key let in.
mkdir -p "$work/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$work/sshd/host_key"
cp "$HOME/.config/logistician/ssh-key.pub" "$work/sshd/authorized_keys" 2>/dev/null \
    || cp "$(find "$HOME" -name '*.pub' | head -n1)" "$work/sshd/authorized_keys"
chmod 600 "$work/sshd/authorized_keys"
hosts=()
for k in $(seq "$machines"); do
    ip=10.9.0.$k
    ip addr add "$ip/32" dev lo
    printf 'ListenAddress %s:22\nHostKey %s/host_key\nAuthorizedKeysFile %s/authorized_keys\nPidFile %s/%s.pid\nPermitRootLogin prohibit-password\nPasswordAuthentication no\nUsePAM no\nStrictModes no\nMaxSessions 200\nMaxStartups 200:30:400\nLogLevel ERROR\nSetEnv HOME="%s"\n' \
        "$ip" "$work/sshd" "$work/sshd" "$work/sshd" "$ip" "$HOME" > "$work/sshd/$ip.conf"
    /usr/sbin/sshd -f "$work/sshd/$ip.conf"
    for _ in $(seq 50); do [ -s "$work/sshd/$ip.pid" ] && break; sleep 0.1; done
    sshd_pids+=("$(cat "$work/sshd/$ip.pid")")
    hosts+=("\"$user@$ip\"")
done
hosts_json="[$(IFS=,; echo "${hosts[*]}")]"

rounds=${BENCH_AWS_ROUNDS:-1}
case $rounds in '' | *[!0-9]* | 0) echo "BENCH_AWS_ROUNDS must be a positive number" >&2; exit 2 ;; esac
echo "| backend | conditions on machines | deploy returned | every condition started | terminated |"
echo "| --- | --- | --- | --- | --- |"
ratios=()
for round in $(seq "$rounds"); do
    rm -rf "$work/aws" "$work/ssh"
    project "$work/aws" bench-aws-e2e "{\"backend\": \"aws\", \"aws_region\": \"eu-central-1\", \"aws_instance_type\": \"t3.small\", \"aws_ami\": \"$ami\", \"aws_ami_user\": \"$user\", \"aws_root_volume_size\": 12, \"aws_machines\": $machines, \"max_parallel\": $(( (conditions + machines - 1) / machines ))}"
    project "$work/ssh" bench-ssh-e2e "{\"backend\": \"ssh\", \"hosts\": $hosts_json, \"max_parallel\": $(( (conditions + machines - 1) / machines ))}"
    if [ $((round % 2)) = 1 ]; then
        sweep ssh "$work/ssh" || exit 1
        ssh_started=$last_started
        sweep aws "$work/aws" --ssh-cidr 198.51.100.0/24 || exit 1
        aws_started=$last_started
    else
        sweep aws "$work/aws" --ssh-cidr 198.51.100.0/24 || exit 1
        aws_started=$last_started
        sweep ssh "$work/ssh" || exit 1
        ssh_started=$last_started
    fi
    ratios+=("$(awk -v a="$aws_started" -v s="$ssh_started" 'BEGIN { printf "%.3f", a / s }')")
done
if [ "$rounds" != 1 ]; then
    median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    echo "every condition started, aws / ssh, in $rounds rounds: ${ratios[*]}; median $median"
else
    echo "every condition started, aws / ssh: ${ratios[0]}"
fi
