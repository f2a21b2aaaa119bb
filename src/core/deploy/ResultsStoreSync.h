// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/ResultsStore.h"
#include "deploy/SyncOperation.h"

#include <QPair>
#include <QSet>

class Parameters;

// sync from the results store (ResultsStore): a condition's folder comes home from the store, not from its
// machine, so it comes home after the machine is gone. One sync, whatever the number of conditions: one listing
// of the experiment's prefix; every name checked before anything is written (a name that would land outside
// the data folder, or a link on the way, refuses its condition); one `aws s3 sync` of PREFIX/data/ into data/
// limited to the conditions that changed (only what changed of them; resumable: a sync cut short fetches only
// the rest); each file checked against its object (size, and MD5 where S3's ETag is one). Marked synced only
// when its current attempt's upload finished (PREFIX/uploaded/SLUG/KEY) and it had finished.
namespace ResultsStoreSync {

// Whether sync reads the store for this deployment (results_store set, a remote backend).
bool applies(const DeployContext& ctx);

// What SyncOperation::select takes, with the conditions whose machine is gone or silent kept: their
// results are in the store.
SyncOperation::Selection select(const DeploymentState& state, const QSet<int>& selected);

// Syncs the conditions at positions (as select gives) from the store; a failure per condition goes to the
// tally, each condition synced (or still running, its logs fetched) counts. done() once, whatever failed.
void syncAll(DeployContext& ctx, const QList<int>& positions, const SyncOptions& options,
             std::shared_ptr<SyncOperation::Tally> tally, std::function<void()> done);

// What one listing of the prefix says of a condition (pure, for tests).
struct ConditionPlan
{
    int position = -1; // in state.conditions
    QList<ResultsStore::Object> objects; // under PREFIX/data/SLUG/
    QString refused; // why nothing of it may be written (a name, a link on the way); empty when it may
    bool uploaded = false; // its current attempt's marker is there
    bool changed = false; // some file here is missing, or of another size or MD5 than its object
};
// dataDir: the experiment's data folder, laid out as PREFIX/data/ (SLUG/...).
QList<ConditionPlan> plan(const DeploymentState& state, const QList<int>& positions,
                          const ResultsStore::Location& store, const QList<ResultsStore::Object>& objects,
                          const QString& dataDir);
// The markers in a listing, as "SLUG/KEY".
QSet<QString> uploadedMarkers(const ResultsStore::Location& store, const QList<ResultsStore::Object>& objects);
// A marker's text ("KEY EXIT_CODE"): its exit code when it is attemptKey's, else -1.
int exitCodeOf(const QByteArray& marker, const QString& attemptKey);

// The status round's look at the store: when some condition's run ended and its upload is not known to have
// finished, one listing of PREFIX/uploaded/ (the markers only) marks those whose current attempt's marker is
// there (DeploymentState::Condition::uploadedKey); then() either way. Nothing is asked otherwise.
void readUploads(DeployContext& ctx, std::function<void()> then);
// Marks the conditions whose current attempt's marker ("SLUG/KEY") is among markers; returns their positions.
QList<int> markUploaded(DeploymentState* state, const QSet<QString>& markers);

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
