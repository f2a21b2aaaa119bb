// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeploymentState.h"
#include "deploy/LabelledContainers.h"
#include "workspace/DeploymentIndex.h"
#include "workspace/SweepSummary.h"

#include <QList>
#include <QStringList>

// Every deployment of this user across projects, one row each: what `list`
// prints and the desktop app's Running overview shows. The index's entries,
// each read from its project's own deployment.json when that is still there,
// and the containers with Logistician's labels on this machine and on every
// ssh host a deployment ran on (claimed by their deployment, or listed as
// orphans of none). Runs docker and ssh: call it off the GUI thread.
namespace LiveDeployments {

struct Row
{
    DeploymentIndex::Entry entry;
    DeploymentState state; // the project's own file when it is still there, else the index's copy
    bool folderGone = false;
    bool inIndex = true; // false: only its labelled containers were found
    QStringList containers; // by label: on this machine's engine, and on the known ssh hosts
    QStringList where; // for each of containers: "local" or the ssh host's address
    SweepSummary summary;
};

// all: terminated deployments too. *refused gets a reason per container left out, *unreachable each
// known host that could not be asked.
QList<Row> gather(bool all, QStringList* refused, QList<LabelledContainers::HostScan>* unreachable);

} // namespace LiveDeployments
