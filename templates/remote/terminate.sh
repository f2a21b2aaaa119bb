# Terminate on one host (see TerminateOperation): run by sh on the host. The calls are
# appended, their arguments quoted by ShellWords::quote; the docker commands come whole
# from the Docker builders:
#   save_log FILE DOCKER_LOGS...      the container's log beside its results (local engine)
#   remove_containers DOCKER_RM...    removed by name, whatever state they are in
#   remove_dirs DIR...                folders removed with everything in them
#   remove_if_empty DIR               the folder, only once nothing is left in it
save_log() {
    f=$1
    shift
    "$@" >"$f" 2>&1 || true
}
remove_containers() { "$@" >/dev/null 2>&1; true; }
remove_dirs() { rm -rf -- "$@"; }
remove_if_empty() { rmdir -- "$1" 2>/dev/null; true; }
