// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// What one machine a backend rents costs by the hour, and which one (cost columns, the board's summary, the
// Settings tab); a backend that rents none answers an unknown price with no note.
struct MachinePrice
{
    double perHour = -1; // US dollars per machine-hour; -1 when not known
    QString note; // why there is no price, or where the price comes from
    QString machine; // the kind of machine, as the backend names it (aws: the instance type)
    QString place; // where it runs (aws: the region)
    bool known() const { return perHour >= 0; }
};
