// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <QString>
#include <QStringList>

// How the desktop app opens a terminal window: the Settings' terminal command
// ("x-terminal-emulator -e" by default, split with shell word rules) followed by
// what should run in it. One place for the browser's "Open Terminal Here" and
// Experiment > Open Shell. An empty program means the setting is unusable.
namespace TerminalCommand {

// A terminal in dir running the user's $SHELL (when the setting ends with -e, which wants a program).
Command here(const QString& terminalSetting, const QString& dir);
// A terminal running argv (program first), started in workingDirectory.
Command running(const QString& terminalSetting, const QStringList& argv, const QString& workingDirectory);
// A terminal running `logistician shell EXPERIMENT_DIR`: the experiment's image with the project mounted.
Command shell(const QString& terminalSetting, const QString& logistician, const QString& experimentDir);

} // namespace TerminalCommand
