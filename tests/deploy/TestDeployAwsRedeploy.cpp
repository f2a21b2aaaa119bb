// SPDX-License-Identifier: MIT
// The aws backend deploys, terminates and deploys again: the stand-in
// `terraform` (tests/support/terraform-standin) puts the new machines at the
// same addresses with new host keys, as EC2 does with reused addresses. The
// keys of destroyed machines must be gone from the experiment's known_hosts,
// so the new machines are reached at once instead of being waited on as if
// they were still booting.

#include "DeployTestKit.h"
#include "RealTerraform.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

class TestDeployAwsRedeploy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void deployTerminateDeployAtTheSameAddresses();
    void cleanup();

private:
    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<TestProject> m_project;
    QTemporaryDir m_bin;
    RealTerraform m_tf;
};

void TestDeployAwsRedeploy::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    // The stand-in hands init, validate and plan to the real terraform, with the provider from the mirror only.
    REQUIRE_REAL_TERRAFORM(m_tf, m_bin.path());
    QString why;
    QVERIFY2(m_tf.installStandIn(m_bin.path(), 40, &m_kit->env(), &why), qPrintable(why));
    m_kit->env().insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIASTANDINKEY000002"));
    m_kit->env().insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("standin/Secret+Key-redeploy"));
}

void TestDeployAwsRedeploy::cleanup()
{
    if (m_project && QFileInfo::exists(m_project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
        m_kit->cli(*m_project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    m_project.reset();
}

void TestDeployAwsRedeploy::deployTerminateDeployAtTheSameAddresses()
{
    m_project
        = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), QStringLiteral("ami-0123456789abcdef0") },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("auto_stop_minutes"), 15 } });
    TestProject& project = *m_project;
    const QStringList deploy { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                               QStringLiteral("198.51.100.0/24") };
    const QString knownHosts = project.experimentDir() + QStringLiteral("/.logistician/known_hosts");

    QVERIFY(m_kit->cli(project, deploy).exitCode == 0);
    int code = -1;
    QJsonObject status = m_kit->status(project, &code, true);
    QCOMPARE(code, 0);
    QSet<QString> firstHosts;
    for (int i = 1; i <= 2; ++i)
        firstHosts.insert(DeployTestKit::condition(status, i).value(QStringLiteral("host")).toString());
    QVERIFY(!DeployTestKit::readFile(knownHosts).isEmpty());
    QCOMPARE(m_kit->cli(project, { QStringLiteral("sync") }).exitCode, 0);
    const CliResult terminated = m_kit->cli(project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    // The destroyed machines' keys are gone with them.
    QCOMPARE(DeployTestKit::readFile(knownHosts).trimmed(), QByteArray());

    // Again: the same addresses, new host keys; reached at once, not waited on for minutes.
    QElapsedTimer timer;
    timer.start();
    const CliResult again = m_kit->cli(project, deploy, 120000);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(!again.err.contains(QStringLiteral("host key")), qPrintable(again.err));
    status = m_kit->status(project, &code, true);
    QCOMPARE(code, 0);
    QSet<QString> secondHosts;
    for (int i = 1; i <= 2; ++i) {
        QCOMPARE(DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        secondHosts.insert(DeployTestKit::condition(status, i).value(QStringLiteral("host")).toString());
    }
    QCOMPARE(secondHosts, firstHosts);
    QVERIFY2(timer.elapsed() < 100000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_kit->cli(project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(m_kit->cli(project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestDeployAwsRedeploy)
#include "TestDeployAwsRedeploy.moc"
