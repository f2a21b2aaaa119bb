// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"

// This machine's Docker engine: one host, "local", reached without ssh.
class LocalBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    static BackendTraits describe();
    BackendTraits traits() const override { return describe(); }
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    Command command(const DeploymentState::Host& host, const QStringList& argv,
                    const QByteArray& standardInput = QByteArray()) const override;
    Command script(const DeploymentState::Host& host, const QString& text,
                   const QByteArray& standardInput = QByteArray()) const override;
};
