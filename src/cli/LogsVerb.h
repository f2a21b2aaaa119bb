// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class LogsVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("logs"); }
    QString summary() const override
    {
        return QStringLiteral("Print a condition's output from whichever backend runs it (its container's log, or "
                              "the log saved in data/<condition>/logs once it is gone); -f follows it to the end.");
    }
    int execute(const QStringList& arguments) override;

private:
    // What to print of which condition, as the options say.
    struct Shown
    {
        int row = 0;
        int lines = -1; // all
        bool following = false;
        bool raw = false;
        bool json = false;
    };
    // Prints the condition's log (waiting for it to start when following); the exit code.
    int show(class Deployment& deployment, const Shown& shown);
};
