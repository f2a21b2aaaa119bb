# First contact with a host (see DeployOperation::prepareHost): the login user's home.
printf '%s\n' "$HOME"
