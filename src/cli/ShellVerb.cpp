#include "ShellVerb.h"

#include "Console.h"
#include "Docker.h"
#include "Experiment.h"
#include "LocalRun.h"
#include "RunVerb.h"

int ShellVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    if (int code = parse(parser, arguments, QStringLiteral("The experiment folder (default: the current folder).")); code >= 0)
        return code;
    Experiment experiment;
    if (int code = openExperiment(parser, &experiment))
        return code;
    LocalRun::Options options;
    options.interactiveShell = true;
    options.tty = Console::stdinIsTerminal();
    LocalRun run(experiment, options);
    const Result prepared = run.prepare();
    if (!prepared) {
        Console::error(prepared.message());
        return prepared.exitCode();
    }
    QString engineError;
    if (!Docker::engineAnswers(&engineError)) {
        Console::error(engineError);
        return 1;
    }
    return RunVerb::runToEnd(run);
}
