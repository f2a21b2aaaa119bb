// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class LocalRun;

class RunVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("run"); }
    QString summary() const override
    {
        return QStringLiteral("Run the experiment locally in Docker, with the project mounted at /project and a fresh "
                              "data folder under data/ mounted at /data. The image is built first (quick when nothing "
                              "changed); --no-build skips that.");
    }
    int execute(const QStringList& arguments) override;

    // Validates, checks the engine, builds the image (unless noBuild: then only checks it is there),
    // prepares and runs to the end with output streamed; returns the exit code (the container's, or
    // 1/2 for failures). Nothing is written under data/ before the image is there.
    static int prepareAndRun(LocalRun& run, const Experiment& experiment, bool noBuild);
    // The --no-build option of run and shell.
    static QCommandLineOption noBuildOption();

private:
    static int runToEnd(LocalRun& run);
    // docker build of the experiment, its output on stderr (stdout is the container's).
    static Result build(const Experiment& experiment);
};
