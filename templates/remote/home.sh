# First contact with a host (see DeployOperation::prepareHost): the login user's home, then "docker" when this
# login may use the engine already (root, or in the docker group an aws machine's bootstrap adds; else deploy
# logs in afresh, so the group applies). The upload and the image build start now: ~/logistician/activity
# tells an aws machine's idle stop that Logistician is at work.
# A machine with a bootstrap (aws: its user data) answers ssh before the bootstrap has installed Docker:
# until the mark READY is there, this exits 75 (try again later); when the bootstrap failed (READY.failed
# names the step), 76, with its words on stderr.
ready=@READY@
if [ -n "$ready" ] && [ ! -e "$ready" ]; then
    if [ -e "$ready.failed" ]; then
        printf 'its bootstrap failed: %s\n' "$(head -c 300 "$ready.failed")" >&2
        exit 76
    fi
    printf 'its bootstrap has not finished (no %s yet)\n' "$ready" >&2
    exit 75
fi
mkdir -p "$HOME/logistician" && touch "$HOME/logistician/activity" || true
printf '%s\n' "$HOME"
if [ "$(id -u)" = 0 ] || id -Gn | tr ' ' '\n' | grep -qx docker; then echo docker; fi
