// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Result.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>

// What a finished command left behind.
struct CommandOutcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString message; // CommandRunner's explanation when it could not run

    bool ok() const { return exitCode == 0; }
    // The last lines of stderr (or the runner's message), for an error report.
    QString errorText() const;
    // As the one error type: ok, or failed with "WHAT failed: <errorText>".
    Result toResult(const QString& what) const
    {
        return ok() ? Result::ok() : Result::failed(QStringLiteral("%1 failed: %2").arg(what, errorText()));
    }
};

// Runs one Command asynchronously with QProcess: announces it on CommandLog,
// streams output as it arrives, and reports the exit code. Never blocks the
// calling thread; cancel() asks politely, then kills.
class CommandRunner : public QObject
{
    Q_OBJECT
public:
    explicit CommandRunner(QObject* parent = nullptr);
    ~CommandRunner() override;

    void start(const Command& command);
    void cancel();
    // SIGINT only, never a kill: for a program that stops cleanly on it and must not be cut short (terraform
    // saves its state and releases its lock).
    void interrupt();
    bool isRunning() const;
    const Command& command() const { return m_command; }

    // Starts a program that outlives this one (a terminal window), with the command's environment and
    // working folder, announced like any other; false when it cannot start or the command is refused.
    static bool startDetached(const Command& command);
    // Runs each command (at the same time) to its end on the calling thread, for code that is already off the
    // GUI thread (a worker, the CLI): announced on CommandLog and in the debug log as start() does, with the
    // command's environment, folder and input. One still running after timeoutMs is killed; its outcome says so.
    static QList<CommandOutcome> runAndWait(const QList<Command>& commands, int timeoutMs);
    static CommandOutcome runAndWait(const Command& command, int timeoutMs);
    // The process environment a command runs with: this one's, plus the command's own.
    static QProcessEnvironment environment(const Command& command);

    // Exit code used when the program could not be started at all.
    static constexpr int FailedToStart = 127;

Q_SIGNALS:
    void standardOutput(const QByteArray& data);
    void standardError(const QByteArray& data);
    // exitCode is the program's, 128+signal if it crashed, FailedToStart if it never ran.
    void finished(int exitCode, const QString& errorMessage);

private:
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);

    QProcess* m_process = nullptr;
    Command m_command;
    bool m_done = true;
    QElapsedTimer m_clock; // for the duration in the debug log and the command log
    int m_logId = 0; // this run's entry in the command log
};
