// SPDX-License-Identifier: MIT
#include "OriginalConfigImport.h"

#include "Console.h"
#include "Wait.h"
#include "original/OriginalConfig.h"

#include <QFileInfo>

namespace {
bool yes(const QString& answer)
{
    return answer.isEmpty() || answer.startsWith(QLatin1Char('y'), Qt::CaseInsensitive);
}
} // namespace

int importOriginalConfig(bool interactive, bool deleteAfterwards, CredentialStore* store)
{
    const QString path = OriginalConfig::defaultPath();
    if (!QFileInfo::exists(path))
        return 0;
    Console::err(QStringLiteral("\nThe original Logistician's settings (%1):\n").arg(path));
    const auto values = OriginalConfig::read(path);
    if (!values)
        return Console::exitWith(values.error());
    if (interactive && !yes(Console::prompt(QStringLiteral("  Import them (AWS keys into the keychain)? [Y/n]")))) {
        Console::err(QStringLiteral("  not imported\n"));
        return 0;
    }
    OriginalConfig import;
    QStringList done;
    QString error;
    QObject::connect(&import, &OriginalConfig::finished, [&](const QStringList& lines, const QString& why) {
        done = lines;
        error = why;
    });
    // The keychain answers asynchronously.
    Wait::forSignal(&import, &OriginalConfig::finished, [&] { import.import(*values, store); });
    for (const QString& line : std::as_const(done))
        Console::err(QStringLiteral("  imported %1\n").arg(line));
    if (!error.isEmpty())
        return Console::exitWith(Result::failed(QStringLiteral("import of %1 stopped: %2").arg(path, error)));
    // The keys are in the keychain now; the plain-text copy is the only one left.
    const bool remove = interactive
        ? yes(Console::prompt(QStringLiteral("  Delete the plain-text file %1 now? [Y/n]").arg(path)))
        : deleteAfterwards;
    if (!remove) {
        Console::err(QStringLiteral("  %1 is left as it is; it still holds the AWS keys in plain text (delete it, "
                                    "or run setup with --delete-original-config)\n")
                         .arg(path));
        return 0;
    }
    if (const Result removed = OriginalConfig::remove(path); !removed)
        return Console::exitWith(removed);
    Console::err(QStringLiteral("  deleted %1\n").arg(path));
    return 0;
}
