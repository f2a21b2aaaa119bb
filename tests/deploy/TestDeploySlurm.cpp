// SPDX-License-Identifier: MIT
// The slurm backend on a real single-node cluster (tests/support/slurm-cluster.sh:
// munged, slurmctld, slurmd from Debian's slurm-wlm), its login node an sshd
// machine on 127.0.0.x; the tasks run their containers through docker and
// through podman. A sweep with a success, a failure and a TIMEOUT; a task
// cancelled mid-run; sync; a rerun of only the failed tasks; terminate leaving
// no job, container or folder. Kept to about two minutes: the TIMEOUT needs the
// one-minute limit to pass.

#include "DeployTestKit.h"
#include "SshMachines.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QThread>

class TestDeploySlurm : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void dryRunShowsTheJobScript();
    void dockerSweepWithTimeout();
    void podmanCancelRerunTerminate();
    void benchHundredTasks(); // by hand only: LOGISTICIAN_BENCH_SLURM=1 (bench/README.md)

private:
    QJsonObject slurm(const QString& runtime, const QString& time = QString()) const;
    static QString run(const QString& program, const QStringList& args, int* code = nullptr);
    static QStringList jobsOf(const QString& experiment);
    static QStringList podmanContainers(const QString& experiment);
    QString experimentDir(TestProject& project) const;
    // Polls status until predicate holds for the status object (at most timeoutMs).
    QJsonObject waitFor(TestProject& project, const std::function<bool(const QJsonObject&)>& predicate, int timeoutMs);

    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<SshMachines> m_machines;
    QString m_script;
    bool m_startedCluster = false; // stopped again at the end; a cluster running before stays
};

QString TestDeploySlurm::run(const QString& program, const QStringList& args, int* code)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(120000);
    if (code)
        *code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
}

void TestDeploySlurm::initTestCase()
{
    m_script = qEnvironmentVariable("LOGISTICIAN_TEST_SUPPORT_DIR") + QStringLiteral("/slurm-cluster.sh");
    int code = -1;
    run(m_script, { QStringLiteral("status") }, &code);
    m_startedCluster = code != 0;
    const QString started = run(m_script, { QStringLiteral("start") }, &code);
    QVERIFY2(code == 0, qPrintable(started));
    // The variables clients need (SLURM_CONF, CONTAINERS_CONF): here, and in every session on the login node.
    const QStringList env = run(m_script, { QStringLiteral("env") }).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(env.size(), 2);
    for (const QString& line : env)
        qputenv(line.section(QLatin1Char('='), 0, 0).toUtf8(), line.section(QLatin1Char('='), 1).toUtf8());
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    m_machines = std::make_unique<SshMachines>();
    m_machines->setEnvironment(env);
    QString error;
    QVERIFY2(m_machines->start(1, m_kit->keyPath() + QStringLiteral(".pub"), 2, &error), qPrintable(error));
    // Podman here needs the base image in its own store (no registry to pull it from).
    const QString load = run(QStringLiteral("sh"),
                             { QStringLiteral("-c"),
                               QStringLiteral("podman image exists debian:bookworm-slim || "
                                              "docker save debian:bookworm-slim | podman load -q") },
                             &code);
    QVERIFY2(code == 0, qPrintable(load));
}

void TestDeploySlurm::cleanupTestCase()
{
    m_machines.reset();
    if (m_startedCluster)
        run(m_script, { QStringLiteral("stop") });
}

QJsonObject TestDeploySlurm::slurm(const QString& runtime, const QString& time) const
{
    QJsonObject o { { QStringLiteral("login"), m_machines->address(0) },
                    { QStringLiteral("container_runtime"), runtime },
                    { QStringLiteral("partition"), QStringLiteral("debug") },
                    { QStringLiteral("mem"), QStringLiteral("100M") } };
    if (!time.isEmpty())
        o.insert(QStringLiteral("time"), time);
    return o;
}

