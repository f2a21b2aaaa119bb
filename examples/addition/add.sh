#!/bin/sh
# The smallest experiment: adds its two arguments, prints the sum and keeps it
# in /data/results.
set -eu
if [ "$#" -ne 2 ]; then
    echo "usage: add.sh A B" >&2
    exit 2
fi
sum=$(($1 + $2))
echo "$sum"
if [ -d /data/results ]; then
    echo "$sum" > /data/results/sum.txt
    echo "added $1 and $2" > /data/logs/add.log
fi
