// SPDX-License-Identifier: MIT
#include "LogsVerb.h"

#include "Console.h"
#include "DeployVerb.h"
#include "board/ConditionLog.h"
#include "deploy/Deployment.h"

#include <QEventLoop>
#include <QTimer>

namespace {

bool waiting(DeploymentState::Phase phase)
{
    using Phase = DeploymentState::Phase;
    return phase == Phase::Queued || phase == Phase::Provisioning || phase == Phase::Booting
        || phase == Phase::Uploading || phase == Phase::Building;
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
    parser.addOption(follow);
    parser.addOption(tail);
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
    int lines = -1;
    if (parser.isSet(tail)) {
        bool ok = false;
        lines = parser.value(tail).toInt(&ok);
        if (!ok || lines < 0)
            return Console::exitWith(Result::badInput(QStringLiteral("logs: --tail takes a number of lines")));
    }

    std::unique_ptr<Deployment> opened;
    {
        // openDeployment reads the folder from the positional arguments; CONDITION is not one.
        QCommandLineParser folderOnly;
        folderOnly.addPositionalArgument(QStringLiteral("EXPERIMENT_DIR"), QString());
        folderOnly.parse(QStringList { name() } + positional);
        if (const Result loaded = openDeployment(folderOnly, &opened); !loaded)
            return Console::exitWith(loaded);
    }
    Deployment& deployment = *opened;
    if (!deployment.hasDeployment())
        return Console::exitWith(deployment.nothingDeployed());

    auto find = [&]() -> int {
        const auto& conditions = deployment.state().conditions;
        bool isNumber = false;
        const int n = wanted.toInt(&isNumber);
        for (int i = 0; i < conditions.size(); ++i) {
            if ((isNumber && conditions.at(i).index == n) || conditions.at(i).slug == wanted)
                return i;
        }
        return -1;
    };
    const int row = find();
    if (row < 0)
        return Console::exitWith(Result::badInput(
            QStringLiteral("logs: no condition \"%1\"; give its number (1 to %2) or its slug as `logistician status` "
                           "shows them")
                .arg(wanted)
                .arg(deployment.state().conditions.size())));

    const bool following = parser.isSet(follow);
    // Following a condition that has not started: wait for its container.
    while (following && waiting(deployment.state().conditions.at(row).phase)) {
        QEventLoop pause;
        QTimer::singleShot(2000, &pause, &QEventLoop::quit);
        pause.exec();
        if (DeployVerb::await(deployment, [&] { deployment.refreshStatus(); }) == 2)
            return 2;
    }
    Command command;
    if (const Result made
        = ConditionLog::command(deployment, deployment.state().conditions.at(row), lines, following, &command);
        !made)
        return Console::exitWith(made);
    if (const Result shown = runToEnd(command, QStringLiteral("logs")); !shown)
        return Console::exitWith(shown);
    if (!following)
        return 0;
    // The log ended with the container: its exit code is the condition's.
    if (const int code = DeployVerb::await(deployment, [&] { deployment.refreshStatus(); }); code == 2)
        return code;
    const DeploymentState::Condition& c = deployment.state().conditions.at(row);
    if (c.exitCode >= 0)
        return c.exitCode;
    return c.phase == DeploymentState::Phase::Succeeded ? 0 : 1;
}
