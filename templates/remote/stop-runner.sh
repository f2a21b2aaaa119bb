#!/bin/sh
# Stops the Logistician runner in DIR (see runner.sh) so that nothing starts
# after this script returns:
#
# DIR is @DIR@ (rendered by RemoteScript).
#
# 1. DIR/stop: no worker starts another container.
# 2. Every claimed condition gets its state: a start already under way (a
#    docker run -d) ends by itself rather than being killed half-way, where
#    the engine could still create the container after its client died.
# 3. The runner's process group (its workers waiting on containers) is ended.
# The containers themselves are left to the caller (terminate removes them).
# Prints "runner stopped" or "no runner".
set -u
dir=@DIR@
# Even with no runner yet: one a deploy starts later starts nothing.
mkdir -p "$dir" && touch "$dir/stop"
if [ ! -f "$dir/runner.pid" ]; then
    echo "no runner"
    exit 0
fi
pid=$(cat "$dir/runner.pid")
case $pid in
'' | *[!0-9]*)
    echo "no runner"
    exit 0
    ;;
esac
alive() { kill -0 "$pid" 2>/dev/null; }
# A runner that is gone (a rebooted host) leaves claims without a state; only
# a live one is waited for, and for at most 2 minutes.
n=0
while alive && [ "$n" -lt 240 ]; do
    pending=
    for c in "$dir"/claims/*/; do
        if [ -d "$c" ] && [ ! -f "$c/state" ]; then
            pending=1
        fi
    done
    [ -n "$pending" ] || break
    sleep 0.5
    n=$((n + 1))
done
if alive; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    n=0
    while alive && [ "$n" -lt 20 ]; do
        sleep 0.5
        n=$((n + 1))
    done
    alive && kill -KILL -- "-$pid" 2>/dev/null
fi
echo "runner stopped"
