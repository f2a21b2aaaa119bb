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
#   KEY.sh       starts that attempt's container detached (docker run -d ...);
#                written last of the attempt's files, each renamed into place
#                whole: a line is started only once its KEY.sh is there
#   publishing   (local) the process id of the deploy that goes on writing the
#                conditions' files after the runner started: while that process
#                lives and this file is there, a line without its KEY.sh is waited
#                for; afterwards it is never started (deploy did not hand it over)
# The queue may be rewritten while the runner is alive (deploy --rerun adds a
# condition's new attempt): workers read it afresh for each claim.
# The runner writes:
#   runner.pid   its process id, which is also its process group (setsid)
#   claims/KEY/  made (mkdir is atomic) by the worker that takes KEY, holding
#     state      "started", "failed CODE" (the start failed) or "cancelled"
#     start.log  what the start printed
#     saved      once the container ended, its log is saved into its folder ("sh KEY.sh ended")
#     exit       then the container's exit code (docker wait): an attempt with a state "started" and no
#                exit runs (status asks the engine nothing about it while this runner is alive)
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

# Once $key's container ended: its log saved (so sync need not ask the engine), then its exit code,
# then its upload (a results store).
ended() {
    # (Not when terminate saved it first, before it removed the container.)
    [ -e "claims/$key/saved" ] || sh "./$key.sh" ended </dev/null >>"claims/$key/start.log" 2>&1
    : > "claims/$key/saved"
    echo "$code" > "claims/$key/exit"
    upload final
}

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
            code=$(@DOCKER@ wait "$name" 2>> "claims/$key/start.log")
            # The log, the exit code and the upload in the background: the slot is free at once.
            ended &
        else
            echo "failed $?" > "claims/$key/state"
            upload final
        fi
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

# The deploy named in the publishing file still writes conditions' files.
publishing() {
    [ -f publishing ] || return 1
    pub=
    { read -r pub <publishing; } 2>/dev/null
    case $pub in '' | *[!0-9]*) return 1 ;; esac
    kill -0 "$pub" 2>/dev/null
}

worker() {
    while :; do
        key=
        unpublished=
        while read -r k n x; do
            # mkdir (atomic, a process) only for a line nobody has claimed: no N processes per claim.
            [ -n "$k" ] && [ ! -d "claims/$k" ] || continue
            # Its files are not all written yet (its start script comes last): not now.
            if [ ! -f "./$k.sh" ]; then
                unpublished=1
                continue
            fi
            if mkdir "claims/$k" 2>/dev/null; then
                key=$k
                name=$n
                next=${x:--}
                break
            fi
        done < queue
        if [ -n "$key" ]; then
            run_claimed || break
        elif [ -n "$unpublished" ] && [ ! -e stop ] && publishing; then
            sleep 0.1
        else
            break
        fi
    done
    wait # for its attempts' logs and exit codes
}

# A line added to the queue while the last workers were ending is not left behind (nor one still to be
# published).
unclaimed() {
    while read -r k n x; do
        [ -z "$k" ] || [ -d "claims/$k" ] || { [ ! -f "./$k.sh" ] && ! publishing; } || return 0
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
