// SPDX-License-Identifier: MIT
#include "LabelledContainers.h"

#include "AppPaths.h"
#include "CommandRunner.h"
#include "Docker.h"
#include "Logging.h"
#include "ParameterRules.h"
#include "Parameters.h"
#include "ShellWords.h"
#include "deploy/RemoteScript.h"
#include "deploy/Ssh.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace LabelledContainers {

namespace {

bool matches(const QString& pattern, const QString& text)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(text).hasMatch();
}

struct Outcome
{
    bool ok = false;
    QByteArray out;
    QString error;
};

// Runs each command at the same time (CommandRunner::runAndWait), each given at most timeoutSeconds; one that
// does not end is killed.
QList<Outcome> runAll(const QList<Command>& commands, int timeoutSeconds)
{
    QList<Outcome> outcomes;
    for (const CommandOutcome& c : CommandRunner::runAndWait(commands, timeoutSeconds * 1000))
        outcomes << Outcome { c.ok(), c.out, c.ok() ? QString() : c.errorText() };
    return outcomes;
}

// The hosts whose address and docker command pass their rules (they reach ssh and a shell there).
QList<Host> checked(const QList<Host>& hosts, QStringList* refused)
{
    QList<Host> ok;
    for (const Host& h : hosts) {
        QString why = ParameterRules::host(h.address);
        if (why.isEmpty())
            why = ParameterRules::dockerCommand(h.docker);
        if (why.isEmpty())
            ok << h;
        else if (refused)
            *refused << QStringLiteral("a known host: %1").arg(why);
    }
    return ok;
}

} // namespace

QString checkName(const QString& name)
{
    // Docker's own container name rule.
    return matches(QStringLiteral("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}"), name) ? QString()
                                                                             : QStringLiteral("not a container name");
}

QString checkCommit(const QString& commit)
{
    return matches(QStringLiteral("[0-9a-f]{40}"), commit) ? QString() : QStringLiteral("not a commit id");
}

QString checkImage(const QString& image)
{
    // A reference (registry/path:tag, @digest) or an image id; never a word beginning with '-'.
    return matches(QStringLiteral("[a-z0-9][a-z0-9._/:@-]{0,254}"), image) ? QString()
                                                                           : QStringLiteral("not an image reference");
}

QList<Found> parse(const QByteArray& out, QStringList* refused)
{
    QList<Found> found;
    const QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& line : lines) {
        const QStringList f = line.split(QLatin1Char('\t'));
        Found c;
        c.name = f.value(0);
        c.experiment = f.value(1);
        c.commit = f.value(2);
        c.image = f.value(3);
        c.running = f.value(4) == QLatin1String("running");
        c.created = f.value(4) == QLatin1String("created");
        // Only read for a number, never used in a command.
        static const QRegularExpression exited(QStringLiteral("^Exited \\((\\d{1,3})\\)"));
        if (const auto m = exited.match(f.value(5)); f.value(4) == QLatin1String("exited") && m.hasMatch())
            c.exitCode = m.captured(1).toInt();
        QString why;
        // The first rule a line breaks names it; the rest are not asked.
        if (f.size() != 6)
            why = QStringLiteral("not six fields");
        if (why.isEmpty())
            why = checkName(c.name);
        if (why.isEmpty() && !Parameters::isValidExperimentName(c.experiment))
            why = QStringLiteral("label logistician.experiment is not an experiment name");
        if (why.isEmpty() && !(why = checkCommit(c.commit)).isEmpty())
            why = QStringLiteral("label logistician.commit is ") + why;
        if (why.isEmpty())
            why = checkImage(c.image);
        if (!why.isEmpty()) {
            QString shown = line.left(120);
            for (QChar& ch : shown) {
                if (ch.unicode() < 0x20)
                    ch = QLatin1Char('?');
            }
            qCWarning(lcDeploy) << "refusing a labelled container:" << why << shown;
            if (refused)
                *refused << QStringLiteral("%1: %2").arg(shown, why);
            continue;
        }
        found << c;
    }
    return found;
}