QStringList TestDeploySlurm::jobsOf(const QString& experiment)
{
    return run(QStringLiteral("squeue"),
               { QStringLiteral("--noheader"), QStringLiteral("--array"),
                 QStringLiteral("--name=logistician-") + experiment, QStringLiteral("--format=%i %T") })
        .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QStringList TestDeploySlurm::podmanContainers(const QString& experiment)
{
    return run(QStringLiteral("podman"),
               { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
                 QStringLiteral("label=logistician.experiment=") + experiment, QStringLiteral("--format"),
                 QStringLiteral("{{.Names}}") })
        .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString TestDeploySlurm::experimentDir(TestProject& project) const
{
    return QDir::homePath() + QStringLiteral("/logistician/") + project.name();
}

QJsonObject TestDeploySlurm::waitFor(TestProject& project, const std::function<bool(const QJsonObject&)>& predicate,
                                     int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QJsonObject status;
    while (timer.elapsed() < timeoutMs) {
        status = m_kit->status(project);
        if (predicate(status))
            return status;
        QThread::msleep(1000);
    }
    return status;
}

void TestDeploySlurm::dryRunShowsTheJobScript()
{
    auto project
        = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n '$(touch /tmp/pwned)'") },
                         { { QStringLiteral("backend"), QStringLiteral("slurm") },
                           { QStringLiteral("max_parallel"), 2 },
                           { QStringLiteral("slurm"), slurm(QStringLiteral("docker"), QStringLiteral("00:05:00")) } });
    const CliResult r = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--dry-run") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(QStringLiteral("sbatch --parsable --array=1-2%2")));
    QVERIFY(r.out.contains(QStringLiteral("--time=00:05:00")));
    QVERIFY(r.out.contains(QStringLiteral("SLURM_ARRAY_TASK_ID")));
    QVERIFY(jobsOf(project->name()).isEmpty());
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));
}

void TestDeploySlurm::dockerSweepWithTimeout()
{
    // Two at a time; c1 sleeps past the one-minute limit, c3 long enough for c4 to be seen waiting.
    auto project
        = m_kit->project({ QStringLiteral("--n 1 --sleep 600"), QStringLiteral("--n 2 --exit 4"),
                           QStringLiteral("--n 3 --sleep 8"), QStringLiteral("--n '4 $(id)'") },
                         { { QStringLiteral("backend"), QStringLiteral("slurm") },
                           { QStringLiteral("max_parallel"), 2 },
                           { QStringLiteral("slurm"), slurm(QStringLiteral("docker"), QStringLiteral("00:01:00")) } });
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY(deployed.err.contains(QStringLiteral("--array=1-4%2")));
    QVERIFY(deployed.err.contains(QStringLiteral("the job script ")));
    QVERIFY(deployed.err.contains(QStringLiteral("submitted job array")));
    // The condition is in the task's argv file, never in the job script.
    const QByteArray script = DeployTestKit::readFile(experimentDir(*project) + QStringLiteral("/slurm/job.sh"));
    QVERIFY(script.contains("SLURM_ARRAY_TASK_ID"));
    QVERIFY(!script.contains("--exit"));
    QVERIFY(!script.contains("$(id)"));

    // Throttled by %2: a task waits with its reason on the board (right after sbatch the reason is still None).
    bool sawWaiting = false;
    QJsonObject status = waitFor(
        *project,
        [&sawWaiting](const QJsonObject& st) {
            for (int i = 1; i <= 4; ++i) {
                const QJsonObject s = DeployTestKit::condition(st, i).value(QStringLiteral("slurm")).toObject();
                if (!s.value(QStringLiteral("job")).toString().endsWith(QStringLiteral("_%1").arg(i)))
                    return false;
                if (s.value(QStringLiteral("state")).toString() == QLatin1String("PENDING")
                    && !s.value(QStringLiteral("reason")).toString().isEmpty())
                    sawWaiting = true;
            }
            return sawWaiting;
        },
        15000);
    QVERIFY2(sawWaiting, qPrintable(QJsonDocument(status).toJson()));

    int code = -1;
    status = m_kit->status(*project, &code, true); // --watch: until every task has ended
    QCOMPARE(code, 1);
    const QJsonObject timedOut = DeployTestKit::condition(status, 1);
    QCOMPARE(timedOut.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(timedOut.value(QStringLiteral("slurm")).toObject().value(QStringLiteral("state")).toString(),
             QStringLiteral("TIMEOUT"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("exit_code")).toInt(), 4);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 4).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    // The timed-out task's container went with it.
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    const CliResult text = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY(text.out.contains(QStringLiteral("TIMEOUT")));

    const CliResult synced = m_kit->cli(*project, { QStringLiteral("sync") });
    QCOMPARE(synced.exitCode, 0);
    const QString four = m_kit->dataDir(*project, status, 4);
    QCOMPARE(DeployTestKit::readFile(four + QStringLiteral("/results/args.txt")), QByteArray("<--n>\n<4 $(id)>\n"));
    QVERIFY(DeployTestKit::readFile(four + QStringLiteral("/logs/output.txt")).contains("<4 $(id)>"));
    QCOMPARE(
        DeployTestKit::readFile(m_kit->dataDir(*project, status, 2) + QStringLiteral("/logs/exit_code.txt")).trimmed(),
        QByteArray("4"));

    const CliResult terminated
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(jobsOf(project->name()).isEmpty());
    QVERIFY(!QFileInfo::exists(experimentDir(*project)));
    DeployTestKit::cleanUp(project->name());
}

