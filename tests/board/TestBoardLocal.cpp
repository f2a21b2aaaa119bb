// SPDX-License-Identifier: MIT
#include "Checked.h"
#include "CompactButtonRow.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "LogView.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestProject.h"
#include "board/BoardFilterModel.h"
#include "board/BoardNotifier.h"
#include "board/DeployDialog.h"
#include "board/DeploymentBoard.h"
#include "board/MachineLogPanel.h"
#include "board/ResultsPanel.h"
#include "board/SummaryBar.h"

#include <QApplication>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QMenu>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using Phase = DeploymentState::Phase;

namespace {

// A deploy on this machine's engine.
DeployOptions localDeploy()
{
    DeployOptions options;
    options.backend = QStringLiteral("local");
    return options;
}

// Rows whose containers terminate removed; each keeps the phase it ended in (terminated: stopped before it ended).
int terminatedRows(const BoardModel* model)
{
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        n += model->isTerminated(row) ? 1 : 0;
    return n;
}

constexpr int EngineTimeout = 90000;

// A small experiment: prints a line a second for --wait seconds, writes its
// numbers into /data/results, and exits with --code.
const QByteArray WorkScript
    = "#!/bin/sh\n"
      "lr=0; code=0; wait=0\n"
      "while [ $# -gt 1 ]; do\n"
      "  case \"$1\" in --lr) lr=$2 ;; --code) code=$2 ;; --wait) wait=$2 ;; esac\n"
      "  shift 2\n"
      "done\n"
      "echo \"starting lr=$lr\"\n"
      "i=0\n"
      "while [ \"$i\" -lt \"$wait\" ]; do i=$((i+1)); echo \"step $i of $wait\"; sleep 1; done\n"
      "printf '{\"loss\": %s, \"accuracy\": 0.9}\\n' \"$lr\" > /data/results/metrics.json\n"
      "printf 'epoch,val\\n1,%s\\n' \"$lr\" > /data/results/curve.csv\n"
      "echo \"done lr=$lr code=$code\"\n"
      "exit \"$code\"\n";

QString readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QPushButton* button(QWidget* parent, const char* name)
{
    auto* b = parent->findChild<QPushButton*>(QLatin1String(name));
    if (!b)
        qWarning() << "no button" << name;
    return b;
}

} // namespace

class TestBoardLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void deployWatchSyncTerminate();
    void syncAndTerminateOneMachine();
    void resultsComeHomeByThemselves();

private:
    std::unique_ptr<DeploymentBoard> newBoard();
    static QStringList containers(const QString& experiment);

    QTemporaryDir m_config;
    std::unique_ptr<TestProject> m_project;
    std::unique_ptr<TestProject> m_project2;
    std::unique_ptr<TestProject> m_project3;
    QStringList m_images;
};

void TestBoardLocal::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    qputenv("LOGISTICIAN_POLL_SECONDS", "1");
    // The first tests sync by hand; resultsComeHomeByThemselves turns auto sync on.
    Settings().setAutoSync(false);
    if (run(QStringLiteral("docker"),
            { QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.Id}}"),
              QStringLiteral("debian:bookworm-slim") })
            .isEmpty())
        QFAIL("the Docker engine does not answer or debian:bookworm-slim is missing; run scripts/test.sh");

    m_project = std::make_unique<TestProject>(QStringLiteral("sh work.sh"));
    m_project->repo().writeFile(QStringLiteral("work.sh"), WorkScript, true);
    m_project->setParameters(
        { { QStringLiteral("experiment_conditions"),
            QJsonArray { QStringLiteral("--lr 0.1 --code 0 --wait 8"), QStringLiteral("--lr 0.2 --code 0 --wait 8"),
                         QStringLiteral("--lr 0.3 --code 3 --wait 0") } },
          { QStringLiteral("backend"), QStringLiteral("local") },
          { QStringLiteral("max_parallel"), 3 } });
    m_project->repo().commitAll(QStringLiteral("a sweep of three"));
}

void TestBoardLocal::cleanupTestCase()
{
    // Whatever a failed run left behind.
    for (const TestProject* project : { m_project.get(), m_project2.get(), m_project3.get() }) {
        if (!project)
            continue;
        const QStringList names = containers(project->name());
        if (!names.isEmpty())
            run(QStringLiteral("docker"), QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + names);
    }
    for (const QString& image : std::as_const(m_images))
        run(QStringLiteral("docker"),
            { QStringLiteral("rmi"), QStringLiteral("-f"), QStringLiteral("--no-prune"), image });
}

