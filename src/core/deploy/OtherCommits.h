// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeployContext.h"

#include <functional>

// A deploy never adopts what a deployment of another commit left on a host (a redeploy after losing
// .logistician/deployment.json once ran next to the old containers and reported them as its own). Its containers
// (found by their labels, whatever happened to .logistician) make the deploy stop with bad input naming them, or,
// with --replace, go: that deployment's runner on the host stopped first, then its containers and their images.
namespace OtherCommits {

// On one host (its home known: after first contact); done gets ok when nothing of another commit is there
// (or it was removed), bad input naming the containers otherwise, failed when the removal failed.
void check(DeployContext& ctx, const DeploymentState::Host& host, bool replace,
           std::function<void(const Result&)> done);

} // namespace OtherCommits
