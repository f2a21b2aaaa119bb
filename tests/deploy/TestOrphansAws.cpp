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
    void deletedProjectAndEntryFoundByTags();

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
    // The aws CLI beside the emulator's Python (the machine image's; a user's is on PATH).
    const QString bin = QFileInfo(qEnvironmentVariable("LOGISTICIAN_EC2_PYTHON")).absolutePath();
    m_kit->env().insert(QStringLiteral("PATH"),
                        bin + QLatin1Char(':')
                            + m_kit->env().value(QStringLiteral("PATH"), qEnvironmentVariable("PATH")));
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

void TestOrphansAws::deletedProjectAndEntryFoundByTags()
{
    // Issue 26 item 4: the project folder AND its index entry (with the Terraform state) deleted: no state names
    // the machines any more. `list` finds them through the EC2 API by their tags, with the user's keys, and
    // `terminate --experiment NAME` terminates them by their IDs, then deletes the security group and key pair.
    const QString region = QStringLiteral("eu-central-1");
    auto project
        = m_kit->project({ QStringLiteral("--sleep 300"), QStringLiteral("--sleep 301") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), Ec2Emulator::anyImage(region) },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) } });
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                         QStringLiteral("198.51.100.0/24") })
                 .exitCode,
             0);
    const QJsonArray running = Ec2Emulator::liveInstances(region, project->name());
    QCOMPARE(running.size(), 2);
    QVERIFY(QDir(project->experimentDir()).removeRecursively());
    const QString entry = QFileInfo(m_kit->terraformDir(*project)).absolutePath();
    QVERIFY(QFileInfo::exists(entry + QStringLiteral("/entry.json")));
    QVERIFY(QDir(entry).removeRecursively());

    const CliResult listed
        = CliProcess::run({ QStringLiteral("list"), QStringLiteral("--json") }, project->root(), m_kit->env());
    QCOMPARE(listed.exitCode, 0);
    QJsonObject row;
    for (const QJsonValue& d :
         QJsonDocument::fromJson(listed.out.toUtf8()).object().value(QStringLiteral("deployments")).toArray()) {
        if (d.toObject().value(QStringLiteral("experiment")).toString() == project->name())
            row = d.toObject();
    }
    QVERIFY2(!row.isEmpty(), qPrintable(listed.out + listed.err));
    QCOMPARE(row.value(QStringLiteral("orphan")).toBool(), true);
    QCOMPARE(row.value(QStringLiteral("in_index")).toBool(), false);
    QCOMPARE(row.value(QStringLiteral("backend")).toString(), QStringLiteral("aws"));
    QCOMPARE(row.value(QStringLiteral("machines")).toInt(), 2);
    QSet<QString> ids;
    for (const QJsonValue& i : row.value(QStringLiteral("ec2_instances")).toArray())
        ids << i.toObject().value(QStringLiteral("id")).toString();
    QSet<QString> made;
    for (const QJsonValue& i : running)
        made << i.toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(ids, made);
    // The keys reach the aws command through its environment only.
    QVERIFY(!listed.err.contains(QStringLiteral("emulator/Secret+Key")));
    const CliResult text = CliProcess::run({ QStringLiteral("list") }, project->root(), m_kit->env());
    QVERIFY2(text.out.contains(
                 QStringLiteral("`logistician terminate --experiment %1` terminates them").arg(project->name())),
             qPrintable(text.out));

    const CliResult terminated
        = CliProcess::run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), project->name(),
                            QStringLiteral("--yes"), QStringLiteral("--force") },
                          project->root(), m_kit->env());
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    QVERIFY2(terminated.err.contains(QStringLiteral("2 EC2 instance(s) found by their tags")),
             qPrintable(terminated.err));
    // Through the API, by their IDs: no terraform (there is no state to run it on).
    QVERIFY(!terminated.err.contains(QStringLiteral("terraform destroy")));
    QVERIFY(!terminated.err.contains(QStringLiteral("emulator/Secret+Key")));
    QVERIFY(Ec2Emulator::liveInstances(region, project->name()).isEmpty());
    // Nothing of the experiment is left in EC2: no security group, no key pair.
    const QJsonObject ec2 = Ec2Emulator::describe(region);
    const QString prefix = QStringLiteral("logistician-") + project->name().toLower() + QLatin1Char('-');
    for (const QJsonValue& v : ec2.value(QStringLiteral("security_groups")).toArray())
        QVERIFY2(!v.toObject().value(QStringLiteral("name")).toString().startsWith(prefix),
                 qPrintable(v.toObject().value(QStringLiteral("name")).toString()));
    for (const QJsonValue& v : ec2.value(QStringLiteral("key_pairs")).toArray())
        QVERIFY2(!v.toObject().value(QStringLiteral("name")).toString().startsWith(prefix),
                 qPrintable(v.toObject().value(QStringLiteral("name")).toString()));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    // And list has nothing of it any more.
    const CliResult after
        = CliProcess::run({ QStringLiteral("list"), QStringLiteral("--json") }, project->root(), m_kit->env());
    QVERIFY(!after.out.contains(project->name()));
}

QTEST_GUILESS_MAIN(TestOrphansAws)
#include "TestOrphansAws.moc"
