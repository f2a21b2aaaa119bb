# Terminate on one host (see TerminateOperation): run by sh on the host. The calls are
# appended, their arguments quoted by ShellWords::quote; the docker commands come whole
# from the Docker builders:
#   cancel_claims RUNNER_DIR SLUG...  some conditions: the runner never starts them
#   keep_output ROOT REL FILE DOCKER_LOGS...  the container's log beside its results (local
#                                     engine; keep_output comes from save-log.sh)
#   remove_containers DOCKER_RM...    removed by name, whatever state they are in
#   remove_labelled EXPERIMENT COMMIT DOCKER...  every container with those labels (one
#                                     started in a race with the runner's stop too); an
#                                     empty COMMIT: those of the experiment at any commit
#   remove_images DOCKER_IMAGE_RM...  the image deploy built or pulled (after its containers)
#   remove_dirs DIR...                folders removed with everything in them
#   remove_if_empty DIR               the folder, only once nothing is left in it
#   remove_logins DIR PREFIX          the registry login folders DIR/PREFIX* a killed pull left
#                                     (registry-pull.sh removes its own when it ends)
cancel_claims() {
    d=$1
    shift
    for slug in "$@"; do
        if mkdir -p "$d/claims" && mkdir "$d/claims/$slug" 2>/dev/null; then
            echo cancelled >"$d/claims/$slug/state"
        else
            # Claimed already: a start under way ends (for at most a minute) before its container goes.
            n=0
            while [ ! -f "$d/claims/$slug/state" ] && [ "$n" -lt 120 ]; do
                sleep 0.5
                n=$((n + 1))
            done
        fi
    done
}
remove_containers() { "$@" >/dev/null 2>&1; true; }
remove_labelled() {
    e=$1
    k=$2
    shift 2
    if [ -n "$k" ]; then
        ids=$("$@" ps -aq --filter "label=logistician.experiment=$e" --filter "label=logistician.commit=$k" 2>/dev/null)
    else
        ids=$("$@" ps -aq --filter "label=logistician.experiment=$e" 2>/dev/null)
    fi
    [ -z "$ids" ] || "$@" rm -f $ids >/dev/null 2>&1
    true
}
remove_images() { "$@" >/dev/null 2>&1; true; }
remove_dirs() { rm -rf -- "$@"; }
remove_if_empty() { rmdir -- "$1" 2>/dev/null; true; }
remove_logins() {
    for d in "$1/$2"*; do
        [ ! -d "$d" ] || rm -rf -- "$d"
    done
    true
}
