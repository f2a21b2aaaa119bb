// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class CreateVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("create"); }
    QString summary() const override
    {
        return QStringLiteral("Create experiments/NAME with a Dockerfile and a parameters.json. Asks for what flags do "
                              "not give when run on a terminal.");
    }
    int execute(const QStringList& arguments) override;
};
