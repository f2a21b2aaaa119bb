// SPDX-License-Identifier: MIT
#include "Terraform.h"

#include "PrintableText.h"
#include "ShellWords.h"
#include "aws/AwsParameters.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <algorithm>

namespace Terraform {

namespace {

// Terraform reads "${...}" and "%{...}" in any JSON string as a template. Every
// string of the configuration is data and escaped (escapeAll), except the
// references made here with reference(): they are marked by an object of this
// one key until escapeAll turns them into "${...}".
const QString ReferenceKey = QStringLiteral("\x01"
                                            "logistician-reference");

QString literal(const QString& text)
{
    QString out = text;
    out.replace(QStringLiteral("${"), QStringLiteral("$${"));
    out.replace(QStringLiteral("%{"), QStringLiteral("%%{"));
    return out;
}

QJsonObject reference(const QString& expression)
{
    return QJsonObject { { ReferenceKey, expression } };
}

QJsonValue escapeAll(const QJsonValue& value)
{
    if (value.isString())
        return literal(value.toString());
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue& v : value.toArray())
            out.append(escapeAll(v));
        return out;
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.size() == 1 && o.contains(ReferenceKey))
            return QStringLiteral("${%1}").arg(o.value(ReferenceKey).toString());
        QJsonObject out;
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(literal(it.key()), escapeAll(it.value()));
        return out;
    }
    return value;
}

// The fleet layout's machine an output value of a slug names: its key (mK) and its instance id as an
// aws_ec2_instance_state names it; an empty key for the per-instance layout. A configuration made before the
// machines were looked up together named each by a data.aws_instance of its own.
struct Machine
{
    QString key;
    QString instanceId;
};
Machine machineOf(const QJsonValue& outputValue)
{
    static const QRegularExpression ref(QStringLiteral("^\\$\\{data\\.aws_instance\\.(m[0-9]+)\\.id\\}$"));
    const QJsonObject o = outputValue.toObject();
    const QString id = o.value(QStringLiteral("id")).toString();
    if (const QRegularExpressionMatch m = ref.match(id); m.hasMatch())
        return { m.captured(1), id };
    if (!o.contains(QStringLiteral("machine")) || id.startsWith(QLatin1String("${")))
        return {};
    return { QStringLiteral("m%1").arg(o.value(QStringLiteral("machine")).toInt()), id };
}

// The fleet's machines are looked up by the states EC2 gives them (data.aws_instances.fleet_GROUP): a pending
// machine counts as running, a stopping one is told from a stopped one (only a stopped one can be started);
// one shutting down or terminated is in none: gone.
const QMap<QString, QStringList>& fleetStateGroups()
{
    static const QMap<QString, QStringList> groups {
        { QStringLiteral("running"), { QStringLiteral("pending"), QStringLiteral("running") } },
        { QStringLiteral("stopping"), { QStringLiteral("stopping") } },
        { QStringLiteral("stopped"), { QStringLiteral("stopped") } },
    };
    return groups;
}

struct Seen
{
    QString state;
    QString address; // empty: none, or not known
};
// What the lookups saw of the fleet's machines (output fleet_machines of OUTPUTS, as `terraform output -json`
// or show -json's values.outputs give it), by instance id. aws_instances lists the addresses of the machines
// that have one, in the order of their ids: when every running machine has one the two lists pair up; when
// not, no address is taken (one could go to the wrong machine).
QHash<QString, Seen> fleetSeen(const QJsonObject& outputs)
{
    QHash<QString, Seen> seen;
    const QJsonObject groups
        = outputs.value(QStringLiteral("fleet_machines")).toObject().value(QStringLiteral("value")).toObject();
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        const QJsonArray ids = it.value().toObject().value(QStringLiteral("ids")).toArray();
        const QJsonArray addresses = it.value().toObject().value(QStringLiteral("public_ips")).toArray();
        const bool paired = addresses.size() == ids.size();
        for (int i = 0; i < ids.size(); ++i)
            seen.insert(ids.at(i).toString(), { it.key(), paired ? addresses.at(i).toString() : QString() });
    }
    return seen;
}

// EC2 keeps tag values up to 256 characters.
QString tagValue(const QString& text)
{
    return text.left(256);
}

} // namespace

QString resourceName(const QString& slug)
{
    QString name = slug;
    name.replace(QLatin1Char('.'), QLatin1Char('_'));
    return name;
}

std::optional<QString> userData(const QString& templateText, const QString& experimentName, const QString& user,
                                int autoStopMinutes)
{
    // Checked at load already; this script runs as root, so a name that is not one never reaches it.
    if (!AwsParameters::isUserName(user))
        return std::nullopt;
    QString text = templateText;
    text.replace(QStringLiteral("@EXPERIMENT@"), ShellWords::quote(experimentName));
    text.replace(QStringLiteral("@USER@"), ShellWords::quote(user));
    text.replace(QStringLiteral("@AUTO_STOP_MINUTES@"), ShellWords::quote(QString::number(autoStopMinutes)));
    text.replace(QStringLiteral("@READY@"), ShellWords::quote(bootstrapReadyMark()));
    return text;
}

QJsonObject configurationRoot(const QString& region, const QJsonObject& resource)
{
    return QJsonObject {
        { QStringLiteral("terraform"),
          QJsonObject {
              { QStringLiteral("required_providers"),
                QJsonObject { { QStringLiteral("aws"),
                                QJsonObject { { QStringLiteral("source"), QStringLiteral("hashicorp/aws") },
                                              { QStringLiteral("version"), QStringLiteral(">= 5.0") } } } } } } },
        { QStringLiteral("provider"),
          QJsonObject { { QStringLiteral("aws"), QJsonObject { { QStringLiteral("region"), region } } } } },
        { QStringLiteral("resource"), resource },
    };
}

