// SPDX-License-Identifier: MIT
#include "ExamplesVerb.h"

#include "AppPaths.h"
#include "Console.h"
#include "workspace/ExampleCopier.h"

#include <QDir>
#include <QJsonArray>

int ExamplesVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json = jsonOption();
    parser.addOption(json);
    addPositional(parser, QStringLiteral("NAME"), QStringLiteral("The example to copy."), QStringLiteral("[NAME"));
    addPositional(parser, QStringLiteral("DEST"), QStringLiteral("The folder to make (must not exist, or be empty)."),
                  QStringLiteral("DEST]"));
    if (int code = parse(parser, arguments); code >= 0)
        return code;
    const QStringList given = parser.positionalArguments();
    const QString examplesDir = AppPaths::examplesDir();

    if (given.isEmpty()) {
        const QList<ExampleCopier::Example> examples = ExampleCopier::available(examplesDir);
        if (parser.isSet(json)) {
            QJsonArray items;
            for (const ExampleCopier::Example& e : examples)
                items.append(
                    QJsonObject { { QStringLiteral("name"), e.name }, { QStringLiteral("summary"), e.summary } });
            Console::printJson({ { QStringLiteral("verb"), name() },
                                 { QStringLiteral("exit_code"), 0 },
                                 { QStringLiteral("error"), QJsonValue() },
                                 { QStringLiteral("examples"), items } });
            return 0;
        }
        for (const ExampleCopier::Example& e : examples)
            Console::outLine(QStringLiteral("%1%2").arg(e.name, -12).arg(e.summary));
        Console::err(QStringLiteral("Copy one with: logistician examples NAME DEST\n"));
        return 0;
    }
    if (given.size() != 2)
        return Console::exitWith(
            Result::badInput(QStringLiteral("examples takes no argument (to list) or NAME DEST (to copy)")));

    const ResultOf<QString> copied = ExampleCopier::copy(examplesDir, given.at(0), given.at(1));
    if (!copied)
        return Console::exitWith(copied.error());
    const QString& experimentDir = *copied;
    if (parser.isSet(json)) {
        Console::printJson({ { QStringLiteral("verb"), name() },
                             { QStringLiteral("exit_code"), 0 },
                             { QStringLiteral("error"), QJsonValue() },
                             { QStringLiteral("example"), given.at(0) },
                             { QStringLiteral("experiment_dir"), QDir::cleanPath(experimentDir) } });
        return 0;
    }
    Console::outLine(QDir::cleanPath(experimentDir));
    Console::err(QStringLiteral("Copied the %1 example, committed as a new Git repository. Next: logistician run %2 "
                                "--condition 1 (builds the image first), or logistician deploy %2 --backend local\n")
                     .arg(given.at(0), QDir::cleanPath(experimentDir)));
    return 0;
}
