# The status poll of a slurm deployment (see SlurmJob::statusScript), run by sh
# on the login node. The calls are appended, their arguments quoted by
# ShellWords::quote:
#   j JOBID          what the scheduler says of the tasks of one array job:
#                    "Q|ID_N|STATE|REASON" from squeue (queued and running ones),
#                    "C|..." scontrol show job lines (finished ones too, until
#                    MinJobAge), "A|ID_N|STATE" from sacct where accounting is on
#   s SLUG DATA_DIR  the run wrapper's files: "W|SLUG|CODE|START|END" (CODE empty
#                    while it runs, START empty before it started)
j() {
    squeue --noheader --array --jobs "$1" --format '%i|%T|%r' 2>/dev/null | sed 's/^/Q|/'
    scontrol show job --oneliner "$1" 2>/dev/null | sed 's/^/C|/'
    sacct --noheader --parsable2 --allocations --jobs "$1" --format JobID,State 2>/dev/null | sed 's/^/A|/'
    true
}
s() {
    l="$2/logs"
    printf 'W|%s|%s|%s|%s\n' "$1" "$(cat "$l/exit_code.txt" 2>/dev/null)" \
        "$(cat "$l/started_at.txt" 2>/dev/null)" "$(cat "$l/finished_at.txt" 2>/dev/null)"
}