namespace {

// What every part of a configuration is made from.
struct Parts
{
    const QString& experimentName;
    const DeploymentState& state;
    const Settings& s;
    QString prefix; // logistician-EXPERIMENT: names and the Name tag
    AmiFamily family; // the image looked up when aws_ami is not set
    QJsonValue ami; // aws_ami, or a reference to the family's lookup
};

QJsonObject keyPair(const Parts& p)
{
    return QJsonObject { { QStringLiteral("machines"),
                           QJsonObject { { QStringLiteral("key_name_prefix"), p.prefix + QLatin1Char('-') },
                                         { QStringLiteral("public_key"), p.s.publicKey.trimmed() } } } };
}

// A security group rule: PROTOCOL from_port..to_port from these IPv4 (and IPv6) ranges.
QJsonObject rule(const QString& description, int port, const QString& protocol, const QJsonArray& ipv4,
                 const QJsonArray& ipv6)
{
    return QJsonObject {
        { QStringLiteral("description"), description },
        { QStringLiteral("from_port"), port },
        { QStringLiteral("to_port"), port },
        { QStringLiteral("protocol"), protocol },
        { QStringLiteral("cidr_blocks"), ipv4 },
        { QStringLiteral("ipv6_cidr_blocks"), ipv6 },
        { QStringLiteral("prefix_list_ids"), QJsonArray() },
        { QStringLiteral("security_groups"), QJsonArray() },
        { QStringLiteral("self"), false },
    };
}

QJsonObject securityGroup(const Parts& p)
{
    const QJsonObject ingress = rule(QStringLiteral("SSH from the address range given at deploy"), 22,
                                     QStringLiteral("tcp"), QJsonArray { p.s.sshCidr }, QJsonArray());
    // Out: the machines install Docker and pull images.
    const QJsonObject egress = rule(QStringLiteral("everything out"), 0, QStringLiteral("-1"),
                                    QJsonArray { QStringLiteral("0.0.0.0/0") }, QJsonArray { QStringLiteral("::/0") });
    return QJsonObject {
        { QStringLiteral("ssh"),
          QJsonObject {
              { QStringLiteral("name_prefix"), p.prefix + QLatin1Char('-') },
              { QStringLiteral("description"), QStringLiteral("Logistician %1: SSH only").arg(p.experimentName) },
              { QStringLiteral("ingress"), QJsonArray { ingress } },
              { QStringLiteral("egress"), QJsonArray { egress } },
              { QStringLiteral("tags"), QJsonObject { { QStringLiteral("experiment"), p.experimentName } } },
          } }
    };
}

QJsonObject rootVolume(const Settings& s)
{
    return QJsonObject { { QStringLiteral("volume_type"), QStringLiteral("gp3") },
                         { QStringLiteral("encrypted"), true },
                         { QStringLiteral("delete_on_termination"), true },
                         { QStringLiteral("volume_size"),
                           s.rootVolumeGb > 0 ? s.rootVolumeGb : defaultRootVolumeGb(s.gpu) } };
}

// IMDSv2 only, one hop: the instance's metadata is not reachable from its containers.
QJsonObject metadataOptions()
{
    return QJsonObject { { QStringLiteral("http_endpoint"), QStringLiteral("enabled") },
                         { QStringLiteral("http_tokens"), QStringLiteral("required") },
                         { QStringLiteral("http_put_response_hop_limit"), 1 } };
}

// Spot: a one-time request that AWS may take back (the instance is then terminated: preempted). AWS can
// stop only instances of persistent requests, so the idle stop's shutdown ends a spot machine for good.
QJsonObject spotMarket(const Settings& s)
{
    QJsonObject spotOptions { { QStringLiteral("spot_instance_type"), QStringLiteral("one-time") },
                              { QStringLiteral("instance_interruption_behavior"), QStringLiteral("terminate") } };
    if (!s.spotMaxPrice.isEmpty())
        spotOptions.insert(QStringLiteral("max_price"), s.spotMaxPrice);
    return QJsonObject { { QStringLiteral("market_type"), QStringLiteral("spot") },
                         { QStringLiteral("spot_options"), QJsonArray { spotOptions } } };
}

// A machine that shuts itself down stops (its disk kept), unless it is a spot one or may write to the results
// store (it ends for good then).
QString shutdownBehaviour(const Settings& s)
{
    return s.spot || !s.instanceProfile.isEmpty() ? QStringLiteral("terminate") : QStringLiteral("stop");
}

// The instance profile's reference (already "${...}" from AwsStore: not escaped again).
QJsonObject instanceProfile(const Settings& s)
{
    return reference(s.instanceProfile.mid(2).chopped(1));
}

// The per-instance layout: one aws_instance of its own for a condition.
QJsonObject instance(const Parts& p, const DeploymentState::Condition& c)
{
    QJsonObject instance {
        { QStringLiteral("ami"), p.ami },
        { QStringLiteral("instance_type"), p.s.instanceType },
        { QStringLiteral("key_name"), reference(QStringLiteral("aws_key_pair.machines.key_name")) },
        { QStringLiteral("vpc_security_group_ids"),
          QJsonArray { reference(QStringLiteral("aws_security_group.ssh.id")) } },
        { QStringLiteral("associate_public_ip_address"), true },
        { QStringLiteral("instance_initiated_shutdown_behavior"), shutdownBehaviour(p.s) },
        { QStringLiteral("user_data"), p.s.userData },
        { QStringLiteral("root_block_device"), QJsonArray { rootVolume(p.s) } },
        { QStringLiteral("metadata_options"), QJsonArray { metadataOptions() } },
        { QStringLiteral("tags"),
          QJsonObject { { QStringLiteral("Name"), p.prefix + QLatin1Char('-') + c.slug },
                        { QStringLiteral("experiment"), p.experimentName },
                        { QStringLiteral("condition"), tagValue(c.text) },
                        { QStringLiteral("condition_slug"), c.slug },
                        { QStringLiteral("commit"), p.state.commit },
                        { QStringLiteral("managed_by"), QStringLiteral("logistician") } } },
    };
    if (p.s.spot)
        instance.insert(QStringLiteral("instance_market_options"), QJsonArray { spotMarket(p.s) });
    if (!p.s.instanceProfile.isEmpty())
        instance.insert(QStringLiteral("iam_instance_profile"), instanceProfile(p.s));
    return instance;
}

// The per-instance layout's instances (the conditions not terminated yet: one terminated on its own had its
// machine destroyed, and a resumed deploy must not make it again) and the output of each one's id and address.
void addInstances(const Parts& p, QJsonObject* resource, QJsonObject* outputValue)
{
    QJsonObject instances;
    for (const DeploymentState::Condition& c : p.state.conditions) {
        if (c.isTerminated())
            continue;
        const QString key = resourceName(c.slug);
        instances.insert(key, instance(p, c));
        outputValue->insert(
            c.slug,
            QJsonObject {
                { QStringLiteral("id"), reference(QStringLiteral("aws_instance.%1.id").arg(key)) },
                { QStringLiteral("public_ip"), reference(QStringLiteral("aws_instance.%1.public_ip").arg(key)) } });
    }
    if (!instances.isEmpty())
        resource->insert(QStringLiteral("aws_instance"), instances);
}

// The fleet's machines' tags (through the launch template): no condition of their own.
QJsonObject machineTags(const Parts& p)
{
    return QJsonObject { { QStringLiteral("Name"), p.prefix },
                         { QStringLiteral("experiment"), p.experimentName },
                         { QStringLiteral("commit"), p.state.commit },
                         { QStringLiteral("managed_by"), QStringLiteral("logistician") } };
}

// The fleet's launch template: the same settings as an instance of its own gets. Spot is the fleet's, not the
// template's: a fleet refuses a template with market options. The root volume goes by its device name, which
// is the image's (rootDevice: the image lookup's attribute).
QJsonObject launchTemplate(const Parts& p, const QString& rootDevice)
{
    const QJsonObject tags = machineTags(p);
    QJsonObject launchTemplate {
        { QStringLiteral("name_prefix"), p.prefix + QLatin1Char('-') },
        { QStringLiteral("image_id"), p.ami },
        { QStringLiteral("instance_type"), p.s.instanceType },
        { QStringLiteral("key_name"), reference(QStringLiteral("aws_key_pair.machines.key_name")) },
        // A default VPC's subnets give each machine a public address.
        { QStringLiteral("vpc_security_group_ids"),
          QJsonArray { reference(QStringLiteral("aws_security_group.ssh.id")) } },
        { QStringLiteral("instance_initiated_shutdown_behavior"), shutdownBehaviour(p.s) },
        // A launch template takes its user data base64-encoded.
        { QStringLiteral("user_data"), QString::fromLatin1(p.s.userData.toUtf8().toBase64()) },
        { QStringLiteral("block_device_mappings"),
          QJsonArray { QJsonObject { { QStringLiteral("device_name"), reference(rootDevice) },
                                     { QStringLiteral("ebs"), QJsonArray { rootVolume(p.s) } } } } },
        { QStringLiteral("metadata_options"), QJsonArray { metadataOptions() } },
        { QStringLiteral("tag_specifications"),
          QJsonArray { QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("instance") },
                                     { QStringLiteral("tags"), tags } },
                       QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("volume") },
                                     { QStringLiteral("tags"), tags } } } },
        // No tags of its own: the emulator reads them back as a tag specification, which the next plan
        // would remove (a new template version for nothing). Its name says whose it is.
    };
    if (!p.s.instanceProfile.isEmpty())
        launchTemplate.insert(QStringLiteral("iam_instance_profile"),
                              QJsonArray { QJsonObject { { QStringLiteral("name"), instanceProfile(p.s) } } });
    return launchTemplate;
}

