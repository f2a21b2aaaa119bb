// SPDX-License-Identifier: MIT
#include "Experiment.h"

#include "git/GitRepository.h"

#include <QDir>
#include <QFileInfo>

ResultOf<Experiment> Experiment::open(const QString& dir)
{
    const QFileInfo info(dir);
    if (!info.isDir())
        return Result::badInput(QStringLiteral("%1: no such experiment folder").arg(dir));
    const QString absolute = QDir(info.absoluteFilePath()).canonicalPath();
    const QString paramsPath = absolute + QLatin1Char('/') + QLatin1String(Parameters::FileName);
    if (!QFileInfo::exists(paramsPath))
        return Result::badInput(QStringLiteral("%1: no parameters.json here; is this an experiment folder? (create one "
                                               "with `logistician create NAME`)")
                                    .arg(absolute));

    auto params = Parameters::load(paramsPath);
    if (!params)
        return params.error();

    auto discovered = GitRepository::discover(absolute);
    if (!discovered)
        return Result::badInput(discovered.message()
                                + QStringLiteral("; an experiment must live in a Git working tree"));
    const auto repo = discovered.take();

    Experiment experiment;
    experiment.m_dir = absolute;
    experiment.m_gitRoot = QDir(repo->workdir()).canonicalPath();
    // The original Logistician mounted the Git top level; its Dockerfiles name their files from there.
    experiment.m_projectRoot
        = params->isOriginalStyle() ? experiment.m_gitRoot : findProjectRoot(absolute, experiment.m_gitRoot);
    experiment.m_parameters = *params;
    if (const Result refused = refuseProgramInProject(experiment, paramsPath); !refused)
        return refused;
    return experiment;
}

Result Experiment::refuseProgramInProject(const Experiment& experiment, const QString& paramsPath)
{
    // The docker program is this machine's, never a file of the project: a path
    // (after symlinks) inside the Git tree or the project would run its code here.
    const QString key = QStringLiteral("local_docker_command");
    const QString words = experiment.m_parameters.json().value(key).toString();
    for (const QString& word : words.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!word.startsWith(QLatin1Char('/')))
            continue;
        const QString real = QFileInfo(word).canonicalFilePath();
        for (const QString& root : { experiment.m_gitRoot, experiment.m_projectRoot, experiment.m_dir }) {
            if (!real.isEmpty() && (real == root || real.startsWith(root + QLatin1Char('/'))))
                return Result::badInput(QStringLiteral("%1: %2 \"%3\" is a file of the project (%4); it must be a "
                                                       "program installed on this machine, like docker")
                                            .arg(paramsPath, key, words, real));
        }
    }
    return Result::ok();
}

QString Experiment::findProjectRoot(const QString& dir, const QString& gitRoot)
{
    QDir d(dir);
    while (d.absolutePath().startsWith(gitRoot) && d.absolutePath() != gitRoot) {
        if (d.dirName() == QLatin1String("experiments")) {
            d.cdUp();
            return d.absolutePath();
        }
        if (!d.cdUp())
            break;
    }
    return gitRoot;
}

QString Experiment::parametersPath() const
{
    return m_dir + QLatin1Char('/') + QLatin1String(Parameters::FileName);
}
QString Experiment::dockerfilePath() const
{
    return m_dir + QStringLiteral("/Dockerfile");
}
QString Experiment::dataDir() const
{
    return m_dir + QStringLiteral("/data");
}
QString Experiment::stateDir() const
{
    return m_dir + QStringLiteral("/.logistician");
}
QString Experiment::machinesFile() const
{
    return m_dir + QStringLiteral("/machines.txt");
}

QString Experiment::imageTag() const
{
    return QStringLiteral("logistician/") + m_parameters.experimentName().toLower();
}
