// SPDX-License-Identifier: MIT
#include "ListVerb.h"

#include "Console.h"
#include "Parameters.h"
#include "Wait.h"
#include "deploy/MachineInventory.h"
#include "deploy/ResultsStore.h"
#include "deploy/backends/BackendRegistry.h"
#include "workspace/LiveDeployments.h"

#include <QJsonArray>
#include <QJsonObject>

using Listed = LiveDeployments::Row;

namespace {

// --json: one object per deployment.
QJsonObject toJson(const Listed& l)
{
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
        { QStringLiteral("storage_gib_months"), s.storedGiBMonths },
        { QStringLiteral("storage_usd"), s.storageCost },
    };
    o.insert(QStringLiteral("cost_usd"), s.costKnown ? QJsonValue(s.costSoFar) : QJsonValue());
    return o;
}

// One deployment for people: what it is, where, and how to remove an orphan.
void print(const Listed& l)
{
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
        return;
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

// The results stores that hold an experiment's results (ResultsStore::records): they cost money after every
// deployment is gone, until `terminate --delete-store`.
QJsonArray storesJson()
{
    QJsonArray out;
    for (const ResultsStore::Record& r : ResultsStore::records())
        out.append(QJsonObject { { QStringLiteral("url"), r.url },
                                 { QStringLiteral("experiment"), r.experiment },
                                 { QStringLiteral("experiment_dir"), r.experimentDir },
                                 { QStringLiteral("since"), r.since } });
    return out;
}

void printStores()
{
    for (const ResultsStore::Record& r : ResultsStore::records())
        Console::outLine(QStringLiteral("%1/ holds results of %2 (since %3; %4): `logistician terminate "
                                        "--delete-store` in the experiment deletes them")
                             .arg(r.url, r.experiment, r.since, r.experimentDir));
}

// Machines of no deployment listed (their project folder and index entry both gone), found through a cloud's API
// by their tags in the regions this user deployed to: one orphan row per experiment.
QMap<QString, QList<MachineInventory::Instance>> cloudOrphans(const QList<Listed>& listed)
{
    QObject owner;
    QList<MachineInventory::Instance> cloud;
    for (MachineInventory* inventory : BackendRegistry::inventories(&owner)) {
        Wait::forSignal(inventory, &MachineInventory::finished, [&] { inventory->find(QString()); });
        if (!inventory->error().isEmpty())
            Console::err(QStringLiteral("logistician: %1\n").arg(inventory->error()));
        cloud << inventory->instances();
    }
    QStringList known;
    for (const Listed& l : listed) {
        for (const DeploymentState::Host& h : l.state.hosts)
            known << h.id;
    }
    QMap<QString, QList<MachineInventory::Instance>> orphans;
    for (const MachineInventory::Instance& i : std::as_const(cloud)) {
        // A tag anyone with the account's rights could have set: only an experiment name is shown and suggested.
        if (!known.contains(i.id) && Parameters::isValidExperimentName(i.experiment))
            orphans[i.experiment] << i;
    }
    return orphans;
}

QJsonObject cloudOrphanJson(const QString& experiment, const QList<MachineInventory::Instance>& machines)
{
    QJsonArray instances;
    for (const MachineInventory::Instance& i : machines)
        instances.append(QJsonObject { { QStringLiteral("id"), i.id },
                                       { QStringLiteral("region"), i.region },
                                       { QStringLiteral("state"), i.state },
                                       { QStringLiteral("condition_slug"), i.slug },
                                       { QStringLiteral("public_ip"), i.publicIp } });
    return QJsonObject {
        { QStringLiteral("experiment"), experiment },
        { QStringLiteral("backend"), QStringLiteral("aws") },
        { QStringLiteral("experiment_dir"), QJsonValue() },
        { QStringLiteral("folder_exists"), false },
        { QStringLiteral("orphan"), true },
        { QStringLiteral("in_index"), false },
        { QStringLiteral("containers"), QJsonArray() },
        { QStringLiteral("container_hosts"), QJsonArray() },
        { QStringLiteral("commit"), machines.first().commit },
        { QStringLiteral("machines"), static_cast<int>(machines.size()) },
        { QStringLiteral("ec2_instances"), instances },
        { QStringLiteral("conditions"), 0 },
        { QStringLiteral("succeeded"), 0 },
        { QStringLiteral("failed"), 0 },
        { QStringLiteral("running"), 0 },
        { QStringLiteral("queued"), 0 },
        { QStringLiteral("stopped"), 0 },
        { QStringLiteral("terminated"), false },
        { QStringLiteral("elapsed_seconds"), 0 },
        { QStringLiteral("machine_hours"), 0 },
        { QStringLiteral("cost_usd"), QJsonValue() },
    };
}

void printCloudOrphans(const QMap<QString, QList<MachineInventory::Instance>>& orphans)
{
    for (auto it = orphans.cbegin(); it != orphans.cend(); ++it) {
        QStringList ids;
        for (const MachineInventory::Instance& i : it.value())
            ids << QStringLiteral("%1 (%2, %3)").arg(i.id, i.region, i.state);
        Console::outLine(QStringLiteral("%1 (orphan: %2 EC2 instance(s) found by their tags, no deployment known: %3)")
                             .arg(it.key())
                             .arg(it.value().size())
                             .arg(ids.join(QStringLiteral(", "))));
        Console::outLine(QStringLiteral("  `logistician terminate --experiment %1` terminates them").arg(it.key()));
    }
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
    const QList<Listed> listed = LiveDeployments::gather(parser.isSet(all), &refused, &unreachable);
    const QMap<QString, QList<MachineInventory::Instance>> ec2Orphans = cloudOrphans(listed);
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
        for (const Listed& l : listed)
            items.append(toJson(l));
        for (auto it = ec2Orphans.cbegin(); it != ec2Orphans.cend(); ++it)
            items.append(cloudOrphanJson(it.key(), it.value()));
        Console::printJson({ { QStringLiteral("verb"), name() },
                             { QStringLiteral("exit_code"), 0 },
                             { QStringLiteral("error"), QJsonValue() },
                             { QStringLiteral("deployments"), items },
                             { QStringLiteral("hosts_not_answering"), hostsNotAsked },
                             { QStringLiteral("results_stores"), storesJson() } });
        return 0;
    }

    printStores();
    if (listed.isEmpty() && ec2Orphans.isEmpty()) {
        Console::outLine(QStringLiteral("no live deployments"));
        return 0;
    }
    printCloudOrphans(ec2Orphans);
    for (const Listed& l : listed)
        print(l);
    return 0;
}
