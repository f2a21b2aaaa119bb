#include "CreateVerb.h"

#include "Console.h"
#include "ExperimentCreator.h"
#include "git/GitRepository.h"

#include <QDir>

int CreateVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption gitUrl(QStringLiteral("git-url"),
                                    QStringLiteral("The project's Git remote (default: its origin)."),
                                    QStringLiteral("URL"));
    const QCommandLineOption command(QStringLiteral("command"),
                                     QStringLiteral("The experiment command, relative to the project root."),
                                     QStringLiteral("CMD"));
    const QCommandLineOption templ(QStringLiteral("template"),
                                   QStringLiteral("Template to start from: %1 (default: shell).")
                                       .arg(ExperimentCreator::templates().join(QStringLiteral(", "))),
                                   QStringLiteral("T"), QStringLiteral("shell"));
    const QCommandLineOption project(QStringLiteral("project"),
                                     QStringLiteral("Project folder (default: found from the current folder)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption nonInteractive(QStringLiteral("non-interactive"), QStringLiteral("Ask nothing."));
    for (const auto& o : { gitUrl, command, templ, project, nonInteractive })
        parser.addOption(o);
    parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("A globally unique experiment name."));
    if (int code = parse(parser, arguments); code >= 0)
        return code;
    const bool interactive = !parser.isSet(nonInteractive) && Console::stdinIsTerminal();
    if (parser.positionalArguments().size() > 1) {
        Console::error(QStringLiteral("create: one NAME only"));
        return 2;
    }

    QString gitError;
    const QString start = parser.isSet(project) ? parser.value(project) : QDir::currentPath();
    const QString projectRoot = ExperimentCreator::projectRootFor(start, &gitError);
    if (projectRoot.isEmpty()) {
        Console::error(gitError + QStringLiteral("; create experiments inside a Git working tree (git init first)"));
        return 2;
    }

    ExperimentCreator::Options options;
    options.projectRoot = projectRoot;
    options.templateName = parser.value(templ);
    options.name = parser.positionalArguments().value(0);
    while (interactive) {
        if (options.name.isEmpty())
            options.name = Console::prompt(QStringLiteral("Experiment name (globally unique)"));
        const Result ok = ExperimentCreator::checkName(projectRoot, options.name);
        if (ok)
            break;
        Console::error(ok.message());
        options.name.clear();
    }
    if (options.name.isEmpty()) {
        Console::error(QStringLiteral("create: give the experiment a NAME"));
        return 2;
    }

    auto repo = GitRepository::discover(projectRoot, &gitError);
    const QString origin = repo ? repo->remoteUrl() : QString();
    options.gitUrl = parser.isSet(gitUrl) ? parser.value(gitUrl)
        : interactive                     ? Console::prompt(QStringLiteral("Git remote URL"), origin)
                                          : origin;
    options.command = parser.isSet(command) ? parser.value(command)
        : interactive ? Console::prompt(QStringLiteral("Experiment command, relative to %1").arg(projectRoot))
                      : QString();

    QString dir;
    const Result created = ExperimentCreator::create(options, &dir);
    if (!created) {
        Console::error(created.message());
        return created.exitCode();
    }
    Console::outLine(dir);
    Console::err(QStringLiteral("created %1: edit its Dockerfile and parameters.json, then `logistician build %1`\n")
                     .arg(QDir::current().relativeFilePath(dir)));
    return 0;
}
