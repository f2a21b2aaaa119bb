// SPDX-License-Identifier: MIT
#include "Rerun.h"

#include <algorithm>

using Phase = DeploymentState::Phase;

namespace Rerun {

bool isRerunnable(const DeploymentState::Condition& c)
{
    // Lost: never started there. One seen running before its start time was written may still run.
    const bool lost = c.phase == Phase::Unreachable && !c.startedAt.isValid() && !c.host.isEmpty()
        && c.lastRunPhase != Phase::Running;
    return c.phase == Phase::Failed || c.phase == Phase::Preempted || lost;
}

namespace {

Result refusal(const DeploymentState& state, const DeploymentState::Condition& c)
{
    const QString name = QStringLiteral("condition %1 (%2)").arg(c.index).arg(c.slug);
    if (c.isTerminated())
        return Result::badInput(
            QStringLiteral("%1 was terminated; its files on the host are gone, so deploy again to run it").arg(name));
    switch (c.phase) {
    case Phase::Queued:
    case Phase::Provisioning:
    case Phase::Booting:
    case Phase::Uploading:
    case Phase::Building:
    case Phase::Running:
        return Result::badInput(QStringLiteral("%1 is still %2; wait for it to end (`logistician status`) or "
                                               "terminate it (`logistician terminate --condition %3`) first")
                                    .arg(name, DeploymentState::phaseName(c.phase))
                                    .arg(c.index));
    default:
        break;
    }
    if (const DeploymentState::Host* h = state.host(c.host); h && h->phase == DeploymentState::HostPhase::Released)
        return Result::badInput(QStringLiteral("%1 ran on %2, an aws machine that is released now; a rerun needs a "
                                               "machine again: run `logistician terminate`, then `logistician "
                                               "deploy` to run the conditions afresh")
                                    .arg(name, c.host));
    return Result::ok();
}

} // namespace

ResultOf<QList<int>> choose(const DeploymentState& state, const QStringList& wanted, bool failed)
{
    if (state.conditions.isEmpty() || state.terminated)
        return Result::badInput(QStringLiteral("nothing is deployed to rerun; run `logistician deploy` first"));
    QList<int> chosen;
    for (const QString& w : wanted) {
        bool isNumber = false;
        const int n = w.toInt(&isNumber);
        int found = -1;
        for (int i = 0; i < state.conditions.size(); ++i) {
            if (isNumber ? state.conditions.at(i).index == n : state.conditions.at(i).slug == w)
                found = i;
        }
        if (found < 0)
            return Result::badInput(QStringLiteral("deploy --rerun: there is no condition \"%1\"; give its number "
                                                   "or name as `logistician status` shows them (1 to %2)")
                                        .arg(w)
                                        .arg(state.conditions.size()));
        if (!chosen.contains(found))
            chosen << found;
    }
    if (failed) {
        for (int i = 0; i < state.conditions.size(); ++i) {
            if (isRerunnable(state.conditions.at(i)) && !chosen.contains(i))
                chosen << i;
        }
        if (chosen.isEmpty())
            return Result::badInput(QStringLiteral("deploy --rerun-failed: no condition failed, timed out or was "
                                                   "lost (see `logistician status`)"));
    }
    std::sort(chosen.begin(), chosen.end());
    for (int i : std::as_const(chosen)) {
        if (const Result refused = refusal(state, state.conditions.at(i)); !refused)
            return refused;
    }
    return chosen;
}

QList<int> preemptedToRetry(const DeploymentState& state)
{
    QList<int> out;
    for (int i = 0; i < state.conditions.size(); ++i) {
        const DeploymentState::Condition& c = state.conditions.at(i);
        if (c.phase == Phase::Preempted && c.attempt < c.lastAttempt && !state.terminated)
            out << i;
    }
    return out;
}

void prepareRetry(DeploymentState* state, const QList<int>& positions)
{
    for (int i : positions) {
        const int last = state->conditions.at(i).lastAttempt;
        prepare(state, { i }, 0);
        state->conditions[i].lastAttempt = std::max(last, state->conditions.at(i).attempt);
    }
}

void prepare(DeploymentState* state, const QList<int>& positions, int maxRetries)
{
    for (int i : positions) {
        DeploymentState::Condition& c = state->conditions[i];
        // After the last attempt its runner may have started: no key or folder is used twice.
        c.attempt = c.attempt + 1;
        c.lastAttempt = c.attempt + maxRetries;
        c.queueAgain();
    }
}

} // namespace Rerun
