// SPDX-License-Identifier: MIT
// The results store (results_store: s3://BUCKET/PREFIX) on the aws backend, through the real terraform against
// the EC2 emulator in the test's own network namespace (tests/support/ec2-emulator; moto_server serves S3, IAM
// and the instance metadata service too): Terraform makes the bucket (private, encrypted, versioned, public
// access blocked) in a folder of its own and an instance profile that may write only under the prefix; each
// machine's runner uploads a condition's folder as its attempt ends, with the instance's credentials (no keys
// on the machine), and marks it uploaded; sync reads the store, also after every machine is gone; a condition
// whose upload did not finish is not synced; a hostile object name or a link in the data folder is refused;
// terminate leaves the bucket and its objects.

#include "CliProcess.h"
#include "DeployTestKit.h"
#include "Ec2Emulator.h"
#include "RealTerraform.h"
#include "TestShards.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>

class TestResultsStoreAws : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sweepUploadsThenSyncsFromTheStoreAfterTheMachinesAreGone();
    void machineEndsItselfOnceUploadedAndTheStoreSaysHowItEnded();
    void cleanup();

private:
    // The AWS CLI (moto's Python has one) with the harness's own keys: what the test asks S3.
    QByteArray s3(const QStringList& args, int* code = nullptr) const;
    QStringList keys(const QString& prefix) const;
    static bool answers(const QString& ip);

    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<TestProject> m_project;
    QTemporaryDir m_bin;
    RealTerraform m_tf;
    QString m_ami;
    QString m_aws;
    const QString m_region = QStringLiteral("eu-central-1");
    const QString m_keyId = QStringLiteral("AKIAEMULATORKEY00002");
    const QString m_secret = QStringLiteral("emulator/Secret+Key-store-0123456789");
};

void TestResultsStoreAws::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    REQUIRE_REAL_TERRAFORM(m_tf, m_bin.path());
    REQUIRE_EC2_EMULATOR();
    m_kit->env().insert(m_tf.environment());
    m_ami = Ec2Emulator::anyImage(m_region);
    QVERIFY(m_ami.startsWith(QStringLiteral("ami-")));
    m_kit->env().insert(QStringLiteral("AWS_ACCESS_KEY_ID"), m_keyId);
    m_kit->env().insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), m_secret);
    // The AWS CLI beside moto (the harness's Python): on the CLI's PATH for sync, and the test's own.
    const QString python = qEnvironmentVariable("LOGISTICIAN_EC2_PYTHON");
    m_aws = QFileInfo(python).absolutePath() + QStringLiteral("/aws");
    QVERIFY2(QFileInfo(m_aws).isExecutable(), qPrintable(m_aws));
    const QString path = m_kit->env().value(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    m_kit->env().insert(QStringLiteral("PATH"), QFileInfo(m_aws).absolutePath() + QLatin1Char(':') + path);
}

