// SPDX-License-Identifier: MIT
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
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
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
    void watchBringsResultsHome();
    void metacharactersRunNothingOnHosts();
    void hostStopsAnswering();
    void syncKilledHalfwayThenAgain();
    void projectPathWithSpaceAndQuote();
    void changedHostKeyIsReportedAtOnce();
    void sshHostIsNeverStopped();
    void logsFollowsAConditionOnAHost();

private:
    static QString inspect(const QString& format, const QString& image);
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

// What the engine (this machine's, which the test machines share) says of an image.
QString TestDeploySsh::inspect(const QString& format, const QString& image)
{
    QProcess docker;
    docker.start(QStringLiteral("docker"),
                 { QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("--format"), format, image });
    docker.waitForFinished(30000);
    return QString::fromUtf8(docker.readAllStandardOutput()).trimmed();
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
    QVERIFY(deployed.err.contains(QStringLiteral(" push ") + m_registry->address()));
    QVERIFY(deployed.err.contains(QStringLiteral("docker --config ")));

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
    QVERIFY(synced.err.contains(
        QStringLiteral("rsync -a --no-links --no-devices --no-specials --no-owner --no-group --update")));
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
    // Provenance: the image by its ID and its digest in the registry, the host, the wrapper's times.
    const CliResult results = m_kit->cli(*project, { QStringLiteral("results"), QStringLiteral("--json") });
    QCOMPARE(results.exitCode, 0);
    const QJsonArray rows
        = QJsonDocument::fromJson(results.out.toUtf8()).object().value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 4);
    const QString image = rows.at(0).toObject().value(QStringLiteral("image")).toString();
    const QString id = inspect(QStringLiteral("{{.Id}}"), image);
    QVERIFY2(id.startsWith(QStringLiteral("sha256:")), qPrintable(id));
    const QString digest = rows.at(0).toObject().value(QStringLiteral("repo_digest")).toString();
    QVERIFY2(digest.startsWith(image.section(QLatin1Char(':'), 0, -2) + QStringLiteral("@sha256:")),
             qPrintable(digest));
    QVERIFY2(inspect(QStringLiteral("{{json .RepoDigests}}"), image).contains(digest), qPrintable(digest));
    for (int i = 0; i < 4; ++i) {
        const QJsonObject row = rows.at(i).toObject();
        QCOMPARE(row.value(QStringLiteral("image_id")).toString(), id);
        QCOMPARE(row.value(QStringLiteral("repo_digest")).toString(), digest);
        QCOMPARE(row.value(QStringLiteral("host")).toString(),
                 DeployTestKit::condition(status, i + 1).value(QStringLiteral("host")).toString());
        QVERIFY(m_machines->addresses().contains(row.value(QStringLiteral("host")).toString()));
        QVERIFY(row.value(QStringLiteral("instance_id")).isNull());
        QCOMPARE(row.value(QStringLiteral("exit_code")).toInt(), i == 1 ? 4 : 0);
        QVERIFY(!row.value(QStringLiteral("started_at")).toString().isEmpty());
        QVERIFY(!row.value(QStringLiteral("finished_at")).toString().isEmpty());
        // The wrapper, the experiment command, then the condition's words, as the container got them.
        QStringList argv;
        for (const QJsonValue& word : row.value(QStringLiteral("argv")).toArray())
            argv << word.toString();
        QCOMPARE(argv,
                 QStringList({ QStringLiteral("sh"), QStringLiteral("/logistician/run.sh"), QStringLiteral("sh"),
                               QStringLiteral("cond.sh") })
                     + row.value(QStringLiteral("condition")).toString().split(QLatin1Char(' ')));
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

    // Neither the password nor docker's base64 of "user:password" stayed behind: not in this machine's
    // docker configuration, not in the hosts' homes (the sshd machines log in as this user, so their home
    // is this one), not in the configuration folder or the temporary folder the tool used.
    const QByteArray password = m_registry->password().toUtf8();
    const QByteArray auth = (m_registry->user().toUtf8() + ':' + password).toBase64();
    QStringList roots { QDir::homePath(), m_kit->configDir(), QDir::tempPath() + QStringLiteral("/logistician-docker"),
                        (m_kit->env().value(QStringLiteral("XDG_STATE_HOME"))
                         + QStringLiteral("/logistician/docker-login")) };
    const QString dockerConfig = qEnvironmentVariable("DOCKER_CONFIG");
    if (!dockerConfig.isEmpty())
        roots << dockerConfig;
    // Toolchains and caches are not written by the tool and are large.
    const QStringList skipped { QStringLiteral(".pyenv"), QStringLiteral(".rustup"), QStringLiteral(".cargo"),
                                QStringLiteral(".cache"), QStringLiteral(".npm") };
    int scanned = 0;
    for (const QString& root : roots) {
        QDirIterator files(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            const QString relative = QDir(root).relativeFilePath(path);
            if (root == QDir::homePath() && skipped.contains(relative.section(QLatin1Char('/'), 0, 0)))
                continue;
            ++scanned;
            const QByteArray content = DeployTestKit::readFile(path);
            QVERIFY2(!content.contains(password) && !content.contains(auth), qPrintable(path));
        }
    }
    const QStringList leftovers = QDir(QDir::tempPath()).entryList({ QStringLiteral("logistician-docker-*") })
        + QDir((m_kit->env().value(QStringLiteral("XDG_STATE_HOME")) + QStringLiteral("/logistician/docker-login")))
              .entryList({ QStringLiteral("logistician-docker-*") });
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
    QVERIFY(scanned > 0);
}