QStringList TestBoardLocal::containers(const QString& experiment)
{
    return run(QStringLiteral("docker"),
               { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--format"), QStringLiteral("{{.Names}}"),
                 QStringLiteral("--filter"), QStringLiteral("label=logistician.experiment=") + experiment })
        .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

std::unique_ptr<DeploymentBoard> TestBoardLocal::newBoard()
{
    auto board = std::make_unique<DeploymentBoard>();
    board->resize(1100, 720);
    board->show();
    return board;
}

void TestBoardLocal::deployWatchSyncTerminate()
{
    const QString experiment = m_project->experimentDir();
    auto board = newBoard();
    QVERIFY(board->setExperimentDir(experiment));
    BoardModel* model = board->model();
    QCOMPARE(model->rowCount(), 0);
    QPushButton* emptyDeploy = button(board.get(), "emptyDeployButton");
    QVERIFY(emptyDeploy && emptyDeploy->isVisible() && emptyDeploy->isEnabled());
    QVERIFY(!button(board.get(), "syncAllButton")->isEnabled());

    // The deploy dialog says what will happen before anything runs.
    QTest::mouseClick(emptyDeploy, Qt::LeftButton);
    DeployDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = board->findChild<DeployDialog*>()) != nullptr);
    QTRY_VERIFY(dialog->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isWorking(), 30000); // Git's answer and the plan come from workers
    QCOMPARE(dialog->findChild<QComboBox*>(QStringLiteral("deployBackend"))->currentData().toString(),
             QStringLiteral("local"));
    QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("deployMachines"))->text().contains(QLatin1String("3")));
    const QString head = m_project->repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") }).trimmed();
    QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("deployCommit"))->text().startsWith(head.left(12)));
    QVERIFY(!dialog->findChild<QLabel*>(QStringLiteral("deployCost"))->isVisible()); // this machine costs nothing
    QVERIFY(!dialog->findChild<QWidget*>(QStringLiteral("deployDirtyBanner"))->isVisible());
    QPushButton* confirm = button(dialog, "deployConfirmButton");
    QVERIFY(confirm->isEnabled());
    QTest::mouseClick(confirm, Qt::LeftButton);

    // The board fills in and the failing condition is seen failing, with its exit code.
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, EngineTimeout);
    m_images << board->monitor()->deployment()->state().image;
    QVERIFY(button(board.get(), "terminateAllButton")->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(2), Phase::Failed, EngineTimeout);
    QCOMPARE(model->index(2, BoardModel::StateColumn).data().toString(), QStringLiteral("failed (exit 3)"));
    QCOMPARE(model->index(2, BoardModel::ExitCodeColumn).data().toString(), QStringLiteral("3"));
    QVERIFY2(model->phase(0) == Phase::Running, qPrintable(DeploymentState::phaseName(model->phase(0))));
    QTRY_VERIFY(board->notifier()->lastText().contains(QLatin1String("exit code 3")));
    QVERIFY(board->notifier()->lastText().contains(model->slug(2)));
    QVERIFY(board->summaryBar()->text().contains(QLatin1String("1 failed")));
    QVERIFY(board->summaryBar()->text().contains(QLatin1String("2 running")));

    // Filter by state through the summary bar, then back to all.
    QTest::mouseClick(board->findChild<QWidget*>(QStringLiteral("summary-failed")), Qt::LeftButton);
    QCOMPARE(board->filterModel()->rowCount(), 1);
    QCOMPARE(board->filterModel()->index(0, 0).data(BoardModel::RowRole).toInt(), 2);
    QTest::mouseClick(board->findChild<QWidget*>(QStringLiteral("summary-all")), Qt::LeftButton);
    QCOMPARE(board->filterModel()->rowCount(), 3);

    // The log tail of a running machine, live.
    auto* view = board->findChild<QTableView*>(QStringLiteral("boardView"));
    view->setCurrentIndex(board->filterModel()->index(0, 0));
    auto* log = board->findChild<LogView*>(QStringLiteral("machineLogView"));
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QLatin1String("starting lr=0.1")), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QLatin1String("step 2 of 8")), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!model->index(0, BoardModel::LastLineColumn).data().toString().isEmpty(), 30000);

    // A terminal on the machine, through the user's terminal command.
    const QString marker = m_config.filePath(QStringLiteral("terminal.txt"));
    Settings().setTerminalCommand(QStringLiteral("sh -c 'pwd > %1; echo \"$@\" >> %1' terminal").arg(marker));
    QTest::mouseClick(button(board.get(), "openTerminalButton"), Qt::LeftButton);
    QTRY_VERIFY(QFileInfo::exists(marker) && readFile(marker).contains(QLatin1String("\n")));
    QCOMPARE(readFile(marker).section(QLatin1Char('\n'), 0, 0), QDir(board->monitor()->dataDir(0)).canonicalPath());

    // A new main window while the sweep runs: its Deployments tab picks the deployment up from the saved
    // state and follows it to the end.
    QVERIFY(model->phase(0) == Phase::Running || model->phase(1) == Phase::Running);
    board.reset();
    auto window = std::make_unique<MainWindow>();
    window->show();
    ExperimentPage* page = window->openExperiment(experiment);
    QVERIFY(page && page->deployments());
    DeploymentBoard* board2 = page->deployments();
    // Issue 15: a board with a deployment fits an 800x600 screen; its buttons drop their names to fit.
    page->showTab(3);
    window->resize(800, 600);
    QCoreApplication::processEvents();
    QVERIFY2(window->width() <= 800, qPrintable(QString::number(window->width())));
    auto* boardButtons = board2->findChild<CompactButtonRow*>(QStringLiteral("boardButtons"));
    QVERIFY(boardButtons && boardButtons->isCompact());
    QVERIFY(button(board2, "syncAllButton")->text().isEmpty());
    QCOMPARE(button(board2, "syncAllButton")->accessibleName(), QStringLiteral("Sync All"));
    window->resize(1600, 900);
    QTRY_VERIFY(!boardButtons->isCompact());
    QVERIFY(!button(board2, "syncAllButton")->text().isEmpty());
    model = board2->model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->phase(2), Phase::Failed);
    auto* deployMenu = window->findChild<QMenu*>(QStringLiteral("menuDeploy"));
    QVERIFY(deployMenu && deployMenu->actions().contains(board2->syncAllAction()));
    QSignalSpy finished(board2->monitor(), &DeploymentMonitor::deploymentFinished);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(0), Phase::Succeeded, EngineTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(1), Phase::Succeeded, EngineTimeout);
    QCOMPARE(model->phase(2), Phase::Failed);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toInt(), 1);
    QVERIFY(board2->notifier()->lastText().contains(QLatin1String("2 succeeded, 1 failed")));
    QCOMPARE(board2->summaryBar()->text(), QStringLiteral("2 succeeded, 1 failed"));
    QVERIFY(!model->index(0, BoardModel::ElapsedColumn).data().toString().isEmpty());
    // Each row's last line is the condition's final output, not the line it showed while running.
    QTRY_VERIFY_WITH_TIMEOUT(
        model->index(0, BoardModel::LastLineColumn).data().toString().startsWith(QLatin1String("done lr=")), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(
        model->index(1, BoardModel::LastLineColumn).data().toString().startsWith(QLatin1String("done lr=")), 30000);
    QTRY_VERIFY(!board2->monitor()->isPolling()); // nothing left to change on its own

    // Results compare across conditions and chart against a key.
    ResultsPanel* results = board2->results();
    QTRY_COMPARE_WITH_TIMEOUT(results->model()->rowCount(), 3, 30000);
    QVERIFY(results->model()->metrics().contains(QStringLiteral("loss")));
    QVERIFY(results->model()->metrics().contains(QStringLiteral("val")));
    results->setMetric(QStringLiteral("loss"));
    results->setKey(QStringLiteral("lr"));
    // One line per combination of the other keys (--code, --wait): the failing condition draws its own.
    QList<QLineSeries*> lines;
    for (QAbstractSeries* s : results->chart()->series()) {
        if (auto* line = qobject_cast<QLineSeries*>(s); line && s->type() == QAbstractSeries::SeriesTypeLine)
            lines << line;
    }
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0)->count() + lines.at(1)->count(), 3);
    QCOMPARE(lines.at(0)->at(0), QPointF(0.1, 0.1));
    QCOMPARE(lines.at(0)->at(1), QPointF(0.2, 0.2));
    QCOMPARE(lines.at(1)->at(0), QPointF(0.3, 0.3));
    QVERIFY(results->chart()->title().contains(QLatin1String("loss")));

    // Sync all, through its button: each container's log is saved with its results. It asks nothing (a
    // question would be answered Cancel here, and nothing would be synced).
    QPushButton* sync = button(board2, "syncAllButton");
    QTRY_VERIFY(sync->isEnabled());
    QSignalSpy boardOps(board2->monitor(), &DeploymentMonitor::operationFinished);
    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(sync, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!boardOps.isEmpty()
                                 && boardOps.last().at(0).value<DeploymentMonitor::Operation>()
                                     == DeploymentMonitor::Operation::Sync,
                             EngineTimeout);
    QCOMPARE(boardOps.last().at(1).toInt(), 0);
    const QString dataDir = board2->monitor()->dataDir(0);
    QVERIFY(readFile(dataDir + QStringLiteral("/logs/docker.txt")).contains(QLatin1String("starting lr=0.1")));
    QVERIFY(
        readFile(board2->monitor()->dataDir(2) + QStringLiteral("/logs/docker.txt")).contains(QLatin1String("code=3")));
    QVERIFY(!model->index(0, BoardModel::SyncedColumn).data().toString().isEmpty());

    // Terminate all: a cancelled confirmation changes nothing; a confirmed one removes every container.
    QPushButton* terminate = button(board2, "terminateAllButton");
    QVERIFY(terminate->isEnabled());
    boardOps.clear();
    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(terminate, Qt::LeftButton);
    QVERIFY(Gui::MessageBox::lastText().contains(QLatin1String("Terminate")));
    QVERIFY(!board2->isBusy());
    QVERIFY(board2->monitor()->isLive());
    const QString label = QStringLiteral("label=logistician.experiment=") + m_project->name();
    QCOMPARE(run(QStringLiteral("docker"),
                 { QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"), label })
                 .split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                 .size(),
             3);
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(terminate, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(terminatedRows(model), 3, EngineTimeout);
    QTRY_VERIFY(!board2->isBusy());
    QCOMPARE(boardOps.last().at(1).toInt(), 0);
    QCOMPARE(run(QStringLiteral("docker"),
                 { QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"), label }),
             QString());
    QVERIFY(!board2->monitor()->isLive());
    QVERIFY(!terminate->isEnabled());
    QVERIFY(!sync->isEnabled());
    // The results stay, and the board says what each condition had reached.
    QVERIFY(QFileInfo::exists(dataDir + QStringLiteral("/results/metrics.json")));

    // Reopened after the end: terminated, nothing polled, a new deploy possible.
    window.reset();
    board = newBoard();
    QVERIFY(board->setExperimentDir(experiment));
    QCOMPARE(terminatedRows(board->model()), 3);
    QVERIFY(!board->monitor()->isBusy());
    QVERIFY(!board->monitor()->isPolling());
    QVERIFY(button(board.get(), "deployButton")->isEnabled());
}

void TestBoardLocal::syncAndTerminateOneMachine()
{
    // The middle condition runs until it is terminated; the others finish at once.
    m_project2 = std::make_unique<TestProject>(QStringLiteral("sh work.sh"));
    m_project2->repo().writeFile(QStringLiteral("work.sh"), WorkScript, true);
    m_project2->setParameters(
        { { QStringLiteral("experiment_conditions"),
            QJsonArray { QStringLiteral("--lr 0.1 --wait 0"), QStringLiteral("--lr 0.2 --wait 600"),
                         QStringLiteral("--lr 0.3 --wait 0") } },
          { QStringLiteral("backend"), QStringLiteral("local") },
          { QStringLiteral("max_parallel"), 3 } });
    m_project2->repo().commitAll(QStringLiteral("one long condition"));
    const QString name = m_project2->name();

    auto board = newBoard();
    QVERIFY(board->setExperimentDir(m_project2->experimentDir()));
    BoardModel* model = board->model();
    board->monitor()->deploy(localDeploy());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, EngineTimeout);
    m_images << board->monitor()->deployment()->state().image;
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(0), Phase::Succeeded, EngineTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(2), Phase::Succeeded, EngineTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(1), Phase::Running, EngineTimeout);
    QTRY_VERIFY(!board->isBusy());
    QCOMPARE(containers(name).size(), 3);

    auto* view = board->findChild<QTableView*>(QStringLiteral("boardView"));
    auto select = [&](int row) {
        for (int r = 0; r < board->filterModel()->rowCount(); ++r) {
            const QModelIndex index = board->filterModel()->index(r, 0);
            if (index.data(BoardModel::RowRole).toInt() == row)
                view->setCurrentIndex(index);
        }
        QCOMPARE(board->machineLog()->row(), row);
    };
    QPushButton* sync = button(board.get(), "syncMachineButton");
    QPushButton* terminate = button(board.get(), "terminateMachineButton");
    QVERIFY(sync && terminate);
    QSignalSpy ops(board->monitor(), &DeploymentMonitor::operationFinished);
    auto lastOp = [&](DeploymentMonitor::Operation op) {
        return !ops.isEmpty() && ops.last().at(0).value<DeploymentMonitor::Operation>() == op;
    };

    // Sync the first machine only: it is synced, with its container's log (the runner saved each log as its
    // container ended, so the file itself is no sign of a sync); the third one is not synced.
    CHECKED(select(0));
    QTRY_VERIFY(sync->isEnabled());
    QTest::mouseClick(sync, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(lastOp(DeploymentMonitor::Operation::SyncMachine), EngineTimeout);
    QCOMPARE(ops.last().at(1).toInt(), 0);
    QVERIFY(readFile(board->monitor()->dataDir(0) + QStringLiteral("/logs/docker.txt"))
                .contains(QLatin1String("starting lr=0.1")));
    QVERIFY(!model->index(0, BoardModel::SyncedColumn).data().toString().isEmpty());
    QVERIFY(model->index(2, BoardModel::SyncedColumn).data().toString().isEmpty());

    // Terminate the running machine: a cancelled confirmation changes nothing; a confirmed one removes its
    // container only.
    CHECKED(select(1));
    QTRY_VERIFY(terminate->isEnabled());
    ops.clear();
    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(terminate, Qt::LeftButton);
    QVERIFY(Gui::MessageBox::lastText().contains(model->slug(1)));
    QVERIFY(!board->isBusy());
    QCOMPARE(containers(name).size(), 3);
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(terminate, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(lastOp(DeploymentMonitor::Operation::TerminateMachine), EngineTimeout);
    QCOMPARE(ops.last().at(1).toInt(), 0);
    QCOMPARE(model->phase(1), Phase::Terminated);
    QCOMPARE(model->phase(0), Phase::Succeeded);
    QCOMPARE(model->phase(2), Phase::Succeeded);
    const QStringList left = containers(name);
    QCOMPARE(left.size(), 2);
    QVERIFY(!left.contains(
        board->monitor()->deployment()->containerName(board->monitor()->deployment()->state().conditions.at(1))));
    QVERIFY(board->monitor()->isLive());
    QVERIFY(!terminate->isEnabled());
    QVERIFY(!sync->isEnabled());
    QVERIFY(readFile(board->monitor()->dataDir(1) + QStringLiteral("/logs/docker.txt"))
                .contains(QLatin1String("starting lr=0.2")));
    // Its container is gone; the log panel shows the log that terminate saved.
    CHECKED(select(1));
    QTRY_VERIFY_WITH_TIMEOUT(board->machineLog()->logView()->toPlainText().contains(QLatin1String("starting lr=0.2")),
                             EngineTimeout);

    // A status round keeps the states, here and in a new board reading the saved state.
    ops.clear();
    board->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(lastOp(DeploymentMonitor::Operation::Refresh), EngineTimeout);
    QCOMPARE(model->phase(1), Phase::Terminated);
    QCOMPARE(model->phase(0), Phase::Succeeded);
    board = newBoard();
    QVERIFY(board->setExperimentDir(m_project2->experimentDir()));
    model = board->model();
    QTRY_VERIFY_WITH_TIMEOUT(!board->monitor()->isBusy(), EngineTimeout);
    QCOMPARE(model->phase(1), Phase::Terminated);
    QCOMPARE(model->phase(2), Phase::Succeeded);

    // Terminate all removes the rest.
    QPushButton* terminateAll = button(board.get(), "terminateAllButton");
    QTRY_VERIFY(terminateAll->isEnabled());
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(terminateAll, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(terminatedRows(model), 3, EngineTimeout);
    QTRY_VERIFY(!board->isBusy());
    QVERIFY(containers(name).isEmpty());
    QVERIFY(!board->monitor()->isLive());
}

void TestBoardLocal::resultsComeHomeByThemselves()
{
    // Three lengths, one failing: each row is synced as it finishes, without Sync being pressed.
    m_project3 = std::make_unique<TestProject>(QStringLiteral("sh work.sh"));
    m_project3->repo().writeFile(QStringLiteral("work.sh"), WorkScript, true);
    m_project3->setParameters(
        { { QStringLiteral("experiment_conditions"),
            QJsonArray { QStringLiteral("--lr 0.1 --wait 0"), QStringLiteral("--lr 0.2 --wait 5 --code 3"),
                         QStringLiteral("--lr 0.3 --wait 10") } },
          { QStringLiteral("backend"), QStringLiteral("local") },
          { QStringLiteral("max_parallel"), 3 } });
    m_project3->repo().commitAll(QStringLiteral("three lengths"));
    Settings().setAutoSync(true);
    auto board = newBoard();
    auto* autoSync = board->findChild<QCheckBox*>(QStringLiteral("autoSyncCheck"));
    QVERIFY(autoSync && autoSync->isChecked());
    QVERIFY(board->setExperimentDir(m_project3->experimentDir()));
    QVERIFY(board->monitor()->autoSync());
    BoardModel* model = board->model();
    QSignalSpy ops(board->monitor(), &DeploymentMonitor::operationFinished);
    board->monitor()->deploy(localDeploy());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, EngineTimeout);
    m_images << board->monitor()->deployment()->state().image;
    // Each row shows its sync time once its results are home; the tooltip says when, in full.
    for (int row = 0; row < 3; ++row)
        QTRY_VERIFY_WITH_TIMEOUT(!model->index(row, BoardModel::SyncedColumn).data().toString().isEmpty(),
                                 EngineTimeout);
    QCOMPARE(model->phase(0), Phase::Succeeded);
    QCOMPARE(model->phase(1), Phase::Failed);
    QCOMPARE(model->phase(2), Phase::Succeeded);
    QVERIFY(model->index(1, BoardModel::SyncedColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .startsWith(QLatin1String("results synced ")));
    QCOMPARE(model->unsyncedCount(), 0);
    // The board says what came home, though it hides the polls' own chatter.
    QTRY_VERIFY(board->findChild<QLabel*>(QStringLiteral("boardMessage"))
                    ->text()
                    .startsWith(QLatin1String("auto sync: ") + model->slug(2)));
    for (const QList<QVariant>& op : std::as_const(ops))
        QVERIFY(op.at(0).value<DeploymentMonitor::Operation>() != DeploymentMonitor::Operation::Sync);
    // Each condition's log was saved (its sync) before the next one ended.
    for (int row = 0; row < 2; ++row) {
        const QString log = board->monitor()->dataDir(row) + QStringLiteral("/logs/docker.txt");
        const QString nextEnded = board->monitor()->dataDir(row + 1) + QStringLiteral("/logs/exit_code.txt");
        QVERIFY(readFile(log).contains(QStringLiteral("starting lr=0.%1").arg(row + 1)));
        QVERIFY2(QFileInfo(log).lastModified() < QFileInfo(nextEnded).lastModified(), qPrintable(log));
    }
    // The output kept as the container ran is there too.
    QVERIFY(readFile(board->monitor()->dataDir(2) + QStringLiteral("/logs/output.txt"))
                .contains(QLatin1String("step 10 of 10")));
    QTRY_VERIFY(!board->monitor()->isPolling());

    // Turned off, for huge results: the setting remembers it.
    autoSync->setChecked(false);
    QVERIFY(!board->monitor()->autoSync());
    QVERIFY(!Settings().autoSync());

    ops.clear();
    board->monitor()->terminateAll(false);
    QTRY_COMPARE_WITH_TIMEOUT(terminatedRows(model), 3, EngineTimeout);
    QTRY_VERIFY(!board->isBusy());
    QVERIFY(containers(m_project3->name()).isEmpty());
}

QTEST_MAIN(TestBoardLocal)
#include "TestBoardLocal.moc"
