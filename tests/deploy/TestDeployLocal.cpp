// SPDX-License-Identifier: MIT
// The local backend on the real Docker engine: a sweep with one failing
// condition, status, sync of the container logs, terminate; a dirty tree;
// conditions full of shell metacharacters; the deploying process killed; one
// condition synced and terminated on its own while the others go on.

#include "DeployTestKit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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
    void oneConditionSyncedAndTerminated();
    void resultsComeHomeAsEachFinishes();
    void outputGrowsWhileRunning();

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
    QVERIFY(deployed.err.contains(QStringLiteral("3 condition(s) handed to 1 host(s)")));
    // The runner's start script of each condition holds its one docker run (its exit code is the script's),
    // then follows the container's output into logs/output.txt. Run as "sh KEY.sh ended" once the container
    // ended, it saves the container's log (logs/docker.txt) instead, through keep_output.
    const QByteArray script
        = DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/runner/c1-n-1.sh"));
    QVERIFY2(script.startsWith("if [ \"${1-}\" = ended ]; then\n"), script.constData());
    const int ended = script.indexOf("\nexit 0\nfi\n");
    QVERIFY(ended > 0);
    QVERIFY2(script.left(ended).trimmed().endsWith(" logs docker.txt docker logs logistician-"
                                                   + project->name().toLower().toUtf8() + "-c1-n-1"),
             script.constData());
    const QList<QByteArray> start = script.mid(ended + 11).split('\n');
    QVERIFY(start.value(0).startsWith("for p in ") && start.value(0).contains("is a symbolic link"));
    QVERIFY(start.value(1).startsWith("mkdir -p "));
    QVERIFY(start.value(2).startsWith("docker run -d ") && start.value(2).endsWith(" || exit $?"));
    // save-log.sh's keep_output, then its call: the one safe way into the container's folder.
    QVERIFY(start.value(3).startsWith("keep_output() {"));
    const QByteArray follow = start.value(start.size() - 2);
    QVERIFY2(follow.startsWith("follow_output ") && follow.contains(" logs output.txt docker logs -f "),
             follow.constData());
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
    QCOMPARE(code, 1); // condition 2 failed, terminated or not
    QVERIFY(after.value(QStringLiteral("terminated")).toBool());
    // Each condition keeps what it did: terminated only says that of one stopped before it ended.
    QCOMPARE(DeployTestKit::condition(after, 1).value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(after, 2).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
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
    m_kit->startLocalDeploy(*project, &deploy);
    // max_parallel is 1: the runner starts the first condition, the others wait in its queue.
    QTRY_VERIFY_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size() == 1, 120000);
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

