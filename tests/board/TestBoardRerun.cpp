// SPDX-License-Identifier: MIT
// The board's "Rerun Failed" button and a row's "Rerun This Machine" on the local engine: the failed
// condition goes queued or running again as attempt 2, and attempt 1's folder stays.
#include "TestProject.h"
#include "board/BoardModel.h"
#include "board/DeploymentBoard.h"
#include "board/DeploymentMonitor.h"
#include "deploy/Deployment.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using Phase = DeploymentState::Phase;

namespace {

constexpr int EngineTimeout = 120000;

QStringList run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

class TestBoardRerun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rerunFailedFromTheBoard();

private:
    QTemporaryDir m_config;
    std::unique_ptr<TestProject> m_project;
    QString m_image;
};

void TestBoardRerun::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    qputenv("LOGISTICIAN_POLL_SECONDS", "1");
    m_project = std::make_unique<TestProject>(QStringLiteral("sh work.sh"));
    // Exits with --code after --wait seconds.
    m_project->repo().writeFile(QStringLiteral("work.sh"),
                                "#!/bin/sh\ncode=0; wait=0\n"
                                "while [ $# -gt 1 ]; do\n"
                                "  case \"$1\" in --code) code=$2 ;; --wait) wait=$2 ;; esac\n"
                                "  shift 2\n"
                                "done\n"
                                "sleep \"$wait\"\nexit \"$code\"\n",
                                true);
    m_project->setParameters(
        { { QStringLiteral("experiment_conditions"),
            QJsonArray { QStringLiteral("--code 0 --wait 0"), QStringLiteral("--code 3 --wait 3") } },
          { QStringLiteral("backend"), QStringLiteral("local") },
          { QStringLiteral("max_parallel"), 2 } });
    m_project->repo().commitAll(QStringLiteral("one fails"));
}

void TestBoardRerun::cleanupTestCase()
{
    if (!m_project)
        return;
    const QStringList names = run(QStringLiteral("docker"),
                                  { QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                                    QStringLiteral("label=logistician.experiment=") + m_project->name() });
    if (!names.isEmpty())
        run(QStringLiteral("docker"), QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + names);
    if (!m_image.isEmpty())
        run(QStringLiteral("docker"),
            { QStringLiteral("rmi"), QStringLiteral("-f"), QStringLiteral("--no-prune"), m_image });
}

void TestBoardRerun::rerunFailedFromTheBoard()
{
    DeploymentBoard board;
    board.resize(1100, 720);
    board.show();
    QVERIFY(board.setExperimentDir(m_project->experimentDir()));
    auto* rerun = board.findChild<QPushButton*>(QStringLiteral("rerunFailedButton"));
    QVERIFY(rerun);
    QVERIFY(!rerun->isVisible()); // nothing failed: nothing to rerun
    DeployOptions options;
    options.backend = QStringLiteral("local");
    board.monitor()->deploy(options);
    BoardModel* model = board.model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, EngineTimeout);
    m_image = board.monitor()->deployment()->state().image;
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(1), Phase::Failed, EngineTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(0), Phase::Succeeded, EngineTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(rerun->isVisible() && rerun->isEnabled(), EngineTimeout);
    QVERIFY(!board.canRerun(-1));

    QTest::mouseClick(rerun, Qt::LeftButton);
    // Queued or running again, as attempt 2 (the board says so); then failed again with its exit code.
    QTRY_VERIFY_WITH_TIMEOUT(model->phase(1) == Phase::Queued || model->phase(1) == Phase::Running, EngineTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(
        model->index(1, BoardModel::StateColumn).data().toString().contains(QLatin1String("attempt 2")), EngineTimeout);
    QCOMPARE(model->phase(0), Phase::Succeeded);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(1), Phase::Failed, EngineTimeout);
    QCOMPARE(model->index(1, BoardModel::StateColumn).data().toString(), QStringLiteral("failed (exit 3) · attempt 2"));
    const QString data = m_project->experimentDir() + QStringLiteral("/data/") + model->slug(1);
    QVERIFY(QFileInfo::exists(data + QStringLiteral("/logs/exit_code.txt")));
    QVERIFY(QFileInfo::exists(data + QStringLiteral("/attempt-2/logs/exit_code.txt")));

    // A row's own Rerun: the succeeded one, while the board is idle.
    QTRY_VERIFY_WITH_TIMEOUT(board.canRerun(0), EngineTimeout);
    board.rerunMachine(0);
    QTRY_VERIFY_WITH_TIMEOUT(
        model->index(0, BoardModel::StateColumn).data().toString().contains(QLatin1String("attempt 2")), EngineTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->phase(0), Phase::Succeeded, EngineTimeout);
    QVERIFY(QFileInfo::exists(m_project->experimentDir() + QStringLiteral("/data/") + model->slug(0)
                              + QStringLiteral("/attempt-2/logs/exit_code.txt")));
}

QTEST_MAIN(TestBoardRerun)
#include "TestBoardRerun.moc"
