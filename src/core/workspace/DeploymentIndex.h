// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeploymentState.h"

#include <QDateTime>
#include <QList>
#include <QString>

// Every deployment of this user, across projects, in one folder outside them
// ($XDG_STATE_HOME/logistician/deployments, ~/.local/state/... by default):
// one sub-folder per deployment holding entry.json (where it lives and what it
// runs on), a copy of its deployment.json, and a copy of its Terraform
// configuration and state. Deleting .logistician/, or the whole project,
// therefore never hides a running machine: `list` reads this index and
// `terminate --experiment` works from it.
class DeploymentIndex
{
public:
    // What the index knows of one deployment.
    struct Entry
    {
        QString key; // the sub-folder's name
        QString folder; // the sub-folder itself
        QString experimentDir; // where the experiment was when last recorded
        QString stateDir; // its .logistician folder
        QString region; // aws only
        QString instanceType; // aws only
        QDateTime recordedAt;
        DeploymentState state; // the copy of deployment.json
        // The entry's Terraform folder (configuration and state; where Terraform works), or empty.
        QString terraformCopy() const;
        // The copy of the experiment's parameters.json (its docker commands, region), or empty.
        QString parametersCopy() const;
        bool stateDirExists() const;
    };

    // The index of $XDG_STATE_HOME/logistician/deployments.
    DeploymentIndex();
    explicit DeploymentIndex(const QString& folder);
    static QString defaultFolder();
    QString folder() const { return m_folder; }

    // Records (or refreshes) the deployment whose state lives in stateDir, atomically.
    Result record(const QString& experimentDir, const QString& stateDir, const DeploymentState& state,
                  const QString& region = QString(), const QString& instanceType = QString());
    // Removes the deployment of stateDir from the index (after a complete terminate).
    Result forget(const QString& stateDir);
    Result forgetKey(const QString& key);

    // Every recorded deployment, newest first; entries that cannot be read are skipped with a warning.
    QList<Entry> entries() const;
    // The entries whose experiment name, experiment folder or state folder is nameOrPath.
    QList<Entry> find(const QString& nameOrPath) const;

    // Puts the entry's deployment back where an operation can open it, and returns that experiment folder:
    // its own folder when it still has parameters.json (deployment.json and the Terraform folder written back
    // into its .logistician, which was deleted), else a folder made in the entry from the copies (a Git
    // repository of its own, so it opens as an experiment). Never overwrites a deployment.json that exists.
    ResultOf<QString> restore(const Entry& entry) const;

    // An ssh host a deployment of this user ran on, with the docker command used there. Kept after the deployment
    // is forgotten (and when its entry is deleted by hand), so `list` and `terminate --experiment` still look
    // there for containers by their labels: a project folder deleted never hides a container on a host.
    struct KnownHost
    {
        QString address; // user@host[:port], as ParameterRules::host has it
        QString docker; // remote_docker_command, as ParameterRules::dockerCommand has it
        bool operator==(const KnownHost& o) const { return address == o.address && docker == o.docker; }
    };
    // Every known ssh host, each once; entries that fail their rule are left out with a warning.
    QList<KnownHost> knownHosts() const;
    // A host where nothing of ours is left goes from the list (never one an entry still names).
    Result forgetKnownHost(const KnownHost& host);
    // The AWS regions this user's deployments ran in, each once: kept after their entries go (as the known hosts
    // are), so `list` and `terminate --experiment` still ask EC2 there for instances by their tags.
    QStringList knownRegions() const;
    // Where ssh to the known hosts keeps its known_hosts (the experiments' host keys, gathered at record) and
    // its master sockets: a hidden folder of the index, which entries() does not list.
    QString sshDir() const;

    // Where Terraform works for the deployment of stateDir: a folder of this index that only this
    // user's Logistician writes, never the project's tree (a clone's .logistician/terraform could hold
    // a provisioner or a "provider" of anyone's). The entry's terraformCopy() is this folder.
    QString terraformDir(const QString& stateDir, const QString& experiment) const;
    // The sub-folder name for a state folder: the experiment's name and a hash of the folder's path.
    static QString keyFor(const QString& stateDir, const QString& experiment);

private:
    Result rememberHosts(const QString& experimentDir, const QString& stateDir, const DeploymentState& state);
    QList<KnownHost> readKnownHosts() const;
    Result rememberRegion(const QString& region) const;
    Result writeKnownHosts(const QList<KnownHost>& hosts) const;
    QString m_folder;
};
