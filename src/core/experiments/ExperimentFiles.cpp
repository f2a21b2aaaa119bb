// SPDX-License-Identifier: MIT
#include "experiments/ExperimentFiles.h"

#include "ExperimentCreator.h"
#include "Parameters.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

namespace ExperimentFiles {

namespace {

// Results and run state belong to the original: a copy starts without them.
bool skipped(const QString& relative)
{
    const QString top = relative.section(QLatin1Char('/'), 0, 0);
    return top == QLatin1String("data") || top == QLatin1String(".logistician");
}

Result copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System,
                    QDirIterator::Subdirectories);
    const QDir source(from);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = source.relativeFilePath(path);
        if (skipped(relative))
            continue;
        const QFileInfo info = it.fileInfo();
        const QString target = to + QLatin1Char('/') + relative;
        if (info.isSymLink()) {
            if (!QFile::link(info.symLinkTarget(), target))
                return Result::failed(QStringLiteral("cannot copy the link %1").arg(path));
        } else if (info.isDir()) {
            if (!QDir().mkpath(target))
                return Result::failed(QStringLiteral("cannot create %1").arg(target));
        } else if (!QFile::copy(path, target)) {
            return Result::failed(QStringLiteral("cannot copy %1 to %2").arg(path, target));
        }
    }
    return Result::ok();
}

Result setName(const QString& dir, const QString& name)
{
    const QString path = dir + QStringLiteral("/parameters.json");
    if (!QFileInfo::exists(path))
        return Result::ok();
    auto params = Parameters::load(path);
    if (!params)
        return params.error();
    params->setExperimentName(name);
    return params->save(path);
}

// The folder newName names beside dir, when it is free and the name is.
ResultOf<QString> checkTarget(const QString& projectRoot, const QString& dir, const QString& newName)
{
    const QFileInfo info(dir);
    if (!info.isDir())
        return Result::badInput(QStringLiteral("%1 is not a folder").arg(dir));
    if (!Parameters::isValidExperimentName(newName))
        return ExperimentCreator::checkName(projectRoot, newName);
    const QString target = info.absoluteDir().filePath(newName);
    if (QFileInfo::exists(target))
        return Result::badInput(QStringLiteral("%1 already exists; not overwriting it").arg(target));
    if (const Result named = ExperimentCreator::checkName(projectRoot, newName); !named)
        return named;
    return target;
}

// A deployment's state (its machines may still run): renaming or deleting would lose track of them.
Result refuseWithDeployment(const QString& dir, const QString& what)
{
    QDirIterator it(dir, { QStringLiteral("deployment.json") }, QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    if (it.hasNext())
        return Result::badInput(QStringLiteral("not %1 %2: it has a deployment (%3); terminate its machines first")
                                    .arg(what, dir, it.next()));
    return Result::ok();
}

} // namespace

QString copyName(const QString& projectRoot, const QString& dir)
{
    const QString base = QFileInfo(dir).fileName() + QStringLiteral("-copy");
    for (int n = 1; n < 1000; ++n) {
        const QString name = n == 1 ? base : QStringLiteral("%1-%2").arg(base).arg(n);
        if (checkTarget(projectRoot, dir, name))
            return name;
    }
    return base;
}

ResultOf<QString> duplicate(const QString& projectRoot, const QString& dir, const QString& newName)
{
    const ResultOf<QString> checked = checkTarget(projectRoot, dir, newName);
    if (!checked)
        return checked.error();
    const QString& target = *checked;
    // Made beside the target, then renamed into place: no half-copied experiment is ever listed.
    QTemporaryDir staging(QFileInfo(target).absolutePath() + QStringLiteral("/.") + newName
                          + QStringLiteral("-XXXXXX"));
    if (!staging.isValid())
        return Result::failed(QStringLiteral("cannot create a folder beside %1").arg(dir));
    Result copied = copyTree(dir, staging.path());
    if (!copied)
        return copied;
    Result named = setName(staging.path(), newName);
    if (!named)
        return named;
    if (!QDir().rename(staging.path(), target))
        return Result::failed(QStringLiteral("cannot move the copy to %1").arg(target));
    staging.setAutoRemove(false);
    return target;
}

ResultOf<QString> rename(const QString& projectRoot, const QString& dir, const QString& newName)
{
    const ResultOf<QString> checked = checkTarget(projectRoot, dir, newName);
    if (!checked)
        return checked.error();
    const QString& target = *checked;
    Result free = refuseWithDeployment(dir, QStringLiteral("renaming"));
    if (!free)
        return free;
    if (!QDir().rename(dir, target))
        return Result::failed(QStringLiteral("cannot rename %1 to %2").arg(dir, target));
    Result named = setName(target, newName);
    if (!named) {
        // The folder goes back, so the experiment stays as it was.
        QDir().rename(target, dir);
        return named;
    }
    return target;
}

ResultOf<QString> moveToTrash(const QString& dir)
{
    if (!QFileInfo(dir).isDir())
        return Result::badInput(QStringLiteral("%1 is not a folder").arg(dir));
    Result free = refuseWithDeployment(dir, QStringLiteral("deleting"));
    if (!free)
        return free;
    QString where;
    if (!QFile::moveToTrash(dir, &where))
        return Result::failed(
            QStringLiteral("cannot move %1 to the trash; it is left as it is (delete it by hand if you mean to)")
                .arg(dir));
    return where;
}

} // namespace ExperimentFiles
