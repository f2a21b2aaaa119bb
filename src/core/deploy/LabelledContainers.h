// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

class DeploymentIndex;

// The containers deploy labelled (logistician.experiment, logistician.commit), read back from an engine with
// Docker::listLabelled: what finds a running container whose .logistician (or whole project) is gone, and
// the containers of another commit a redeploy must not adopt. Label values come from whatever made the
// container, so each is checked before it is used in a command; a line that fails is refused, never used.
namespace LabelledContainers {

struct Found
{
    QString name;
    QString experiment;
    QString commit; // 40 hex digits
    QString image;
    bool running = false;
    bool created = false; // made, never started (docker's state "created")
    int exitCode = -1; // exited: its exit code (from docker's status "Exited (N) ..."), else -1
};

// The lines of Docker::listLabelled; each refused line adds why to *refused.
QList<Found> parse(const QByteArray& out, QStringList* refused);
// Checks of one value each: empty when fine, else why not.
QString checkName(const QString& name);
QString checkCommit(const QString& commit);
QString checkImage(const QString& image);

// Docker::listLabelled on this machine's engine, waited for (the CLI's list and terminate; at most 30 s).
// Nothing and no error when no engine answers.
QList<Found> scanLocal(const QString& docker, const QString& experiment, QStringList* refused);

// An ssh host whose engine is looked at, and the docker command used there.
struct Host
{
    QString address; // user@host[:port], checked by ParameterRules::host
    QString docker; // checked by ParameterRules::dockerCommand
};
// What one host answered: its labelled containers, or why it could not be asked (unreachable, docker failed).
struct HostScan
{
    Host host;
    QList<Found> found;
    QString error;
};
// How ssh reaches the hosts: its known_hosts and master sockets in sshDir (DeploymentIndex::sshDir), the setup key.
struct SshSetup
{
    QString sshDir;
    QString keyPath;
    int timeoutSeconds = 20; // per host; the hosts are asked at the same time
};

// Docker::listLabelled on each host over ssh, all at once, each waited for at most ssh.timeoutSeconds: a host
// that does not answer is reported in its HostScan's error, never the end of the scan.
QList<HostScan> scanHosts(const QList<Host>& hosts, const SshSetup& ssh, const QString& experiment,
                          QStringList* refused);
// On each host, the experiment's runners are stopped (nothing more starts there), then every container with
// its label goes (any commit), then unless keepImages the images they ran and the image deploy built. The
// results folders stay. Returns "address: why" for each host where that failed.
QStringList removeOnHosts(const QList<Host>& hosts, const SshSetup& ssh, const QString& experiment,
                          const QList<Found>& found, bool keepImages);

// scanHosts on the index's known ssh hosts (DeploymentIndex::knownHosts), with the setup key; the timeout per
// host is LOGISTICIAN_HOST_SCAN_TIMEOUT seconds when set, else 20. A scan of every experiment (experiment empty)
// drops each host that answered with nothing labelled and that no index entry names: nothing of ours is left
// there, so it is not asked again.
QList<HostScan> scanKnownHosts(DeploymentIndex& index, const QString& experiment, QStringList* refused);
// removeOnHosts on the hosts of scans where something was found; then each reachable host where nothing labelled
// is left (of any experiment) and no index entry names goes from the known hosts. Returns the failures.
QStringList removeOnKnownHosts(DeploymentIndex& index, const QList<HostScan>& scans, const QString& experiment,
                               bool keepImages);

// The image deploy builds for an experiment and commit when there is no registry.
QString builtImage(const QString& experiment, const QString& commit);

// Names of the containers, and the images they run (each once).
QStringList names(const QList<Found>& found);
QStringList images(const QList<Found>& found);

} // namespace LabelledContainers
