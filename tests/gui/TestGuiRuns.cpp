// SPDX-License-Identifier: MIT
// The Runs tab against the real Docker engine: build and run a condition,
// its output in the log view, the exit status, the history with the data
// folder, the command log; Stop; closing with a run going asks first.
#include "CommandLog.h"
#include "CommandLogDock.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "LocalRunsPanel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TestProject.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

class TestGuiRuns : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void buildAndRunACondition();
    void runWithoutBuildingNeedsTheImage();
    void typedArgumentsAndAFailingRun();
    void runTheCommittedCode();
    void stopARunningContainer();
    void stopRightAfterStartLeavesNoContainer();
    void closingWithARunningContainerAsks();

private:
    LocalRunsPanel* openRuns(TestProject& project);
    static QString containerOf(const TestProject& project);
    static QString containersNamed(const QString& name);
};

// The container name the last run recorded.
QString TestGuiRuns::containerOf(const TestProject& project)
{
    QFile config(project.lastRunDir() + QStringLiteral("/config/run.json"));
    if (!config.open(QIODevice::ReadOnly))
        return QString();
    return QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("container")).toString();
}

// What the engine has under that name, running or not ("" when nothing).
QString TestGuiRuns::containersNamed(const QString& name)
{
    QProcess ps;
    ps.start(QStringLiteral("docker"),
             { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"), QStringLiteral("name=") + name,
               QStringLiteral("--format"), QStringLiteral("{{.Names}} {{.Status}}") });
    if (!ps.waitForFinished(30000) || ps.exitStatus() != QProcess::NormalExit || ps.exitCode() != 0)
        return QStringLiteral("docker ps failed: ") + QString::fromLocal8Bit(ps.readAllStandardError());
    return QString::fromUtf8(ps.readAllStandardOutput()).trimmed();
}

void TestGuiRuns::initTestCase()
{
    CHECKED(isolateSettings());
}

void TestGuiRuns::cleanup()
{
    destroyMainWindow();
}

LocalRunsPanel* TestGuiRuns::openRuns(TestProject& project)
{
    createMainWindow();
    if (!openProject(project.root()) || !window()->currentPage())
        return nullptr;
    ExperimentPage* page = window()->currentPage();
    page->showTab(2);
    return page->runs();
}

void TestGuiRuns::buildAndRunACondition()
{
    TestProject project;
    project.setParameters(
        { { QStringLiteral("experiment_conditions"),
            QJsonArray { QStringLiteral("--seed 1"), QStringLiteral("--name 'two words' --seed 2") } } });
    project.repo().commitAll(QStringLiteral("conditions"));
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);

    // Pick the second condition from the list, as a user would.
    NEED(QComboBox, combo, runs, "conditionCombo");
    QCOMPARE(combo->count(), 3); // two conditions and "custom"
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(combo->currentIndex(), 1);
    QCOMPARE(need<QLineEdit>(runs, "argumentsEdit")->text(), QStringLiteral("--name 'two words' --seed 2"));
    QVERIFY(need<QCheckBox>(runs, "rebuildCheck")->isChecked());

    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QVERIFY(runs->isBusy());
    QVERIFY(need<QPushButton>(runs, "stopButton")->isEnabled());
    QVERIFY(!need<QPushButton>(runs, "runButton")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!runs->isBusy(), 120000);

    LogView* log = runs->logView();
    QTRY_VERIFY(log->isIdle());
    const QString text = log->toPlainText();
    // The container's own output, each argument intact.
    QVERIFY2(text.contains(QStringLiteral("<--name>\n<two words>\n<--seed>\n<2>")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("docker build -t ") + project.image()));
    QVERIFY(text.contains(QStringLiteral("docker run --rm")));
    NEED(QLabel, status, runs, "runStatus");
    QVERIFY2(status->text().startsWith(QStringLiteral("Exited with code 0")), qPrintable(status->text()));

    // The history lists the run, with its data folder holding the results.
    NEED(QTreeWidget, history, runs, "historyList");
    QCOMPARE(history->topLevelItemCount(), 1);
    QTreeWidgetItem* item = history->topLevelItem(0);
    QCOMPARE(item->text(1), QStringLiteral("--name 'two words' --seed 2"));
    QCOMPARE(item->text(2), QStringLiteral("0"));
    const QString dataDir = item->data(0, Qt::UserRole).toString();
    QCOMPARE(dataDir, project.lastRunDir());
    QFile results(dataDir + QStringLiteral("/results/args.txt"));
    QVERIFY(results.open(QIODevice::ReadOnly));
    QCOMPARE(results.readAll(), QByteArray("<--name>\n<two words>\n<--seed>\n<2>\n"));
    QVERIFY(need<QLabel>(runs, "lastRunLink")->text().contains(QFileInfo(dataDir).fileName()));

    // Every command went through the command log, ready to copy.
    const QString commands = window()->commandLog()->text();
    QVERIFY(commands.contains(QStringLiteral("docker build -t ") + project.image()));
    QVERIFY(commands.contains(QStringLiteral("docker run --rm --name logistician-")));
}

