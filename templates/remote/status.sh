# The status poll of a deployment, run by sh on each host (see StatusRound::script).
# @DOCKER@ is replaced by the docker command, every word quoted by ShellWords::quote;
# the lines calling r and s are appended below, their arguments quoted the same way:
#   r RUNNER_DIR                       the host's runner (runner.sh)
#   s SLUG DATA_DIR CONTAINER CLAIM    CLAIM: the runner's claims/SLUG folder
# r prints "-runner" TAB alive | done | gone | none (never started there).
# s prints one line per condition: slug TAB "done" TAB code (the engine's) TAB start TAB end
# (the run wrapper's files); slug TAB "queued" when the runner has not claimed it; slug TAB
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
    # Whether and how it ended is what the engine says (docker wait, recorded by the
    # runner in its own folder, or docker inspect), never what the container wrote
    # under /data: a container could write "0" into exit_code.txt and stop there.
    code=$(cat "$c/exit" 2>/dev/null)
    case $code in '' | *[!0-9]*) code= ;; esac
    if [ -z "$code" ]; then
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
        st=$(@DOCKER@ inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$3" 2>/dev/null) || st=missing
        case $st in
        'exited '[0-9]*) code=${st#exited } ;;
        esac
    fi
    # The wrapper's times are only shown (the core reads them as dates, nothing else).
    if [ -n "$code" ]; then
        printf '%s\tdone\t%s\t%s\t%s\n' "$1" "$code" \
            "$(head -c 40 "$l/started_at.txt" 2>/dev/null | tr -d '\t\n')" \
            "$(head -c 40 "$l/finished_at.txt" 2>/dev/null | tr -d '\t\n')"
    else
        printf '%s\tcontainer\t%s\t%s\n' "$1" "$st" "$(head -c 40 "$l/started_at.txt" 2>/dev/null | tr -d '\t\n')"
    fi
}
