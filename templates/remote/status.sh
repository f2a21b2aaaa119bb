# The status poll of a deployment, run by sh on each host (see StatusRound::script).
# @DOCKER@ is replaced by the docker command, every word quoted by ShellWords::quote;
# the lines calling r, s and q are appended below, their arguments quoted the same way:
#   r RUNNER_DIR                             the host's runner (runner.sh)
#   s SLUG DATA_DIR CONTAINER CLAIM [KNOWN]  CLAIM: the runner's claims/SLUG folder; KNOWN
#                                            "ended": the core has this attempt's times already,
#                                            "started": its start time
#   q                                        last: asks the engine about what s left open
# r prints "-runner" TAB alive | done | gone | none (never started there).
# s prints one line per condition: slug TAB "done" TAB code (the engine's) TAB start TAB end
# (the run wrapper's files, empty when KNOWN); slug TAB "queued" when the runner has not
# claimed it, "unpublished" when it has not even its start script (deploy has not handed it
# over, or is writing its files still); slug TAB "startfailed" TAB code TAB the start's last line when its docker run
# failed; slug TAB "container" TAB "running" TAB start when its runner is alive and has not
# recorded its end (it records the exit code of each container it started once it ended).
# Any other started condition with no exit code waits for q, which asks the engine once
# about all of them (one docker inspect, whatever their number) and prints "done" for an
# exited one, else slug TAB "container" TAB state TAB start.
# A round costs no process per condition: the runner's files are read by the shell itself,
# the wrapper's times (written by the container) only until the core has them, and while
# the runner is alive the engine is not asked at all.
n=0
nl='
'
tab='	'
alive=
r() {
    rdir=$1
    st=none
    if [ -f "$1/runner.done" ]; then
        st=done
    elif [ -f "$1/runner.pid" ]; then
        v "$1/runner.pid"
        st=gone
        case $val in
        '' | *[!0-9]*) ;;
        *) kill -0 "$val" 2>/dev/null && st=alive && alive=1 ;;
        esac
    fi
    printf -- '-runner\t%s\n' "$st"
}
# A file the runner wrote, read by the shell itself: val is what $(cat FILE) would give.
v() {
    val=
    [ -f "$1" ] && [ -r "$1" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        val=$val$line$nl
    done <"$1"
    while :; do
        case $val in
        *"$nl") val=${val%"$nl"} ;;
        *) break ;;
        esac
    done
}
# The run wrapper's times (the container wrote them: the first 40 bytes, tabs and newlines
# dropped) into a and b; each only while the core does not have it (KNOWN). One head each.
t() {
    a=
    b=
    [ "$known" != ended ] || return 0
    if [ -z "$known" ]; then
        z "$(head -c 40 "$1/started_at.txt" 2>/dev/null)"
        a=$val
    fi
    if [ -n "${2:-}" ]; then
        z "$(head -c 40 "$1/finished_at.txt" 2>/dev/null)"
        b=$val
    fi
}
# $1 without tabs and newlines, into val (built-ins only: it is at most 40 bytes).
z() {
    val=$1
    while :; do
        case $val in
        *"$tab"*) val=${val%%"$tab"*}${val#*"$tab"} ;;
        *"$nl"*) val=${val%%"$nl"*}${val#*"$nl"} ;;
        *) return 0 ;;
        esac
    done
}
s() {
    l="$2/logs"
    c=$4
    known=${5:-}
    v "$c/state"
    claim=$val
    # Whether and how it ended is what the engine says (docker wait, recorded by the
    # runner in its own folder, or docker inspect), never what the container wrote
    # under /data: a container could write "0" into exit_code.txt and stop there.
    v "$c/exit"
    code=$val
    case $code in '' | *[!0-9]*) code= ;; esac
    if [ -z "$code" ]; then
        if [ ! -d "$c" ] || [ "$claim" = cancelled ]; then
            if [ ! -d "$c" ] && [ ! -f "$rdir/$1.sh" ]; then
                printf '%s\tunpublished\n' "$1"
            else
                printf '%s\tqueued\n' "$1"
            fi
            return
        fi
        case $claim in
        failed*)
            printf '%s\tstartfailed\t%s\t%s\n' "$1" "${claim#failed }" \
                "$(tail -n 1 "$c/start.log" 2>/dev/null | tr '\t' ' ')"
            return
            ;;
        esac
        # Started by the runner alive there, which records its end: until then it runs. (Not when
        # an earlier runner, one that was killed, started it: then the engine says. Nor while it is
        # being started: its container may be there already.)
        if [ "$claim" = started ] && [ -n "$alive" ] && [ ! -e "$c/exit" ] \
            && [ "$c/state" -nt "$rdir/runner.pid" ]; then
            t "$l"
            printf '%s\tcontainer\trunning\t%s\n' "$1" "$a"
            return
        fi
        # Started, and still running or ended without the runner's record: q asks the engine.
        # One this runner is starting (its claim newer than runner.pid) it records the end of.
        mine=
        if [ -n "$alive" ] && [ ! -e "$c/exit" ] && [ "$c" -nt "$rdir/runner.pid" ]; then
            mine=1
        fi
        n=$((n + 1))
        eval "k$n=\$1 l$n=\$l c$n=\$3 w$n=\$known m$n=\$mine"
        return
    fi
    # The wrapper's times are only shown (the core reads them as dates, nothing else).
    t "$l" end
    printf '%s\tdone\t%s\t%s\t%s\n' "$1" "$code" "$a" "$b"
}
q() {
    [ "$n" -gt 0 ] || return 0
    set --
    i=1
    while [ "$i" -le "$n" ]; do
        eval "set -- \"\$@\" \"\$c$i\""
        i=$((i + 1))
    done
    # One line per container that exists: its name (docker puts a / before it), state, exit code.
    answer=$(@DOCKER@ inspect -f '{{.Name}} {{.State.Status}} {{.State.ExitCode}}' "$@" 2>/dev/null)
    i=1
    while [ "$i" -le "$n" ]; do
        eval "k=\$k$i l=\$l$i c=\$c$i known=\$w$i mine=\$m$i"
        i=$((i + 1))
        st=missing
        while IFS= read -r line; do
            case $line in
            "/$c "* | "$c "*)
                st=${line#*"$c "}
                break
                ;;
            esac
        done <<EOF
$answer
EOF
        # Ended while its runner, alive, records it (log, then exit code): it runs until then.
        case $mine$st in 1'exited '*) st=running ;; esac
        case $st in
        'exited '[0-9]*)
            t "$l" end
            printf '%s\tdone\t%s\t%s\t%s\n' "$k" "${st#exited }" "$a" "$b"
            ;;
        *)
            t "$l"
            printf '%s\tcontainer\t%s\t%s\n' "$k" "$st" "$a"
            ;;
        esac
    done
}