// An instant fleet is a launch, done once: a later apply (a resumed deploy, a sync's power states) never
// modifies it (EC2 modifies maintain fleets only) nor replaces it, whatever the API reads back (its defaults:
// valid_from, terminate_instances_with_expiration) or the parameters say now.
QJsonObject fleetLifecycle()
{
    return QJsonObject { { QStringLiteral("ignore_changes"),
                           QJsonArray { QStringLiteral("terminate_instances_with_expiration"),
                                        QStringLiteral("valid_from"), QStringLiteral("valid_until"),
                                        QStringLiteral("launch_template_config"),
                                        QStringLiteral("target_capacity_specification"), QStringLiteral("spot_options"),
                                        QStringLiteral("on_demand_options"), QStringLiteral("context"),
                                        QStringLiteral("excess_capacity_termination_policy"),
                                        QStringLiteral("replace_unhealthy_instances"), QStringLiteral("tags") } } };
}

// One EC2 Fleet of type instant: it launches what EC2 can give now from the launch template, and then is done
// (it never replaces a machine).
QJsonObject fleet(const Parts& p)
{
    QJsonObject templateConfig {
        { QStringLiteral("launch_template_specification"),
          QJsonArray { QJsonObject {
              { QStringLiteral("launch_template_id"), reference(QStringLiteral("aws_launch_template.machines.id")) },
              { QStringLiteral("version"), reference(QStringLiteral("aws_launch_template.machines.latest_version")) },
          } } }
    };
    if (p.s.spot && !p.s.spotMaxPrice.isEmpty())
        templateConfig.insert(QStringLiteral("override"),
                              QJsonArray { QJsonObject { { QStringLiteral("instance_type"), p.s.instanceType },
                                                         { QStringLiteral("max_price"), p.s.spotMaxPrice } } });
    const int count = static_cast<int>(spread(p.state, p.s.machines).size());
    return QJsonObject {
        { QStringLiteral("type"), QStringLiteral("instant") },
        // Deleting the fleet terminates its machines.
        { QStringLiteral("terminate_instances"), true },
        { QStringLiteral("launch_template_config"), QJsonArray { templateConfig } },
        { QStringLiteral("target_capacity_specification"),
          QJsonArray { QJsonObject { { QStringLiteral("default_target_capacity_type"),
                                       p.s.spot ? QStringLiteral("spot") : QStringLiteral("on-demand") },
                                     { QStringLiteral("total_target_capacity"), count } } } },
        { QStringLiteral("tags"), machineTags(p) },
        { QStringLiteral("lifecycle"), fleetLifecycle() },
    };
}

