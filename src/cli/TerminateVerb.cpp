// SPDX-License-Identifier: MIT
#include "TerminateVerb.h"

#include "Console.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "Parameters.h"
#include "ShellWords.h"
#include "Wait.h"
#include "deploy/Deployment.h"
#include "deploy/LabelledContainers.h"
#include "deploy/MachineInventory.h"
#include "deploy/Orphans.h"
#include "deploy/ResultsStore.h"
#include "deploy/ResultsStoreSync.h"
#include "deploy/TerminateOperation.h"
#include "deploy/backends/BackendRegistry.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace {

// terminate --delete-store: the experiment's objects in its results store, every version, after a question that
// says how many and how large (--yes: said, not asked). The bucket itself stays.
Result deleteStore(const Parameters& parameters, const QString& backend, bool yes)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    if (!store)
        return Result::badInput(QStringLiteral("terminate: --delete-store: parameters.json sets no results_store"));
    QObject owner;
    ResultsStoreSync::Contents contents;
    QString error;
    Wait::until([&](const std::function<void()>& over) {
        ResultsStoreSync::measure(parameters, backend, &owner,
                                  [&, over](const ResultsStoreSync::Contents& found, const QString& why) {
                                      contents = found;
                                      error = why;
                                      over();
                                  });
    });
    if (!error.isEmpty())
        return Result::failed(QStringLiteral("terminate: --delete-store: %1").arg(error));
    const QString amount = QStringLiteral("%1 object version(s), %2 MiB")
                               .arg(contents.versions)
                               .arg(QString::number(static_cast<double>(contents.bytes) / (1024.0 * 1024.0), 'f', 1));
    if (contents.versions == 0) {
        ResultsStore::forget(*store);
        Console::err(QStringLiteral("logistician: %1/ holds nothing; nothing deleted\n").arg(store->url()));
        return Result::ok();
    }
    const QString question
        = QStringLiteral("Delete %1 under %2/ for good (every version; the bucket stays)?").arg(amount, store->url());
    if (!yes) {
        if (!Console::stdinIsTerminal())
            return Result::badInput(
                QStringLiteral("terminate: --delete-store would delete %1 under %2/; pass --yes as well to delete "
                               "them without a question")
                    .arg(amount, store->url()));
        if (!DeployVerb::confirm(question))
            return Result::cancelled(QString());
    }
    Result erased = Result::ok();
    Wait::until([&](const std::function<void()>& over) {
        ResultsStoreSync::erase(parameters, backend, &owner, contents, [&, over](const Result& r) {
            erased = r;
            over();
        });
    });
    if (erased)
        ResultsStore::forget(*store);
    if (erased)
        Console::err(QStringLiteral("logistician: deleted %1 under %2/\n").arg(amount, store->url()));
    return erased;
}

// The question before terminating a deployment (or some of its conditions): Cancelled when the answer is no,
// bad input when there is no terminal to ask on.
Result confirmTermination(const DeploymentState& s, const QList<int>& conditions)
{
    const bool aws = BackendRegistry::traits(s.backend).hasMachines;
    QString question;
    if (conditions.isEmpty()) {
        question = QStringLiteral("Terminate %1 condition(s) of %2 on the %3 backend%4?")
                       .arg(s.conditions.size())
                       .arg(s.experiment, s.backend,
                            aws ? QStringLiteral(" and destroy their %1 machine(s)").arg(s.hosts.size()) : QString());
    } else {
        QStringList names;
        for (int n : conditions)
            names << (n <= s.conditions.size() ? s.conditions.at(n - 1).slug : QString::number(n));
        question = QStringLiteral("Terminate %1 of %2 on the %3 backend%4? The other conditions go on.")
                       .arg(names.join(QStringLiteral(", ")), s.experiment, s.backend,
                            aws ? QStringLiteral(" and destroy its machine") : QString());
    }
    if (!Console::stdinIsTerminal())
        return Result::badInput(QStringLiteral("terminate: pass --yes to terminate without a question"));
    if (!DeployVerb::confirm(question))
        return Result::cancelled(QString());
    return Result::ok();
}

