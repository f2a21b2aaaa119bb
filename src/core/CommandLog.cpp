// SPDX-License-Identifier: MIT
#include "CommandLog.h"

CommandLog* CommandLog::instance()
{
    static CommandLog log;
    return &log;
}

void CommandLog::announce(const QString& displayLine)
{
    Q_EMIT commandStarted(displayLine);
}
