// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"

// The user's own machines, parameters.json's hosts, reached over ssh.
class SshBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    static BackendTraits describe();
    BackendTraits traits() const override { return describe(); }
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
};
