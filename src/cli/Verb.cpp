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
#include "PrintableText.h"
#include "ResultsVerb.h"
#include "RunVerb.h"
#include "SetupVerb.h"
#include "ShellVerb.h"
#include "StatusVerb.h"
#include "SyncVerb.h"
#include "TerminateVerb.h"
#include "Wait.h"
#include "deploy/Deployment.h"
#include "workspace/SweepSummary.h"

#include <QDir>
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
        addPositional(parser, QStringLiteral("EXPERIMENT_DIR"), positionalHelp, QStringLiteral("[EXPERIMENT_DIR]"));
    if (!parser.parse(arguments))
        return usageError(parser);
    if (parser.isSet(help)) {
        Console::out(helpText(parser));
        return 0;
    }
    if (parser.isSet(verbose))
        Logging::enableVerbose();
    // optionNames() lists the options given, so verbs without --json never match.
    if (parser.optionNames().contains(QStringLiteral("json")))
        Console::setJsonMode(name());
    return -1;
}

void Verb::addPositional(QCommandLineParser& parser, const QString& name, const QString& description,
                         const QString& syntax)
{
    parser.addPositionalArgument(name, description, syntax);
    m_positionals.append({ name, description });
}

namespace {

constexpr int HelpWidth = 79;

// text in lines of at most width characters, broken only between words (a longer word keeps its own line).
QStringList wrapWords(const QString& text, int width)
{
    QStringList lines;
    for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
                lines << line;
                line.clear();
            }
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        lines << line;
    }
    return lines;
}

struct HelpRow
{
    QString names;
    QString description;
};

// The rows of one section ("Options:") of QCommandLineParser's help: a row starts where the name column is
// not blank, and its description goes on in the rows below.
QList<HelpRow> sectionRows(const QStringList& lines, const QString& heading)
{
    QList<HelpRow> rows;
    const int start = static_cast<int>(lines.indexOf(heading));
    if (start < 0)
        return rows;
    for (int i = start + 1; i < lines.size() && !lines.at(i).isEmpty(); ++i) {
        const QString row = lines.at(i).mid(2);
        if (!row.startsWith(QLatin1Char(' ')) || rows.isEmpty()) {
            const qsizetype gap = row.indexOf(QLatin1String("  "));
            rows.append({ gap < 0 ? row : row.left(gap), gap < 0 ? QString() : row.mid(gap).trimmed() });
        } else {
            rows.last().description += QLatin1Char(' ') + row.trimmed();
        }
    }
    return rows;
}

} // namespace

QString Verb::usageLine(const QCommandLineParser& parser) const
{
    // QCommandLineParser names the binary by its path; show the name and the verb.
    const QString first = parser.helpText().section(QLatin1Char('\n'), 0, 0);
    const qsizetype options = first.indexOf(QLatin1String(" [options]"));
    return QStringLiteral("Usage: logistician ") + name() + (options < 0 ? QString() : first.mid(options));
}

QString Verb::helpText(const QCommandLineParser& parser) const
{
    const QStringList lines = parser.helpText().split(QLatin1Char('\n'));
    QList<HelpRow> options = sectionRows(lines, QStringLiteral("Options:"));
    QList<HelpRow> positionals;
    for (const Positional& p : m_positionals)
        positionals.append({ p.name, p.description });
    // One description column for both sections, right of the longest name.
    qsizetype longest = 0;
    for (const HelpRow& row : options + positionals)
        longest = qMax(longest, row.names.size());
    const int column = 2 + static_cast<int>(longest) + 2;
    const int width = qMax(HelpWidth - column, 30);
    auto section = [&](const QString& heading, const QList<HelpRow>& rows) {
        QString text = QStringLiteral("\n") + heading + QLatin1Char('\n');
        for (const HelpRow& row : rows) {
            const QStringList described = wrapWords(row.description, width);
            text += QStringLiteral("  ") + row.names.leftJustified(column - 2) + described.first();
            for (const QString& more : described.mid(1))
                text += QLatin1Char('\n') + QString(column, QLatin1Char(' ')) + more;
            while (text.endsWith(QLatin1Char(' ')))
                text.chop(1);
            text += QLatin1Char('\n');
        }
        return text;
    };
    QString text = usageLine(parser) + QLatin1Char('\n') + wrapWords(summary(), HelpWidth).join(QLatin1Char('\n'))
        + QLatin1Char('\n');
    if (!options.isEmpty())
        text += section(QStringLiteral("Options:"), options);
    if (!positionals.isEmpty())
        text += section(QStringLiteral("Arguments:"), positionals);
    return text;
}

