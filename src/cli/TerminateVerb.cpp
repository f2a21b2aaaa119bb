// SPDX-License-Identifier: MIT
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
    const QCommandLineOption condition = conditionOption(QStringLiteral("Terminate"));
    parser.addOption(yes);
    parser.addOption(force);
    parser.addOption(condition);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Deployment::TerminateOptions options;
    options.force = parser.isSet(force);
    if (const Result numbers = conditionNumbers(parser, condition, &options.conditions); !numbers)
        return Console::exitWith(numbers);
    std::unique_ptr<Deployment> opened;
    if (const Result loaded = openDeployment(parser, &opened); !loaded)
        return Console::exitWith(loaded);
    Deployment& deployment = *opened;
    if (!deployment.hasDeployment()) {
        Console::err(QStringLiteral("logistician: nothing is deployed for %1\n").arg(deployment.experiment().dir()));
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
