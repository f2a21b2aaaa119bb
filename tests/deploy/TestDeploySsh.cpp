// The ssh backend with real parts: OpenSSH servers on 127.0.0.2, 127.0.0.3, ...
// (sharing this machine's Docker engine), real ssh and rsync, the image
// through Debian's docker-registry with htpasswd auth. Deploy, status, sync,
// terminate; then the faults: a host that stops answering, a sync killed
// halfway, conditions full of shell metacharacters.

#include "DeployTestKit.h"
#include "LocalRegistry.h"
#include "SshMachines.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTest>
#include <QThread>
#include <QUuid>
#include <csignal>

class TestDeploySsh : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sweepThroughRegistry();
    void metacharactersRunNothingOnHosts();
    void hostStopsAnswering();
    void syncKilledHalfwayThenAgain();

private:
    QString remoteData(TestProject& project, const QJsonObject& status, int index) const;
    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<SshMachines> m_machines;
    std::unique_ptr<LocalRegistry> m_registry;
};

void TestDeploySsh::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    m_machines = std::make_unique<SshMachines>();
    QString error;
    QVERIFY2(m_machines->start(3, m_kit->keyPath() + QStringLiteral(".pub"), 2, &error), qPrintable(error));
    m_registry = std::make_unique<LocalRegistry>();
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    // The registry user in the settings, its password in the environment (CI's way).
    QDir().mkpath(m_kit->configDir() + QStringLiteral("/logistician"));
    QFile settings(m_kit->configDir() + QStringLiteral("/logistician/settings.ini"));
    QVERIFY(settings.open(QIODevice::WriteOnly));
    settings.write(QStringLiteral("[registry]\nuser=%1\n").arg(m_registry->user()).toUtf8());
    settings.close();
    m_kit->env().insert(QStringLiteral("LOGISTICIAN_REGISTRY_PASSWORD"), m_registry->password());
}

QString TestDeploySsh::remoteData(TestProject& project, const QJsonObject& status, int index) const
{
    return QDir::homePath() + QStringLiteral("/logistician/") + project.name() + QLatin1Char('/')
        + DeployTestKit::condition(status, index).value(QStringLiteral("slug")).toString() + QStringLiteral("/data");
}

void TestDeploySsh::sweepThroughRegistry()
{
    auto project = m_kit->project({ QStringLiteral("--n 1 --sleep 1"), QStringLiteral("--n 2 --exit 4"),
                                    QStringLiteral("--n 3 --sleep 1"), QStringLiteral("--n 4") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray::fromStringList(m_machines->addresses()) },
                                    { QStringLiteral("registry"), m_registry->address() } });
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY(deployed.err.contains(QStringLiteral("--password-stdin")));
    QVERIFY(deployed.err.contains(QStringLiteral("StrictHostKeyChecking=accept-new")));
    QVERIFY(!deployed.err.contains(QStringLiteral("StrictHostKeyChecking=no")));
    QVERIFY(!deployed.err.contains(m_registry->password()));
    QVERIFY(deployed.err.contains(QStringLiteral("docker push ") + m_registry->address()));

    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 1);
    QSet<QString> hostsUsed;
    for (int i = 1; i <= 4; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        QCOMPARE(c.value(QStringLiteral("state")).toString(),
                 i == 2 ? QStringLiteral("failed") : QStringLiteral("succeeded"));
        hostsUsed.insert(c.value(QStringLiteral("host")).toString());
    }
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("exit_code")).toInt(), 4);
    QCOMPARE(hostsUsed.size(), 3); // one condition per host at a time, four conditions

    // Not synced yet: terminate refuses.
    const CliResult refused = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.err.contains(QStringLiteral("not synced")));

    const CliResult synced = m_kit->cli(*project, { QStringLiteral("sync") });
    QCOMPARE(synced.exitCode, 0);
    QVERIFY(synced.err.contains(QStringLiteral("rsync -a --update")));
    QVERIFY(!synced.err.contains(QStringLiteral("--delete")));
    for (int i = 1; i <= 4; ++i) {
        const QString dir = m_kit->dataDir(*project, status, i);
        QVERIFY2(DeployTestKit::readFile(dir + QStringLiteral("/results/args.txt"))
                     .startsWith(QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()),
                 qPrintable(dir));
        QVERIFY(DeployTestKit::readFile(dir + QStringLiteral("/logs/docker.txt")).contains("<--n>"));
        QCOMPARE(DeployTestKit::readFile(dir + QStringLiteral("/logs/exit_code.txt")).trimmed(), i == 2 ? "4" : "0");
        QVERIFY(!DeployTestKit::readFile(dir + QStringLiteral("/config/commit.txt")).isEmpty());
    }
    const QByteArray machines = DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/machines.txt"));
    QCOMPARE(machines.count('\n'), 4);
    QVERIFY(machines.contains(", --n 2 --exit 4\n"));
    QVERIFY(machines.startsWith("127.0.0."));

    // The registry password is in no file of the experiment.
    QDirIterator it(project->experimentDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QVERIFY2(!DeployTestKit::readFile(path).contains(m_registry->password().toUtf8()), qPrintable(path));
    }

    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(!QFileInfo::exists(remoteData(*project, status, 1)));
    QVERIFY(!QFileInfo::exists(QDir::homePath() + QStringLiteral("/logistician/") + project->name()));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

