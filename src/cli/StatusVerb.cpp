// SPDX-License-Identifier: MIT
#include "StatusVerb.h"

#include "CommandLog.h"
#include "Console.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "Wait.h"
#include "deploy/Deployment.h"
#include "deploy/backends/BackendRegistry.h"
#include "workspace/SweepSummary.h"

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

QString phaseText(const DeploymentState::Condition& c);

// The backend's word after the phase, with the job it is about (slurm: "queued [slurm 123_1: waiting: Priority]").
QString stateText(const QString& backend, const DeploymentState::Condition& c)
{
    // aws: a condition whose machine EC2 did not launch says why it did not start.
    if (!c.launchProblem.isEmpty())
        return QStringLiteral("%1 [not started: %2]").arg(phaseText(c), c.launchProblem);
    const QString detail = BackendRegistry::conditionDetail(backend, c);
    if (detail.isEmpty())
        return phaseText(c);
    return c.job.isEmpty() ? QStringLiteral("%1 [%2: %3]").arg(phaseText(c), backend, detail)
                           : QStringLiteral("%1 [%2 %3: %4]").arg(phaseText(c), backend, c.job, detail);
}

QString phaseText(const DeploymentState::Condition& c)
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

} // namespace

QString StatusVerb::table(const Deployment& deployment)
{
    const DeploymentState& s = deployment.state();
    QStringList rows;
    rows << SweepSummary::forExperiment(s, deployment.experiment()).line();
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
        QString state = stateText(s.backend, c);
        if (c.resultsSafe())
            state += QStringLiteral(", synced");
        else if (const QString upload = s.uploadState(c); !upload.isEmpty())
            state += QStringLiteral(", ") + upload; // in the results store, or not yet: not synced either way
        // A rerun or a retry (max_retries): the attempt this row is about.
        if (c.attempt > 1 || c.lastAttempt > 1)
            state += QStringLiteral(", attempt %1").arg(c.attempt);
        rows << QStringLiteral("%1  %2  %3  %4")
                    .arg(c.index, -3)
                    .arg(c.text.left(40), -width)
                    .arg(c.host.isEmpty() ? QStringLiteral("-") : c.host, -hostWidth)
                    .arg(state);
    }
    return rows.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

int StatusVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json = jsonOption();
    const QCommandLineOption watch({ QStringLiteral("w"), QStringLiteral("watch") },
                                   QStringLiteral("Look again every few seconds until no condition is still queued "
                                                  "or running."));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      QStringLiteral("Seconds between looks with --watch (default 5)."),
                                      QStringLiteral("SECONDS"), QStringLiteral("5"));
    const QCommandLineOption noAutoSync(QStringLiteral("no-auto-sync"),
                                        QStringLiteral("With --watch: do not sync each condition's results as it "
                                                       "finishes (for huge results; `sync` them when you want)."));
    parser.addOption(json);
    parser.addOption(watch);
    parser.addOption(interval);
    parser.addOption(noAutoSync);
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    bool ok = false;
    const double seconds = parser.value(interval).toDouble(&ok);
    if (!ok || seconds <= 0)
        return Console::exitWith(
            Result::badInput(QStringLiteral("status: --interval must be a positive number of seconds")));
    ResultOf<std::unique_ptr<Deployment>> loaded = openDeployment(parser);
    if (!loaded)
        return Console::exitWith(loaded.error());
    const std::unique_ptr<Deployment> opened = loaded.take();
    Deployment& deployment = *opened;
    if (!deployment.hasDeployment())
        return Console::exitWith(deployment.nothingDeployed());
    // A watch brings each finished condition's results home as it goes (AutoSync); a single look changes nothing.
    deployment.setAutoSync(parser.isSet(watch) && !parser.isSet(noAutoSync));
    deployment.setRetryPreempted(parser.isSet(watch));
    const bool clearScreen = parser.isSet(watch) && !parser.isSet(json) && isatty(fileno(stdout));
    if (parser.isSet(watch)) // the same few commands every round would bury the table
        QObject::disconnect(CommandLog::instance(), &CommandLog::commandStarted, nullptr, nullptr);
    for (;;) {
        const int code = DeployVerb::await(deployment, [&] { deployment.refreshStatus(); }).code;
        if (code == 2)
            return code;
        if (clearScreen)
            Console::clearScreen();
        const bool over = !parser.isSet(watch) || !deployment.state().stillGoing();
        if (parser.isSet(json)) {
            // One document: --watch prints the summary line of each look on stderr and the state at the end.
            if (over) {
                QJsonObject document = deploymentJson(deployment);
                document.insert(QStringLiteral("verb"), name());
                document.insert(QStringLiteral("exit_code"), Deployment::exitCodeFor(deployment.state()));
                document.insert(QStringLiteral("error"),
                                Deployment::exitCodeFor(deployment.state()) == 0
                                    ? QJsonValue()
                                    : QJsonValue(QStringLiteral("a condition failed or its host is unreachable")));
                Console::printJson(document);
            } else {
                Console::err(QStringLiteral("logistician: %1\n")
                                 .arg(SweepSummary::forExperiment(deployment.state(), deployment.experiment()).line()));
            }
        } else {
            Console::out(table(deployment));
        }
        if (over)
            return Deployment::exitCodeFor(deployment.state());
        Wait::pause(static_cast<int>(seconds * 1000));
    }
}
