// SPDX-License-Identifier: MIT
#include "GuiMain.h"

#include "MainWindow.h"
#include "Settings.h"
#include "Theme.h"
#include "keys/WheelGuard.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>
#include <cstdio>
#include <unistd.h>

// Resources of a static library must be registered by hand, outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(logistician);
}

namespace {

// What Qt said while its platform plugin started, for the error when it cannot.
QString platformMessages;
QtMessageHandler previousHandler = nullptr;

// A display that is named but does not answer (DISPLAY=:99 with no server) makes Qt's platform
// plugin fail, and Qt aborts with a core dump. Until the window system answers, such a failure
// ends the program with a clear error and exit code 1 instead.
void platformStartHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (type != QtFatalMsg) {
        platformMessages += message + QLatin1Char('\n');
        if (previousHandler)
            previousHandler(type, context, message);
        return;
    }
    const QString display = qEnvironmentVariable("WAYLAND_DISPLAY").isEmpty()
        ? QStringLiteral("DISPLAY=%1").arg(qEnvironmentVariable("DISPLAY"))
        : QStringLiteral("WAYLAND_DISPLAY=%1").arg(qEnvironmentVariable("WAYLAND_DISPLAY"));
    const QString why = (platformMessages + message).trimmed().replace(QLatin1Char('\n'), QStringLiteral("; "));
    fprintf(stderr,
            "logistician: error: cannot open the window: no display answers (%s): %s\n"
            "Check that the display is running and reachable, use a verb for the command line "
            "(see `logistician --help`), or set QT_QPA_PLATFORM=offscreen\n",
            qPrintable(display), qPrintable(why));
    fflush(stderr);
    ::_exit(1);
}

} // namespace

namespace Gui {

int run(int argc, char** argv, const QString& projectDir)
{
    // Without a display Qt aborts with a core dump; say what is wrong instead.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        fprintf(stderr,
                "logistician: error: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
                "unset); use a verb for the command line (see `logistician --help`), or set "
                "QT_QPA_PLATFORM=offscreen\n");
        return 1;
    }
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    previousHandler = qInstallMessageHandler(platformStartHandler);
    QApplication app(argc, argv);
    WheelGuard::install();
    qInstallMessageHandler(previousHandler);
    platformMessages.clear();
    initResources();
    QApplication::setApplicationName(QStringLiteral("logistician"));
    QApplication::setApplicationDisplayName(QStringLiteral("Logistician"));
    QApplication::setApplicationVersion(QStringLiteral(LOGISTICIAN_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("logistician"));
    QIcon icon;
    for (int size : { 32, 64, 128, 256 })
        icon.addFile(QStringLiteral(":/icons/logistician-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);

    const QStringList args = QApplication::arguments();
    const bool dark = args.contains(QStringLiteral("--dark")) || qEnvironmentVariableIntValue("LOGISTICIAN_DARK") == 1;
    Theme::apply(app, dark ? Theme::Mode::Dark : Theme::modeFromString(Settings().theme()));

    MainWindow window;
    const Settings settings;
    QString dir = projectDir.startsWith(QLatin1Char('-')) ? QString() : projectDir;
    if (dir.isEmpty()) {
        const QString last = settings.lastProject();
        if (!last.isEmpty() && QFileInfo(last).isDir())
            dir = last;
    }
    if (!dir.isEmpty())
        window.openProject(dir);

    // The startup benchmark: say when the window is up with its project listed, then leave.
    const bool benchmark = qEnvironmentVariableIsSet("LOGISTICIAN_QUIT_WHEN_SHOWN");
    if (benchmark) {
        QObject::connect(&window, &MainWindow::shownAndLoaded, &app, [&app, &window] {
            std::printf("shown %d experiments\n", static_cast<int>(window.project().experiments.size()));
            std::fflush(stdout);
            QTimer::singleShot(0, &app, &QApplication::quit);
        });
    }
    window.show();
    if (!benchmark && !settings.setupDone())
        QTimer::singleShot(0, &window, &MainWindow::showSetupWizard);
    return app.exec();
}

} // namespace Gui
