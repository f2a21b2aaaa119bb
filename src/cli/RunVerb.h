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

    // Runs a prepared LocalRun to the end, output streamed; returns the exit code.
    static int runToEnd(LocalRun& run);
};
