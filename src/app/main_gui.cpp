// SPDX-License-Identifier: MIT
// `logistician-gui`: the desktop app. `logistician` (no verb, or `gui [PROJECT_DIR]`)
// execs it with the project folder, if any, as its first argument.
#include "GuiMain.h"

int main(int argc, char** argv)
{
    return Gui::run(argc, argv, argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString());
}
