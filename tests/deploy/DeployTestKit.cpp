// SPDX-License-Identifier: MIT
#include "DeployTestKit.h"

#include "SshMachines.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

DeployTestKit::DeployTestKit()
{
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
    // The per-user deployment index of the test's own, never the user's.
    m_env.insert(QStringLiteral("XDG_STATE_HOME"), m_config.path() + QStringLiteral("/state"));
    m_env.insert(QStringLiteral("LOGISTICIAN_POLL_SECONDS"), QStringLiteral("1"));
    m_env.insert(QStringLiteral("LOGISTICIAN_SSH_CONNECT_TIMEOUT"), QStringLiteral("3"));
    QString error;
    m_ok = SshMachines::generateKey(keyPath(), &error);
    if (!m_ok)
        qWarning("%s", qPrintable(error));
}

DeployTestKit::~DeployTestKit()
{
    for (const QString& experiment : std::as_const(m_experiments))
        cleanUp(experiment);
}

QString DeployTestKit::keyPath() const
{
    return m_config.path() + QStringLiteral("/logistician/ssh-key");
}

QByteArray DeployTestKit::conditionScript()
{
    return QByteArrayLiteral(
        "#!/bin/sh\n"
        "# Prints its arguments, keeps them in results/args.txt, then as told:\n"
        "# --exit N, --sleep S, --mb M (a file of M MiB in results/).\n"
        "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n"
        "mkdir -p /data/results\n"
        "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done > /data/results/args.txt\n"
        "code=0; pause=0; mb=0\n"
        "while [ $# -gt 0 ]; do\n"
        "  case \"$1\" in --exit) code=$2; shift;; --sleep) pause=$2; shift;; --mb) mb=$2; shift;; esac\n"
        "  shift\n"
        "done\n"
        "if [ \"$mb\" -gt 0 ]; then head -c $((mb * 1048576)) /dev/urandom > /data/results/blob.bin; fi\n"
        "sleep \"$pause\"\n"
        "exit \"$code\"\n");
}

std::unique_ptr<TestProject> DeployTestKit::project(const QStringList& conditions, const QJsonObject& extra)
{
    auto p = std::make_unique<TestProject>(QStringLiteral("sh cond.sh"));
    p->repo().writeFile(QStringLiteral("cond.sh"), conditionScript(), true);
    QJsonObject params = extra;
    params.insert(QStringLiteral("experiment_conditions"), QJsonArray::fromStringList(conditions));
    p->setParameters(params);
    p->repo().commitAll(QStringLiteral("conditions"));
    m_experiments << p->name();
    return p;
}

CliResult DeployTestKit::cli(TestProject& project, const QStringList& args, int timeoutMs)
{
    QStringList full = args;
    full << project.experimentDir();
    const CliResult r = CliProcess::run(full, project.root(), m_env, QByteArray(), timeoutMs);
    qDebug().noquote() << "logistician" << args.join(QLatin1Char(' ')) << "->" << r.exitCode << "\n" << r.err << r.out;
    return r;
}

QJsonObject DeployTestKit::status(TestProject& project, int* code, bool watch, bool autoSync)
{
    QStringList args { QStringLiteral("status"), QStringLiteral("--json") };
    if (watch)
        args << QStringLiteral("--watch") << QStringLiteral("--interval") << QStringLiteral("1");
    if (watch && !autoSync)
        args << QStringLiteral("--no-auto-sync");
    const CliResult r = cli(project, args);
    if (code)
        *code = r.exitCode;
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.last().toUtf8()).object();
}

QJsonObject DeployTestKit::condition(const QJsonObject& status, int index)
{
    for (const QJsonValue& v : status.value(QStringLiteral("conditions")).toArray()) {
        if (v.toObject().value(QStringLiteral("index")).toInt() == index)
            return v.toObject();
    }
    return {};
}

QString DeployTestKit::dataDir(TestProject&, const QJsonObject& status, int index) const
{
    return condition(status, index).value(QStringLiteral("data_dir")).toString();
}

QByteArray DeployTestKit::readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return f.readAll();
}

QStringList DeployTestKit::containers(const QString& experiment)
{
    QProcess p;
    p.start(QStringLiteral("docker"),
            { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
              QStringLiteral("label=logistician.experiment=") + experiment, QStringLiteral("--format"),
              QStringLiteral("{{.Names}}") });
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void DeployTestKit::cleanUp(const QString& experiment)
{
    const QStringList names = containers(experiment);
    if (!names.isEmpty())
        QProcess::execute(QStringLiteral("docker"), QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + names);
    QProcess images;
    images.start(QStringLiteral("docker"),
                 { QStringLiteral("images"), QStringLiteral("--format"), QStringLiteral("{{.Repository}}:{{.Tag}}") });
    images.waitForFinished(30000);
    QStringList tags;
    for (const QString& tag :
         QString::fromUtf8(images.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (tag.contains(QStringLiteral("logistician/") + experiment.toLower() + QLatin1Char(':')))
            tags << tag;
    }
    if (!tags.isEmpty())
        QProcess::execute(QStringLiteral("docker"),
                          QStringList { QStringLiteral("rmi"), QStringLiteral("-f"), QStringLiteral("--no-prune") }
                              + tags);
    // Only ever in the test's own home (support/own-home), never in a real user's.
    if (QDir::homePath().startsWith(QDir::tempPath() + QStringLiteral("/logistician-test-home-")))
        QDir(QDir::homePath() + QStringLiteral("/logistician/") + experiment).removeRecursively();
    else
        qWarning("not removing %s/logistician/%s: the home is not a test's own", qPrintable(QDir::homePath()),
                 qPrintable(experiment));
}

namespace {

QProcessEnvironment withKitEnvironment(const QMap<QString, QString>& kit)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = kit.cbegin(); it != kit.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

} // namespace

void DeployTestKit::startLocalDeploy(TestProject& project, QProcess* deploy) const
{
    deploy->setProcessEnvironment(withKitEnvironment(m_env));
    deploy->start(
        CliProcess::binary(),
        { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"), project.experimentDir() });
}

void DeployTestKit::startWatch(TestProject& project, QProcess* watch) const
{
    watch->setProcessEnvironment(withKitEnvironment(m_env));
    watch->setWorkingDirectory(project.root());
    watch->start(CliProcess::binary(),
                 { QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("--interval"),
                   QStringLiteral("1"), project.experimentDir() });
}

QString DeployTestKit::terraformDir(const TestProject& project) const
{
    const DeploymentIndex index(m_env.value(QStringLiteral("XDG_STATE_HOME"))
                                + QStringLiteral("/logistician/deployments"));
    return index.terraformDir(project.experimentDir() + QStringLiteral("/.logistician"), project.name());
}
