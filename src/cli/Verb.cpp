#include "Verb.h"

#include "BuildVerb.h"
#include "Command.h"
#include "CommandRunner.h"
#include "Console.h"
#include "CreateVerb.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "ListVerb.h"
#include "Logging.h"
#include "RunVerb.h"
#include "SetupVerb.h"
#include "ShellVerb.h"
#include "StatusVerb.h"
#include "SyncVerb.h"
#include "TerminateVerb.h"
#include "deploy/Deployment.h"

#include <QDir>
#include <QEventLoop>

std::vector<std::unique_ptr<Verb>> allVerbs()
{
    std::vector<std::unique_ptr<Verb>> verbs;
    verbs.push_back(std::make_unique<SetupVerb>());
    verbs.push_back(std::make_unique<CreateVerb>());
    verbs.push_back(std::make_unique<BuildVerb>());
    verbs.push_back(std::make_unique<RunVerb>());
    verbs.push_back(std::make_unique<ShellVerb>());
    verbs.push_back(std::make_unique<DeployVerb>());
    verbs.push_back(std::make_unique<StatusVerb>());
    verbs.push_back(std::make_unique<ListVerb>());
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
        Console::error(QStringLiteral("%1: %2 (see `logistician %1 --help`)").arg(name(), parser.errorText()));
        return 2;
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
    return -1;
}

QCommandLineOption Verb::conditionOption(const QString& what)
{
    return QCommandLineOption(QStringLiteral("condition"),
                              QStringLiteral("%1 only condition N (numbered as `logistician status` shows them); "
                                             "repeat it or give a comma-separated list for several.")
                                  .arg(what),
                              QStringLiteral("N"));
}

int Verb::conditionNumbers(const QCommandLineParser& parser, const QCommandLineOption& option,
                           QList<int>* numbers) const
{
    for (const QString& value : parser.values(option)) {
        for (const QString& part : value.split(QLatin1Char(','))) {
            bool ok = false;
            const int n = part.trimmed().toInt(&ok);
            if (!ok || n < 1) {
                Console::error(QStringLiteral("%1: --condition takes condition numbers from 1 as `logistician status` "
                                              "shows them, not \"%2\"")
                                   .arg(name(), part.trimmed()));
                return 2;
            }
            if (!numbers->contains(n))
                numbers->append(n);
        }
    }
    return 0;
}

int Verb::parseWithExperimentDir(QCommandLineParser& parser, const QStringList& arguments)
{
    return parse(parser, arguments, QStringLiteral("The experiment folder (default: the current folder)."));
}

int Verb::openDeployment(const QCommandLineParser& parser, std::unique_ptr<Deployment>* deployment)
{
    Experiment experiment;
    if (int code = openExperiment(parser, &experiment))
        return code;
    *deployment = std::make_unique<Deployment>(experiment);
    const Result loaded = (*deployment)->load();
    if (!loaded)
        Console::error(loaded.message());
    return loaded.exitCode();
}

int Verb::openExperiment(const QCommandLineParser& parser, Experiment* experiment)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        Console::error(QStringLiteral("%1: one experiment folder at most, got %2").arg(name()).arg(positional.size()));
        return 2;
    }
    const QString dir = positional.isEmpty() ? QDir::currentPath() : positional.first();
    const Result result = Experiment::open(dir, experiment);
    if (!result) {
        Console::error(result.message());
        return result.exitCode();
    }
    return 0;
}

int Verb::runToEnd(const Command& command, QString* errorMessage)
{
    CommandRunner runner;
    QEventLoop loop;
    int code = 0;
    QObject::connect(&runner, &CommandRunner::standardOutput, [](const QByteArray& d) {
        fwrite(d.constData(), 1, static_cast<size_t>(d.size()), stdout);
        fflush(stdout);
    });
    QObject::connect(&runner, &CommandRunner::standardError, [](const QByteArray& d) {
        fwrite(d.constData(), 1, static_cast<size_t>(d.size()), stderr);
        fflush(stderr);
    });
    QObject::connect(&runner, &CommandRunner::finished, [&](int exitCode, const QString& message) {
        code = exitCode;
        if (errorMessage)
            *errorMessage = message;
        loop.quit();
    });
    runner.start(command);
    if (runner.isRunning())
        loop.exec();
    return code;
}
