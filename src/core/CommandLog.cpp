// SPDX-License-Identifier: MIT
#include "CommandLog.h"

CommandLog* CommandLog::instance()
{
    static CommandLog log;
    return &log;
}

int CommandLog::announce(const QString& displayLine, bool query)
{
    const int id = m_lastId.fetchAndAddRelaxed(1) + 1;
    Q_EMIT commandStarted(displayLine, query);
    Q_EMIT entryStarted(id, displayLine, QDateTime::currentDateTime());
    return id;
}

void CommandLog::finish(int id, int exitCode, qint64 durationMs)
{
    Q_EMIT entryFinished(id, exitCode, durationMs);
}