// What EC2 says of the fleet's machines, read with the fleet's apply and at each refresh: one DescribeInstances
// (paginated) per group of states for all of them, by their tags, not one per machine (which took 69 s for
// 1,000 on the emulator, and would meet EC2's request rate limit on AWS). Each group's ids and, for the running
// ones, their public addresses; the ids withMachines kept tell which are the fleet's. Read after the fleet and
// every launch wave are made (depends_on), so the apply that launches machines reads them: the waves' machines
// come from the same launch template, with the same tags.
QJsonObject fleetMachineLookups(const Parts& p)
{
    QJsonArray after { QStringLiteral("aws_ec2_fleet.machines") };
    for (int w = 0; w < p.s.waves.size(); ++w)
        after << QStringLiteral("aws_ec2_fleet.wave%1").arg(w + 2);
    QJsonObject lookups;
    for (auto it = fleetStateGroups().cbegin(); it != fleetStateGroups().cend(); ++it) {
        QJsonArray states;
        for (const QString& state : it.value())
            states << state;
        lookups.insert(
            QStringLiteral("fleet_") + it.key(),
            QJsonObject { { QStringLiteral("instance_tags"),
                            QJsonObject { { QStringLiteral("Name"), p.prefix },
                                          { QStringLiteral("managed_by"), QStringLiteral("logistician") } } },
                          { QStringLiteral("instance_state_names"), states },
                          { QStringLiteral("depends_on"), after } });
    }
    return lookups;
}

// The output of those lookups: {running: {ids, public_ips}, stopping: {ids}, stopped: {ids}}.
QJsonObject fleetMachinesOutput()
{
    QJsonObject value;
    for (auto it = fleetStateGroups().cbegin(); it != fleetStateGroups().cend(); ++it) {
        const QString source = QStringLiteral("data.aws_instances.fleet_") + it.key();
        QJsonObject group { { QStringLiteral("ids"), reference(source + QStringLiteral(".ids")) } };
        if (it.key() == QLatin1String("running"))
            group.insert(QStringLiteral("public_ips"), reference(source + QStringLiteral(".public_ips")));
        value.insert(it.key(), group);
    }
    return value;
}

// The fleet layout: the launch template and the fleet, the lookups of its machines, and the outputs
// fleet_instances (the ids it launched, in its order) and fleet_machines.
void addFleet(const Parts& p, QJsonObject* resource, QJsonObject* data, QJsonObject* output)
{
    QString rootDevice = QStringLiteral("data.aws_ami.%1.root_device_name").arg(p.family.key);
    if (!p.s.ami.isEmpty()) {
        // The image is looked up for its root device name.
        rootDevice = QStringLiteral("data.aws_ami.chosen.root_device_name");
        data->insert(
            QStringLiteral("aws_ami"),
            QJsonObject { { QStringLiteral("chosen"),
                            QJsonObject { { QStringLiteral("filter"),
                                            QJsonArray { QJsonObject {
                                                { QStringLiteral("name"), QStringLiteral("image-id") },
                                                { QStringLiteral("values"), QJsonArray { p.s.ami } } } } } } } });
    }
    resource->insert(QStringLiteral("aws_launch_template"),
                     QJsonObject { { QStringLiteral("machines"), launchTemplate(p, rootDevice) } });
    resource->insert(QStringLiteral("aws_ec2_fleet"), QJsonObject { { QStringLiteral("machines"), fleet(p) } });
    data->insert(QStringLiteral("aws_instances"), fleetMachineLookups(p));
    output->insert(QStringLiteral("fleet_instances"),
                   QJsonObject { { QStringLiteral("value"),
                                   reference(QStringLiteral(
                                       "flatten(aws_ec2_fleet.machines.fleet_instance_set[*].instance_ids)")) } });
    output->insert(QStringLiteral("fleet_machines"),
                   QJsonObject { { QStringLiteral("value"), fleetMachinesOutput() } });
}

