// SPDX-License-Identifier: MIT
#include "LogsVerb.h"

#include "CommandRunner.h"
#include "Console.h"
#include "DeployVerb.h"
#include "PrintableText.h"
#include "Wait.h"
#include "board/ConditionLog.h"
#include "deploy/Deployment.h"
#include "deploy/ResultsStore.h"

#include <QJsonArray>
#include <cstdio>

namespace {

bool waiting(DeploymentState::Phase phase)
{
    using Phase = DeploymentState::Phase;
    return phase == Phase::Queued || phase == Phase::Provisioning || phase == Phase::Booting
        || phase == Phase::Uploading || phase == Phase::Building;
}

// The lines a command prints, stdout and stderr as they arrive (a line is whole when its newline comes);
// with echo, each chunk is passed on to stderr as well. Failed ("logs failed: ...") unless it exits with 0.
ResultOf<QStringList> captureLines(const Command& command, bool echo)
{
    QStringList lines;
    CommandRunner runner;
    QByteArray pending[2];
    PrintableText::EscapedStream shown[2];
    auto take = [&](int stream, const QByteArray& data) {
        if (echo) {
            const QByteArray safe = shown[stream].feed(data);
            fwrite(safe.constData(), 1, static_cast<size_t>(safe.size()), stderr);
            fflush(stderr);
        }
        pending[stream] += data;
        qsizetype end;
        while ((end = pending[stream].indexOf('\n')) >= 0) {
            lines.append(QString::fromUtf8(pending[stream].left(end)));
            pending[stream].remove(0, end + 1);
        }
    };
    QObject::connect(&runner, &CommandRunner::standardOutput, [&](const QByteArray& d) { take(0, d); });
    QObject::connect(&runner, &CommandRunner::standardError, [&](const QByteArray& d) { take(1, d); });
    Result result;
    QObject::connect(&runner, &CommandRunner::finished, [&](int exitCode, const QString& message) {
        if (exitCode != 0)
            result = Result::failed(message.isEmpty() ? QStringLiteral("logs failed (exit code %1)").arg(exitCode)
                                                      : QStringLiteral("logs failed: %1").arg(message));
    });
    Wait::forSignal(
        &runner, &CommandRunner::finished, [&] { runner.start(command); }, [&] { return runner.isRunning(); });
    for (const QByteArray& rest : pending) {
        if (!rest.isEmpty())
            lines.append(QString::fromUtf8(rest));
    }
    if (!result)
        return result;
    return lines;
}

// The row of a condition given by its number (as status shows it) or its slug; -1 when there is none.
int rowOf(const DeploymentState& state, const QString& wanted)
{
    bool isNumber = false;
    const int n = wanted.toInt(&isNumber);
    for (int i = 0; i < state.conditions.size(); ++i) {
        if ((isNumber && state.conditions.at(i).index == n) || state.conditions.at(i).slug == wanted)
            return i;
    }
    return -1;
}

// --tail N: a number of lines; -1 (all) when not given.
ResultOf<int> tailLines(const QCommandLineParser& parser, const QCommandLineOption& tail)
{
    if (!parser.isSet(tail))
        return -1;
    bool ok = false;
    const int lines = parser.value(tail).toInt(&ok);
    if (!ok || lines < 0)
        return Result::badInput(QStringLiteral("logs: --tail takes a number of lines"));
    return lines;
}

// --json: the condition as it is now and the lines printed.
void printLogs(int code, const DeploymentState::Condition& c, const QStringList& printed, bool partial)
{
    Console::printJson(
        { { QStringLiteral("verb"), QStringLiteral("logs") },
          { QStringLiteral("exit_code"), code },
          { QStringLiteral("error"), QJsonValue() },
          { QStringLiteral("index"), c.index },
          { QStringLiteral("slug"), c.slug },
          { QStringLiteral("state"), DeploymentState::phaseName(c.phase) },
          { QStringLiteral("condition_exit_code"), c.exitCode >= 0 ? QJsonValue(c.exitCode) : QJsonValue() },
          { QStringLiteral("lines"), QJsonArray::fromStringList(printed) },
          { QStringLiteral("partial"), partial } });
}

} // namespace

int LogsVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption follow({ QStringLiteral("f"), QStringLiteral("follow") },
                                    QStringLiteral("Keep printing until the condition ends, then exit with its exit "
                                                   "code."));
    const QCommandLineOption tail(QStringLiteral("tail"), QStringLiteral("Only the last N lines (default: all)."),
                                  QStringLiteral("N"));
    const QCommandLineOption raw(QStringLiteral("raw"),
                                 QStringLiteral("The log's bytes as they are; without it, control characters (a "
                                                "terminal escape, a screen clear) are shown escaped."));
    const QCommandLineOption json = jsonOption();
    parser.addOption(follow);
    parser.addOption(tail);
    parser.addOption(raw);
    parser.addOption(json);
    addPositional(parser, QStringLiteral("EXPERIMENT_DIR"),
                  QStringLiteral("The experiment folder (default: the current folder)."),
                  QStringLiteral("[EXPERIMENT_DIR]"));
    addPositional(parser, QStringLiteral("CONDITION"),
                  QStringLiteral("The condition: its number as `logistician status` shows it, or its "
                                 "slug."),
                  QStringLiteral("CONDITION"));
    if (int code = parse(parser, arguments); code >= 0)
        return code;
    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty() || positional.size() > 2)
        return Console::exitWith(
            Result::badInput(QStringLiteral("logs: give [EXPERIMENT_DIR] CONDITION (see `logistician logs --help`)")));
    const QString wanted = positional.takeLast();
    const auto tailed = tailLines(parser, tail);
    if (!tailed)
        return Console::exitWith(tailed.error());
    const int lines = *tailed;

    std::unique_ptr<Deployment> opened;
    {
        // openDeployment reads the folder from the positional arguments; CONDITION is not one.
        QCommandLineParser folderOnly;
        folderOnly.addPositionalArgument(QStringLiteral("EXPERIMENT_DIR"), QString());
        folderOnly.parse(QStringList { name() } + positional);
        ResultOf<std::unique_ptr<Deployment>> loaded = openDeployment(folderOnly);
        if (!loaded)
            return Console::exitWith(loaded.error());
        opened = loaded.take();
    }
    Deployment& deployment = *opened;
    if (!deployment.hasDeployment())
        return Console::exitWith(deployment.nothingDeployed());

    const int row = rowOf(deployment.state(), wanted);
    if (row < 0)
        return Console::exitWith(Result::badInput(
            QStringLiteral("logs: no condition \"%1\"; give its number (1 to %2) or its slug as `logistician status` "
                           "shows them")
                .arg(wanted)
                .arg(deployment.state().conditions.size())));

    return show(deployment, { row, lines, parser.isSet(follow), parser.isSet(raw), parser.isSet(json) });
}

int LogsVerb::show(Deployment& deployment, const Shown& shown)
{
    const int row = shown.row;
    const bool following = shown.following;
    // Following a condition that has not started: wait for its container.
    while (following && waiting(deployment.state().conditions.at(row).phase)) {
        Wait::pause(2000);
        if (DeployVerb::await(deployment, [&] { deployment.refreshStatus(); }).code == 2)
            return 2;
    }
    const ResultOf<Command> command
        = ConditionLog::command(deployment, deployment.state().conditions.at(row), shown.lines, following);
    if (!command)
        return Console::exitWith(command.error());
    const bool partial = ConditionLog::onlyPartialLog(deployment, deployment.state().conditions.at(row));
    if (partial) {
        // Its machine went before it ended: what its uploads brought home is all there is, and it is not whole.
        const DeploymentState::Condition& c = deployment.state().conditions.at(row);
        Console::err(QStringLiteral("%1: partial log (%2 before it ended): what its machine last uploaded to the "
                                    "results store (every %3 s while it ran) and sync brought home\n")
                         .arg(c.slug, DeploymentState::phaseName(c.phase))
                         .arg(ResultsStore::logSeconds(deployment.experiment().parameters())));
    }
    // --json: the lines in one document at the end (with -f, as they come on stderr too).
    QStringList printed;
    if (shown.json) {
        ResultOf<QStringList> captured = captureLines(*command, following);
        if (!captured)
            return Console::exitWith(captured.error());
        printed = captured.take();
    } else if (const Result ran
               = runToEnd(*command, QStringLiteral("logs"), shown.raw ? Output::AsIs : Output::Escaped);
               !ran) {
        return Console::exitWith(ran);
    }
    int code = 0;
    // The log ended with the container: its exit code is the condition's. --json tells its state as it is now.
    // The host's runner records the end a moment after the container's log closes: a follower waits for it
    // (up to a minute), so the code is the container's and not "still running".
    for (int round = 0; following || shown.json; ++round) {
        if (const int awaited = DeployVerb::await(deployment, [&] { deployment.refreshStatus(); }).code; awaited == 2)
            return awaited;
        if (!following || round >= 60 || deployment.state().conditions.at(row).phase != DeploymentState::Phase::Running)
            break;
        Wait::pause(1000);
    }
    if (following) {
        const DeploymentState::Condition& c = deployment.state().conditions.at(row);
        code = c.exitCode >= 0 ? c.exitCode : c.phase == DeploymentState::Phase::Succeeded ? 0 : 1;
    }
    if (shown.json)
        printLogs(code, deployment.state().conditions.at(row), printed, partial);
    return code;
}
