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
                              "data folder under data/ mounted at /data.");
    }
    int execute(const QStringList& arguments) override;

    // Validates, checks the engine, prepares and runs to the end with output
    // streamed; returns the exit code (the container's, or 1/2 for failures).
    static int prepareAndRun(LocalRun& run);

private:
    static int runToEnd(LocalRun& run);
};