// The fleet layout's later launches: an instant fleet is a launch done once, never asked again and never
// replacing a machine (nor can Terraform's aws_ec2_fleet replace one of its instances), so the machines the
// fleet did not give (no capacity then) and those lost since (terminated outside Logistician) are launched by
// a fleet of their own, one per launch wave (a later deploy's, a watcher's retry), as the first is but for its
// size. Not an aws_instance per machine: the provider retries a RunInstances that EC2 refuses for capacity for
// minutes, where a fleet returns at once with what it got, and launches many machines in one request. The
// output waves says which machines each asked for (read back by fleetMachines) and what it launched.
void addWaves(const Parts& p, QJsonObject* resource, QJsonObject* output)
{
    QJsonObject fleets = resource->value(QStringLiteral("aws_ec2_fleet")).toObject();
    QJsonObject waves;
    for (int w = 0; w < p.s.waves.size(); ++w) {
        const QString name = QStringLiteral("wave%1").arg(w + 2);
        QJsonObject wave = fleet(p);
        QJsonObject capacity = wave.value(QStringLiteral("target_capacity_specification")).toArray().at(0).toObject();
        capacity.insert(QStringLiteral("total_target_capacity"), static_cast<int>(p.s.waves.at(w).size()));
        wave.insert(QStringLiteral("target_capacity_specification"), QJsonArray { capacity });
        fleets.insert(name, wave);
        QJsonArray machines;
        for (const int k : p.s.waves.at(w))
            machines.append(k);
        waves.insert(name,
                     QJsonObject { { QStringLiteral("machines"), machines },
                                   { QStringLiteral("instances"),
                                     reference(QStringLiteral("flatten(aws_ec2_fleet.%1.fleet_instance_set[*]."
                                                              "instance_ids)")
                                                   .arg(name)) } });
    }
    resource->insert(QStringLiteral("aws_ec2_fleet"), fleets);
    output->insert(QStringLiteral("waves"), QJsonObject { { QStringLiteral("value"), waves } });
}

// The default image family's lookup (aws_ami not set): its newest image.
QJsonObject amiLookup(const AmiFamily& family)
{
    return QJsonObject {
        { QStringLiteral("most_recent"), true },
        { QStringLiteral("owners"), QJsonArray { family.owner } },
        { QStringLiteral("filter"),
          QJsonArray { QJsonObject { { QStringLiteral("name"), QStringLiteral("name") },
                                     { QStringLiteral("values"), QJsonArray { family.namePattern } } } } },
    };
}

} // namespace

QJsonObject configuration(const QString& experimentName, const DeploymentState& state, const Settings& s)
{
    Parts p { experimentName,    state,       s, QStringLiteral("logistician-") + experimentName.toLower(),
              defaultAmi(s.gpu), QJsonValue() };
    p.ami = s.ami.isEmpty() ? QJsonValue(reference(QStringLiteral("data.aws_ami.%1.id").arg(p.family.key))) : s.ami;
    QJsonObject resource { { QStringLiteral("aws_key_pair"), keyPair(p) },
                           { QStringLiteral("aws_security_group"), securityGroup(p) } };
    QJsonObject data;
    QJsonObject output;
    // The fleet layout's instances output is filled in after the launch (withMachines).
    QJsonObject instances;
    if (s.machines > 0) {
        addFleet(p, &resource, &data, &output);
        if (!s.waves.isEmpty())
            addWaves(p, &resource, &output);
    } else
        addInstances(p, &resource, &instances);
    output.insert(QStringLiteral("instances"), QJsonObject { { QStringLiteral("value"), instances } });
    if (s.ami.isEmpty()) {
        QJsonObject images = data.value(QStringLiteral("aws_ami")).toObject();
        images.insert(p.family.key, amiLookup(p.family));
        data.insert(QStringLiteral("aws_ami"), images);
    }
    QJsonObject root = configurationRoot(s.region, resource);
    root.insert(QStringLiteral("output"), output);
    if (!data.isEmpty())
        root.insert(QStringLiteral("data"), data);
    return escapeAll(root).toObject();
}

QList<QStringList> spread(const DeploymentState& state, int machines)
{
    QList<QStringList> out;
    const int count = std::min(static_cast<int>(state.conditions.size()), std::max(machines, 1));
    out.resize(count);
    for (int i = 0; i < state.conditions.size(); ++i)
        out[i % count] << state.conditions.at(i).slug;
    return out;
}

ResultOf<QStringList> parseFleetOutput(const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return Result::failed(
            QStringLiteral("terraform output -json printed no JSON object (%1)").arg(parseError.errorString()));
    QStringList ids;
    for (const QJsonValue& v :
         doc.object().value(QStringLiteral("fleet_instances")).toObject().value(QStringLiteral("value")).toArray())
        ids << v.toString();
    return ids;
}

QJsonObject withMachines(QJsonObject configuration, const QStringList& instanceIds,
                         const QList<QStringList>& slugsPerMachine)
{
    static const QRegularExpression instanceId(QStringLiteral("^i-[0-9a-f]{8,32}$"));
    QJsonObject value;
    for (int k = 0; k < std::min(instanceIds.size(), slugsPerMachine.size()); ++k) {
        if (!instanceId.match(instanceIds.at(k)).hasMatch())
            continue;
        // The id as the launch gave it, kept here: the fleet's own list may come back in another order.
        for (const QString& slug : slugsPerMachine.at(k))
            value.insert(
                slug,
                QJsonObject { { QStringLiteral("id"), instanceIds.at(k) }, { QStringLiteral("machine"), k + 1 } });
    }
    QJsonObject output = configuration.value(QStringLiteral("output")).toObject();
    output.insert(QStringLiteral("instances"), QJsonObject { { QStringLiteral("value"), value } });
    configuration.insert(QStringLiteral("output"), output);
    return configuration;
}

