// SPDX-License-Identifier: MIT
#include "ListVerb.h"

#include "Console.h"
#include "aws/AwsPrices.h"
#include "workspace/DeploymentIndex.h"
#include "workspace/SweepSummary.h"

#include <QJsonArray>
#include <QJsonObject>

namespace {

struct Listed
{
    DeploymentIndex::Entry entry;
    DeploymentState state; // the project's own file when it is still there, else the index's copy
    bool folderGone = false;
    SweepSummary summary;
};

QList<Listed> gather(bool all)
{
    QList<Listed> out;
    const AwsPrices prices;
    for (const DeploymentIndex::Entry& e : DeploymentIndex().entries()) {
        Listed l;
        l.entry = e;
        l.state = e.state;
        l.folderGone = !e.stateDirExists() || !DeploymentState::load(e.stateDir, &l.state);
        if (l.folderGone)
            l.state = e.state;
        if (l.state.terminated && !all)
            continue;
        l.summary = SweepSummary::of(l.state, prices.price(e.region, e.instanceType));
        out << l;
    }
    return out;
}

} // namespace

int ListVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json = jsonOption();
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Include terminated deployments."));
    parser.addOption(json);
    parser.addOption(all);
    if (int code = parse(parser, arguments); code >= 0)
        return code;
    const QList<Listed> listed = gather(parser.isSet(all));

    if (parser.isSet(json)) {
        QJsonArray items;
        for (const Listed& l : listed) {
            const SweepSummary& s = l.summary;
            QJsonObject o {
                { QStringLiteral("experiment"), l.state.experiment },
                { QStringLiteral("backend"), l.state.backend },
                { QStringLiteral("experiment_dir"), l.entry.experimentDir },
                { QStringLiteral("folder_exists"), !l.folderGone },
                { QStringLiteral("commit"), l.state.commit },
                { QStringLiteral("machines"), s.liveMachines },
                { QStringLiteral("conditions"), s.total },
                { QStringLiteral("succeeded"), s.succeeded },
                { QStringLiteral("failed"), s.failed },
                { QStringLiteral("running"), s.running },
                { QStringLiteral("queued"), s.waiting },
                { QStringLiteral("stopped"), s.stopped },
                { QStringLiteral("terminated"), l.state.terminated },
                { QStringLiteral("elapsed_seconds"), s.elapsedSeconds },
                { QStringLiteral("machine_hours"), s.machineHours },
            };
            o.insert(QStringLiteral("cost_usd"), s.costKnown ? QJsonValue(s.costSoFar) : QJsonValue());
            items.append(o);
        }
        Console::printJson({ { QStringLiteral("verb"), name() },
                             { QStringLiteral("exit_code"), 0 },
                             { QStringLiteral("error"), QJsonValue() },
                             { QStringLiteral("deployments"), items } });
        return 0;
    }

    if (listed.isEmpty()) {
        Console::outLine(QStringLiteral("no live deployments"));
        return 0;
    }
    for (const Listed& l : listed) {
        Console::outLine(QStringLiteral("%1 (%2, %3 machine(s))%4")
                             .arg(l.state.experiment, l.state.backend)
                             .arg(l.summary.liveMachines)
                             .arg(l.state.terminated ? QStringLiteral(", terminated") : QString()));
        Console::outLine(QStringLiteral("  ") + l.summary.line());
        Console::outLine(QStringLiteral("  ") + l.entry.experimentDir
                         + (l.folderGone ? QStringLiteral("  (folder gone: `logistician terminate --experiment %1` "
                                                          "removes what still runs)")
                                               .arg(l.state.experiment)
                                         : QString()));
    }
    return 0;
}
