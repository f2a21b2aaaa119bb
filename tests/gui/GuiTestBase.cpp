// SPDX-License-Identifier: MIT
#include "GuiTestBase.h"

#include "Dialogs.h"
#include "MainWindow.h"

#include <QSignalSpy>
#include <QTest>

GuiTestBase::GuiTestBase() = default;

GuiTestBase::~GuiTestBase()
{
    destroyMainWindow();
}

void GuiTestBase::isolateSettings()
{
    m_config = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/logistician-gui-test-XXXXXX"));
    QVERIFY(m_config->isValid());
    qputenv("XDG_CONFIG_HOME", m_config->path().toUtf8());
}

QString GuiTestBase::configDir() const
{
    return m_config ? m_config->path() : QString();
}

MainWindow* GuiTestBase::createMainWindow()
{
    destroyMainWindow();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    m_window->activateWindow();
    if (!QTest::qWaitForWindowActive(m_window.get()))
        qWarning("main window not active");
    return m_window.get();
}

bool GuiTestBase::openProject(const QString& dir)
{
    QSignalSpy loaded(m_window.get(), &MainWindow::projectLoaded);
    m_window->openProject(dir);
    return loaded.wait(10000);
}

void GuiTestBase::destroyMainWindow()
{
    if (!m_window)
        return;
    // Answer "discard" if the window asks, then let it go.
    Gui::MessageBox::setNextAnswer(QMessageBox::Discard);
    m_window->close();
    Gui::MessageBox::setNextAnswer(QMessageBox::NoButton);
    m_window.reset();
}
