// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"
#include "slurm/SlurmParameters.h"

// A SLURM cluster reached through its login node over ssh: the conditions run
// as one job array (sbatch --array), each task in a container of the chosen
// runtime on a compute node, writing to the cluster's shared filesystem under
// work_dir. The deploy, status and terminate steps of its own are in SlurmDeploy;
// deploy --dry-run shows its job in SlurmPreview.
class SlurmBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    static BackendTraits describe();
    BackendTraits traits() const override { return describe(); }
    // The scheduler's word on a condition's task (SlurmJob::describe).
    static QString conditionDetail(const DeploymentState::Condition& condition);
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    QString workDir(const DeploymentState::Host& host) const override;
    QString containerProgram() const override;
    bool shipsImageArchive() const override;

    // The deploy core's steps done the scheduler's way (SlurmDeploy): no runner, one job array.
    void shipImage(DeployContext& ctx, const DeploymentState::Host& host, Done done) override;
    bool uploadCode(DeployContext& ctx, const DeploymentState::Host& host, Done done) override;
    bool handOver(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
                  const QStringList& imageCommand, Done done) override;
    bool statusRound(DeployContext& ctx, std::function<void()> then) override;
    void stopRuns(DeployContext& ctx, bool whole, const QList<int>& positions, Done done) override;
    QStringList leftoverDirs(const QString& experimentDirOnHost) const override;
    QStringList previewHandOver(const DeployContext& ctx, const QList<int>& positions) const override;

    SlurmParameters::Settings settings() const;
};
