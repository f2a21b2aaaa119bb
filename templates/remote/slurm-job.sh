#!/bin/sh
# Logistician SLURM job (see src/core/slurm/SlurmJob): submitted as a job
# array, `sbatch --array=...%MAX_PARALLEL`; array task N runs condition N.
# Nothing of a condition is in this script: task N reads line N of
# @DIR@/slurm/conditions, four words Logistician made of [a-z0-9._/-]: the
# condition's folder name, its container's name, and the data folders of this
# attempt and of attempt 1 inside the condition's folder ("data", and
# "data/attempt-2" for a rerun); then the container command of that folder's
# run.argv, one word per line, into "$@". Nothing read is evaluated.
#   DIR/SLUG/run.argv   the container run (docker/podman run ... or apptainer exec ...)
#   DIR/SLUG/DATA/      /data of the container; the run wrapper writes
#                       logs/started_at.txt, finished_at.txt, exit_code.txt there
# The container's output goes to DIR/SLUG/DATA/logs/output.txt. A later
# attempt's folder gets attempt 1's config; the earlier attempts' folders stay
# as they are. When SLURM stops the task (time limit, scancel) it sends SIGTERM
# first: the container is killed then too, not left running without its task.
set -u
dir=@DIR@
runtime=@RUNTIME@
task=${SLURM_ARRAY_TASK_ID:?not a job array task}
bad() {
    echo "task $task: line $task of $dir/slurm/conditions is not a condition's four names" >&2
    exit 2
}
line=$(sed -n "${task}p" "$dir/slurm/conditions")
set -f
# shellcheck disable=SC2086 # split into its words on purpose; globbing is off
set -- $line
set +f
[ "$#" -eq 4 ] || bad
slug=$1 name=$2 data=$3 first=$4
for word in "$slug" "$name" "$data" "$first"; do
    case $word in
    '' | .* | */.* | *[!a-z0-9._/-]*) bad ;;
    esac
done
cdir=$dir/$slug
set --
while IFS= read -r word; do
    set -- "$@" "$word"
done <"$cdir/run.argv"
[ "$#" -gt 0 ] || {
    echo "task $task: $cdir/run.argv is empty" >&2
    exit 2
}
mkdir -p "$cdir/$data/logs" "$cdir/$data/results" "$cdir/$data/config" || exit 1
if [ "$data" != "$first" ]; then
    cp -R "$cdir/$first/config/." "$cdir/$data/config" || exit 1
fi
stop() {
    trap '' TERM INT
    # docker and podman: the container is not the task's child; apptainer's is, and goes with the task.
    case $runtime in
    docker | podman) @DOCKER@ kill "$name" >/dev/null 2>&1 ;;
    esac
    kill "$pid" 2>/dev/null
}
"$@" >"$cdir/$data/logs/output.txt" 2>&1 &
pid=$!
trap stop TERM INT
wait "$pid"
code=$?
# A trapped signal ends the first wait early: wait for the run itself.
while kill -0 "$pid" 2>/dev/null; do
    wait "$pid"
    code=$?
done
exit "$code"
