// SPDX-License-Identifier: MIT
#include "TerminateVerb.h"

#include "Console.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "Parameters.h"
#include "ShellWords.h"
#include "deploy/Deployment.h"
#include "deploy/LabelledContainers.h"
#include "deploy/TerminateOperation.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>

namespace {

// Runs a docker command on this machine to its end (the leftovers of an orphan); false when it failed.
bool runLocal(const Command& command, QString* error)
{
    Console::echoCommand(command.display());
    QProcess p;
    p.start(command.program, command.arguments);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QString::fromUtf8(p.readAllStandardError()).trimmed();
        return false;
    }
    return true;
}

} // namespace

int TerminateVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption yes({ QStringLiteral("y"), QStringLiteral("yes") }, QStringLiteral("Do not ask first."));
    const QCommandLineOption force(QStringLiteral("force"),
                                   QStringLiteral("Terminate even though results are not synced or hosts do not "
                                                  "answer."));
    const QCommandLineOption keepImages(QStringLiteral("keep-images"),
                                        QStringLiteral("Keep the image deploy built or pulled (here and on the "
                                                       "hosts)."));
    const QCommandLineOption experimentOption(
        QStringLiteral("experiment"),
        QStringLiteral("Terminate every deployment of the experiment NAME (or of the experiment folder PATH), "
                       "also when its .logistician or its whole folder is gone: found in the per-user index "
                       "and by the labels of its containers."),
        QStringLiteral("NAME|PATH"));
    const QCommandLineOption condition = conditionOption(QStringLiteral("Terminate"));
    parser.addOption(yes);
    parser.addOption(force);
    parser.addOption(keepImages);
    parser.addOption(experimentOption);
    parser.addOption(condition);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Deployment::TerminateOptions options;
    options.force = parser.isSet(force);
    options.keepImages = parser.isSet(keepImages);
    if (const Result numbers = conditionNumbers(parser, condition, &options.conditions); !numbers)
        return Console::exitWith(numbers);

    // terminate --experiment NAME|PATH, or a folder that is no experiment any more.
    QString target = parser.value(experimentOption);
    if (target.isEmpty() && parser.positionalArguments().size() == 1
        && !QFileInfo::exists(parser.positionalArguments().first() + QStringLiteral("/parameters.json")))
        target = parser.positionalArguments().first();
    if (!target.isEmpty()) {
        if (parser.isSet(experimentOption) && !parser.positionalArguments().isEmpty())
            return Console::exitWith(
                Result::badInput(QStringLiteral("terminate: --experiment and an experiment folder are one or the "
                                                "other")));
        if (!options.conditions.isEmpty())
            return Console::exitWith(
                Result::badInput(QStringLiteral("terminate: --condition needs the experiment's own folder")));
        const QList<DeploymentIndex::Entry> entries = DeploymentIndex().find(target);
        const bool isPath = target.contains(QLatin1Char('/')) || QFileInfo::exists(target);
        QString name = isPath ? QString() : target;
        if (isPath && !entries.isEmpty())
            name = entries.first().state.experiment;
        if (isPath && name.isEmpty() && QFileInfo::exists(target + QStringLiteral("/parameters.json"))) {
            Experiment experiment;
            if (Experiment::open(target, &experiment))
                name = experiment.parameters().experimentName();
        }
        if (isPath && name.isEmpty() && entries.isEmpty())
            return Console::exitWith(Result::badInput(
                QStringLiteral("%1: no deployment of this folder is known (not in the deployment index, no "
                               "parameters.json); `logistician list` shows what is")
                    .arg(target)));
        if (!Parameters::isValidExperimentName(name))
            return Console::exitWith(
                Result::badInput(QStringLiteral("terminate: --experiment %1: not an experiment name or folder")
                                     .arg(ShellWords::quote(target))));
        return terminateOrphans(entries, name, QStringLiteral("docker"), options, parser.isSet(yes));
    }

    std::unique_ptr<Deployment> opened;
    if (const Result loaded = openDeployment(parser, &opened); !loaded)
        return Console::exitWith(loaded);
    Deployment& deployment = *opened;
    if (!deployment.hasDeployment()) {
        // deployment.json is gone (or .logistician is): what it ran is found through the index and the labels.
        const Experiment& experiment = deployment.experiment();
        const QString name = experiment.parameters().experimentName();
        QList<DeploymentIndex::Entry> entries = DeploymentIndex().find(experiment.dir());
        const QList<LabelledContainers::Found> leftovers
            = LabelledContainers::scanLocal(experiment.parameters().localDockerCommand(), name, nullptr);
        bool onHosts = false;
        if (entries.isEmpty() && leftovers.isEmpty()) {
            DeploymentIndex index;
            for (const LabelledContainers::HostScan& scan : LabelledContainers::scanKnownHosts(index, name, nullptr))
                onHosts = onHosts || !scan.found.isEmpty();
        }
        if (!entries.isEmpty() || !leftovers.isEmpty() || onHosts)
            return terminateOrphans(entries, name, experiment.parameters().localDockerCommand(), options,
                                    parser.isSet(yes));
        Console::err(QStringLiteral("logistician: nothing is deployed for %1\n").arg(experiment.dir()));
        return reportDeployment(deployment, 0, QString());
    }
    const DeploymentState& s = deployment.state();
    if (!s.terminated && !parser.isSet(yes)) {
        const bool aws = s.backend == QLatin1String("aws");
        QString question;
        if (options.conditions.isEmpty()) {
            question
                = QStringLiteral("Terminate %1 condition(s) of %2 on the %3 backend%4?")
                      .arg(s.conditions.size())
                      .arg(s.experiment, s.backend,
                           aws ? QStringLiteral(" and destroy their %1 machine(s)").arg(s.hosts.size()) : QString());
        } else {
            QStringList names;
            for (int n : std::as_const(options.conditions))
                names << (n <= s.conditions.size() ? s.conditions.at(n - 1).slug : QString::number(n));
            question = QStringLiteral("Terminate %1 of %2 on the %3 backend%4? The other conditions go on.")
                           .arg(names.join(QStringLiteral(", ")), s.experiment, s.backend,
                                aws ? QStringLiteral(" and destroy its machine") : QString());
        }
        if (!Console::stdinIsTerminal())
            return Console::exitWith(
                Result::badInput(QStringLiteral("terminate: pass --yes to terminate without a question")));
        if (!DeployVerb::confirm(question))
            return Console::exitWith(Result::cancelled(QString()));
    }
    QString message;
    const int code = DeployVerb::await(
        deployment, [&] { deployment.terminate(options); }, &message);
    return reportDeployment(deployment, code, message);
}

