// SPDX-License-Identifier: MIT
#include "StatusRound.h"

#include "CommandRunner.h"
#include "deploy/RemoteScript.h"
#include "deploy/ResultsStoreSync.h"

#include <QHash>
#include <QTimer>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace StatusRound {

QList<int> conditionsToAsk(const DeploymentState& state, const QString& address, const QSet<int>& starting)
{
    QList<int> indexes;
    for (int i : state.conditionsOn(address)) {
        // A condition terminated on its own, or preempted (AWS took its machine back), has no container left
        // to ask about; nor has one that ended, its last attempt, and whose results are here (nothing changes).
        const DeploymentState::Condition& c = state.conditions.at(i);
        if (!starting.contains(i) && !c.isTerminated() && c.phase != Phase::Preempted
            && !(c.resultsSafe() && c.attempt >= c.lastAttempt))
            indexes << i;
    }
    return indexes;
}

void run(DeployContext& ctx, std::function<void()> then, Reach reach)
{
    if (ctx.state.terminated) {
        QTimer::singleShot(0, &ctx, then);
        return;
    }
    if (ctx.backend->statusRound(ctx, then))
        return;
    auto* pool = new JobPool(64, ctx.work);
    for (const DeploymentState::Host& host : std::as_const(ctx.state.hosts)) {
        const QList<int> indexes = conditionsToAsk(ctx.state, host.address, ctx.starting);
        // Released: its machine is gone (aws: destroyed, or lost and replaced); nothing there to ask.
        if (indexes.isEmpty() || host.home.isEmpty() || host.phase == HostPhase::Released)
            continue;
        const QString address = host.address;
        pool->add([&ctx, address, indexes](JobPool::Done done) {
            const DeploymentState::Host* h = ctx.state.host(address);
            ctx.run(ctx.backend->script(*h, script(ctx, *h, indexes)).asQuery(),
                    [&ctx, address, indexes, done](const CommandOutcome& o) {
                        // FailedToStart: ssh refused to run (e.g. an unsafe control folder); say why.
                        if ((o.exitCode == SshUnreachable || o.exitCode == CommandRunner::FailedToStart)
                            && ctx.isRemote()) {
                            ctx.markUnreachable(address, o.errorText());
                        } else {
                            QStringList notes;
                            for (int i : apply(&ctx.state, address, indexes, o.out, &notes))
                                Q_EMIT ctx.conditionChanged(i);
                            for (const QString& note : std::as_const(notes))
                                Q_EMIT ctx.progress(note);
                        }
                        done();
                    });
        });
    }
    QObject::connect(pool, &JobPool::finished, &ctx, [&ctx, pool, then, reach] {
        pool->deleteLater();
        if (reach == Reach::HostsOnly) {
            ctx.save();
            then();
            return;
        }
        // A machine that does not answer may be gone for good (a spot machine taken back): the backend knows.
        ctx.backend->explainUnreachable(&ctx.state, [&ctx, then](const QList<int>& preempted) {
            for (int i : preempted)
                Q_EMIT ctx.conditionChanged(i);
            // With a results store: which ended conditions' uploads finished (one listing, only when needed).
            ResultsStoreSync::readUploads(ctx, [&ctx, then] {
                for (int i = 0; i < ctx.state.conditions.size(); ++i) {
                    if (!ctx.state.uploadState(ctx.state.conditions.at(i)).isEmpty())
                        Q_EMIT ctx.conditionChanged(i);
                }
                ctx.save();
                then();
            });
        });
    });
    pool->start();
}

QString script(const DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& indexes)
{
    // The functions come from templates/remote/status.sh: one call of s per condition, then q asks the
    // engine once about every container s could not settle from the runner's files.
    RemoteScript script(QStringLiteral("status"));
    script.setWords(QStringLiteral("DOCKER"), ctx.dockerWords());
    const QString runner = ctx.runnerDir(host);
    script.call(QStringLiteral("r"), { runner });
    for (int i : indexes) {
        // Its current attempt and each its runner may have started since (max_retries); apply takes the last.
        const DeploymentState::Condition& c = ctx.state.conditions.at(i);
        for (int a = c.attempt; a <= c.lastAttempt; ++a) {
            const QString key = c.attemptKey(a);
            QStringList args { key, ctx.dataDirOnHost(host, c, a), ctx.containerName(c, a),
                               runner + QStringLiteral("/claims/") + key };
            // The wrapper's times the state has already are not read again.
            if (a == c.attempt && c.startedAt.isValid())
                args << (c.finishedAt.isValid() ? QStringLiteral("ended") : QStringLiteral("started"));
            script.call(QStringLiteral("s"), args);
        }
    }
    script.call(QStringLiteral("q"), {});
    return script.render();
}

