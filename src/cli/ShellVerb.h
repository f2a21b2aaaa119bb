// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class ShellVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("shell"); }
    QString summary() const override
    {
        return QStringLiteral("Open an interactive shell in the experiment's container with the project mounted "
                              "(the image is built first, as for run).");
    }
    int execute(const QStringList& arguments) override;
};
