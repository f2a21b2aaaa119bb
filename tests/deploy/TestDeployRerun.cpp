// SPDX-License-Identifier: MIT
// deploy --rerun-failed, --rerun and max_retries on the local engine: each rerun or retry is a new
// attempt in data/<condition>/attempt-N with a container of its own; the earlier attempts are kept.
#include "DeployTestKit.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

class TestDeployRerun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rerunFailedThenASucceededOne();
    void maxRetriesEndsAfterTheLastAttempt();

private:
    static QString exitCode(const QString& dir)
    {
        return DeployTestKit::readFile(dir + "/logs/exit_code.txt").trimmed();
    }
    std::unique_ptr<DeployTestKit> m_kit;
};

void TestDeployRerun::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
}

void TestDeployRerun::rerunFailedThenASucceededOne()
{
    auto project = m_kit->project({ QStringLiteral("--exit 0"), QStringLiteral("--exit 3") });
    const QString data = project->experimentDir() + QStringLiteral("/data/");
    const QStringList deploy { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                               QStringLiteral("--wait") };
    QCOMPARE(m_kit->cli(*project, deploy).exitCode, 1);
    QCOMPARE(exitCode(data + QStringLiteral("c2-exit-3")), QStringLiteral("3"));
    const QString firstStart = DeployTestKit::readFile(data + QStringLiteral("c2-exit-3/logs/started_at.txt"));

    // Only the failed one runs again, into attempt-2; attempt 1 stays as it was.
    const CliResult rerun = m_kit->cli(*project, deploy + QStringList { QStringLiteral("--rerun-failed") });
    QCOMPARE(rerun.exitCode, 1);
    QVERIFY2(rerun.err.contains(QLatin1String("rerunning 1 condition(s) as a new attempt")), qPrintable(rerun.err));
    QCOMPARE(exitCode(data + QStringLiteral("c2-exit-3/attempt-2")), QStringLiteral("3"));
    QCOMPARE(DeployTestKit::readFile(data + QStringLiteral("c2-exit-3/logs/started_at.txt")), firstStart);
    QVERIFY(QFileInfo::exists(data + QStringLiteral("c2-exit-3/attempt-2/results/args.txt")));
    QVERIFY(QFileInfo::exists(data + QStringLiteral("c2-exit-3/attempt-2/config/deployment.json")));
    QVERIFY(!QFileInfo::exists(data + QStringLiteral("c1-exit-0/attempt-2")));
    int code = -1;
    QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("attempt")).toInt(), 2);
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("attempt")).toInt(), 1);
    // Both attempts' containers are there until terminate, the later one named for its attempt.
    const QStringList names = DeployTestKit::containers(project->name());
    QCOMPARE(names.size(), 3);

    // A succeeded one, by its number; the table says which attempt it shows.
    QCOMPARE(m_kit->cli(*project, deploy + QStringList { QStringLiteral("--rerun"), QStringLiteral("1") }).exitCode,
             1); // c2 is still failed
    QCOMPARE(exitCode(data + QStringLiteral("c1-exit-0/attempt-2")), QStringLiteral("0"));
    status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("attempt")).toInt(), 2);
    const CliResult results = m_kit->cli(*project, { QStringLiteral("results"), QStringLiteral("--json") });
    const QJsonArray rows
        = QJsonDocument::fromJson(results.out.toUtf8()).object().value(QStringLiteral("rows")).toArray();
    QVERIFY2(rows.size() == 2, qPrintable(results.out));
    QCOMPARE(rows.at(0).toObject().value(QStringLiteral("attempt")).toInt(), 2);
    QVERIFY(rows.at(0)
                .toObject()
                .value(QStringLiteral("data_dir"))
                .toString()
                .endsWith(QLatin1String("c1-exit-0/attempt-2")));
    const CliResult table = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY2(table.out.contains(QLatin1String("attempt 2")), qPrintable(table.out));

    // A rerun of one by its name while nothing runs is accepted; one of a condition that does not exist is
    // refused before anything runs.
    const CliResult none
        = m_kit->cli(*project, deploy + QStringList { QStringLiteral("--rerun"), QStringLiteral("c7-nothing") });
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains(QLatin1String("there is no condition \"c7-nothing\"")), qPrintable(none.err));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QCOMPARE(exitCode(data + QStringLiteral("c2-exit-3")), QStringLiteral("3"));
}

void TestDeployRerun::maxRetriesEndsAfterTheLastAttempt()
{
    auto project = m_kit->project({ QStringLiteral("--exit 3"), QStringLiteral("--exit 0 --sleep 20") },
                                  { { QStringLiteral("max_retries"), 2 }, { QStringLiteral("max_parallel"), 2 } });
    const QString dir = project->experimentDir() + QStringLiteral("/data/c1-exit-3");
    const CliResult deployed
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
    QCOMPARE(deployed.exitCode, 0);
    // While the other one runs, a rerun of it is refused.
    QTRY_COMPARE_WITH_TIMEOUT(
        DeployTestKit::condition(m_kit->status(*project), 2).value(QStringLiteral("state")).toString(),
        QStringLiteral("running"), 60000);
    const CliResult refused
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--rerun"), QStringLiteral("2") });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QLatin1String("is still running")), qPrintable(refused.err));
    // The runner retries on its own, without this process: attempts 1, 2 and 3, each in its folder.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(dir + QStringLiteral("/attempt-3/logs/exit_code.txt")), 90000);
    QCOMPARE(exitCode(dir), QStringLiteral("3"));
    QCOMPARE(exitCode(dir + QStringLiteral("/attempt-2")), QStringLiteral("3"));
    QCOMPARE(exitCode(dir + QStringLiteral("/attempt-3")), QStringLiteral("3"));
    const CliResult waited = m_kit->cli(*project, { QStringLiteral("status"), QStringLiteral("--watch") });
    QCOMPARE(waited.exitCode, 1);
    QTest::qWait(2000);
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/attempt-4")));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("attempt")).toInt(), 3);
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("attempt")).toInt(), 1);
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 4);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    // terminate kept each attempt's container log with its results.
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/attempt-2/logs/docker.txt")));
}

QTEST_GUILESS_MAIN(TestDeployRerun)
#include "TestDeployRerun.moc"
