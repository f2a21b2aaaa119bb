// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeployContext.h"

#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <functional>

// Results come home by themselves: while something watches a deployment (the board's DeploymentMonitor,
// `status --watch`, `deploy --wait`), each status round is followed by a sync of the conditions that have
// finished (succeeded or failed) and are not synced yet. A host's conditions are synced one after another,
// so no host is ever synced twice at once; hosts go side by side. A failure is reported (once per condition
// and reason) and tried again next round: it never ends the watch.
class AutoSync
{
public:
    // Per host address, the positions in state.conditions to sync now: finished, not synced since, on a host
    // that answers and still exists. Pure, for tests.
    // fromStore (a results store, ResultsStoreSync::applies): also those whose machine is gone or silent once
    // their run ended; the store has their results.
    static QMap<QString, QList<int>> due(const DeploymentState& state, bool fromStore = false);

    // What it says goes out as ctx.progress, each line starting "auto sync: " (failures "auto sync failed: "),
    // so a watcher that hides its status rounds' chatter (the board) can still show these.
    static bool isReport(const QString& message);
    static bool isFailure(const QString& message);

    // Syncs what is due (its commands run under ctx.work); then() once every host is done, whatever failed.
    void run(DeployContext& ctx, std::function<void()> then);

private:
    QSet<QString> m_reported; // the failures already said
};
