// SPDX-License-Identifier: MIT
// The host-side runner on the local engine: deploy hands the conditions over and returns, the
// runner keeps max_parallel, a killed deploy changes nothing, terminate wins over the runner,
// and the deployment is in the per-user index while it lives.
#include "DeployTestKit.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <csignal>

class TestDeployRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void terminateWinsOverTheRunner();
    void killedDeployChangesNothing();
    void killedInEveryPhaseStillFinishes_data();
    void killedInEveryPhaseStillFinishes();
    void indexListsTheDeploymentUntilTerminated();
    void runnerStartsBeforeEveryConditionIsWritten();

private:
    static QString runnerDir(TestProject& project)
    {
        return project.experimentDir() + QStringLiteral("/.logistician/runner");
    }
    static bool processAlive(qint64 pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0; }
    // Containers with the experiment's label, running or not (docker ps by label, as terminate removes them).
    static QStringList labelled(const QString& experiment)
    {
        QProcess ps;
        ps.start(QStringLiteral("docker"),
                 { QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                   QStringLiteral("label=logistician.experiment=") + experiment });
        ps.waitForFinished();
        return QString::fromUtf8(ps.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }
    std::unique_ptr<DeployTestKit> m_kit;
};

void TestDeployRunner::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
}

void TestDeployRunner::terminateWinsOverTheRunner()
{
    // A live deploy once undid terminate: 5 conditions, 2 at a time, 30 s each.
    QStringList conditions;
    for (int i = 0; i < 5; ++i)
        conditions << QStringLiteral("--sleep 30");
    auto project = m_kit->project(conditions, { { QStringLiteral("max_parallel"), 2 } });
    const CliResult deployed
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY2(deployed.err.contains(QLatin1String("5 condition(s) handed to 1 host(s)")), qPrintable(deployed.err));
    // deploy returned at once: the runner on the host starts them, two at a time.
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 2, 60000);
    int code = -1;
    QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 5).value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
    const qint64 runnerPid
        = DeployTestKit::readFile(runnerDir(*project) + QStringLiteral("/runner.pid")).trimmed().toLongLong();
    QVERIFY(processAlive(runnerPid));

    const CliResult terminated
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QCOMPARE(terminated.exitCode, 0);
    // For 12 s nothing with the experiment's label exists, and the runner is gone.
    for (int i = 0; i < 24; ++i) {
        QVERIFY2(labelled(project->name()).isEmpty(), qPrintable(labelled(project->name()).join(QLatin1Char(' '))));
        QVERIFY(!processAlive(runnerPid));
        QTest::qWait(500);
    }
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/data/c5-sleep-30/logs/started_at.txt")));
}

