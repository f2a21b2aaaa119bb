# The status poll of a deployment, run by sh on each host (see StatusRound::script).
# @DOCKER@ is replaced by the docker command, every word quoted by ShellWords::quote;
# the lines calling s are appended below, their arguments quoted the same way:
#   s SLUG DATA_DIR CONTAINER
# Prints one line per condition: slug TAB "done" TAB code TAB start TAB end from the
# run wrapper's files, or slug TAB "container" TAB state TAB start.
s() {
    l="$2/logs"
    st=
    # The container is asked first and its files read after: the wrapper writes
    # exit_code.txt before the container exits, so a container seen exited has
    # left its file by the time it is read (read the other way round, a run that
    # ends in between looked like "exited" without a code).
    [ -f "$l/exit_code.txt" ] ||
        st=$(@DOCKER@ inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$3" 2>/dev/null) || st=missing
    if [ -f "$l/exit_code.txt" ]; then
        printf '%s\tdone\t%s\t%s\t%s\n' "$1" "$(cat "$l/exit_code.txt")" \
            "$(cat "$l/started_at.txt" 2>/dev/null)" "$(cat "$l/finished_at.txt" 2>/dev/null)"
    else
        printf '%s\tcontainer\t%s\t%s\n' "$1" "$st" "$(cat "$l/started_at.txt" 2>/dev/null)"
    fi
}
