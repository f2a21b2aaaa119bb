// SPDX-License-Identifier: MIT
#include "TerminalCommand.h"

#include "ShellWords.h"

#include <QDir>

namespace TerminalCommand {

namespace {
QStringList words(const QString& terminalSetting)
{
    return ShellWords::split(terminalSetting).valueOr(QStringList());
}
} // namespace

Command here(const QString& terminalSetting, const QString& dir)
{
    const QStringList terminal = words(terminalSetting);
    Command command;
    if (terminal.isEmpty())
        return command;
    command.program = terminal.first();
    command.arguments = terminal.mid(1);
    if (terminal.last() == QStringLiteral("-e"))
        command.arguments << qEnvironmentVariable("SHELL", QStringLiteral("/bin/sh"));
    command.workingDirectory = dir;
    return command;
}

Command running(const QString& terminalSetting, const QStringList& argv, const QString& workingDirectory)
{
    const QStringList terminal = words(terminalSetting);
    Command command;
    if (terminal.isEmpty() || argv.isEmpty())
        return command;
    command.program = terminal.first();
    command.arguments = terminal.mid(1) + argv;
    command.workingDirectory = workingDirectory;
    return command;
}

Command shell(const QString& terminalSetting, const QString& logistician, const QString& experimentDir)
{
    // An absolute folder never starts with '-', so the verb cannot read it as an option.
    const QString dir = QDir(experimentDir).absolutePath();
    return running(terminalSetting, { logistician, QStringLiteral("shell"), dir }, dir);
}

} // namespace TerminalCommand
