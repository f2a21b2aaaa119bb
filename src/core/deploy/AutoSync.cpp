// SPDX-License-Identifier: MIT
#include "AutoSync.h"

#include "deploy/ResultsStoreSync.h"
#include "deploy/SyncOperation.h"

#include <memory>

namespace {

// A host's conditions, the k-th and those after it, one sync at a time.
void syncInTurn(DeployContext& ctx, const QList<int>& positions, int k, const SyncOptions& options,
                const std::shared_ptr<SyncOperation::Tally>& tally, const JobPool::Done& done)
{
    if (k >= positions.size()) {
        done();
        return;
    }
    SyncOperation::syncOne(ctx, positions.at(k), options, tally, [&ctx, positions, k, options, tally, done] {
        syncInTurn(ctx, positions, k + 1, options, tally, done);
    });
}

} // namespace

QMap<QString, QList<int>> AutoSync::due(const DeploymentState& state, bool fromStore)
{
    QMap<QString, QList<int>> byHost;
    // select leaves out what cannot be synced (never started, a host that does not answer or was destroyed);
    // its reasons are not news here, the status round said them.
    const QList<int> positions
        = fromStore ? ResultsStoreSync::select(state, {}).positions : SyncOperation::select(state, {}, true).positions;
    for (int i : positions) {
        const DeploymentState::Condition& c = state.conditions.at(i);
        const bool ended = c.isFinished()
            || (fromStore && DeploymentState::isTerminal(c.lastRunPhase)
                && (c.phase == DeploymentState::Phase::Unreachable || c.phase == DeploymentState::Phase::Stopped));
        if (ended && !c.syncedAt.isValid())
            byHost[c.host] << i;
    }
    return byHost;
}

bool AutoSync::isReport(const QString& message)
{
    return message.startsWith(QLatin1String("auto sync: ")) || isFailure(message);
}

bool AutoSync::isFailure(const QString& message)
{
    return message.startsWith(QLatin1String("auto sync failed: "));
}

void AutoSync::run(DeployContext& ctx, std::function<void()> then)
{
    const QMap<QString, QList<int>> byHost = due(ctx.state, ResultsStoreSync::applies(ctx));
    if (byHost.isEmpty()) {
        then();
        return;
    }
    SyncOptions options; // hosts side by side, up to its parallel limit
    options.saveEach = false; // one save after the round (watching is cheap)
    auto tally = std::make_shared<SyncOperation::Tally>();
    auto* pool = new JobPool(options.parallel, ctx.work);
    if (ResultsStoreSync::applies(ctx)) {
        // From the store: every host's conditions in one listing and one transfer.
        QList<int> all;
        for (const QList<int>& positions : byHost)
            all << positions;
        pool->add([&ctx, all, options, tally](JobPool::Done done) {
            ResultsStoreSync::syncAll(ctx, all, options, tally, done);
        });
    } else {
        for (const QList<int>& positions : byHost) {
            pool->add([&ctx, positions, options, tally](JobPool::Done done) {
                syncInTurn(ctx, positions, 0, options, tally, done);
            });
        }
    }
    QObject::connect(pool, &JobPool::finished, &ctx, [this, &ctx, pool, tally, byHost, then] {
        pool->deleteLater();
        ctx.save();
        for (const QList<int>& positions : byHost) {
            for (int i : positions) {
                const DeploymentState::Condition& c = ctx.state.conditions.at(i);
                if (c.syncedAt.isValid())
                    Q_EMIT ctx.progress(
                        QStringLiteral("auto sync: %1: results synced into %2").arg(c.slug, ctx.localDataDir(c)));
            }
        }
        for (const QString& failure : std::as_const(tally->failures)) {
            if (!m_reported.contains(failure)) {
                m_reported.insert(failure);
                Q_EMIT ctx.progress(QStringLiteral("auto sync failed: %1 (tried again next round)").arg(failure));
            }
        }
        then();
    });
    pool->start();
}
