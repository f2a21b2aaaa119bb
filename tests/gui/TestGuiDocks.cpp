// SPDX-License-Identifier: MIT
// The docks of the main window (issue 27, item 8): Ctrl+L brings the command log to the front when it
// shares the bottom with Running Deployments and is the tab behind; pressed again, it closes it.
#include "GuiTestBase.h"
#include "MainWindow.h"

#include <QAction>
#include <QDockWidget>
#include <QTest>

class TestGuiDocks : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CHECKED(isolateSettings()); }
    void cleanupTestCase() { destroyMainWindow(); }

    void ctrlLRaisesTheCommandLogFromBehindATab()
    {
        createMainWindow();
        auto* log = window()->findChild<QDockWidget*>(QStringLiteral("commandLogDock"));
        auto* running = window()->findChild<QDockWidget*>(QStringLiteral("runningPanel"));
        QVERIFY(log && running);
        log->show();
        running->show();
        window()->tabifyDockWidget(log, running);
        running->raise();
        // Behind a tab, a dock stays "visible" but is moved out of sight: nothing of it can be seen.
        QTRY_VERIFY(log->visibleRegion().isEmpty() && !running->visibleRegion().isEmpty());

        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(!log->visibleRegion().isEmpty());
        QVERIFY(!log->isHidden());
        QVERIFY(window()->findChild<QAction*>(QStringLiteral("actionCommandLog"))->isChecked());

        // In front now: Ctrl+L closes it, and opens it again.
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(log->isHidden());
        QVERIFY(!window()->findChild<QAction*>(QStringLiteral("actionCommandLog"))->isChecked());
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(!log->visibleRegion().isEmpty());
    }
};

QTEST_MAIN(TestGuiDocks)
#include "TestGuiDocks.moc"
