// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Result.h"
#include "deploy/DeploymentState.h"

class Deployment;

// Where a condition's output is read from, for the board's machine log and
// `logistician logs`: the docker logs of its container on its host (over ssh
// for remote backends), or what sync or terminate saved of it in
// data/<slug>/logs/ once the container is gone.
namespace ConditionLog {

// The saved log of a condition, or empty when none was saved.
QString savedLog(const Deployment& deployment, const DeploymentState::Condition& condition);
// Whether the saved log is all there is of a condition that had not ended: with a results store, its machine
// went silent or was lost (unreachable, stopped, preempted) while it ran, and the log sync brought home from the
// store is what the machine uploaded while it ran (results_store_log_seconds), so it is partial.
bool onlyPartialLog(const Deployment& deployment, const DeploymentState::Condition& condition);
// lines: the last lines only (-1: all); follow: keeps printing until the container ends.
// Not found when the condition has no container yet and no saved log.
ResultOf<Command> command(const Deployment& deployment, const DeploymentState::Condition& condition, int lines,
                          bool follow);

} // namespace ConditionLog
