// SPDX-License-Identifier: MIT
#include "LedgerBackend.h"

#include "deploy/DeployContext.h"

#include <QDir>
#include <QFile>
#include <QTimer>

using Phase = DeploymentState::Phase;

BackendTraits LedgerBackend::describe()
{
    BackendTraits t;
    t.name = QStringLiteral("ledger");
    t.label = QStringLiteral("A ledger (test backend: runs nothing)");
    t.remote = false;
    t.usesRunner = false;
    t.rerunsChosen = false;
    t.supportsGpu = false;
    return t;
}

QString LedgerBackend::conditionDetail(const DeploymentState::Condition& condition)
{
    return condition.startedAt.isValid() ? QStringLiteral("in the ledger") : QString();
}

Result LedgerBackend::check(const DeployOptions&) const
{
    return Result::ok();
}

QString LedgerBackend::planSummary(int conditionCount, const DeployOptions&) const
{
    return QStringLiteral("%1 condition(s) written into a ledger").arg(conditionCount);
}

void LedgerBackend::provision(DeploymentState* state, const DeployOptions&, Done done)
{
    // This machine, by the address the state gives it (DeploymentState::Host).
    if (!state->host(QStringLiteral("local")))
        state->hosts.append(DeploymentState::Host::at(QStringLiteral("local"), QDir::homePath()));
    write(QStringLiteral("provision"));
    done(Result::ok());
}

Command LedgerBackend::command(const DeploymentState::Host&, const QStringList& argv,
                               const QByteArray& standardInput) const
{
    Command c;
    c.program = argv.value(0);
    c.arguments = argv.mid(1);
    c.standardInput = standardInput;
    return c;
}

Command LedgerBackend::script(const DeploymentState::Host&, const QString& text, const QByteArray& standardInput) const
{
    Command c;
    c.program = QStringLiteral("sh");
    c.arguments = { QStringLiteral("-c"), text };
    c.standardInput = standardInput;
    return c;
}

bool LedgerBackend::handOver(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
                             const QStringList&, Done done)
{
    for (int i : positions) {
        write(QStringLiteral("hand over %1 to %2").arg(ctx.state.conditions.at(i).slug, host.address));
        ctx.state.conditions[i].startedAt = QDateTime::currentDateTimeUtc();
        ctx.setPhase(i, Phase::Running);
    }
    done(Result::ok());
    return true;
}

bool LedgerBackend::statusRound(DeployContext& ctx, std::function<void()> then)
{
    // What runs here ends at the first look: each running condition succeeded.
    write(QStringLiteral("status"));
    for (int i = 0; i < ctx.state.conditions.size(); ++i) {
        DeploymentState::Condition& c = ctx.state.conditions[i];
        if (c.phase != Phase::Running)
            continue;
        c.exitCode = 0;
        c.finishedAt = QDateTime::currentDateTimeUtc();
        c.lastRunPhase = Phase::Succeeded;
        ctx.setPhase(i, Phase::Succeeded);
    }
    QTimer::singleShot(0, &ctx, then);
    return true;
}

void LedgerBackend::stopRuns(DeployContext&, bool whole, const QList<int>& positions, Done done)
{
    write(whole ? QStringLiteral("stop all") : QStringLiteral("stop %1 condition(s)").arg(positions.size()));
    done(Result::ok());
}

QString LedgerBackend::ledgerPath() const
{
    return m_context.stateDir + QStringLiteral("/ledger.txt");
}

void LedgerBackend::write(const QString& line) const
{
    QFile ledger(ledgerPath());
    if (ledger.open(QIODevice::Append))
        ledger.write(line.toUtf8() + '\n');
}
