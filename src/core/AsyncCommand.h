// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "CommandRunner.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>

namespace AsyncCommand {

using Callback = std::function<void(const CommandOutcome&)>;

// Starts command on a CommandRunner owned by context and calls done on the
// context's thread when it ends. When context goes away first, the command is
// stopped and done is never called.
void run(const Command& command, QObject* context, Callback done);

} // namespace AsyncCommand

// Runs queued jobs with at most `limit` at a time; each job calls the function
// it is given when it is done. finished() follows the last job.
class JobPool : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void()>;
    using Job = std::function<void(Done)>;

    explicit JobPool(int limit, QObject* parent = nullptr);
    void add(Job job);
    // Starts the queued jobs; finished() is emitted (asynchronously) even when there are none.
    void start();
    int pending() const { return static_cast<int>(m_queue.size()) + m_running; }

Q_SIGNALS:
    void finished();

private:
    void next();

    int m_limit;
    int m_running = 0;
    bool m_started = false;
    bool m_emitted = false;
    QList<Job> m_queue;
};
