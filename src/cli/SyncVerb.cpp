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
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Deployment::SyncOptions options;
    if (int code = conditionNumbers(parser, condition, &options.conditions))
        return code;
    bool ok = false;
    options.parallel = parser.value(parallel).toInt(&ok);
    if (!ok || options.parallel < 1) {
        Console::error(QStringLiteral("sync: --parallel must be a whole number of at least 1"));
        return 2;
    }
    options.bandwidthLimitKBps = parser.value(bwlimit).toInt(&ok);
    if (!ok || options.bandwidthLimitKBps < 0) {
        Console::error(QStringLiteral("sync: --bwlimit must be a whole number of KiB per second"));
        return 2;
    }
    std::unique_ptr<Deployment> opened;
    if (int code = openDeployment(parser, &opened))
        return code;
    Deployment& deployment = *opened;
    return DeployVerb::await(deployment, [&] { deployment.sync(options); });
}