void TestDeployLocal::oneConditionSyncedAndTerminated()
{
    // c2 runs until it is terminated; c1 and c3 finish at once.
    auto project
        = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2 --sleep 600"), QStringLiteral("--n 3") },
                         { { QStringLiteral("max_parallel"), 3 } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") })
                 .exitCode,
             0);
    auto stateOf = [&](const QJsonObject& status, int index) {
        return DeployTestKit::condition(status, index).value(QStringLiteral("state")).toString();
    };
    QJsonObject status;
    QTRY_VERIFY_WITH_TIMEOUT(
        (status = m_kit->status(*project),
         stateOf(status, 1) == QLatin1String("succeeded") && stateOf(status, 3) == QLatin1String("succeeded")),
        120000);
    QCOMPARE(stateOf(status, 2), QStringLiteral("running"));
    const QString docker1 = m_kit->dataDir(*project, status, 1) + QStringLiteral("/logs/docker.txt");
    const QString docker2 = m_kit->dataDir(*project, status, 2) + QStringLiteral("/logs/docker.txt");
    const QString docker3 = m_kit->dataDir(*project, status, 3) + QStringLiteral("/logs/docker.txt");

    // Bad numbers are bad input, and nothing is synced.
    for (const QString& bad : { QStringLiteral("4"), QStringLiteral("0"), QStringLiteral("x"), QStringLiteral("1,") }) {
        const CliResult r = m_kit->cli(*project, { QStringLiteral("sync"), QStringLiteral("--condition"), bad });
        QVERIFY2(r.exitCode == 2, qPrintable(bad + QStringLiteral(": ") + r.err));
    }
    QVERIFY(m_kit->cli(*project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("4") })
                .err.contains(QStringLiteral("no condition 4")));
    // The runner saved the log of each one that ended (no sync needed); the running one has none yet.
    QTRY_VERIFY(DeployTestKit::readFile(docker1).contains("<--n>\n<1>"));
    QTRY_VERIFY(DeployTestKit::readFile(docker3).contains("<--n>\n<3>"));
    QVERIFY(!QFile::exists(docker2));

    // Sync condition 1 only: it counts as synced; condition 3 does not.
    QCOMPARE(
        m_kit->cli(*project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("1") }).exitCode,
        0);
    QVERIFY(DeployTestKit::readFile(docker1).contains("<--n>\n<1>"));
    QVERIFY(!QFile::exists(docker2));
    status = m_kit->status(*project);
    QVERIFY(DeployTestKit::condition(status, 1).value(QStringLiteral("synced")).toBool());
    QVERIFY(!DeployTestKit::condition(status, 3).value(QStringLiteral("synced")).toBool());

    // Terminate condition 2 only: asked first, then its container goes and the others stay.
    const QString name2 = QStringLiteral("logistician-%1-%2")
                              .arg(project->name().toLower(),
                                   DeployTestKit::condition(status, 2).value(QStringLiteral("slug")).toString());
    QVERIFY(DeployTestKit::containers(project->name()).contains(name2));
    const CliResult asked
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--condition"), QStringLiteral("2") });
    QCOMPARE(asked.exitCode, 2); // no terminal to ask on
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 3);
    const CliResult one = m_kit->cli(
        *project,
        { QStringLiteral("terminate"), QStringLiteral("--condition"), QStringLiteral("2"), QStringLiteral("--yes") });
    QCOMPARE(one.exitCode, 0);
    const QStringList left = DeployTestKit::containers(project->name());
    QCOMPARE(left.size(), 2);
    QVERIFY(!left.contains(name2));
    QVERIFY(DeployTestKit::readFile(docker2).contains("<--n>\n<2>")); // its log stays with its results
    int code = -1;
    status = m_kit->status(*project, &code);
    QCOMPARE(code, 0);
    QVERIFY(!status.value(QStringLiteral("terminated")).toBool());
    QCOMPARE(stateOf(status, 1), QStringLiteral("succeeded"));
    QCOMPARE(stateOf(status, 2), QStringLiteral("terminated"));
    QCOMPARE(stateOf(status, 3), QStringLiteral("succeeded"));
    // Again: nothing left to do for it.
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("terminate"), QStringLiteral("--condition"), QStringLiteral("2"),
                         QStringLiteral("--yes") })
                 .exitCode,
             0);
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 2);

    // A sync of everything still works and takes condition 3 along.
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QVERIFY(DeployTestKit::readFile(docker3).contains("<--n>\n<3>"));
    QVERIFY(DeployTestKit::readFile(docker2).contains("<--n>\n<2>")); // not overwritten by a missing container

    // Terminate all cleans up the rest.
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    status = m_kit->status(*project, &code);
    QCOMPARE(code, 0);
    QVERIFY(status.value(QStringLiteral("terminated")).toBool());
    QCOMPARE(stateOf(status, 1), QStringLiteral("succeeded"));
    QCOMPARE(stateOf(status, 2), QStringLiteral("terminated"));
    QCOMPARE(stateOf(status, 3), QStringLiteral("succeeded"));
    QVERIFY(DeployTestKit::readFile(docker2).contains("<--n>\n<2>"));
    // A condition of a terminated deployment: nothing to do.
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("terminate"), QStringLiteral("--condition"), QStringLiteral("1"),
                         QStringLiteral("--yes") })
                 .exitCode,
             0);
}

namespace {

QDateTime modified(const QString& path)
{
    return QFileInfo(path).fileTime(QFileDevice::FileModificationTime);
}

} // namespace

