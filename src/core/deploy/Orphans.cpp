// SPDX-License-Identifier: MIT
#include "Orphans.h"

#include "CommandRunner.h"
#include "Docker.h"
#include "Experiment.h"
#include "deploy/Deployment.h"
#include "deploy/backends/BackendRegistry.h"

#include <QDir>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace Orphans {

namespace {

// Runs a docker command on this machine to its end (the leftovers of an orphan); Failed saying why.
Result runLocal(const Command& command, const std::function<void(const QString&)>& shown)
{
    shown(command.display());
    const CommandOutcome o = CommandRunner::runAndWait(command, 120000);
    if (!o.ok())
        return Result::failed(o.errorText());
    return Result::ok();
}

} // namespace

QStringList Found::what() const
{
    QStringList what;
    for (const DeploymentIndex::Entry& e : std::as_const(live))
        what << QStringLiteral("the %1 deployment of commit %2 from %3")
                    .arg(e.state.backend, e.state.commit.left(12), e.experimentDir);
    if (!here.isEmpty())
        what << QStringLiteral("%1 labelled container(s) on this machine").arg(here.size());
    if (hostContainers > 0)
        what << QStringLiteral("%1 labelled container(s) on %2")
                    .arg(hostContainers)
                    .arg(hostsWithContainers.join(QStringLiteral(", ")));
    if (!ec2.isEmpty()) {
        QStringList ids;
        for (const MachineInventory::Instance& i : ec2)
            ids << QStringLiteral("%1 in %2").arg(i.id, i.region);
        what << QStringLiteral("%1 EC2 instance(s) found by their tags (%2)")
                    .arg(ec2.size())
                    .arg(ids.join(QStringLiteral(", ")));
    }
    if (!ec2Leftovers.isEmpty())
        what << QStringLiteral("%1 security group(s) and key pair(s) in EC2").arg(ec2Leftovers.size());
    return what;
}

void Found::setEc2(const MachineInventory& inventory)
{
    // The machines a live index entry made are terminated with it (terraform destroy): not counted twice.
    QStringList known;
    for (const DeploymentIndex::Entry& e : std::as_const(live)) {
        for (const DeploymentState::Host& h : e.state.hosts)
            known << h.id;
    }
    for (const MachineInventory::Instance& i : inventory.instances()) {
        if (i.experiment == experiment && !known.contains(i.id))
            ec2 << i;
    }
    if (live.isEmpty())
        ec2Leftovers << inventory.leftovers();
}

QString Found::question() const
{
    return QStringLiteral("Terminate %1 of %2?").arg(what().join(QStringLiteral(", ")), experiment);
}

Found find(const QList<DeploymentIndex::Entry>& entries, const QString& experiment, const QString& localDocker)
{
    Found f;
    f.experiment = experiment;
    f.localDocker = localDocker;
    f.here = LabelledContainers::scanLocal(localDocker, experiment, &f.refused);
    // The ssh hosts any deployment ran on (kept by the index after its entry is gone): what still runs there.
    DeploymentIndex knownHosts;
    for (const LabelledContainers::HostScan& scan :
         LabelledContainers::scanKnownHosts(knownHosts, experiment, &f.refused)) {
        if (!scan.error.isEmpty()) {
            f.hostsNotAsked << HostProblem { scan.host.address, scan.error };
        } else if (!scan.found.isEmpty()) {
            f.hostsWithContainers << scan.host.address;
            f.hostContainers += scan.found.size();
        }
    }
    for (const DeploymentIndex::Entry& e : entries) {
        if (!e.state.terminated)
            f.live << e;
    }
    return f;
}

Termination::Termination(const Found& found, const TerminateOptions& options, QObject* parent)
    : QObject(parent)
    , m_found(found)
    , m_options(options)
{
}

void Termination::start()
{
    m_next = 0;
    next();
}

void Termination::next()
{
    if (m_next >= m_found.live.size()) {
        removeLeftovers();
        return;
    }
    const DeploymentIndex::Entry e = m_found.live.at(m_next++);
    const Report::Deployment which { e.experimentDir, e.state.backend, e.state.commit, false };
    // Put back in a folder of the index's own: the entry goes with it once terminated.
    auto settle = [this, e, which](int code, const QString& message) {
        if (code == 0) {
            if (const Result forgotten = DeploymentIndex().forgetKey(e.key); !forgotten)
                m_report.errors << forgotten.message();
        } else {
            m_report.code = std::max(m_report.code, code);
            m_report.errors << QStringLiteral("%1: %2").arg(e.experimentDir, message);
        }
        Report::Deployment done = which;
        done.terminated = code == 0;
        m_report.deployments << done;
        next();
    };
    const ResultOf<QString> dir = DeploymentIndex().restore(e);
    const ResultOf<Experiment> opened = dir ? Experiment::open(*dir) : ResultOf<Experiment>(dir.error());
    if (!opened) {
        settle(opened.exitCode(), opened.message());
        return;
    }
    const Experiment& restored = *opened;
    Q_EMIT terminating(which);
    auto* deployment = new Deployment(restored, this);
    if (const Result loaded = deployment->load(); !loaded) {
        deployment->deleteLater();
        settle(loaded.exitCode(), loaded.message());
        return;
    }
    connect(deployment, &Deployment::progress, this, &Termination::progress);
    connect(deployment, &Deployment::finished, this, [this, deployment, settle](int code, const QString& message) {
        deployment->deleteLater();
        Q_EMIT deploymentFinished(code, message);
        settle(code, message);
    });
    TerminateOptions each = m_options;
    each.anyCommit = true; // a redeploy of another commit may have left its containers there too
    deployment->terminate(each);
}

