#include "StatusVerb.h"

#include "CommandLog.h"
#include "Console.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "deploy/Deployment.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <cstdio>
#include <unistd.h>

namespace {

QString duration(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m%2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h%2m").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString stateText(const DeploymentState::Condition& c)
{
    using Phase = DeploymentState::Phase;
    const QString name = DeploymentState::phaseName(c.phase);
    switch (c.phase) {
    case Phase::Running:
        return Deployment::elapsedSeconds(c) >= 0
            ? QStringLiteral("running %1").arg(duration(Deployment::elapsedSeconds(c)))
            : name;
    case Phase::Failed:
        return c.exitCode >= 0 ? QStringLiteral("failed (exit code %1)").arg(c.exitCode) : name;
    case Phase::Succeeded:
        return Deployment::elapsedSeconds(c) >= 0
            ? QStringLiteral("succeeded in %1").arg(duration(Deployment::elapsedSeconds(c)))
            : name;
    default:
        return name;
    }
}

bool stillGoing(const DeploymentState& state)
{
    using Phase = DeploymentState::Phase;
    for (const DeploymentState::Condition& c : state.conditions) {
        if (c.phase == Phase::Queued || c.phase == Phase::Provisioning || c.phase == Phase::Booting
            || c.phase == Phase::Uploading || c.phase == Phase::Building || c.phase == Phase::Running)
            return true;
    }
    return false;
}

} // namespace

QString StatusVerb::table(const Deployment& deployment)
{
    const DeploymentState& s = deployment.state();
    QStringList rows;
    rows << QStringLiteral("%1 on %2, commit %3%4")
                .arg(s.experiment, s.backend, s.commit.left(12),
                     s.terminated ? QStringLiteral(", terminated") : QString());
    int width = 9;
    int hostWidth = 4;
    for (const DeploymentState::Condition& c : s.conditions) {
        width = qMax(width, static_cast<int>(c.text.size()));
        hostWidth = qMax(hostWidth, static_cast<int>(c.host.size()));
    }
    width = qMin(width, 40);
    rows << QStringLiteral("%1  %2  %3  %4")
                .arg(QStringLiteral("#"), -3)
                .arg(QStringLiteral("CONDITION"), -width)
                .arg(QStringLiteral("HOST"), -hostWidth)
                .arg(QStringLiteral("STATE"));
    for (const DeploymentState::Condition& c : s.conditions) {
        QString state = stateText(c);
        if (c.resultsSafe())
            state += QStringLiteral(", synced");
        rows << QStringLiteral("%1  %2  %3  %4")
                    .arg(c.index, -3)
                    .arg(c.text.left(40), -width)
                    .arg(c.host.isEmpty() ? QStringLiteral("-") : c.host, -hostWidth)
                    .arg(state);
    }
    return rows.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QByteArray StatusVerb::json(const Deployment& deployment)
{
    const DeploymentState& s = deployment.state();
    QJsonArray conditions;
    for (const DeploymentState::Condition& c : s.conditions) {
        QJsonObject o {
            { QStringLiteral("index"), c.index },
            { QStringLiteral("condition"), c.text },
            { QStringLiteral("slug"), c.slug },
            { QStringLiteral("host"), c.host },
            { QStringLiteral("state"), DeploymentState::phaseName(c.phase) },
            { QStringLiteral("data_dir"), deployment.localDataDir(c) },
            { QStringLiteral("synced"), c.resultsSafe() },
        };
        o.insert(QStringLiteral("exit_code"), c.exitCode >= 0 ? QJsonValue(c.exitCode) : QJsonValue());
        o.insert(QStringLiteral("elapsed_seconds"),
                 Deployment::elapsedSeconds(c) >= 0 ? QJsonValue(Deployment::elapsedSeconds(c)) : QJsonValue());
        o.insert(QStringLiteral("started_at"),
                 c.startedAt.isValid() ? QJsonValue(c.startedAt.toString(Qt::ISODate)) : QJsonValue());
        o.insert(QStringLiteral("finished_at"),
                 c.finishedAt.isValid() ? QJsonValue(c.finishedAt.toString(Qt::ISODate)) : QJsonValue());
        conditions.append(o);
    }
    const QJsonObject root {
        { QStringLiteral("experiment"), s.experiment }, { QStringLiteral("backend"), s.backend },
        { QStringLiteral("commit"), s.commit },         { QStringLiteral("terminated"), s.terminated },
        { QStringLiteral("conditions"), conditions },
    };
    return QJsonDocument(root).toJson(QJsonDocument::Compact) + '\n';
}

int StatusVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print the status as JSON (one object per line)."));
    const QCommandLineOption watch({ QStringLiteral("w"), QStringLiteral("watch") },
                                   QStringLiteral("Look again every few seconds until no condition is still queued "
                                                  "or running."));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      QStringLiteral("Seconds between looks with --watch (default 5)."),
                                      QStringLiteral("SECONDS"), QStringLiteral("5"));
    parser.addOption(json);
    parser.addOption(watch);
    parser.addOption(interval);
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    bool ok = false;
    const double seconds = parser.value(interval).toDouble(&ok);
    if (!ok || seconds <= 0)
        return Console::exitWith(
            Result::badInput(QStringLiteral("status: --interval must be a positive number of seconds")));
    std::unique_ptr<Deployment> opened;
    if (const Result loaded = openDeployment(parser, &opened); !loaded)
        return Console::exitWith(loaded);
    Deployment& deployment = *opened;
    if (!deployment.hasDeployment())
        return Console::exitWith(deployment.nothingDeployed());
    const bool clearScreen = parser.isSet(watch) && !parser.isSet(json) && isatty(fileno(stdout));
    if (parser.isSet(watch)) // the same few commands every round would bury the table
        QObject::disconnect(CommandLog::instance(), &CommandLog::commandStarted, nullptr, nullptr);
    for (;;) {
        const int code = DeployVerb::await(deployment, [&] { deployment.refreshStatus(); });
        if (code == 2)
            return code;
        if (clearScreen)
            Console::out(QStringLiteral("\x1b[H\x1b[2J"));
        if (parser.isSet(json)) {
            const QByteArray text = StatusVerb::json(deployment);
            fwrite(text.constData(), 1, static_cast<size_t>(text.size()), stdout);
            fflush(stdout);
        } else {
            Console::out(table(deployment));
        }
        if (!parser.isSet(watch) || !stillGoing(deployment.state()))
            return Deployment::exitCodeFor(deployment.state());
        QEventLoop wait;
        QTimer::singleShot(static_cast<int>(seconds * 1000), &wait, &QEventLoop::quit);
        wait.exec();
    }
}
