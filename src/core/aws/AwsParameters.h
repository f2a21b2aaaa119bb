// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

class Parameters;
class Settings;

// The aws_* keys of parameters.json: checked when the file is loaded (every
// one of them reaches Terraform or the instance's boot script as root), and
// resolved with the defaults that `setup` and Settings store.
namespace AwsParameters {

// A key that fails its format, and why.
struct Problem
{
    QString key;
    QString message;
};

// Checks aws_ami, aws_ami_user, aws_instance_type, aws_region, aws_root_volume_size, aws_ssh_cidr, aws_spot and
// aws_spot_max_price.
std::optional<Problem> check(const QJsonObject& parameters);

bool isAmi(const QString& value); // ami- and 8 or 17 hex digits
bool isInstanceType(const QString& value); // family.size, e.g. t3.micro, g4dn.xlarge
bool isRegion(const QString& value); // e.g. eu-central-1, us-gov-west-1
bool isSpotPrice(const QString& value); // dollars per hour, e.g. 0.05: digits, up to 6 decimals, above 0
bool isUserName(const QString& value); // a POSIX user name, no leading '-'
// What setup and Settings offer to choose from (any value the rules above accept may be typed).
const QStringList& commonRegions();
const QStringList& commonInstanceTypes();
constexpr int MinRootVolumeGb = 8;
constexpr int MaxRootVolumeGb = 16384;

// An IPv4 range read strictly: four canonical decimal octets, a prefix 0-32, host bits zero.
struct Cidr
{
    QString text;
    int prefix = -1;
    QString error; // empty when valid
    bool isValid() const { return error.isEmpty(); }
    // Shorter than /16 (0.0.0.0/0 included): SSH from a large part of the internet.
    bool isWide() const { return isValid() && prefix < 16; }
};
Cidr parseCidr(const QString& text);

// What the machines will be, parameters.json first, then the stored defaults.
struct Machine
{
    QString region;
    QString instanceType;
    QString ami; // empty: the newest official Debian 12 image
    QString user;
    int rootVolumeGb = 0; // 0: the image's own size
    bool spot = false; // aws_spot: spot instances, which AWS may take back (preempted)
    QString spotMaxPrice; // aws_spot_max_price; empty: up to the on-demand price
    QString regionSource; // "parameters.json" or "settings"
    QString instanceTypeSource;
};
// Bad input when a stored default is not of its format (settings.ini is input too).
Result resolve(const Parameters& parameters, const Settings& settings, Machine* machine);

} // namespace AwsParameters
