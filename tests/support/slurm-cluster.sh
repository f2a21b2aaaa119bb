#!/bin/sh
# SPDX-License-Identifier: MIT
# A single-node SLURM cluster on this machine, for the slurm backend's tests
# and bench: munged with a generated key, slurmctld and slurmd (as root) with a
# slurm.conf of their own (own ports, state, spool and log folders under one
# folder), no accounting. Podman gets a containers.conf with its default
# ulimits cleared (without it, podman 4.3 fails here with "error setting
# rlimit type 7"). Idempotent: start leaves a running cluster as it is.
#
#   slurm-cluster.sh start|stop|status|env
#
# LOGISTICIAN_SLURM_DIR (default /tmp/logistician-slurm) holds everything;
# LOGISTICIAN_SLURM_PORT (default 16817) is slurmctld's port, slurmd's is the
# next one. `env` prints the variables a client (sbatch, squeue, podman)
# needs: SLURM_CONF and CONTAINERS_CONF.
set -eu
dir=${LOGISTICIAN_SLURM_DIR:-/tmp/logistician-slurm}
port=${LOGISTICIAN_SLURM_PORT:-16817}
conf=$dir/slurm.conf
export SLURM_CONF="$conf"
export CONTAINERS_CONF="$dir/containers.conf"

alive() { # pid file
    [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

answers() {
    scontrol ping 2>/dev/null | grep -q 'is UP'
}

node_idle() {
    sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'
}

write_config() {
    mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/munge"
    chmod 700 "$dir/munge"
    node=$(hostname -s)
    cat > "$conf.new" <<CONF
ClusterName=logistician-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
KillWait=5
InactiveLimit=0
MinJobAge=300
MaxArraySize=1001
SchedulerType=sched/builtin
NodeName=$node NodeAddr=127.0.0.1 CPUs=8 RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
    mv "$conf.new" "$conf"
    printf '[containers]\ndefault_ulimits = []\n' > "$CONTAINERS_CONF"
}

start() {
    if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid" && answers; then
        return 0
    fi
    stop_daemons
    write_config
    if [ ! -s "$dir/munge/munge.key" ]; then
        dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
        chmod 400 "$dir/munge/munge.key"
    fi
    if ! alive "$dir/munge/munged.pid"; then
        munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
            --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
            --seed-file="$dir/munge/munged.seed"
    fi
    slurmctld -f "$conf"
    slurmd -f "$conf"
    n=0
    until answers && node_idle; do
        n=$((n + 1))
        if [ "$n" -gt 100 ]; then
            echo "slurm-cluster: the cluster did not come up; see $dir/log" >&2
            tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
            exit 1
        fi
        # A node left down by an earlier run comes back.
        scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        sleep 0.2
    done
}

stop_daemons() {
    for f in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        if alive "$f"; then
            pid=$(cat "$f")
            kill "$pid" 2>/dev/null || true
            n=0
            while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 50 ]; do
                sleep 0.1
                n=$((n + 1))
            done
        fi
        rm -f "$f"
    done
}

stop() {
    if [ -f "$conf" ] && answers; then
        scancel --user=root >/dev/null 2>&1 || true
    fi
    stop_daemons
    if alive "$dir/munge/munged.pid"; then
        kill "$(cat "$dir/munge/munged.pid")" 2>/dev/null || true
    fi
    rm -rf "$dir"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status)
    if [ -f "$conf" ] && answers; then
        sinfo -h -o '%P %T %c'
    else
        echo "not running"
        exit 1
    fi
    ;;
env) printf 'SLURM_CONF=%s\nCONTAINERS_CONF=%s\n' "$SLURM_CONF" "$CONTAINERS_CONF" ;;
*)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
