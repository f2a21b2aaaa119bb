// SPDX-License-Identifier: MIT
#include "LocalBackend.h"

#include <QDir>

BackendTraits LocalBackend::describe()
{
    BackendTraits t;
    t.name = QStringLiteral("local");
    t.label = QStringLiteral("This computer (Docker)");
    t.remote = false;
    return t;
}

Result LocalBackend::check(const DeployOptions&) const
{
    return Result::ok();
}

QString LocalBackend::planSummary(int conditionCount, const DeployOptions&) const
{
    return QStringLiteral("%1 condition(s) as containers on this machine's Docker engine, %2 at a time")
        .arg(conditionCount)
        .arg(slotsPerHost());
}

void LocalBackend::provision(DeploymentState* state, const DeployOptions&, Done done)
{
    if (!state->host(QStringLiteral("local")))
        state->hosts.append(DeploymentState::Host::at(QStringLiteral("local"), QDir::homePath()));
    done(Result::ok());
}

Command LocalBackend::command(const DeploymentState::Host&, const QStringList& argv,
                              const QByteArray& standardInput) const
{
    Command c;
    c.program = argv.value(0);
    c.arguments = argv.mid(1);
    c.standardInput = standardInput;
    return c;
}

Command LocalBackend::script(const DeploymentState::Host&, const QString& text, const QByteArray& standardInput) const
{
    Command c;
    c.program = QStringLiteral("sh");
    c.arguments = { QStringLiteral("-c"), text };
    c.standardInput = standardInput;
    return c;
}
