// SPDX-License-Identifier: MIT
#pragma once

#include "AsyncCommand.h"
#include "deploy/DeployContext.h"
#include "slurm/SlurmJob.h"

#include <functional>

// The slurm backend's own steps over a DeployContext: the image on the login
// node, the upload, the one sbatch of the array, the status round, scancel.
// SlurmBackend's takeovers of the deploy core's steps (Backend::handOver,
// statusRound, stopRuns) call these where the other backends start runners and
// ask containers.
namespace SlurmDeploy {

using Done = std::function<void(const Result&)>;

// The image on the login node as a `docker save` archive made here: podman load, or apptainer build of a
// .sif next to it. (docker as the runtime gets it as on the ssh hosts: registry pull or a build there.)
void shipImage(DeployContext& ctx, const DeploymentState::Host& host, Done done);

// The pinned commit's files, once for every task: DIR/project.
void uploadCode(DeployContext& ctx, const DeploymentState::Host& host, Done done);

// Writes the job script, the conditions file and each task's run.argv, uploads them and submits one array
// of the given conditions (positions in state.conditions); records the job and each condition's task.
// imageCommand: the image's own ENTRYPOINT and CMD (original style), else empty.
void submit(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
            const QStringList& imageCommand, Done done);
// The job script and what goes beside it, with nothing written: deploy --dry-run shows it.
ResultOf<QString> jobScript(const DeployContext& ctx, const DeploymentState::Host& host);
// Each condition's line of the conditions file: its folder, container name and data folders (a rerun's
// attempt-N beside attempt 1), named as DeployContext names them for every backend.
QList<SlurmJob::Task> tasks(const DeployContext& ctx, const DeploymentState::Host& host);

// A status round: one script on the login node, squeue/scontrol/sacct and the run wrappers' files.
void status(DeployContext& ctx, std::function<void()> then);

// scancel of these jobs or tasks ("ID" or "ID_N"), returning once squeue lists none of them.
void cancel(DeployContext& ctx, const QStringList& jobs, Done done);
// The jobs or tasks to cancel: all submitted jobs (whole), else the tasks of these conditions.
QStringList jobsToCancel(const DeploymentState& state, bool whole, const QList<int>& positions);

} // namespace SlurmDeploy
