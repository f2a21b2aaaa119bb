# sync: the container's log saved beside its results on the host, before they are copied
# (see SyncOperation). @LOGS@ is the docker logs command (Docker::logs); every parameter is
# quoted by ShellWords::quote. The folder is the container's own: a logs/ or docker.txt it
# made a symlink (to ~/.profile, say) is never written through. The file is removed and
# made anew with noclobber (O_EXCL): a symlink planted in between makes the write fail.
f=@FILE@
d=${f%/*}
[ ! -L "$d" ] && [ ! -L "${d%/*}" ] || { echo "save-log: $d is a symbolic link; not written" >&2; exit 0; }
mkdir -p "$d" && rm -f "$f" || exit 0
(set -C && @LOGS@ >"$f" 2>&1) || true
