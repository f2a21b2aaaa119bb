// SPDX-License-Identifier: MIT
#pragma once

#include "git/GitStatus.h"

#include <QList>
#include <QString>

// A look at a whole project: the experiments in it (folders with a
// parameters.json) and the Git state of each, from one status walk. Pure
// function of the files; safe to call on a worker thread.
class ProjectScanner
{
public:
    struct ExperimentEntry
    {
        QString dir; // absolute
        QString relativePath; // from the project folder, e.g. experiments/rnn-1
        QString name; // experiment_name, or the folder name when the file is broken
        QString error; // why parameters.json does not load; empty when it does
        int conditionCount = 0;
        bool dirty = false; // files under dir changed since HEAD, or not committed yet (ignored ones aside)
    };

    struct Project
    {
        QString dir; // absolute, as opened
        QString gitRoot; // empty when dir is not in a Git working tree
        QString headCommit; // full id; empty before the first commit
        QString branch;
        QString remoteUrl;
        bool dirty = false;
        QString error; // why the folder is not a usable project
        bool notInGit = false; // the folder exists but is in no Git working tree: it can be initialised
        GitStatus::Snapshot git; // the status walk the dirty flags come from
        QList<ExperimentEntry> experiments; // sorted by relative path
    };

    // Scans dir: experiments/* first, then any folder with a parameters.json up
    // to maxDepth levels down (skipping .git, data/, .logistician/ and hidden folders).
    static Project scan(const QString& dir, int maxDepth = 4);
};