FleetMachines fleetMachines(const QJsonObject& configuration, int machines)
{
    static const QRegularExpression machineKey(QStringLiteral("^m([0-9]+)$"));
    static const QRegularExpression waveKey(QStringLiteral("^wave([0-9]+)$"));
    FleetMachines out;
    for (int k = 0; k < machines; ++k)
        out.ids << QString();
    // Each condition's machine and its instance id (withMachines); a configuration made before the machines
    // were looked up together read each back by a data.aws_instance.mK of its own.
    const QJsonObject read
        = configuration.value(QStringLiteral("data")).toObject().value(QStringLiteral("aws_instance")).toObject();
    for (auto it = read.begin(); it != read.end(); ++it) {
        const QRegularExpressionMatch m = machineKey.match(it.key());
        const int k = m.hasMatch() ? m.captured(1).toInt() : 0;
        if (k >= 1 && k <= machines)
            out.ids[k - 1] = it.value().toObject().value(QStringLiteral("instance_id")).toString();
    }
    const QJsonObject outputs = configuration.value(QStringLiteral("output")).toObject();
    for (const QJsonValue& v :
         outputs.value(QStringLiteral("instances")).toObject().value(QStringLiteral("value")).toObject()) {
        const Machine machine = machineOf(v);
        const int k = machine.key.mid(1).toInt();
        if (k >= 1 && k <= machines && !machine.instanceId.startsWith(QLatin1String("${")))
            out.ids[k - 1] = machine.instanceId;
    }
    const QJsonObject waves
        = outputs.value(QStringLiteral("waves")).toObject().value(QStringLiteral("value")).toObject();
    QMap<int, QList<int>> byNumber;
    for (auto it = waves.begin(); it != waves.end(); ++it) {
        const QRegularExpressionMatch m = waveKey.match(it.key());
        if (!m.hasMatch())
            continue;
        QList<int> asked;
        for (const QJsonValue& k : it.value().toObject().value(QStringLiteral("machines")).toArray())
            asked << k.toInt();
        byNumber.insert(m.captured(1).toInt(), asked);
    }
    out.waves = byNumber.values();
    return out;
}

QStringList parseWaveOutput(const QByteArray& json, int wave)
{
    QStringList ids;
    for (const QJsonValue& v : QJsonDocument::fromJson(json)
                                   .object()
                                   .value(QStringLiteral("waves"))
                                   .toObject()
                                   .value(QStringLiteral("value"))
                                   .toObject()
                                   .value(QStringLiteral("wave%1").arg(wave + 2))
                                   .toObject()
                                   .value(QStringLiteral("instances"))
                                   .toArray())
        ids << v.toString();
    return ids;
}

QMap<int, QString> machineStates(const QByteArray& json, const QStringList& ids)
{
    QMap<int, QString> out;
    const QJsonObject outputs = QJsonDocument::fromJson(json).object();
    if (!outputs.contains(QStringLiteral("fleet_machines")))
        return out;
    const QHash<QString, Seen> seen = fleetSeen(outputs);
    for (int k = 0; k < ids.size(); ++k) {
        if (!ids.at(k).isEmpty())
            out.insert(k + 1, seen.contains(ids.at(k)) ? seen.value(ids.at(k)).state : QStringLiteral("gone"));
    }
    return out;
}

std::optional<QSet<QString>> fleetMachinesFound(const QByteArray& json)
{
    const QJsonObject outputs = QJsonDocument::fromJson(json).object();
    if (!outputs.contains(QStringLiteral("fleet_machines")))
        return std::nullopt;
    const QHash<QString, Seen> seen = fleetSeen(outputs);
    return QSet<QString>(seen.keyBegin(), seen.keyEnd());
}

AmiFamily defaultAmi(bool gpu)
{
    if (gpu)
        return { QStringLiteral("gpu"), QStringLiteral("898082745236"),
                 QStringLiteral("Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) *"),
                 QStringLiteral("ubuntu") };
    // The official Debian 12 images (owner: Debian's AWS account).
    return { QStringLiteral("debian"), QStringLiteral("136693071363"), QStringLiteral("debian-12-amd64-*"),
             QStringLiteral("admin") };
}

int defaultRootVolumeGb(bool gpu)
{
    // 30 GiB: the 8 GiB of Debian's image plus room for a few Docker images and the runs' results, at about
    // $2.40 a month of gp3 while a machine lives (its volume is deleted with it). The GPU family's image is
    // far larger (CUDA, the driver, Docker with the NVIDIA toolkit), and AWS refuses a volume smaller than an
    // image's snapshot: 100 GiB. An aws_ami with a larger snapshot needs aws_root_volume_size.
    return gpu ? AwsParameters::DefaultGpuRootVolumeGb : AwsParameters::DefaultRootVolumeGb;
}