int Verb::usageError(const QCommandLineParser& parser) const
{
    QString what;
    const QStringList unknown = parser.unknownOptionNames();
    if (!unknown.isEmpty()) {
        QStringList given;
        for (const QString& option : unknown)
            given << (option.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + option;
        what = QStringLiteral("%1 %2").arg(given.size() == 1 ? QStringLiteral("unknown option")
                                                             : QStringLiteral("unknown options"),
                                           given.join(QStringLiteral(", ")));
    } else {
        // QCommandLineParser's other complaints name the option in quotes: "Missing value after '--tail'."
        const QString error = parser.errorText();
        const QString option = error.section(QLatin1Char('\''), 1, 1);
        if (error.startsWith(QLatin1String("Missing value")) && !option.isEmpty())
            what = QStringLiteral("%1 needs a value").arg(option);
        else if (error.startsWith(QLatin1String("Unexpected value")) && !option.isEmpty())
            what = QStringLiteral("%1 takes no value").arg(option.section(QLatin1Char('='), 0, 0));
        else
            what = error;
    }
    Console::error(QStringLiteral("%1: %2").arg(name(), what));
    Console::err(
        QStringLiteral("%1\nSee `logistician %2 --help` for what each option does.\n").arg(usageLine(parser), name()));
    return Result::exitCode(Result::Kind::BadInput);
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

ResultOf<QList<int>> Verb::conditionNumbers(const QCommandLineParser& parser, const QCommandLineOption& option) const
{
    QList<int> numbers;
    for (const QString& value : parser.values(option)) {
        for (const QString& part : value.split(QLatin1Char(','))) {
            bool ok = false;
            const int n = part.trimmed().toInt(&ok);
            if (!ok || n < 1)
                return Result::badInput(QStringLiteral("%1: --condition takes condition numbers from 1 as "
                                                       "`logistician status` shows them, not \"%2\"")
                                            .arg(name(), part.trimmed()));
            if (!numbers.contains(n))
                numbers.append(n);
        }
    }
    return numbers;
}

int Verb::parseWithExperimentDir(QCommandLineParser& parser, const QStringList& arguments)
{
    return parse(parser, arguments, QStringLiteral("The experiment folder (default: the current folder)."));
}

ResultOf<std::unique_ptr<Deployment>> Verb::openDeployment(const QCommandLineParser& parser)
{
    const ResultOf<Experiment> experiment = openExperiment(parser);
    if (!experiment)
        return experiment.error();
    auto deployment = std::make_unique<Deployment>(*experiment);
    if (const Result loaded = deployment->load(); !loaded)
        return loaded;
    return deployment;
}

ResultOf<Experiment> Verb::openExperiment(const QCommandLineParser& parser)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return Result::badInput(
            QStringLiteral("%1: one experiment folder at most, got %2").arg(name()).arg(positional.size()));
    const QString dir = positional.isEmpty() ? QDir::currentPath() : positional.first();
    return Experiment::open(dir);
}

Result Verb::runToEnd(const Command& command, const QString& what, Output output)
{
    CommandRunner runner;
    Result result;
    // Outside text (a container's log): its control characters shown, not acted on.
    PrintableText::EscapedStream outStream;
    PrintableText::EscapedStream errStream;
    const bool escape = output == Output::Escaped;
    auto toErr = [](const QByteArray& d) {
        fwrite(d.constData(), 1, static_cast<size_t>(d.size()), stderr);
        fflush(stderr);
    };
    QObject::connect(&runner, &CommandRunner::standardOutput,
                     [&](const QByteArray& d) { Console::passOutput(escape ? outStream.feed(d) : d); });
    QObject::connect(&runner, &CommandRunner::standardError,
                     [&](const QByteArray& d) { toErr(escape ? errStream.feed(d) : d); });
    QObject::connect(&runner, &CommandRunner::finished, [&](int exitCode, const QString& message) {
        if (exitCode != 0)
            result
                = Result::failed(message.isEmpty() ? QStringLiteral("%1 failed (exit code %2)").arg(what).arg(exitCode)
                                                   : QStringLiteral("%1 failed: %2").arg(what, message));
    });
    Wait::forSignal(
        &runner, &CommandRunner::finished, [&] { runner.start(command); }, [&] { return runner.isRunning(); });
    if (escape) {
        Console::passOutput(outStream.finish());
        toErr(errStream.finish());
    }
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
        // With a results store: whether its current attempt's upload finished (null without one).
        o.insert(QStringLiteral("uploaded"),
                 s.resultsStore.isEmpty() ? QJsonValue() : QJsonValue(c.isUploaded() || c.resultsSafe()));
        if (!c.job.isEmpty()) // slurm: the array task and what the scheduler says of it
            o.insert(QStringLiteral("slurm"),
                     QJsonObject { { QStringLiteral("job"), c.job },
                                   { QStringLiteral("state"), c.schedulerState },
                                   { QStringLiteral("reason"), c.schedulerReason } });
        // aws: why its machine was not launched; null for every other condition.
        o.insert(QStringLiteral("launch_problem"),
                 c.launchProblem.isEmpty() ? QJsonValue() : QJsonValue(c.launchProblem));
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
        { QStringLiteral("storage_gib_months"), summary.storedGiBMonths },
        { QStringLiteral("storage_usd"), summary.storageCost },
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
