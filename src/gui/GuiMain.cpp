#include "GuiMain.h"

#include <QApplication>
#include <QLabel>

namespace Gui {

int run(int argc, char** argv, const QString& projectDir)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("logistician"));
    QLabel label(QStringLiteral("Logistician: %1").arg(projectDir));
    label.show();
    return app.exec();
}

} // namespace Gui
