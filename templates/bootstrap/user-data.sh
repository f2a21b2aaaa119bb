#!/bin/sh
# Logistician instance bootstrap (EC2 user data), run once as root on first
# boot: installs Docker, lets the login user use it, prepares the folder the
# runs go into, and, when auto_stop_minutes is set, stops the machine after
# that many idle minutes once its last condition has ended. The instance is
# created with instance_initiated_shutdown_behavior = "stop", so stopping keeps
# its disk and nothing is lost; with a results store it is "terminate": the
# machine ends for good once each ended attempt's folder is uploaded (pending).
set -eu
# Logistician fills these in, each already quoted for sh (never pasted into '...').
USER_NAME=@USER@
EXPERIMENT=@EXPERIMENT@
AUTO_STOP_MINUTES=@AUTO_STOP_MINUTES@
READY=@READY@

# Logistician's first contact waits for the last step's mark, READY, before it uses the machine: sshd answers
# before this has installed Docker. A step that fails leaves READY.failed naming the step, so the deploy
# reports it at once instead of waiting for a mark that never comes.
step="starting"
trap 'code=$?; [ "$code" = 0 ] || echo "$step failed (exit $code); its output is in /var/log/cloud-init-output.log" > "$READY.failed"' EXIT

export DEBIAN_FRONTEND=noninteractive
step="installing Docker and rsync"
if ! command -v docker >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -q
        apt-get install -y -q docker.io rsync
    elif command -v dnf >/dev/null 2>&1; then
        dnf install -y docker rsync
    elif command -v yum >/dev/null 2>&1; then
        yum install -y docker rsync
    fi
fi
step="installing the AWS CLI"
# The AWS CLI uploads to a results store (results_store) with the instance profile's credentials.
if ! command -v aws >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -q awscli || { apt-get update -q && apt-get install -y -q awscli; } || true
    elif command -v dnf >/dev/null 2>&1; then
        dnf install -y awscli || true
    elif command -v yum >/dev/null 2>&1; then
        yum install -y awscli || true
    fi
fi
step="starting Docker"
systemctl enable --now docker 2>/dev/null || service docker start || true
step="preparing the login user's folder"
home=
if id "$USER_NAME" >/dev/null 2>&1; then
    usermod -aG docker "$USER_NAME" || true
    home=$(getent passwd "$USER_NAME" | cut -d: -f6)
    mkdir -p "$home/logistician/$EXPERIMENT"
    chown -R "$USER_NAME": "$home/logistician"
fi

step="setting up the idle stop"
if [ "$AUTO_STOP_MINUTES" -gt 0 ]; then
    cat > /usr/local/sbin/logistician-idle-stop <<'SCRIPT'
#!/bin/sh
# Stops this machine once Logistician has done nothing on it for MINUTES:
#   logistician-idle-stop MINUTES BASE [STAMP]
# Activity is a running Logistician container, a live runner under
# BASE/*/runner* (it may be between two conditions), or BASE/activity, which
# Logistician touches while it uploads code or builds the image, before any
# container runs. STAMP (default /run/logistician/last-active) keeps the
# time of the last activity seen. /run is emptied at every boot: a machine
# started again (sync, terminate) has its whole idle time before it stops
# itself again, not a stamp from before its stop.
minutes="$1"
base="$2"
stamp="${3:-/run/logistician/last-active}"
mkdir -p "$(dirname "$stamp")"
active() {
    [ -n "$(docker ps -q --filter label=logistician.experiment 2>/dev/null)" ] && return 0
    for pidfile in "$base"/*/runner*/runner.pid; do
        [ -f "$pidfile" ] || continue
        [ -e "${pidfile%/runner.pid}/runner.done" ] && continue
        kill -0 "$(cat "$pidfile")" 2>/dev/null && return 0
    done
    return 1
}
# With a results store (KEY.upload.sh in a runner folder) the machine is terminated, not stopped, at the idle
# stop: never while an attempt that ended is not marked uploaded (its folder here is the only copy).
pending() {
    for code in "$base"/*/runner*/claims/*/exit; do
        [ -f "$code" ] || continue
        claim=${code%/exit}
        runner=${claim%/claims/*}
        [ -f "$runner/${claim##*/}.upload.sh" ] && [ ! -e "$claim/uploaded" ] && return 0
    done
    return 1
}
if active || pending || [ ! -e "$stamp" ]; then
    touch "$stamp"
    exit 0
fi
if [ -e "$base/activity" ] && [ "$base/activity" -nt "$stamp" ]; then
    touch -r "$base/activity" "$stamp"
fi
if [ -n "$(find "$stamp" -mmin +"$minutes")" ]; then
    shutdown -h now "logistician: idle for $minutes minutes"
fi
SCRIPT
    chmod 755 /usr/local/sbin/logistician-idle-stop
    # cron hands the line to sh: only a plain home folder goes into it (it comes from a checked user name).
    case "$home" in
    *[!A-Za-z0-9/._-]* | '') echo "logistician: no idle stop: unusual home folder" >&2 ;;
    *) echo "* * * * * root /usr/local/sbin/logistician-idle-stop $AUTO_STOP_MINUTES $home/logistician" > /etc/cron.d/logistician-idle-stop ;;
    esac
    command -v cron >/dev/null 2>&1 || apt-get install -y -q cron || true
fi
step="marking the machine ready"
touch "$READY"
