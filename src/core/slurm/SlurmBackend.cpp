// SPDX-License-Identifier: MIT
#include "SlurmBackend.h"

#include "ParameterRules.h"

SlurmParameters::Settings SlurmBackend::settings() const
{
    return SlurmParameters::read(m_context.experiment.parameters());
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