QJsonObject withoutInstances(QJsonObject configuration, const QStringList& slugs)
{
    QJsonObject resource = configuration.value(QStringLiteral("resource")).toObject();
    QJsonObject instances = resource.value(QStringLiteral("aws_instance")).toObject();
    QJsonObject output = configuration.value(QStringLiteral("output")).toObject();
    QJsonObject outputInstances = output.value(QStringLiteral("instances")).toObject();
    QJsonObject value = outputInstances.value(QStringLiteral("value")).toObject();
    QJsonObject power = resource.value(QStringLiteral("aws_ec2_instance_state")).toObject();
    QMap<QString, QString> machinesLeft; // key -> instance id
    for (const QString& slug : slugs) {
        instances.remove(resourceName(slug));
        power.remove(resourceName(slug)); // it names the instance
        if (const Machine machine = machineOf(value.value(slug)); !machine.key.isEmpty())
            machinesLeft.insert(machine.key, machine.instanceId);
        value.remove(slug);
    }
    // The fleet layout: a machine is destroyed only with the whole fleet; one with none of its conditions left
    // is stopped (no more compute billed; its disk goes with the fleet).
    for (const QJsonValue& v : std::as_const(value))
        machinesLeft.remove(machineOf(v).key);
    for (auto it = machinesLeft.cbegin(); it != machinesLeft.cend(); ++it)
        power.insert(it.key(),
                     QJsonObject { { QStringLiteral("instance_id"), it.value() },
                                   { QStringLiteral("state"), QStringLiteral("stopped") } });
    if (instances.isEmpty())
        resource.remove(QStringLiteral("aws_instance"));
    else
        resource.insert(QStringLiteral("aws_instance"), instances);
    if (power.isEmpty())
        resource.remove(QStringLiteral("aws_ec2_instance_state"));
    else
        resource.insert(QStringLiteral("aws_ec2_instance_state"), power);
    outputInstances.insert(QStringLiteral("value"), value);
    output.insert(QStringLiteral("instances"), outputInstances);
    configuration.insert(QStringLiteral("resource"), resource);
    configuration.insert(QStringLiteral("output"), output);
    return configuration;
}

QJsonObject withInstanceStates(QJsonObject configuration, const QMap<QString, QString>& states)
{
    QJsonObject resource = configuration.value(QStringLiteral("resource")).toObject();
    const QJsonObject instances = resource.value(QStringLiteral("aws_instance")).toObject();
    QJsonObject power = resource.value(QStringLiteral("aws_ec2_instance_state")).toObject();
    const QJsonObject machines = configuration.value(QStringLiteral("output"))
                                     .toObject()
                                     .value(QStringLiteral("instances"))
                                     .toObject()
                                     .value(QStringLiteral("value"))
                                     .toObject();
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        // The fleet layout: the slug's machine, which its other conditions share.
        if (const Machine machine = machineOf(machines.value(it.key())); !machine.key.isEmpty()) {
            power.insert(machine.key,
                         QJsonObject { { QStringLiteral("instance_id"), machine.instanceId },
                                       { QStringLiteral("state"), it.value() } });
            continue;
        }
        const QString key = resourceName(it.key());
        if (!instances.contains(key))
            continue; // destroyed already
        // Written as Terraform reads it: this configuration is escaped already (see escapeAll).
        power.insert(key,
                     QJsonObject { { QStringLiteral("instance_id"), QStringLiteral("${aws_instance.%1.id}").arg(key) },
                                   { QStringLiteral("state"), it.value() } });
    }
    if (!power.isEmpty())
        resource.insert(QStringLiteral("aws_ec2_instance_state"), power);
    configuration.insert(QStringLiteral("resource"), resource);
    return configuration;
}

QMap<QString, QString> parseInstanceStates(const QByteArray& showJson, bool* ok)
{
    const QJsonDocument doc = QJsonDocument::fromJson(showJson);
    if (ok)
        *ok = doc.isObject();
    QMap<QString, QString> out;
    const QJsonArray resources = doc.object()
                                     .value(QStringLiteral("values"))
                                     .toObject()
                                     .value(QStringLiteral("root_module"))
                                     .toObject()
                                     .value(QStringLiteral("resources"))
                                     .toArray();
    // The fleet layout: each slug's machine state, from the outputs (the lookups, read by the refresh).
    const QJsonObject outputs
        = doc.object().value(QStringLiteral("values")).toObject().value(QStringLiteral("outputs")).toObject();
    const QHash<QString, Seen> seen = fleetSeen(outputs);
    const QJsonObject machines
        = outputs.value(QStringLiteral("instances")).toObject().value(QStringLiteral("value")).toObject();
    for (auto it = machines.begin(); it != machines.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        const QString state = o.contains(QStringLiteral("state"))
            ? o.value(QStringLiteral("state")).toString()
            : seen.value(o.value(QStringLiteral("id")).toString()).state;
        if (!state.isEmpty())
            out.insert(it.key(), state);
    }
    for (const QJsonValue& v : resources) {
        const QJsonObject r = v.toObject();
        if (r.value(QStringLiteral("type")).toString() != QLatin1String("aws_instance")
            || r.value(QStringLiteral("mode")).toString() == QLatin1String("data"))
            continue;
        const QJsonObject values = r.value(QStringLiteral("values")).toObject();
        const QString slug
            = values.value(QStringLiteral("tags")).toObject().value(QStringLiteral("condition_slug")).toString();
        if (!slug.isEmpty())
            out.insert(slug, values.value(QStringLiteral("instance_state")).toString());
    }
    return out;
}

namespace {

// Each deployment has a Terraform folder of its own, whose `terraform init` would fetch the aws provider (some
// 100 MB) again: terraform's plugin cache keeps it once per user (an installation from a filesystem mirror is
// linked, not copied). Empty when the user chose a cache (TF_PLUGIN_CACHE_DIR, or plugin_cache_dir in the CLI
// configuration, which the variable would override) or none can be made.
QString pluginCache()
{
    if (qEnvironmentVariableIsSet("TF_PLUGIN_CACHE_DIR"))
        return {};
    const QString cliConfig = qEnvironmentVariableIsSet("TF_CLI_CONFIG_FILE")
        ? qEnvironmentVariable("TF_CLI_CONFIG_FILE")
        : QDir::homePath() + QStringLiteral("/.terraformrc");
    QFile config(cliConfig);
    if (config.open(QIODevice::ReadOnly) && config.readAll().contains("plugin_cache_dir"))
        return {};
    const QString cache
        = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/terraform-plugins");
    return QDir().mkpath(cache) ? cache : QString();
}

} // namespace

