# sync: the container's log saved beside its results on the host, before they are copied
# (see SyncOperation). Every parameter is quoted by ShellWords::quote.
@DOCKER@ logs @CONTAINER@ >@FILE@ 2>&1 || true
