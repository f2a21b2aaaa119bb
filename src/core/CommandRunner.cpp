// SPDX-License-Identifier: MIT
#include "CommandRunner.h"

#include "CommandLog.h"
#include "Logging.h"

#include <QDeadlineTimer>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>
#include <csignal>
#include <memory>
#include <sys/prctl.h>
#include <unistd.h>
#include <vector>

namespace {

// What every process of a command gets: its environment and folder, and an end with this process.
void prepare(QProcess* process, const Command& command)
{
    process->setProcessEnvironment(CommandRunner::environment(command));
    if (!command.workingDirectory.isEmpty())
        process->setWorkingDirectory(command.workingDirectory);
    // The child dies with this process, even when it is killed outright (SIGKILL leaves no chance to
    // clean up): no rsync, ssh or docker goes on running with PID 1 as its parent. If this process died
    // between fork and prctl, the child has already been re-parented: it ends at once.
    process->setChildProcessModifier([parent = ::getpid()] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
    });
}

QString notStarted(const Command& command)
{
    if (QStandardPaths::findExecutable(command.program).isEmpty() && !command.program.contains(QLatin1Char('/')))
        return QStringLiteral("%1 is not installed or not on PATH").arg(command.program);
    return QStringLiteral("could not start %1").arg(command.program);
}

} // namespace

CommandRunner::CommandRunner(QObject* parent)
    : QObject(parent)
{
}

CommandRunner::~CommandRunner()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

bool CommandRunner::isRunning() const
{
    return !m_done;
}

void CommandRunner::start(const Command& command)
{
    m_command = command;
    m_done = false;
    m_clock.start();
    delete m_process;
    m_process = nullptr;
    if (!command.refusal.isEmpty()) {
        // Reported like a program that cannot start, after start() returns as a real start would.
        QTimer::singleShot(0, this, [this] {
            if (m_done)
                return;
            m_done = true;
            qCDebug(lcCommand).noquote() << "refused:" << m_command.display() << ":" << m_command.refusal;
            Q_EMIT finished(FailedToStart, m_command.refusal);
        });
        return;
    }
    m_process = new QProcess(this);
    prepare(m_process, command);
    if (command.interactive) {
        m_process->setProcessChannelMode(QProcess::ForwardedChannels);
        m_process->setInputChannelMode(QProcess::ForwardedInputChannel);
    }

    connect(m_process, &QProcess::readyReadStandardOutput, this,
            [this] { Q_EMIT standardOutput(m_process->readAllStandardOutput()); });
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { Q_EMIT standardError(m_process->readAllStandardError()); });
    connect(m_process, &QProcess::finished, this, &CommandRunner::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &CommandRunner::onError);
    if (!command.standardInput.isEmpty() && !command.interactive) {
        connect(m_process, &QProcess::started, this, [this] {
            m_process->write(m_command.standardInput);
            m_process->closeWriteChannel();
        });
    }

    m_logId = CommandLog::instance()->announce(command.display(), command.query);
    qCDebug(lcCommand).noquote() << "started:" << command.display();
    m_process->start(command.program, command.arguments);
}

QProcessEnvironment CommandRunner::environment(const Command& command)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = command.environment.cbegin(); it != command.environment.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

bool CommandRunner::startDetached(const Command& command)
{
    if (!command.refusal.isEmpty())
        return false;
    const int id = CommandLog::instance()->announce(command.display(), command.query);
    QProcess process;
    process.setProgram(command.program);
    process.setArguments(command.arguments);
    process.setWorkingDirectory(command.workingDirectory);
    process.setProcessEnvironment(environment(command));
    const bool started = process.startDetached();
    CommandLog::instance()->finish(id, started ? CommandLog::Detached : FailedToStart, 0);
    return started;
}

void CommandRunner::cancel()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    // SIGINT first: docker run proxies it to the container, so the run stops cleanly.
    ::kill(static_cast<pid_t>(m_process->processId()), SIGINT);
    QTimer::singleShot(5000, m_process, [p = m_process] {
        if (p->state() != QProcess::NotRunning)
            p->kill();
    });
}

