#include "TerminateVerb.h"

#include "Console.h"
#include "DeployVerb.h"
#include "Experiment.h"
#include "deploy/Deployment.h"

int TerminateVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption yes({ QStringLiteral("y"), QStringLiteral("yes") }, QStringLiteral("Do not ask first."));
    const QCommandLineOption force(QStringLiteral("force"),
                                   QStringLiteral("Terminate even though results are not synced or hosts do not "
                                                  "answer."));
    parser.addOption(yes);
    parser.addOption(force);
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Experiment experiment;
    if (int code = openExperiment(parser, &experiment))
        return code;
    Deployment deployment(experiment);
    if (int code = loadDeployment(deployment))
        return code;
    if (!deployment.hasDeployment()) {
        Console::err(QStringLiteral("logistician: nothing is deployed for %1\n").arg(experiment.dir()));
        return 0;
    }
    const DeploymentState& s = deployment.state();
    if (!s.terminated && !parser.isSet(yes)) {
        const QString question = QStringLiteral("Terminate %1 condition(s) of %2 on the %3 backend%4?")
                                     .arg(s.conditions.size())
                                     .arg(s.experiment, s.backend,
                                          s.backend == QLatin1String("aws")
                                              ? QStringLiteral(" and destroy their %1 machine(s)").arg(s.hosts.size())
                                              : QString());
        if (!Console::stdinIsTerminal()) {
            Console::error(QStringLiteral("terminate: pass --yes to terminate without a question"));
            return 2;
        }
        if (!DeployVerb::confirm(question))
            return 1;
    }
    Deployment::TerminateOptions options;
    options.force = parser.isSet(force);
    return DeployVerb::await(deployment, [&] { deployment.terminate(options); });
}
