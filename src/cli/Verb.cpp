// SPDX-License-Identifier: MIT
#include "Verb.h"

#include "BuildVerb.h"
#include "Command.h"
#include "CommandRunner.h"
#include "Console.h"
#include "CreateVerb.h"
#include "DeployVerb.h"
#include "ExamplesVerb.h"
#include "Experiment.h"
#include "ListVerb.h"
#include "Logging.h"
#include "LogsVerb.h"
#include "ResultsVerb.h"
#include "RunVerb.h"
#include "SetupVerb.h"
#include "ShellVerb.h"
#include "StatusVerb.h"
#include "SyncVerb.h"
#include "TerminateVerb.h"
#include "deploy/Deployment.h"
#include "workspace/SweepSummary.h"

#include <QDir>
#include <QEventLoop>
#include <QJsonArray>

std::vector<std::unique_ptr<Verb>> allVerbs()
{
    std::vector<std::unique_ptr<Verb>> verbs;
    verbs.push_back(std::make_unique<SetupVerb>());
    verbs.push_back(std::make_unique<CreateVerb>());
    verbs.push_back(std::make_unique<ExamplesVerb>());
    verbs.push_back(std::make_unique<BuildVerb>());
    verbs.push_back(std::make_unique<RunVerb>());
    verbs.push_back(std::make_unique<ShellVerb>());
    verbs.push_back(std::make_unique<DeployVerb>());
    verbs.push_back(std::make_unique<StatusVerb>());
    verbs.push_back(std::make_unique<ListVerb>());
    verbs.push_back(std::make_unique<ResultsVerb>());
    verbs.push_back(std::make_unique<LogsVerb>());
    verbs.push_back(std::make_unique<SyncVerb>());
    verbs.push_back(std::make_unique<TerminateVerb>());
    return verbs;
}

int Verb::parse(QCommandLineParser& parser, const QStringList& arguments, const QString& positionalHelp)
{
    parser.setApplicationDescription(summary());
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(help);
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Debug messages on stderr: commands with their exit code and "
                                                    "duration, ssh connections, Git, deploy phases."));
    parser.addOption(verbose);
    if (!positionalHelp.isEmpty())
        parser.addPositionalArgument(QStringLiteral("EXPERIMENT_DIR"), positionalHelp,
                                     QStringLiteral("[EXPERIMENT_DIR]"));
    if (!parser.parse(arguments)) {
        return Console::exitWith(
            Result::badInput(QStringLiteral("%1: %2 (see `logistician %1 --help`)").arg(name(), parser.errorText())));
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        // QCommandLineParser names the binary by its path; show the name and the verb.
        const int end = text.indexOf(QLatin1Char(' '), 7);
        text.replace(7, end - 7, QStringLiteral("logistician ") + name());
        Console::out(text);
        return 0;
    }
    if (parser.isSet(verbose))
        Logging::enableVerbose();
    // optionNames() lists the options given, so verbs without --json never match.
    if (parser.optionNames().contains(QStringLiteral("json")))
        Console::setJsonMode(name());
    return -1;
}

QCommandLineOption Verb::jsonOption()
{
    return QCommandLineOption(QStringLiteral("json"),
                              QStringLiteral("Print one JSON document on stdout (see docs/json.md); messages and "
                                             "command output go to stderr."));
}

QCommandLineOption Verb::conditionOption(const QString& what)
{
    return QCommandLineOption(QStringLiteral("condition"),
                              QStringLiteral("%1 only condition N (numbered as `logistician status` shows them); "
                                             "repeat it or give a comma-separated list for several.")
                                  .arg(what),
                              QStringLiteral("N"));
}

Result Verb::conditionNumbers(const QCommandLineParser& parser, const QCommandLineOption& option,
                              QList<int>* numbers) const
{
    for (const QString& value : parser.values(option)) {
        for (const QString& part : value.split(QLatin1Char(','))) {
            bool ok = false;
            const int n = part.trimmed().toInt(&ok);
            if (!ok || n < 1)
                return Result::badInput(QStringLiteral("%1: --condition takes condition numbers from 1 as "
                                                       "`logistician status` shows them, not \"%2\"")
                                            .arg(name(), part.trimmed()));
            if (!numbers->contains(n))
                numbers->append(n);
        }
    }
    return Result::ok();
}

int Verb::parseWithExperimentDir(QCommandLineParser& parser, const QStringList& arguments)
{
    return parse(parser, arguments, QStringLiteral("The experiment folder (default: the current folder)."));
}

Result Verb::openDeployment(const QCommandLineParser& parser, std::unique_ptr<Deployment>* deployment)
{
    Experiment experiment;
    if (const Result opened = openExperiment(parser, &experiment); !opened)
        return opened;
    *deployment = std::make_unique<Deployment>(experiment);
    return (*deployment)->load();
}

