// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeployContext.h"

#include <functional>

struct SyncOptions
{
    int parallel = 8; // hosts at a time
    int bandwidthLimitKBps = 0; // per transfer; 0: no limit
    QList<int> conditions; // Condition::index values (1-based, as status shows them); empty: all
};

// sync: saves each container's log beside its results and copies the results here (rsync); a condition
// that had finished is marked synced.
namespace SyncOperation {

struct Selection
{
    QList<int> positions; // in state.conditions, to sync
    QStringList failures; // conditions asked for that cannot be synced, and why
};

// Which conditions a sync copies: the started ones on a host that answers; selected holds positions
// (empty: all). Pure, for tests.
Selection select(const DeploymentState& state, const QSet<int>& selected, bool remote);

// Runs the sync after a status round; done gets the result.
void run(DeployContext& ctx, const SyncOptions& options, const QSet<int>& selected,
         std::function<void(const Result&)> done);

} // namespace SyncOperation
