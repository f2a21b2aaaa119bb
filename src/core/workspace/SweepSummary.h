// SPDX-License-Identifier: MIT
#pragma once

#include "Experiment.h"
#include "aws/AwsPrices.h"
#include "deploy/DeploymentState.h"

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
    int liveMachines = 0; // aws machines not yet destroyed; local and ssh: the hosts, which cost nothing
    qint64 elapsedSeconds = 0; // since the deploy, to now or to the last end
    double machineHours = 0; // aws only
    double costSoFar = 0; // US dollars; 0 for local and ssh
    bool costKnown = true; // false when the region/type has no price

    // price: the aws machines' hourly price (unused for local and ssh).
    static SweepSummary of(const DeploymentState& state, const AwsPrices::Price& price = AwsPrices::Price(),
                           const QDateTime& now = QDateTime::currentDateTimeUtc());
    // The same for an experiment's own deployment, priced by its parameters.json (aws region and type):
    // what `status` and the board's summary bar show.
    static SweepSummary forExperiment(const DeploymentState& state, const Experiment& experiment,
                                      const QDateTime& now = QDateTime::currentDateTimeUtc());
    bool stillGoing() const { return running + waiting > 0; }
    QString line() const;
    static QString duration(qint64 seconds); // "45 s", "12 min", "1 h 12 min"
};