void TestDeploySsh::metacharactersRunNothingOnHosts()
{
    const QString marker = QStringLiteral("/tmp/pwned-") + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    const QStringList conditions {
        QStringLiteral("'$(touch %1-a)'").arg(marker),
        QStringLiteral("\"; touch %1-b\" '\"; touch %1-f; \"'").arg(marker),
        QStringLiteral("'`touch %1-c`' '&& touch %1-d' \"'; touch %1-e; '\"").arg(marker),
    };
    // No registry: each host builds the image from the uploaded commit.
    auto project = m_kit->project(conditions,
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("max_parallel"), 2 },
                                    { QStringLiteral("hosts"), QJsonArray::fromStringList(m_machines->addresses()) } });
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY(deployed.err.contains(QStringLiteral("docker build")));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    for (const char* suffix : { "-a", "-b", "-c", "-d", "-e", "-f" })
        QVERIFY2(!QFile::exists(marker + QLatin1String(suffix)), qPrintable(marker + QLatin1String(suffix)));
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt")),
             QStringLiteral("<$(touch %1-a)>\n").arg(marker).toUtf8());
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 2) + QStringLiteral("/results/args.txt")),
             QStringLiteral("<; touch %1-b>\n<\"; touch %1-f; \">\n").arg(marker).toUtf8());
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 3) + QStringLiteral("/results/args.txt")),
             QStringLiteral("<`touch %1-c`>\n<&& touch %1-d>\n<'; touch %1-e; '>\n").arg(marker).toUtf8());
}

void TestDeploySsh::hostStopsAnswering()
{
    SshMachines machines;
    QString error;
    QVERIFY2(machines.start(3, m_kit->keyPath() + QStringLiteral(".pub"), 6, &error), qPrintable(error));
    auto project = m_kit->project(
        { QStringLiteral("--n 1"), QStringLiteral("--n 2"), QStringLiteral("--n 3"), QStringLiteral("--n 4") },
        { { QStringLiteral("backend"), QStringLiteral("ssh") },
          { QStringLiteral("max_parallel"), 2 },
          { QStringLiteral("hosts"), QJsonArray::fromStringList(machines.addresses()) } });
    // One machine is down before the deploy: its share goes to the others, and deploy says so.
    machines.stop(0);
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 1);
    QVERIFY2(deployed.err.contains(machines.address(0) + QStringLiteral(" does not answer")), qPrintable(deployed.err));
    int code = -1;
    QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    for (int i = 1; i <= 4; ++i) {
        QCOMPARE(DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        QVERIFY(DeployTestKit::condition(status, i).value(QStringLiteral("host")).toString() != machines.address(0));
    }

    // Another stops answering after its runs: its conditions are unreachable, the rest are as they were.
    machines.stop(2);
    status = m_kit->status(*project, &code);
    QCOMPARE(code, 1);
    int unreachable = 0;
    for (int i = 1; i <= 4; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        const bool onStopped = c.value(QStringLiteral("host")).toString() == machines.address(2);
        QCOMPARE(c.value(QStringLiteral("state")).toString(),
                 onStopped ? QStringLiteral("unreachable") : QStringLiteral("succeeded"));
        unreachable += onStopped ? 1 : 0;
    }
    QVERIFY(unreachable > 0);
    // sync brings what it can reach and says what it could not.
    const CliResult synced = m_kit->cli(*project, { QStringLiteral("sync") });
    QCOMPARE(synced.exitCode, 1);
    for (int i = 1; i <= 4; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        if (c.value(QStringLiteral("host")).toString() != machines.address(2))
            QVERIFY(QFile::exists(m_kit->dataDir(*project, status, i) + QStringLiteral("/results/args.txt")));
    }
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 1);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
}