void TestDeploySlurm::podmanCancelRerunTerminate()
{
    auto project = m_kit->project(
        { QStringLiteral("--n 1"), QStringLiteral("--n 2 --exit 3"), QStringLiteral("--n 3 --sleep 600") },
        { { QStringLiteral("backend"), QStringLiteral("slurm") },
          { QStringLiteral("max_parallel"), 3 },
          { QStringLiteral("slurm"), slurm(QStringLiteral("podman")) } });
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY(deployed.err.contains(QStringLiteral(" save -o ")));
    QVERIFY(deployed.err.contains(QStringLiteral("podman load")));
    QVERIFY(deployed.err.contains(QStringLiteral("--array=1-3%3")));

    // c3 runs (its container too); cancelled from outside, as a user's scancel would.
    QJsonObject status = waitFor(
        *project,
        [](const QJsonObject& s) {
            return DeployTestKit::condition(s, 3).value(QStringLiteral("state")).toString() == QLatin1String("running")
                && DeployTestKit::condition(s, 1).value(QStringLiteral("state")).toString()
                == QLatin1String("succeeded")
                && DeployTestKit::condition(s, 2).value(QStringLiteral("state")).toString() == QLatin1String("failed");
        },
        60000);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    QTRY_VERIFY_WITH_TIMEOUT(!podmanContainers(project->name()).isEmpty(), 20000);
    const QString task = DeployTestKit::condition(status, 3)
                             .value(QStringLiteral("slurm"))
                             .toObject()
                             .value(QStringLiteral("job"))
                             .toString();
    run(QStringLiteral("scancel"), { task });
    status = waitFor(
        *project,
        [](const QJsonObject& s) {
            return DeployTestKit::condition(s, 3).value(QStringLiteral("state")).toString() == QLatin1String("failed");
        },
        60000);
    QCOMPARE(DeployTestKit::condition(status, 3)
                 .value(QStringLiteral("slurm"))
                 .toObject()
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("CANCELLED"));
    QTRY_VERIFY_WITH_TIMEOUT(podmanContainers(project->name()).isEmpty(), 20000);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QVERIFY(QFileInfo::exists(m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt")));

    // Rerun: only tasks 2 and 3, in a new array; 1 stays succeeded.
    const QString firstJob = DeployTestKit::condition(status, 1)
                                 .value(QStringLiteral("slurm"))
                                 .toObject()
                                 .value(QStringLiteral("job"))
                                 .toString();
    const QString c2 = experimentDir(*project) + QStringLiteral("/c2-n-2-exit-3/data");
    const QByteArray firstStart = DeployTestKit::readFile(c2 + QStringLiteral("/logs/started_at.txt"));
    QVERIFY(!firstStart.isEmpty());
    const CliResult rerun = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--rerun-failed") });
    QCOMPARE(rerun.exitCode, 0);
    QVERIFY(rerun.err.contains(QStringLiteral("--array=2-3%3")));
    // As on the other backends: the number it reran, each a new attempt in a folder of its own.
    QVERIFY2(rerun.err.contains(QStringLiteral("rerunning 2 condition(s) as a new attempt")), qPrintable(rerun.err));
    QVERIFY2(rerun.err.contains(QStringLiteral("2 condition(s) handed to 1 host(s)")), qPrintable(rerun.err));
    status = waitFor(
        *project,
        [](const QJsonObject& s) {
            return DeployTestKit::condition(s, 3).value(QStringLiteral("state")).toString() == QLatin1String("running")
                && DeployTestKit::condition(s, 2).value(QStringLiteral("state")).toString() == QLatin1String("failed");
        },
        60000);
    QCOMPARE(DeployTestKit::condition(status, 1)
                 .value(QStringLiteral("slurm"))
                 .toObject()
                 .value(QStringLiteral("job"))
                 .toString(),
             firstJob);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("attempt")).toInt(), 1);
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("attempt")).toInt(), 2);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("attempt")).toInt(), 2);
    // Attempt 1 stays as it ended; attempt 2 ran in attempt-2/ with attempt 1's config.
    QCOMPARE(DeployTestKit::readFile(c2 + QStringLiteral("/logs/started_at.txt")), firstStart);
    QCOMPARE(DeployTestKit::readFile(c2 + QStringLiteral("/logs/exit_code.txt")).trimmed(), QByteArray("3"));
    QCOMPARE(DeployTestKit::readFile(c2 + QStringLiteral("/attempt-2/logs/exit_code.txt")).trimmed(), QByteArray("3"));
    QVERIFY(QFileInfo::exists(c2 + QStringLiteral("/attempt-2/config/deployment.json")));
    QVERIFY(QFileInfo::exists(c2 + QStringLiteral("/attempt-2/logs/output.txt")));
    const CliResult table = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY2(table.out.contains(QStringLiteral("attempt 2")), qPrintable(table.out));
    const QString rerunTask = DeployTestKit::condition(status, 2)
                                  .value(QStringLiteral("slurm"))
                                  .toObject()
                                  .value(QStringLiteral("job"))
                                  .toString();
    QVERIFY(rerunTask.section(QLatin1Char('_'), 0, 0) != firstJob.section(QLatin1Char('_'), 0, 0));
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(), QStringLiteral("running"));

    // Terminate while c3 runs: no job, no container, no folder.
    const CliResult terminated
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(terminated.err.contains(QStringLiteral("scancel")));
    QVERIFY(jobsOf(project->name()).isEmpty());
    QVERIFY(podmanContainers(project->name()).isEmpty());
    // The job's files, the code and the image archive are gone; only the folders of the two conditions whose
    // results were never synced stay (terminate never deletes unsynced results on a host).
    QStringList left = QDir(experimentDir(*project)).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    left.sort();
    QCOMPARE(left, QStringList({ QStringLiteral("c2-n-2-exit-3"), QStringLiteral("c3-n-3-sleep-600") }));
    DeployTestKit::cleanUp(project->name());
}