QList<Found> scanLocal(const QString& docker, const QString& experiment, QStringList* refused)
{
    if (!Docker::engineAnswers())
        return {};
    const CommandOutcome ps = CommandRunner::runAndWait(Docker::listLabelled(docker, experiment), 30000);
    if (!ps.ok()) {
        if (refused)
            *refused << QStringLiteral("docker ps failed: %1").arg(ps.errorText());
        return {};
    }
    return parse(ps.out, refused);
}

QList<HostScan> scanHosts(const QList<Host>& wanted, const SshSetup& ssh, const QString& experiment,
                          QStringList* refused)
{
    const QList<Host> hosts = checked(wanted, refused);
    QList<Command> commands;
    for (const Host& h : hosts)
        commands << SshAccess(h.address, ssh.sshDir, ssh.keyPath)
                        .command(Docker::argv(Docker::listLabelled(h.docker, experiment)));
    const QList<Outcome> outcomes = runAll(commands, ssh.timeoutSeconds);
    QList<HostScan> scans;
    QList<Command> close;
    for (int i = 0; i < hosts.size(); ++i) {
        HostScan scan;
        scan.host = hosts.at(i);
        if (outcomes.at(i).ok) {
            QStringList why;
            scan.found = parse(outcomes.at(i).out, &why);
            for (const QString& w : std::as_const(why)) {
                if (refused)
                    *refused << QStringLiteral("%1: %2").arg(hosts.at(i).address, w);
            }
        } else {
            scan.error = outcomes.at(i).error;
        }
        scans << scan;
        close << SshAccess(hosts.at(i).address, ssh.sshDir, ssh.keyPath).closeMaster();
    }
    // A look, not a session: no master connection is left behind.
    runAll(close, 5);
    return scans;
}

