// SPDX-License-Identifier: MIT
#include "LiveDeployments.h"

#include "Parameters.h"
#include "deploy/ResultsStore.h"
#include "deploy/backends/BackendRegistry.h"

#include <algorithm>

namespace LiveDeployments {

namespace {

// An orphan's deployment.json is gone and the index's copy is as old as its last save (often the hand-over, all
// queued): its conditions are shown as their containers are now. One whose current attempt's container runs is
// running, one whose container exited succeeded or failed by its exit code; one without a container is left as
// the copy says.
void applyContainers(DeploymentState* state, const QList<LabelledContainers::Found>& found)
{
    using Phase = DeploymentState::Phase;
    for (DeploymentState::Condition& c : state->conditions) {
        if (c.isTerminated())
            continue;
        const QString name = state->containerName(c);
        const auto it = std::find_if(found.cbegin(), found.cend(),
                                     [&name](const LabelledContainers::Found& f) { return f.name == name; });
        if (it == found.cend())
            continue;
        if (it->running) {
            c.phase = Phase::Running;
        } else if (it->exitCode >= 0) {
            c.phase = it->exitCode == 0 ? Phase::Succeeded : Phase::Failed;
            c.exitCode = it->exitCode;
        } else if (it->created) {
            c.phase = Phase::Queued;
        }
    }
}

} // namespace

QList<Row> gather(bool all, QStringList* refused, QList<LabelledContainers::HostScan>* unreachable)
{
    QList<Row> out;
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
    auto claim = [&labelled](Row* l) {
        QList<LabelledContainers::Found> found;
        for (auto it = labelled.begin(); it != labelled.end();) {
            if (it->found.experiment == l->state.experiment && it->found.commit == l->state.commit) {
                l->containers << it->found.name;
                l->where << it->where;
                found << it->found;
                it = labelled.erase(it);
            } else {
                ++it;
            }
        }
        return found;
    };
    // With a results store holding its results: what storing them costs (its parameters.json, as the index keeps
    // it, names the store and the region).
    auto storagePrice = [](const DeploymentState& state, const DeploymentIndex::Entry& e) {
        const bool stored = std::any_of(state.conditions.cbegin(), state.conditions.cend(),
                                        [](const DeploymentState::Condition& c) { return c.storeBytes > 0; });
        if (!stored || e.parametersCopy().isEmpty())
            return MachinePrice();
        const auto parameters = Parameters::load(e.parametersCopy());
        return parameters.isOk() && ResultsStore::of(*parameters)
            ? BackendRegistry::storagePrice(state.backend, *parameters)
            : MachinePrice();
    };
    for (const DeploymentIndex::Entry& e : index.entries()) {
        Row l;
        l.entry = e;
        l.state = e.state;
        l.folderGone = true;
        if (e.stateDirExists()) {
            if (ResultOf<DeploymentState> loaded = DeploymentState::load(e.stateDir)) {
                l.state = loaded.take();
                l.folderGone = false;
            }
        }
        if (!l.state.terminated || l.folderGone) {
            const QList<LabelledContainers::Found> found = claim(&l);
            if (l.folderGone && !l.state.terminated)
                applyContainers(&l.state, found);
        }
        if (l.state.terminated && !all && l.containers.isEmpty())
            continue;
        l.summary = SweepSummary::of(l.state, BackendRegistry::machinePrice(l.state.backend, e.region, e.instanceType),
                                     QDateTime::currentDateTimeUtc(), storagePrice(l.state, e));
        out << l;
    }
    // Labelled containers of no deployment the index knows (it was forgotten, or made by an older version).
    while (!labelled.isEmpty()) {
        Row l;
        l.inIndex = false;
        l.folderGone = true;
        l.state.experiment = labelled.first().found.experiment;
        l.state.commit = labelled.first().found.commit;
        const bool here = labelled.first().where == QLatin1String("local"); // the host address of this machine
        l.state.backend
            = BackendRegistry::find([here](const BackendTraits& t) { return here ? !t.remote : t.usesHostList; });
        claim(&l);
        out << l;
    }
    return out;
}

} // namespace LiveDeployments
