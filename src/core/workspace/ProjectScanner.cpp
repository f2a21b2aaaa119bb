// SPDX-License-Identifier: MIT
#include "ProjectScanner.h"

#include "Parameters.h"
#include "git/GitRepository.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace {

void findExperiments(const QString& dir, int depthLeft, QStringList* found)
{
    if (QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(Parameters::FileName))) {
        *found << dir;
        return; // an experiment's own folders (data/, results) hold no experiments
    }
    if (depthLeft <= 0)
        return;
    const QStringList subdirs = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& sub : subdirs) {
        if (sub.startsWith(QLatin1Char('.')) || sub == QLatin1String("node_modules"))
            continue;
        findExperiments(dir + QLatin1Char('/') + sub, depthLeft - 1, found);
    }
}

} // namespace

ProjectScanner::Project ProjectScanner::scan(const QString& dir, int maxDepth)
{
    Project project;
    const QFileInfo info(dir);
    if (!info.isDir()) {
        project.dir = dir;
        project.error = QStringLiteral("%1: no such folder").arg(dir);
        return project;
    }
    project.dir = QDir(info.absoluteFilePath()).canonicalPath();

    project.git = GitStatus::read(project.dir);
    const bool inGit = project.git.inRepository;
    if (inGit) {
        project.gitRoot = project.git.root;
        project.headCommit = project.git.head;
        project.branch = project.git.branch;
        project.remoteUrl = project.git.remoteUrl;
        project.dirty = project.git.isDirty();
    } else {
        project.error
            = GitRepository::discover(project.dir).message() + QStringLiteral("; a project must be a Git working tree");
        project.notInGit = !QFileInfo::exists(project.dir + QStringLiteral("/.git"));
    }

    QStringList dirs;
    findExperiments(project.dir, maxDepth, &dirs);
    const QDir projectDir(project.dir);
    for (const QString& experimentDir : std::as_const(dirs)) {
        ExperimentEntry entry;
        entry.dir = experimentDir;
        entry.relativePath = projectDir.relativeFilePath(experimentDir);
        const auto params = Parameters::load(experimentDir + QLatin1Char('/') + QLatin1String(Parameters::FileName));
        if (params) {
            entry.name = params->experimentName();
            entry.conditionCount = params->allConditions().size();
        } else {
            entry.name = QFileInfo(experimentDir).fileName();
            entry.error = params.message();
        }
        if (inGit)
            entry.dirty = project.git.isDirty(experimentDir);
        project.experiments << entry;
    }
    std::sort(project.experiments.begin(), project.experiments.end(),
              [](const ExperimentEntry& a, const ExperimentEntry& b) { return a.relativePath < b.relativePath; });
    return project;
}
