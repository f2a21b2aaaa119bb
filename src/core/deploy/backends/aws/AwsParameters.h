// SPDX-License-Identifier: MIT
#pragma once

#include "ParameterRules.h"
#include "ParameterSchema.h"
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
using Problem = ParameterSchema::Problem;

// The aws_* keys for ParameterSchema (shown after "hosts"), with check() as their whole-object check;
// aws_region and aws_instance_type offer commonRegions() and commonInstanceTypes().
ParameterSchema::BackendKeys schema();

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

// An IPv4 range read strictly (aws_ssh_cidr, --ssh-cidr): ParameterRules's, for every backend that needsSshRange.
using Cidr = ParameterRules::Cidr;
using ParameterRules::parseCidr;
// What an absent aws_root_volume_size gives (Terraform::defaultRootVolumeGb).
constexpr int DefaultRootVolumeGb = 30;
constexpr int DefaultGpuRootVolumeGb = 100;

// What the machines will be, parameters.json first, then the stored defaults.
struct Machine
{
    QString region;
    QString instanceType;
    QString ami; // empty: the newest official Debian 12 image
    QString user;
    int rootVolumeGb = 0; // 0: not set (Terraform::defaultRootVolumeGb)
    bool spot = false; // aws_spot: spot instances, which AWS may take back (preempted)
    QString spotMaxPrice; // aws_spot_max_price; empty: up to the on-demand price
    QString regionSource; // "parameters.json" or "settings"
    QString instanceTypeSource;
};
// Bad input when a stored default is not of its format (settings.ini is input too).
ResultOf<Machine> resolve(const Parameters& parameters, const Settings& settings);

} // namespace AwsParameters
