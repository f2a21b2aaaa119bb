// SPDX-License-Identifier: MIT
#include "SyncVerb.h"

#include "Console.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "deploy/Deployment.h"

int SyncVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption parallel(QStringLiteral("parallel"), QStringLiteral("Transfers at a time (default 8)."),
                                      QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption bwlimit(QStringLiteral("bwlimit"),
                                     QStringLiteral("Limit each transfer to this many KiB per second."),
                                     QStringLiteral("KBPS"), QStringLiteral("0"));
    const QCommandLineOption condition = conditionOption(QStringLiteral("Sync"));
    parser.addOption(parallel);
    parser.addOption(bwlimit);
    parser.addOption(condition);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Deployment::SyncOptions options;
    const ResultOf<QList<int>> numbers = conditionNumbers(parser, condition);
    if (!numbers)
        return Console::exitWith(numbers.error());
    options.conditions = *numbers;
    bool ok = false;
    options.parallel = parser.value(parallel).toInt(&ok);
    if (!ok || options.parallel < 1)
        return Console::exitWith(
            Result::badInput(QStringLiteral("sync: --parallel must be a whole number of at least 1")));
    options.bandwidthLimitKBps = parser.value(bwlimit).toInt(&ok);
    if (!ok || options.bandwidthLimitKBps < 0)
        return Console::exitWith(
            Result::badInput(QStringLiteral("sync: --bwlimit must be a whole number of KiB per second")));
    ResultOf<std::unique_ptr<Deployment>> loaded = openDeployment(parser);
    if (!loaded)
        return Console::exitWith(loaded.error());
    const std::unique_ptr<Deployment> opened = loaded.take();
    Deployment& deployment = *opened;
    const DeployVerb::Awaited synced = DeployVerb::await(deployment, [&] { deployment.sync(options); });
    return reportDeployment(deployment, synced.code, synced.message);
}
