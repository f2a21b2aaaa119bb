#include "ShellVerb.h"

#include "Console.h"
#include "Experiment.h"
#include "LocalRun.h"
#include "RunVerb.h"

int ShellVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    Experiment experiment;
    if (int code = openExperiment(parser, &experiment))
        return code;
    LocalRun::Options options;
    options.interactiveShell = true;
    options.tty = Console::stdinIsTerminal();
    LocalRun run(experiment, options);
    return RunVerb::prepareAndRun(run);
}
