// SPDX-License-Identifier: MIT
#include "Terraform.h"

#include "PrintableText.h"
#include "ShellWords.h"
#include "aws/AwsParameters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
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

// The fleet layout's machine (data.aws_instance.KEY) an output value of a slug names; empty for another layout.
QString machineOf(const QJsonValue& outputValue)
{
    static const QRegularExpression ref(QStringLiteral("^\\$\\{data\\.aws_instance\\.(m[0-9]+)\\.id\\}$"));
    const QRegularExpressionMatch m = ref.match(outputValue.toObject().value(QStringLiteral("id")).toString());
    return m.hasMatch() ? m.captured(1) : QString();
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

QJsonObject configuration(const QString& experimentName, const DeploymentState& state, const Settings& s)
{
    const QString prefix = QStringLiteral("logistician-") + experimentName.toLower();
    QJsonObject resource;

    resource.insert(QStringLiteral("aws_key_pair"),
                    QJsonObject { { QStringLiteral("machines"),
                                    QJsonObject { { QStringLiteral("key_name_prefix"), prefix + QLatin1Char('-') },
                                                  { QStringLiteral("public_key"), s.publicKey.trimmed() } } } });

    const QJsonObject ingress {
        { QStringLiteral("description"), QStringLiteral("SSH from the address range given at deploy") },
        { QStringLiteral("from_port"), 22 },
        { QStringLiteral("to_port"), 22 },
        { QStringLiteral("protocol"), QStringLiteral("tcp") },
        { QStringLiteral("cidr_blocks"), QJsonArray { s.sshCidr } },
        { QStringLiteral("ipv6_cidr_blocks"), QJsonArray() },
        { QStringLiteral("prefix_list_ids"), QJsonArray() },
        { QStringLiteral("security_groups"), QJsonArray() },
        { QStringLiteral("self"), false },
    };
    // Out: the machines install Docker and pull images.
    const QJsonObject egress {
        { QStringLiteral("description"), QStringLiteral("everything out") },
        { QStringLiteral("from_port"), 0 },
        { QStringLiteral("to_port"), 0 },
        { QStringLiteral("protocol"), QStringLiteral("-1") },
        { QStringLiteral("cidr_blocks"), QJsonArray { QStringLiteral("0.0.0.0/0") } },
        { QStringLiteral("ipv6_cidr_blocks"), QJsonArray { QStringLiteral("::/0") } },
        { QStringLiteral("prefix_list_ids"), QJsonArray() },
        { QStringLiteral("security_groups"), QJsonArray() },
        { QStringLiteral("self"), false },
    };
    resource.insert(
        QStringLiteral("aws_security_group"),
        QJsonObject {
            { QStringLiteral("ssh"),
              QJsonObject {
                  { QStringLiteral("name_prefix"), prefix + QLatin1Char('-') },
                  { QStringLiteral("description"), QStringLiteral("Logistician %1: SSH only").arg(experimentName) },
                  { QStringLiteral("ingress"), QJsonArray { ingress } },
                  { QStringLiteral("egress"), QJsonArray { egress } },
                  { QStringLiteral("tags"), QJsonObject { { QStringLiteral("experiment"), experimentName } } },
              } } });

    const AmiFamily family = defaultAmi(s.gpu);
    const QJsonValue ami
        = s.ami.isEmpty() ? QJsonValue(reference(QStringLiteral("data.aws_ami.%1.id").arg(family.key))) : s.ami;
    QJsonObject rootVolume { { QStringLiteral("volume_type"), QStringLiteral("gp3") },
                             { QStringLiteral("encrypted"), true },
                             { QStringLiteral("delete_on_termination"), true } };
    rootVolume.insert(QStringLiteral("volume_size"), s.rootVolumeGb > 0 ? s.rootVolumeGb : defaultRootVolumeGb(s.gpu));
    // IMDSv2 only, one hop: the instance's metadata is not reachable from its containers.
    const QJsonObject metadata { { QStringLiteral("http_endpoint"), QStringLiteral("enabled") },
                                 { QStringLiteral("http_tokens"), QStringLiteral("required") },
                                 { QStringLiteral("http_put_response_hop_limit"), 1 } };
    // Spot: a one-time request that AWS may take back (the instance is then terminated: preempted). AWS can
    // stop only instances of persistent requests, so the idle stop's shutdown ends a spot machine for good.
    QJsonObject spotOptions { { QStringLiteral("spot_instance_type"), QStringLiteral("one-time") },
                              { QStringLiteral("instance_interruption_behavior"), QStringLiteral("terminate") } };
    if (!s.spotMaxPrice.isEmpty())
        spotOptions.insert(QStringLiteral("max_price"), s.spotMaxPrice);
    const QJsonObject market { { QStringLiteral("market_type"), QStringLiteral("spot") },
                               { QStringLiteral("spot_options"), QJsonArray { spotOptions } } };
    QJsonObject instances;
    QJsonObject outputValue;
    QJsonObject data;
    if (s.machines > 0) {
        // One launch request for all the machines: the same settings as an instance of its own gets, in a launch
        // template, and an EC2 Fleet of type instant that launches what EC2 can give now and then is done (it
        // never replaces a machine). Spot is the fleet's, not the template's: a fleet refuses a template with
        // market options.
        const QJsonObject machineTags { { QStringLiteral("Name"), prefix },
                                        { QStringLiteral("experiment"), experimentName },
                                        { QStringLiteral("commit"), state.commit },
                                        { QStringLiteral("managed_by"), QStringLiteral("logistician") } };
        // The root volume goes by its device name, which is the image's: the image is looked up for it.
        QString rootDevice = QStringLiteral("data.aws_ami.%1.root_device_name").arg(family.key);
        if (!s.ami.isEmpty()) {
            rootDevice = QStringLiteral("data.aws_ami.chosen.root_device_name");
            data.insert(
                QStringLiteral("aws_ami"),
                QJsonObject { { QStringLiteral("chosen"),
                                QJsonObject { { QStringLiteral("filter"),
                                                QJsonArray { QJsonObject {
                                                    { QStringLiteral("name"), QStringLiteral("image-id") },
                                                    { QStringLiteral("values"), QJsonArray { s.ami } } } } } } } });
        }
        QJsonObject ebs = rootVolume;
        QJsonObject launchTemplate {
            { QStringLiteral("name_prefix"), prefix + QLatin1Char('-') },
            { QStringLiteral("image_id"), ami },
            { QStringLiteral("instance_type"), s.instanceType },
            { QStringLiteral("key_name"), reference(QStringLiteral("aws_key_pair.machines.key_name")) },
            // A default VPC's subnets give each machine a public address.
            { QStringLiteral("vpc_security_group_ids"),
              QJsonArray { reference(QStringLiteral("aws_security_group.ssh.id")) } },
            { QStringLiteral("instance_initiated_shutdown_behavior"),
              s.spot || !s.instanceProfile.isEmpty() ? QStringLiteral("terminate") : QStringLiteral("stop") },
            // A launch template takes its user data base64-encoded.
            { QStringLiteral("user_data"), QString::fromLatin1(s.userData.toUtf8().toBase64()) },
            { QStringLiteral("block_device_mappings"),
              QJsonArray { QJsonObject { { QStringLiteral("device_name"), reference(rootDevice) },
                                         { QStringLiteral("ebs"), QJsonArray { ebs } } } } },
            { QStringLiteral("metadata_options"), QJsonArray { metadata } },
            { QStringLiteral("tag_specifications"),
              QJsonArray { QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("instance") },
                                         { QStringLiteral("tags"), machineTags } },
                           QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("volume") },
                                         { QStringLiteral("tags"), machineTags } } } },
            // No tags of its own: the emulator reads them back as a tag specification, which the next plan
            // would remove (a new template version for nothing). Its name says whose it is.
        };
        if (!s.instanceProfile.isEmpty()) // already "${...}": not escaped (see AwsStore)
            launchTemplate.insert(QStringLiteral("iam_instance_profile"),
                                  QJsonArray { QJsonObject {
                                      { QStringLiteral("name"), reference(s.instanceProfile.mid(2).chopped(1)) } } });
        resource.insert(QStringLiteral("aws_launch_template"),
                        QJsonObject { { QStringLiteral("machines"), launchTemplate } });
        QJsonObject templateConfig { { QStringLiteral("launch_template_specification"),
                                       QJsonArray { QJsonObject {
                                           { QStringLiteral("launch_template_id"),
                                             reference(QStringLiteral("aws_launch_template.machines.id")) },
                                           { QStringLiteral("version"),
                                             reference(QStringLiteral("aws_launch_template.machines.latest_version")) },
                                       } } } };
        if (s.spot && !s.spotMaxPrice.isEmpty())
            templateConfig.insert(QStringLiteral("override"),
                                  QJsonArray { QJsonObject { { QStringLiteral("instance_type"), s.instanceType },
                                                             { QStringLiteral("max_price"), s.spotMaxPrice } } });
        const int count = static_cast<int>(spread(state, s.machines).size());
        resource.insert(
            QStringLiteral("aws_ec2_fleet"),
            QJsonObject {
                { QStringLiteral("machines"),
                  QJsonObject {
                      { QStringLiteral("type"), QStringLiteral("instant") },
                      // Deleting the fleet terminates its machines.
                      { QStringLiteral("terminate_instances"), true },
                      { QStringLiteral("launch_template_config"), QJsonArray { templateConfig } },
                      { QStringLiteral("target_capacity_specification"),
                        QJsonArray { QJsonObject { { QStringLiteral("default_target_capacity_type"),
                                                     s.spot ? QStringLiteral("spot") : QStringLiteral("on-demand") },
                                                   { QStringLiteral("total_target_capacity"), count } } } },
                      { QStringLiteral("tags"), machineTags },
                      // An instant fleet is a launch, done once: a later apply (a resumed deploy, a sync's power
                      // states) never modifies it (EC2 modifies maintain fleets only) nor replaces it, whatever the
                      // API reads back (its defaults: valid_from, terminate_instances_with_expiration) or the
                      // parameters say now.
                      { QStringLiteral("lifecycle"),
                        QJsonObject {
                            { QStringLiteral("ignore_changes"),
                              QJsonArray {
                                  QStringLiteral("terminate_instances_with_expiration"), QStringLiteral("valid_from"),
                                  QStringLiteral("valid_until"), QStringLiteral("launch_template_config"),
                                  QStringLiteral("target_capacity_specification"), QStringLiteral("spot_options"),
                                  QStringLiteral("on_demand_options"), QStringLiteral("context"),
                                  QStringLiteral("excess_capacity_termination_policy"),
                                  QStringLiteral("replace_unhealthy_instances"), QStringLiteral("tags") } } } },
                  } } });
    }
    // The fleet layout's later launches: an instant fleet is a launch done once, never asked again and never
    // replacing a machine (nor can Terraform's aws_ec2_fleet replace one of its instances), so the machines the
    // fleet did not give (no capacity then) and those lost since (terminated outside Logistician) are launched by
    // a fleet of their own, one per launch wave (a later deploy's, a watcher's retry), as the first is but for
    // its size; each machine is then read back by its instance id as the first fleet's are (withMachines). Not
    // an aws_instance per machine: the provider retries a RunInstances that EC2 refuses for capacity for minutes,
    // where a fleet returns at once with what it got, and launches many machines in one request.
    QJsonObject waves;
    if (s.machines > 0 && !s.waves.isEmpty()) {
        QJsonObject fleets = resource.value(QStringLiteral("aws_ec2_fleet")).toObject();
        const QJsonObject first = fleets.value(QStringLiteral("machines")).toObject();
        for (int w = 0; w < s.waves.size(); ++w) {
            const QString name = QStringLiteral("wave%1").arg(w + 2);
            QJsonObject wave = first;
            QJsonObject capacity
                = wave.value(QStringLiteral("target_capacity_specification")).toArray().at(0).toObject();
            capacity.insert(QStringLiteral("total_target_capacity"), static_cast<int>(s.waves.at(w).size()));
            wave.insert(QStringLiteral("target_capacity_specification"), QJsonArray { capacity });
            fleets.insert(name, wave);
            QJsonArray machines;
            for (const int k : s.waves.at(w))
                machines.append(k);
            waves.insert(name,
                         QJsonObject { { QStringLiteral("machines"), machines },
                                       { QStringLiteral("instances"),
                                         reference(QStringLiteral("flatten(aws_ec2_fleet.%1.fleet_instance_set[*]."
                                                                  "instance_ids)")
                                                       .arg(name)) } });
        }
        resource.insert(QStringLiteral("aws_ec2_fleet"), fleets);
    }
    for (const DeploymentState::Condition& c : state.conditions) {
        if (s.machines > 0)
            break;
        // Terminated on its own: its machine was destroyed, and a resumed deploy must not make it again.
        if (c.isTerminated())
            continue;
        const QString key = resourceName(c.slug);
        QJsonObject instance {
            { QStringLiteral("ami"), ami },
            { QStringLiteral("instance_type"), s.instanceType },
            { QStringLiteral("key_name"), reference(QStringLiteral("aws_key_pair.machines.key_name")) },
            { QStringLiteral("vpc_security_group_ids"),
              QJsonArray { reference(QStringLiteral("aws_security_group.ssh.id")) } },
            { QStringLiteral("associate_public_ip_address"), true },
            { QStringLiteral("instance_initiated_shutdown_behavior"),
              s.spot || !s.instanceProfile.isEmpty() ? QStringLiteral("terminate") : QStringLiteral("stop") },
            { QStringLiteral("user_data"), s.userData },
            { QStringLiteral("root_block_device"), QJsonArray { rootVolume } },
            { QStringLiteral("metadata_options"), QJsonArray { metadata } },
            { QStringLiteral("tags"),
              QJsonObject { { QStringLiteral("Name"), prefix + QLatin1Char('-') + c.slug },
                            { QStringLiteral("experiment"), experimentName },
                            { QStringLiteral("condition"), tagValue(c.text) },
                            { QStringLiteral("condition_slug"), c.slug },
                            { QStringLiteral("commit"), state.commit },
                            { QStringLiteral("managed_by"), QStringLiteral("logistician") } } },
        };
        if (s.spot)
            instance.insert(QStringLiteral("instance_market_options"), QJsonArray { market });
        if (!s.instanceProfile.isEmpty()) // already "${...}": not escaped (see AwsStore)
            instance.insert(QStringLiteral("iam_instance_profile"), reference(s.instanceProfile.mid(2).chopped(1)));
        instances.insert(key, instance);
        outputValue.insert(
            c.slug,
            QJsonObject {
                { QStringLiteral("id"), reference(QStringLiteral("aws_instance.%1.id").arg(key)) },
                { QStringLiteral("public_ip"), reference(QStringLiteral("aws_instance.%1.public_ip").arg(key)) } });
    }
    if (!instances.isEmpty())
        resource.insert(QStringLiteral("aws_instance"), instances);

    QJsonObject root = configurationRoot(s.region, resource);
    root.insert(
        QStringLiteral("output"),
        QJsonObject { { QStringLiteral("instances"), QJsonObject { { QStringLiteral("value"), outputValue } } } });
    if (s.machines > 0) {
        QJsonObject output = root.value(QStringLiteral("output")).toObject();
        output.insert(QStringLiteral("fleet_instances"),
                      QJsonObject { { QStringLiteral("value"),
                                      reference(QStringLiteral(
                                          "flatten(aws_ec2_fleet.machines.fleet_instance_set[*].instance_ids)")) } });
        if (!waves.isEmpty())
            output.insert(QStringLiteral("waves"), QJsonObject { { QStringLiteral("value"), waves } });
        root.insert(QStringLiteral("output"), output);
    }
    if (!data.isEmpty())
        root.insert(QStringLiteral("data"), data);
    if (s.ami.isEmpty()) {
        root.insert(
            QStringLiteral("data"),
            QJsonObject {
                { QStringLiteral("aws_ami"),
                  QJsonObject { { family.key,
                                  QJsonObject {
                                      { QStringLiteral("most_recent"), true },
                                      { QStringLiteral("owners"), QJsonArray { family.owner } },
                                      { QStringLiteral("filter"),
                                        QJsonArray { QJsonObject {
                                            { QStringLiteral("name"), QStringLiteral("name") },
                                            { QStringLiteral("values"), QJsonArray { family.namePattern } } } } },
                                  } } } } });
    }
    return escapeAll(root).toObject();
}

