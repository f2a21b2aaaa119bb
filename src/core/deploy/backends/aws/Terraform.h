// SPDX-License-Identifier: MIT
#pragma once

#include "AsyncCommand.h"
#include "Command.h"
#include "Result.h"
#include "deploy/DeploymentState.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <optional>

class Experiment;

// The Terraform side of the aws backend: the configuration as JSON (built with
// Qt's JSON classes, never by pasting text), the terraform commands, and
// reading `terraform output -json`.
namespace Terraform {

constexpr const char* ConfigFileName = "main.tf.json";

struct Settings
{
    QString region;
    QString instanceType;
    QString ami; // empty: the newest image of defaultAmi(gpu)
    bool gpu = false; // the conditions need GPUs (gpus, or remote_docker_command nvidia-docker)
    QString user; // login user on the image
    int rootVolumeGb = 0; // 0: defaultRootVolumeGb(gpu)
    QString sshCidr; // the only address range allowed in, and only to port 22
    QString publicKey; // the setup SSH key's public half
    QString userData; // the bootstrap script
    bool spot = false; // spot instances (instance_market_options), terminated when AWS takes them back
    QString spotMaxPrice; // empty: up to the on-demand price
    // aws_machines: 0, one aws_instance per condition (each condition's machine its own resource); N, one EC2
    // Fleet of type instant launching N machines (at most one per condition) from a launch template.
    int machines = 0;
    QString instanceProfile; // an expression naming the machines' instance profile (AwsStore); empty: none
    // The fleet layout's launch waves after the first fleet: each an instant fleet of its own (aws_ec2_fleet
    // waveW, W from 2, from the same launch template, so the same tags) asked for these machines (1-based), those
    // the first did not give or that were lost since. The lookups of the fleet's machines find them all.
    QList<QList<int>> waves;
};

// The fleet layout's machines as a configuration applied before has them.
struct FleetMachines
{
    QStringList ids; // by machine (index K-1): its instance id as withMachines kept it; empty: none
    QList<QList<int>> waves; // Settings::waves
};

struct Instance
{
    QString slug;
    QString id;
    QString address;
    int port = 22;
    // The fleet layout: its machine, launched and adopted before, is in none of the lookups (terminated, or gone
    // from EC2 altogether an hour or so after): lost. No address; parseOutput does not count it an error.
    bool gone = false;
};

// The image family an instance starts from when aws_ami is not set: an AMI name pattern and its owner.
struct AmiFamily
{
    QString key; // the data source's name
    QString owner; // AWS account id of the publisher
    QString namePattern;
    QString user; // its login user
};
// gpu: the AWS Deep Learning Base OSS Nvidia Driver GPU AMI on Ubuntu 22.04 (Amazon's DLAMI account), which
// comes with the NVIDIA driver, Docker and the NVIDIA container toolkit, so `docker run --gpus` works on first
// boot. Otherwise the official Debian 12 image.
AmiFamily defaultAmi(bool gpu);

// The root volume's size when aws_root_volume_size is not set. Always explicit, so a launch never depends on
// the image's snapshot size: AWS would take the snapshot's (Debian's is 8 GiB, too small for Docker images and
// results), and the EC2 emulator the tests use refuses a launch without a size. gpu: the GPU family's image.
int defaultRootVolumeGb(bool gpu);

// One instance per condition not terminated yet; with settings.machines, one fleet of machines (see withMachines).
// The "terraform" (the aws provider), "provider" (its region) and "resource" blocks of a configuration.
QJsonObject configurationRoot(const QString& region, const QJsonObject& resource);
QJsonObject configuration(const QString& experimentName, const DeploymentState& state, const Settings& settings);
// The fleet layout's conditions, spread over `machines` machines: machine k gets the conditions whose place is k
// modulo the machine count (at most one machine per condition). Terminated ones keep their place: terminating
// one condition moves no other to another machine, nor changes the fleet's size (a new fleet, new machines).
QList<QStringList> spread(const DeploymentState& state, int machines);
// The instance ids the fleet launched (output fleet_instances of `terraform output -json`), in its order;
// nullopt and *error when that is no JSON. Fewer than asked for: EC2 had no capacity for the others.
ResultOf<QStringList> parseFleetOutput(const QByteArray& json);
// The fleet configuration with the output "instances" of each condition slug: its machine's instance id (as the
// launch gave it) and number; machine k runs slugsPerMachine[k]. parseOutput and parseInstanceStates find each
// machine's address and state in the output fleet_machines (the lookups of the fleet's machines, one per group
// of states, read with the launch and at each refresh). Ids that are no EC2 instance id are left out.
QJsonObject withMachines(QJsonObject configuration, const QStringList& instanceIds,
                         const QList<QStringList>& slugsPerMachine);
// The fleet layout's machines of a configuration (as withMachines and Settings::waves made it), for `machines`
// machines.
FleetMachines fleetMachines(const QJsonObject& configuration, int machines);
// The instance ids launch wave `wave` (0: aws_ec2_fleet.wave2) launched, from `terraform output -json`, in its
// order: the first for its first machine asked for, and so on. Fewer than asked for: EC2 had no capacity.
QStringList parseWaveOutput(const QByteArray& json, int wave);
// From `terraform output -json` of the fleet layout: the EC2 state of each machine with an instance (ids, by
// machine as FleetMachines::ids) as the lookups of the fleet's machines saw it (1-based machine -> "running",
// "stopping" or "stopped"; "gone": in none of them, so terminated or no longer known to EC2). Empty when the
// output has no lookups.
QMap<int, QString> machineStates(const QByteArray& json, const QStringList& ids);
// The instance ids the lookups of the fleet's machines found (running, stopping or stopped), from `terraform
// output -json`; nullopt when it has no lookups.
std::optional<QSet<QString>> fleetMachinesFound(const QByteArray& json);
// A configuration without the instances (and outputs) of these condition slugs; apply it to destroy just them.
QJsonObject withoutInstances(QJsonObject configuration, const QStringList& slugs);
// The configuration with an aws_ec2_instance_state per condition slug given ("running" or "stopped"): applying it
// starts or stops those machines, keeping their disks. Slugs whose instance is gone are left out.
QJsonObject withInstanceStates(QJsonObject configuration, const QMap<QString, QString>& states);
// From `terraform show -json` of the state: each instance's condition slug and EC2 state (running, stopped, ...).
// An instance not listed is gone (a refresh drops terminated instances). *ok false when that is no JSON.
QMap<QString, QString> parseInstanceStates(const QByteArray& showJson, bool* ok = nullptr);
// The file the instance bootstrap makes as its last step (its @READY@); first contact waits for it.
inline const QString& bootstrapReadyMark()
{
    static const QString mark = QStringLiteral("/var/lib/logistician-ready");
    return mark;
}
// The instance bootstrap (templates/bootstrap/user-data.sh) with its placeholders filled in, each value quoted
// by ShellWords::quote (the template has them bare: USER_NAME=@USER@); nullopt for a user name that is not one.
std::optional<QString> userData(const QString& templateText, const QString& experimentName, const QString& user,
                                int autoStopMinutes);
// terraform ARGS in dir, -input=false added by the caller; env holds the credentials, marked secret.
Command command(const QString& dir, const QStringList& args, const QMap<QString, QString>& env);
// When terraform's text says the image lookup of a default family (data.aws_ami.NAME) found no image: what
// to do about it, naming the family's owner and name pattern; else empty.
QString amiLookupProblem(const QString& terraformText);
// What a failed terraform said, whole: each "Error:" with its detail lines and the resource it names
// ("creating EC2 Instance: ... api error MissingParameter: ... (aws_instance.c1)"), errors joined by "; ";
// the source lines it quotes left out; an image lookup that found nothing said so first (amiLookupProblem).
// The outcome's own errorText() when terraform printed no error.
QString errorText(const CommandOutcome& outcome);
// An instance without a public address (a stopped one has none) is an error, unless addressless is true:
// then it is left out. A fleet machine in none of the lookups is Instance::gone (left out if addressless).
// configuration: the fleet layout's configuration saved after its launch (withMachines), whose machines the output of
// that launch's apply has only after the next refresh; empty: the output's own.
ResultOf<QList<Instance>> parseOutput(const QByteArray& json, bool addressless = false,
                                      const QJsonObject& configuration = {});

QString installHint();
// A Terraform resource name for a condition slug (letters, digits, '_' and '-', starting with a letter).
QString resourceName(const QString& slug);

} // namespace Terraform
