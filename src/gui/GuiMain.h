// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace Gui {

// Refuses with an error (exit code 1) when there is no display; else creates the QApplication, shows the main window
// (opening projectDir when given, else the last project) and runs the event loop.
int run(int argc, char** argv, const QString& projectDir);

} // namespace Gui
