// SPDX-License-Identifier: MIT
// The main window as a user meets it: the project browser with each
// experiment's Git state, a broken parameters.json shown with a banner and
// left untouched, recent projects and layout remembered, closing with unsaved
// work asking first, the About dialog.
#include "AboutDialog.h"
#include "CommandLogDock.h"
#include "CompactButtonRow.h"
#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "LocalRunsPanel.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestProject.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QFrame>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

class TestGuiMainWindow : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void browserListsExperimentsWithGitState();
    void malformedParametersShowBannerAndStayUntouched();
    void recentProjectsAndLayoutPersist();
    void closingWithUnsavedChangesAsks();
    void openingAFolderOutsideGitSaysWhy();
    void aboutShowsTheVersion();
    void needFailsTheTestForAMissingWidget();
    void aButtonRowDropsItsNamesWhenAButtonAppears();
};

void TestGuiMainWindow::initTestCase()
{
    CHECKED(isolateSettings());
}

void TestGuiMainWindow::cleanup()
{
    destroyMainWindow();
}

void TestGuiMainWindow::browserListsExperimentsWithGitState()
{
    TestProject project;
    // A second experiment, committed, then changed: the browser must call it modified.
    // Its folder is experiments/2, as the CLI names it; it calls itself "second" (experiment_name).
    project.repo().writeFile(QStringLiteral("experiments/2/parameters.json"),
                             QByteArrayLiteral("{\"experiment_name\": \"second\", \"experiment_command\": \"sh x.sh\","
                                               " \"experiment_conditions\": [\"1\", \"2\", \"3\"]}\n"));
    project.repo().writeFile(QStringLiteral("experiments/2/Dockerfile"),
                             QByteArrayLiteral("FROM debian:bookworm-slim\n"));
    const QString head = project.repo().commitAll(QStringLiteral("second experiment"));
    project.repo().writeFile(QStringLiteral("experiments/2/Dockerfile"), QByteArrayLiteral("FROM debian:bookworm\n"));

    createMainWindow();
    QVERIFY(openProject(project.root()));
    NEED(QTreeWidget, browser, window(), "projectBrowser");
    QVERIFY(browser);
    QCOMPARE(browser->topLevelItemCount(), 2);
    // Named and sorted by folder, as the CLI and the paths name them: experiments/2 before experiments/t-….
    QTreeWidgetItem* second = browser->topLevelItem(0);
    QTreeWidgetItem* first = browser->topLevelItem(1);
    QCOMPARE(second->text(0), QStringLiteral("experiments/2"));
    QVERIFY2(second->toolTip(0).contains(QStringLiteral("experiment_name: second")), qPrintable(second->toolTip(0)));
    QCOMPARE(second->data(0, Qt::AccessibleDescriptionRole).toString(), QStringLiteral("second"));
    QCOMPARE(second->text(1), QStringLiteral("3"));
    QCOMPARE(second->text(2), QStringLiteral("modified"));
    QCOMPARE(first->text(0), QStringLiteral("experiments/") + project.name());
    QCOMPARE(first->text(1), QStringLiteral("2"));
    QCOMPARE(first->text(2), QStringLiteral("clean"));
    NEED(QLabel, state, window(), "projectState");
    QVERIFY2(state->text().contains(head.left(8)), qPrintable(state->text()));
    QVERIFY(state->text().contains(QStringLiteral("main")));

    // Clicking an experiment opens its page, with its Git state in the header.
    QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, browser->visualItemRect(second).center());
    QTRY_COMPARE(window()->currentPage()->experimentName(), QStringLiteral("second"));
    QTRY_VERIFY(need<QLabel>(window()->currentPage(), "gitState")->text().contains(QStringLiteral("modified")));
    QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, browser->visualItemRect(first).center());
    QTRY_COMPARE(window()->currentPage()->experimentName(), project.name());
    QTRY_VERIFY(need<QLabel>(window()->currentPage(), "gitState")->text().contains(QStringLiteral("clean")));
}

