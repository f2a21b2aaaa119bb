# Terminate on one host (see TerminateOperation): run by sh on the host.
# @DOCKER@ is the docker command, every word quoted by ShellWords::quote; the
# calls below are appended, their arguments quoted the same way:
#   save_log CONTAINER FILE     the container's log beside its results (local engine)
#   remove_containers NAME...   removed by name, whatever state they are in
#   remove_dirs DIR...          folders removed with everything in them
#   remove_if_empty DIR         the folder, only once nothing is left in it
save_log() { @DOCKER@ logs "$1" >"$2" 2>&1 || true; }
remove_containers() { @DOCKER@ rm -f "$@" >/dev/null 2>&1; true; }
remove_dirs() { rm -rf -- "$@"; }
remove_if_empty() { rmdir -- "$1" 2>/dev/null; true; }