void TestDeploySlurm::benchHundredTasks()
{
    if (qEnvironmentVariable("LOGISTICIAN_BENCH_SLURM") != QLatin1String("1"))
        QSKIP("a benchmark: run with LOGISTICIAN_BENCH_SLURM=1");
    QStringList conditions;
    for (int i = 1; i <= 100; ++i)
        conditions << QStringLiteral("--n %1").arg(i);
    auto project = m_kit->project(conditions,
                                  { { QStringLiteral("backend"), QStringLiteral("slurm") },
                                    { QStringLiteral("max_parallel"), 100 },
                                    { QStringLiteral("slurm"), slurm(QStringLiteral("docker")) } });
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    const qint64 submitted = timer.elapsed();
    const QJsonObject status = waitFor(
        *project,
        [](const QJsonObject& st) {
            for (const QJsonValue& c : st.value(QStringLiteral("conditions")).toArray()) {
                if (c.toObject().value(QStringLiteral("started_at")).isNull())
                    return false;
            }
            return true;
        },
        600000);
    const qint64 allStarted = timer.elapsed();
    QElapsedTimer round;
    round.start();
    m_kit->status(*project);
    const qint64 roundMs = round.elapsed();
    qInfo("100 tasks: deploy returned (array submitted) after %lld ms; every task seen started after %lld ms "
          "(status polled once a second); one `status --json` round over 100 tasks: %lld ms",
          submitted, allStarted, roundMs);
    m_kit->status(*project, nullptr, true);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
    DeployTestKit::cleanUp(project->name());
}

QTEST_GUILESS_MAIN(TestDeploySlurm)
#include "TestDeploySlurm.moc"
