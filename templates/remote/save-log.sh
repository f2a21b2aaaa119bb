# A command's output kept in a file of a container's folder on the host: the container's log saved beside
# its results (sync, terminate), and its output followed into logs/output.txt as it runs (the start script).
#   keep_output ROOT REL FILE COMMAND...   COMMAND's stdout and stderr saved as ROOT/REL/FILE
#   follow_output ROOT REL FILE COMMAND... the same, in the background
#   keep_unless SAVED ROOT REL FILE COMMAND... keep_output, unless the file SAVED exists (the runner saved it)
#   keep_once SAVED ROOT REL FILE COMMAND...   the same, then makes SAVED (terminate: the runner saves it no more)
# ROOT is a container's /data: the container can make anything below it a symbolic link (to ~/.profile,
# say), even while this runs. So the folders of REL are entered one at a time with cd -P, made when
# missing, and the shell's own folder is checked to be ROOT/REL for real before FILE is made relative to
# it: a folder swapped afterwards no longer matters. FILE is removed and made anew with noclobber
# (O_EXCL): a symlink planted in between makes the write fail. Every argument is quoted by ShellWords.
keep_output() {
    (
        root=$1 rel=$2 file=$3
        shift 3
        cd -P -- "$root" 2>/dev/null || exit 0
        top=$(pwd -P)
        set -f
        IFS=/
        for part in $rel; do
            [ -d "$part" ] || mkdir -- "$part" 2>/dev/null || exit 0
            cd -P -- "$part" 2>/dev/null || exit 0
        done
        unset IFS
        if [ "$(pwd -P)" != "$top/$rel" ]; then
            echo "$root/$rel leads out of its folder (a symbolic link); $file not written" >&2
            exit 0
        fi
        rm -f -- "$file"
        set -C
        exec "$@" >"$file" 2>&1 </dev/null
    )
    true
}
follow_output() { keep_output "$@" >/dev/null 2>&1 & }
keep_unless() {
    [ -e "$1" ] || { shift; keep_output "$@"; }
    true
}
keep_once() {
    [ -e "$1" ] && return 0
    keep_unless "$@"
    # Only in a claim the runner made (never claimed: nothing will save it); true, not the special
    # built-in ":", so that a failed redirection cannot end the script.
    [ ! -d "${1%/*}" ] || true 2>/dev/null >"$1"
    true
}
