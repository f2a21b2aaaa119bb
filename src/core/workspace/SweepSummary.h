// SPDX-License-Identifier: MIT
#pragma once

#include "Experiment.h"
#include "deploy/DeploymentState.h"
#include "deploy/MachinePrice.h"

#include <QDateTime>
#include <QString>

// A sweep in one line, for `list`, `status` and the board's summary:
// "12 of 40 done, 1 failed, 8 running, 19 queued · 1 h 12 min · about $3.40 so far".
struct SweepSummary
{
    int total = 0;
    int succeeded = 0;
    int failed = 0; // failed and unreachable
    int running = 0;
    int waiting = 0; // queued, provisioning, booting, uploading, building
    int stopped = 0; // stopped and terminated before they ended
    int liveMachines = 0; // rented machines not yet destroyed; elsewhere the hosts, which cost nothing
    qint64 elapsedSeconds = 0; // since the deploy, to now or to the last end
    double machineHours = 0; // rented machines only (costsMoney)
    double costSoFar = 0; // US dollars, machines and storage; 0 where nothing is rented or stored
    bool costKnown = true; // false when the region/type has no price
    // The results store's storage (results_store): each condition's bytes there (as the last sync listed them)
    // from the end of its attempt (its upload) to now, or to terminate --delete-store.
    double storedGiBMonths = 0; // GiB x months (a month: 730 hours, as AWS bills)
    double storageCost = 0; // US dollars, in costSoFar too; 0 when the storage price is unknown
    static constexpr double HoursPerMonth = 730;

    // price: the rented machines' hourly price (unused where the backend rents none); storage: the results
    // store's price per GiB-month in perHour (unknown: storage not priced).
    static SweepSummary of(const DeploymentState& state, const MachinePrice& price = MachinePrice(),
                           const QDateTime& now = QDateTime::currentDateTimeUtc(),
                           const MachinePrice& storage = MachinePrice());
    // The same for an experiment's own deployment, priced by its parameters.json (the backend's machine):
    // what `status` and the board's summary bar show.
    static SweepSummary forExperiment(const DeploymentState& state, const Experiment& experiment,
                                      const QDateTime& now = QDateTime::currentDateTimeUtc());
    bool stillGoing() const { return running + waiting > 0; }
    QString line() const;
    static QString duration(qint64 seconds); // "45 s", "12 min", "1 h 12 min"
};
