#!/bin/sh
# Logistician upload of one attempt's results to the experiment's results store (results_store), written
# by Logistician into the runner's folder as KEY.upload.sh and run by runner.sh:
#   sh KEY.upload.sh final   after the attempt ended: the condition's whole folder (attempt 1's, with the
#                            later attempts' folders in it) to PREFIX/data/SLUG, then the marker
#                            PREFIX/uploaded/SLUG/KEY, written last
#   sh KEY.upload.sh watch   while the attempt runs: its logs folder every @INTERVAL@ seconds, until killed
# The transfer is the AWS CLI's (aws s3 sync: only what changed, each part's checksum checked by S3). Its
# credentials are the machine's own: on aws the instance profile's (the metadata service), which may write
# only under the experiment's prefix; on an ssh or slurm host whatever the host's AWS CLI is set up with.
# Symbolic links are not followed (--no-follow-symlinks skips them): a link to a file elsewhere on the
# machine never leaves it. Every value below was checked by Logistician and is quoted for sh.
set -u
SOURCE=@SOURCE@
LOGS=@LOGS@
DATA=@DATA@
MARKERS=@MARKERS@
KEY=@KEY@
REGION=@REGION@
INTERVAL=@INTERVAL@
[ -z "$REGION" ] || export AWS_DEFAULT_REGION="$REGION"
if ! command -v aws >/dev/null 2>&1; then
    echo "logistician upload: no aws command (the AWS CLI) on this machine" >&2
    exit 127
fi
case ${1:-final} in
watch)
    while :; do
        sleep "$INTERVAL"
        [ ! -d "$SOURCE/$LOGS" ] ||
            aws s3 sync "$SOURCE/$LOGS" "$DATA/$LOGS" --no-follow-symlinks --only-show-errors
    done
    ;;
final)
    aws s3 sync "$SOURCE" "$DATA" --no-follow-symlinks --only-show-errors || exit $?
    # The marker says how the attempt ended (the runner's record of docker wait, in its folder: the current
    # one), so the store alone tells a finished condition once its machine is gone.
    code=$(head -c 12 "claims/$KEY/exit" 2>/dev/null | tr -cd 0-9)
    printf '%s %s\n' "$KEY" "$code" | aws s3 cp - "$MARKERS/$KEY" --only-show-errors
    ;;
esac
