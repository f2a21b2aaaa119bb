// SPDX-License-Identifier: MIT
#pragma once

#include <QAtomicInt>
#include <QDateTime>
#include <QObject>
#include <QString>

// The one place every external command is announced before it runs, already
// redacted, and reported when it ends. The CLI prints the announcements to
// stderr; the GUI shows them in the command log dock, with time, duration and exit status.
class CommandLog : public QObject
{
    Q_OBJECT
public:
    static CommandLog* instance();

    // Exit code of a command handed to a program that outlives us (a terminal): its end is never seen.
    static constexpr int Detached = -1;

    // Returns the id to pass to finish(). query: the command only looks (Command::query).
    int announce(const QString& displayLine, bool query = false);
    void finish(int id, int exitCode, qint64 durationMs);

Q_SIGNALS:
    void commandStarted(const QString& displayLine, bool query);
    void entryStarted(int id, const QString& displayLine, const QDateTime& at);
    void entryFinished(int id, int exitCode, qint64 durationMs);

private:
    CommandLog() = default;
    QAtomicInt m_lastId; // announce() may be called from any thread (CommandRunner::runAndWait)
};
