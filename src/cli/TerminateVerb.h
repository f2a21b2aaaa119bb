// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"
#include "deploy/TerminateOperation.h"
#include "workspace/DeploymentIndex.h"

class TerminateVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("terminate"); }
    QString summary() const override
    {
        return QStringLiteral("Stop and remove the deployment's containers and destroy the machines Terraform made. "
                              "Refuses while results are not synced, unless --force.");
    }
    int execute(const QStringList& arguments) override;

private:
    // The experiment folder's deployment: asked about (unless yes), terminated, then its objects in the results
    // store deleted (deleteResults, terminate --delete-store).
    int terminateDeployment(Deployment& deployment, const TerminateOptions& options, bool yes, bool deleteResults);
    // An experiment folder whose deployment.json is gone: its index entries and labelled containers, as orphans.
    int terminateLeftovers(const Deployment& deployment, const TerminateOptions& options, bool yes);
    // The deployments of an experiment whose .logistician (or whole folder) may be gone: each index entry put
    // back and terminated, then whatever still carries the experiment's label on the local engine removed.
    int terminateOrphans(const QList<DeploymentIndex::Entry>& entries, const QString& experiment,
                         const QString& localDocker, const TerminateOptions& options, bool yes);
};
