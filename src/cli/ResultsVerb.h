// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class ResultsVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("results"); }
    QString summary() const override
    {
        return QStringLiteral("Compare the conditions' results: one row per condition with its keys, every number "
                              "found in data/<condition>/results (JSON and CSV), state, exit code, elapsed time and "
                              "commit.");
    }
    int execute(const QStringList& arguments) override;
};
