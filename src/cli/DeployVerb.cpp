// SPDX-License-Identifier: MIT
#include "DeployVerb.h"

#include "Console.h"
#include "Docker.h"
#include "Experiment.h"
#include "ParameterSchema.h"
#include "Wait.h"
#include "deploy/DeployPreview.h"
#include "deploy/Deployment.h"
#include "deploy/backends/BackendRegistry.h"

int DeployVerb::waitForEnd(Deployment& deployment, int intervalSeconds)
{
    // The runners on the hosts do the work; this only looks, as `status --watch` does.
    for (;;) {
        const int code = await(deployment, [&] { deployment.refreshStatus(); }).code;
        if (code == 2)
            return code;
        if (!deployment.state().stillGoing()) {
            const int exitCode = Deployment::exitCodeFor(deployment.state());
            Console::err(QStringLiteral("logistician: every condition has ended%1\n")
                             .arg(exitCode ? QStringLiteral("; some failed or were lost (see `logistician status`)")
                                           : QString()));
            return exitCode;
        }
        Wait::pause(intervalSeconds * 1000);
    }
}

DeployVerb::Awaited DeployVerb::await(Deployment& deployment, const std::function<void()>& start)
{
    QObject context; // ends these connections with the wait
    Awaited awaited;
    QObject::connect(&deployment, &Deployment::progress, &context,
                     [](const QString& message) { Console::err(QStringLiteral("logistician: %1\n").arg(message)); });
    QObject::connect(&deployment, &Deployment::finished, &context, [&](int exitCode, const QString& message) {
        awaited.code = exitCode;
        awaited.message = message;
        if (exitCode != 0 && !message.isEmpty())
            Console::error(message);
        else if (!message.isEmpty())
            Console::err(QStringLiteral("logistician: %1\n").arg(message));
    });
    Wait::forSignal(&deployment, &Deployment::finished, start, [&] { return deployment.isBusy(); });
    return awaited;
}

bool DeployVerb::confirm(const QString& question)
{
    if (!Console::stdinIsTerminal())
        return false;
    const QString answer = Console::prompt(question + QStringLiteral(" [y/N]"));
    return answer.compare(QLatin1String("y"), Qt::CaseInsensitive) == 0
        || answer.compare(QLatin1String("yes"), Qt::CaseInsensitive) == 0;
}

int DeployVerb::preview(const Deployment& deployment, const DeployOptions& options)
{
    DeployPreview preview(deployment);
    int code = 0;
    QObject::connect(&preview, &DeployPreview::finished, [&](const Result& result, const QString& text) {
        Console::out(text + QLatin1Char('\n'));
        code = Console::exitWith(result);
    });
    Wait::forSignal(&preview, &DeployPreview::finished, [&] { preview.start(options); });
    return code;
}