void TestResultsStoreAws::cleanup()
{
    if (m_project && QFileInfo::exists(m_project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
        m_kit->cli(*m_project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    m_project.reset();
}

QByteArray TestResultsStoreAws::s3(const QStringList& args, int* code) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("harness"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("harness"));
    env.insert(QStringLiteral("AWS_DEFAULT_REGION"), m_region);
    p.setProcessEnvironment(env);
    p.start(m_aws, args);
    p.waitForFinished(60000);
    if (code)
        *code = p.exitCode();
    return p.readAllStandardOutput();
}

QStringList TestResultsStoreAws::keys(const QString& prefix) const
{
    const QString bucket = prefix.section(QLatin1Char('/'), 0, 0);
    const QByteArray out = s3({ QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                                bucket, QStringLiteral("--prefix"), prefix.section(QLatin1Char('/'), 1),
                                QStringLiteral("--output"), QStringLiteral("json") });
    QStringList out2;
    for (const QJsonValue& v : QJsonDocument::fromJson(out).object().value(QStringLiteral("Contents")).toArray())
        out2 << v.toObject().value(QStringLiteral("Key")).toString();
    return out2;
}

bool TestResultsStoreAws::answers(const QString& ip)
{
    QTcpSocket socket;
    socket.connectToHost(ip, 22);
    return socket.waitForConnected(1000);
}

void TestResultsStoreAws::sweepUploadsThenSyncsFromTheStoreAfterTheMachinesAreGone()
{
    const QString bucket
        = QStringLiteral("logistician-test-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QString prefix = QStringLiteral("sweeps/one");
    m_project
        = m_kit->project({ QStringLiteral("--n 1 --sleep 12"), QStringLiteral("--n 2 --exit 5") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), m_region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("aws_root_volume_size"), 12 },
                           { QStringLiteral("results_store"), QStringLiteral("s3://%1/%2").arg(bucket, prefix) } });
    TestProject& project = *m_project;
    const CliResult deployed = m_kit->cli(project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));

    // The bucket, as S3 reports it: versioned, encrypted, all public access blocked, owner-only objects.
    QVERIFY(s3({ QStringLiteral("s3api"), QStringLiteral("get-bucket-versioning"), QStringLiteral("--bucket"), bucket })
                .contains("Enabled"));
    QVERIFY(s3({ QStringLiteral("s3api"), QStringLiteral("get-bucket-encryption"), QStringLiteral("--bucket"), bucket })
                .contains("AES256"));
    const QJsonObject block
        = QJsonDocument::fromJson(s3({ QStringLiteral("s3api"), QStringLiteral("get-public-access-block"),
                                       QStringLiteral("--bucket"), bucket }))
              .object()
              .value(QStringLiteral("PublicAccessBlockConfiguration"))
              .toObject();
    QCOMPARE(block.size(), 4);
    for (const QJsonValue& v : block)
        QVERIFY(v.toBool());

    // The machines' configuration: each instance with the instance profile, whose role may only list and write
    // under the prefix; no bucket in it (terminate destroys that configuration).
    const QJsonObject tf = QJsonDocument::fromJson(
                               DeployTestKit::readFile(m_kit->terraformDir(project) + QStringLiteral("/main.tf.json")))
                               .object();
    const QJsonObject resource = tf.value(QStringLiteral("resource")).toObject();
    QVERIFY(!resource.contains(QStringLiteral("aws_s3_bucket")));
    for (const QJsonValue& v : resource.value(QStringLiteral("aws_instance")).toObject()) {
        QCOMPARE(v.toObject().value(QStringLiteral("iam_instance_profile")).toString(),
                 QStringLiteral("${aws_iam_instance_profile.results_store.name}"));
        // Its idle stop ends it for good (the store has its results): terminated, not stopped.
        QCOMPARE(v.toObject().value(QStringLiteral("instance_initiated_shutdown_behavior")).toString(),
                 QStringLiteral("terminate"));
    }
    const QJsonObject policy = QJsonDocument::fromJson(resource.value(QStringLiteral("aws_iam_role_policy"))
                                                           .toObject()
                                                           .value(QStringLiteral("results_store"))
                                                           .toObject()
                                                           .value(QStringLiteral("policy"))
                                                           .toString()
                                                           .toUtf8())
                                   .object();
    QSet<QString> actions;
    for (const QJsonValue& s : policy.value(QStringLiteral("Statement")).toArray()) {
        const QJsonObject statement = s.toObject();
        QCOMPARE(statement.value(QStringLiteral("Effect")).toString(), QStringLiteral("Allow"));
        const QJsonValue action = statement.value(QStringLiteral("Action"));
        for (const QJsonValue& a : action.isArray() ? action.toArray() : QJsonArray { action })
            actions.insert(a.toString());
        const QString target = statement.value(QStringLiteral("Resource")).toString();
        if (target.endsWith(QLatin1Char('*')))
            QCOMPARE(target, QStringLiteral("arn:aws:s3:::%1/%2/*").arg(bucket, prefix));
        else
            QCOMPARE(statement.value(QStringLiteral("Condition"))
                         .toObject()
                         .value(QStringLiteral("StringLike"))
                         .toObject()
                         .value(QStringLiteral("s3:prefix"))
                         .toArray(),
                     (QJsonArray { prefix + QStringLiteral("/*"), prefix + QLatin1Char('/') }));
    }
    QCOMPARE(actions,
             (QSet<QString> { QStringLiteral("s3:PutObject"), QStringLiteral("s3:AbortMultipartUpload"),
                              QStringLiteral("s3:ListMultipartUploadParts"), QStringLiteral("s3:ListBucket") }));
    const QJsonArray instances = Ec2Emulator::liveInstances(m_region, project.name());
    QCOMPARE(instances.size(), 2);
    for (const QJsonValue& v : instances) {
        const QJsonObject instance = v.toObject();
        QVERIFY2(
            instance.value(QStringLiteral("iam_instance_profile")).toString().contains(QStringLiteral("logistician-")),
            qPrintable(QJsonDocument(instance).toJson()));
        // Nothing of the user's keys on the machines: not in the user data ...
        const QString userData = instance.value(QStringLiteral("user_data")).toString();
        QVERIFY(!userData.contains(m_keyId) && !userData.contains(m_secret));
    }
    // ... nor in the environment of the runner (alive: condition 1 sleeps) ...
    const QString machineDir = QDir::homePath() + QStringLiteral("/logistician/") + project.name();
    bool sawRunner = false;
    for (QDirIterator it(machineDir, { QStringLiteral("runner.pid") }, QDir::Files, QDirIterator::Subdirectories);
         it.hasNext();) {
        const QString pid = QString::fromUtf8(DeployTestKit::readFile(it.next())).trimmed();
        const QByteArray environ = DeployTestKit::readFile(QStringLiteral("/proc/%1/environ").arg(pid));
        if (environ.isEmpty())
            continue;
        sawRunner = true;
        QVERIFY(!environ.contains(m_keyId.toUtf8()) && !environ.contains(m_secret.toUtf8()));
        QVERIFY(!environ.contains("AWS_ACCESS_KEY_ID") && !environ.contains("AWS_SECRET_ACCESS_KEY"));
    }
    QVERIFY2(sawRunner, "no runner alive while condition 1 sleeps");

    int code = 0;
    const QJsonObject status = m_kit->status(project, &code, true);
    const QString slug1 = DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString();
    const QString slug2 = DeployTestKit::condition(status, 2).value(QStringLiteral("slug")).toString();
    QVERIFY(!slug1.isEmpty() && !slug2.isEmpty());
    // Each condition's folder uploaded as its attempt ended, the marker last.
    const QString root = bucket + QLatin1Char('/') + prefix + QLatin1Char('/');
    QTRY_VERIFY_WITH_TIMEOUT(keys(root).contains(QStringLiteral("%1/%2/uploaded/%2").arg(prefix, slug1))
                                 && keys(root).contains(QStringLiteral("%1/%2/uploaded/%2").arg(prefix, slug2)),
                             60000);
    const QStringList stored = keys(root);
    QVERIFY2(stored.contains(QStringLiteral("%1/%2/data/results/args.txt").arg(prefix, slug1)),
             qPrintable(stored.join(QLatin1Char('\n'))));
    QVERIFY(stored.contains(QStringLiteral("%1/%2/data/logs/output.txt").arg(prefix, slug2)));
    // ... nor in any file under the machines' folder (the upload scripts among them).
    int uploadScripts = 0;
    for (QDirIterator it(machineDir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();) {
        const QString path = it.next();
        uploadScripts += path.endsWith(QStringLiteral(".upload.sh"));
        const QByteArray text = DeployTestKit::readFile(path);
        QVERIFY2(!text.contains(m_keyId.toUtf8()) && !text.contains(m_secret.toUtf8()), qPrintable(path));
    }
    QCOMPARE(uploadScripts, 2);

    // Every machine gone (as AWS taking them back would), the local copies removed: sync reads the store.
    for (const QJsonValue& v : instances) {
        QString error;
        QVERIFY2(Ec2Emulator::act(QStringLiteral("terminate"), m_region,
                                  v.toObject().value(QStringLiteral("id")).toString(), &error),
                 qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!answers(v.toObject().value(QStringLiteral("public_ip")).toString()), 15000);
    }
    const QString data1 = m_kit->dataDir(project, status, 1);
    const QString data2 = m_kit->dataDir(project, status, 2);
    QVERIFY(!data1.isEmpty() && !data2.isEmpty());
    QDir(data1).removeRecursively();
    QDir(data2).removeRecursively();
    // Condition 2's upload marker gone: not finished as far as the store says, so not synced.
    s3({ QStringLiteral("s3"), QStringLiteral("rm"), QStringLiteral("s3://%1%2/uploaded/%2").arg(root, slug2) });
    CliResult synced = m_kit->cli(project, { QStringLiteral("sync") });
    QVERIFY2(synced.exitCode != 0, qPrintable(synced.err));
    QVERIFY2(synced.err.contains(QStringLiteral("%1: its upload to the results store has not finished").arg(slug2)),
             qPrintable(synced.err));
    QCOMPARE(DeployTestKit::readFile(data1 + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<1>\n<--sleep>\n<12>\n"));
    const QJsonObject afterSync = m_kit->status(project);
    QVERIFY(DeployTestKit::condition(afterSync, 1).value(QStringLiteral("synced")).toBool());
    QVERIFY(!DeployTestKit::condition(afterSync, 2).value(QStringLiteral("synced")).toBool());

    // A hostile object name: refused before anything of that condition is written.
    const QString outside = project.experimentDir() + QStringLiteral("/escaped.txt");
    QFile body(m_bin.path() + QStringLiteral("/body"));
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write("planted\n");
    body.close();
    const QString hostile = QStringLiteral("%1/%2/data/../../../../escaped.txt").arg(prefix, slug1);
    s3({ QStringLiteral("s3api"), QStringLiteral("put-object"), QStringLiteral("--bucket"), bucket,
         QStringLiteral("--key"), hostile, QStringLiteral("--body"), body.fileName() });
    QVERIFY(keys(root).contains(hostile));
    QFile::remove(data1 + QStringLiteral("/results/args.txt"));
    synced = m_kit->cli(project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("1") });
    QVERIFY(synced.exitCode != 0);
    QVERIFY2(synced.err.contains(QStringLiteral("refused")) && synced.err.contains(QStringLiteral("\"..\"")),
             qPrintable(synced.err));
    QVERIFY(!QFileInfo::exists(outside));
    QVERIFY(!QFileInfo::exists(data1 + QStringLiteral("/results/args.txt")));
    s3({ QStringLiteral("s3api"), QStringLiteral("delete-object"), QStringLiteral("--bucket"), bucket,
         QStringLiteral("--key"), hostile });

    // A symbolic link in the data folder (an earlier sync over ssh keeps links as links): refused, nothing
    // written through it.
    QTemporaryDir elsewhere;
    QDir(data1 + QStringLiteral("/results")).removeRecursively();
    QVERIFY(QFile::link(elsewhere.path(), data1 + QStringLiteral("/results")));
    synced = m_kit->cli(project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("1") });
    QVERIFY(synced.exitCode != 0);
    QVERIFY2(synced.err.contains(QStringLiteral("is a symbolic link")), qPrintable(synced.err));
    QVERIFY(QDir(elsewhere.path()).isEmpty());
    QFile::remove(data1 + QStringLiteral("/results"));
    synced = m_kit->cli(project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("1") });
    QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
    QVERIFY(QFileInfo::exists(data1 + QStringLiteral("/results/args.txt")));

    // terminate leaves the bucket and its objects.
    const CliResult terminated
        = m_kit->cli(project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    QVERIFY(keys(root).contains(QStringLiteral("%1/%2/data/results/args.txt").arg(prefix, slug1)));
    // Only when asked, saying how much: without a terminal and without --yes it is refused.
    CliResult refused = m_kit->cli(project, { QStringLiteral("terminate"), QStringLiteral("--delete-store") });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY(!keys(root).isEmpty());
    const CliResult deleted = m_kit->cli(
        project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--delete-store") });
    QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.err));
    QVERIFY2(deleted.err.contains(QStringLiteral("object version(s)"))
                 && deleted.err.contains(QStringLiteral("MiB under s3://%1/%2/").arg(bucket, prefix)),
             qPrintable(deleted.err));
    QVERIFY(keys(root).isEmpty());
    QVERIFY(s3({ QStringLiteral("s3api"), QStringLiteral("list-object-versions"), QStringLiteral("--bucket"), bucket,
                 QStringLiteral("--prefix"), prefix + QLatin1Char('/') })
                .contains("\"Versions\"")
            == false);
}

