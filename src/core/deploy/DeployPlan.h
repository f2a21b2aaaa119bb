// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QList>
#include <QString>
#include <QStringList>

// What deploy would do, checked without running anything.
struct DeployPlan
{
    Result check = Result::ok(); // bad input found before anything runs
    QString backend;
    int conditionCount = 0;
    QString summary;
    bool costsMoney = false; // ask before going on
    bool resumes = false; // an unfinished deployment of the same commit goes on
    QList<int> rerun; // positions of the conditions that run again as a new attempt (deploy --rerun)
    QStringList warnings; // said loudly before going on, e.g. SSH open to a wide range
    // The machines to rent (Backend::describeMachines): what they are (parameters.json, else the stored
    // defaults) and their price
    QString instanceType;
    QString region;
    int machineCount = 0; // how many (aws_machines, at most one per condition; 0: one per condition)
    double pricePerHour = -1; // one machine, US dollars; -1 when the table has no price
    QString priceNote; // the table's region and date, or why there is no price
};
