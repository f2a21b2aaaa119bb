# The status poll of a deployment, run by sh on each host (see StatusRound::script).
# @DOCKER@ is replaced by the docker command, every word quoted by ShellWords::quote;
# the lines calling r and s are appended below, their arguments quoted the same way:
#   r RUNNER_DIR                       the host's runner (runner.sh)
#   s SLUG DATA_DIR CONTAINER CLAIM    CLAIM: the runner's claims/SLUG folder
# r prints "-runner" TAB alive | done | gone | none (never started there).
# s prints one line per condition: slug TAB "done" TAB code TAB start TAB end from the
# run wrapper's files; slug TAB "queued" when the runner has not claimed it; slug TAB
# "startfailed" TAB code TAB the start's last line when its docker run failed; else
# slug TAB "container" TAB state TAB start.
r() {
    st=none
    if [ -f "$1/runner.done" ]; then
        st=done
    elif [ -f "$1/runner.pid" ]; then
        p=$(cat "$1/runner.pid" 2>/dev/null)
        st=gone
        case $p in
        '' | *[!0-9]*) ;;
        *) kill -0 "$p" 2>/dev/null && st=alive ;;
        esac
    fi
    printf -- '-runner\t%s\n' "$st"
}
s() {
    l="$2/logs"
    c=$4
    st=
    claim=$(cat "$c/state" 2>/dev/null)
    if [ ! -f "$l/exit_code.txt" ]; then
        if [ ! -d "$c" ] || [ "$claim" = cancelled ]; then
            printf '%s\tqueued\n' "$1"
            return
        fi
        case $claim in
        failed*)
            printf '%s\tstartfailed\t%s\t%s\n' "$1" "${claim#failed }" \
                "$(tail -n 1 "$c/start.log" 2>/dev/null | tr '\t' ' ')"
            return
            ;;
        esac
    fi
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
