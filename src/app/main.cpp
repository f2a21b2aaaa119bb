// One binary: a verb runs the CLI on QCoreApplication (no display needed);
// no verb, or `gui`, opens the window.
#include "Cli.h"
#include "GuiMain.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char** argv)
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    if (Cli::wantsCli(arguments)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("logistician"));
        QCoreApplication::setApplicationVersion(QStringLiteral(LOGISTICIAN_VERSION));
        return Cli::run(arguments);
    }
    // Without a display Qt aborts with a core dump; say what is wrong instead.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        fprintf(stderr,
                "logistician: error: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
                "unset); use a verb for the command line (see `logistician --help`), or set "
                "QT_QPA_PLATFORM=offscreen\n");
        return 1;
    }
    return Gui::run(argc, argv, arguments.size() > 2 ? arguments.at(2) : QString());
}