void TestDeploySsh::watchBringsResultsHome()
{
    // Built on each host (no registry); status --watch syncs each condition as it ends, no `sync` asked for.
    auto project = m_kit->project(
        { QStringLiteral("--n 1"), QStringLiteral("--n 2 --sleep 3 --exit 5"), QStringLiteral("--n 3 --sleep 6") },
        { { QStringLiteral("backend"), QStringLiteral("ssh") },
          { QStringLiteral("hosts"), QJsonArray::fromStringList(m_machines->addresses()) } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true, true);
    QCOMPARE(code, 1); // c2 failed
    for (int i = 1; i <= 3; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        QVERIFY(c.value(QStringLiteral("synced")).toBool());
        QVERIFY(!c.value(QStringLiteral("synced_at")).toString().isEmpty());
        const QString dir = m_kit->dataDir(*project, status, i);
        QVERIFY2(DeployTestKit::readFile(dir + QStringLiteral("/results/args.txt"))
                     .startsWith(QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()),
                 qPrintable(dir));
        QCOMPARE(DeployTestKit::readFile(dir + QStringLiteral("/logs/exit_code.txt")).trimmed(), i == 2 ? "5" : "0");
        QVERIFY(DeployTestKit::readFile(dir + QStringLiteral("/logs/docker.txt")).contains("<--n>"));
        // The runner's live copy of the output came home with the results.
        QVERIFY(DeployTestKit::readFile(dir + QStringLiteral("/logs/output.txt"))
                    .contains(QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()));
    }
    // The results are safe here: terminate goes without --force.
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
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

void TestDeploySsh::projectPathWithSpaceAndQuote()
{
    // The project lives in a folder whose path has a space and a quote: ssh options, control sockets and
    // rsync's -e must all carry it through unchanged.
    const QString odd = QDir::tempPath() + QStringLiteral("/logistician it's a test");
    QDir(odd).removeRecursively();
    QVERIFY(QDir().mkpath(odd));
    const QByteArray savedTmp = qgetenv("TMPDIR");
    qputenv("TMPDIR", QFile::encodeName(odd));
    auto project = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->address(0) } } });
    if (savedTmp.isEmpty())
        qunsetenv("TMPDIR");
    else
        qputenv("TMPDIR", savedTmp);
    QVERIFY2(project->experimentDir().startsWith(odd), qPrintable(project->experimentDir()));

    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    const CliResult synced = m_kit->cli(*project, { QStringLiteral("sync") });
    QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
    for (int i = 1; i <= 2; ++i)
        QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, i) + QStringLiteral("/results/args.txt")),
                 QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8());
    // The experiment's own known_hosts was used, and its control socket folder.
    QVERIFY(DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/known_hosts"))
                .contains("ssh-ed25519"));
    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    project.reset();
    QDir(odd).removeRecursively();
}

void TestDeploySsh::changedHostKeyIsReportedAtOnce()
{
    // known_hosts has another key for the machine: ssh refuses, and deploy says why instead of waiting.
    auto project = m_kit->project({ QStringLiteral("--n 1") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->address(0) } } });
    QTemporaryDir keys;
    QString error;
    QVERIFY2(SshMachines::generateKey(keys.filePath(QStringLiteral("other")), &error), qPrintable(error));
    const QString address = m_machines->address(0);
    const QString hostPort = address.section(QLatin1Char('@'), 1);
    const QString known
        = QStringLiteral("[%1]:%2 %3")
              .arg(hostPort.section(QLatin1Char(':'), 0, 0), hostPort.section(QLatin1Char(':'), 1),
                   QString::fromUtf8(DeployTestKit::readFile(keys.filePath(QStringLiteral("other.pub"))))
                       .section(QLatin1Char(' '), 0, 1));
    const QString state = project->experimentDir() + QStringLiteral("/.logistician");
    QVERIFY(QDir().mkpath(state));
    QFile file(state + QStringLiteral("/known_hosts"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(known.toUtf8() + '\n');
    file.close();

    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 1);
    QVERIFY2(deployed.err.contains(QStringLiteral("the host key of %1 is not the one in").arg(address)),
             qPrintable(deployed.err));
    QVERIFY2(deployed.err.contains(QStringLiteral("REMOTE HOST IDENTIFICATION HAS CHANGED"))
                 || deployed.err.contains(QStringLiteral("Host key verification failed")),
             qPrintable(deployed.err));
    // Not taken for a machine still booting.
    QVERIFY(!deployed.err.contains(QStringLiteral("does not answer")));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
}

