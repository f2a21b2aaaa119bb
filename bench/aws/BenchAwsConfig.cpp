// SPDX-License-Identifier: MIT
// Writes the Terraform configuration the aws backend generates for a sweep of N conditions, in one of its
// layouts, for bench/aws/apply.sh to apply on the EC2 emulator (README.md):
//   bench_aws_config --conditions N --layout instances|fleet --ami AMI --region REGION --out DIR
//                    [--machines-from OUTPUT_JSON]
// instances: one aws_instance per condition (aws_machines unset); fleet: aws_machines = N, one EC2 Fleet, whose
// apply also looks every machine up (its address). With --machines-from (the fleet's `terraform output -json`),
// the configuration provision saves after the launch: each condition's machine by its instance id.

#include "aws/Terraform.h"
#include "deploy/DeploymentState.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption conditions(QStringLiteral("conditions"), QStringLiteral("N"), QStringLiteral("N"),
                                        QStringLiteral("100"));
    const QCommandLineOption layout(QStringLiteral("layout"), QStringLiteral("instances or fleet"),
                                    QStringLiteral("LAYOUT"), QStringLiteral("fleet"));
    const QCommandLineOption ami(QStringLiteral("ami"), QStringLiteral("image"), QStringLiteral("AMI"));
    const QCommandLineOption region(QStringLiteral("region"), QStringLiteral("region"), QStringLiteral("REGION"),
                                    QStringLiteral("eu-central-1"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("folder"), QStringLiteral("DIR"));
    const QCommandLineOption machinesFrom(QStringLiteral("machines-from"), QStringLiteral("output json"),
                                          QStringLiteral("FILE"));
    parser.addOptions({ conditions, layout, ami, region, out, machinesFrom });
    parser.process(app);

    DeploymentState state;
    state.experiment = QStringLiteral("bench-aws");
    state.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    const int n = parser.value(conditions).toInt();
    for (int i = 1; i <= n; ++i) {
        DeploymentState::Condition c;
        c.index = i;
        c.text = QStringLiteral("--n %1").arg(i);
        c.slug = QStringLiteral("c%1-n-%1").arg(i);
        state.conditions << c;
    }
    Terraform::Settings s;
    s.region = parser.value(region);
    s.instanceType = QStringLiteral("t3.small");
    s.ami = parser.value(ami);
    s.user = QStringLiteral("admin");
    s.sshCidr = QStringLiteral("198.51.100.0/24");
    s.publicKey
        = QStringLiteral("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchBenchBenchBenchBenchBenchBenchBenchBen bench");
    QFile bootstrap(QStringLiteral(LOGISTICIAN_SOURCE_DIR "/templates/bootstrap/user-data.sh"));
    if (!bootstrap.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(bootstrap.fileName()));
        return 1;
    }
    s.userData = Terraform::userData(QString::fromUtf8(bootstrap.readAll()), state.experiment, s.user, 15).value();
    s.machines = parser.value(layout) == QLatin1String("fleet") ? n : 0;
    QJsonObject config = Terraform::configuration(state.experiment, state, s);
    if (parser.isSet(machinesFrom)) {
        QFile output(parser.value(machinesFrom));
        if (!output.open(QIODevice::ReadOnly))
            return 1;
        const auto ids = Terraform::parseFleetOutput(output.readAll());
        if (!ids) {
            std::fprintf(stderr, "%s\n", qPrintable(ids.message()));
            return 1;
        }
        config = Terraform::withMachines(config, *ids, Terraform::spread(state, s.machines));
    }
    QDir().mkpath(parser.value(out));
    QSaveFile file(parser.value(out) + QStringLiteral("/main.tf.json"));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0 || !file.commit())
        return 1;
    return 0;
}
