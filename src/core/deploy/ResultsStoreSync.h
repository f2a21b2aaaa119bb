// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/SyncOperation.h"

#include <QPair>

class Parameters;

// sync from the results store (ResultsStore): a condition's folder comes home from the store, not from its
// machine, so it comes home after the machine is gone. Per condition: one listing of its objects; every
// name checked before anything is written (a name that would land outside the data folder refuses the
// condition); `aws s3 sync` of its data (only what changed; resumable: a sync cut short fetches only the
// rest); each file checked against its object (size, and MD5 where S3's ETag is one). Marked synced only
// when its current attempt's upload finished (SLUG/uploaded/KEY) and it had finished.
namespace ResultsStoreSync {

// Whether sync reads the store for this deployment (results_store set, a remote backend).
bool applies(const DeployContext& ctx);

// What SyncOperation::select takes, with the conditions whose machine is gone or silent kept: their
// results are in the store.
SyncOperation::Selection select(const DeploymentState& state, const QSet<int>& selected);

void syncOne(DeployContext& ctx, int i, const SyncOptions& options, std::shared_ptr<SyncOperation::Tally> tally,
             JobPool::Done done);

// What the experiment's prefix in the store holds: every object version and delete marker (the bucket is
// versioned, so a deleted object's earlier versions stay, and cost, until they are deleted too).
struct Contents
{
    qint64 versions = 0;
    qint64 bytes = 0;
    QList<QPair<QString, QString>> ids; // key, version id
};
void measure(const Parameters& parameters, const QString& backend, QObject* owner,
             std::function<void(const Contents&, const QString& error)> then);
// Deletes every version listed in contents (terminate --delete-store), a thousand at a time.
void erase(const Parameters& parameters, const QString& backend, QObject* owner, const Contents& contents,
           std::function<void(const Result&)> done);

} // namespace ResultsStoreSync
