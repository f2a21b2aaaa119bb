// SPDX-License-Identifier: MIT
#include "Cli.h"

#include "CommandLog.h"
#include "Console.h"
#include "Logging.h"
#include "Verb.h"
#include "version/BuildInfo.h"

#include <QObject>

namespace Cli {

QStringList verbNames()
{
    QStringList names;
    for (const auto& verb : allVerbs())
        names << verb->name();
    return names;
}

bool wantsCli(const QStringList& arguments)
{
    if (arguments.size() < 2)
        return false;
    const QString first = arguments.at(1);
    // `gui --help` is answered on the terminal; `gui [DIR]` opens the window.
    if (first == QLatin1String("gui"))
        return arguments.contains(QLatin1String("--help")) || arguments.contains(QLatin1String("-h"));
    // Anything else, a verb or not, is the CLI's to answer (unknown verbs get a usage error).
    return true;
}

namespace {

void printHelp(const std::vector<std::unique_ptr<Verb>>& verbs)
{
    QString text = QStringLiteral("Usage: logistician [VERB] [OPTIONS]\n\n"
                                  "From a first local run in Docker to a sweep of conditions in the cloud.\n"
                                  "Without a verb (or with `gui [PROJECT_DIR]`) the desktop app opens.\n\n"
                                  "Verbs:\n");
    for (const auto& verb : verbs) {
        QString summary = verb->summary();
        const int stop = summary.indexOf(QLatin1String(". "));
        if (stop > 0)
            summary = summary.left(stop + 1);
        text += QStringLiteral("  %1%2\n").arg(verb->name(), -12).arg(summary);
    }
    text += QStringLiteral("  %1%2\n").arg(QStringLiteral("gui"), -12).arg(QStringLiteral("Open the desktop app."));
    text += QStringLiteral("\nOptions:\n"
                           "  -h, --help     Show this help; `logistician VERB --help` shows a verb's options.\n"
                           "  -v, --version  Show the version.\n"
                           "  --verbose      Debug messages on stderr (before or after the verb); or pick\n"
                           "                 areas with QT_LOGGING_RULES=\"logistician.ssh.debug=true\".\n\n"
                           "EXPERIMENT_DIR defaults to the current folder. Exit codes: 0 success, 1 the work\n"
                           "failed, 2 bad input or usage. Every external command that changes something is\n"
                           "printed before it runs (with --verbose also those that only look), secrets\n"
                           "redacted; NO_COLOR turns colour off.\n");
    Console::out(text);
}

} // namespace

int run(const QStringList& given)
{
    QStringList arguments = given;
    // The global --verbose goes before the verb; each verb also takes it (Verb::parse).
    if (arguments.value(1) == QLatin1String("--verbose")) {
        Logging::enableVerbose();
        arguments.removeAt(1);
    }
    const QString first = arguments.value(1);
    if (first == QLatin1String("-v") || first == QLatin1String("--version")) {
        // The version, then the commit built from (and whether that tree was dirty).
        Console::outLine(QStringLiteral("logistician ") + BuildInfo::version());
        Console::outLine(BuildInfo::commitLine());
        return 0;
    }
    auto verbs = allVerbs();
    if (first == QLatin1String("-h") || first == QLatin1String("--help") || first == QLatin1String("help")) {
        printHelp(verbs);
        return 0;
    }
    if (first == QLatin1String("gui")) {
        Console::out(QStringLiteral("Usage: logistician gui [PROJECT_DIR]\n\n"
                                    "Open the desktop app, with PROJECT_DIR (a Git working tree) when given,\n"
                                    "else the last project. The same as `logistician` with no verb.\n\n"
                                    "Options:\n  -h, --help  Show this help.\n"));
        return 0;
    }
    for (auto& verb : verbs) {
        if (verb->name() == first) {
            // What only looks (a status poll, a log, docker inspect) is echoed with --verbose; what changes
            // something always is.
            QObject::connect(CommandLog::instance(), &CommandLog::commandStarted, [](const QString& line, bool query) {
                if (!query || lcCommand().isDebugEnabled())
                    Console::echoCommand(line);
            });
            return verb->execute(arguments.mid(1));
        }
    }
    return Console::exitWith(
        Result::badInput(QStringLiteral("unknown verb \"%1\"; one of: %2 (see `logistician --help`)")
                             .arg(first, verbNames().join(QStringLiteral(", ")))));
}

} // namespace Cli
