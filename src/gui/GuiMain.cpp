#include "GuiMain.h"

#include "MainWindow.h"
#include "Theme.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>
#include <QTimer>
#include <cstdio>

// Resources of a static library must be registered by hand, outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(logistician);
}

namespace Gui {

int run(int argc, char** argv, const QString& projectDir)
{
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
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
    Theme::apply(app, dark);

    MainWindow window;
    QSettings settings(MainWindow::settingsPath(), QSettings::IniFormat);
    QString dir = projectDir.startsWith(QLatin1Char('-')) ? QString() : projectDir;
    if (dir.isEmpty()) {
        const QString last = settings.value(QStringLiteral("lastProject")).toString();
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
    if (!benchmark && !settings.value(QStringLiteral("setupDone")).toBool())
        QTimer::singleShot(0, &window, &MainWindow::showSetupWizard);
    return app.exec();
}

} // namespace Gui
