# Cancels slurm array tasks (see SlurmJob::cancelScript), run by sh on the
# login node; the call is appended, its arguments quoted by ShellWords::quote:
#   c JOB...   scancel of each (a whole array "ID" or one task "ID_N"), then
#              waits (at most a minute) until squeue lists none of them, so the
#              tasks' own clean-up (their containers) is done when this returns
c() {
    scancel "$@" 2>/dev/null
    n=0
    while [ "$n" -lt 120 ]; do
        left=
        for job in "$@"; do
            if squeue --noheader --array --jobs "$job" --format '%i' 2>/dev/null | grep -q .; then
                left=1
            fi
        done
        [ -n "$left" ] || return 0
        sleep 0.5
        n=$((n + 1))
    done
    echo "slurm tasks still listed a minute after scancel: $*" >&2
    return 1
}
