# sync: the container's log saved beside its results on the host, before they are copied
# (see SyncOperation). @LOGS@ is the docker logs command (Docker::logs); every parameter is
# quoted by ShellWords::quote.
@LOGS@ >@FILE@ 2>&1 || true
