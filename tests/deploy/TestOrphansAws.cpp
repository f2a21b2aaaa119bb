// SPDX-License-Identifier: MIT
// An aws deployment whose project folder is deleted: listed as an orphan from the index's copy of its state,
// and `terminate --experiment PATH` destroys its machine with terraform destroy from the copy of the
// Terraform state: the real terraform applies and destroys against the EC2 emulator (tests/support/ec2-emulator);
// the destroy runs in the index's copy and the instance the copy's state names is terminated.
#include "DeployTestKit.h"
#include "Ec2Emulator.h"
#include "RealTerraform.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

class TestOrphansAws : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void deletedProjectIsDestroyedFromTheStateCopy();

private:
    std::unique_ptr<DeployTestKit> m_kit;
    QTemporaryDir m_bin;
    RealTerraform m_tf;
};

void TestOrphansAws::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    REQUIRE_REAL_TERRAFORM(m_tf, m_bin.path());
    REQUIRE_EC2_EMULATOR();
    m_kit->env().insert(m_tf.environment());
    m_kit->env().insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIAEMULATORKEY00001"));
    m_kit->env().insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"),
                        QStringLiteral("emulator/Secret+Key-0123456789abcdef"));
}

void TestOrphansAws::deletedProjectIsDestroyedFromTheStateCopy()
{
    auto project
        = m_kit->project({ QStringLiteral("--sleep 300") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), Ec2Emulator::anyImage(QStringLiteral("eu-central-1")) },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) } });
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                         QStringLiteral("198.51.100.0/24") })
                 .exitCode,
             0);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 90000);

    // Terraform works in the index (the project's tree has no Terraform folder): the configuration as applied
    // and the state beside it.
    const QString index
        = m_kit->env().value(QStringLiteral("XDG_STATE_HOME")) + QStringLiteral("/logistician/deployments");
    QStringList copies;
    for (QDirIterator it(index, { QStringLiteral("main.tf.json") }, QDir::Files, QDirIterator::Subdirectories);
         it.hasNext();)
        copies << it.next();
    QCOMPARE(copies.size(), 1);
    const QString terraformDir = m_kit->terraformDir(*project);
    QCOMPARE(copies.first(), terraformDir + QStringLiteral("/main.tf.json"));
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/terraform")));
    QVERIFY(QFileInfo::exists(terraformDir + QStringLiteral("/terraform.tfstate")));
    const QJsonArray running = Ec2Emulator::liveInstances(QStringLiteral("eu-central-1"), project->name());
    QCOMPARE(running.size(), 1);
    QCOMPARE(running.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("running"));

    const QString experimentDir = project->experimentDir();
    QVERIFY(QDir(experimentDir).removeRecursively());
    const CliResult listed
        = CliProcess::run({ QStringLiteral("list"), QStringLiteral("--json") }, project->root(), m_kit->env());
    QJsonObject row;
    for (const QJsonValue& d :
         QJsonDocument::fromJson(listed.out.toUtf8()).object().value(QStringLiteral("deployments")).toArray()) {
        if (d.toObject().value(QStringLiteral("experiment")).toString() == project->name())
            row = d.toObject();
    }
    QCOMPARE(row.value(QStringLiteral("orphan")).toBool(), true);
    QCOMPARE(row.value(QStringLiteral("backend")).toString(), QStringLiteral("aws"));
    QCOMPARE(row.value(QStringLiteral("machines")).toInt(), 1);

    const CliResult terminated = CliProcess::run({ QStringLiteral("terminate"), QStringLiteral("--experiment"),
                                                   experimentDir, QStringLiteral("--yes"), QStringLiteral("--force") },
                                                 project->root(), m_kit->env());
    qDebug().noquote() << terminated.err << terminated.out;
    QCOMPARE(terminated.exitCode, 0);
    // Destroyed where Terraform applied, the index's folder (the project's own folder is gone, and it never held
    // Terraform's files): the instance that state names is terminated, so the machine is gone, not only the
    // containers.
    QVERIFY2(terminated.err.contains(QStringLiteral("terraform destroy -input=false -auto-approve")),
             qPrintable(terminated.err));
    QVERIFY(Ec2Emulator::liveInstances(QStringLiteral("eu-central-1"), project->name()).isEmpty());
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(!QDir(index).entryList(QDir::Dirs | QDir::NoDotAndDotDot).contains(QStringLiteral("recovered")));
    QVERIFY(QDir(index).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

QTEST_GUILESS_MAIN(TestOrphansAws)
#include "TestOrphansAws.moc"
