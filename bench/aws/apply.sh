#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# terraform apply of the aws backend's own configuration (bench_aws_config) on the EC2 emulator, in a network
# namespace of its own (tests/support/ec2-emulator, no machines behind the instances): N machines through one
# EC2 Fleet (the same apply looks every machine's address up) against N aws_instance resources, paired in one
# run, each followed by its destroy. See README.md.
#   bench/aws/apply.sh [BUILD_DIR] [FLEET_SIZES] [INSTANCE_SIZES]     defaults: build "100 1000" "100" ("": none)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
fleet_sizes=${2-100 1000}
instance_sizes=${3-100}
if [ -z "${LOGISTICIAN_EC2_DIR:-}" ]; then
    [ -n "${LOGISTICIAN_EC2_UNAVAILABLE:-}" ] && { echo "no EC2 emulator: $LOGISTICIAN_EC2_UNAVAILABLE" >&2; exit 1; }
    LOGISTICIAN_EC2_NO_MACHINES=1 exec "$root/tests/support/ec2-emulator" "$0" "$build" "$fleet_sizes" "$instance_sizes"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-aws-XXXXXX")
trap 'rm -rf "$work"' EXIT
mirror=${LOGISTICIAN_TF_MIRROR:-/opt/tf-plugins}
cat > "$work/tfrc" <<RC
provider_installation {
  filesystem_mirror { path = "$mirror" include = ["registry.terraform.io/hashicorp/*"] }
  direct { exclude = ["registry.terraform.io/hashicorp/*"] }
}
RC
export TF_CLI_CONFIG_FILE="$work/tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_REGION=eu-central-1
ami=$(AWS_ACCESS_KEY_ID=harness AWS_SECRET_ACCESS_KEY=harness "$LOGISTICIAN_EC2_PYTHON" "$root/tests/support/ec2-machines.py" image eu-central-1)
config=$build/bench/aws/bench_aws_config

seconds() { local t0=$1; echo "$(( ($(date +%s%N) - t0) / 1000000 ))" | awk '{ printf "%.1f", $1 / 1000 }'; }
running() {
    AWS_ACCESS_KEY_ID=harness AWS_SECRET_ACCESS_KEY=harness "$LOGISTICIAN_EC2_PYTHON" - <<'PY'
import boto3
ec2 = boto3.client("ec2", region_name="eu-central-1")
print(sum(1 for r in ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])["Reservations"] for i in r["Instances"]))
PY
}

run() { # LAYOUT N
    local layout=$1 n=$2 dir="$work/$1-$2" t0 apply addresses="" destroy
    "$config" --conditions "$n" --layout "$layout" --ami "$ami" --out "$dir" || return 1
    (cd "$dir" && terraform init -input=false -no-color >/dev/null) || return 1
    t0=$(date +%s%N)
    (cd "$dir" && terraform apply -input=false -auto-approve -no-color >apply.log 2>&1) || { tail -20 "$dir/apply.log"; return 1; }
    apply=$(seconds "$t0")
    if [ "$layout" = fleet ]; then
        # The same apply looked the machines up: every one launched has its address in the output.
        (cd "$dir" && terraform output -json >fleet.json) || return 1
        addresses=$(python3 -c 'import json, sys
o = json.load(open(sys.argv[1]))
ids, running = o["fleet_instances"]["value"], o["fleet_machines"]["value"]["running"]
seen = dict(zip(running["ids"], running["public_ips"])) if len(running["ids"]) == len(running["public_ips"]) else {}
print(sum(1 for i in ids if seen.get(i)))' "$dir/fleet.json") || return 1
    fi
    local up; up=$(running)
    t0=$(date +%s%N)
    (cd "$dir" && terraform destroy -input=false -auto-approve -no-color >destroy.log 2>&1) || { tail -20 "$dir/destroy.log"; return 1; }
    destroy=$(seconds "$t0")
    grep -h "Destruction complete" "$dir/destroy.log" | grep -v "aws_instance\." | sed "s/^/    $layout-$n destroy: /" >&2
    printf '| %s | %s | %s s | %s | %s s | %s |\n' "$layout" "$n" "$apply" "$addresses" "$destroy" "$up"
}

echo "| layout | machines | apply | addresses read back | destroy | running after apply |"
echo "| --- | --- | --- | --- | --- | --- |"
for n in $(echo "$fleet_sizes $instance_sizes" | tr ' ' '\n' | sort -nu); do
    case " $instance_sizes " in *" $n "*) run instances "$n" ;; esac
    case " $fleet_sizes " in *" $n "*) run fleet "$n" ;; esac
done