void CommandRunner::interrupt()
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        ::kill(static_cast<pid_t>(m_process->processId()), SIGINT);
}

void CommandRunner::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_done)
        return;
    m_done = true;
    // Drain what is left so no output is lost after the last readyRead.
    const QByteArray out = m_process->readAllStandardOutput();
    if (!out.isEmpty())
        Q_EMIT standardOutput(out);
    const QByteArray err = m_process->readAllStandardError();
    if (!err.isEmpty())
        Q_EMIT standardError(err);
    qCDebug(lcCommand).noquote() << "finished with" << (status == QProcess::CrashExit ? -1 : exitCode) << "after"
                                 << m_clock.elapsed() << "ms:" << m_command.display();
    CommandLog::instance()->finish(m_logId, status == QProcess::CrashExit ? 128 + SIGKILL : exitCode,
                                   m_clock.elapsed());
    if (status == QProcess::CrashExit)
        Q_EMIT finished(128 + SIGKILL, QStringLiteral("%1 was killed").arg(m_command.program));
    else
        Q_EMIT finished(exitCode, QString());
}

void CommandRunner::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_done)
        return;
    m_done = true;
    const QString message = notStarted(m_command);
    qCDebug(lcCommand).noquote() << "could not start:" << m_command.display() << ":" << message;
    CommandLog::instance()->finish(m_logId, FailedToStart, m_clock.elapsed());
    Q_EMIT finished(FailedToStart, message);
}

QList<CommandOutcome> CommandRunner::runAndWait(const QList<Command>& commands, int timeoutMs)
{
    struct Run
    {
        std::unique_ptr<QProcess> process;
        int logId = 0;
    };
    QElapsedTimer clock;
    clock.start();
    std::vector<Run> runs;
    for (const Command& c : commands) {
        Run run;
        if (c.refusal.isEmpty()) {
            run.process = std::make_unique<QProcess>();
            prepare(run.process.get(), c);
            run.logId = CommandLog::instance()->announce(c.display(), c.query);
            qCDebug(lcCommand).noquote() << "started:" << c.display();
            run.process->start(c.program, c.arguments);
            if (!c.standardInput.isEmpty() && run.process->waitForStarted())
                run.process->write(c.standardInput);
            run.process->closeWriteChannel();
        } else {
            qCDebug(lcCommand).noquote() << "refused:" << c.display() << ":" << c.refusal;
        }
        runs.push_back(std::move(run));
    }
    const QDeadlineTimer deadline(timeoutMs);
    QList<CommandOutcome> outcomes;
    for (size_t i = 0; i < runs.size(); ++i) {
        const Command& c = commands.at(static_cast<int>(i));
        CommandOutcome o;
        QProcess* p = runs[i].process.get();
        if (!p) {
            o.exitCode = FailedToStart;
            o.message = c.refusal;
            outcomes << o;
            continue;
        }
        if (!p->waitForFinished(static_cast<int>(std::max<qint64>(1, deadline.remainingTime())))) {
            const bool started = p->state() != QProcess::NotRunning || p->error() != QProcess::FailedToStart;
            p->kill();
            p->waitForFinished();
            o.exitCode = started ? 128 + SIGKILL : FailedToStart;
            o.message = started ? QStringLiteral("no answer within %1 s").arg(timeoutMs / 1000) : notStarted(c);
        } else if (p->exitStatus() == QProcess::CrashExit) {
            o.exitCode = 128 + SIGKILL;
            o.message = QStringLiteral("%1 was killed").arg(c.program);
        } else {
            o.exitCode = p->exitCode();
        }
        o.out = p->readAllStandardOutput();
        o.err = p->readAllStandardError();
        qCDebug(lcCommand).noquote() << "finished with" << o.exitCode << "after" << clock.elapsed()
                                     << "ms:" << c.display();
        CommandLog::instance()->finish(runs[i].logId, o.exitCode, clock.elapsed());
        outcomes << o;
    }
    return outcomes;
}

CommandOutcome CommandRunner::runAndWait(const Command& command, int timeoutMs)
{
    return runAndWait(QList<Command> { command }, timeoutMs).constFirst();
}
