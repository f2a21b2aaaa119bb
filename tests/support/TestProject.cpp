// SPDX-License-Identifier: MIT
#include "TestProject.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QUuid>

QByteArray TestProject::argsScript()
{
    return QByteArrayLiteral(
        "#!/bin/sh\n"
        "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n"
        "if [ -d /data/results ]; then for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done > /data/results/args.txt; fi\n"
        "exit \"${EXIT_CODE:-0}\"\n");
}

TestProject::TestProject(const QString& command)
    : m_name(QStringLiteral("t-") + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8))
{
    m_repo.writeFile(QStringLiteral("args.sh"), argsScript(), true);
    m_repo.writeFile(QStringLiteral("fail.sh"), QByteArrayLiteral("#!/bin/sh\necho failing >&2\nexit \"$1\"\n"), true);
    // A layer of its own before any other: no two projects share an intermediate image of the classic builder,
    // so one test removing its image never takes a cached layer from under another test's build.
    m_repo.writeFile(QStringLiteral("experiments/") + m_name + QStringLiteral("/Dockerfile"),
                     QStringLiteral("FROM debian:bookworm-slim\nLABEL logistician-test.project=%1\nWORKDIR /project\n")
                         .arg(m_name)
                         .toUtf8());
    m_repo.writeFile(QStringLiteral("experiments/") + m_name + QStringLiteral("/.gitignore"),
                     QByteArrayLiteral(".logistician/\ndata/\n"));
    const QJsonObject params { { QStringLiteral("experiment_name"), m_name },
                               { QStringLiteral("experiment_command"), command },
                               { QStringLiteral("experiment_conditions"),
                                 QJsonArray { QStringLiteral("a"), QStringLiteral("b") } } };
    m_repo.writeFile(QStringLiteral("experiments/") + m_name + QStringLiteral("/parameters.json"),
                     QJsonDocument(params).toJson());
    m_repo.commitAll(QStringLiteral("initial"));
}

TestProject::~TestProject()
{
    // Containers write as root into data/; the temporary folder removes them anyway.
    QProcess rmi;
    rmi.setProcessChannelMode(QProcess::ForwardedOutputChannel); // stderr ("No such image") is noise here
    rmi.start(QStringLiteral("docker"), { QStringLiteral("rmi"), QStringLiteral("-f"), image() });
    rmi.waitForFinished(60000);
}

QString TestProject::experimentDir() const
{
    return m_repo.filePath(QStringLiteral("experiments/") + m_name);
}

QString TestProject::image() const
{
    return QStringLiteral("logistician/") + m_name;
}

void TestProject::setParameters(const QJsonObject& extra)
{
    const QString path = experimentDir() + QStringLiteral("/parameters.json");
    QFile in(path);
    in.open(QIODevice::ReadOnly);
    QJsonObject params = QJsonDocument::fromJson(in.readAll()).object();
    in.close();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        params.insert(it.key(), it.value());
    m_repo.writeFile(QStringLiteral("experiments/") + m_name + QStringLiteral("/parameters.json"),
                     QJsonDocument(params).toJson());
}

QString TestProject::lastRunDir() const
{
    const QDir data(experimentDir() + QStringLiteral("/data"));
    const QStringList runs = data.entryList({ QStringLiteral("local-*") }, QDir::Dirs, QDir::Name);
    return runs.isEmpty() ? QString() : data.filePath(runs.last());
}
