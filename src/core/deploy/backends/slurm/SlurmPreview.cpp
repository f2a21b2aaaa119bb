// SPDX-License-Identifier: MIT
// deploy --dry-run on slurm: the job array deploy would submit.
#include "ShellWords.h"
#include "deploy/DeployContext.h"
#include "slurm/SlurmBackend.h"
#include "slurm/SlurmDeploy.h"
#include "slurm/SlurmJob.h"

QStringList SlurmBackend::previewHandOver(const DeployContext& ctx, const QList<int>& positions) const
{
    const DeploymentState::Host host = DeploymentState::Host::at(settings().login, QStringLiteral("~"));
    // What deploy submits (SlurmDeploy): the same sbatch, job script and conditions file, with work_dir's "~"
    // standing for the login user's home.
    const SlurmParameters::Settings settings = SlurmParameters::read(ctx.experiment.parameters());
    const QString dir = ctx.remoteExperimentDir(host);
    QList<int> indexes;
    for (int i : positions)
        indexes << ctx.state.conditions.at(i).index;
    const QString words
        = ShellWords::join(SlurmJob::sbatchArgv(settings, SlurmJob::arraySpec(indexes, ctx.backend->slotsPerHost()),
                                                QStringLiteral("logistician-") + ctx.state.experiment, dir));
    QStringList lines {
        QStringLiteral("Each container runs as one task of a SLURM job array (%1 runtime), submitted "
                       "with:")
            .arg(settings.runtime),
        QStringLiteral("  ") + words,
        QStringLiteral("The job script %1/slurm/job.sh (commit %2):").arg(dir, ctx.state.commit.left(12))
    };
    const auto script = SlurmDeploy::jobScript(ctx, host);
    for (const QString& line : (script ? *script : script.message()).split(QLatin1Char('\n')))
        lines << QStringLiteral("  ") + line;
    lines << QStringLiteral("Its conditions file %1/slurm/conditions (folder, container, data folders):").arg(dir);
    const auto conditions = SlurmJob::conditionsFile(SlurmDeploy::tasks(ctx, host));
    for (const QByteArray& line : conditions.valueOr(QByteArray()).split('\n')) {
        if (!line.isEmpty())
            lines << QStringLiteral("  ") + QString::fromUtf8(line);
    }
    if (!conditions)
        lines << QStringLiteral("  ") + conditions.message();
    return lines;
}
