# The board's last line of each condition's log (see DeploymentMonitor::fetchLastLines).
# @DOCKER@ is the docker command and @CHARS@ the most characters kept, quoted by
# ShellWords::quote; one call per condition is appended:
#   l SLUG CONTAINER
# Prints: slug TAB last non-empty line of the container's log.
l() {
    # stdout and stderr come as two streams: their timestamps put the lines back in the order written.
    t=$(@DOCKER@ logs --timestamps --tail 3 "$2" 2>&1) || t=
    t=$(printf '%s\n' "$t" | sort | cut -d' ' -f2- | tr -d '\r' | sed '/^$/d' | tail -n 1 | cut -c1-@CHARS@)
    printf '%s\t%s\n' "$1" "$t"
}
