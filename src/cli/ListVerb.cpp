// SPDX-License-Identifier: MIT
#include "ListVerb.h"

#include "Console.h"
#include "aws/AwsPrices.h"
#include "deploy/LabelledContainers.h"
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
    bool inIndex = true; // false: only its labelled containers were found
    QStringList containers; // by label: on this machine's engine, and on the known ssh hosts
    QStringList where; // for each of containers: "local" or the ssh host's address
    SweepSummary summary;
};

QList<Listed> gather(bool all, QStringList* refused, QList<LabelledContainers::HostScan>* unreachable)
{
    QList<Listed> out;
    // Every container with Logistician's labels on this machine and on every ssh host a deployment ran on (the
    // index keeps them after the deployment is gone): those of no live deployment are orphans too.
    struct Labelled
    {
        QString where;
        LabelledContainers::Found found;
    };
    QList<Labelled> labelled;
    DeploymentIndex index;
    for (const LabelledContainers::Found& f : LabelledContainers::scanLocal(QStringLiteral("docker"), {}, refused))
        labelled << Labelled { QStringLiteral("local"), f };
    for (const LabelledContainers::HostScan& scan : LabelledContainers::scanKnownHosts(index, {}, refused)) {
        if (!scan.error.isEmpty())
            *unreachable << scan;
        for (const LabelledContainers::Found& f : scan.found)
            labelled << Labelled { scan.host.address, f };
    }
    auto claim = [&labelled](Listed* l) {
        for (auto it = labelled.begin(); it != labelled.end();) {
            if (it->found.experiment == l->state.experiment && it->found.commit == l->state.commit) {
                l->containers << it->found.name;
                l->where << it->where;
                it = labelled.erase(it);
            } else {
                ++it;
            }
        }
    };
    const AwsPrices prices;
    for (const DeploymentIndex::Entry& e : DeploymentIndex().entries()) {
        Listed l;
        l.entry = e;
        l.state = e.state;
        l.folderGone = !e.stateDirExists() || !DeploymentState::load(e.stateDir, &l.state);
        if (l.folderGone)
            l.state = e.state;
        if (!l.state.terminated || l.folderGone)
            claim(&l);
        if (l.state.terminated && !all && l.containers.isEmpty())
            continue;
        l.summary = SweepSummary::of(l.state, prices.price(e.region, e.instanceType));
        out << l;
    }
    // Labelled containers of no deployment the index knows (it was forgotten, or made by an older version).
    while (!labelled.isEmpty()) {
        Listed l;
        l.inIndex = false;
        l.folderGone = true;
        l.state.experiment = labelled.first().found.experiment;
        l.state.commit = labelled.first().found.commit;
        l.state.backend
            = labelled.first().where == QLatin1String("local") ? QStringLiteral("local") : QStringLiteral("ssh");
        claim(&l);
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
    QStringList refused;
    QList<LabelledContainers::HostScan> unreachable;
    const QList<Listed> listed = gather(parser.isSet(all), &refused, &unreachable);
    for (const QString& why : std::as_const(refused))
        Console::err(QStringLiteral("logistician: a container left out: %1\n").arg(why));
    // Not fatal: what runs there is not listed, and the user is told so.
    QJsonArray hostsNotAsked;
    for (const LabelledContainers::HostScan& scan : std::as_const(unreachable)) {
        Console::err(
            QStringLiteral("logistician: %1 was not asked for containers: %2\n").arg(scan.host.address, scan.error));
        hostsNotAsked.append(
            QJsonObject { { QStringLiteral("host"), scan.host.address }, { QStringLiteral("error"), scan.error } });
    }

    if (parser.isSet(json)) {
        QJsonArray items;
        for (const Listed& l : listed) {
            const SweepSummary& s = l.summary;
            QJsonObject o {
                { QStringLiteral("experiment"), l.state.experiment },
                { QStringLiteral("backend"), l.state.backend },
                { QStringLiteral("experiment_dir"), l.inIndex ? QJsonValue(l.entry.experimentDir) : QJsonValue() },
                { QStringLiteral("folder_exists"), !l.folderGone },
                { QStringLiteral("orphan"), l.folderGone },
                { QStringLiteral("in_index"), l.inIndex },
                { QStringLiteral("containers"), QJsonArray::fromStringList(l.containers) },
                { QStringLiteral("container_hosts"), QJsonArray::fromStringList(l.where) },
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
                             { QStringLiteral("deployments"), items },
                             { QStringLiteral("hosts_not_answering"), hostsNotAsked } });
        return 0;
    }

    if (listed.isEmpty()) {
        Console::outLine(QStringLiteral("no live deployments"));
        return 0;
    }
    for (const Listed& l : listed) {
        if (!l.inIndex) {
            QStringList places;
            for (const QString& w : l.where) {
                const QString place = w == QLatin1String("local") ? QStringLiteral("this machine") : w;
                if (!places.contains(place))
                    places << place;
            }
            Console::outLine(QStringLiteral("%1 (orphan: %2 container(s) of commit %3 on %4, no deployment known)")
                                 .arg(l.state.experiment)
                                 .arg(l.containers.size())
                                 .arg(l.state.commit.left(12), places.join(QStringLiteral(", "))));
            Console::outLine(
                QStringLiteral("  `logistician terminate --experiment %1` removes them").arg(l.state.experiment));
            continue;
        }
        Console::outLine(QStringLiteral("%1 (%2, %3 machine(s))%4%5")
                             .arg(l.state.experiment, l.state.backend)
                             .arg(l.summary.liveMachines)
                             .arg(l.state.terminated ? QStringLiteral(", terminated") : QString(),
                                  l.folderGone ? QStringLiteral(", orphan") : QString()));
        Console::outLine(QStringLiteral("  ") + l.summary.line());
        Console::outLine(QStringLiteral("  ") + l.entry.experimentDir
                         + (l.folderGone ? QStringLiteral("  (folder gone: `logistician terminate --experiment %1` "
                                                          "removes what still runs)")
                                               .arg(l.state.experiment)
                                         : QString()));
    }
    return 0;
}
