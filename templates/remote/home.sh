# First contact with a host (see DeployOperation::prepareHost): the login user's home. The upload and the
# image build start now: ~/logistician/activity tells an aws machine's idle stop that Logistician is at work.
mkdir -p "$HOME/logistician" && touch "$HOME/logistician/activity" || true
printf '%s\n' "$HOME"
