#!/bin/sh
# Logistician instance bootstrap (EC2 user data), run once as root on first
# boot: installs Docker, lets the login user use it, prepares the folder the
# runs go into, and, when auto_stop_minutes is set, stops the machine after
# that many idle minutes once its last condition has ended. The instance is
# created with instance_initiated_shutdown_behavior = "stop", so stopping keeps
# its disk and nothing is lost.
set -eu
# Logistician fills these in, each already quoted for sh (never pasted into '...').
USER_NAME=@USER@
EXPERIMENT=@EXPERIMENT@
AUTO_STOP_MINUTES=@AUTO_STOP_MINUTES@

export DEBIAN_FRONTEND=noninteractive
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
systemctl enable --now docker 2>/dev/null || service docker start || true
if id "$USER_NAME" >/dev/null 2>&1; then
    usermod -aG docker "$USER_NAME" || true
    home=$(getent passwd "$USER_NAME" | cut -d: -f6)
    mkdir -p "$home/logistician/$EXPERIMENT"
    chown -R "$USER_NAME": "$home/logistician"
fi

if [ "$AUTO_STOP_MINUTES" -gt 0 ]; then
    cat > /usr/local/sbin/logistician-idle-stop <<'SCRIPT'
#!/bin/sh
# Stops this machine once no Logistician container has run for the given minutes.
minutes="$1"
stamp=/var/lib/logistician/last-active
mkdir -p /var/lib/logistician
if [ -n "$(docker ps -q --filter label=logistician.experiment)" ] || [ ! -e "$stamp" ]; then
    touch "$stamp"
    exit 0
fi
if [ -n "$(find "$stamp" -mmin +"$minutes")" ]; then
    shutdown -h now "logistician: idle for $minutes minutes"
fi
SCRIPT
    chmod 755 /usr/local/sbin/logistician-idle-stop
    echo "* * * * * root /usr/local/sbin/logistician-idle-stop $AUTO_STOP_MINUTES" > /etc/cron.d/logistician-idle-stop
    command -v cron >/dev/null 2>&1 || apt-get install -y -q cron || true
fi
touch /var/lib/logistician-ready 2>/dev/null || true
