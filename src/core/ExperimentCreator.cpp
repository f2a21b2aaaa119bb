// SPDX-License-Identifier: MIT
#include "ExperimentCreator.h"

#include "AppPaths.h"
#include "Experiment.h"
#include "ParameterRules.h"
#include "Parameters.h"
#include "git/GitRepository.h"
#include "original/BaseExperiment.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace {

Result writeFile(const QString& path, const QByteArray& content)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit())
        return Result::ok();
    return Result::failed(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
}

} // namespace

QStringList ExperimentCreator::templates()
{
    return QDir(AppPaths::templatesDir() + QStringLiteral("/experiment"))
        .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

ResultOf<QString> ExperimentCreator::projectRootFor(const QString& dir)
{
    auto discovered = GitRepository::discover(dir);
    if (!discovered)
        return discovered.error();
    const auto repo = discovered.take();
    const QString gitRoot = QDir(repo->workdir()).canonicalPath();
    QDir d(QDir(dir).canonicalPath());
    while (true) {
        if (d.dirName() == QLatin1String("experiments")) {
            d.cdUp();
            return d.absolutePath();
        }
        if (QFileInfo(d.filePath(QStringLiteral("experiments"))).isDir())
            return d.absolutePath();
        if (d.absolutePath() == gitRoot || !d.cdUp())
            break;
    }
    return gitRoot;
}

Result ExperimentCreator::checkName(const QString& projectRoot, const QString& name)
{
    if (!Parameters::isValidExperimentName(name))
        return Result::badInput(QStringLiteral("\"%1\" is not a valid experiment name: use 1 to 63 letters, digits, "
                                               "'-', '_' or '.', starting with a letter or digit")
                                    .arg(name));
    const QDir experiments(projectRoot + QStringLiteral("/experiments"));
    if (QFileInfo::exists(experiments.filePath(name)))
        return Result::badInput(
            QStringLiteral("%1 already exists; not overwriting it").arg(experiments.filePath(name)));
    const QStringList dirs = experiments.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& dir : dirs) {
        const auto params = Parameters::load(experiments.filePath(dir) + QStringLiteral("/parameters.json"));
        if (params && params->experimentName().compare(name, Qt::CaseInsensitive) == 0)
            return Result::badInput(
                QStringLiteral("experiment name \"%1\" is already used by %2").arg(name, experiments.filePath(dir)));
    }
    return Result::ok();
}

ResultOf<ExperimentCreator::Created> ExperimentCreator::create(const Options& options)
{
    Result nameOk = checkName(options.projectRoot, options.name);
    if (!nameOk)
        return nameOk;
    if (!options.baseDir.isEmpty()) {
        const ResultOf<QString> made = BaseExperiment::create(options);
        if (!made)
            return made.error();
        return Created { *made, {} };
    }
    // Only a name listed in the templates folder: never a path ("../../tmp/x") to files elsewhere.
    const QString templateDir = AppPaths::templatesDir() + QStringLiteral("/experiment/") + options.templateName;
    if (!templates().contains(options.templateName) || !QFileInfo(templateDir).isDir())
        return Result::badInput(QStringLiteral("no template \"%1\"; available: %2")
                                    .arg(options.templateName, templates().join(QStringLiteral(", "))));

    auto params = Parameters::load(templateDir + QStringLiteral("/parameters.json"));
    if (!params)
        return Result::failed(QStringLiteral("broken template: ") + params.message());
    params->setExperimentName(options.name);
    if (!options.command.isEmpty())
        params->setExperimentCommand(options.command);

    QFile dockerTemplate(templateDir + QStringLiteral("/Dockerfile"));
    if (!dockerTemplate.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("%1: cannot read the template").arg(dockerTemplate.fileName()));
    QByteArray dockerfile = dockerTemplate.readAll();
    dockerfile.replace("{{GIT_URL}}", options.gitUrl.toUtf8());
    dockerfile.replace("{{NAME}}", options.name.toUtf8());

    // The command typed for the new experiment obeys the rule parameters.json loads with.
    if (const QString why = ParameterRules::condition(options.command); !why.isEmpty())
        return Result::badInput(QStringLiteral("the command \"%1\": %2").arg(options.command, why));
    const ResultOf<QString> written = write(options, dockerfile, *params);
    if (!written)
        return written.error();
    Created created { *written, {} };
    if (!options.command.isEmpty())
        return created;
    // The template's command runs its starter program: put it where the command finds it (the
    // project root), never over a file the project has.
    const QDir starters(templateDir + QStringLiteral("/project"));
    for (const QString& name : starters.entryList(QDir::Files | QDir::Hidden, QDir::Name)) {
        const QString target = options.projectRoot + QLatin1Char('/') + name;
        if (QFileInfo::exists(target) || QFileInfo(target).isSymLink())
            continue;
        QFile starter(starters.filePath(name));
        if (!starter.open(QIODevice::ReadOnly))
            return Result::failed(QStringLiteral("%1: cannot read the template").arg(starter.fileName()));
        if (const Result copied = writeFile(target, starter.readAll()); !copied)
            return copied;
        created.starterFiles << target;
    }
    return created;
}

ResultOf<QString> ExperimentCreator::write(const Options& options, const QByteArray& dockerfile,
                                           const Parameters& params)
{
    const QString dir
        = options.dir.isEmpty() ? options.projectRoot + QStringLiteral("/experiments/") + options.name : options.dir;
    if (QFileInfo::exists(dir))
        return Result::badInput(QStringLiteral("%1 already exists; not overwriting it").arg(dir));
    if (!QDir().mkpath(dir))
        return Result::failed(QStringLiteral("cannot create %1").arg(dir));
    Result written = writeFile(dir + QStringLiteral("/Dockerfile"), dockerfile);
    if (written)
        written = writeFile(dir + QStringLiteral("/.gitignore"), QByteArrayLiteral(".logistician/\ndata/\n"));
    if (written)
        written = params.save(dir + QStringLiteral("/parameters.json"));
    if (!written) {
        QDir(dir).removeRecursively(); // nothing half-made stays behind
        return written;
    }
    return dir;
}