void TestDeploySsh::sshHostIsNeverStopped()
{
    // Issue 13 item 6: auto_stop_minutes is for machines Logistician makes. On a host of your own the runner
    // ends once its queue is empty, and nothing Logistician runs there stops, powers off or schedules anything.
    auto project = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->addresses().at(0) } },
                                    { QStringLiteral("auto_stop_minutes"), 1 } });
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 0);
    int code = -1;
    m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    const CliResult synced = m_kit->cli(*project, { QStringLiteral("sync") });
    QCOMPARE(synced.exitCode, 0);
    // The runner: done, and gone.
    const QString base = QDir::homePath() + QStringLiteral("/logistician/") + project->name();
    QString pidFile;
    QDirIterator it(base, { QStringLiteral("runner.pid") }, QDir::Files, QDirIterator::Subdirectories);
    if (it.hasNext())
        pidFile = it.next();
    QVERIFY2(!pidFile.isEmpty(), qPrintable(base));
    const QString runner = QFileInfo(pidFile).path();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(runner + QStringLiteral("/runner.done")), 30000);
    const qint64 pid = DeployTestKit::readFile(pidFile).trimmed().toLongLong();
    QVERIFY(pid > 0);
    QTRY_VERIFY_WITH_TIMEOUT(::kill(static_cast<pid_t>(pid), 0) != 0, 30000);
    // Nothing of the idle stop reached the host: every command is in the verbose echo.
    for (const QString& output : { deployed.err, synced.err }) {
        for (const char* word : { "shutdown", "poweroff", "idle-stop", "cron", "AUTO_STOP" })
            QVERIFY2(!output.contains(QLatin1String(word)), word);
    }
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

// logs -f over ssh: waits for the condition to start on its host, follows its docker log there to the
// end, and exits with the condition's exit code. The host built the image: the provenance has its ID there.
void TestDeploySsh::logsFollowsAConditionOnAHost()
{
    auto project = m_kit->project({ QStringLiteral("--n 1 --sleep 6 --exit 3") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->address(0) } } });
    const CliResult deployed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(deployed.exitCode, 0);
    // logs takes [EXPERIMENT_DIR] CONDITION: the folder first (the kit's cli() puts it last).
    const QDateTime askedAt = QDateTime::currentDateTimeUtc();
    const CliResult followed = CliProcess::run({ QStringLiteral("logs"), QStringLiteral("--verbose"),
                                                 project->experimentDir(), QStringLiteral("1"), QStringLiteral("-f") },
                                               project->root(), m_kit->env(), QByteArray(), 300000);
    qDebug().noquote() << "logs -f ->" << followed.exitCode << followed.err << followed.out;
    QCOMPARE(followed.exitCode, 3);
    QVERIFY2(followed.out.contains(QStringLiteral("<--n>\n<1>\n<--sleep>\n<6>\n")), qPrintable(followed.out));
    // Read on the host: the ssh command only looks, so it is echoed with --verbose.
    QVERIFY2(followed.err.contains(QStringLiteral("$ ssh ")), qPrintable(followed.err));

    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("exit_code")).toInt(), 3);
    const QJsonObject provenance
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/config/provenance.json")))
              .object();
    const QString image = provenance.value(QStringLiteral("image")).toString();
    QCOMPARE(provenance.value(QStringLiteral("image_id")).toString(), inspect(QStringLiteral("{{.Id}}"), image));
    QVERIFY(provenance.value(QStringLiteral("image_id")).toString().startsWith(QStringLiteral("sha256:")));
    QVERIFY(provenance.value(QStringLiteral("repo_digest")).isNull()); // built on the host, never pushed
    QCOMPARE(provenance.value(QStringLiteral("host")).toString(), m_machines->address(0));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    // logs was asked before the condition ended (it sleeps 6 s): it followed it, not a finished log.
    const QDateTime finished
        = QDateTime::fromString(QString::fromUtf8(DeployTestKit::readFile(m_kit->dataDir(*project, status, 1)
                                                                          + QStringLiteral("/logs/finished_at.txt"))
                                                      .trimmed()),
                                Qt::ISODate);
    QVERIFY(finished.isValid());
    QVERIFY2(finished > askedAt, qPrintable(finished.toString(Qt::ISODate) + " " + askedAt.toString(Qt::ISODate)));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestDeploySsh)
#include "TestDeploySsh.moc"
