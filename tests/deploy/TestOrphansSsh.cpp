// SPDX-License-Identifier: MIT
// Orphans and retries on ssh machines (sshd on 127.0.0.x sharing this machine's engine): a deployment whose
// .logistician is gone is terminated on the hosts the index recorded (not by this machine's label scan);
// a redeploy of another commit refuses what the old one left on a host; a deploy that failed on a bad
// registry goes on with the registry parameters.json names now (D5).
#include "DeployTestKit.h"
#include "LocalRegistry.h"
#include "SshMachines.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestOrphansSsh : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void orphanIsTerminatedOnItsHosts();
    void retriedDeployReadsTheRegistryAgain();

private:
    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<SshMachines> m_machines;
    std::unique_ptr<LocalRegistry> m_registry;
};

void TestOrphansSsh::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    m_machines = std::make_unique<SshMachines>();
    QString error;
    QVERIFY2(m_machines->start(2, m_kit->keyPath() + QStringLiteral(".pub"), 2, &error), qPrintable(error));
    m_registry = std::make_unique<LocalRegistry>();
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    QDir().mkpath(m_kit->configDir() + QStringLiteral("/logistician"));
    QFile settings(m_kit->configDir() + QStringLiteral("/logistician/settings.ini"));
    QVERIFY(settings.open(QIODevice::WriteOnly));
    settings.write(QStringLiteral("[registry]\nuser=%1\n").arg(m_registry->user()).toUtf8());
    settings.close();
    m_kit->env().insert(QStringLiteral("LOGISTICIAN_REGISTRY_PASSWORD"), m_registry->password());
}

void TestOrphansSsh::orphanIsTerminatedOnItsHosts()
{
    auto project = m_kit->project({ QStringLiteral("--sleep 300"), QStringLiteral("--sleep 301") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray::fromStringList(m_machines->addresses()) } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 2, 90000);
    QVERIFY(QDir(project->experimentDir() + QStringLiteral("/.logistician")).removeRecursively());

    // A commit later, deploy refuses to run next to them (D2), naming them.
    project->repo().writeFile(QStringLiteral("notes.txt"), "another commit\n");
    project->repo().commitAll(QStringLiteral("another commit"));
    const CliResult refused = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QLatin1String("not this deployment's")), qPrintable(refused.err));
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 2);

    const CliResult terminated
        = CliProcess::run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), project->name(),
                            QStringLiteral("--yes"), QStringLiteral("--force"), QStringLiteral("--json") },
                          project->root(), m_kit->env());
    qDebug().noquote() << terminated.err << terminated.out;
    QCOMPARE(terminated.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(terminated.out.toUtf8()).object();
    // Removed on the hosts the index recorded, by the restored deployment's terminate: nothing was left for
    // the scan of this machine's engine.
    QCOMPARE(doc.value(QStringLiteral("orphans")).toArray().size(), 1);
    QVERIFY(
        doc.value(QStringLiteral("orphans")).toArray().at(0).toObject().value(QStringLiteral("terminated")).toBool());
    QVERIFY(doc.value(QStringLiteral("containers_removed")).toArray().isEmpty());
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

void TestOrphansSsh::retriedDeployReadsTheRegistryAgain()
{
    // Nothing listens on port 1: the push fails, before anything is handed over.
    auto project = m_kit->project({ QStringLiteral("--exit 0") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->address(0) } },
                                    { QStringLiteral("registry"), QStringLiteral("127.0.0.1:1") } });
    const CliResult failed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(failed.exitCode, 1);
    QVERIFY(QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));

    project->setParameters({ { QStringLiteral("registry"), m_registry->address() } });
    const CliResult retried = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--allow-dirty") });
    QCOMPARE(retried.exitCode, 0);
    QVERIFY2(retried.err.contains(QStringLiteral(" push ") + m_registry->address()), qPrintable(retried.err));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestOrphansSsh)
#include "TestOrphansSsh.moc"
