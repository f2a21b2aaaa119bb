// An aws deployment whose project folder is deleted: listed as an orphan from the index's copy of its state,
// and `terminate --experiment PATH` destroys its machine with terraform destroy from the copy of the
// Terraform state (the real terraform up to plan, the stand-in for apply/destroy, tests/support).
#include "DeployTestKit.h"
#include "RealTerraform.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestOrphansAws : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void deletedProjectIsDestroyedFromTheStateCopy();

private:
    QStringList standInLog() const
    {
        return QString::fromUtf8(DeployTestKit::readFile(m_log)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }
    std::unique_ptr<DeployTestKit> m_kit;
    QTemporaryDir m_bin;
    RealTerraform m_tf;
    QString m_log;
};

void TestOrphansAws::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    REQUIRE_REAL_TERRAFORM(m_tf, m_bin.path());
    QString why;
    QVERIFY2(m_tf.installStandIn(m_bin.path(), 40, &m_kit->env(), &why), qPrintable(why));
    m_log = m_bin.filePath(QStringLiteral("standin.log"));
    m_kit->env().insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIASTANDINKEY000001"));
    m_kit->env().insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("standin/Secret+Key-0123456789abcdef"));
}

void TestOrphansAws::deletedProjectIsDestroyedFromTheStateCopy()
{
    auto project
        = m_kit->project({ QStringLiteral("--sleep 300") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), QStringLiteral("ami-0123456789abcdef0") },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) } });
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                         QStringLiteral("198.51.100.0/24") })
                 .exitCode,
             0);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 90000);

    // The index holds the Terraform state as the apply left it.
    const QString index = qEnvironmentVariable("XDG_STATE_HOME") + QStringLiteral("/logistician/deployments");
    QStringList copies;
    for (QDirIterator it(index, { QStringLiteral("terraform.tfstate") }, QDir::Files, QDirIterator::Subdirectories);
         it.hasNext();)
        copies << it.next();
    QCOMPARE(copies.size(), 1);
    QCOMPARE(DeployTestKit::readFile(copies.first()),
             DeployTestKit::readFile(project->experimentDir()
                                     + QStringLiteral("/.logistician/terraform/terraform.tfstate")));

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

    QFile::remove(m_log);
    const CliResult terminated = CliProcess::run({ QStringLiteral("terminate"), QStringLiteral("--experiment"),
                                                   experimentDir, QStringLiteral("--yes"), QStringLiteral("--force") },
                                                 project->root(), m_kit->env());
    qDebug().noquote() << terminated.err << terminated.out;
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY2(!standInLog().filter(QStringLiteral("terraform destroy -input=false -auto-approve")).isEmpty(),
             qPrintable(standInLog().join(QLatin1Char('\n'))));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(!QDir(index).entryList(QDir::Dirs | QDir::NoDotAndDotDot).contains(QStringLiteral("recovered")));
    QVERIFY(QDir(index).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

QTEST_GUILESS_MAIN(TestOrphansAws)
#include "TestOrphansAws.moc"
