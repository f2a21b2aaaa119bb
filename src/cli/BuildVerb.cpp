// SPDX-License-Identifier: MIT
#include "BuildVerb.h"

#include "Console.h"
#include "Docker.h"
#include "Experiment.h"
#include "LocalRun.h"

#include <QFileInfo>
#include <QJsonValue>

int BuildVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    ResultOf<Experiment> opened = openExperiment(parser);
    if (!opened)
        return Console::exitWith(opened.error());
    const Experiment experiment = opened.take();
    if (!QFileInfo::exists(experiment.dockerfilePath()))
        return Console::exitWith(Result::badInput(
            QStringLiteral("%1: no Dockerfile; an experiment needs one to build").arg(experiment.dockerfilePath())));
    if (const Result engine = Docker::engineAnswers(); !engine)
        return Console::exitWith(engine);
    const Result built = runToEnd(LocalRun::buildCommand(experiment), QStringLiteral("docker build"));
    if (!built)
        return Console::exitWith(built);
    Console::err(QStringLiteral("built %1\n").arg(experiment.imageTag()));
    if (Console::jsonMode())
        Console::printJson({ { QStringLiteral("verb"), name() },
                             { QStringLiteral("exit_code"), 0 },
                             { QStringLiteral("error"), QJsonValue() },
                             { QStringLiteral("image"), experiment.imageTag() } });
    return 0;
}
