// SPDX-License-Identifier: MIT
#pragma once

#include "ScratchRepository.h"

#include <QString>

// examples/original copied, byte for byte, into a scratch Git repository of its
// own and committed, the way a user of the original tool has their project.
class OriginalProject
{
public:
    OriginalProject();

    ScratchRepository& repo() { return m_repo; }
    QString root() const { return m_repo.path(); }
    // "addition", "webppl" or "pytorch-gpu": examples/NAME/experiments/1.
    QString experimentDir(const QString& example) const;
    QString experimentName(const QString& example) const;
    QString commit() const { return m_commit; }

private:
    ScratchRepository m_repo;
    QString m_commit;
};
