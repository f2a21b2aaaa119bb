// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeployContext.h"

#include <functional>
#include <memory>

struct SyncOptions
{
    int parallel = 8; // hosts at a time
    int bandwidthLimitKBps = 0; // per transfer; 0: no limit
    QList<int> conditions; // Condition::index values (1-based, as status shows them); empty: all
    // Saves the state as each condition is synced (a sync killed halfway keeps what it did); AutoSync saves once
    // after its round instead (a lost mark only means that condition is synced again).
    bool saveEach = true;
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

// The shared tally of one sync.
struct Tally
{
    QStringList failures;
    int count = 0;
};

// One condition (a position in state.conditions, as select gives): its log saved (locally: fetched), then its
// results copied; a finished one is marked synced. done() either way; a failure is added to the tally.
void syncOne(DeployContext& ctx, int i, const SyncOptions& options, std::shared_ptr<Tally> tally, JobPool::Done done);

// Runs the sync after a status round; done gets the result.
void run(DeployContext& ctx, const SyncOptions& options, const QSet<int>& selected,
         std::function<void(const Result&)> done);

} // namespace SyncOperation
