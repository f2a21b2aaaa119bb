// SPDX-License-Identifier: MIT
#include "CreateVerb.h"

#include "Console.h"
#include "ExperimentCreator.h"
#include "git/GitRepository.h"
#include "original/BaseExperiment.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonValue>

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
    const QCommandLineOption base(QStringLiteral("base"),
                                  QStringLiteral("Start from this experiment folder's Dockerfile and parameters.json."),
                                  QStringLiteral("EXPERIMENT"));
    const QCommandLineOption json = jsonOption();
    for (const auto& o : { gitUrl, command, templ, project, nonInteractive, base, json })
        parser.addOption(o);
    addPositional(parser, QStringLiteral("NAME|PATH"),
                  QStringLiteral("A globally unique experiment name, or the folder to make (a path "
                                 "with '/'; its last part is the name)."));
    if (int code = parse(parser, arguments); code >= 0)
        return code;
    // --json asks nothing, as --non-interactive: a script reads the document.
    const bool interactive = !parser.isSet(nonInteractive) && !parser.isSet(json) && Console::stdinIsTerminal();
    if (parser.positionalArguments().size() > 1)
        return Console::exitWith(Result::badInput(QStringLiteral("create: one NAME only")));

    // A path (as the original's `create PATH`): the project is the one it lies in, the name its last part.
    const QString argument = parser.positionalArguments().value(0);
    QString targetDir;
    QString pathStart;
    if (BaseExperiment::isPath(argument)) {
        targetDir = BaseExperiment::targetDir(argument, QString(), QDir::currentPath());
        QString existing = QFileInfo(targetDir).absolutePath();
        while (!QFileInfo(existing).isDir() && existing != QLatin1String("/"))
            existing = QFileInfo(existing).absolutePath();
        pathStart = existing;
    }
    const QString start = parser.isSet(project) ? parser.value(project)
        : pathStart.isEmpty()                   ? QDir::currentPath()
                                                : pathStart;
    const auto foundRoot = ExperimentCreator::projectRootFor(start);
    if (!foundRoot)
        return Console::exitWith(Result::badInput(
            foundRoot.message() + QStringLiteral("; create experiments inside a Git working tree (git init first)")));
    const QString projectRoot = *foundRoot;

    ExperimentCreator::Options options;
    options.projectRoot = projectRoot;
    options.templateName = parser.value(templ);
    options.name = targetDir.isEmpty() ? argument : QFileInfo(targetDir).fileName();
    options.dir = targetDir;
    if (parser.isSet(base)) {
        const QString baseArg = parser.value(base);
        options.baseDir = QFileInfo(BaseExperiment::targetDir(baseArg, projectRoot, QDir::currentPath())).isDir()
            ? BaseExperiment::targetDir(baseArg, projectRoot, QDir::currentPath())
            : QDir::current().absoluteFilePath(baseArg);
    }
    while (interactive) {
        if (options.name.isEmpty())
            options.name = Console::prompt(QStringLiteral("Experiment name (globally unique)"));
        const Result ok = ExperimentCreator::checkName(projectRoot, options.name);
        if (ok)
            break;
        Console::error(ok.message());
        options.name.clear();
    }
    if (options.name.isEmpty())
        return Console::exitWith(Result::badInput(QStringLiteral("create: give the experiment a NAME")));

    // From a template the new Dockerfile names the Git remote and parameters.json the command; from
    // --base both come from the other experiment.
    if (options.baseDir.isEmpty()) {
        auto repo = GitRepository::discover(projectRoot).valueOr(nullptr);
        const QString origin = repo ? repo->remoteUrl() : QString();
        options.gitUrl = parser.isSet(gitUrl) ? parser.value(gitUrl)
            : interactive                     ? Console::prompt(QStringLiteral("Git remote URL"), origin)
                                              : origin;
        options.command = parser.isSet(command) ? parser.value(command)
            : interactive ? Console::prompt(QStringLiteral("Experiment command, relative to %1").arg(projectRoot))
                          : QString();
    }

    QString dir;
    QStringList starters;
    const Result created = ExperimentCreator::create(options, &dir, &starters);
    if (!created)
        return Console::exitWith(created);
    Console::outLine(dir);
    const QString relative = QDir::current().relativeFilePath(dir);
    for (const QString& starter : starters)
        Console::err(
            QStringLiteral("wrote %1, the program its command runs\n").arg(QDir::current().relativeFilePath(starter)));
    if (options.baseDir.isEmpty())
        Console::err(QStringLiteral("created %1: edit its Dockerfile and parameters.json, then `logistician run %1`\n")
                         .arg(relative));
    else
        Console::err(QStringLiteral("created %1 from %2\n").arg(relative, options.baseDir));
    if (parser.isSet(json))
        Console::printJson(
            { { QStringLiteral("verb"), name() },
              { QStringLiteral("exit_code"), 0 },
              { QStringLiteral("error"), QJsonValue() },
              { QStringLiteral("experiment_dir"), dir },
              { QStringLiteral("experiment_name"), options.name },
              { QStringLiteral("project_dir"), projectRoot },
              { QStringLiteral("base"), options.baseDir.isEmpty() ? QJsonValue() : QJsonValue(options.baseDir) } });
    return 0;
}
