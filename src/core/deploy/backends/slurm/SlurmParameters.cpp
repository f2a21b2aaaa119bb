// SPDX-License-Identifier: MIT
#include "SlurmParameters.h"

#include "ParameterRules.h"
#include "Parameters.h"

#include <QJsonValue>
#include <QRegularExpression>
#include <QStringList>
#include <cmath>

namespace SlurmParameters {

namespace {

bool matches(const char* pattern, const QString& value)
{
    // Anchored at the very end: '$' alone would also match before a final line break.
    return QRegularExpression(QRegularExpression::anchoredPattern(QLatin1String(pattern))).match(value).hasMatch();
}

// A whole number in [minimum, maximum], or why not.
QString wholeNumber(const QJsonValue& v, int minimum, int maximum)
{
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < minimum || d > maximum || d != std::floor(d))
        return QStringLiteral("must be a whole number from %1 to %2").arg(minimum).arg(maximum);
    return QString();
}

} // namespace

QString login(const QString& value)
{
    return ParameterRules::host(value);
}

QString name(const QString& value)
{
    if (!matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", value))
        return QStringLiteral("must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
    return QString();
}

QString time(const QString& value)
{
    const QRegularExpressionMatch m
        = QRegularExpression(QRegularExpression::anchoredPattern(
                                 QStringLiteral("(?:([0-9]{1,3})-)?([0-9]{1,3}):([0-5][0-9]):([0-5][0-9])")))
              .match(value);
    const bool days = m.hasMatch() && !m.captured(1).isEmpty();
    if (!m.hasMatch() || (days && m.captured(2).toInt() > 23))
        return QStringLiteral("must be HH:MM:SS or D-HH:MM:SS, e.g. \"02:00:00\" or \"1-12:00:00\"");
    const long seconds = ((m.captured(1).toLong() * 24 + m.captured(2).toLong()) * 60 + m.captured(3).toLong()) * 60
        + m.captured(4).toLong();
    if (seconds == 0)
        return QStringLiteral("must be longer than 00:00:00");
    return QString();
}

QString memory(const QString& value)
{
    if (!matches("[1-9][0-9]{0,8}[KMGT]?", value))
        return QStringLiteral("must be a positive whole number with an optional unit K, M, G or T, e.g. \"16G\"");
    return QString();
}

QString runtime(const QString& value)
{
    if (!QStringList { QStringLiteral("docker"), QStringLiteral("podman"), QStringLiteral("apptainer") }.contains(
            value))
        return QStringLiteral("must be one of docker, podman, apptainer");
    return QString();
}

QString workDir(const QString& value)
{
    // It is a path in the login user's home or an absolute one; rsync, ssh and sh see it, so only plain names.
    if (!matches("~|~/[A-Za-z0-9._/-]*|/[A-Za-z0-9._/-]*", value) || value.size() > 200)
        return QStringLiteral("must be \"~\", \"~/path\" or \"/path\" of letters, digits, '.', '_', '-' and '/'");
    for (const QString& part : value.split(QLatin1Char('/'))) {
        if (part == QLatin1String("..") || part.startsWith(QLatin1Char('-')))
            return QStringLiteral("must not have a \"..\" part or a part beginning with '-'");
    }
    if (value == QLatin1String("/"))
        return QStringLiteral("must not be / itself");
    return QString();
}

ParameterSchema::BackendKeys schema()
{
    using namespace ParameterSchema;
    BackendKeys keys;
    keys.keys
        = { typed(string("slurm", "SLURM", "The cluster's login, partition, account and limits"), Type::Checked) };
    keys.check = &check;
    return keys;
}

std::optional<Problem> check(const QJsonObject& parameters)
{
    const QString key = QStringLiteral("slurm");
    const bool wanted = parameters.value(QStringLiteral("backend")).toString() == key;
    if (!parameters.contains(key)) {
        if (wanted)
            return Problem { key,
                             QStringLiteral("backend \"slurm\" needs a \"slurm\" object with at least "
                                            "\"login\": \"user@login-host[:port]\"") };
        return std::nullopt;
    }
    if (!parameters.value(key).isObject())
        return Problem { key,
                         QStringLiteral("slurm must be an object (login, partition, account, time, "
                                        "cpus_per_task, mem, gpus_per_task, container_runtime, work_dir)") };
    const QJsonObject slurm = parameters.value(key).toObject();
    using Rule = QString (*)(const QString&);
    const QList<QPair<QString, Rule>> strings {
        { QStringLiteral("login"), &login },      { QStringLiteral("partition"), &name },
        { QStringLiteral("account"), &name },     { QStringLiteral("time"), &time },
        { QStringLiteral("mem"), &memory },       { QStringLiteral("container_runtime"), &runtime },
        { QStringLiteral("work_dir"), &workDir },
    };
    const QList<QPair<QString, QPair<int, int>>> numbers {
        { QStringLiteral("cpus_per_task"), { 1, 4096 } },
        { QStringLiteral("gpus_per_task"), { 0, 64 } },
    };
    for (auto it = slurm.begin(); it != slurm.end(); ++it) {
        const QString member = it.key();
        // *_comment members, as at the top level, are notes for people.
        if (member.endsWith(QLatin1String("_comment")))
            continue;
        bool known = false;
        for (const auto& [name, rule] : strings) {
            if (name != member)
                continue;
            known = true;
            if (!it.value().isString())
                return Problem { key, QStringLiteral("slurm.%1 must be a string").arg(member), member };
            if (const QString why = rule(it.value().toString()); !why.isEmpty())
                return Problem { key, QStringLiteral("slurm.%1 %2").arg(member, why), member };
        }
        for (const auto& [name, range] : numbers) {
            if (name != member)
                continue;
            known = true;
            if (const QString why = wholeNumber(it.value(), range.first, range.second); !why.isEmpty())
                return Problem { key, QStringLiteral("slurm.%1 %2").arg(member, why), member };
        }
        if (!known)
            return Problem { key,
                             QStringLiteral("slurm has no member \"%1\"; it takes login, partition, account, time, "
                                            "cpus_per_task, mem, gpus_per_task, container_runtime, work_dir")
                                 .arg(member),
                             member };
    }
    if (wanted && !slurm.contains(QStringLiteral("login")))
        return Problem { key,
                         QStringLiteral("slurm.login is missing: the cluster's login node as "
                                        "\"user@login-host[:port]\"") };
    return std::nullopt;
}

Settings read(const Parameters& parameters)
{
    const QJsonObject slurm = parameters.json().value(QStringLiteral("slurm")).toObject();
    Settings s;
    s.login = slurm.value(QStringLiteral("login")).toString();
    s.partition = slurm.value(QStringLiteral("partition")).toString();
    s.account = slurm.value(QStringLiteral("account")).toString();
    s.time = slurm.value(QStringLiteral("time")).toString();
    s.cpusPerTask = slurm.value(QStringLiteral("cpus_per_task")).toInt(1);
    s.memory = slurm.value(QStringLiteral("mem")).toString();
    s.gpusPerTask = slurm.value(QStringLiteral("gpus_per_task")).toInt(0);
    s.runtime = slurm.value(QStringLiteral("container_runtime")).toString(QStringLiteral("docker"));
    s.workDir = slurm.value(QStringLiteral("work_dir")).toString(QStringLiteral("~/logistician"));
    return s;
}

} // namespace SlurmParameters
