#include "BaseExperiment.h"

#include "Parameters.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

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

Result create(const ExperimentCreator::Options& options, QString* experimentDir)
{
    const QString base = options.baseDir;
    ParametersError error;
    auto params = Parameters::load(base + QStringLiteral("/parameters.json"), &error);
    if (!params)
        return Result::badInput(QStringLiteral("--base %1: %2").arg(base, error.toString()));
    QFile dockerfile(base + QStringLiteral("/Dockerfile"));
    if (!dockerfile.open(QIODevice::ReadOnly))
        return Result::badInput(QStringLiteral("--base %1: no Dockerfile").arg(base));
    const QByteArray dockerText = dockerfile.readAll();
    params->setExperimentName(options.name);

    const QString dir
        = options.dir.isEmpty() ? options.projectRoot + QStringLiteral("/experiments/") + options.name : options.dir;
    if (QFileInfo::exists(dir))
        return Result::badInput(QStringLiteral("%1 already exists; not overwriting it").arg(dir));
    if (!QDir().mkpath(dir))
        return Result::failed(QStringLiteral("cannot create %1").arg(dir));
    QString why;
    QSaveFile docker(dir + QStringLiteral("/Dockerfile"));
    QSaveFile ignore(dir + QStringLiteral("/.gitignore"));
    const bool written = docker.open(QIODevice::WriteOnly) && docker.write(dockerText) == dockerText.size()
        && docker.commit() && ignore.open(QIODevice::WriteOnly) && ignore.write(".logistician/\ndata/\n") > 0
        && ignore.commit() && params->save(dir + QStringLiteral("/parameters.json"), &why);
    if (!written) {
        QDir(dir).removeRecursively(); // nothing half-made stays behind
        return Result::failed(why.isEmpty() ? QStringLiteral("%1: cannot write").arg(dir) : why);
    }
    if (experimentDir)
        *experimentDir = dir;
    return Result::ok();
}

} // namespace BaseExperiment