void Termination::removeLeftovers()
{
    // docker and ssh are waited for: on a worker thread, so the caller's thread (the GUI's) keeps turning.
    auto* watcher = new QFutureWatcher<Report>(this);
    connect(watcher, &QFutureWatcher<Report>::finished, this, [this, watcher] {
        m_report = watcher->result();
        watcher->deleteLater();
        removeFromEc2();
    });
    const Found found = m_found;
    const bool keepImages = m_options.keepImages;
    watcher->setFuture(QtConcurrent::run([this, found, keepImages, report = m_report]() mutable {
        const QString experiment = found.experiment;
        const QString localDocker = found.localDocker;
        auto shown = [this](const QString& display) { Q_EMIT commandRun(display); };
        // What still carries the label here (whatever its commit): a deployment the index never knew, or one of
        // another commit; the containers go, then (unless --keep-images) the images they ran.
        QStringList refused;
        const QList<LabelledContainers::Found> after = LabelledContainers::scanLocal(localDocker, experiment, &refused);
        if (!after.isEmpty()) {
            const Result removed
                = runLocal(Docker::removeContainers(localDocker, LabelledContainers::names(after)), shown);
            if (!removed) {
                report.code = std::max(report.code, 1);
                report.errors << QStringLiteral("docker rm failed: %1").arg(removed.message());
            } else {
                report.removed = LabelledContainers::names(after);
            }
            if (!keepImages) {
                QStringList images;
                for (const LabelledContainers::Found& f : after) {
                    for (const QString& image : { f.image, LabelledContainers::builtImage(f.experiment, f.commit) }) {
                        if (!images.contains(image))
                            images << image;
                    }
                }
                // One at a time: an image that is gone already does not keep the others.
                for (const QString& image : std::as_const(images))
                    runLocal(Docker::removeImages(localDocker, { image }), shown);
            }
        }
        // Then what still carries the label on the known ssh hosts (the runners of the experiment stop first),
        // looked at again: the deployments above removed theirs. A host that does not answer is reported, not
        // fatal.
        if (found.hostContainers > 0) {
            QStringList ignored;
            DeploymentIndex index;
            const QList<LabelledContainers::HostScan> left
                = LabelledContainers::scanKnownHosts(index, experiment, &ignored);
            const QStringList failed = LabelledContainers::removeOnKnownHosts(index, left, experiment, keepImages);
            for (const LabelledContainers::HostScan& scan : left) {
                bool hostFailed = false;
                for (const QString& f : failed)
                    hostFailed = hostFailed || f.startsWith(scan.host.address + QLatin1Char(':'));
                for (const LabelledContainers::Found& f : scan.found) {
                    if (!hostFailed)
                        report.removedOnHosts << Report::HostContainer { scan.host.address, f.name };
                }
            }
            if (!failed.isEmpty()) {
                report.code = std::max(report.code, 1);
                report.errors << QStringLiteral("on the hosts: %1").arg(failed.join(QStringLiteral("; ")));
            }
        }
        // A push's registry login folder a killed deploy left in this user's state folder (never /tmp, where
        // anyone could have planted one).
        QDir logins(TerminateOperation::localLoginFolder());
        for (const QString& d :
             logins.entryList({ TerminateOperation::localLoginPrefix(experiment) + QLatin1Char('*') },
                              QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot | QDir::NoSymLinks))
            QDir(logins.filePath(d)).removeRecursively();
        report.refused = refused;
        return report;
    }));
}

void Termination::removeFromEc2()
{
    if (m_found.ec2.isEmpty() && m_found.ec2Leftovers.isEmpty()) {
        Q_EMIT finished();
        return;
    }
    // Looked at anew: the deployments above destroyed theirs; what is left has no state to go by.
    removeThrough(BackendRegistry::inventories(this));
}

void Termination::removeThrough(QList<MachineInventory*> inventories)
{
    if (inventories.isEmpty()) {
        Q_EMIT finished();
        return;
    }
    MachineInventory* inventory = inventories.takeFirst();
    const auto failed = [this, inventory] {
        if (inventory->error().isEmpty())
            return false;
        m_report.code = std::max(m_report.code, 1);
        m_report.errors << QStringLiteral("EC2: %1").arg(inventory->error());
        return true;
    };
    connect(inventory, &MachineInventory::progress, this, &Termination::progress);
    connect(inventory, &MachineInventory::finished, this, [this, inventory, inventories, failed] {
        disconnect(inventory, &MachineInventory::finished, this, nullptr);
        if (failed()) {
            inventory->deleteLater();
            removeThrough(inventories);
            return;
        }
        connect(inventory, &MachineInventory::finished, this, [this, inventory, inventories, failed] {
            if (!failed()) {
                for (const MachineInventory::Instance& i : inventory->instances())
                    m_report.ec2Terminated << i.id;
            }
            inventory->deleteLater();
            removeThrough(inventories);
        });
        inventory->remove();
    });
    inventory->find(m_found.experiment);
}

} // namespace Orphans
