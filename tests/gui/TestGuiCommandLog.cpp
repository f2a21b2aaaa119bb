// SPDX-License-Identifier: MIT
#include "Command.h"
#include "CommandLog.h"
#include "CommandLogDock.h"
#include "CommandRunner.h"
#include "commandlog/CommandLogModel.h"

#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

// The command log: one row per command with its time, status and duration;
// scripts folded to their first line; repeated polls counted on their row; a search.
class TestGuiCommandLog : public QObject
{
    Q_OBJECT

    static QString cell(QAbstractItemModel* m, int row, int column, const QModelIndex& parent = QModelIndex())
    {
        return m->index(row, column, parent).data().toString();
    }

private Q_SLOTS:
    void oneRowPerCommandWithStatusAndDuration()
    {
        CommandLogDock dock;
        dock.show();
        QAbstractItemModel* m = dock.view()->model();
        auto* log = CommandLog::instance();
        const int build = log->announce(QStringLiteral("docker build -t x ."));
        QCOMPARE(m->rowCount(), 1);
        QCOMPARE(cell(m, 0, CommandLogModel::StatusColumn), QStringLiteral("running"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d$"))
                    .match(cell(m, 0, CommandLogModel::TimeColumn))
                    .hasMatch());
        log->finish(build, 0, 2500);
        QCOMPARE(cell(m, 0, CommandLogModel::StatusColumn), QStringLiteral("ok"));
        QCOMPARE(cell(m, 0, CommandLogModel::DurationColumn), QStringLiteral("2.5 s"));
        const int failed = log->announce(QStringLiteral("rsync -a a b"));
        log->finish(failed, 23, 40);
        QCOMPARE(cell(m, 1, CommandLogModel::StatusColumn), QStringLiteral("exit 23"));
        QCOMPARE(cell(m, 1, CommandLogModel::DurationColumn), QStringLiteral("40 ms"));
        QCOMPARE(cell(m, 1, CommandLogModel::CommandColumn), QStringLiteral("rsync -a a b"));
    }

    void aRealCommandReportsItsExitCode()
    {
        CommandLogDock dock;
        CommandRunner runner;
        QSignalSpy done(&runner, &CommandRunner::finished);
        Command command;
        command.program = QStringLiteral("sh");
        command.arguments = QStringList { QStringLiteral("-c"), QStringLiteral("sleep 0.2; exit 3") };
        runner.start(command);
        QVERIFY(done.wait(5000));
        QAbstractItemModel* m = dock.view()->model();
        QCOMPARE(m->rowCount(), 1);
        QCOMPARE(cell(m, 0, CommandLogModel::StatusColumn), QStringLiteral("exit 3"));
        QVERIFY(cell(m, 0, CommandLogModel::DurationColumn).endsWith(QStringLiteral(" ms")));
        QVERIFY(m->index(0, 0).data(CommandLogModel::ExitCodeRole).toInt() == 3);
    }

    void scriptsFoldToTheirFirstLineAndRepeatsCount()
    {
        CommandLogDock dock;
        dock.show();
        QAbstractItemModel* m = dock.view()->model();
        auto* log = CommandLog::instance();
        const QString poll = QStringLiteral("ssh h sh -c '\nl c1-lr-0.1 done\n'");
        log->finish(log->announce(QStringLiteral("docker build -t x .")), 0, 1);
        for (int i = 0; i < 12; ++i)
            log->finish(log->announce(poll), i == 11 ? 255 : 0, 10);
        QCOMPARE(m->rowCount(), 2);
        QCOMPARE(cell(m, 1, CommandLogModel::CommandColumn), QStringLiteral("ssh h sh -c ' …"));
        QCOMPARE(cell(m, 1, CommandLogModel::RunsColumn), QStringLiteral("×12"));
        QCOMPARE(cell(m, 1, CommandLogModel::StatusColumn), QStringLiteral("exit 255")); // the last run's
        const QModelIndex script = m->index(1, 0);
        QCOMPARE(m->rowCount(script), 2);
        QCOMPARE(cell(m, 0, CommandLogModel::CommandColumn, script), QStringLiteral("l c1-lr-0.1 done"));
        QCOMPARE(cell(m, 1, CommandLogModel::CommandColumn, script), QStringLiteral("'"));
        QVERIFY(!dock.view()->isExpanded(script));
        dock.view()->expand(script);
        QVERIFY(dock.view()->isExpanded(script));
        QCOMPARE(dock.text(), QStringLiteral("docker build -t x .\n") + poll);

        QTest::mouseClick(dock.findChild<QToolButton*>(QStringLiteral("clearCommandLogButton")), Qt::LeftButton);
        QCOMPARE(m->rowCount(), 0);
        QCOMPARE(dock.text(), QString());
    }

    // Issue 27, item 8: a repeat updated its row above newer ones, and its duration hid the others'.
    void repeatsMoveToTheEndAndShowTheirRangeOfDurations()
    {
        CommandLogDock dock;
        QAbstractItemModel* m = dock.view()->model();
        auto* log = CommandLog::instance();
        QTest::mouseClick(dock.findChild<QToolButton*>(QStringLiteral("clearCommandLogButton")), Qt::LeftButton);
        const int a = log->announce(QStringLiteral("ssh a status"));
        log->finish(a, 0, 400);
        log->finish(log->announce(QStringLiteral("rsync b")), 0, 1200);
        const int again = log->announce(QStringLiteral("ssh a status"));
        QCOMPARE(m->rowCount(), 2);
        // In time order: the repeat is the last row now, running, counted.
        QCOMPARE(cell(m, 0, CommandLogModel::CommandColumn), QStringLiteral("rsync b"));
        QCOMPARE(cell(m, 1, CommandLogModel::CommandColumn), QStringLiteral("ssh a status"));
        QCOMPARE(cell(m, 1, CommandLogModel::RunsColumn), QStringLiteral("×2"));
        QCOMPARE(cell(m, 1, CommandLogModel::StatusColumn), QStringLiteral("running"));
        log->finish(again, 0, 2500);
        QCOMPARE(cell(m, 1, CommandLogModel::StatusColumn), QStringLiteral("ok"));
        QCOMPARE(cell(m, 1, CommandLogModel::DurationColumn), QStringLiteral("400 ms – 2.5 s"));
        QVERIFY(m->index(1, CommandLogModel::DurationColumn).data(Qt::ToolTipRole).toString().contains("2.5 s"));
        // The first row's own command finishing later still lands on its (moved) row.
        const int slow = log->announce(QStringLiteral("docker build"));
        log->finish(log->announce(QStringLiteral("ssh a status")), 0, 400);
        log->finish(slow, 3, 50);
        QCOMPARE(cell(m, 1, CommandLogModel::CommandColumn), QStringLiteral("docker build"));
        QCOMPARE(cell(m, 1, CommandLogModel::StatusColumn), QStringLiteral("exit 3"));
        QCOMPARE(cell(m, 2, CommandLogModel::RunsColumn), QStringLiteral("×3"));
    }

    void searchKeepsMatchingCommandsAndCopyTakesTheSelection()
    {
        CommandLogDock dock;
        dock.show();
        QAbstractItemModel* m = dock.view()->model();
        auto* log = CommandLog::instance();
        log->announce(QStringLiteral("docker build -t x ."));
        log->announce(QStringLiteral("sh -c '\nrsync -a out host:\n'"));
        log->announce(QStringLiteral("terraform plan"));
        auto* search = dock.findChild<QLineEdit*>(QStringLiteral("commandLogSearch"));
        QVERIFY(search);
        QTest::keyClicks(search, QStringLiteral("RSYNC"));
        QCOMPARE(m->rowCount(), 1); // found by a folded line
        QCOMPARE(cell(m, 0, CommandLogModel::CommandColumn), QStringLiteral("sh -c ' …"));
        search->clear();
        QCOMPARE(m->rowCount(), 3);

        dock.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dock));
        dock.view()->setFocus();
        dock.view()->selectionModel()->select(m->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        dock.view()->selectionModel()->select(m->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QApplication::clipboard()->clear();
        QTest::keyClick(dock.view(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("docker build -t x .\nterraform plan"));
    }
};

QTEST_MAIN(TestGuiCommandLog)
#include "TestGuiCommandLog.moc"
