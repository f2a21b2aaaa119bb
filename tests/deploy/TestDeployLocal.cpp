// The local backend on the real Docker engine: a sweep with one failing
// condition, status, sync of the container logs, terminate; a dirty tree;
// conditions full of shell metacharacters; the deploying process killed.

#include "DeployTestKit.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QUuid>

class TestDeployLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sweepWithOneFailure();
    void dirtyTreeIsRefused();
    void metacharactersRunNothing();
    void killedDeployThenStatusAndTerminate();

private:
    std::unique_ptr<DeployTestKit> m_kit;
};

void TestDeployLocal::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
}

void TestDeployLocal::sweepWithOneFailure()
{
    auto project
        = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2 --exit 3"), QStringLiteral("--n 3") },
                         { { QStringLiteral("max_parallel"), 3 } });
    const CliResult deployed
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY(deployed.err.contains(QStringLiteral("docker run")));
    QVERIFY(QFile::exists(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));

    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 1); // one condition failed
    QCOMPARE(status.value(QStringLiteral("backend")).toString(), QStringLiteral("local"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("exit_code")).toInt(), 3);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));

    const CliResult table = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY(table.out.contains(QStringLiteral("failed (exit code 3)")));

    const QString commit = project->repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") }).trimmed();
    for (int i = 1; i <= 3; ++i) {
        const QString dir = m_kit->dataDir(*project, status, i);
        QVERIFY(dir.startsWith(project->experimentDir() + QStringLiteral("/data/c")));
        QCOMPARE(DeployTestKit::readFile(dir + QStringLiteral("/results/args.txt")),
                 QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()
                     + (i == 2 ? QByteArray("<--exit>\n<3>\n") : QByteArray()));
        QCOMPARE(DeployTestKit::readFile(dir + QStringLiteral("/config/commit.txt")).trimmed(), commit.toUtf8());
        QCOMPARE(DeployTestKit::readFile(dir + QStringLiteral("/logs/exit_code.txt")).trimmed(), i == 2 ? "3" : "0");
        QVERIFY(QFile::exists(dir + QStringLiteral("/logs/started_at.txt")));
    }
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 3);

    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QVERIFY(DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/logs/docker.txt"))
                .contains("<--n>"));

    // A second deploy of the same commit while this one is active resumes: nothing new starts.
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 3);

    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    const QJsonObject after = m_kit->status(*project, &code);
    QCOMPARE(code, 0);
    QVERIFY(after.value(QStringLiteral("terminated")).toBool());
    QCOMPARE(DeployTestKit::condition(after, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("terminated"));
    // Idempotent.
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    // The results stay.
    QVERIFY(QFile::exists(m_kit->dataDir(*project, status, 3) + QStringLiteral("/results/args.txt")));
}

void TestDeployLocal::dirtyTreeIsRefused()
{
    auto project = m_kit->project({ QStringLiteral("--n 1") });
    project->repo().writeFile(QStringLiteral("cond.sh"), DeployTestKit::conditionScript() + "# changed\n", true);
    const CliResult refused
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QStringLiteral("uncommitted changes")), qPrintable(refused.err));
    QVERIFY(refused.err.contains(QStringLiteral("--allow-dirty")));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    // With --allow-dirty it runs the pinned commit and says the tree was dirty.
    const CliResult forced = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--allow-dirty") });
    QCOMPARE(forced.exitCode, 0);
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    const QJsonObject config
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/config/deployment.json")))
              .object();
    QVERIFY(config.value(QStringLiteral("dirty")).toBool());
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

void TestDeployLocal::metacharactersRunNothing()
{
    const QString tag = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    const QString marker = QStringLiteral("/tmp/pwned-") + tag;
    const QStringList conditions {
        QStringLiteral("'$(touch %1-a)'").arg(marker),
        QStringLiteral("\"; touch %1-b\"").arg(marker),
        QStringLiteral("'`touch %1-c`' '&& touch %1-d' '| touch %1-e'").arg(marker),
    };
    auto project = m_kit->project(conditions, { { QStringLiteral("max_parallel"), 3 } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") })
                 .exitCode,
             0);
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    for (const char* suffix : { "-a", "-b", "-c", "-d", "-e" })
        QVERIFY2(!QFile::exists(marker + QLatin1String(suffix)), qPrintable(marker + QLatin1String(suffix)));
    // The arguments arrived exactly as written.
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt")),
             QStringLiteral("<$(touch %1-a)>\n").arg(marker).toUtf8());
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 2) + QStringLiteral("/results/args.txt")),
             QStringLiteral("<; touch %1-b>\n").arg(marker).toUtf8());
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 3) + QStringLiteral("/results/args.txt")),
             QStringLiteral("<`touch %1-c`>\n<&& touch %1-d>\n<| touch %1-e>\n").arg(marker).toUtf8());
}

void TestDeployLocal::killedDeployThenStatusAndTerminate()
{
    auto project
        = m_kit->project({ QStringLiteral("--sleep 30"), QStringLiteral("--sleep 30"), QStringLiteral("--sleep 30") });
    QProcess deploy;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_kit->env().cbegin(); it != m_kit->env().cend(); ++it)
        env.insert(it.key(), it.value());
    deploy.setProcessEnvironment(env);
    deploy.start(
        CliProcess::binary(),
        { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"), project->experimentDir() });
    // max_parallel is 1: the deploy waits for a free slot after starting the first condition.
    const QString stateFile = project->experimentDir() + QStringLiteral("/.logistician/deployment.json");
    QTRY_VERIFY_WITH_TIMEOUT(DeployTestKit::readFile(stateFile).contains("\"running\""), 120000);
    deploy.kill();
    deploy.waitForFinished();

    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(code, 0);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 1);

    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

QTEST_GUILESS_MAIN(TestDeployLocal)
#include "TestDeployLocal.moc"
