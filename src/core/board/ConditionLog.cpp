// SPDX-License-Identifier: MIT
#include "ConditionLog.h"

#include "Docker.h"
#include "SshKey.h"
#include "deploy/Backend.h"
#include "deploy/Deployment.h"
#include "deploy/ResultsStore.h"
#include "deploy/backends/BackendRegistry.h"

#include <QFileInfo>

namespace ConditionLog {

QString savedLog(const Deployment& deployment, const DeploymentState::Condition& condition)
{
    // docker.txt: what sync and terminate save of a deployed container; output.txt: a local run's own copy.
    for (const char* name : { "logs/docker.txt", "logs/output.txt" }) {
        const QString path = deployment.localDataDir(condition) + QLatin1Char('/') + QLatin1String(name);
        if (QFileInfo::exists(path))
            return path;
    }
    return QString();
}

bool onlyPartialLog(const Deployment& deployment, const DeploymentState::Condition& condition)
{
    using Phase = DeploymentState::Phase;
    const bool silent = condition.phase == Phase::Unreachable || condition.phase == Phase::Stopped
        || condition.phase == Phase::Preempted;
    const bool ended = condition.lastRunPhase == Phase::Succeeded || condition.lastRunPhase == Phase::Failed;
    return silent && !ended && BackendRegistry::traits(deployment.state().backend).remote
        && ResultsStore::of(deployment.experiment().parameters()).has_value()
        && !savedLog(deployment, condition).isEmpty();
}

ResultOf<Command> command(const Deployment& deployment, const DeploymentState::Condition& condition, int lines,
                          bool follow)
{
    const DeploymentState& state = deployment.state();
    const bool onlyPartial = onlyPartialLog(deployment, condition);
    if (condition.isTerminated() || onlyPartial) {
        // The container is gone (or its machine is): what sync or terminate saved of its log is all there is.
        const QString saved = savedLog(deployment, condition);
        if (saved.isEmpty())
            return Result::notFound(QStringLiteral("%1: terminated and no log of it was saved").arg(condition.slug));
        Command tail;
        tail.program = QStringLiteral("tail");
        tail.arguments = { QStringLiteral("-n"), lines < 0 ? QStringLiteral("+1") : QString::number(lines), saved };
        return tail.asQuery();
    }
    const DeploymentState::Host* host = state.host(condition.host);
    if (!host)
        return Result::notFound(QStringLiteral("%1: not started on a machine yet (%2)")
                                    .arg(condition.slug, DeploymentState::phaseName(condition.phase)));
    const Experiment& experiment = deployment.experiment();
    auto created = Backend::create(state.backend, { experiment, experiment.stateDir(), SshKey::privateKeyPath() });
    if (!created)
        return created.error();
    const auto backend = created.take();
    const Parameters& params = experiment.parameters();
    const Command logs = Docker::logs(backend->isRemote() ? params.remoteDockerCommand() : params.localDockerCommand(),
                                      deployment.containerName(condition), lines, follow);
    return backend->command(*host, Docker::argv(logs)).asQuery();
}

} // namespace ConditionLog