// The experiment name terminate --experiment NAME|PATH means: NAME, or for a PATH its index entries' (else its
// parameters.json's); bad input when a path is known nowhere or the name is no experiment name.
ResultOf<QString> experimentNamed(const QString& target, const QList<DeploymentIndex::Entry>& entries)
{
    const bool isPath = target.contains(QLatin1Char('/')) || QFileInfo::exists(target);
    QString name = isPath ? QString() : target;
    if (isPath && !entries.isEmpty())
        name = entries.first().state.experiment;
    if (isPath && name.isEmpty() && QFileInfo::exists(target + QStringLiteral("/parameters.json"))) {
        if (const auto experiment = Experiment::open(target))
            name = experiment->parameters().experimentName();
    }
    if (isPath && name.isEmpty() && entries.isEmpty())
        return Result::badInput(QStringLiteral("%1: no deployment of this folder is known (not in the deployment "
                                               "index, no parameters.json); `logistician list` shows what is")
                                    .arg(target));
    if (!Parameters::isValidExperimentName(name))
        return Result::badInput(QStringLiteral("terminate: --experiment %1: not an experiment name or folder")
                                    .arg(ShellWords::quote(target)));
    return name;
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
    const QCommandLineOption deleteStoreOption(
        QStringLiteral("delete-store"),
        QStringLiteral("Also delete the experiment's objects in its results store (results_store), every version; "
                       "asks first, saying how many and how large. Without it the store is never touched."));
    parser.addOption(yes);
    parser.addOption(deleteStoreOption);
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
    const ResultOf<QList<int>> numbers = conditionNumbers(parser, condition);
    if (!numbers)
        return Console::exitWith(numbers.error());
    options.conditions = *numbers;

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
        const ResultOf<QString> name = experimentNamed(target, entries);
        if (!name)
            return Console::exitWith(name.error());
        return terminateOrphans(entries, *name, QStringLiteral("docker"), options, parser.isSet(yes));
    }

    ResultOf<std::unique_ptr<Deployment>> loaded = openDeployment(parser);
    if (!loaded)
        return Console::exitWith(loaded.error());
    const std::unique_ptr<Deployment> opened = loaded.take();
    return terminateDeployment(*opened, options, parser.isSet(yes), parser.isSet(deleteStoreOption));
}

int TerminateVerb::terminateDeployment(Deployment& deployment, const TerminateOptions& options, bool yes,
                                       bool deleteResults)
{
    if (!deployment.hasDeployment())
        return terminateLeftovers(deployment, options, yes);
    const DeploymentState& s = deployment.state();
    if (!s.terminated && !yes) {
        if (const Result asked = confirmTermination(s, options.conditions); !asked)
            return Console::exitWith(asked);
    }
    const DeployVerb::Awaited terminated = DeployVerb::await(deployment, [&] { deployment.terminate(options); });
    QString message = terminated.message;
    int code = terminated.code;
    if (code == 0 && deleteResults) {
        const Result deleted = deleteStore(deployment.experiment().parameters(), s.backend, yes);
        if (deleted) {
            deployment.markStoreDeleted(); // its storage ends here (the cost to date)
        } else {
            message = deleted.message();
            if (!message.isEmpty())
                Console::error(message);
            code = deleted.exitCode();
        }
    }
    return reportDeployment(deployment, code, message);
}

int TerminateVerb::terminateLeftovers(const Deployment& deployment, const TerminateOptions& options, bool yes)
{
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
        return terminateOrphans(entries, name, experiment.parameters().localDockerCommand(), options, yes);
    Console::err(QStringLiteral("logistician: nothing is deployed for %1\n").arg(experiment.dir()));
    return reportDeployment(deployment, 0, QString());
}

namespace {

// What an experiment left: Orphans::find, and the clouds by their machines' tags (with the project folder and its
// index entry gone, no state names them).
Orphans::Found findOrphans(const QList<DeploymentIndex::Entry>& entries, const QString& experiment,
                           const QString& localDocker)
{
    Orphans::Found found = Orphans::find(entries, experiment, localDocker);
    QObject owner;
    for (MachineInventory* inventory : BackendRegistry::inventories(&owner)) {
        Wait::forSignal(inventory, &MachineInventory::finished, [&] { inventory->find(experiment); });
        if (!inventory->error().isEmpty())
            Console::err(QStringLiteral("logistician: %1\n").arg(inventory->error()));
        found.setEc2(*inventory);
    }
    return found;
}

// The termination's steps as they happen, on stderr, for as long as context lives.
void showProgress(Orphans::Termination& termination, QObject& context, const QString& experiment)
{
    QObject::connect(&termination, &Orphans::Termination::terminating, &context,
                     [&](const Orphans::Report::Deployment& d) {
                         Console::err(QStringLiteral("terminating the %1 deployment of %2 (commit %3) from %4\n")
                                          .arg(d.backend, experiment, d.commit.left(12), d.experimentDir));
                     });
    QObject::connect(&termination, &Orphans::Termination::progress, &context,
                     [](const QString& message) { Console::err(QStringLiteral("logistician: %1\n").arg(message)); });
    QObject::connect(&termination, &Orphans::Termination::deploymentFinished, &context,
                     [](int code, const QString& message) {
                         if (code != 0 && !message.isEmpty())
                             Console::error(message);
                         else if (!message.isEmpty())
                             Console::err(QStringLiteral("logistician: %1\n").arg(message));
                     });
}

} // namespace

