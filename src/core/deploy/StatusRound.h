// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeployContext.h"

#include <functional>

// One status round: a script per host asks about the conditions started there (the run wrapper's
// files, else the container), and the answers change the state. Deploy, status, sync and terminate
// all begin with one.
namespace StatusRound {

// How far a round asks: the hosts only, or then also the cloud (terraform) about the hosts that did not
// answer. Opening a project asks the hosts only: it never starts terraform (SECURITY.md).
enum class Reach
{
    HostsOnly,
    HostsAndCloud
};

// Runs a round on every host of ctx's state; then is called on ctx's thread when all have answered.
void run(DeployContext& ctx, std::function<void()> then, Reach reach = Reach::HostsAndCloud);

// The conditions (positions in state.conditions) on this host that the round asks about: every one
// handed to it (its runner's queue) that is not terminated or preempted.
QList<int> conditionsToAsk(const DeploymentState& state, const QString& address, const QSet<int>& starting);

// templates/remote/status.sh with an "r RUNNER_DIR" call and one "s SLUG DATA_DIR CONTAINER CLAIM" per condition.
QString script(const DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& indexes);

// Applies one host's answer (status.sh's output) to the state: phases, exit codes, start and end times;
// a host that answers is no longer unreachable. A condition its runner has not claimed is queued while the
// runner lives, and lost (unreachable) once it is gone; a start that failed is failed. Returns the positions
// whose phase changed; *notes (when given) gets a line on each failed start and lost condition.
QList<int> apply(DeploymentState* state, const QString& address, const QList<int>& indexes, const QByteArray& output,
                 QStringList* notes = nullptr);

} // namespace StatusRound
