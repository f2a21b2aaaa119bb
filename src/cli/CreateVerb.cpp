// SPDX-License-Identifier: MIT
#include "CreateVerb.h"

#include "Console.h"
#include "ExperimentCreator.h"
#include "git/GitRepository.h"
#include "original/BaseExperiment.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonValue>

namespace {

// A path (as the original's `create PATH`): the folder to make, and the nearest folder of it that exists,
// where the project is looked for. Both empty for a plain name.
struct Target
{
    QString dir;
    QString existing;
};

Target targetOf(const QString& argument)
{
    Target t;
    if (!BaseExperiment::isPath(argument))
        return t;
    t.dir = BaseExperiment::targetDir(argument, QString(), QDir::currentPath());
    t.existing = QFileInfo(t.dir).absolutePath();
    while (!QFileInfo(t.existing).isDir() && t.existing != QLatin1String("/"))
        t.existing = QFileInfo(t.existing).absolutePath();
    return t;
}

// Interactive: asks until the name is one the project can take; else the name as given.
QString askName(bool interactive, const QString& projectRoot, QString name)
{
    while (interactive) {
        if (name.isEmpty())
            name = Console::prompt(QStringLiteral("Experiment name (globally unique)"));
        const Result ok = ExperimentCreator::checkName(projectRoot, name);
        if (ok)
            break;
        Console::error(ok.message());
        name.clear();
    }
    return name;
}

// What was made and what to do next.
void tellCreated(const QString& dir, const QStringList& starters, const ExperimentCreator::Options& options)
{
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
}

// --json: what was made.
void printCreated(const QString& dir, const ExperimentCreator::Options& options)
{
    Console::printJson(
        { { QStringLiteral("verb"), QStringLiteral("create") },
          { QStringLiteral("exit_code"), 0 },
          { QStringLiteral("error"), QJsonValue() },
          { QStringLiteral("experiment_dir"), dir },
          { QStringLiteral("experiment_name"), options.name },
          { QStringLiteral("project_dir"), options.projectRoot },
          { QStringLiteral("base"), options.baseDir.isEmpty() ? QJsonValue() : QJsonValue(options.baseDir) } });
}

// --base: an experiment folder by name (in the project) or by path.
QString baseDirOf(const QString& baseArg, const QString& projectRoot)
{
    const QString named = BaseExperiment::targetDir(baseArg, projectRoot, QDir::currentPath());
    return QFileInfo(named).isDir() ? named : QDir::current().absoluteFilePath(baseArg);
}

} // namespace

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
    const Target target = targetOf(argument);
    const QString start = parser.isSet(project) ? parser.value(project)
        : target.existing.isEmpty()             ? QDir::currentPath()
                                                : target.existing;
    const auto foundRoot = ExperimentCreator::projectRootFor(start);
    if (!foundRoot)
        return Console::exitWith(Result::badInput(
            foundRoot.message() + QStringLiteral("; create experiments inside a Git working tree (git init first)")));
    const QString projectRoot = *foundRoot;

    ExperimentCreator::Options options;
    options.projectRoot = projectRoot;
    options.templateName = parser.value(templ);
    options.name = target.dir.isEmpty() ? argument : QFileInfo(target.dir).fileName();
    options.dir = target.dir;
    if (parser.isSet(base))
        options.baseDir = baseDirOf(parser.value(base), projectRoot);
    options.name = askName(interactive, projectRoot, options.name);
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

    const ResultOf<ExperimentCreator::Created> created = ExperimentCreator::create(options);
    if (!created)
        return Console::exitWith(created.error());
    tellCreated(created->experimentDir, created->starterFiles, options);
    if (parser.isSet(json))
        printCreated(created->experimentDir, options);
    return 0;
}