Result Verb::openExperiment(const QCommandLineParser& parser, Experiment* experiment)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return Result::badInput(
            QStringLiteral("%1: one experiment folder at most, got %2").arg(name()).arg(positional.size()));
    const QString dir = positional.isEmpty() ? QDir::currentPath() : positional.first();
    return Experiment::open(dir, experiment);
}

Result Verb::runToEnd(const Command& command, const QString& what)
{
    CommandRunner runner;
    QEventLoop loop;
    Result result;
    QObject::connect(&runner, &CommandRunner::standardOutput, [](const QByteArray& d) { Console::passOutput(d); });
    QObject::connect(&runner, &CommandRunner::standardError, [](const QByteArray& d) {
        fwrite(d.constData(), 1, static_cast<size_t>(d.size()), stderr);
        fflush(stderr);
    });
    bool over = false;
    QObject::connect(&runner, &CommandRunner::finished, [&](int exitCode, const QString& message) {
        if (exitCode != 0)
            result
                = Result::failed(message.isEmpty() ? QStringLiteral("%1 failed (exit code %2)").arg(what).arg(exitCode)
                                                   : QStringLiteral("%1 failed: %2").arg(what, message));
        over = true;
        loop.quit();
    });
    runner.start(command);
    if (!over && runner.isRunning())
        loop.exec();
    return result;
}

int Verb::reportDeployment(const Deployment& deployment, int code, const QString& message) const
{
    if (!Console::jsonMode())
        return code;
    QJsonObject document { { QStringLiteral("verb"), name() },
                           { QStringLiteral("exit_code"), code },
                           { QStringLiteral("error"), code == 0 ? QJsonValue() : QJsonValue(message) } };
    if (deployment.hasDeployment()) {
        const QJsonObject state = deploymentJson(deployment);
        for (auto it = state.begin(); it != state.end(); ++it)
            document.insert(it.key(), it.value());
    }
    Console::printJson(document);
    return code;
}

QJsonObject Verb::deploymentJson(const Deployment& deployment)
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
            { QStringLiteral("attempt"), c.attempt },
        };
        o.insert(QStringLiteral("exit_code"), c.exitCode >= 0 ? QJsonValue(c.exitCode) : QJsonValue());
        o.insert(QStringLiteral("elapsed_seconds"),
                 Deployment::elapsedSeconds(c) >= 0 ? QJsonValue(Deployment::elapsedSeconds(c)) : QJsonValue());
        o.insert(QStringLiteral("started_at"),
                 c.startedAt.isValid() ? QJsonValue(c.startedAt.toString(Qt::ISODate)) : QJsonValue());
        o.insert(QStringLiteral("finished_at"),
                 c.finishedAt.isValid() ? QJsonValue(c.finishedAt.toString(Qt::ISODate)) : QJsonValue());
        o.insert(QStringLiteral("synced_at"),
                 c.syncedAt.isValid() ? QJsonValue(c.syncedAt.toString(Qt::ISODate)) : QJsonValue());
        if (!c.job.isEmpty()) // slurm: the array task and what the scheduler says of it
            o.insert(QStringLiteral("slurm"),
                     QJsonObject { { QStringLiteral("job"), c.job },
                                   { QStringLiteral("state"), c.schedulerState },
                                   { QStringLiteral("reason"), c.schedulerReason } });
        conditions.append(o);
    }
    const SweepSummary summary = SweepSummary::forExperiment(s, deployment.experiment());
    QJsonObject sum {
        { QStringLiteral("line"), summary.line() },
        { QStringLiteral("conditions"), summary.total },
        { QStringLiteral("succeeded"), summary.succeeded },
        { QStringLiteral("failed"), summary.failed },
        { QStringLiteral("running"), summary.running },
        { QStringLiteral("queued"), summary.waiting },
        { QStringLiteral("stopped"), summary.stopped },
        { QStringLiteral("machines"), summary.liveMachines },
        { QStringLiteral("elapsed_seconds"), summary.elapsedSeconds },
        { QStringLiteral("machine_hours"), summary.machineHours },
    };
    sum.insert(QStringLiteral("cost_usd"), summary.costKnown ? QJsonValue(summary.costSoFar) : QJsonValue());
    return QJsonObject {
        { QStringLiteral("experiment"), s.experiment },
        { QStringLiteral("backend"), s.backend },
        { QStringLiteral("commit"), s.commit },
        { QStringLiteral("terminated"), s.terminated },
        { QStringLiteral("summary"), sum },
        { QStringLiteral("conditions"), conditions },
    };
}
