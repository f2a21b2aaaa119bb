// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

// The command-line mode: dispatches a verb on an existing QCoreApplication.
namespace Cli {

// Whether argv asks for the CLI (a verb, --help or --version) rather than the window.
bool wantsCli(const QStringList& arguments);
// Runs the verb named in arguments[1]; returns the process exit code.
int run(const QStringList& arguments);
QStringList verbNames();

} // namespace Cli
