// SPDX-License-Identifier: MIT
#include "OriginalProject.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

OriginalProject::OriginalProject()
{
    // Byte for byte as shipped: no test rewrites an example (the engine tests take turns, so the
    // shipped experiment names never meet another test's).
    const QString source = qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + QStringLiteral("/examples/original");
    QDirIterator it(source, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        m_repo.writeFile(QDir(source).relativeFilePath(path), file.readAll(), QFileInfo(path).isExecutable());
    }
    m_commit = m_repo.commitAll(QStringLiteral("experiments in the original format"));
}

QString OriginalProject::experimentDir(const QString& example) const
{
    return m_repo.filePath(QStringLiteral("examples/%1/experiments/1").arg(example));
}

QString OriginalProject::experimentName(const QString& example) const
{
    QFile file(experimentDir(example) + QStringLiteral("/parameters.json"));
    file.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("experiment_name")).toString();
}