void TestGuiMainWindow::malformedParametersShowBannerAndStayUntouched()
{
    TestProject project;
    const QString path = project.experimentDir() + QStringLiteral("/parameters.json");
    const QByteArray broken = "{\n  \"experiment_name\": \"broken\",\n  \"experiment_conditions\": [\"a\", 7]\n}\n";
    project.repo().writeFile(QStringLiteral("experiments/") + project.name() + QStringLiteral("/parameters.json"),
                             broken);

    createMainWindow();
    QVERIFY(openProject(project.root()));
    ExperimentPage* page = window()->currentPage();
    QVERIFY(page);
    QVERIFY(!page->isLoaded());
    NEED(QFrame, banner, page, "errorBanner");
    QVERIFY(banner->isVisible());
    const QString text = need<QLabel>(page, "errorBannerText")->text();
    QVERIFY2(text.contains(QStringLiteral("parameters.json:3:")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("experiment_conditions must be a list of strings")));
    // The browser flags it too.
    QCOMPARE(need<QTreeWidget>(window(), "projectBrowser")->topLevelItem(0)->text(1), QStringLiteral("error"));

    // Nothing that could write the file is available, and saving refuses.
    QVERIFY(!page->conditions()->isEnabled());
    QVERIFY(!page->runs()->isEnabled());
    QVERIFY(!window()->findChild<QAction*>(QStringLiteral("actionSave"))->isEnabled());
    QVERIFY(!window()->findChild<QAction*>(QStringLiteral("actionRun"))->isEnabled());
    QTest::keySequence(window(), QKeySequence::Save);
    const Result pageSaved = page->save();
    QVERIFY(!pageSaved);
    const QString error = pageSaved.message();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), broken);
    file.close();

    // Fixed on disk, Reload brings the experiment back.
    project.repo().writeFile(QStringLiteral("experiments/") + project.name() + QStringLiteral("/parameters.json"),
                             QByteArrayLiteral("{\"experiment_name\": \"fixed\", \"experiment_conditions\": [\"a\"]}"));
    QTest::mouseClick(need<QPushButton>(page, "reloadButton"), Qt::LeftButton);
    QVERIFY(page->isLoaded());
    QVERIFY(!banner->isVisible());
    QCOMPARE(page->conditions()->model()->rowCount(), 1);
}

void TestGuiMainWindow::recentProjectsAndLayoutPersist()
{
    TestProject one;
    TestProject two;
    createMainWindow();
    QVERIFY(openProject(one.root()));
    QVERIFY(openProject(two.root()));
    NEED(QSplitter, splitter, window(), "mainSplitter");
    splitter->setSizes({ 222, 700 });
    const QList<int> sizes = splitter->sizes();
    window()->resize(1111, 777);
    NEED(QSplitter, runsSplitter, window()->currentPage(), "runsSplitter");
    runsSplitter->setSizes({ 300, 123 });
    const int logHeight = runsSplitter->sizes().value(0);
    window()->findChild<QDockWidget*>(QStringLiteral("commandLogDock"))->hide();
    window()->close();
    QTRY_VERIFY(!window()->isVisible());

    QCOMPARE(Settings().lastProject(), QDir(two.root()).canonicalPath());
    // One file holds it all: the window writes no gui.ini of its own any more.
    QVERIFY(!QFile::exists(Settings::legacyGuiFilePath()));

    createMainWindow();
    const QStringList recent = window()->recentProjects();
    QCOMPARE(recent.value(0), QDir(two.root()).canonicalPath());
    QCOMPARE(recent.value(1), QDir(one.root()).canonicalPath());
    NEED(QListWidget, recentList, window(), "recentList");
    QVERIFY(recentList->count() >= 2);
    QVERIFY(recentList->item(0)->text().contains(QDir(two.root()).canonicalPath()));
    QCOMPARE(window()->size(), QSize(1111, 777));
    QCOMPARE(need<QSplitter>(window(), "mainSplitter")->sizes().value(0), sizes.value(0)); // the browser's width
    QVERIFY(!window()->findChild<QDockWidget*>(QStringLiteral("commandLogDock"))->isVisible());

    // Opening from the recent list, as a user would.
    QSignalSpy loaded(window(), &MainWindow::projectLoaded);
    recentList->setCurrentRow(1);
    QTest::keyClick(recentList, Qt::Key_Return);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(window()->projectDir(), QDir(one.root()).canonicalPath());
    // The Runs tab's split between log and history came back too.
    QCOMPARE(need<QSplitter>(window()->currentPage(), "runsSplitter")->sizes().value(0), logHeight);
}