void TestResultsStoreAws::machineEndsItselfOnceUploadedAndTheStoreSaysHowItEnded()
{
    const QString bucket
        = QStringLiteral("logistician-test-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_project
        = m_kit->project({ QStringLiteral("--n 3 --exit 3") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), m_region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("aws_root_volume_size"), 12 },
                           { QStringLiteral("auto_stop_minutes"), 1 },
                           { QStringLiteral("results_store"), QStringLiteral("s3://%1/ends").arg(bucket) } });
    TestProject& project = *m_project;
    const CliResult deployed = m_kit->cli(project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    QVERIFY2(deployed.err.contains(QStringLiteral("Results go to s3://%1/ends/").arg(bucket))
                 && deployed.err.contains(QStringLiteral("per GiB-month")),
             qPrintable(deployed.err));
    // `list` names the store while it holds the experiment's results.
    const CliResult listed = CliProcess::run({ QStringLiteral("list") }, project.root(), m_kit->env(), QByteArray());
    QVERIFY2(listed.out.contains(QStringLiteral("s3://%1/ends/ holds results of %2").arg(bucket, project.name())),
             qPrintable(listed.out));
    // Nobody watches: the run ends, its folder is uploaded, and after auto_stop_minutes (the machine's cron runs
    // every minute) the machine shuts itself down, which ends it for good.
    QTRY_VERIFY_WITH_TIMEOUT(Ec2Emulator::liveInstances(m_region, project.name()).isEmpty(), 330000);
    bool sawTerminated = false;
    for (const QJsonValue& v : Ec2Emulator::describe(m_region).value(QStringLiteral("instances")).toArray()) {
        const QJsonObject i = v.toObject();
        if (i.value(QStringLiteral("tags")).toObject().value(QStringLiteral("experiment")).toString() == project.name())
            sawTerminated = sawTerminated || i.value(QStringLiteral("state")).toString() == QLatin1String("terminated");
    }
    QVERIFY(sawTerminated);
    // No status round saw the run end: the store's marker says it failed with 3, and its folder comes home.
    const CliResult synced = m_kit->cli(project, { QStringLiteral("sync") });
    QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
    const QJsonObject status = m_kit->status(project);
    const QJsonObject c = DeployTestKit::condition(status, 1);
    QCOMPARE(c.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(c.value(QStringLiteral("exit_code")).toInt(), 3);
    QVERIFY(c.value(QStringLiteral("synced")).toBool());
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(project, status, 1) + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<3>\n<--exit>\n<3>\n"));
    const CliResult deleted = m_kit->cli(
        project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--delete-store") });
    QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.err));
    QVERIFY(
        !CliProcess::run({ QStringLiteral("list") }, project.root(), m_kit->env(), QByteArray()).out.contains(bucket));
}

LOGISTICIAN_SHARDED_GUILESS_MAIN(TestResultsStoreAws)
#include "TestResultsStoreAws.moc"
