// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class BuildVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("build"); }
    QString summary() const override { return QStringLiteral("Build the experiment's Docker image."); }
    int execute(const QStringList& arguments) override;
};
