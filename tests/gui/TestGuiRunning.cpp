// SPDX-License-Identifier: MIT
// The main window's ways in and out: the welcome page's examples (copied as a
// committed Git repository, then opened), Experiment > Open Shell in the
// configured terminal, the Running overview of every live deployment (one
// click to its board), and the experiment tabs all visible at 800x600.
#include "AppPaths.h"
#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "Dialogs.h"
#include "ExampleDialog.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "LiveDeploymentsPanel.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestProject.h"
#include "board/DeploymentBoard.h"
#include "experiments/TerminalCommand.h"
#include "git/GitRepository.h"
#include "workspace/DeploymentIndex.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

namespace {

// Saves a grab of w to $LOGISTICIAN_GRAB_DIR/name.png when that is set (for a person to look at).
void grabFor(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("LOGISTICIAN_GRAB_DIR");
    if (!dir.isEmpty())
        w->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

QTreeWidgetItem* rowOf(QTreeWidget* list, const QString& experiment)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(LiveDeploymentsPanel::ExperimentColumn) == experiment)
            return list->topLevelItem(i);
    }
    return nullptr;
}

} // namespace

class TestGuiRunning : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CHECKED(isolateSettings()); }
    void cleanup() { destroyMainWindow(); }

    void welcomePageCopiesAnExampleAndOpensIt()
    {
        QTemporaryDir parent;
        QVERIFY(parent.isValid());
        const QString destination = parent.path() + QStringLiteral("/my-example");
        createMainWindow();
        window()->resize(800, 600);
        NEED(QStackedWidget, pages, window(), "pages");
        QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("welcomePage"));
        NEED(QPushButton, button, window(), "welcomeExampleButton");
        QVERIFY(button->isVisible() && button->isEnabled());
        grabFor(window(), QStringLiteral("welcome-800x600"));

        button->click();
        auto* dialog = window()->findChild<ExampleDialog*>(QStringLiteral("exampleDialog"));
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        grabFor(dialog, QStringLiteral("example-dialog"));
        NEED(QListWidget, examples, dialog, "exampleList");
        QStringList names;
        for (int i = 0; i < examples->count(); ++i)
            names << examples->item(i)->text();
        QVERIFY2(names.contains(QStringLiteral("addition")) && names.contains(QStringLiteral("optimise")),
                 qPrintable(names.join(QLatin1Char(' '))));
        examples->setCurrentRow(names.indexOf(QStringLiteral("optimise")));
        NEED(QLabel, summary, dialog, "exampleSummary");
        QVERIFY(!summary->text().isEmpty());
        // A fresh suggestion is offered; the user's folder replaces it.
        QVERIFY(!dialog->destination().isEmpty());
        dialog->setDestination(destination);
        NEED(QPushButton, copy, dialog, "exampleCopyButton");
        QSignalSpy loaded(window(), &MainWindow::projectLoaded);
        copy->click();
        QVERIFY(window()->isCopyingExample() || !loaded.isEmpty() || loaded.wait(30000));
        if (loaded.isEmpty())
            QVERIFY(loaded.wait(30000));

        QCOMPARE(QDir(window()->projectDir()).canonicalPath(), QDir(destination).canonicalPath());
        auto repo = GitRepository::discover(destination).valueOr(nullptr);
        QVERIFY(repo);
        QVERIFY(!repo->headCommit().isEmpty());
        QVERIFY2(repo->changedPaths().isEmpty(), qPrintable(repo->changedPaths().join(QLatin1Char(' '))));
        ExperimentPage* page = window()->currentPage();
        QVERIFY(page);
        QVERIFY2(page->dir().startsWith(QDir(destination).canonicalPath() + QStringLiteral("/experiments/"))
                     || page->dir().startsWith(destination + QStringLiteral("/experiments/")),
                 qPrintable(page->dir()));
        QVERIFY(page->isLoaded());
    }

    void aFailedExampleCopySaysWhy()
    {
        QTemporaryDir parent;
        QVERIFY(parent.isValid());
        QFile taken(parent.path() + QStringLiteral("/notes.txt"));
        QVERIFY(taken.open(QIODevice::WriteOnly));
        taken.close();
        createMainWindow();
        const QString before = Gui::MessageBox::lastText();
        Gui::MessageBox::setNextAnswer(QMessageBox::Ok);
        window()->copyExample(QStringLiteral("addition"), parent.path()); // not empty: refused
        QTRY_VERIFY_WITH_TIMEOUT(!window()->isCopyingExample(), 20000);
        QTRY_VERIFY(Gui::MessageBox::lastText() != before);
        qInfo("said: %s", qPrintable(Gui::MessageBox::lastText()));
        QVERIFY(window()->projectDir().isEmpty());
        QVERIFY(!QFileInfo::exists(parent.path() + QStringLiteral("/.git")));
    }

    void openShellRunsTheShellVerbInTheTerminal()
    {
        TestProject project;
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        // A stand-in terminal that writes the words it was given, one a line.
        const QString argvFile = scratch.path() + QStringLiteral("/argv.txt");
        const QString script = scratch.path() + QStringLiteral("/fake terminal");
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '%1.tmp'\n"
                                  "pwd >> '%1.tmp'\nmv '%1.tmp' '%1'\n")
                       .arg(argvFile)
                       .toUtf8());
        file.close();
        QVERIFY(file.setPermissions(file.permissions() | QFile::ExeOwner));
        {
            Settings settings;
            settings.setTerminalCommand(QStringLiteral("'%1' --title Shell -e").arg(script));
        }

        createMainWindow();
        QVERIFY(openProject(project.root()));
        auto* action = window()->findChild<QAction*>(QStringLiteral("actionOpenShell"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        action->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(argvFile), 10000);
        QFile written(argvFile);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QStringList words = QString::fromUtf8(written.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const QString dir = QDir(project.experimentDir()).absolutePath();
        const QStringList expected { QStringLiteral("--title"), QStringLiteral("Shell"), QStringLiteral("-e"),
                                     AppPaths::cliExecutable(), QStringLiteral("shell"), dir,
                                     QDir(dir).canonicalPath() };
        QCOMPARE(words, expected);
        // The same words as the one builder in core makes.
        const Command built = TerminalCommand::shell(Settings().terminalCommand(), AppPaths::cliExecutable(), dir);
        QCOMPARE(built.program, script);
        QCOMPARE(built.arguments, expected.mid(0, 6));

        // A terminal setting that cannot start says so instead.
        {
            Settings settings;
            settings.setTerminalCommand(scratch.path() + QStringLiteral("/no-such-terminal -e"));
        }
        action->trigger();
        QVERIFY(window()->statusBar()->currentMessage().contains(QStringLiteral("Could not start the terminal")));
    }

    void runningPanelListsLiveDeploymentsAndOpensTheBoard()
    {
        TestProject project;
        const QString stateDir = writeLiveDeployment(project.experimentDir(), project.name());
        QVERIFY(!stateDir.isEmpty());
        // One whose project was deleted: listed, but there is nothing to open.
        QTemporaryDir gone;
        QVERIFY(gone.isValid());
        const QString goneName = project.name() + QStringLiteral("-gone");
        QVERIFY(!writeLiveDeployment(gone.path(), goneName).isEmpty());
        QVERIFY(gone.remove());

        createMainWindow();
        window()->resize(800, 600);
        LiveDeploymentsPanel* panel = window()->runningPanel();
        QVERIFY(panel);
        QVERIFY(!panel->isVisible());
        auto* toggle = window()->findChild<QAction*>(QStringLiteral("actionShowRunning"));
        QVERIFY(toggle);
        QSignalSpy refreshed(panel, &LiveDeploymentsPanel::refreshed);
        toggle->trigger();
        QVERIFY(panel->isVisible());
        // The read runs on a worker thread: the window answers while it goes on.
        QVERIFY(refreshed.wait(30000));
        QTreeWidget* list = panel->list();
        QTreeWidgetItem* live = rowOf(list, project.name());
        QTreeWidgetItem* orphan = rowOf(list, goneName);
        QVERIFY(live && orphan);
        QCOMPARE(live->text(LiveDeploymentsPanel::BackendColumn), QStringLiteral("local"));
        QCOMPARE(live->text(LiveDeploymentsPanel::MachinesColumn), QStringLiteral("1"));
        QVERIFY2(live->text(LiveDeploymentsPanel::StateColumn).contains(QStringLiteral("1 of 2 done"))
                     && live->text(LiveDeploymentsPanel::StateColumn).contains(QStringLiteral("1 running")),
                 qPrintable(live->text(LiveDeploymentsPanel::StateColumn)));
        QCOMPARE(live->text(LiveDeploymentsPanel::CostColumn), QStringLiteral("–"));
        QCOMPARE(QDir(live->text(LiveDeploymentsPanel::FolderColumn)).absolutePath(),
                 QDir(project.experimentDir()).absolutePath());
        QVERIFY(orphan->text(LiveDeploymentsPanel::StateColumn).contains(QStringLiteral("folder gone")));
        grabFor(window(), QStringLiteral("running-800x600"));

        NEED(QPushButton, open, panel, "runningOpenButton");
        NEED(QLineEdit, command, panel, "runningCommand");
        NEED(QPushButton, copy, panel, "runningCopyCommandButton");
        list->setCurrentItem(orphan);
        QVERIFY(!open->isEnabled());
        // No board to open: the command `list` prints, in full and copyable.
        QVERIFY(command->isVisible() && copy->isVisible());
        QCOMPARE(command->text(), QStringLiteral("logistician terminate --experiment ") + goneName);
        copy->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), command->text());
        list->setCurrentItem(live);
        QVERIFY(open->isEnabled());
        QVERIFY(!command->isVisible());

        // Enter on the row: the project opens on that experiment's board.
        QSignalSpy loaded(window(), &MainWindow::projectLoaded);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Return);
        QVERIFY(loaded.wait(15000));
        ExperimentPage* page = window()->currentPage();
        QVERIFY(page);
        QCOMPARE(page->dir(), QDir(project.experimentDir()).absolutePath());
        NEED(QTabWidget, tabs, page, "experimentTabs");
        QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(page->deployments()));

        // Open Board again from another tab, in the project already open: back to the board.
        page->showTab(0);
        open->click();
        QCOMPARE(tabs->currentIndex(), 3);

        // Hidden, it stops reading.
        toggle->trigger();
        QVERIFY(!panel->isVisible());
        refreshed.clear();
        panel->setRefreshInterval(50);
        QTest::qWait(300);
        QTRY_VERIFY(!panel->isRefreshing());
        QCOMPARE(refreshed.count(), 0);
    }

    void everyExperimentTabIsVisibleAt800x600()
    {
        TestProject project;
        // A larger desktop font, as on a laptop set to 1.2x text.
        const QFont was = QApplication::font();
        QFont large = was;
        large.setPointSizeF(was.pointSizeF() * 1.2);
        QApplication::setFont(large);
        const auto restore = qScopeGuard([was] { QApplication::setFont(was); });
        createMainWindow();
        QVERIFY(openProject(project.root()));
        window()->resize(800, 600);
        QTRY_COMPARE(window()->width(), 800);
        // The browser as wide as it starts out at 1200 px: the page gets what is left.
        NEED(QSplitter, splitter, window(), "mainSplitter");
        splitter->setSizes({ 300, 500 });
        ExperimentPage* page = window()->currentPage();
        QVERIFY(page);
        NEED(QTabWidget, tabs, page, "experimentTabs");
        QTabBar* bar = tabs->tabBar();
        QCOMPARE(bar->count(), 5);
        // Unsaved edits in each editor make their labels longer ("Conditions *").
        NEED(QPlainTextEdit, dockerfile, page, "dockerfileEditor");
        dockerfile->appendPlainText(QStringLiteral("# edited"));
        NEED(QLineEdit, command, page, "experiment_command");
        command->setText(command->text() + QStringLiteral(" --more"));
        QAbstractItemModel* conditions = page->conditions()->model();
        QVERIFY(conditions->setData(conditions->index(0, 0), QStringLiteral("changed")));
        QVERIFY(page->isModified());
        QTRY_VERIFY(bar->tabText(0).endsWith(QStringLiteral(" *")));
        QTRY_VERIFY(bar->tabText(1).endsWith(QStringLiteral(" *")));
        QTRY_VERIFY(bar->tabText(4).endsWith(QStringLiteral(" *")));
        QApplication::processEvents();
        for (int i = 0; i < bar->count(); ++i) {
            const QRect r = bar->tabRect(i);
            QVERIFY2(bar->rect().contains(r) && tabs->rect().contains(bar->geometry()),
                     qPrintable(QStringLiteral("tab %1 at %2,%3 %4x%5 outside the bar %6 wide")
                                    .arg(i)
                                    .arg(r.x())
                                    .arg(r.y())
                                    .arg(r.width())
                                    .arg(r.height())
                                    .arg(bar->width())));
        }
        // A shortened label is whole in its tooltip.
        for (int i = 0; i < bar->count(); ++i)
            QVERIFY2(bar->tabToolTip(i).startsWith(
                         QString(bar->tabText(i)).remove(QLatin1Char('&')).remove(QStringLiteral(" *"))),
                     qPrintable(bar->tabToolTip(i)));
        grabFor(window(), QStringLiteral("experiment-800x600"));
    }
};

QTEST_MAIN(TestGuiRunning)
#include "TestGuiRunning.moc"
