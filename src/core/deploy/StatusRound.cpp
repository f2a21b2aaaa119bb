#include "StatusRound.h"

#include "CommandRunner.h"
#include "deploy/RemoteScript.h"

#include <QHash>
#include <QTimer>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace StatusRound {

QList<int> conditionsToAsk(const DeploymentState& state, const QString& address, const QSet<int>& starting)
{
    QList<int> indexes;
    for (int i : state.conditionsOn(address)) {
        // A condition terminated on its own has no container left to ask about.
        const DeploymentState::Condition& c = state.conditions.at(i);
        if (c.startedAt.isValid() && !starting.contains(i) && c.phase != Phase::Terminated)
            indexes << i;
    }
    return indexes;
}

void run(DeployContext& ctx, std::function<void()> then)
{
    if (ctx.state.terminated) {
        QTimer::singleShot(0, &ctx, then);
        return;
    }
    auto* pool = new JobPool(64, ctx.work);
    for (const DeploymentState::Host& host : std::as_const(ctx.state.hosts)) {
        const QList<int> indexes = conditionsToAsk(ctx.state, host.address, ctx.starting);
        if (indexes.isEmpty() || host.home.isEmpty())
            continue;
        const QString address = host.address;
        pool->add([&ctx, address, indexes](JobPool::Done done) {
            const DeploymentState::Host* h = ctx.state.host(address);
            ctx.run(ctx.backend->script(*h, script(ctx, *h, indexes)),
                    [&ctx, address, indexes, done](const CommandOutcome& o) {
                        // FailedToStart: ssh refused to run (e.g. an unsafe control folder); say why.
                        if ((o.exitCode == SshUnreachable || o.exitCode == CommandRunner::FailedToStart)
                            && ctx.isRemote()) {
                            ctx.markUnreachable(address, o.errorText());
                        } else {
                            for (int i : apply(&ctx.state, address, indexes, o.out))
                                Q_EMIT ctx.conditionChanged(i);
                        }
                        done();
                    });
        });
    }
    QObject::connect(pool, &JobPool::finished, &ctx, [&ctx, pool, then] {
        pool->deleteLater();
        ctx.save();
        then();
    });
    pool->start();
}

QString script(const DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& indexes)
{
    // The function s comes from templates/remote/status.sh; one call per condition follows.
    RemoteScript script(QStringLiteral("status"));
    script.setWords(QStringLiteral("DOCKER"), ctx.dockerWords());
    for (int i : indexes) {
        const DeploymentState::Condition& c = ctx.state.conditions.at(i);
        script.call(QStringLiteral("s"), { c.slug, ctx.dataDirOnHost(host, c), ctx.containerName(c) });
    }
    return script.render();
}

QList<int> apply(DeploymentState* state, const QString& address, const QList<int>& indexes, const QByteArray& output)
{
    if (DeploymentState::Host* h = state->host(address); h && h->phase == HostPhase::Unreachable) {
        h->phase = HostPhase::Ready;
        h->message.clear();
    }
    QHash<QString, QStringList> lines;
    for (const QByteArray& line : output.split('\n')) {
        const QStringList fields = QString::fromUtf8(line).split(QLatin1Char('\t'));
        if (fields.size() >= 2)
            lines.insert(fields.at(0), fields);
    }
    QList<int> changed;
    for (int i : indexes) {
        DeploymentState::Condition& c = state->conditions[i];
        const QStringList f = lines.value(c.slug);
        if (f.size() < 2)
            continue;
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
        c.lastRunPhase = phase;
        if (phase != c.phase) {
            c.phase = phase;
            changed << i;
        }
    }
    return changed;
}

} // namespace StatusRound
