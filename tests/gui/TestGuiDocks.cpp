// SPDX-License-Identifier: MIT
// The docks of the main window (issue 27, item 8): Ctrl+L brings the command log to the front when it
// shares the bottom with Running Deployments and is the tab behind; pressed again, it closes it.
#include "CommandLogDock.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "Settings.h"

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

    // A first start as the app makes it: the window sized before it is shown. Below 1000 px high the
    // command log stays closed; a window as tall as that opens with it.
    void aFirstStartBelow1000PxOpensWithoutTheLog()
    {
        destroyMainWindow();
        {
            Settings settings;
            settings.setWindowState({});
            settings.setWindowGeometry({});
        }
        for (const QSize size : { QSize(800, 600), QSize(1280, 800), QSize(1920, 1080) }) {
            MainWindow window;
            window.resize(size);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QTest::qWait(20);
            QCOMPARE(window.commandLog()->isVisible(), size.height() >= 1000);
            window.close();
            Settings settings;
            settings.setWindowState({});
            settings.setWindowGeometry({});
        }
    }

    // The docks come back at the size the user left them: the command log dragged to 300 px high,
    // the Running dock beside it 420 px wide, through a close and a new window with the same settings.
    void dockSizesComeBackInANewWindow()
    {
        createMainWindow();
        window()->resize(1280, 1024);
        auto* log = window()->findChild<QDockWidget*>(QStringLiteral("commandLogDock"));
        auto* running = window()->findChild<QDockWidget*>(QStringLiteral("runningPanel"));
        QVERIFY(log && running);
        log->show();
        running->show();
        window()->splitDockWidget(log, running, Qt::Horizontal);
        QTest::qWait(50);
        window()->resizeDocks({ log }, { 300 }, Qt::Vertical);
        window()->resizeDocks({ running }, { 420 }, Qt::Horizontal);
        QTest::qWait(50);
        // Not the default split: the user's sizes (within what the docks' frames take).
        const QSize logSize = log->size();
        const QSize runningSize = running->size();
        QVERIFY2(qAbs(logSize.height() - 300) <= 60, qPrintable(QString::number(logSize.height())));
        QVERIFY2(qAbs(runningSize.width() - 420) <= 60, qPrintable(QString::number(runningSize.width())));
        destroyMainWindow();

        createMainWindow();
        log = window()->findChild<QDockWidget*>(QStringLiteral("commandLogDock"));
        running = window()->findChild<QDockWidget*>(QStringLiteral("runningPanel"));
        QTRY_VERIFY(log->isVisible() && running->isVisible());
        QCOMPARE(window()->size(), QSize(1280, 1024));
        QTRY_COMPARE(log->size(), logSize);
        QTRY_COMPARE(running->size(), runningSize);
    }
};

QTEST_MAIN(TestGuiDocks)
#include "TestGuiDocks.moc"