namespace {

// The last attempt the runner took (a retry after a failure, max_retries): the one shown.
int shownAttempt(const DeploymentState::Condition& c, const QHash<QString, QStringList>& lines)
{
    for (int a = c.lastAttempt; a > c.attempt; --a) {
        const QStringList later = lines.value(c.attemptKey(a));
        if (later.size() >= 2 && later.at(1) != QLatin1String("queued") && later.at(1) != QLatin1String("unpublished"))
            return a;
    }
    return c.attempt;
}

// The phase a "done" line (the wrapper's record) or a container's status gives; the exit code and times
// they tell go into c.
Phase phaseOfRun(DeploymentState::Condition& c, const QStringList& f)
{
    Phase phase = c.phase;
    if (f.at(1) == QLatin1String("done")) {
        bool ok = false;
        const int code = f.value(2).trimmed().toInt(&ok);
        c.exitCode = ok ? code : -1;
        phase = ok && code == 0 ? Phase::Succeeded : Phase::Failed;
        const QDateTime start = QDateTime::fromString(f.value(3).trimmed(), Qt::ISODate);
        const QDateTime end = QDateTime::fromString(f.value(4).trimmed(), Qt::ISODate);
        if (start.isValid())
            c.startedAt = start;
        if (end.isValid())
            c.finishedAt = end;
    } else {
        const QStringList st = f.value(2).trimmed().split(QLatin1Char(' '));
        const QString status = st.value(0);
        const QDateTime start = QDateTime::fromString(f.value(3).trimmed(), Qt::ISODate);
        if (start.isValid())
            c.startedAt = start;
        if (status == QLatin1String("running") || status == QLatin1String("created")
            || status == QLatin1String("restarting")) {
            phase = Phase::Running;
        } else if (status == QLatin1String("missing")) {
            // Gone without the wrapper's record: removed by hand, or the machine was replaced.
            if (c.phase == Phase::Running || c.phase == Phase::Unreachable || c.phase == Phase::Stopped)
                phase = Phase::Failed;
        } else {
            // Exited without the wrapper's record: killed (out of memory, docker stop).
            c.exitCode = st.value(1).toInt();
            phase = Phase::Failed;
            if (!c.finishedAt.isValid())
                c.finishedAt = QDateTime::currentDateTimeUtc();
        }
    }
    return phase;
}

// One condition from the lines of its host's answer; true when it changed.
bool applyLines(DeploymentState::Condition& c, const QHash<QString, QStringList>& lines, const QString& runner,
                const QString& address, QStringList* notes)
{
    const int attempt = shownAttempt(c, lines);
    const QStringList f = lines.value(c.attemptKey(attempt));
    if (f.size() < 2)
        return false;
    bool changed = false;
    if (attempt != c.attempt) {
        c.attempt = attempt;
        c.exitCode = -1;
        c.startedAt = QDateTime();
        c.finishedAt = QDateTime();
        c.syncedAt = QDateTime();
        changed = true;
    }
    Phase phase = c.phase;
    // unpublished: its start script is not in the runner's folder. While the runner lives the state says (queued
    // while deploy writes its files, not handed over when deploy stopped before); once it ended, it is lost.
    const bool unpublished = f.at(1) == QLatin1String("unpublished");
    if (f.at(1) == QLatin1String("queued") || unpublished) {
        if (runner == QLatin1String("alive")) {
            if (!unpublished)
                phase = Phase::Queued;
        } else if (runner == QLatin1String("gone") || runner == QLatin1String("done")) {
            // The runner ended without starting it (the host rebooted, someone killed it): nothing will.
            phase = Phase::Unreachable;
            if (notes && c.phase != Phase::Unreachable)
                *notes << (unpublished ? QStringLiteral("%1: not handed over: the deploy that wrote its files "
                                                        "ended first; deploy again to run it")
                                             .arg(c.slug)
                                       : QStringLiteral("%1: lost: the runner on %2 is gone and never started it")
                                             .arg(c.slug, address));
        }
        if (phase != c.phase) {
            c.phase = phase;
            changed = true;
        }
        return changed;
    }
    if (f.at(1) == QLatin1String("startfailed")) {
        bool ok = false;
        const int code = f.value(2).trimmed().toInt(&ok);
        c.exitCode = ok ? code : 1;
        if (!c.finishedAt.isValid())
            c.finishedAt = QDateTime::currentDateTimeUtc();
        if (notes && c.phase != Phase::Failed)
            *notes << QStringLiteral("%1: could not start (exit code %2): %3")
                          .arg(c.slug)
                          .arg(c.exitCode)
                          .arg(f.value(3).trimmed());
        const Phase failed
            = c.attempt < c.lastAttempt && runner == QLatin1String("alive") ? Phase::Queued : Phase::Failed;
        c.lastRunPhase = failed;
        if (c.phase != failed) {
            c.phase = failed;
            changed = true;
        }
        return changed;
    }
    phase = phaseOfRun(c, f);
    // Failed with a retry to come: its runner starts the next attempt next.
    if (phase == Phase::Failed && c.attempt < c.lastAttempt && runner == QLatin1String("alive"))
        phase = Phase::Queued;
    c.lastRunPhase = phase;
    if (phase != c.phase) {
        c.phase = phase;
        changed = true;
    }
    return changed;
}

} // namespace

QList<int> apply(DeploymentState* state, const QString& address, const QList<int>& indexes, const QByteArray& output,
                 QStringList* notes)
{
    if (DeploymentState::Host* h = state->host(address); h && h->phase == HostPhase::Unreachable) {
        h->phase = HostPhase::Ready;
        h->message.clear();
    }
    if (DeploymentState::Host* h = state->host(address))
        h->unreachableSince = QDateTime();
    QHash<QString, QStringList> lines;
    for (const QByteArray& line : output.split('\n')) {
        const QStringList fields = QString::fromUtf8(line).split(QLatin1Char('\t'));
        if (fields.size() >= 2)
            lines.insert(fields.at(0), fields);
    }
    // none: no runner was ever started there (deploy has not handed the conditions over yet).
    const QString runner = lines.value(QStringLiteral("-runner")).value(1).trimmed();
    QList<int> changed;
    for (int i : indexes) {
        if (applyLines(state->conditions[i], lines, runner, address, notes))
            changed << i;
    }
    return changed;
}

} // namespace StatusRound