int TerminateVerb::terminateOrphans(const QList<DeploymentIndex::Entry>& entries, const QString& experiment,
                                    const QString& localDocker, const TerminateOptions& options, bool yes)
{
    const Orphans::Found found = findOrphans(entries, experiment, localDocker);
    QJsonArray hostsNotAsked;
    for (const Orphans::HostProblem& h : found.hostsNotAsked) {
        Console::err(QStringLiteral("logistician: %1 was not asked for containers: %2\n").arg(h.host, h.error));
        hostsNotAsked.append(QJsonObject { { QStringLiteral("host"), h.host }, { QStringLiteral("error"), h.error } });
    }
    auto print = [&](int code, const QString& error, const Orphans::Report& r) {
        QStringList refused = found.refused + r.refused;
        refused.removeDuplicates();
        if (!refused.isEmpty())
            Console::err(QStringLiteral("logistician: left alone (labels that are not Logistician's): %1\n")
                             .arg(refused.join(QStringLiteral("; "))));
        if (code != 0)
            Console::error(error);
        if (Console::jsonMode()) {
            QJsonArray done;
            for (const Orphans::Report::Deployment& d : r.deployments)
                done.append(QJsonObject { { QStringLiteral("experiment_dir"), d.experimentDir },
                                          { QStringLiteral("backend"), d.backend },
                                          { QStringLiteral("commit"), d.commit },
                                          { QStringLiteral("terminated"), d.terminated } });
            QJsonArray removedOnHosts;
            for (const Orphans::Report::HostContainer& c : r.removedOnHosts)
                removedOnHosts.append(
                    QJsonObject { { QStringLiteral("host"), c.host }, { QStringLiteral("name"), c.name } });
            Console::printJson(
                { { QStringLiteral("verb"), name() },
                  { QStringLiteral("exit_code"), code },
                  { QStringLiteral("error"), code == 0 ? QJsonValue() : QJsonValue(error) },
                  { QStringLiteral("experiment"), experiment },
                  { QStringLiteral("orphans"), done },
                  { QStringLiteral("containers_removed"), QJsonArray::fromStringList(r.removed) },
                  { QStringLiteral("containers_removed_on_hosts"), removedOnHosts },
                  { QStringLiteral("ec2_instances_terminated"), QJsonArray::fromStringList(r.ec2Terminated) },
                  { QStringLiteral("hosts_not_answering"), hostsNotAsked },
                  { QStringLiteral("refused"), QJsonArray::fromStringList(refused) } });
        }
        return code;
    };
    if (found.isEmpty()) {
        Console::err(QStringLiteral("logistician: nothing is deployed for %1\n").arg(experiment));
        return print(0, QString(), {});
    }
    if (!yes) {
        if (!Console::stdinIsTerminal())
            return print(Result::badInput(QString()).exitCode(),
                         QStringLiteral("terminate: pass --yes to terminate without a question"), {});
        if (!DeployVerb::confirm(found.question()))
            return Console::exitWith(Result::cancelled(QString()));
    }

    // The core's Termination (Orphans): each deployment of the index terminated as usual, then the leftovers.
    Orphans::Termination termination(found, options);
    QObject context; // ends these connections with the wait
    showProgress(termination, context, experiment);
    // Its commands are echoed as every command is (CommandRunner::runAndWait, the command log).
    Wait::forSignal(&termination, &Orphans::Termination::finished, [&] { termination.start(); });
    const Orphans::Report& r = termination.report();
    if (r.code == 0)
        Console::err(QStringLiteral("terminated %1: %2 deployment(s) from the index, %3 leftover container(s)%4\n")
                         .arg(experiment)
                         .arg(r.deployments.size())
                         .arg(r.removed.size() + r.removedOnHosts.size())
                         .arg(r.ec2Terminated.isEmpty()
                                  ? QString()
                                  : QStringLiteral(", %1 EC2 instance(s) found by their tags (%2)")
                                        .arg(r.ec2Terminated.size())
                                        .arg(r.ec2Terminated.join(QStringLiteral(", ")))));
    return print(r.code, r.error(), r);
}
