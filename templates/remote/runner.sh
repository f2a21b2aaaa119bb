#!/bin/sh
# Logistician runner: runs one host's share of a deployment's conditions, at most
# MAX_PARALLEL at a time, on the host itself, retrying a failed one as a new
# attempt when parameters.json's max_retries allows. Logistician starts it detached
# (setsid, no terminal), so a CLI killed with Ctrl-C or a closed app changes
# nothing here; it exits when its queue is empty.
#
#   sh runner.sh DIR MAX_PARALLEL
#
# DIR is written by Logistician before the runner starts:
#   queue        one "KEY CONTAINER NEXT" line per condition, in order: KEY names
#                the condition's current attempt (its slug, "SLUG-aN" from attempt
#                2 on), NEXT the key of the attempt that follows a failure of it
#                (max_retries) or "-" (all are [a-z0-9.-] names that Logistician
#                made; nothing here is evaluated)
#   retries      the same lines for those following attempts, started only by the
#                worker whose attempt before failed
#   KEY.sh       starts that attempt's container detached (docker run -d ...)
# The queue may be rewritten while the runner is alive (deploy --rerun adds a
# condition's new attempt): workers read it afresh for each claim.
# The runner writes:
#   runner.pid   its process id, which is also its process group (setsid)
#   claims/KEY/  made (mkdir is atomic) by the worker that takes KEY, holding
#     state      "started", "failed CODE" (the start failed) or "cancelled"
#     start.log  what the start printed
#     exit       the container's exit code once it ended (docker wait)
#     uploaded   its folder is in the results store (only with KEY.upload.sh; upload.log says why not)
#   runner.done  once every worker has finished
#
# Stopping: whoever creates DIR/stop stops the runner from starting anything
# more. A worker claims an attempt first and looks for stop second, so once
# stop exists, every claim gets its state and no new container starts; after
# that the runner can be killed and the containers removed (terminate.sh).
set -u
dir=$1
max=$2
cd "$dir" || exit 1
echo $$ > runner.pid
rm -f runner.done
mkdir -p claims
touch retries

# With a results store (KEY.upload.sh, see upload.sh): "watch" uploads the running attempt's logs at
# intervals in the background; "final" stops that, uploads its folder, then marks claims/KEY/uploaded.
upload() {
    [ -f "./$key.upload.sh" ] || return 0
    if [ "$1" = watch ]; then
        sh "./$key.upload.sh" watch </dev/null >/dev/null 2>&1 &
        watcher=$!
        return 0
    fi
    [ -z "${watcher:-}" ] || kill "$watcher" 2>/dev/null
    watcher=
    sh "./$key.upload.sh" final > "claims/$key/upload.log" 2>&1 && : > "claims/$key/uploaded"
}

# Runs the claimed attempt $key (container $name), then, while it failed and
# names a next attempt that nobody claimed (terminate claims them to cancel),
# that one.
run_claimed() {
    while [ -n "$key" ]; do
        if [ -e stop ]; then
            echo cancelled > "claims/$key/state"
            return 1
        fi
        code=
        if sh "./$key.sh" > "claims/$key/start.log" 2>&1; then
            echo started > "claims/$key/state"
            upload watch
            @DOCKER@ wait "$name" > "claims/$key/exit" 2>> "claims/$key/start.log"
            code=$(cat "claims/$key/exit" 2>/dev/null)
        else
            echo "failed $?" > "claims/$key/state"
        fi
        upload final
        [ "$code" != 0 ] || return 0
        want=$next
        key=
        [ "$want" != - ] || return 0
        while read -r k n x; do
            if [ "$k" = "$want" ] && mkdir "claims/$k" 2>/dev/null; then
                key=$k
                name=$n
                next=${x:--}
                break
            fi
        done < retries
    done
}

worker() {
    while :; do
        key=
        while read -r k n x; do
            [ -n "$k" ] || continue
            if mkdir "claims/$k" 2>/dev/null; then
                key=$k
                name=$n
                next=${x:--}
                break
            fi
        done < queue
        [ -n "$key" ] || return 0
        run_claimed || return 0
    done
}

# A line added to the queue while the last workers were ending is not left behind.
unclaimed() {
    while read -r k n x; do
        [ -z "$k" ] || [ -d "claims/$k" ] || return 0
    done < queue
    return 1
}

while :; do
    i=0
    while [ "$i" -lt "$max" ]; do
        worker &
        i=$((i + 1))
    done
    wait
    [ ! -e stop ] && unclaimed || break
done
touch runner.done