QList<QStringList> spread(const DeploymentState& state, int machines)
{
    QStringList live;
    for (const DeploymentState::Condition& c : state.conditions) {
        if (!c.isTerminated())
            live << c.slug;
    }
    QList<QStringList> out;
    const int count = std::min(static_cast<int>(live.size()), std::max(machines, 1));
    out.resize(count);
    for (int i = 0; i < live.size(); ++i)
        out[i % count] << live.at(i);
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
    QJsonObject data = configuration.value(QStringLiteral("data")).toObject();
    QJsonObject machines;
    QJsonObject value;
    for (int k = 0; k < std::min(instanceIds.size(), slugsPerMachine.size()); ++k) {
        if (!instanceId.match(instanceIds.at(k)).hasMatch())
            continue;
        const QString key = QStringLiteral("m%1").arg(k + 1);
        machines.insert(key, QJsonObject { { QStringLiteral("instance_id"), instanceIds.at(k) } });
        // Written as Terraform reads it: this configuration is escaped already (see escapeAll).
        const QString at = QStringLiteral("${data.aws_instance.%1.%2}");
        for (const QString& slug : slugsPerMachine.at(k))
            value.insert(slug,
                         QJsonObject { { QStringLiteral("id"), at.arg(key, QStringLiteral("id")) },
                                       { QStringLiteral("public_ip"), at.arg(key, QStringLiteral("public_ip")) },
                                       { QStringLiteral("state"), at.arg(key, QStringLiteral("instance_state")) },
                                       { QStringLiteral("machine"), k + 1 } });
    }
    if (!machines.isEmpty())
        data.insert(QStringLiteral("aws_instance"), machines);
    configuration.insert(QStringLiteral("data"), data);
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
    const QJsonObject read
        = configuration.value(QStringLiteral("data")).toObject().value(QStringLiteral("aws_instance")).toObject();
    for (auto it = read.begin(); it != read.end(); ++it) {
        const QRegularExpressionMatch m = machineKey.match(it.key());
        const int k = m.hasMatch() ? m.captured(1).toInt() : 0;
        if (k >= 1 && k <= machines)
            out.ids[k - 1] = it.value().toObject().value(QStringLiteral("instance_id")).toString();
    }
    const QJsonObject waves = configuration.value(QStringLiteral("output"))
                                  .toObject()
                                  .value(QStringLiteral("waves"))
                                  .toObject()
                                  .value(QStringLiteral("value"))
                                  .toObject();
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

QMap<int, QString> machineStates(const QByteArray& json)
{
    QMap<int, QString> out;
    const QJsonObject value = QJsonDocument::fromJson(json)
                                  .object()
                                  .value(QStringLiteral("instances"))
                                  .toObject()
                                  .value(QStringLiteral("value"))
                                  .toObject();
    for (const QJsonValue& v : value) {
        const int k = v.toObject().value(QStringLiteral("machine")).toInt();
        if (k > 0)
            out.insert(k, v.toObject().value(QStringLiteral("state")).toString());
    }
    return out;
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
    QSet<QString> machinesLeft;
    for (const QString& slug : slugs) {
        instances.remove(resourceName(slug));
        power.remove(resourceName(slug)); // it names the instance
        if (const QString machine = machineOf(value.value(slug)); !machine.isEmpty())
            machinesLeft.insert(machine);
        value.remove(slug);
    }
    // The fleet layout: a machine is destroyed only with the whole fleet; one with none of its conditions left
    // is stopped (no more compute billed; its disk goes with the fleet).
    for (const QJsonValue& v : std::as_const(value))
        machinesLeft.remove(machineOf(v));
    for (const QString& machine : std::as_const(machinesLeft))
        power.insert(
            machine,
            QJsonObject { { QStringLiteral("instance_id"), QStringLiteral("${data.aws_instance.%1.id}").arg(machine) },
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
        if (const QString machine = machineOf(machines.value(it.key())); !machine.isEmpty()) {
            power.insert(machine,
                         QJsonObject { { QStringLiteral("instance_id"),
                                         QStringLiteral("${data.aws_instance.%1.id}").arg(machine) },
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
    // The fleet layout: each slug's machine state, from the output (its data source, read by the refresh).
    const QJsonObject machines = doc.object()
                                     .value(QStringLiteral("values"))
                                     .toObject()
                                     .value(QStringLiteral("outputs"))
                                     .toObject()
                                     .value(QStringLiteral("instances"))
                                     .toObject()
                                     .value(QStringLiteral("value"))
                                     .toObject();
    for (auto it = machines.begin(); it != machines.end(); ++it) {
        const QString state = it.value().toObject().value(QStringLiteral("state")).toString();
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

Command command(const QString& dir, const QStringList& args, const QMap<QString, QString>& env)
{
    Command c;
    c.program = QStringLiteral("terraform");
    c.arguments = args;
    c.workingDirectory = dir;
    c.environment = env;
    c.environment.insert(QStringLiteral("TF_IN_AUTOMATION"), QStringLiteral("1"));
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

ResultOf<QList<Instance>> parseOutput(const QByteArray& json, bool addressless)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return Result::failed(
            QStringLiteral("terraform output -json printed no JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject value
        = doc.object().value(QStringLiteral("instances")).toObject().value(QStringLiteral("value")).toObject();
    QList<Instance> out;
    for (auto it = value.begin(); it != value.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        Instance i;
        i.slug = it.key();
        i.id = o.value(QStringLiteral("id")).toString();
        i.address = o.value(QStringLiteral("public_ip")).toString();
        i.port = o.value(QStringLiteral("ssh_port")).toInt(22);
        if (i.address.isEmpty() && addressless)
            continue;
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
