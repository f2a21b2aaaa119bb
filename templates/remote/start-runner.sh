#!/bin/sh
# Starts the Logistician runner (runner.sh) in @DIR@ with at most @MAX@
# conditions at a time, detached from whoever runs this script: its own
# session (setsid), no terminal, stdin from /dev/null and its output in
# runner.log. This script returns as soon as the runner has written
# runner.pid, so a deploy killed right after changes nothing here.
# A runner still alive there goes on (a deploy run again resumes); claims of
# another deployment (@ID@ is this one's) are cleared first; a stop file of
# this one (terminate got here first) stays, so nothing starts.
# Prints "runner started" or "runner alive".
set -u
dir=@DIR@
max=@MAX@
id=@ID@
cd "$dir" || exit 1
alive=
if [ -f runner.pid ] && [ ! -f runner.done ]; then
    pid=$(cat runner.pid)
    case $pid in
    '' | *[!0-9]*) ;;
    *) kill -0 "$pid" 2>/dev/null && alive=1 ;;
    esac
fi
if [ "$(cat deployment-id 2>/dev/null)" != "$id" ]; then
    if [ -n "$alive" ]; then
        echo "a runner of another deployment is still alive in $dir" >&2
        exit 1
    fi
    rm -rf claims stop
    printf '%s\n' "$id" > deployment-id
fi
if [ -n "$alive" ]; then
    echo "runner alive"
    exit 0
fi
rm -f runner.pid runner.done
setsid sh runner.sh "$dir" "$max" </dev/null >runner.log 2>&1 &
n=0
while [ ! -s runner.pid ] && [ "$n" -lt 100 ]; do
    sleep 0.1
    n=$((n + 1))
done
if [ ! -s runner.pid ]; then
    echo "the runner did not start: $(tail -n 3 runner.log)" >&2
    exit 1
fi
echo "runner started"