namespace {

// The limits' words and bounds are parameters.json's (ParameterSchema).
QString limitHelp(const char* key, const char* prefix, const char* zero)
{
    const ParameterSchema::Key& k = ParameterSchema::key(QLatin1String(key));
    return QStringLiteral("%1%2, in minutes from 0 (%3) to %4 (default: parameters.json's %5).")
        .arg(QLatin1String(prefix), k.help, QLatin1String(zero))
        .arg(k.maximum)
        .arg(k.key);
}

// deploy's options, declared once: added to the parser, then read into DeployOptions.
struct DeployFlags
{
    const QCommandLineOption backend { QStringLiteral("backend"),
                                       QStringLiteral(
                                           "Where to run: aws, local, slurm or ssh (default: parameters.json's "
                                           "backend, else local)."),
                                       QStringLiteral("NAME") };
    const QCommandLineOption yes { { QStringLiteral("y"), QStringLiteral("yes") },
                                   QStringLiteral("Do not ask before creating machines that cost money.") };
    const QCommandLineOption allowDirty { QStringLiteral("allow-dirty"),
                                          QStringLiteral("Deploy even though the working tree has uncommitted changes "
                                                         "(they are not part of the run; the HEAD commit is).") };
    const QCommandLineOption sshCidr { QStringLiteral("ssh-cidr"),
                                       QStringLiteral("aws: the address range allowed to reach the machines over SSH, "
                                                      "e.g. 203.0.113.7/32 (default: parameters.json's aws_ssh_cidr)."),
                                       QStringLiteral("CIDR") };
    const QCommandLineOption allowWideSsh { QStringLiteral("allow-wide-ssh"),
                                            QStringLiteral("aws: accept an SSH address range shorter than /16 "
                                                           "(0.0.0.0/0 included); a warning is printed.") };
    const QCommandLineOption dryRun { QStringLiteral("dry-run"),
                                      QStringLiteral("Show what would happen (aws: Terraform's plan, made in a scratch "
                                                     "folder) and change nothing: no machines, containers or state.") };
    const QCommandLineOption wait { QStringLiteral("wait"),
                                    QStringLiteral("After handing the conditions over, follow them until every one has "
                                                   "ended; the exit code is then status's (1 if any failed).") };
    const QCommandLineOption noAutoSync { QStringLiteral("no-auto-sync"),
                                          QStringLiteral("With --wait: do not sync each condition's results as it "
                                                         "finishes (for huge results; `sync` them when you want).") };
    const QCommandLineOption replace { QStringLiteral("replace"),
                                       QStringLiteral("Remove the containers (and runners) a deployment of another "
                                                      "commit of this experiment left on the hosts, instead of "
                                                      "refusing to deploy next to them.") };
    const QCommandLineOption rerunFailed { QStringLiteral("rerun-failed"),
                                           QStringLiteral("Run the deployment's failed, timed-out and lost conditions "
                                                          "again, each as a new attempt (data/<condition>/attempt-N); "
                                                          "the earlier attempts are kept.") };
    const QCommandLineOption rerun { QStringLiteral("rerun"),
                                     QStringLiteral(
                                         "Run condition N again as a new attempt (its number as `logistician "
                                         "status` shows it, or its name); repeat or separate with commas."),
                                     QStringLiteral("N") };
    const QCommandLineOption autoStop { QStringLiteral("auto-stop"), limitHelp("auto_stop_minutes", "aws: ", "never"),
                                        QStringLiteral("MINUTES") };
    const QCommandLineOption maxRuntime { QStringLiteral("max-runtime"),
                                          limitHelp("max_runtime_minutes", "", "no limit"), QStringLiteral("MINUTES") };
    const ParameterSchema::Key& machinesKey = ParameterSchema::key(QStringLiteral("aws_machines"));
    const QCommandLineOption machines { QStringLiteral("machines"),
                                        QStringLiteral("aws: %1, from 0 to %2 (default: parameters.json's %3).")
                                            .arg(machinesKey.help)
                                            .arg(machinesKey.maximum)
                                            .arg(machinesKey.key),
                                        QStringLiteral("N") };

    void addTo(QCommandLineParser& parser) const
    {
        for (const QCommandLineOption* o :
             { &machines, &autoStop, &maxRuntime, &rerunFailed, &rerun, &wait, &noAutoSync, &replace, &allowWideSsh,
               &dryRun, &backend, &yes, &allowDirty, &sshCidr })
            parser.addOption(*o);
    }

