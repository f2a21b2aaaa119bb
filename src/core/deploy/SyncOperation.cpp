// SPDX-License-Identifier: MIT
#include "SyncOperation.h"

#include "deploy/RemoteScript.h"
#include "deploy/ResultsStoreSync.h"
#include "files/SafeFile.h"

#include <QFileInfo>
#include <QTimer>
#include <memory>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace SyncOperation {

Selection select(const DeploymentState& state, const QSet<int>& selected, bool remote)
{
    Selection s;
    for (int i = 0; i < state.conditions.size(); ++i) {
        if (!selected.isEmpty() && !selected.contains(i))
            continue;
        const DeploymentState::Condition& c = state.conditions.at(i);
        const DeploymentState::Host* host = state.host(c.host);
        if (!c.startedAt.isValid() || !host || host->home.isEmpty())
            continue;
        if (c.isTerminated()) {
            // Its container is gone, and its log was saved when it went; on a host, its folder too.
            if (remote && selected.contains(i))
                s.failures << QStringLiteral("%1: terminated; nothing of it is left on %2").arg(c.slug, c.host);
            continue;
        }
        if (host->phase == HostPhase::Released) {
            // Its machine is gone; asked for by name, that is worth saying.
            if (selected.contains(i))
                s.failures << QStringLiteral("%1: its machine was destroyed when it was terminated").arg(c.slug);
            continue;
        }
        if (host->phase == HostPhase::Unreachable) {
            s.failures << QStringLiteral("%1: %2 does not answer").arg(c.slug, host->address);
            continue;
        }
        s.positions << i;
    }
    return s;
}

// The runner saved the container's log into its folder when it ended (runner.sh, "KEY.sh ended").
QString savedMarker(const DeployContext& ctx, const DeploymentState::Host& host, const DeploymentState::Condition& c)
{
    return ctx.runnerDir(host) + QStringLiteral("/claims/") + c.attemptKey(c.attempt) + QStringLiteral("/saved");
}

void syncOne(DeployContext& ctx, int i, const SyncOptions& options, std::shared_ptr<Tally> tally, JobPool::Done done)
{
    if (ResultsStoreSync::applies(ctx)) {
        ResultsStoreSync::syncAll(ctx, { i }, options, tally, done);
        return;
    }
    const DeploymentState::Condition& c = ctx.state.conditions.at(i);
    const DeploymentState::Host host = *ctx.state.host(c.host);
    const QDateTime started = QDateTime::currentDateTimeUtc();
    const bool wasFinished = c.isFinished();
    auto succeeded = [&ctx, i, wasFinished, started, tally, done, saveEach = options.saveEach] {
        if (wasFinished) {
            ctx.state.conditions[i].syncedAt = started;
            if (saveEach)
                ctx.save();
            Q_EMIT ctx.conditionChanged(i);
        }
        ++tally->count;
        done();
    };
    const Command logs = Docker::logs(ctx.dockerSetting(), ctx.containerName(c));
    const QString saved = savedMarker(ctx, host, c);
    if (!ctx.isRemote() && wasFinished && QFileInfo::exists(saved)) {
        QTimer::singleShot(0, &ctx, succeeded); // later: a long run of these does not recurse (AutoSync)
        return;
    }
    if (!ctx.isRemote()) {
        // The results are already here; only the container's log is fetched.
        ctx.run(ctx.backend->command(host, Docker::argv(logs)), [&ctx, i, succeeded](const CommandOutcome& o) {
            if (o.ok()) {
                const Result saved = DeployContext::writeFile(ctx.localDataDir(ctx.state.conditions.at(i))
                                                                  + QStringLiteral("/logs/docker.txt"),
                                                              o.out + o.err, ctx.experiment.dir());
                if (!saved)
                    Q_EMIT ctx.progress(saved.message());
            }
            succeeded();
        });
        return;
    }
    const QString data = ctx.remoteDir(host, c) + QStringLiteral("/data");
    const QString saveLog
        = RemoteScript(QStringLiteral("save-log"))
              .call(QStringLiteral("keep_unless"),
                    QStringList { saved, ctx.dataDirOnHost(host, c, 1),
                                  DeploymentState::Condition::logsFolder(c.attempt), QStringLiteral("docker.txt") }
                        + Docker::argv(logs))
              .render();
    auto download =
        [&ctx, i, data, host, tally, succeeded, done, options] {
            const DeploymentState::Condition& c = ctx.state.conditions.at(i);
            Q_EMIT ctx.progress(QStringLiteral("syncing %1 from %2").arg(c.slug, host.address));
            // rsync follows a symlink on its way to the folder: data/ or the condition's
            // folder planted as one in the project would take the host's files elsewhere.
            if (const Result made = SafeFile::makePath(ctx.localDataDir(c, 1), ctx.experiment.dir()); !made) {
                tally->failures << QStringLiteral("%1: %2").arg(c.slug, made.message());
                done();
                return;
            }
            // Attempt 1's folder, with every later attempt's folder in it.
            ctx.run(ctx.backend->ssh(host).download(data, ctx.localDataDir(c, 1), options.bandwidthLimitKBps),
                    [&ctx, i, tally, succeeded, done](const CommandOutcome& o) {
                        if (!o.ok()) {
                            tally->failures
                                << QStringLiteral("%1: rsync: %2").arg(ctx.state.conditions.at(i).slug, o.errorText());
                            done();
                            return;
                        }
                        succeeded();
                    });
        };
    ctx.run(ctx.backend->script(host, saveLog), [&ctx, i, tally, download, done](const CommandOutcome& o) {
        if (!o.ok()) {
            tally->failures << QStringLiteral("%1: %2").arg(ctx.state.conditions.at(i).slug, o.errorText());
            done();
            return;
        }
        download();
    });
}

void run(DeployContext& ctx, const SyncOptions& options, const QSet<int>& selected,
         std::function<void(const Result&)> done)
{
    const Selection selection = ResultsStoreSync::applies(ctx) ? ResultsStoreSync::select(ctx.state, selected)
                                                               : select(ctx.state, selected, ctx.isRemote());
    auto tally = std::make_shared<Tally>();
    tally->failures = selection.failures;
    auto finished = [&ctx, tally, done] {
        ctx.save();
        if (!tally->failures.isEmpty()) {
            done(Result::failed(QStringLiteral("synced %1 condition(s); not synced: %2")
                                    .arg(tally->count)
                                    .arg(tally->failures.join(QStringLiteral("; ")))));
            return;
        }
        Q_EMIT ctx.progress(
            QStringLiteral("synced %1 condition(s) into %2").arg(tally->count).arg(ctx.experiment.dataDir()));
        done(Result::ok());
    };
    if (ResultsStoreSync::applies(ctx)) {
        // From the store: one listing and one transfer for them all.
        ResultsStoreSync::syncAll(ctx, selection.positions, options, tally, finished);
        return;
    }
    auto* pool = new JobPool(options.parallel, ctx.work);
    for (int i : selection.positions)
        pool->add([&ctx, i, options, tally](JobPool::Done jobDone) { syncOne(ctx, i, options, tally, jobDone); });
    QObject::connect(pool, &JobPool::finished, &ctx, [pool, finished] {
        pool->deleteLater();
        finished();
    });
    pool->start();
}

} // namespace SyncOperation
