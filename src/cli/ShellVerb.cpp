// SPDX-License-Identifier: MIT
#include "ShellVerb.h"

#include "Console.h"
#include "Experiment.h"
#include "LocalRun.h"
#include "RunVerb.h"

int ShellVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption noVolume(QStringLiteral("no-volume"),
                                      QStringLiteral("Mount nothing at /project: the image's own files only."));
    const QCommandLineOption volume(QStringLiteral("volume"),
                                    QStringLiteral("Mount the project at /project (the default)."));
    parser.addOption(noVolume);
    parser.addOption(volume);
    const QCommandLineOption noBuild = RunVerb::noBuildOption();
    parser.addOption(noBuild);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    ResultOf<Experiment> opened = openExperiment(parser);
    if (!opened)
        return Console::exitWith(opened.error());
    const Experiment experiment = opened.take();
    LocalRun::Options options;
    options.interactiveShell = true;
    options.tty = Console::stdinIsTerminal();
    options.noVolume = parser.isSet(noVolume) && !parser.isSet(volume);
    LocalRun run(experiment, options);
    return RunVerb::prepareAndRun(run, experiment, parser.isSet(noBuild));
}
