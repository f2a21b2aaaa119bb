# SPDX-License-Identifier: MIT
"""moto_server, with its EC2 Fleet launches made as AWS makes them (see ec2-emulator).

  ec2-moto.py -H 127.0.0.1 -p PORT     moto_server's own arguments; runs with moto's Python.

moto 5.2.1 launches a fleet's instances from only part of the launch template: the image, type, key, user data
and tags, not its root volume (the instance gets the AMI's default, 8 GiB gp2), its metadata options (IMDSv1
stays allowed), its security groups or its shutdown behaviour, and it never runs short of capacity. AWS
launches each instance from the whole template, and an instant fleet that cannot get all it asked for returns
the instances it got and an error per launch it could not make (CreateFleet's Errors, e.g.
InsufficientInstanceCapacity). Here a fleet's instances are launched from the whole template, and

Its tag look-ups are made faster (the same answers; see describe_tags).

  LOGISTICIAN_EC2_CAPACITY="TYPE=N[,TYPE=N...]"   EC2 has room for N running instances of TYPE (the others:
                                                  unlimited); a fleet gets what is left, and an error for each
                                                  instance it did not get, as AWS reports it; a RunInstances
                                                  beyond it is refused (InsufficientInstanceCapacity), as AWS
                                                  refuses it.
  LOGISTICIAN_EC2_CAPACITY_FILE=PATH              when that file exists, its text (the same form) is the
                                                  capacity instead, read at each launch: a test gives EC2 room
                                                  again (Ec2Emulator::setCapacity).
"""

import os
import sys

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models import fleets, instances as instance_models
from moto.ec2.models import tags as tag_models
from moto.ec2.responses import fleets as fleet_responses
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix
from moto.server import main


def capacity():
    text = os.environ.get("LOGISTICIAN_EC2_CAPACITY", "")
    path = os.environ.get("LOGISTICIAN_EC2_CAPACITY_FILE", "")
    if path and os.path.exists(path):
        with open(path) as f:
            text = f.read()
    out = {}
    for item in text.split(","):
        if "=" in item:
            name, count = item.split("=", 1)
            out[name.strip()] = int(count)
    return out


def running_of_type(backend, instance_type):
    return sum(1 for r in backend.reservations.values() for i in r.instances
               if i.instance_type == instance_type and i._state.name in ("pending", "running", "stopping", "stopped"))


def launch(self, weight_to_add, lifecycle):
    weight_map, added_weight = self.get_launch_spec_counts(weight_to_add)
    launched = 0
    for spec, count in weight_map.items():
        template_spec = spec.launch_template_spec or {}
        data = {}
        if template_spec.get("LaunchTemplateId"):
            template = self.ec2_backend.get_launch_template(template_spec["LaunchTemplateId"])
            data = template.get_version(template_spec.get("Version", template.default_version_number)).data
        room = count
        limits = capacity()
        if spec.instance_type in limits:
            room = max(0, min(count, limits[spec.instance_type] - running_of_type(self.ec2_backend, spec.instance_type)))
        for _ in range(count - room):
            self.errors.append({
                "LaunchTemplateAndOverrides": {"LaunchTemplateSpecification": template_spec},
                "Lifecycle": lifecycle,
                "ErrorCode": "InsufficientInstanceCapacity",
                "ErrorMessage": "We currently do not have sufficient %s capacity in the Availability Zone you "
                                "requested. Our system will be working on provisioning additional capacity."
                                % spec.instance_type,
            })
        if room == 0:
            continue
        kwargs = {
            "instance_type": spec.instance_type,
            "is_instance_type_default": False,
            "key_name": spec.key_name,
            "placement": None,
            "kernel_id": None,
            "ramdisk_id": None,
            "monitoring_enabled": spec.monitoring,
            "subnet_id": spec.subnet_id,
            "fleet_id": self.id,
            "tags": spec.tag_specifications,
            "metadata_options": data.get("MetadataOptions", {}),
            "instance_initiated_shutdown_behavior": data.get("InstanceInitiatedShutdownBehavior"),
        }
        if template_spec.get("LaunchTemplateId"):
            # The template's security groups and block devices (run_instances reads those from it).
            kwargs["launch_template"] = {"LaunchTemplateId": template_spec["LaunchTemplateId"],
                                         "Version": template_spec.get("Version")}
        if data.get("BlockDeviceMappings"):
            # In place of the image's default root device (run_instances adds that one when given none).
            kwargs["block_device_mappings"] = data["BlockDeviceMappings"]
        if lifecycle == "spot":
            kwargs["instance_market_options"] = {"MarketType": "spot"}
        reservation = self.ec2_backend.run_instances(image_id=spec.image_id, count=room, user_data=spec.user_data,
                                                     security_group_names=[], **kwargs)
        for instance in reservation.instances:
            self.launched.append({"instance": instance, "launch_spec": spec, "lifecycle": lifecycle})
            launched += 1
    self.fulfilled_capacity += launched
    return []


