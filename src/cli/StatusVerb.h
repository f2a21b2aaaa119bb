// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class Deployment;

class StatusVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("status"); }
    QString summary() const override
    {
        return QStringLiteral("Show where each condition of the deployment is: queued, provisioning, booting, "
                              "uploading, building, running, succeeded, failed, unreachable, stopped, terminated.");
    }
    int execute(const QStringList& arguments) override;

    static QString table(const Deployment& deployment);
};
