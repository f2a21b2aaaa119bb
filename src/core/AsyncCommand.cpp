// SPDX-License-Identifier: MIT
#include "AsyncCommand.h"

#include "CommandRunner.h"
#include "PrintableText.h"

#include <QTimer>
#include <memory>

QString CommandOutcome::errorText() const
{
    // A host's stderr is shown as it is only after escape sequences and control characters are gone.
    QString text = PrintableText::clean(QString::fromUtf8(err)).trimmed();
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    text = lines.mid(qMax(0, lines.size() - 3)).join(QStringLiteral("; "));
    if (!message.isEmpty())
        text = text.isEmpty() ? message : message + QStringLiteral(": ") + text;
    if (text.isEmpty())
        text = QStringLiteral("exit code %1").arg(exitCode);
    return text;
}

namespace AsyncCommand {

void run(const Command& command, QObject* context, Callback done)
{
    auto* runner = new CommandRunner(context);
    auto outcome = std::make_shared<CommandOutcome>();
    QObject::connect(runner, &CommandRunner::standardOutput, runner,
                     [outcome](const QByteArray& data) { outcome->out += data; });
    QObject::connect(runner, &CommandRunner::standardError, runner,
                     [outcome](const QByteArray& data) { outcome->err += data; });
    QObject::connect(runner, &CommandRunner::finished, context,
                     [runner, outcome, done = std::move(done)](int exitCode, const QString& message) {
                         outcome->exitCode = exitCode;
                         outcome->message = message;
                         runner->deleteLater();
                         done(*outcome);
                     });
    runner->start(command);
}

} // namespace AsyncCommand

JobPool::JobPool(int limit, QObject* parent)
    : QObject(parent)
    , m_limit(qMax(1, limit))
{
}

void JobPool::add(Job job)
{
    m_queue.append(std::move(job));
    if (m_started)
        next();
}

void JobPool::start()
{
    m_started = true;
    next();
}

void JobPool::next()
{
    while (m_running < m_limit && !m_queue.isEmpty()) {
        Job job = m_queue.takeFirst();
        ++m_running;
        auto called = std::make_shared<bool>(false);
        job([this, called] {
            if (*called)
                return;
            *called = true;
            --m_running;
            // Later, so a job finishing synchronously does not recurse deeply.
            QTimer::singleShot(0, this, &JobPool::next);
        });
    }
    if (m_running == 0 && m_queue.isEmpty() && !m_emitted) {
        m_emitted = true;
        QTimer::singleShot(0, this, &JobPool::finished);
    }
}
