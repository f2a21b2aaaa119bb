// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "deploy/LabelledContainers.h"
#include "deploy/MachineInventory.h"
#include "deploy/TerminateOperation.h"
#include "workspace/DeploymentIndex.h"

#include <QObject>
#include <functional>

class Deployment;

// What an experiment left running when its .logistician (or its whole folder) is gone: the deployments the
// per-user index still knows, and the containers carrying its label on this machine and on the known ssh
// hosts. find() looks, Termination removes it all and reports; `terminate --experiment` and the app's
// Running panel are two front ends of these.
namespace Orphans {

struct HostProblem
{
    QString host;
    QString error;
};

struct Found
{
    QString experiment;
    QString localDocker;
    QList<DeploymentIndex::Entry> live; // index entries not terminated
    QList<LabelledContainers::Found> here; // labelled containers on this machine
    QStringList hostsWithContainers;
    int hostContainers = 0;
    QList<HostProblem> hostsNotAsked; // known hosts that did not answer the scan
    QStringList refused; // labels that are not Logistician's: left alone
    // EC2 instances of the experiment found by their tags that no live index entry made (its project folder and
    // its entry both gone), and its security groups and key pairs: a backend's MachineInventory, filled in by
    // setEc2() (each inventory in turn).
    QList<MachineInventory::Instance> ec2;
    QList<MachineInventory::Leftover> ec2Leftovers;
    void setEc2(const MachineInventory& inventory);
    bool isEmpty() const
    {
        return live.isEmpty() && here.isEmpty() && hostContainers == 0 && ec2.isEmpty() && ec2Leftovers.isEmpty();
    }
    // "the ssh deployment of commit … from …, 2 labelled container(s) on this machine, …"
    QStringList what() const;
    // The one question both front ends ask before Termination: "Terminate … of EXPERIMENT?"
    QString question() const;
};

// Looks (blocking: docker ps here, one ssh per known host): the CLI, or a worker thread.
Found find(const QList<DeploymentIndex::Entry>& entries, const QString& experiment, const QString& localDocker);

struct Report
{
    struct Deployment
    {
        QString experimentDir;
        QString backend;
        QString commit;
        bool terminated = false;
    };
    struct HostContainer
    {
        QString host;
        QString name;
    };
    int code = 0; // 0 all gone; else the worst exit code met
    QStringList errors;
    QList<Deployment> deployments; // each index entry, put back and terminated
    QStringList removed; // leftover containers removed here
    QList<HostContainer> removedOnHosts;
    QStringList refused; // labels met on the second look that are not Logistician's: left alone
    QStringList ec2Terminated; // EC2 instances terminated by their IDs (found by their tags)
    QString error() const { return errors.join(QStringLiteral("; ")); }
};

// Removes what find() found, without blocking its thread: each deployment the index knows put back where an
// operation opens it and terminated as usual (runners, containers on every host it recorded, machines), then
// what still carries the label here and on the known hosts (on a worker thread), then a killed deploy's
// registry login folder. finished() once, with report() filled.
class Termination : public QObject
{
    Q_OBJECT
public:
    Termination(const Found& found, const TerminateOptions& options, QObject* parent = nullptr);
    void start();
    const Report& report() const { return m_report; }
    const Found& found() const { return m_found; }

Q_SIGNALS:
    // A deployment of the index is about to be terminated (its backend, commit, folder).
    void terminating(const Report::Deployment& which);
    // Its operation's own progress and its closing message (code 0: fine).
    void progress(const QString& message);
    void deploymentFinished(int code, const QString& message);
    // A command run on this machine for the leftovers (docker rm, docker rmi), as it is shown.
    void commandRun(const QString& display);
    void finished();

private:
    void next();
    void removeLeftovers();
    // Last: what EC2 still holds of the experiment (found anew by its tags) is terminated and deleted.
    void removeFromEc2();
    void removeThrough(QList<MachineInventory*> inventories);

    Found m_found;
    TerminateOptions m_options;
    Report m_report;
    int m_next = 0;
};

} // namespace Orphans
