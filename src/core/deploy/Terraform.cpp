#include "Terraform.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>

namespace Terraform {

namespace {

// Terraform reads "${...}" and "%{...}" in any JSON string as a template; text
// that is data (the bootstrap script, a condition) must not be.
QString literal(const QString& text)
{
    QString out = text;
    out.replace(QStringLiteral("${"), QStringLiteral("$${"));
    out.replace(QStringLiteral("%{"), QStringLiteral("%%{"));
    return out;
}

} // namespace

QString resourceName(const QString& slug)
{
    QString name = slug;
    name.replace(QLatin1Char('.'), QLatin1Char('_'));
    return name;
}

bool isValidCidr(const QString& cidr)
{
    const auto parsed = QHostAddress::parseSubnet(cidr);
    return !parsed.first.isNull() && parsed.first.protocol() == QAbstractSocket::IPv4Protocol
        && cidr.contains(QLatin1Char('/'));
}

QString userData(const QString& templateText, const QString& experimentName, const QString& user, int autoStopMinutes)
{
    QString text = templateText;
    text.replace(QStringLiteral("@EXPERIMENT@"), experimentName);
    text.replace(QStringLiteral("@USER@"), user);
    text.replace(QStringLiteral("@AUTO_STOP_MINUTES@"), QString::number(autoStopMinutes));
    return text;
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
        { QStringLiteral("description"), QStringLiteral("SSH from the researcher's address range") },
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
    const QString ami = s.ami.isEmpty() ? QStringLiteral("${data.aws_ami.%1.id}").arg(family.key) : s.ami;
    QJsonObject instances;
    QJsonObject outputValue;
    for (const DeploymentState::Condition& c : state.conditions) {
        // Terminated on its own: its machine was destroyed, and a resumed deploy must not make it again.
        if (c.phase == DeploymentState::Phase::Terminated)
            continue;
        const QString key = resourceName(c.slug);
        instances.insert(key,
                         QJsonObject {
                             { QStringLiteral("ami"), ami },
                             { QStringLiteral("instance_type"), s.instanceType },
                             { QStringLiteral("key_name"), QStringLiteral("${aws_key_pair.machines.key_name}") },
                             { QStringLiteral("vpc_security_group_ids"),
                               QJsonArray { QStringLiteral("${aws_security_group.ssh.id}") } },
                             { QStringLiteral("associate_public_ip_address"), true },
                             { QStringLiteral("instance_initiated_shutdown_behavior"), QStringLiteral("stop") },
                             { QStringLiteral("user_data"), literal(s.userData) },
                             { QStringLiteral("tags"),
                               QJsonObject { { QStringLiteral("Name"), prefix + QLatin1Char('-') + c.slug },
                                             { QStringLiteral("experiment"), experimentName },
                                             { QStringLiteral("condition"), literal(c.text) },
                                             { QStringLiteral("commit"), state.commit },
                                             { QStringLiteral("managed_by"), QStringLiteral("logistician") } } },
                         });
        outputValue.insert(
            c.slug,
            QJsonObject { { QStringLiteral("id"), QStringLiteral("${aws_instance.%1.id}").arg(key) },
                          { QStringLiteral("public_ip"), QStringLiteral("${aws_instance.%1.public_ip}").arg(key) } });
    }
    if (!instances.isEmpty())
        resource.insert(QStringLiteral("aws_instance"), instances);

    QJsonObject root {
        { QStringLiteral("terraform"),
          QJsonObject {
              { QStringLiteral("required_providers"),
                QJsonObject { { QStringLiteral("aws"),
                                QJsonObject { { QStringLiteral("source"), QStringLiteral("hashicorp/aws") },
                                              { QStringLiteral("version"), QStringLiteral(">= 4.0") } } } } } } },
        { QStringLiteral("provider"),
          QJsonObject { { QStringLiteral("aws"), QJsonObject { { QStringLiteral("region"), s.region } } } } },
        { QStringLiteral("resource"), resource },
        { QStringLiteral("output"),
          QJsonObject { { QStringLiteral("instances"), QJsonObject { { QStringLiteral("value"), outputValue } } } } },
    };
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
    return root;
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

QJsonObject withoutInstances(QJsonObject configuration, const QStringList& slugs)
{
    QJsonObject resource = configuration.value(QStringLiteral("resource")).toObject();
    QJsonObject instances = resource.value(QStringLiteral("aws_instance")).toObject();
    QJsonObject output = configuration.value(QStringLiteral("output")).toObject();
    QJsonObject outputInstances = output.value(QStringLiteral("instances")).toObject();
    QJsonObject value = outputInstances.value(QStringLiteral("value")).toObject();
    for (const QString& slug : slugs) {
        instances.remove(resourceName(slug));
        value.remove(slug);
    }
    if (instances.isEmpty())
        resource.remove(QStringLiteral("aws_instance"));
    else
        resource.insert(QStringLiteral("aws_instance"), instances);
    outputInstances.insert(QStringLiteral("value"), value);
    output.insert(QStringLiteral("instances"), outputInstances);
    configuration.insert(QStringLiteral("resource"), resource);
    configuration.insert(QStringLiteral("output"), output);
    return configuration;
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

std::optional<QList<Instance>> parseOutput(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("terraform output -json printed no JSON object (%1)").arg(parseError.errorString());
        return std::nullopt;
    }
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
        if (i.address.isEmpty()) {
            if (error)
                *error = QStringLiteral("terraform output: instance %1 has no public address").arg(i.slug);
            return std::nullopt;
        }
        out << i;
    }
    return out;
}

double hourlyPrice(const QString& instanceType)
{
    static const QMap<QString, double> prices {
        { QStringLiteral("t3.micro"), 0.0104 },  { QStringLiteral("t3.small"), 0.0208 },
        { QStringLiteral("t3.medium"), 0.0416 }, { QStringLiteral("t3.large"), 0.0832 },
        { QStringLiteral("t3.xlarge"), 0.1664 }, { QStringLiteral("t3.2xlarge"), 0.3328 },
        { QStringLiteral("m5.large"), 0.096 },   { QStringLiteral("m5.xlarge"), 0.192 },
        { QStringLiteral("m5.2xlarge"), 0.384 }, { QStringLiteral("c5.large"), 0.085 },
        { QStringLiteral("c5.xlarge"), 0.17 },   { QStringLiteral("c5.2xlarge"), 0.34 },
        { QStringLiteral("r5.large"), 0.126 },   { QStringLiteral("g4dn.xlarge"), 0.526 },
        { QStringLiteral("g5.xlarge"), 1.006 },  { QStringLiteral("p3.2xlarge"), 3.06 },
    };
    return prices.value(instanceType, -1.0);
}

QString installHint()
{
    return QStringLiteral("terraform is not installed or not on PATH; the aws backend needs it. Install it from "
                          "HashiCorp's Debian repository (https://developer.hashicorp.com/terraform/install), "
                          "e.g. `apt-get install terraform` after adding that repository, or put the terraform "
                          "binary on PATH");
}

} // namespace Terraform
