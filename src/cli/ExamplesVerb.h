// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

// The shipped examples: lists them, or copies one to a folder as a Git
// repository of its own (ExampleCopier), ready for `build`, `run` and `deploy`.
class ExamplesVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("examples"); }
    QString summary() const override
    {
        return QStringLiteral("List the examples, or copy one (NAME DEST) to a new folder as a Git repository, "
                              "ready to run and deploy.");
    }
    int execute(const QStringList& arguments) override;
};
