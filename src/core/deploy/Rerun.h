// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeploymentState.h"

#include <QList>
#include <QStringList>

// deploy --rerun-failed and --rerun N: which conditions of a deployment run again, each as a new
// attempt (DeploymentState::Condition::attempt) beside the earlier ones, which are kept.
namespace Rerun {

// Failed (a timed-out run too: it failed with exit code 124) or lost (its runner ended without starting it).
bool isRerunnable(const DeploymentState::Condition& condition);

// Positions in state.conditions of the wanted ones (condition numbers as `status` shows them, or slugs),
// plus every failed or lost one when failed is set. Bad input names a condition still queued or running,
// one terminated, one whose aws machine was released, or a name that is no condition.
ResultOf<QList<int>> choose(const DeploymentState& state, const QStringList& wanted, bool failed);

// Preempted conditions (AWS took their spot machine back) that may be tried again: their attempt is
// below the last one max_retries allows. The watchers rerun them by themselves (a new machine is made).
QList<int> preemptedToRetry(const DeploymentState& state);
// prepare() for those: a new attempt within the retries they had left (their last attempt is kept).
void prepareRetry(DeploymentState* state, const QList<int>& positions);

// Makes each chosen condition a new attempt, queued: its runner key, container and folder are new, and
// its runner may retry it maxRetries times more.
void prepare(DeploymentState* state, const QList<int>& positions, int maxRetries);

} // namespace Rerun
