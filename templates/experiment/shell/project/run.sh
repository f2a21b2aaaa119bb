# The program of a new experiment, from Logistician's shell template.
#
# It runs in /project (the project root) with each condition's words as its
# arguments (`sh run.sh --seed 1`). What it writes into /data/results is what
# `logistician results` compares; its output is kept in /data/logs.
# Replace it with your own program.
set -eu
echo "run.sh: arguments: $*"
seed=0
while [ $# -gt 0 ]; do
    case $1 in
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        *) shift ;;
    esac
done
printf '{"seed": %s}\n' "$seed" >/data/results/metrics.json