    // What the options ask for; BadInput for a limit that is not a whole number of minutes in bounds.
    ResultOf<DeployOptions> read(const QCommandLineParser& parser) const
    {
        DeployOptions options;
        options.backend = parser.value(backend);
        options.allowDirty = parser.isSet(allowDirty);
        options.sshCidr = parser.value(sshCidr);
        options.allowWideSsh = parser.isSet(allowWideSsh);
        options.dryRun = parser.isSet(dryRun);
        options.replace = parser.isSet(replace);
        options.rerunFailed = parser.isSet(rerunFailed);
        // Minutes as parameters.json takes them: a whole number from 0 (off), refused otherwise.
        for (const auto& [option, minutes] : { std::pair { &autoStop, &options.autoStopMinutes },
                                               std::pair { &maxRuntime, &options.maxRuntimeMinutes } }) {
            if (!parser.isSet(*option))
                continue;
            bool ok = false;
            const int value = parser.value(*option).toInt(&ok);
            if (!ok || value < 0 || value > ParameterSchema::MaxMinutes)
                return Result::badInput(QStringLiteral("deploy: --%1: \"%2\" is not a whole number of "
                                                       "minutes from 0 (off) to %3")
                                            .arg(option->names().constFirst(), parser.value(*option))
                                            .arg(ParameterSchema::MaxMinutes));
            *minutes = value;
        }
        if (parser.isSet(machines)) {
            bool ok = false;
            const int value = parser.value(machines).toInt(&ok);
            if (!ok || value < machinesKey.minimum || value > machinesKey.maximum)
                return Result::badInput(QStringLiteral("deploy: --machines: \"%1\" is not a whole number from %2 "
                                                       "(one machine per condition) to %3")
                                            .arg(parser.value(machines))
                                            .arg(machinesKey.minimum)
                                            .arg(machinesKey.maximum));
            options.awsMachines = value;
        }
        for (const QString& value : parser.values(rerun)) {
            for (const QString& part : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                options.rerun << part.trimmed();
        }
        return options;
    }
};

// Machines that cost money are made only when the user says so: --yes, or yes at the question.
Result confirmCost(const Deployment::Plan& plan, bool yes)
{
    if (!plan.costsMoney || plan.resumes || yes)
        return Result::ok();
    if (!Console::stdinIsTerminal())
        return Result::badInput(
            QStringLiteral("deploy: this creates machines that cost money; pass --yes to go on without a question"));
    if (!DeployVerb::confirm(QStringLiteral("Create them?"))) {
        Console::err(QStringLiteral("logistician: nothing was created\n"));
        return Result::cancelled(QString());
    }
    return Result::ok();
}

} // namespace

int DeployVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const DeployFlags flags;
    flags.addTo(parser);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    ResultOf<std::unique_ptr<Deployment>> loaded = openDeployment(parser);
    if (!loaded)
        return Console::exitWith(loaded.error());
    const std::unique_ptr<Deployment> opened = loaded.take();
    Deployment& deployment = *opened;
    const auto read = flags.read(parser);
    if (!read)
        return Console::exitWith(read.error());
    const DeployOptions& options = *read;
    if (options.dryRun)
        return preview(deployment, options);
    const Deployment::Plan plan = deployment.plan(options);
    if (!plan.check)
        return Console::exitWith(plan.check);
    if (!BackendRegistry::traits(plan.backend).remote) {
        if (const Result engine = Docker::engineAnswers(); !engine)
            return Console::exitWith(engine);
    }
    Console::err(QStringLiteral("logistician: %1\n").arg(plan.summary));
    for (const QString& warning : plan.warnings)
        Console::err(QStringLiteral("logistician: warning: %1\n").arg(warning));
    if (const Result confirmed = confirmCost(plan, parser.isSet(flags.yes)); !confirmed)
        return Console::exitWith(confirmed);
    const Awaited deployed = await(deployment, [&] { deployment.deploy(options); });
    int code = deployed.code;
    if (code == 0 && parser.isSet(flags.wait)) {
        bool ok = false;
        const int seconds = qEnvironmentVariableIntValue("LOGISTICIAN_POLL_SECONDS", &ok);
        deployment.setAutoSync(!parser.isSet(flags.noAutoSync));
        deployment.setRetryPreempted(true);
        code = waitForEnd(deployment, ok && seconds > 0 ? seconds : 3);
    }
    return reportDeployment(deployment, code, deployed.message);
}