Command command(const QString& dir, const QStringList& args, const QMap<QString, QString>& env)
{
    Command c;
    c.program = QStringLiteral("terraform");
    c.arguments = args;
    c.workingDirectory = dir;
    c.environment = env;
    c.environment.insert(QStringLiteral("TF_IN_AUTOMATION"), QStringLiteral("1"));
    if (const QString cache = pluginCache(); !cache.isEmpty())
        c.environment.insert(QStringLiteral("TF_PLUGIN_CACHE_DIR"), cache);
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("AWS_")) && it.key() != QLatin1String("AWS_REGION"))
            c.secretEnvironment << it.key();
    }
    return c;
}

QString amiLookupProblem(const QString& terraformText)
{
    static const QRegularExpression lookup(QStringLiteral("data\\.aws_ami\\.([a-z]+)"));
    const QRegularExpressionMatch m = lookup.match(terraformText);
    if (!m.hasMatch() || !terraformText.contains(QLatin1String("returned no results")))
        return {};
    const AmiFamily family = defaultAmi(m.captured(1) == QLatin1String("gpu"));
    return QStringLiteral("no image in this region matches the %1 image lookup (owner %2, name \"%3\"); set aws_ami to "
                          "an image id of the region (and aws_ami_user to its login user)")
        .arg(family.key == QLatin1String("gpu") ? QStringLiteral("GPU") : QStringLiteral("Debian 12"), family.owner,
             family.namePattern);
}

QString errorText(const CommandOutcome& outcome)
{
    QStringList errors;
    QString current;
    QString where;
    bool inError = false;
    const auto flush = [&]() {
        if (!current.isEmpty())
            errors << (where.isEmpty() ? current : QStringLiteral("%1 (%2)").arg(current, where));
        current.clear();
        where.clear();
    };
    static const QRegularExpression sourceLine(QStringLiteral("^\\d+:"));
    const QStringList lines = PrintableText::clean(QString::fromUtf8(outcome.err)).split(QLatin1Char('\n'));
    for (QString line : lines) {
        // With colour on, terraform frames each diagnostic in box-drawing characters.
        while (!line.isEmpty() && QStringLiteral("\u2502\u2577\u2575 ").contains(line.front()))
            line.remove(0, 1);
        line = line.trimmed();
        if (line.startsWith(QLatin1String("Error: "))) {
            flush();
            current = line.mid(7).trimmed();
            inError = true;
        } else if (line.startsWith(QLatin1String("Warning: "))) {
            flush();
            inError = false;
        } else if (!inError || line.isEmpty() || sourceLine.match(line).hasMatch() || line.startsWith(QChar(0x251c))
                   || (line.startsWith(QLatin1String("on ")) && line.contains(QLatin1String(" line ")))) {
            continue;
        } else if (line.startsWith(QLatin1String("with ")) && where.isEmpty()) {
            where = line.mid(5);
            if (where.endsWith(QLatin1Char(',')))
                where.chop(1);
        } else {
            current += QLatin1Char(' ') + line;
        }
    }
    flush();
    if (errors.isEmpty())
        return outcome.errorText();
    const QString problem = amiLookupProblem(errors.join(QLatin1Char('\n')));
    return (problem.isEmpty() ? QString() : problem + QStringLiteral("; terraform: "))
        + errors.join(QStringLiteral("; "));
}

ResultOf<QList<Instance>> parseOutput(const QByteArray& json, bool addressless, const QJsonObject& configuration)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return Result::failed(
            QStringLiteral("terraform output -json printed no JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject instances = configuration.isEmpty()
        ? doc.object().value(QStringLiteral("instances")).toObject()
        : configuration.value(QStringLiteral("output")).toObject().value(QStringLiteral("instances")).toObject();
    const QJsonObject value = instances.value(QStringLiteral("value")).toObject();
    const QHash<QString, Seen> seen = fleetSeen(doc.object());
    const bool lookedUp = doc.object().contains(QStringLiteral("fleet_machines"));
    QList<Instance> out;
    for (auto it = value.begin(); it != value.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        Instance i;
        i.slug = it.key();
        i.id = o.value(QStringLiteral("id")).toString();
        // The fleet layout: its machine's address, as the lookup of the running machines saw it; a machine in
        // none of the lookups is gone (terminated; an hour or so later, not even listed by EC2).
        const bool fleet = !o.contains(QStringLiteral("public_ip"));
        i.address = fleet ? seen.value(i.id).address : o.value(QStringLiteral("public_ip")).toString();
        i.gone = fleet && lookedUp && !seen.contains(i.id);
        i.port = o.value(QStringLiteral("ssh_port")).toInt(22);
        if (i.address.isEmpty() && addressless)
            continue;
        if (i.gone) {
            out << i;
            continue;
        }
        if (i.address.isEmpty())
            return Result::failed(QStringLiteral("terraform output: instance %1 has no public address").arg(i.slug));
        out << i;
    }
    return out;
}

QString installHint()
{
    return QStringLiteral("terraform is not installed or not on PATH; the aws backend needs it. Install it from "
                          "HashiCorp's Debian repository (https://developer.hashicorp.com/terraform/install), "
                          "e.g. `apt-get install terraform` after adding that repository, or put the terraform "
                          "binary on PATH");
}

} // namespace Terraform
