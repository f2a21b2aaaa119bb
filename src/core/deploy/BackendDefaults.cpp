// SPDX-License-Identifier: MIT
// What every backend shares (deploy/Backend.h); the backends themselves are under deploy/backends/.
#include "deploy/Backend.h"
#include "deploy/backends/BackendRegistry.h"

#include <QFileInfo>

Experiment DeployOptions::withLimits(const Experiment& experiment) const
{
    Experiment limited = experiment;
    if (autoStopMinutes >= 0)
        limited.parameters().setValue(QStringLiteral("auto_stop_minutes"), autoStopMinutes);
    if (maxRuntimeMinutes >= 0)
        limited.parameters().setValue(QStringLiteral("max_runtime_minutes"), maxRuntimeMinutes);
    if (awsMachines >= 0)
        limited.parameters().setValue(QStringLiteral("aws_machines"), awsMachines);
    return limited;
}

Backend::Backend(const Context& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
}

int Backend::slotsPerHost() const
{
    return m_context.experiment.parameters().maxParallel();
}

Result Backend::check(const DeployOptions&) const
{
    if (isRemote()) {
        if (const auto control = SshAccess::controlDir(m_context.stateDir); !control)
            return control.error();
    }
    if (!QFileInfo::exists(m_context.keyPath))
        return Result::badInput(
            QStringLiteral("no SSH key at %1; run `logistician setup` first").arg(m_context.keyPath));
    return Result::ok();
}

void Backend::release(DeploymentState*, Done done)
{
    done(Result::ok());
}

void Backend::releaseConditions(DeploymentState*, const QList<int>&, Done done)
{
    done(Result::ok());
}

SshAccess Backend::ssh(const DeploymentState::Host& host) const
{
    return SshAccess(host.address, m_context.stateDir, m_context.keyPath);
}

Command Backend::command(const DeploymentState::Host& host, const QStringList& argv,
                         const QByteArray& standardInput) const
{
    return ssh(host).command(argv, standardInput);
}

Command Backend::script(const DeploymentState::Host& host, const QString& text, const QByteArray& standardInput) const
{
    return ssh(host).script(text, standardInput);
}

ResultOf<std::unique_ptr<Backend>> Backend::create(const QString& name, const Context& context)
{
    return BackendRegistry::create(name, context);
}

QStringList Backend::names()
{
    return BackendRegistry::names();
}

void Backend::shipImage(DeployContext&, const DeploymentState::Host& host, Done done)
{
    done(Result::failed(QStringLiteral("%1: the %2 backend ships no image archive").arg(host.address, name())));
}