int TerminateVerb::terminateOrphans(const QList<DeploymentIndex::Entry>& entries, const QString& experiment,
                                    const QString& localDocker, const TerminateOptions& options, bool yes)
{
    QStringList refused;
    const QList<LabelledContainers::Found> before = LabelledContainers::scanLocal(localDocker, experiment, &refused);
    // The ssh hosts any deployment ran on (kept by the index after its entry is gone): what still runs there.
    DeploymentIndex knownHosts;
    const QList<LabelledContainers::HostScan> onHosts
        = LabelledContainers::scanKnownHosts(knownHosts, experiment, &refused);
    QStringList hostsWithContainers;
    int hostContainers = 0;
    QJsonArray hostsNotAsked;
    for (const LabelledContainers::HostScan& scan : onHosts) {
        if (!scan.error.isEmpty()) {
            Console::err(QStringLiteral("logistician: %1 was not asked for containers: %2\n")
                             .arg(scan.host.address, scan.error));
            hostsNotAsked.append(
                QJsonObject { { QStringLiteral("host"), scan.host.address }, { QStringLiteral("error"), scan.error } });
        } else if (!scan.found.isEmpty()) {
            hostsWithContainers << scan.host.address;
            hostContainers += scan.found.size();
        }
    }
    QJsonArray removedOnHosts;
    QList<DeploymentIndex::Entry> live;
    for (const DeploymentIndex::Entry& e : entries) {
        if (!e.state.terminated)
            live << e;
    }
    auto report = [&](int code, const QString& error, const QJsonArray& done, const QStringList& removed) {
        refused.removeDuplicates();
        if (!refused.isEmpty())
            Console::err(QStringLiteral("logistician: left alone (labels that are not Logistician's): %1\n")
                             .arg(refused.join(QStringLiteral("; "))));
        if (code != 0)
            Console::error(error);
        if (Console::jsonMode())
            Console::printJson({ { QStringLiteral("verb"), name() },
                                 { QStringLiteral("exit_code"), code },
                                 { QStringLiteral("error"), code == 0 ? QJsonValue() : QJsonValue(error) },
                                 { QStringLiteral("experiment"), experiment },
                                 { QStringLiteral("orphans"), done },
                                 { QStringLiteral("containers_removed"), QJsonArray::fromStringList(removed) },
                                 { QStringLiteral("containers_removed_on_hosts"), removedOnHosts },
                                 { QStringLiteral("hosts_not_answering"), hostsNotAsked },
                                 { QStringLiteral("refused"), QJsonArray::fromStringList(refused) } });
        return code;
    };
    if (live.isEmpty() && before.isEmpty() && hostContainers == 0) {
        Console::err(QStringLiteral("logistician: nothing is deployed for %1\n").arg(experiment));
        return report(0, QString(), {}, {});
    }
    if (!yes) {
        QStringList what;
        for (const DeploymentIndex::Entry& e : std::as_const(live))
            what << QStringLiteral("the %1 deployment of commit %2 from %3")
                        .arg(e.state.backend, e.state.commit.left(12), e.experimentDir);
        if (!before.isEmpty())
            what << QStringLiteral("%1 labelled container(s) on this machine").arg(before.size());
        if (hostContainers > 0)
            what << QStringLiteral("%1 labelled container(s) on %2")
                        .arg(hostContainers)
                        .arg(hostsWithContainers.join(QStringLiteral(", ")));
        if (!Console::stdinIsTerminal())
            return report(Result::badInput(QString()).exitCode(),
                          QStringLiteral("terminate: pass --yes to terminate without a question"), {}, {});
        if (!DeployVerb::confirm(
                QStringLiteral("Terminate %1 of %2?").arg(what.join(QStringLiteral(", ")), experiment)))
            return Console::exitWith(Result::cancelled(QString()));
    }

    // Each deployment the index knows, put back where an operation opens it and terminated as usual: its
    // runners, its containers on every host it recorded, its machines (terraform destroy from the state copy).
    QJsonArray done;
    int code = 0;
    TerminateOptions each = options;
    each.anyCommit = true; // a redeploy of another commit may have left its containers there too
    QStringList errors;
    DeploymentIndex index;
    for (const DeploymentIndex::Entry& e : std::as_const(live)) {
        QString dir;
        Experiment restored;
        Result r = index.restore(e, &dir);
        if (r)
            r = Experiment::open(dir, &restored);
        int entryCode = 0;
        QString message;
        if (!r) {
            entryCode = r.exitCode();
            message = r.message();
        } else {
            Console::err(QStringLiteral("terminating the %1 deployment of %2 (commit %3) from %4\n")
                             .arg(e.state.backend, experiment, e.state.commit.left(12), e.experimentDir));
            Deployment deployment(restored);
            if (const Result loaded = deployment.load(); !loaded) {
                entryCode = loaded.exitCode();
                message = loaded.message();
            } else {
                entryCode = DeployVerb::await(
                    deployment, [&] { deployment.terminate(each); }, &message);
            }
        }
        if (entryCode == 0) {
            // Put back in a folder of the index's own: the entry goes with it.
            if (const Result forgotten = index.forgetKey(e.key); !forgotten)
                Console::error(forgotten.message());
        } else {
            code = std::max(code, entryCode);
            errors << QStringLiteral("%1: %2").arg(e.experimentDir, message);
        }
        done.append(QJsonObject { { QStringLiteral("experiment_dir"), e.experimentDir },
                                  { QStringLiteral("backend"), e.state.backend },
                                  { QStringLiteral("commit"), e.state.commit },
                                  { QStringLiteral("terminated"), entryCode == 0 } });
    }

    // What still carries the label here (whatever its commit): a deployment the index never knew, or one of
    // another commit; the containers go, then (unless --keep-images) the images they ran.
    const QList<LabelledContainers::Found> after = LabelledContainers::scanLocal(localDocker, experiment, &refused);
    QStringList removed;
    if (!after.isEmpty()) {
        QString error;
        if (!runLocal(Docker::removeContainers(localDocker, LabelledContainers::names(after)), &error)) {
            code = std::max(code, 1);
            errors << QStringLiteral("docker rm failed: %1").arg(error);
        } else {
            removed = LabelledContainers::names(after);
        }
        if (!options.keepImages) {
            QStringList images;
            for (const LabelledContainers::Found& f : after) {
                for (const QString& image : { f.image, LabelledContainers::builtImage(f.experiment, f.commit) }) {
                    if (!images.contains(image))
                        images << image;
                }
            }
            // One at a time: an image that is gone already does not keep the others.
            for (const QString& image : std::as_const(images))
                runLocal(Docker::removeImages(localDocker, { image }), &error);
        }
    }
    // Then what still carries the label on the known ssh hosts (the runners of the experiment stop first), looked
    // at again: the deployments above removed theirs. A host that does not answer is reported, not fatal.
    if (hostContainers > 0) {
        QStringList ignored;
        DeploymentIndex index;
        const QList<LabelledContainers::HostScan> left
            = LabelledContainers::scanKnownHosts(index, experiment, &ignored);
        const QStringList failed = LabelledContainers::removeOnKnownHosts(index, left, experiment, options.keepImages);
        for (const LabelledContainers::HostScan& scan : left) {
            bool hostFailed = false;
            for (const QString& f : failed)
                hostFailed = hostFailed || f.startsWith(scan.host.address + QLatin1Char(':'));
            for (const LabelledContainers::Found& f : scan.found) {
                if (!hostFailed)
                    removedOnHosts.append(QJsonObject { { QStringLiteral("host"), scan.host.address },
                                                        { QStringLiteral("name"), f.name } });
            }
        }
        if (!failed.isEmpty()) {
            code = std::max(code, 1);
            errors << QStringLiteral("on the hosts: %1").arg(failed.join(QStringLiteral("; ")));
        }
    }
    // A push's registry login folder a killed deploy left in this user's state folder (never /tmp, where
    // anyone could have planted one).
    QDir logins(TerminateOperation::localLoginFolder());
    for (const QString& d : logins.entryList({ TerminateOperation::localLoginPrefix(experiment) + QLatin1Char('*') },
                                             QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot | QDir::NoSymLinks))
        QDir(logins.filePath(d)).removeRecursively();
    if (code == 0)
        Console::err(QStringLiteral("terminated %1: %2 deployment(s) from the index, %3 leftover container(s)\n")
                         .arg(experiment)
                         .arg(done.size())
                         .arg(removed.size() + removedOnHosts.size()));
    return report(code, errors.join(QStringLiteral("; ")), done, removed);
}