void TestDeploySsh::syncKilledHalfwayThenAgain()
{
    auto project = m_kit->project({ QStringLiteral("--mb 12") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->address(0) } } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    const QString local = m_kit->dataDir(*project, status, 1);
    const QByteArray remoteBlob
        = DeployTestKit::readFile(remoteData(*project, status, 1) + QStringLiteral("/results/blob.bin"));
    QCOMPARE(remoteBlob.size(), 12 * 1024 * 1024);

    // A file only here, and a newer local version of one the host has: sync keeps both.
    QDir().mkpath(local + QStringLiteral("/results"));
    QFile note(local + QStringLiteral("/results/my-notes.txt"));
    QVERIFY(note.open(QIODevice::WriteOnly));
    note.write("mine\n");
    note.close();
    QThread::sleep(1);
    QFile args(local + QStringLiteral("/results/args.txt"));
    QVERIFY(args.open(QIODevice::WriteOnly));
    args.write("edited here\n");
    args.close();

    // Slowed down, then stopped with everything it started.
    QProcess sync;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_kit->env().cbegin(); it != m_kit->env().cend(); ++it)
        env.insert(it.key(), it.value());
    sync.setProcessEnvironment(env);
    sync.start(QStringLiteral("setsid"),
               { CliProcess::binary(), QStringLiteral("sync"), QStringLiteral("--bwlimit"), QStringLiteral("2000"),
                 project->experimentDir() });
    QVERIFY(sync.waitForStarted());
    const qint64 group = sync.processId();
    // Interrupted as by Ctrl-C once the big file is on its way; rsync keeps the part in .rsync-partial.
    auto transferring = [&] {
        const QStringList names = QDir(local + QStringLiteral("/results")).entryList(QDir::Files | QDir::Hidden);
        for (const QString& name : names) {
            if (name.startsWith(QLatin1String(".blob.bin.")))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(transferring(), 30000);
    QThread::sleep(1);
    ::kill(static_cast<pid_t>(-group), SIGINT);
    QVERIFY(sync.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(local + QStringLiteral("/results/.rsync-partial/blob.bin")), 10000);
    QVERIFY(DeployTestKit::readFile(local + QStringLiteral("/results/blob.bin")) != remoteBlob);

    const CliResult again = m_kit->cli(*project, { QStringLiteral("sync") });
    QCOMPARE(again.exitCode, 0);
    QVERIFY(DeployTestKit::readFile(local + QStringLiteral("/results/blob.bin")) == remoteBlob);
    QCOMPARE(DeployTestKit::readFile(local + QStringLiteral("/results/my-notes.txt")), QByteArray("mine\n"));
    QCOMPARE(DeployTestKit::readFile(local + QStringLiteral("/results/args.txt")), QByteArray("edited here\n"));
    QVERIFY(!QDir(local + QStringLiteral("/results/.rsync-partial")).exists());
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestDeploySsh)
#include "TestDeploySsh.moc"
