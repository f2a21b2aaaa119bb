// One binary: a verb runs the CLI on QCoreApplication (no display needed);
// no verb, or `gui`, opens the window.
#include "Cli.h"
#include "GuiMain.h"

#include <QCoreApplication>

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
    return Gui::run(argc, argv, arguments.size() > 2 ? arguments.at(2) : QString());
}
