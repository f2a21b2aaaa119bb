#include "BuildVerb.h"

#include "Console.h"
#include "Docker.h"
#include "Experiment.h"

#include <QFileInfo>

int BuildVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Experiment experiment;
    if (int code = openExperiment(parser, &experiment))
        return code;
    if (!QFileInfo::exists(experiment.dockerfilePath())) {
        Console::error(
            QStringLiteral("%1: no Dockerfile; an experiment needs one to build").arg(experiment.dockerfilePath()));
        return 2;
    }
    QString engineError;
    if (!Docker::engineAnswers(&engineError)) {
        Console::error(engineError);
        return 1;
    }
    QString message;
    const int code = runToEnd(
        Docker::build(experiment.parameters().localDockerCommand(), experiment.dir(), experiment.imageTag()), &message);
    if (code != 0) {
        Console::error(message.isEmpty() ? QStringLiteral("docker build failed (exit code %1)").arg(code) : message);
        return 1;
    }
    Console::err(QStringLiteral("built %1\n").arg(experiment.imageTag()));
    return 0;
}
