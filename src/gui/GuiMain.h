#pragma once

#include <QString>

namespace Gui {

// Creates the QApplication, shows the main window (opening projectDir when
// given, else the last project) and runs the event loop.
int run(int argc, char** argv, const QString& projectDir);

} // namespace Gui