void TestGuiRuns::runWithoutBuildingNeedsTheImage()
{
    // "Build before running" off and no image: the same check as `run --no-build`, and no run folder.
    TestProject project;
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);
    need<QCheckBox>(runs, "rebuildCheck")->setChecked(false);
    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!runs->isBusy(), 60000);
    NEED(QLabel, status, runs, "runStatus");
    QVERIFY2(status->text().contains(
                 QStringLiteral("image %1 is not built yet (\"Build before running\" is off)").arg(project.image())),
             qPrintable(status->text()));
    QVERIFY(!QFileInfo::exists(project.experimentDir() + QStringLiteral("/data")));
    QVERIFY(!runs->logView()->toPlainText().contains(QStringLiteral("docker run")));
}

void TestGuiRuns::typedArgumentsAndAFailingRun()
{
    TestProject project(QStringLiteral("sh fail.sh"));
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);
    NEED(QLineEdit, arguments, runs, "argumentsEdit");
    arguments->clear();
    QTest::keyClicks(arguments, QStringLiteral("3"));
    QCOMPARE(need<QComboBox>(runs, "conditionCombo")->currentText(), QStringLiteral("Custom arguments"));
    QTest::keyClick(arguments, Qt::Key_Return);
    QVERIFY(runs->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!runs->isBusy(), 120000);
    QTRY_VERIFY(runs->logView()->isIdle());
    QVERIFY(runs->logView()->toPlainText().contains(QStringLiteral("failing")));
    QVERIFY2(need<QLabel>(runs, "runStatus")->text().startsWith(QStringLiteral("Exited with code 3")),
             qPrintable(need<QLabel>(runs, "runStatus")->text()));
    QCOMPARE(need<QTreeWidget>(runs, "historyList")->topLevelItem(0)->text(2), QStringLiteral("3"));

    // Unbalanced quotes never reach docker.
    arguments->setText(QStringLiteral("'open"));
    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QVERIFY(!runs->isBusy());
    QVERIFY(need<QLabel>(runs, "runStatus")->text().contains(QStringLiteral("unbalanced single quote")));
}

void TestGuiRuns::runTheCommittedCode()
{
    TestProject project;
    project.repo().writeFile(QStringLiteral("args.sh"), "#!/bin/sh\necho uncommitted edit\n", true);
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);
    need<QLineEdit>(runs, "argumentsEdit")->setText(QStringLiteral("committed"));
    QTest::mouseClick(need<QCheckBox>(runs, "cloneCheck"), Qt::LeftButton);
    QVERIFY(need<QCheckBox>(runs, "cloneCheck")->isChecked());
    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QVERIFY(runs->isBusy()); // the export runs on a worker thread; the window stays responsive
    QTRY_VERIFY_WITH_TIMEOUT(!runs->isBusy(), 120000);
    QTRY_VERIFY(runs->logView()->isIdle());
    const QString text = runs->logView()->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("<committed>")), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("uncommitted edit")));
    QVERIFY2(need<QLabel>(runs, "runStatus")->text().startsWith(QStringLiteral("Exited with code 0")),
             qPrintable(need<QLabel>(runs, "runStatus")->text()));
}

