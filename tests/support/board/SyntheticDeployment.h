// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeploymentState.h"

class QRandomGenerator;

// The made-up sweep the board's model test and the board bench (bench/board)
// both feed the board: count conditions, one machine each, all provisioning,
// and status rounds that move machines along the lifecycle. Shared as a
// source file (no library), so the bench builds without the test support.
namespace SyntheticDeployment {

DeploymentState make(int count);

// What happens to a finished machine in advance(): it stays finished (a real
// sweep), or starts over (so a benchmark's rounds keep changing rows).
enum class Finished
{
    Stay,
    StartOver
};

// Moves a condition one step along the lifecycle, as a status round would:
// provisioning, booting, uploading, building, running; a running one ends
// succeeded (8 in 10), failed with exit 3 (1 in 10) or unreachable (1 in 10),
// an unreachable one runs again.
void advance(DeploymentState::Condition* c, QRandomGenerator* random, Finished finished = Finished::Stay);

} // namespace SyntheticDeployment