void TestDeployRunner::killedDeployChangesNothing()
{
    QStringList conditions;
    for (int i = 0; i < 4; ++i)
        conditions << QStringLiteral("--sleep 2");
    auto project = m_kit->project(conditions, { { QStringLiteral("max_parallel"), 2 } });
    QProcess deploy;
    m_kit->startLocalDeploy(*project, &deploy);
    // Killed as soon as the runner has them all (runs, and deploy is not publishing conditions any more): between
    // the hand-over and deploy's return, or right after it.
    const QString pidFile = runnerDir(*project) + QStringLiteral("/runner.pid");
    const QString publishing = runnerDir(*project) + QStringLiteral("/publishing");
    QTRY_VERIFY_WITH_TIMEOUT((QFileInfo::exists(pidFile) && !QFileInfo::exists(publishing))
                                 || deploy.state() == QProcess::NotRunning,
                             120000);
    if (const qint64 pid = deploy.processId(); pid > 0) // 0 once it has ended: kill(0) would hit this test
        ::kill(static_cast<pid_t>(pid), SIGKILL);
    deploy.waitForFinished();
    QVERIFY(QFileInfo::exists(pidFile));

    for (int i = 1; i <= 4; ++i) {
        const QString exitFile
            = project->experimentDir() + QStringLiteral("/data/c%1-sleep-2/logs/exit_code.txt").arg(i);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(exitFile), 60000);
    }
    // The runner records each end (the log saved, then the exit code) a moment after the container's own.
    int code = -1;
    QJsonObject status;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            status = m_kit->status(*project, &code);
            for (int i = 1; i <= 4; ++i) {
                if (DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString()
                    != QLatin1String("succeeded"))
                    return false;
            }
            return true;
        }(),
        30000);
    QCOMPARE(code, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

void TestDeployRunner::killedInEveryPhaseStillFinishes_data()
{
    // What deploy has printed when it is killed: the pinned commit (export), the image build, the runner.
    QTest::addColumn<QString>("marker");
    QTest::newRow("export") << QStringLiteral("deploying commit");
    QTest::newRow("build") << QStringLiteral("docker build");
    QTest::newRow("hand-over") << QStringLiteral("runner.pid");
}

void TestDeployRunner::killedInEveryPhaseStillFinishes()
{
    // Issue 13: a deploy killed in any phase leaves nothing stuck. Before the hand-over nothing runs on the
    // host yet and deploy, run again, resumes from the saved state; after it the runner finishes by itself.
    QFETCH(QString, marker);
    auto project = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2"), QStringLiteral("--n 3") },
                                  { { QStringLiteral("max_parallel"), 2 } });
    QProcess deploy;
    m_kit->startLocalDeploy(*project, &deploy);
    const QString pidFile = runnerDir(*project) + QStringLiteral("/runner.pid");
    QByteArray err;
    auto reached = [&] {
        err += deploy.readAllStandardError();
        if (marker == QLatin1String("runner.pid"))
            return QFileInfo::exists(pidFile);
        return err.contains(marker.toUtf8());
    };
    QTRY_VERIFY_WITH_TIMEOUT(reached() || deploy.state() == QProcess::NotRunning, 120000);
    QVERIFY2(deploy.state() == QProcess::Running, err.constData()); // killed while at work, not after
    ::kill(static_cast<pid_t>(deploy.processId()), SIGKILL);
    deploy.waitForFinished();

    // The runner started, but deploy was still writing conditions for it (the publishing file is there): the runner
    // runs those it has, and deploy again hands over the others.
    if (!QFileInfo::exists(pidFile) || QFileInfo::exists(runnerDir(*project) + QStringLiteral("/publishing"))) {
        // Nothing (or not everything) was handed over: deploy again goes on from the saved state.
        const CliResult again
            = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
        QVERIFY2(again.exitCode == 0, qPrintable(again.err.right(3000)));
    }
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(labelled(project->name()).isEmpty());
}

void TestDeployRunner::indexListsTheDeploymentUntilTerminated()
{
    auto project = m_kit->project({ QStringLiteral("--exit 0") });
    auto listed = [&] {
        const CliResult r = m_kit->cli(*project, { QStringLiteral("list"), QStringLiteral("--json") });
        QStringList names;
        for (const QJsonValue& d :
             QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("deployments")).toArray())
            names << d.toObject().value(QStringLiteral("experiment")).toString();
        return names;
    };
    QVERIFY(!listed().contains(project->name()));
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                         QStringLiteral("--wait") })
                 .exitCode,
             0);
    QVERIFY(listed().contains(project->name()));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(!listed().contains(project->name()));
}

void TestDeployRunner::runnerStartsBeforeEveryConditionIsWritten()
{
    // Issue 25 item 7: the runner starts as soon as its queue and the first conditions (one per slot) are written,
    // and runs them while deploy writes the others, each condition's start script last; every one still runs.
    const int count = 24;
    QStringList conditions;
    for (int i = 1; i <= count; ++i)
        conditions << QStringLiteral("--n %1").arg(i);
    auto project = m_kit->project(conditions, { { QStringLiteral("max_parallel"), 2 } });
    const CliResult deployed
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err.right(3000)));
    const QDir runner(runnerDir(*project));
    const QStringList last = runner.entryList({ QStringLiteral("c%1-*.sh").arg(count) }, QDir::Files);
    QCOMPARE(last.size(), 1);
    const QDateTime runnerStarted = QFileInfo(runner.filePath(QStringLiteral("runner.pid"))).lastModified();
    const QDateTime lastWritten = QFileInfo(runner.filePath(last.first())).lastModified();
    QVERIFY2(runnerStarted < lastWritten,
             qPrintable(QStringLiteral("runner.pid %1, %2 %3")
                            .arg(runnerStarted.toString(Qt::ISODateWithMs), last.first(),
                                 lastWritten.toString(Qt::ISODateWithMs))));
    // Published: nothing is waited for any more.
    QVERIFY(!QFileInfo::exists(runner.filePath(QStringLiteral("publishing"))));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    for (int i = 1; i <= count; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        QCOMPARE(c.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(DeployTestKit::readFile(c.value(QStringLiteral("data_dir")).toString()
                                         + QStringLiteral("/results/args.txt")),
                 QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8());
    }
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestDeployRunner)
#include "TestDeployRunner.moc"
