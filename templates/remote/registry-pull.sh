# docker login and pull on a host (see DeployOperation::registryPull). docker login writes the
# credential into a client configuration folder made for this one pull (mode 0700) and removed
# when the script ends, however it ends: no password stays in the host's ~/.docker. The password
# comes on standard input, never a command line. Every parameter is quoted by ShellWords::quote.
base=@BASE_DIR@
dir=@CONFIG_DIR@
umask 077 && mkdir -p -- "$base" && mkdir -m 700 -- "$dir" || exit 1
trap 'rm -rf -- "$dir"' EXIT
trap 'exit 129' HUP INT TERM
@LOGIN@ && @PULL@
