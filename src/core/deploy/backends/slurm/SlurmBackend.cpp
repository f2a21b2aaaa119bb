// SPDX-License-Identifier: MIT
#include "SlurmBackend.h"

#include "ParameterRules.h"
#include "deploy/DeployContext.h"
#include "slurm/SlurmDeploy.h"
#include "slurm/SlurmJob.h"

BackendTraits SlurmBackend::describe()
{
    BackendTraits t;
    t.name = QStringLiteral("slurm");
    t.label = QStringLiteral("SLURM cluster (one job array)");
    t.rerunsChosen = false; // --rerun-failed resubmits the failed tasks as one array
    t.usesRunner = false;
    return t;
}

SlurmParameters::Settings SlurmBackend::settings() const
{
    return SlurmParameters::read(m_context.experiment.parameters());
}

QString SlurmBackend::conditionDetail(const DeploymentState::Condition& condition)
{
    return SlurmJob::describe(condition);
}

Result SlurmBackend::check(const DeployOptions& options) const
{
    const SlurmParameters::Settings s = settings();
    // Loading checked every value that is there; --backend slurm can ask for one that is not.
    if (s.login.isEmpty())
        return Result::badInput(QStringLiteral("%1: slurm.login: the slurm backend needs the cluster's login node, "
                                               "\"slurm\": {\"login\": \"user@login-host[:port]\"}")
                                    .arg(m_context.experiment.parametersPath()));
    return Backend::check(options);
}

QString SlurmBackend::planSummary(int conditionCount, const DeployOptions&) const
{
    const SlurmParameters::Settings s = settings();
    QStringList resources { QStringLiteral("%1 CPU(s)").arg(s.cpusPerTask) };
    if (!s.memory.isEmpty())
        resources << QStringLiteral("%1 memory").arg(s.memory);
    if (s.gpusPerTask > 0)
        resources << QStringLiteral("%1 GPU(s)").arg(s.gpusPerTask);
    resources << (s.time.isEmpty() ? QStringLiteral("the partition's time limit")
                                   : QStringLiteral("at most %1").arg(s.time));
    return QStringLiteral("%1 condition(s) as one SLURM job array through %2 (partition %3%4), %5 each, at most %6 "
                          "at a time, in %7 containers; results in %8 on the cluster")
        .arg(conditionCount)
        .arg(s.login, s.partition.isEmpty() ? QStringLiteral("default") : s.partition,
             s.account.isEmpty() ? QString() : QStringLiteral(", account %1").arg(s.account),
             resources.join(QStringLiteral(", ")))
        .arg(slotsPerHost())
        .arg(s.runtime, s.workDir);
}

void SlurmBackend::provision(DeploymentState* state, const DeployOptions&, Done done)
{
    const QString login = settings().login;
    if (!state->host(login))
        state->hosts.append(DeploymentState::Host::at(login));
    done(Result::ok());
}

QString SlurmBackend::workDir(const DeploymentState::Host& host) const
{
    const QString dir = settings().workDir;
    // "~" is the login user's home, learnt on first contact; the rest was checked at load.
    if (dir == QLatin1String("~"))
        return host.home;
    if (dir.startsWith(QLatin1String("~/")))
        return host.home + dir.mid(1);
    return dir;
}

QString SlurmBackend::containerProgram() const
{
    const QString runtime = settings().runtime;
    // docker: remote_docker_command (e.g. "sudo docker") as on the ssh hosts.
    return runtime == QLatin1String("docker") ? QString() : runtime;
}

bool SlurmBackend::shipsImageArchive() const
{
    return settings().runtime != QLatin1String("docker");
}

void SlurmBackend::shipImage(DeployContext& ctx, const DeploymentState::Host& host, Done done)
{
    SlurmDeploy::shipImage(ctx, host, done);
}

bool SlurmBackend::uploadCode(DeployContext& ctx, const DeploymentState::Host& host, Done done)
{
    // One copy of the code for every task; the conditions' folders go with the job (handOver).
    SlurmDeploy::uploadCode(ctx, host, done);
    return true;
}

bool SlurmBackend::handOver(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
                            const QStringList& imageCommand, Done done)
{
    // One array of the conditions not submitted yet (a deploy run again leaves the others as they are).
    QList<int> unsubmitted;
    for (int i : positions) {
        if (ctx.state.conditions.at(i).job.isEmpty())
            unsubmitted << i;
    }
    if (unsubmitted.isEmpty())
        done(Result::ok());
    else
        SlurmDeploy::submit(ctx, host, unsubmitted, imageCommand, done);
    return true;
}

bool SlurmBackend::statusRound(DeployContext& ctx, std::function<void()> then)
{
    SlurmDeploy::status(ctx, then);
    return true;
}

void SlurmBackend::stopRuns(DeployContext& ctx, bool whole, const QList<int>& positions, Done done)
{
    // The tasks first (their own trap stops their containers), then the clean-up as elsewhere.
    SlurmDeploy::cancel(ctx, SlurmDeploy::jobsToCancel(ctx.state, whole, positions), done);
}

QStringList SlurmBackend::leftoverDirs(const QString& experimentDirOnHost) const
{
    // The job script, conditions file, slurm output and the shared code.
    return { experimentDirOnHost + QStringLiteral("/slurm"), experimentDirOnHost + QStringLiteral("/project") };
}