void TestGuiMainWindow::closingWithUnsavedChangesAsks()
{
    TestProject project;
    createMainWindow();
    QVERIFY(openProject(project.root()));
    ExperimentPage* page = window()->currentPage();
    page->conditions()->addCondition();
    QVERIFY(window()->hasUnsavedChanges());
    QTRY_VERIFY(window()->isWindowModified());

    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    window()->close();
    QVERIFY(window()->isVisible());
    QVERIFY(Gui::MessageBox::lastText().contains(QStringLiteral("without saving")));

    Gui::MessageBox::setNextAnswer(QMessageBox::Discard);
    window()->close();
    QTRY_VERIFY(!window()->isVisible());
}

void TestGuiMainWindow::openingAFolderOutsideGitSaysWhy()
{
    QTemporaryDir plain;
    createMainWindow();
    Gui::MessageBox::setNextAnswer(QMessageBox::Ok);
    Gui::FileDialog::setNextDirectory(plain.path());
    QSignalSpy loaded(window(), &MainWindow::projectLoaded);
    window()->findChild<QAction*>(QStringLiteral("actionOpenProject"))->trigger();
    QTRY_VERIFY(Gui::MessageBox::lastText().contains(QStringLiteral("not inside a Git repository")));
    QCOMPARE(loaded.count(), 0);
    QVERIFY(window()->projectDir().isEmpty());
}

void TestGuiMainWindow::aboutShowsTheVersion()
{
    createMainWindow();
    window()->findChild<QAction*>(QStringLiteral("actionAbout"))->trigger();
    AboutDialog* about = nullptr;
    QTRY_VERIFY((about = window()->findChild<AboutDialog*>()) && about->isVisible());
    QCOMPARE(need<QLabel>(about, "versionLabel")->text(), QStringLiteral("Version " LOGISTICIAN_VERSION));
    // The commit it was built from, and the licence (issue 17).
    const QString commit = need<QLabel>(about, "commitLabel")->text();
    QVERIFY2(commit.contains(QRegularExpression(QStringLiteral("commit ([0-9a-f]{40}|unknown)( \\(dirty\\))?<"))),
             qPrintable(commit));
    QVERIFY(need<QLabel>(about, "aboutText")->text().contains(QStringLiteral("MIT License")));
    about->close();
}

// The harness itself: need() fails the test (it used to warn and go on).
void TestGuiMainWindow::needFailsTheTestForAMissingWidget()
{
    createMainWindow();
    QVERIFY(need<QTreeWidget>(window(), "projectBrowser"));
    // The expected failure is need()'s; if need() failed nothing, the QVERIFY after it passes unexpectedly.
    QEXPECT_FAIL("", "need() records a failure for a missing widget", Continue);
    QLabel* missing = need<QLabel>(window(), "noSuchWidget");
    QVERIFY(!missing);
}

// The board's buttons: Rerun Failed appears after a failure; the row, as wide as before, then shows the
// buttons without their names rather than cutting off the last one (seen in board-running.png).
void TestGuiMainWindow::aButtonRowDropsItsNamesWhenAButtonAppears()
{
    QWidget window;
    auto* row = new CompactButtonRow(&window);
    QList<QPushButton*> buttons;
    for (const char* name : { "Deploy…", "Rerun Failed", "Refresh", "Sync All", "Terminate All…" }) {
        buttons << new QPushButton(QString::fromUtf8(name));
        row->addButton(buttons.last());
    }
    buttons.at(1)->hide();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    row->setGeometry(0, 0, row->sizeHint().width() + 4, row->sizeHint().height());
    QTest::qWait(20);
    QVERIFY(!row->isCompact());
    buttons.at(1)->show();
    QTRY_VERIFY(row->isCompact());
    QVERIFY(buttons.last()->geometry().right() <= row->width());
    buttons.at(1)->hide();
    QTRY_VERIFY(!row->isCompact());
}

QTEST_MAIN(TestGuiMainWindow)
#include "TestGuiMainWindow.moc"
