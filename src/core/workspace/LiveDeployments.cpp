// SPDX-License-Identifier: MIT
#include "LiveDeployments.h"

#include "aws/AwsPrices.h"
#include "deploy/LabelledContainers.h"

namespace LiveDeployments {

QList<Row> gather(bool all, QStringList* refused)
{
    QList<Row> out;
    // Every container with Logistician's labels on this machine: those of no live deployment are orphans too.
    QList<LabelledContainers::Found> labelled = LabelledContainers::scanLocal(QStringLiteral("docker"), {}, refused);
    auto claim = [&labelled](const QString& experiment, const QString& commit) {
        QStringList names;
        for (auto it = labelled.begin(); it != labelled.end();) {
            if (it->experiment == experiment && it->commit == commit) {
                names << it->name;
                it = labelled.erase(it);
            } else {
                ++it;
            }
        }
        return names;
    };
    const AwsPrices prices;
    for (const DeploymentIndex::Entry& e : DeploymentIndex().entries()) {
        Row l;
        l.entry = e;
        l.state = e.state;
        l.folderGone = !e.stateDirExists() || !DeploymentState::load(e.stateDir, &l.state);
        if (l.folderGone)
            l.state = e.state;
        if (!l.state.terminated || l.folderGone)
            l.containers = claim(l.state.experiment, l.state.commit);
        if (l.state.terminated && !all && l.containers.isEmpty())
            continue;
        l.summary = SweepSummary::of(l.state, prices.price(e.region, e.instanceType));
        out << l;
    }
    // Labelled containers of no deployment the index knows (it was forgotten, or made by an older version).
    while (!labelled.isEmpty()) {
        Row l;
        l.inIndex = false;
        l.folderGone = true;
        l.state.experiment = labelled.first().experiment;
        l.state.commit = labelled.first().commit;
        l.state.backend = QStringLiteral("local");
        l.containers = claim(l.state.experiment, l.state.commit);
        out << l;
    }
    return out;
}

} // namespace LiveDeployments
