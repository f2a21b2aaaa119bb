#!/bin/sh
# Logistician runner: runs one host's share of a deployment's conditions, at most
# MAX_PARALLEL at a time, on the host itself. Logistician starts it detached
# (setsid, no terminal), so a CLI killed with Ctrl-C or a closed app changes
# nothing here; it exits when its queue is empty.
#
#   sh runner.sh DIR MAX_PARALLEL
#
# DIR is written by Logistician before the runner starts:
#   queue        one "SLUG CONTAINER" line per condition, in order (both are
#                [a-z0-9.-] names that Logistician made; nothing here is evaluated)
#   SLUG.sh      starts that condition's container detached (docker run -d ...)
# The runner writes:
#   runner.pid   its process id, which is also its process group (setsid)
#   claims/SLUG/ made (mkdir is atomic) by the worker that takes SLUG, holding
#     state      "started", "failed CODE" (the start failed) or "cancelled"
#     start.log  what the start printed
#     exit       the container's exit code once it ended (docker wait)
#   runner.done  once every worker has finished
#
# Stopping: whoever creates DIR/stop stops the runner from starting anything
# more. A worker claims a condition first and looks for stop second, so once
# stop exists, every claim gets its state and no new container starts; after
# that the runner can be killed and the containers removed (terminate.sh).
set -u
dir=$1
max=$2
cd "$dir" || exit 1
echo $$ > runner.pid
rm -f runner.done
mkdir -p claims

worker() {
    while :; do
        slug=
        while read -r s n; do
            [ -n "$s" ] || continue
            if mkdir "claims/$s" 2>/dev/null; then
                slug=$s
                name=$n
                break
            fi
        done < queue
        [ -n "$slug" ] || return 0
        if [ -e stop ]; then
            echo cancelled > "claims/$slug/state"
            return 0
        fi
        if sh "./$slug.sh" > "claims/$slug/start.log" 2>&1; then
            echo started > "claims/$slug/state"
            # Its output kept as it runs in DATA/SLUG/logs/output.txt (@DATA@, @DATA_TAIL@: see
            # DeployContext::dataRootOnHost), so it is there to read and comes home with each sync.
            @DOCKER@ logs -f "$name" > @DATA@/"$slug"@DATA_TAIL@/logs/output.txt 2>&1 &
            logs=$!
            @DOCKER@ wait "$name" > "claims/$slug/exit" 2>> "claims/$slug/start.log"
            wait "$logs"
        else
            echo "failed $?" > "claims/$slug/state"
        fi
    done
}

i=0
while [ "$i" -lt "$max" ]; do
    worker &
    i=$((i + 1))
done
wait
touch runner.done