original_init = fleets.Fleet.__init__


def init(self, *args, **kwargs):
    self.errors = []
    self.launched = []
    original_init(self, *args, **kwargs)
    # terminate_instances (a fleet deleted with its instances) reads these two lists.
    self.on_demand_instances = [{"id": self.id, "instance": item["instance"], "launch_spec": item["launch_spec"]}
                                for item in self.launched]
    self.spot_requests = []


def instances(self):
    if self.fleet_type != "instant":
        return None
    return [self._build_instance_data(item["instance"], item["lifecycle"], item["launch_spec"])
            for item in self.launched if item["instance"] in [d["instance"] for d in self.on_demand_instances]]


original_run_instances = instance_models.InstanceBackend.run_instances


def run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
    instance_type = kwargs.get("instance_type", "m1.small")
    limits = capacity()
    if instance_type in limits and running_of_type(self, instance_type) + count > limits[instance_type]:
        raise EC2ClientError(
            "InsufficientInstanceCapacity",
            "We currently do not have sufficient %s capacity in the Availability Zone you requested. Our system "
            "will be working on provisioning additional capacity." % instance_type)
    return original_run_instances(self, image_id, count, user_data, security_group_names, **kwargs)


instance_models.InstanceBackend.run_instances = run_instances

original_terminate = fleets.Fleet.terminate_instances


def terminate_instances(self):
    # A fleet deleted with its instances when it has none left running (it got none, or they were all lost): AWS
    # deletes it; moto asks to terminate an empty list, which it refuses (InvalidParameterCombination).
    def instance_of(request):
        return request.instance if hasattr(request, "instance") else request["instance"]

    if any(instance_of(r).state != "terminated" for r in self.spot_requests + self.on_demand_instances):
        original_terminate(self)


fleets.Fleet.terminate_instances = terminate_instances
fleets.Fleet.__init__ = init
fleets.Fleet.create_on_demand_requests = lambda self, weight: launch(self, weight, "on-demand")
fleets.Fleet.create_spot_requests = lambda self, weight: launch(self, weight, "spot")
fleets.Fleet.instances = property(instances)

original_create_fleet = fleet_responses.Fleets.create_fleet


def create_fleet(self):
    result = original_create_fleet(self)
    fleet = self.ec2_backend.get_fleet(result.result["FleetId"]) if hasattr(result, "result") else None
    if fleet is not None and fleet.errors:
        result.result["Errors"] = fleet.errors
    return result


fleet_responses.Fleets.create_fleet = create_fleet

original_describe_tags = tag_models.TagBackend.describe_tags


def describe_tags(self, filters=None):
    # Speed only, the same answer: moto reads a resource's own tags (three times for each instance it describes)
    # by matching every tag of every resource, so describing N instances took N^2 steps (30 s for a
    # DescribeInstances of 1,000 here, against about 2 s for 100). One resource's tags are read by its id.
    ids = (filters or {}).get("resource-id") or []
    if set(filters or {}) != {"resource-id"} or len(ids) != 1 or any(c in ids[0] for c in "*?[\\"):
        return original_describe_tags(self, filters)
    kind = EC2_PREFIX_TO_RESOURCE.get(get_prefix(ids[0]), "")
    return [{"resource_id": ids[0], "key": key, "value": value, "resource_type": kind}
            for key, value in dict(self.tags.get(ids[0], {})).items()]


tag_models.TagBackend.describe_tags = describe_tags

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
