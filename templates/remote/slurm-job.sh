#!/bin/sh
# Logistician SLURM job (see src/core/slurm/SlurmJob): submitted once as a job
# array, `sbatch --array=...%MAX_PARALLEL`; array task N runs condition N.
# Nothing of a condition is in this script: task N reads line N of
# @DIR@/slurm/conditions (the condition's folder name, [a-z0-9.-] only, made by
# Logistician), then the container command of that folder's run.argv, one word
# per line, into "$@". Nothing read is evaluated. The container is named
# @PREFIX@SLUG (run.argv names it so).
#   DIR/SLUG/run.argv   the container run (docker/podman run ... or apptainer exec ...)
#   DIR/SLUG/data/      /data of the container; the run wrapper writes
#                       logs/started_at.txt, finished_at.txt, exit_code.txt there
# The container's output goes to DIR/SLUG/data/logs/output.txt. When SLURM stops
# the task (time limit, scancel) it sends SIGTERM first: the container is killed
# then too, not left running without its task.
set -u
dir=@DIR@
runtime=@RUNTIME@
task=${SLURM_ARRAY_TASK_ID:?not a job array task}
slug=$(sed -n "${task}p" "$dir/slurm/conditions")
case $slug in
'' | *[!a-z0-9.-]*)
    echo "task $task: no condition on line $task of $dir/slurm/conditions" >&2
    exit 2
    ;;
esac
cdir=$dir/$slug
name=@PREFIX@$slug
set --
while IFS= read -r word; do
    set -- "$@" "$word"
done <"$cdir/run.argv"
[ "$#" -gt 0 ] || {
    echo "task $task: $cdir/run.argv is empty" >&2
    exit 2
}
mkdir -p "$cdir/data/logs"
stop() {
    trap '' TERM INT
    # docker and podman: the container is not the task's child; apptainer's is, and goes with the task.
    case $runtime in
    docker | podman) @DOCKER@ kill "$name" >/dev/null 2>&1 ;;
    esac
    kill "$pid" 2>/dev/null
}
"$@" >"$cdir/data/logs/output.txt" 2>&1 &
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
