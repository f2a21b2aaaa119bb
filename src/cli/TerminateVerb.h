// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class TerminateVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("terminate"); }
    QString summary() const override
    {
        return QStringLiteral("Stop and remove the deployment's containers and destroy the machines Terraform made. "
                              "Refuses while results are not synced, unless --force.");
    }
    int execute(const QStringList& arguments) override;
};