QStringList removeOnHosts(const QList<Host>& wanted, const SshSetup& ssh, const QString& experiment,
                          const QList<Found>& found, bool keepImages)
{
    if (!Parameters::isValidExperimentName(experiment))
        return { QStringLiteral("not an experiment name") };
    QStringList failures;
    const QList<Host> hosts = checked(wanted, &failures);
    QStringList images;
    for (const Found& f : found) {
        for (const QString& image : { f.image, builtImage(f.experiment, f.commit) }) {
            if (!images.contains(image) && checkImage(image).isEmpty())
                images << image;
        }
    }
    // The experiment's runner folders on each host (named per host address, which need not be this one); and the
    // registry login folders a killed pull left there go (TerminateOperation::remoteLoginPrefix).
    static const QString listRunners = QStringLiteral(
        "rm -rf -- \"$HOME\"/logistician/.docker-login-\"$1\"@*; "
        "for d in \"$HOME\"/logistician/\"$1\"/runner-*; do [ -d \"$d\" ] && printf '%s\\n' \"$d\"; done; true");
    QList<Command> lists;
    for (const Host& h : hosts)
        lists << SshAccess(h.address, ssh.sshDir, ssh.keyPath)
                     .command(
                         { QStringLiteral("sh"), QStringLiteral("-c"), listRunners, QStringLiteral("sh"), experiment });
    const QList<Outcome> runners = runAll(lists, ssh.timeoutSeconds);
    QList<Command> commands;
    for (int i = 0; i < hosts.size(); ++i) {
        const Host& h = hosts.at(i);
        // Each runner stops first (templates/remote/stop-runner.sh, in a subshell of its own): nothing starts
        // after the containers below are gone.
        QString text;
        for (const QString& dir : QString::fromUtf8(runners.at(i).out).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            text += QStringLiteral("(\n%1\n)\n")
                        .arg(RemoteScript(QStringLiteral("stop-runner")).set(QStringLiteral("DIR"), dir).render());
        RemoteScript terminate(QStringLiteral("terminate"));
        terminate.call(QStringLiteral("remove_labelled"),
                       QStringList { experiment, QString() } + Docker::programWords(h.docker));
        // One at a time: an image that is not there does not keep the others.
        for (const QString& image : std::as_const(images)) {
            if (!keepImages)
                terminate.call(QStringLiteral("remove_images"),
                               Docker::argv(Docker::removeImages(h.docker, { image })));
        }
        commands << SshAccess(h.address, ssh.sshDir, ssh.keyPath).script(text + terminate.render());
    }
    const QList<Outcome> outcomes = runAll(commands, std::max(ssh.timeoutSeconds, 120));
    QList<Command> close;
    for (int i = 0; i < hosts.size(); ++i) {
        if (!outcomes.at(i).ok)
            failures << QStringLiteral("%1: %2").arg(hosts.at(i).address, outcomes.at(i).error);
        close << SshAccess(hosts.at(i).address, ssh.sshDir, ssh.keyPath).closeMaster();
    }
    runAll(close, 5);
    return failures;
}

namespace {

SshSetup setupOf(const DeploymentIndex& index)
{
    SshSetup ssh;
    ssh.sshDir = index.sshDir();
    QDir().mkpath(ssh.sshDir);
    QFile::setPermissions(ssh.sshDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    ssh.keyPath = AppPaths::sshKeyPath();
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("LOGISTICIAN_HOST_SCAN_TIMEOUT", &ok);
    if (ok && seconds > 0)
        ssh.timeoutSeconds = seconds;
    return ssh;
}

QList<Host> hostsOf(const DeploymentIndex& index)
{
    QList<Host> hosts;
    for (const DeploymentIndex::KnownHost& k : index.knownHosts())
        hosts << Host { k.address, k.docker };
    return hosts;
}

} // namespace

QList<HostScan> scanKnownHosts(DeploymentIndex& index, const QString& experiment, QStringList* refused)
{
    const QList<Host> hosts = hostsOf(index);
    if (hosts.isEmpty())
        return {};
    const QList<HostScan> scans = scanHosts(hosts, setupOf(index), experiment, refused);
    for (const HostScan& scan : scans) {
        if (experiment.isEmpty() && scan.error.isEmpty() && scan.found.isEmpty())
            index.forgetKnownHost({ scan.host.address, scan.host.docker });
    }
    return scans;
}

QStringList removeOnKnownHosts(DeploymentIndex& index, const QList<HostScan>& scans, const QString& experiment,
                               bool keepImages)
{
    if (!Parameters::isValidExperimentName(experiment))
        return { QStringLiteral("not an experiment name") };
    const SshSetup ssh = setupOf(index);
    QList<Host> hosts;
    QList<Found> found;
    QList<Host> reached;
    for (const HostScan& scan : scans) {
        if (!scan.error.isEmpty())
            continue;
        reached << scan.host;
        if (!scan.found.isEmpty()) {
            hosts << scan.host;
            found += scan.found;
        }
    }
    QStringList failures = hosts.isEmpty() ? QStringList() : removeOnHosts(hosts, ssh, experiment, found, keepImages);
    // A host with nothing of ours left is no longer looked at (unless an index entry still names it).
    QStringList ignored;
    for (const HostScan& after : scanHosts(reached, ssh, QString(), &ignored)) {
        if (after.error.isEmpty() && after.found.isEmpty())
            index.forgetKnownHost({ after.host.address, after.host.docker });
    }
    return failures;
}

QString builtImage(const QString& experiment, const QString& commit)
{
    return QStringLiteral("logistician/%1:%2").arg(experiment.toLower(), commit.left(12));
}

QStringList names(const QList<Found>& found)
{
    QStringList out;
    for (const Found& f : found)
        out << f.name;
    return out;
}

QStringList images(const QList<Found>& found)
{
    QStringList out;
    for (const Found& f : found) {
        if (!out.contains(f.image))
            out << f.image;
    }
    return out;
}

} // namespace LabelledContainers
