// SPDX-License-Identifier: MIT
#include "Ec2Emulator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QSaveFile>

namespace {

struct Run
{
    bool ok = false;
    QByteArray out;
    QString error;
};

Run machines(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The harness's own keys: the emulator takes any, and the test's stay the CLI's.
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("harness"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("harness"));
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("LOGISTICIAN_EC2_PYTHON"),
            QStringList { qEnvironmentVariable("LOGISTICIAN_TEST_SUPPORT_DIR") + QStringLiteral("/ec2-machines.py") }
                + args);
    Run r;
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        r.error = QStringLiteral("ec2-machines.py %1: %2")
                      .arg(args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAllStandardError()));
        return r;
    }
    r.ok = true;
    r.out = p.readAllStandardOutput();
    return r;
}

} // namespace

QString Ec2Emulator::unavailable()
{
    if (const QString why = qEnvironmentVariable("LOGISTICIAN_EC2_UNAVAILABLE"); !why.isEmpty())
        return why;
    if (qEnvironmentVariable("AWS_ENDPOINT_URL").isEmpty() || qEnvironmentVariable("LOGISTICIAN_EC2_DIR").isEmpty())
        return QStringLiteral("not run through tests/support/ec2-emulator (ctest does that): no EC2 emulator");
    return {};
}

bool Ec2Emulator::required()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

bool Ec2Emulator::attach(QString* error)
{
    QSaveFile home(qEnvironmentVariable("LOGISTICIAN_EC2_DIR") + QStringLiteral("/home"));
    if (!home.open(QIODevice::WriteOnly) || home.write(QDir::homePath().toUtf8()) < 0 || !home.commit()) {
        *error = QStringLiteral("%1: cannot write").arg(home.fileName());
        return false;
    }
    return true;
}

QJsonObject Ec2Emulator::describe(const QString& region, QString* error)
{
    const Run r = machines({ QStringLiteral("describe"), region });
    if (!r.ok) {
        if (error)
            *error = r.error;
        return {};
    }
    return QJsonDocument::fromJson(r.out).object();
}

QJsonArray Ec2Emulator::liveInstances(const QString& region, const QString& experiment)
{
    QJsonArray out;
    for (const QJsonValue& v : describe(region).value(QStringLiteral("instances")).toArray()) {
        const QJsonObject i = v.toObject();
        if (i.value(QStringLiteral("tags")).toObject().value(QStringLiteral("experiment")).toString() == experiment
            && i.value(QStringLiteral("state")).toString() != QLatin1String("terminated"))
            out.append(i);
    }
    return out;
}

bool Ec2Emulator::act(const QString& action, const QString& region, const QString& instanceId, QString* error)
{
    const Run r = machines({ action, region, instanceId });
    if (!r.ok && error)
        *error = r.error;
    return r.ok;
}

bool Ec2Emulator::setBootSeconds(int seconds)
{
    QSaveFile file(qEnvironmentVariable("LOGISTICIAN_EC2_DIR") + QStringLiteral("/boot-seconds"));
    return file.open(QIODevice::WriteOnly) && file.write(QByteArray::number(seconds)) >= 0 && file.commit();
}

bool Ec2Emulator::setBootstrapSeconds(int seconds)
{
    QSaveFile file(qEnvironmentVariable("LOGISTICIAN_EC2_DIR") + QStringLiteral("/bootstrap-seconds"));
    return file.open(QIODevice::WriteOnly) && file.write(QByteArray::number(seconds)) >= 0 && file.commit();
}

bool Ec2Emulator::setPackageMirror(bool reachable)
{
    const QString knob = qEnvironmentVariable("LOGISTICIAN_EC2_DIR") + QStringLiteral("/no-package-mirror");
    if (reachable)
        return !QFileInfo::exists(knob) || QFile::remove(knob);
    QSaveFile file(knob);
    return file.open(QIODevice::WriteOnly) && file.commit();
}

QString Ec2Emulator::machineDir(const QString& instanceId)
{
    return qEnvironmentVariable("LOGISTICIAN_EC2_DIR") + QStringLiteral("/m/") + instanceId;
}

bool Ec2Emulator::setCapacity(const QString& capacity)
{
    QSaveFile file(qEnvironmentVariable("LOGISTICIAN_EC2_DIR") + QStringLiteral("/capacity"));
    return file.open(QIODevice::WriteOnly) && file.write(capacity.toUtf8()) >= 0 && file.commit();
}

QString Ec2Emulator::anyImage(const QString& region)
{
    const Run r = machines({ QStringLiteral("image"), region });
    return r.ok ? QString::fromUtf8(r.out).trimmed() : QString();
}