void TestGuiRuns::stopARunningContainer()
{
    TestProject project(
        QStringLiteral("sh -c 'trap \"echo stopping; exit 130\" INT TERM; echo started; sleep 60 & wait'"));
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);
    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(runs->logView()->toPlainText().contains(QStringLiteral("started")), 120000);
    QCOMPARE(runs->phase(), LocalRunsPanel::Phase::Running);
    const QString container = containerOf(project);
    QVERIFY(!container.isEmpty());
    // "started" is also in the echoed command line: wait for the engine to list the container.
    QTRY_COMPARE_WITH_TIMEOUT(containersNamed(container).section(QLatin1Char(' '), 0, 0), container, 30000);
    QTest::mouseClick(need<QPushButton>(runs, "stopButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!runs->isBusy(), 30000);
    const QString status = need<QLabel>(runs, "runStatus")->text();
    QVERIFY2(status.contains(QStringLiteral("Stopped")) || status.contains(QStringLiteral("130")), qPrintable(status));
    QVERIFY(need<QTreeWidget>(runs, "historyList")->topLevelItem(0)->text(2) != QStringLiteral("0"));
    QVERIFY(window()->commandLog()->text().contains(QStringLiteral("docker stop --time 10 ") + container));
    QTRY_COMPARE_WITH_TIMEOUT(containersNamed(container), QString(), 10000);
}

void TestGuiRuns::stopRightAfterStartLeavesNoContainer()
{
    // Stop pressed in the same event-loop turn that starts `docker run`: before the client has created
    // the container, let alone set up the signal proxy that would forward a SIGINT to it.
    TestProject project(QStringLiteral("sh -c 'trap \"exit 130\" INT TERM; echo started; sleep 60 & wait'"));
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);
    bool stopped = false;
    // Queued: Stop comes in the event-loop turn right after `docker run` was started.
    const QMetaObject::Connection hook = connect(
        CommandLog::instance(), &CommandLog::commandStarted, this,
        [&stopped, runs](const QString& line) {
            if (stopped || !line.startsWith(QStringLiteral("docker run ")))
                return;
            QCOMPARE(runs->phase(), LocalRunsPanel::Phase::Running);
            QTest::mouseClick(runs->findChild<QPushButton*>(QStringLiteral("stopButton")), Qt::LeftButton);
            stopped = true;
        },
        Qt::QueuedConnection);
    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(stopped, 120000); // after the build
    disconnect(hook);
    QVERIFY(runs->phase() == LocalRunsPanel::Phase::Stopping || !runs->isBusy());
    const QString container = containerOf(project);
    QVERIFY(container.startsWith(QStringLiteral("logistician-")));
    QTRY_VERIFY_WITH_TIMEOUT(!runs->isBusy(), 60000);
    const QString status = need<QLabel>(runs, "runStatus")->text();
    QVERIFY2(status.contains(QStringLiteral("Stopped")), qPrintable(status));
    // Nothing under that name: not running, not left created, not exited and kept.
    QTRY_COMPARE_WITH_TIMEOUT(containersNamed(container), QString(), 10000);
    // And nothing started later either.
    QTest::qWait(2000);
    QCOMPARE(containersNamed(container), QString());
}

void TestGuiRuns::closingWithARunningContainerAsks()
{
    TestProject project(QStringLiteral("sh -c 'trap \"exit 130\" INT TERM; echo started; sleep 60 & wait'"));
    LocalRunsPanel* runs = openRuns(project);
    QVERIFY(runs);
    QTest::mouseClick(need<QPushButton>(runs, "runButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(runs->logView()->toPlainText().contains(QStringLiteral("started")), 120000);

    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    window()->close();
    QVERIFY(window()->isVisible());
    QVERIFY(Gui::MessageBox::lastText().contains(QStringLiteral("stop the builds and runs")));
    QVERIFY(runs->isBusy());

    Gui::MessageBox::setNextAnswer(QMessageBox::Discard);
    window()->close();
    // The container is asked to stop, and the window goes once it has.
    QVERIFY(runs->phase() == LocalRunsPanel::Phase::Stopping || !runs->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!window()->isVisible(), 30000);
    QVERIFY(!runs->isBusy());
}

QTEST_MAIN(TestGuiRuns)
#include "TestGuiRuns.moc"
