// SPDX-License-Identifier: MIT
#include "SweepSummary.h"

#include "Settings.h"
#include "SshKey.h"
#include "deploy/DeployPlan.h"
#include "deploy/ResultsStore.h"
#include "deploy/backends/BackendRegistry.h"

#include <algorithm>

using Phase = DeploymentState::Phase;

namespace {

// GiB-months held in the results store: each condition's bytes there, from the end of its attempt (the upload
// follows it; else its start, else the deploy) to now or to the deletion of the store's objects.
double giBMonthsHeld(const DeploymentState& state, const QDateTime& now)
{
    const QDateTime until = state.storeDeletedAt.isValid() ? state.storeDeletedAt : now;
    double total = 0;
    for (const DeploymentState::Condition& c : state.conditions) {
        if (c.storeBytes <= 0)
            continue;
        const QDateTime since = c.finishedAt.isValid() ? c.finishedAt
            : c.startedAt.isValid()                    ? c.startedAt
                                                       : state.createdAt;
        if (!since.isValid() || until <= since)
            continue;
        const double gib = static_cast<double>(c.storeBytes) / (1024.0 * 1024.0 * 1024.0);
        total += gib * static_cast<double>(since.secsTo(until)) / (SweepSummary::HoursPerMonth * 3600.0);
    }
    return total;
}

} // namespace

SweepSummary SweepSummary::of(const DeploymentState& state, const MachinePrice& price, const QDateTime& now,
                              const MachinePrice& storage)
{
    SweepSummary s;
    s.total = static_cast<int>(state.conditions.size());
    QDateTime lastEnd;
    for (const DeploymentState::Condition& c : state.conditions) {
        switch (c.phase) {
        case Phase::Succeeded:
            ++s.succeeded;
            break;
        case Phase::Failed:
        case Phase::Unreachable:
        case Phase::Preempted:
            ++s.failed;
            break;
        case Phase::Running:
            ++s.running;
            break;
        case Phase::Queued:
        case Phase::Provisioning:
        case Phase::Booting:
        case Phase::Uploading:
        case Phase::Building:
            ++s.waiting;
            break;
        case Phase::Stopped:
        case Phase::Terminated:
            ++s.stopped;
            break;
        }
        if (c.finishedAt.isValid() && (!lastEnd.isValid() || c.finishedAt > lastEnd))
            lastEnd = c.finishedAt;
    }
    const bool going = s.stillGoing() && !state.terminated;
    const QDateTime end = going || !lastEnd.isValid() ? now : lastEnd;
    if (state.createdAt.isValid())
        s.elapsedSeconds = std::max<qint64>(0, state.createdAt.secsTo(end));

    const bool aws = BackendRegistry::traits(state.backend).costsMoney; // machines rented by the hour
    for (const DeploymentState::Host& h : state.hosts) {
        const bool destroyed = h.downAt.isValid() || h.phase == DeploymentState::HostPhase::Released;
        if (!destroyed && !state.terminated)
            ++s.liveMachines;
        if (!aws || h.id.isEmpty())
            continue;
        const QDateTime from = h.upSince.isValid() ? h.upSince : state.createdAt;
        // Destroyed without a recorded time (a state from before it was kept): up to the last end.
        const QDateTime to = h.downAt.isValid() ? h.downAt : destroyed || state.terminated ? end : now;
        if (from.isValid() && to > from)
            s.machineHours += from.secsTo(to) / 3600.0;
    }
    if (aws) {
        s.costKnown = price.known();
        s.costSoFar = s.costKnown ? s.machineHours * price.perHour : 0;
    }
    s.storedGiBMonths = giBMonthsHeld(state, now);
    if (storage.known()) {
        s.storageCost = s.storedGiBMonths * storage.perHour;
        s.costSoFar += s.storageCost;
    }
    return s;
}

SweepSummary SweepSummary::forExperiment(const DeploymentState& state, const Experiment& experiment,
                                         const QDateTime& now)
{
    MachinePrice price;
    if (BackendRegistry::traits(state.backend).costsMoney) {
        // The region and type as deploy chose them: parameters.json's, else the defaults stored by setup.
        DeployPlan machines;
        if (const auto backend
            = Backend::create(state.backend, { experiment, QString(), SshKey::privateKeyPath() }).valueOr(nullptr))
            backend->describeMachines(&machines);
        price.perHour = machines.pricePerHour;
        price.note = machines.priceNote;
    }
    // With a results store: its storage, where the backend knows its price (aws: the dated table).
    MachinePrice storage;
    if (ResultsStore::of(experiment.parameters()))
        storage = BackendRegistry::storagePrice(state.backend, experiment.parameters());
    return of(state, price, now, storage);
}

QString SweepSummary::duration(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString SweepSummary::line() const
{
    QStringList parts { QStringLiteral("%1 of %2 done").arg(succeeded + failed).arg(total) };
    if (failed > 0)
        parts << QStringLiteral("%1 failed").arg(failed);
    if (running > 0)
        parts << QStringLiteral("%1 running").arg(running);
    if (waiting > 0)
        parts << QStringLiteral("%1 queued").arg(waiting);
    if (stopped > 0)
        parts << QStringLiteral("%1 stopped").arg(stopped);
    QString text = parts.join(QStringLiteral(", ")) + QStringLiteral(" · ") + duration(elapsedSeconds);
    if (!costKnown)
        text += QStringLiteral(" · cost unknown (no price for this region and type)");
    else if (machineHours > 0 || storageCost > 0)
        text += QStringLiteral(" · about $%1 so far").arg(costSoFar, 0, 'f', 2);
    if (costKnown && storageCost > 0)
        text += storageCost < 0.005 ? QStringLiteral(" (storage under $0.01)")
                                    : QStringLiteral(" (storage $%1)").arg(storageCost, 0, 'f', 2);
    return text;
}