void TestDeployLocal::resultsComeHomeAsEachFinishes()
{
    // Three lengths, all at once: deploy --wait syncs each one as it ends, before the next one ends.
    auto project = m_kit->project(
        { QStringLiteral("--n 1"), QStringLiteral("--n 2 --sleep 6 --exit 2"), QStringLiteral("--n 3 --sleep 12") },
        { { QStringLiteral("max_parallel"), 3 } });
    const CliResult waited
        = m_kit->cli(*project,
                     { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                       QStringLiteral("--wait"), QStringLiteral("--json") });
    QCOMPARE(waited.exitCode, 1); // c2 failed
    const QStringList lines = waited.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(!lines.isEmpty());
    const QJsonObject status = QJsonDocument::fromJson(lines.last().toUtf8()).object();
    QDateTime syncedAt[4];
    QString data[4];
    for (int i = 1; i <= 3; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        QVERIFY2(c.value(QStringLiteral("synced")).toBool(), qPrintable(waited.err));
        syncedAt[i] = QDateTime::fromString(c.value(QStringLiteral("synced_at")).toString(), Qt::ISODate);
        QVERIFY(syncedAt[i].isValid());
        data[i] = c.value(QStringLiteral("data_dir")).toString();
        // The sync saved the container's log; the runner kept its output as it ran.
        QVERIFY(DeployTestKit::readFile(data[i] + QStringLiteral("/logs/docker.txt")).contains("<--n>"));
        QVERIFY(DeployTestKit::readFile(data[i] + QStringLiteral("/logs/output.txt"))
                    .contains(QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()));
    }
    QVERIFY(waited.err.contains(QStringLiteral("auto sync: c1-n-1: results synced into")));
    // Each condition's log was saved (its sync) before the next one ended (the wrapper's exit code file).
    for (int i = 1; i <= 2; ++i) {
        const QDateTime saved = modified(data[i] + QStringLiteral("/logs/docker.txt"));
        const QDateTime nextEnded = modified(data[i + 1] + QStringLiteral("/logs/exit_code.txt"));
        QVERIFY2(saved < nextEnded,
                 qPrintable(QStringLiteral("c%1 synced %2, c%3 ended %4")
                                .arg(i)
                                .arg(saved.toString(Qt::ISODateWithMs))
                                .arg(i + 1)
                                .arg(nextEnded.toString(Qt::ISODateWithMs))));
        QVERIFY(syncedAt[i] <= syncedAt[i + 1]);
    }
    // Synced once: a later watch has nothing to bring home.
    const QJsonObject again = m_kit->status(*project, nullptr, true, true);
    QCOMPARE(DeployTestKit::condition(again, 1).value(QStringLiteral("synced_at")).toString(),
             DeployTestKit::condition(status, 1).value(QStringLiteral("synced_at")).toString());
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

void TestDeployLocal::outputGrowsWhileRunning()
{
    auto project = m_kit->project({ QStringLiteral("--n 1") });
    project->repo().writeFile(QStringLiteral("cond.sh"),
                              "#!/bin/sh\ni=0\nwhile [ $i -lt 10 ]; do i=$((i+1)); echo \"tick $i\"; sleep 1; done\n",
                              true);
    project->repo().commitAll(QStringLiteral("ticks"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") })
                 .exitCode,
             0);
    const QJsonObject status = m_kit->status(*project);
    const QString output = m_kit->dataDir(*project, status, 1) + QStringLiteral("/logs/output.txt");
    const QString ended = m_kit->dataDir(*project, status, 1) + QStringLiteral("/logs/exit_code.txt");
    // Nobody syncs: the file grows by itself while the container runs.
    QTRY_VERIFY_WITH_TIMEOUT(DeployTestKit::readFile(output).contains("tick 2\n"), 60000);
    QVERIFY(!QFile::exists(ended));
    const QByteArray early = DeployTestKit::readFile(output);
    QTRY_VERIFY_WITH_TIMEOUT(DeployTestKit::readFile(output).contains("tick 5\n"), 30000);
    QVERIFY(!QFile::exists(ended));
    QVERIFY(DeployTestKit::readFile(output).startsWith(early));
    int code = -1;
    m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    QTRY_VERIFY_WITH_TIMEOUT(DeployTestKit::readFile(output).endsWith("tick 10\n"), 10000);
    QCOMPARE(DeployTestKit::readFile(output).count("tick"), 10);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestDeployLocal)
#include "TestDeployLocal.moc"
