// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

// Every live deployment of this user, across projects, from the per-user
// index (DeploymentIndex): found even when its project folder is gone.
class ListVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("list"); }
    QString summary() const override
    {
        return QStringLiteral("List every live deployment of this user, across projects: experiment, backend, "
                              "machines, progress and cost so far.");
    }
    int execute(const QStringList& arguments) override;
};
