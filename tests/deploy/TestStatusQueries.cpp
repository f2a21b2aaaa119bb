// SPDX-License-Identifier: MIT
// Watching is cheap (issue 25 item 7): a status round asks the engine nothing while the host's runner lives (it
// records each container's end), and once per host, whatever the number of conditions, when it does not; auto
// sync runs no docker logs (the runner saved each log). On the real local engine and on sshd machines on
// 127.0.0.x that share it. The docker command (local_docker_command, remote_docker_command) is a wrapper that
// records each call ("WHO: ARGS" when LOGISTICIAN_TEST_WHO is set) and runs the real docker.

#include "DeployTestKit.h"
#include "SshMachines.h"
#include "deploy/DeployContext.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTest>
#include <csignal>
#include <sys/stat.h>

class TestStatusQueries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sameStateIsWrittenOnce();
    void localRoundIsOneQuery();
    void sshRoundIsOneQueryPerHost();
    void localWatchRunsNoDockerLogs();

private:
    // The docker calls recorded since the last clearCalls(), one line each ("inspect -f ... NAME...").
    QStringList calls() const;
    void clearCalls() const;
    // Polls `status --json` until every condition's state is one of these; the last status.
    QJsonObject waitFor(TestProject& project, const QMap<int, QString>& states);
    // One `status --json` round: the docker calls it made, the status in *status.
    QStringList oneRound(TestProject& project, QJsonObject* status);
    // Kills the runners (their process groups) whose runner.pid is below dir; how many.
    static int killRunners(const QString& dir);

    std::unique_ptr<DeployTestKit> m_kit;
    QTemporaryDir m_dir;
    QString m_wrapper;
    QString m_calls;
};

void TestStatusQueries::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    QVERIFY(m_dir.isValid());
    const QString realDocker = QStandardPaths::findExecutable(QStringLiteral("docker"));
    QVERIFY2(!realDocker.isEmpty(), "docker is not on PATH");
    m_calls = m_dir.filePath(QStringLiteral("calls.txt"));
    m_wrapper = m_dir.filePath(QStringLiteral("bin/docker"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("bin"))));
    QFile f(m_wrapper);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\nprintf '%s\\n' \"${LOGISTICIAN_TEST_WHO:+$LOGISTICIAN_TEST_WHO: }$*\" >> '" + m_calls.toUtf8()
            + "'\nexec '" + realDocker.toUtf8() + "' \"$@\"\n");
    f.close();
    QVERIFY(f.setPermissions(f.permissions() | QFileDevice::ExeOwner));
}

// A round that changed nothing writes nothing: the state file (replaced by a rename on each write) keeps its inode.
void TestStatusQueries::sameStateIsWrittenOnce()
{
    QTemporaryDir stateHome;
    const QByteArray savedStateHome = qgetenv("XDG_STATE_HOME");
    qputenv("XDG_STATE_HOME", stateHome.path().toUtf8()); // an index of the test's own
    TestProject project;
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project.experimentDir());
    QVERIFY(openedExperiment);
    experiment = *openedExperiment;
    DeployContext ctx(experiment);
    QVERIFY(ctx.createBackend(QStringLiteral("local")).isOk());
    ctx.stateDir = experiment.dir() + QStringLiteral("/.logistician");
    ctx.state.experiment = QStringLiteral("exp");
    ctx.state.backend = QStringLiteral("local");
    ctx.state.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    DeploymentState::Condition c;
    c.index = 1;
    c.text = QStringLiteral("--x 1");
    c.slug = DeploymentState::slugFor(1, c.text);
    ctx.state.conditions << c;
    const QString file = ctx.stateDir + QLatin1Char('/') + QLatin1String(DeploymentState::FileName);
    auto inode = [&file] {
        struct stat st
        {
        };
        return ::stat(QFile::encodeName(file).constData(), &st) == 0 ? st.st_ino : ino_t(0);
    };
    ctx.save();
    const ino_t first = inode();
    QVERIFY(first != 0);
    ctx.save();
    QCOMPARE(inode(), first);
    ctx.state.conditions[0].phase = DeploymentState::Phase::Running;
    ctx.save();
    QVERIFY(inode() != first);
    const ResultOf<DeploymentState> loaded = DeploymentState::load(ctx.stateDir);
    QVERIFY(loaded.isOk());
    QCOMPARE(loaded->conditions.at(0).phase, DeploymentState::Phase::Running);
    if (savedStateHome.isEmpty())
        qunsetenv("XDG_STATE_HOME");
    else
        qputenv("XDG_STATE_HOME", savedStateHome);
}

