// SPDX-License-Identifier: MIT
#include "AwsParameters.h"

#include "AppPaths.h"
#include "Parameters.h"
#include "Settings.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <cmath>

namespace AwsParameters {

namespace {

bool matches(const char* pattern, const QString& value)
{
    // Anchored at the very end: '$' alone would let a trailing newline through.
    const QRegularExpression re { QRegularExpression::anchoredPattern(QString::fromLatin1(pattern)) };
    return re.match(value).hasMatch();
}

} // namespace

bool isAmi(const QString& value)
{
    return matches("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", value);
}

bool isInstanceType(const QString& value)
{
    // Families such as t3, g4dn, c7i-flex, u-6tb1, mac2-m2; sizes such as micro, 24xlarge, metal-48xl.
    return matches("^[a-z][a-z0-9]*(-[a-z0-9]+)*\\.[a-z0-9]+(-[a-z0-9]+)*$", value) && value.size() <= 40;
}

bool isRegion(const QString& value)
{
    return matches("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[1-9][0-9]?$", value);
}

const QStringList& commonRegions()
{
    static const QStringList list { QStringLiteral("us-east-1"),      QStringLiteral("us-east-2"),
                                    QStringLiteral("us-west-1"),      QStringLiteral("us-west-2"),
                                    QStringLiteral("eu-west-1"),      QStringLiteral("eu-central-1"),
                                    QStringLiteral("eu-north-1"),     QStringLiteral("ap-southeast-1"),
                                    QStringLiteral("ap-northeast-1"), QStringLiteral("ca-central-1") };
    return list;
}

const QStringList& commonInstanceTypes()
{
    static const QStringList list { QStringLiteral("t3.micro"),   QStringLiteral("t3.medium"),
                                    QStringLiteral("c6i.large"),  QStringLiteral("c6i.xlarge"),
                                    QStringLiteral("m6i.xlarge"), QStringLiteral("g4dn.xlarge"),
                                    QStringLiteral("p3.2xlarge") };
    return list;
}

bool isSpotPrice(const QString& value)
{
    // Dollars per hour as EC2 takes them: digits, at most one '.', up to 6 decimals, not zero.
    return matches("^(0|[1-9][0-9]{0,3})(\\.[0-9]{1,6})?$", value) && value.toDouble() > 0;
}

bool isUserName(const QString& value)
{
    // POSIX's portable user names (letters, digits, '.', '_', '-'), not starting with '-' or '.', as useradd takes.
    return matches("^[A-Za-z_][A-Za-z0-9_.-]{0,31}$", value);
}

ParameterSchema::BackendKeys schema()
{
    using namespace ParameterSchema;
    // An empty value is the default stored by setup; any other is checked by its format.
    Key region = string("aws_region", "Region", "An AWS region such as eu-central-1; empty: the default from setup",
                        [](const QString& v) {
                            return v.isEmpty() || isRegion(v)
                                ? QString()
                                : QStringLiteral("must be an AWS region such as eu-central-1");
                        });
    region.suggestions = commonRegions();
    Key type = string("aws_instance_type", "Instance type",
                      "An EC2 instance type such as t3.micro; empty: the default from setup", [](const QString& v) {
                          return v.isEmpty() || isInstanceType(v)
                              ? QString()
                              : QStringLiteral("must be an EC2 instance type such as t3.micro or g4dn.xlarge");
                      });
    type.suggestions = commonInstanceTypes();
    Key volume = typed(string("aws_root_volume_size", "Root volume", "The machine's disk, in GB"), Type::Checked);
    volume.minimum = MinRootVolumeGb;
    volume.maximum = MaxRootVolumeGb;
    volume.absent = QCoreApplication::translate("ParameterSchema", "%1 GB (%2 GB with GPUs)")
                        .arg(DefaultRootVolumeGb)
                        .arg(DefaultGpuRootVolumeGb);
    Key spotPrice = typed(string("aws_spot_max_price", "Spot max price", "US dollars per machine-hour, such as 0.05"),
                          Type::Checked);
    spotPrice.absent = QCoreApplication::translate("ParameterSchema", "up to the on-demand price");
    Key ami = string("aws_ami", "Image (AMI)", "ami- and 8 or 17 hex digits");
    ami.absent = QCoreApplication::translate("ParameterSchema", "the newest official Debian 12 image");
    Key user = typed(string("aws_ami_user", "Login user", "The user the image lets in over SSH"), Type::String,
                     QStringLiteral("admin"));
    user.absent = user.defaultValue.toString();
    Key cidr = string("aws_ssh_cidr", "SSH allowed from", "An IPv4 range such as 203.0.113.7/32: your own address");
    cidr.absent = QCoreApplication::translate("ParameterSchema", "asked when deploying");
    Key machines = integer("aws_machines", 0, 100000, 0, "Machines",
                           "How many EC2 machines a sweep gets, launched by one EC2 Fleet request; the conditions are "
                           "spread over them, max_parallel at a time on each. 0: one machine per condition");
    machines.absent = QCoreApplication::translate("ParameterSchema", "one per condition");
    BackendKeys keys;
    keys.keys = {
        region,
        type,
        typed(string("aws_spot", "Spot", "Ask for spot instances; a machine taken back shows as preempted"),
              Type::Boolean, false),
        spotPrice,
        ami,
        user,
        volume,
        machines,
        cidr,
    };
    keys.check = &check;
    return keys;
}

std::optional<Problem> check(const QJsonObject& obj)
{
    struct StringKey
    {
        const char* name;
        bool (*valid)(const QString&);
        const char* format;
    };
    const StringKey keys[] = {
        { "aws_ami", isAmi, "an AMI id: \"ami-\" and 8 or 17 hexadecimal digits, e.g. ami-0123456789abcdef0" },
        { "aws_instance_type", isInstanceType, "an EC2 instance type such as t3.micro or g4dn.xlarge" },
        { "aws_region", isRegion, "an AWS region such as eu-central-1" },
        { "aws_ami_user", isUserName,
          "a user name of letters, digits, '_', '.' and '-', starting with a letter or '_', at most 32 characters" },
    };
    for (const StringKey& k : keys) {
        const QString key = QLatin1String(k.name);
        if (!obj.contains(key))
            continue;
        const QJsonValue v = obj.value(key);
        if (!v.isString())
            return Problem { key, QStringLiteral("%1 must be a string").arg(key) };
        // Empty means the default, as the accessors read it (the templates write "aws_ami": "").
        if (!v.toString().isEmpty() && !k.valid(v.toString()))
            return Problem { key, QStringLiteral("%1 must be %2").arg(key, QLatin1String(k.format)) };
    }

    const QString volumeKey = QStringLiteral("aws_root_volume_size");
    if (obj.contains(volumeKey)) {
        // The original format wrote it as a number of GB; a string of digits is read the same way.
        const QJsonValue v = obj.value(volumeKey);
        bool ok = false;
        double gb = v.isDouble() ? v.toDouble() : v.toString().toDouble(&ok);
        ok = ok || v.isDouble();
        if (!ok || gb < MinRootVolumeGb || gb > MaxRootVolumeGb || gb != std::floor(gb))
            return Problem { volumeKey,
                             QStringLiteral("%1 must be a whole number of GB from %2 to %3")
                                 .arg(volumeKey)
                                 .arg(MinRootVolumeGb)
                                 .arg(MaxRootVolumeGb) };
    }

    const QString cidrKey = QStringLiteral("aws_ssh_cidr");
    if (obj.contains(cidrKey)) {
        const QJsonValue v = obj.value(cidrKey);
        if (!v.isString())
            return Problem { cidrKey, QStringLiteral("%1 must be a string").arg(cidrKey) };
        const Cidr cidr = parseCidr(v.toString());
        if (!cidr.isValid())
            return Problem { cidrKey, QStringLiteral("%1: %2").arg(cidrKey, cidr.error) };
    }
    const QString spotKey = QStringLiteral("aws_spot");
    if (obj.contains(spotKey) && !obj.value(spotKey).isBool())
        return Problem { spotKey, QStringLiteral("%1 must be true or false").arg(spotKey) };
    const QString priceKey = QStringLiteral("aws_spot_max_price");
    if (obj.contains(priceKey)) {
        // A string, as the provider takes it: a JSON number would be rounded on the way.
        const QJsonValue v = obj.value(priceKey);
        if (!v.isString() || !isSpotPrice(v.toString()))
            return Problem {
                priceKey,
                QStringLiteral("%1 must be a price in dollars per hour as a string, e.g. \"0.05\"").arg(priceKey)
            };
        if (!obj.value(spotKey).toBool())
            return Problem { priceKey, QStringLiteral("%1 needs \"aws_spot\": true").arg(priceKey) };
    }
    return std::nullopt;
}

ResultOf<Machine> resolve(const Parameters& parameters, const Settings& settings)
{
    Machine m;
    const QJsonObject& json = parameters.json();
    const QString file = AppPaths::settingsFile();
    m.ami = parameters.awsAmi();
    m.user = parameters.awsAmiUser();
    if (!parameters.awsRegion().isEmpty()) { // absent or "": the default
        m.region = parameters.awsRegion();
        m.regionSource = QStringLiteral("parameters.json");
    } else {
        m.region = settings.defaultRegion();
        m.regionSource = QStringLiteral("settings");
        if (!isRegion(m.region))
            return Result::badInput(
                QStringLiteral("%1: aws/region: \"%2\" is not an AWS region such as eu-central-1; run `logistician "
                               "setup --aws-region REGION` or set aws_region in parameters.json")
                    .arg(file, m.region));
    }
    if (!parameters.awsInstanceType().isEmpty()) { // absent or "": the default
        m.instanceType = parameters.awsInstanceType();
        m.instanceTypeSource = QStringLiteral("parameters.json");
    } else {
        m.instanceType = settings.defaultInstanceType();
        m.instanceTypeSource = QStringLiteral("settings");
        if (!isInstanceType(m.instanceType))
            return Result::badInput(
                QStringLiteral("%1: aws/instance_type: \"%2\" is not an EC2 instance type such as t3.micro; run "
                               "`logistician setup --aws-instance-type TYPE` or set aws_instance_type in "
                               "parameters.json")
                    .arg(file, m.instanceType));
    }
    const QJsonValue volume = json.value(QStringLiteral("aws_root_volume_size"));
    m.spot = json.value(QStringLiteral("aws_spot")).toBool();
    m.spotMaxPrice = json.value(QStringLiteral("aws_spot_max_price")).toString();
    m.rootVolumeGb = volume.isString() ? volume.toString().toInt() : volume.toInt(0);
    return m;
}

} // namespace AwsParameters
