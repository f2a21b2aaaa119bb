// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"
#include "slurm/SlurmParameters.h"

// A SLURM cluster reached through its login node over ssh: the conditions run
// as one job array (sbatch --array), each task in a container of the chosen
// runtime on a compute node, writing to the cluster's shared filesystem under
// work_dir. The deploy, status and terminate steps of its own are in SlurmDeploy.
class SlurmBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    QString name() const override { return QStringLiteral("slurm"); }
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    QString workDir(const DeploymentState::Host& host) const override;
    QString containerProgram() const override;
    bool shipsImageArchive() const override;

    SlurmParameters::Settings settings() const;
};
