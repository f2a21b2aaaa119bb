// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

// The EC2 API the aws tests run against: moto_server on loopback in the test's own network namespace,
// with a machine (an sshd on the instance's public address, its user data run as on first boot) for
// every running instance. The test executable runs through tests/support/ec2-emulator (the LAUNCHER
// of logistician_add_test), which sets all of it up; this is the test's side of it.
class Ec2Emulator
{
public:
    // Empty when the emulator runs; else why not (no moto_server, no network namespace, not launched).
    static QString unavailable();
    // Skip with the reason on a user's machine; fail under CI=true (as for a missing terraform).
    static bool required();
    // The machines' sessions get this process's home (the test's own), as SshMachines' do.
    static bool attach(QString* error);
    // What the EC2 API reports in region: {instances, volumes, security_groups, key_pairs}
    // (tests/support/ec2-machines.py describe); an empty object with *error on failure.
    static QJsonObject describe(const QString& region, QString* error = nullptr);
    // The instances of describe() whose tag experiment is experiment and whose state is not terminated.
    static QJsonArray liveInstances(const QString& region, const QString& experiment);
    // An action on one instance through the API: "stop", "start" or "terminate".
    static bool act(const QString& action, const QString& region, const QString& instanceId, QString* error);
    // How long a machine takes to boot (its sshd starts that many seconds after the API reports it running); 0
    // by default.
    static bool setBootSeconds(int seconds);
    // How long after its sshd answers a new machine's user data starts (as cloud-init runs it after sshd); 0 by
    // default.
    static bool setBootstrapSeconds(int seconds);
    // Without: new machines' images have no Docker and apt-get cannot reach its mirror (their bootstrap fails).
    static bool setPackageMirror(bool reachable);
    // The folder of an instance's machine (its root/ holds the machine's own /var/lib, /etc/cron.d, ...).
    static QString machineDir(const QString& instanceId);
    // How many running instances of a type EC2 has room for from now on, "TYPE=N[,TYPE=N...]" (tests/support/
    // ec2-moto.py; m5.24xlarge=1 until then): a fleet gets what is left, a RunInstances beyond it is refused.
    static bool setCapacity(const QString& capacity);
    // An image the emulator knows in region (it has none of Debian's or the DLAMI's).
    static QString anyImage(const QString& region);
};

// QSKIP, or QFAIL under CI, when the emulator is not there.
#define REQUIRE_EC2_EMULATOR()                                                                                         \
    do {                                                                                                               \
        const QString why_ = Ec2Emulator::unavailable();                                                               \
        if (!why_.isEmpty()) {                                                                                         \
            if (Ec2Emulator::required())                                                                               \
                QFAIL(qPrintable(QStringLiteral("CI=true and %1").arg(why_)));                                         \
            QSKIP(qPrintable(why_));                                                                                   \
        }                                                                                                              \
        QString attachError_;                                                                                          \
        QVERIFY2(Ec2Emulator::attach(&attachError_), qPrintable(attachError_));                                        \
    } while (false)
