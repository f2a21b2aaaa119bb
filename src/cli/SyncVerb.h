// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

class SyncVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("sync"); }
    QString summary() const override
    {
        return QStringLiteral("Copy each condition's results into data/<condition>/ with rsync over SSH, several hosts "
                              "at a time; never deletes or replaces a newer local file.");
    }
    int execute(const QStringList& arguments) override;
};
