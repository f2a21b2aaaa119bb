// SPDX-License-Identifier: MIT
#include "BaseExperiment.h"

#include "Parameters.h"

#include <QDir>
#include <QFile>

namespace BaseExperiment {

bool isPath(const QString& argument)
{
    return argument.contains(QLatin1Char('/')) || argument == QLatin1String(".") || argument == QLatin1String("..");
}

QString targetDir(const QString& argument, const QString& projectRoot, const QString& workingDir)
{
    if (isPath(argument))
        return QDir::cleanPath(QDir(workingDir).absoluteFilePath(argument));
    return projectRoot + QStringLiteral("/experiments/") + argument;
}

ResultOf<QString> create(const ExperimentCreator::Options& options)
{
    const QString base = options.baseDir;
    auto params = Parameters::load(base + QStringLiteral("/parameters.json"));
    if (!params)
        return Result::badInput(QStringLiteral("--base %1: %2").arg(base, params.message()));
    QFile dockerfile(base + QStringLiteral("/Dockerfile"));
    if (!dockerfile.open(QIODevice::ReadOnly))
        return Result::badInput(QStringLiteral("--base %1: no Dockerfile").arg(base));
    const QByteArray dockerText = dockerfile.readAll();
    params->setExperimentName(options.name);

    return ExperimentCreator::write(options, dockerText, *params);
}

} // namespace BaseExperiment