QStringList TestStatusQueries::calls() const
{
    return QString::fromUtf8(DeployTestKit::readFile(m_calls)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void TestStatusQueries::clearCalls() const
{
    QFile::remove(m_calls);
}

QJsonObject TestStatusQueries::waitFor(TestProject& project, const QMap<int, QString>& states)
{
    QJsonObject status;
    for (int round = 0; round < 120; ++round) {
        status = m_kit->status(project);
        bool all = true;
        for (auto it = states.begin(); it != states.end(); ++it)
            all = all
                && DeployTestKit::condition(status, it.key()).value(QStringLiteral("state")).toString() == it.value();
        if (all)
            return status;
        QTest::qWait(1000);
    }
    return status;
}

QStringList TestStatusQueries::oneRound(TestProject& project, QJsonObject* status)
{
    clearCalls();
    *status = m_kit->status(project);
    return calls();
}

void TestStatusQueries::localRoundIsOneQuery()
{
    // Five conditions that run a minute and three that end at once (one with exit code 3), all at the same time.
    QStringList conditions;
    for (int i = 1; i <= 5; ++i)
        conditions << QStringLiteral("--n %1 --sleep 60").arg(i);
    conditions << QStringLiteral("--n 6") << QStringLiteral("--n 7 --exit 3") << QStringLiteral("--n 8");
    auto project = m_kit->project(conditions,
                                  { { QStringLiteral("backend"), QStringLiteral("local") },
                                    { QStringLiteral("local_docker_command"), m_wrapper },
                                    { QStringLiteral("max_parallel"), 8 } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    QMap<int, QString> expected;
    for (int i = 1; i <= 5; ++i)
        expected.insert(i, QStringLiteral("running"));
    expected.insert(6, QStringLiteral("succeeded"));
    expected.insert(7, QStringLiteral("failed"));
    expected.insert(8, QStringLiteral("succeeded"));
    QJsonObject status = waitFor(*project, expected);
    QCOMPARE(DeployTestKit::condition(status, 5).value(QStringLiteral("state")).toString(), QStringLiteral("running"));

    // A round while the runner lives asks the engine nothing: the runner records each end (and the ended ones
    // ask nothing either).
    QStringList round = oneRound(*project, &status);
    QVERIFY2(round.isEmpty(), qPrintable(round.join(QLatin1Char('\n'))));
    // Nothing changed in what status says: the states, the runner's exit codes, the wrapper's times (the
    // ended conditions' times are not read again, they stay).
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const QJsonObject c = DeployTestKit::condition(status, it.key());
        QCOMPARE(c.value(QStringLiteral("state")).toString(), it.value());
        QVERIFY(!c.value(QStringLiteral("started_at")).toString().isEmpty());
        if (it.key() > 5)
            QVERIFY(!c.value(QStringLiteral("finished_at")).toString().isEmpty());
    }
    QCOMPARE(DeployTestKit::condition(status, 7).value(QStringLiteral("exit_code")).toInt(), 3);
    QCOMPARE(DeployTestKit::condition(status, 6).value(QStringLiteral("exit_code")).toInt(), 0);

    // Without its runner (killed), a round asks the engine once, an inspect of the five running containers.
    QCOMPARE(killRunners(project->experimentDir() + QStringLiteral("/.logistician/runner")), 1);
    round = oneRound(*project, &status);
    QVERIFY2(round.size() == 1, qPrintable(round.join(QLatin1Char('\n'))));
    QVERIFY2(round.first().startsWith(QLatin1String("inspect ")), qPrintable(round.first()));
    for (int i = 1; i <= 5; ++i) {
        QVERIFY2(round.first().contains(DeployTestKit::condition(status, i).value(QStringLiteral("slug")).toString()),
                 qPrintable(round.first()));
        QCOMPARE(DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString(),
                 QStringLiteral("running"));
    }

    // A container killed with no runner to see it: the same single query says it failed, with the engine's code.
    QProcess kill;
    const QString container = QStringLiteral("logistician-%1-%2")
                                  .arg(project->name().toLower(),
                                       DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString());
    kill.start(QStringLiteral("docker"), { QStringLiteral("kill"), container });
    QVERIFY(kill.waitForFinished(30000));
    QCOMPARE(kill.exitCode(), 0);
    status = waitFor(*project, { { 1, QStringLiteral("failed") } });
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("exit_code")).toInt(), 137);
    QVERIFY(oneRound(*project, &status).size() == 1);

    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
}

int TestStatusQueries::killRunners(const QString& dir)
{
    int killed = 0;
    QDirIterator it(dir, { QStringLiteral("runner.pid") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const pid_t pid = static_cast<pid_t>(DeployTestKit::readFile(it.next()).trimmed().toLongLong());
        if (pid <= 0 || ::kill(-pid, SIGKILL) != 0) // its process group (setsid): workers and docker wait too
            continue;
        for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
            QTest::qWait(100);
        ++killed;
    }
    return killed;
}

void TestStatusQueries::sshRoundIsOneQueryPerHost()
{
    SshMachines machines;
    QString error;
    QVERIFY2(machines.start(2, m_kit->keyPath() + QStringLiteral(".pub"), 2, &error), qPrintable(error));
    // Two hosts, two slots each: four conditions that run a minute, two that end at once.
    QStringList conditions;
    for (int i = 1; i <= 4; ++i)
        conditions << QStringLiteral("--n %1 --sleep 60").arg(i);
    conditions << QStringLiteral("--n 5") << QStringLiteral("--n 6 --exit 3");
    auto project = m_kit->project(conditions,
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray::fromStringList(machines.addresses()) },
                                    { QStringLiteral("remote_docker_command"), m_wrapper },
                                    { QStringLiteral("max_parallel"), 3 } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    QMap<int, QString> expected;
    for (int i = 1; i <= 4; ++i)
        expected.insert(i, QStringLiteral("running"));
    expected.insert(5, QStringLiteral("succeeded"));
    expected.insert(6, QStringLiteral("failed"));
    QJsonObject status = waitFor(*project, expected);
    for (auto it = expected.begin(); it != expected.end(); ++it)
        QCOMPARE(DeployTestKit::condition(status, it.key()).value(QStringLiteral("state")).toString(), it.value());

    // A round while the runners live asks the engines nothing.
    QStringList round = oneRound(*project, &status);
    QVERIFY2(round.isEmpty(), qPrintable(round.join(QLatin1Char('\n'))));
    for (auto it = expected.begin(); it != expected.end(); ++it)
        QCOMPARE(DeployTestKit::condition(status, it.key()).value(QStringLiteral("state")).toString(), it.value());

    // Without them (killed): one inspect per host, each of the containers running there.
    QCOMPARE(killRunners(QDir::homePath() + QStringLiteral("/logistician/") + project->name()), 2);
    round = oneRound(*project, &status);
    QVERIFY2(round.size() == 2, qPrintable(round.join(QLatin1Char('\n'))));
    QStringList asked;
    for (const QString& call : round) {
        QVERIFY2(call.startsWith(QLatin1String("inspect ")), qPrintable(call));
        asked << call;
    }
    for (int i = 1; i <= 4; ++i) {
        const QString slug = DeployTestKit::condition(status, i).value(QStringLiteral("slug")).toString();
        QVERIFY2(asked.join(QLatin1Char('\n')).contains(slug), qPrintable(slug));
        QCOMPARE(DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString(),
                 QStringLiteral("running"));
    }
    QCOMPARE(DeployTestKit::condition(status, 6).value(QStringLiteral("exit_code")).toInt(), 3);
    QVERIFY(!DeployTestKit::condition(status, 5).value(QStringLiteral("finished_at")).toString().isEmpty());

    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
}

// Auto sync of a local sweep runs no docker logs: the runner saved each container's log as logs/docker.txt when
// it ended, and the watch (all of it, from deploy to the last sync) only copies the claim's word for it.
void TestStatusQueries::localWatchRunsNoDockerLogs()
{
    QStringList conditions;
    for (int i = 1; i <= 6; ++i)
        conditions << QStringLiteral("--n %1").arg(i);
    conditions[2] += QStringLiteral(" --sleep 3 --exit 2");
    auto project = m_kit->project(conditions,
                                  { { QStringLiteral("backend"), QStringLiteral("local") },
                                    { QStringLiteral("local_docker_command"), m_wrapper },
                                    { QStringLiteral("max_parallel"), 2 } });
    clearCalls();
    m_kit->env().insert(QStringLiteral("LOGISTICIAN_TEST_WHO"), QStringLiteral("deploy"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    m_kit->env().insert(QStringLiteral("LOGISTICIAN_TEST_WHO"), QStringLiteral("watch"));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true, true);
    m_kit->env().remove(QStringLiteral("LOGISTICIAN_TEST_WHO"));
    QCOMPARE(code, 1); // c3 failed
    QStringList watched;
    int saved = 0;
    for (const QString& call : calls()) {
        if (call.startsWith(QLatin1String("watch: ")))
            watched << call;
        // The runner (started by deploy): one docker logs of each container once it ended, beside logs -f.
        if (call.startsWith(QLatin1String("deploy: logs logistician-")))
            ++saved;
    }
    QVERIFY2(watched.filter(QStringLiteral("watch: logs")).isEmpty(), qPrintable(watched.join(QLatin1Char('\n'))));
    QCOMPARE(saved, 6);
    for (int i = 1; i <= 6; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        QVERIFY2(c.value(QStringLiteral("synced")).toBool(), qPrintable(c.value(QStringLiteral("slug")).toString()));
        const QByteArray log = DeployTestKit::readFile(c.value(QStringLiteral("data_dir")).toString()
                                                       + QStringLiteral("/logs/docker.txt"));
        QVERIFY2(log.contains(QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()), log.constData());
    }
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("exit_code")).toInt(), 2);

    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
}

QTEST_MAIN(TestStatusQueries)
#include "TestStatusQueries.moc"
