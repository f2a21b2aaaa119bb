// SPDX-License-Identifier: MIT
// An aws deployment whose project folder is deleted: listed as an orphan from the index's copy of its state,
// and `terminate --experiment PATH` destroys its machine with terraform destroy from the copy of the
// Terraform state (the real terraform up to plan, the stand-in for apply/destroy, tests/support): the destroy
// runs in the index's copy and the machine the copy's state names is ended.
#include "DeployTestKit.h"
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

    // Terraform works in the index (the project's tree has no Terraform folder): the configuration as applied
    // and the state beside it. The stand-in keeps EC2's view of the instances in terraform.tfstate.standin.json,
    // where the real terraform keeps terraform.tfstate.
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
    const QString copyDir = QFileInfo(copies.first()).path();
    const QJsonObject standIn
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(terraformDir + QStringLiteral("/terraform.tfstate.standin.json")))
              .object();
    QCOMPARE(
        QJsonDocument::fromJson(DeployTestKit::readFile(copyDir + QStringLiteral("/terraform.tfstate.standin.json")))
            .object()
            .value(QStringLiteral("instances")),
        standIn.value(QStringLiteral("instances")));
    // The stand-in's machines (sshd processes), to end them whatever happens: their folder goes below.
    QList<qint64> pids;
    for (const QJsonValue& v : standIn.value(QStringLiteral("instances")).toObject())
        pids << v.toObject().value(QStringLiteral("pid")).toVariant().toLongLong();
    QCOMPARE(pids.size(), 1);
    auto endMachines = qScopeGuard([pids] {
        for (qint64 pid : pids)
            QProcess::execute(QStringLiteral("kill"), { QString::number(pid) });
    });
    // Alive: the process is there and no zombie (one nobody has reaped yet is dead all the same).
    auto alive = [](qint64 pid) {
        const QByteArray stat = DeployTestKit::readFile(QStringLiteral("/proc/%1/stat").arg(pid));
        return !stat.isEmpty() && !stat.mid(stat.lastIndexOf(')') + 1).trimmed().startsWith('Z');
    };
    QVERIFY(alive(pids.first()));

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
    // Destroyed where Terraform applied, the index's folder (the project's own folder is gone, and it never held
    // Terraform's files): the stand-in found the instance in that state and ended it, so the machine is gone, not
    // only the containers.
    const QStringList calls = standInLog();
    QVERIFY2(calls.last().startsWith(QStringLiteral("terraform destroy -input=false -auto-approve")),
             qPrintable(calls.join(QLatin1Char('\n'))));
    QVERIFY2(calls.last().contains(QStringLiteral("cwd=") + terraformDir + QLatin1Char(' ')),
             qPrintable(calls.join(QLatin1Char('\n'))));
    QTRY_VERIFY_WITH_TIMEOUT(!alive(pids.first()), 10000);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(!QDir(index).entryList(QDir::Dirs | QDir::NoDotAndDotDot).contains(QStringLiteral("recovered")));
    QVERIFY(QDir(index).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

QTEST_GUILESS_MAIN(TestOrphansAws)
#include "TestOrphansAws.moc"
