// SPDX-License-Identifier: MIT
#include "SshBackend.h"

BackendTraits SshBackend::describe()
{
    BackendTraits t;
    t.name = QStringLiteral("ssh");
    t.label = QStringLiteral("My own machines over SSH");
    t.usesHostList = true;
    return t;
}

Result SshBackend::check(const DeployOptions& options) const
{
    if (m_context.experiment.parameters().hosts().isEmpty())
        return Result::badInput(QStringLiteral("%1: hosts: the ssh backend needs a list of \"user@host[:port]\" "
                                               "machines in parameters.json")
                                    .arg(m_context.experiment.parametersPath()));
    return Backend::check(options);
}

QString SshBackend::planSummary(int conditionCount, const DeployOptions&) const
{
    const QStringList hosts = m_context.experiment.parameters().hosts();
    return QStringLiteral("%1 condition(s) on %2 ssh host(s) (%3), at most %4 at a time per host")
        .arg(conditionCount)
        .arg(hosts.size())
        .arg(hosts.join(QStringLiteral(", ")))
        .arg(slotsPerHost());
}

void SshBackend::provision(DeploymentState* state, const DeployOptions&, Done done)
{
    for (const QString& address : m_context.experiment.parameters().hosts()) {
        if (!state->host(address))
            state->hosts.append(DeploymentState::Host::at(address));
    }
    done(Result::ok());
}
