// SPDX-License-Identifier: MIT
#include "OriginalProject.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

OriginalProject::OriginalProject()
    : m_suffix(QString::number(QRandomGenerator::global()->bounded(1000000, 9999999)))
{
    const QString source = qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + QStringLiteral("/examples/original");
    QDirIterator it(source, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(source).relativeFilePath(path);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        QByteArray content = file.readAll();
        if (relative.endsWith(QLatin1String("/parameters.json"))) {
            QJsonObject params = QJsonDocument::fromJson(content).object();
            params.insert(QStringLiteral("experiment_name"),
                          params.value(QStringLiteral("experiment_name")).toString() + QLatin1Char('-') + m_suffix);
            content = QJsonDocument(params).toJson();
        }
        m_repo.writeFile(relative, content, QFileInfo(path).isExecutable());
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
