// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class SetupVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("setup"); }
    QString summary() const override
    {
        return QStringLiteral("Check the tools, store registry and AWS credentials in the keychain, and create the SSH "
                              "key. Interactive on a terminal; --non-interactive takes flags and the environment "
                              "variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and LOGISTICIAN_REGISTRY_PASSWORD.");
    }
    int execute(const QStringList& arguments) override;

private:
    // The SSH key for machines, made when there is none; whether it existed before.
    static ResultOf<bool> ensureSshKey(const QString& keyPath);
};
