// SPDX-License-Identifier: MIT
// The results store (results_store: s3://BUCKET/PREFIX) on the aws backend, through the real terraform against
// the EC2 emulator in the test's own network namespace (tests/support/ec2-emulator; moto_server serves S3, IAM
// and the instance metadata service too): Terraform makes the bucket (private, encrypted, versioned, public
// access blocked) in a folder of its own and an instance profile that may write only under the prefix; each
// machine's runner uploads a condition's folder as its attempt ends, with the instance's credentials (no keys
// on the machine), and marks it uploaded; sync reads the store, also after every machine is gone; a condition
// whose upload did not finish is not synced; a hostile object name or a link in the data folder is refused;
// terminate leaves the bucket and its objects. A spot machine taken back mid-run: what finished on it comes
// home from the store, the running attempt's log reached the store while it ran (results_store_log_seconds)
// and `logs` shows it as partial, and only that attempt is lost and retried on a new machine within
// max_retries.

#include "CliProcess.h"
#include "DeployTestKit.h"
#include "Ec2Emulator.h"
#include "RealTerraform.h"
#include "TestShards.h"
#include "deploy/DeploymentState.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>

class TestResultsStoreAws : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sweepUploadsThenSyncsFromTheStoreAfterTheMachinesAreGone();
    void machineEndsItselfOnceUploadedAndTheStoreSaysHowItEnded();
    void spotMachineTakenBackLosesOnlyTheRunningAttempt();
    void cleanup();

private:
    // The AWS CLI (moto's Python has one) with the harness's own keys: what the test asks S3.
    QByteArray s3(const QStringList& args, int* code = nullptr) const;
    QStringList keys(const QString& prefix) const;
    static bool answers(const QString& ip);
    // The aws keys every store test's project has (region, type, image, login, root volume), with more.
    QJsonObject storeKeys(const QJsonObject& more) const;
    // `deploy --yes` with an SSH range of the documentation's addresses.
    CliResult deploy(TestProject& project) const;

    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<TestProject> m_project;
    QTemporaryDir m_bin;
    RealTerraform m_tf;
    QString m_ami;
    QString m_aws;
    QString m_awsLog; // what each AWS CLI call of the CLI was ("s3 sync", "s3api list-objects-v2"), a line each
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
    // In front of it, an aws that writes down each call's first two words, then runs it.
    m_awsLog = m_bin.path() + QStringLiteral("/aws-calls.log");
    QDir().mkpath(m_bin.path() + QStringLiteral("/counted"));
    QFile counted(m_bin.path() + QStringLiteral("/counted/aws"));
    QVERIFY(counted.open(QIODevice::WriteOnly));
    counted.write(QStringLiteral("#!/bin/sh\necho \"$1 $2\" >>'%1'\nexec '%2' \"$@\"\n").arg(m_awsLog, m_aws).toUtf8());
    counted.close();
    QVERIFY(counted.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    m_kit->env().insert(QStringLiteral("PATH"),
                        counted.fileName().section(QLatin1Char('/'), 0, -2) + QLatin1Char(':')
                            + QFileInfo(m_aws).absolutePath() + QLatin1Char(':') + path);
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

QJsonObject TestResultsStoreAws::storeKeys(const QJsonObject& more) const
{
    QJsonObject keys { { QStringLiteral("backend"), QStringLiteral("aws") },
                       { QStringLiteral("aws_region"), m_region },
                       { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                       { QStringLiteral("aws_ami"), m_ami },
                       { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                       { QStringLiteral("aws_root_volume_size"), 12 } };
    for (auto it = more.begin(); it != more.end(); ++it)
        keys.insert(it.key(), it.value());
    return keys;
}

CliResult TestResultsStoreAws::deploy(TestProject& project) const
{
    return m_kit->cli(project,
                      { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                        QStringLiteral("198.51.100.0/24") });
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
    m_project = m_kit->project(
        { QStringLiteral("--n 1 --sleep 12"), QStringLiteral("--n 2 --exit 5") },
        storeKeys({ { QStringLiteral("results_store"), QStringLiteral("s3://%1/%2").arg(bucket, prefix) } }));
    TestProject& project = *m_project;
    const CliResult deployed = deploy(project);
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    // A symbolic link in a folder that is uploaded (the container can make one while condition 1 sleeps), to a
    // file of the machine's outside it: never followed, so nothing of that file reaches the store.
    const QString machineDir = QDir::homePath() + QStringLiteral("/logistician/") + project.name();
    const QString machineData1 = machineDir + QLatin1Char('/')
        + DeploymentState::slugFor(1, QStringLiteral("--n 1 --sleep 12")) + QStringLiteral("/data");
    QFile secret(m_bin.path() + QStringLiteral("/machine-secret.txt"));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("not for the store\n");
    secret.close();
    QVERIFY2(QFileInfo(machineData1).isDir(), qPrintable(machineData1));
    QVERIFY(QFile::link(secret.fileName(), machineData1 + QStringLiteral("/leak.txt")));

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
    QTRY_VERIFY_WITH_TIMEOUT(keys(root).contains(QStringLiteral("%1/uploaded/%2/%2").arg(prefix, slug1))
                                 && keys(root).contains(QStringLiteral("%1/uploaded/%2/%2").arg(prefix, slug2)),
                             60000);
    const QStringList stored = keys(root);
    QVERIFY2(stored.contains(QStringLiteral("%1/data/%2/results/args.txt").arg(prefix, slug1)),
             qPrintable(stored.join(QLatin1Char('\n'))));
    QVERIFY(stored.contains(QStringLiteral("%1/data/%2/logs/output.txt").arg(prefix, slug2)));
    // The status round reads the markers (one listing of PREFIX/uploaded/): uploaded, not synced.
    const QJsonObject uploaded = m_kit->status(project);
    for (int n : { 1, 2 }) {
        QVERIFY2(DeployTestKit::condition(uploaded, n).value(QStringLiteral("uploaded")).toBool(),
                 qPrintable(QJsonDocument(uploaded).toJson()));
        QVERIFY(!DeployTestKit::condition(uploaded, n).value(QStringLiteral("synced")).toBool());
    }
    QVERIFY2(!stored.contains(QStringLiteral("%1/data/%2/leak.txt").arg(prefix, slug1)),
             qPrintable(stored.join(QLatin1Char('\n'))));
    // ... nor in any file under the machines' home (the machines share the test's own home: Logistician's
    // folders, the upload scripts among them, ~/.aws, ~/.docker, ...; the links planted here not followed).
    int uploadScripts = 0;
    for (QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();) {
        const QString path = it.next();
        if (it.fileInfo().isSymLink())
            continue;
        uploadScripts += path.startsWith(machineDir) && path.endsWith(QStringLiteral(".upload.sh"));
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
    s3({ QStringLiteral("s3"), QStringLiteral("rm"), QStringLiteral("s3://%1uploaded/%2/%2").arg(root, slug2) });
    QFile::remove(m_awsLog);
    CliResult synced = m_kit->cli(project, { QStringLiteral("sync") });
    // One listing and one transfer for both conditions, not one of each per condition.
    const QStringList calls
        = QString::fromUtf8(DeployTestKit::readFile(m_awsLog)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(calls.count(QStringLiteral("s3 sync")) == 1 && calls.count(QStringLiteral("s3api list-objects-v2")) <= 2
                 && calls.count(QStringLiteral("s3 cp")) <= 1,
             qPrintable(calls.join(QLatin1Char('\n'))));
    QVERIFY2(synced.exitCode != 0, qPrintable(synced.err));
    QVERIFY2(synced.err.contains(QStringLiteral("%1: its upload to the results store has not finished").arg(slug2)),
             qPrintable(synced.err));
    QCOMPARE(DeployTestKit::readFile(data1 + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<1>\n<--sleep>\n<12>\n"));
    const QJsonObject afterSync = m_kit->status(project);
    QVERIFY(DeployTestKit::condition(afterSync, 1).value(QStringLiteral("synced")).toBool());
    QVERIFY(!DeployTestKit::condition(afterSync, 2).value(QStringLiteral("synced")).toBool());
    QVERIFY(!DeployTestKit::condition(afterSync, 2).value(QStringLiteral("uploaded")).toBool());
    // `results` brings home from the store what is missing here, and says which upload did not finish.
    QDir(data1).removeRecursively();
    const CliResult results = m_kit->cli(project, { QStringLiteral("results"), QStringLiteral("--json") });
    QVERIFY2(results.exitCode == 0, qPrintable(results.err));
    QCOMPARE(DeployTestKit::readFile(data1 + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<1>\n<--sleep>\n<12>\n"));
    bool sawNotFinished = false;
    for (const QJsonValue& v :
         QJsonDocument::fromJson(results.out.toUtf8()).object().value(QStringLiteral("rows")).toArray())
        sawNotFinished = sawNotFinished
            || (v.toObject().value(QStringLiteral("slug")).toString() == slug2
                && v.toObject().value(QStringLiteral("upload")).toString() == QLatin1String("upload not finished"));
    QVERIFY2(sawNotFinished, qPrintable(results.out));

    // A hostile object name: refused before anything of that condition is written.
    const QString outside = project.experimentDir() + QStringLiteral("/escaped.txt");
    QFile body(m_bin.path() + QStringLiteral("/body"));
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write("planted\n");
    body.close();
    const QString hostile = QStringLiteral("%1/data/%2/../../../../escaped.txt").arg(prefix, slug1);
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

    // terminate leaves the bucket and its objects. A spot machine taken back mid-run: what finished on it comes
    // home from the store, the running attempt's log reached the store while it ran (results_store_log_seconds)
    // and `logs` shows it as partial, and only that attempt is lost and retried on a new machine within
    // max_retries.
    const CliResult terminated
        = m_kit->cli(project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    QVERIFY(keys(root).contains(QStringLiteral("%1/data/%2/results/args.txt").arg(prefix, slug1)));
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
    m_project = m_kit->project(
        { QStringLiteral("--n 3 --exit 3") },
        storeKeys({ { QStringLiteral("auto_stop_minutes"), 1 },
                    { QStringLiteral("results_store"), QStringLiteral("s3://%1/ends").arg(bucket) } }));
    TestProject& project = *m_project;
    const CliResult deployed = deploy(project);
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

void TestResultsStoreAws::spotMachineTakenBackLosesOnlyTheRunningAttempt()
{
    // Issue 28 items 4 and 6: one spot machine (a fleet of one) runs three conditions one at a time; two end and
    // are uploaded, the third runs (its log going up every 5 s) when AWS takes the machine back.
    const QString bucket
        = QStringLiteral("logistician-test-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QString prefix = QStringLiteral("spot");
    m_project = m_kit->project(
        { QStringLiteral("--n 1"), QStringLiteral("--n 2"), QStringLiteral("--n 3 --sleep 900") },
        storeKeys({ { QStringLiteral("aws_spot"), true },
                    { QStringLiteral("aws_machines"), 1 },
                    { QStringLiteral("max_parallel"), 1 },
                    { QStringLiteral("max_retries"), 1 },
                    { QStringLiteral("results_store_log_seconds"), 5 },
                    { QStringLiteral("results_store"), QStringLiteral("s3://%1/%2").arg(bucket, prefix) } }));
    TestProject& project = *m_project;
    const CliResult deployed = deploy(project);
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    const QJsonArray first = Ec2Emulator::liveInstances(m_region, project.name());
    QCOMPARE(first.size(), 1);
    const QString firstId = first.at(0).toObject().value(QStringLiteral("id")).toString();

    QJsonObject status = m_kit->status(project);
    QString slug[4];
    for (int n = 1; n <= 3; ++n)
        slug[n] = DeployTestKit::condition(status, n).value(QStringLiteral("slug")).toString();
    const QString root = bucket + QLatin1Char('/') + prefix + QLatin1Char('/');
    auto marker = [&](int n) { return QStringLiteral("%1/uploaded/%2/%2").arg(prefix, slug[n]); };
    const QString log3 = QStringLiteral("%1/data/%2/logs/output.txt").arg(prefix, slug[3]);
    // Conditions 1 and 2 ended and uploaded; condition 3's log is in the store while it runs (not marked).
    QTRY_VERIFY_WITH_TIMEOUT(
        keys(root).contains(marker(1)) && keys(root).contains(marker(2)) && keys(root).contains(log3), 120000);
    status = m_kit->status(project);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    QVERIFY(!keys(root).contains(marker(3)));
    QCOMPARE(s3({ QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("s3://%1/%2").arg(bucket, log3),
                  QStringLiteral("-") }),
             QByteArray("<--n>\n<3>\n<--sleep>\n<900>\n"));

    // AWS takes the machine back (the runner and its sessions go with it; the container ran on its engine).
    const QString firstIp = first.at(0).toObject().value(QStringLiteral("public_ip")).toString();
    QString error;
    QVERIFY2(Ec2Emulator::act(QStringLiteral("terminate"), m_region, firstId, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!answers(firstIp), 15000);
    for (const QString& container : DeployTestKit::containers(project.name()))
        QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), container });
    // Nothing of it is here yet: all that comes home, comes from the store.
    for (int n = 1; n <= 3; ++n)
        QDir(m_kit->dataDir(project, status, n)).removeRecursively();
    QString said;
    for (int round = 0; round < 3 && !said.contains(QStringLiteral(": preempted:")); ++round)
        said += m_kit->cli(project, { QStringLiteral("status") }).err;
    QVERIFY2(said.contains(slug[3]
                           + QStringLiteral(": preempted: AWS took its spot machine back; a watcher runs it "
                                            "again on a new one")),
             qPrintable(said));
    QVERIFY2(!said.contains(slug[1] + QLatin1Char(':')) && !said.contains(slug[2] + QLatin1Char(':')),
             qPrintable(said));

    // sync after the machine is gone: the finished conditions come home from the store; the lost attempt is not
    // synced (its upload never finished), but its log as last uploaded comes home, and `logs` says it is partial.
    const CliResult synced = m_kit->cli(project, { QStringLiteral("sync") });
    QVERIFY2(synced.exitCode != 0, qPrintable(synced.err));
    QVERIFY2(synced.err.contains(QStringLiteral("%1: its upload to the results store has not finished").arg(slug[3])),
             qPrintable(synced.err));
    status = m_kit->status(project);
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(project, status, 1) + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<1>\n"));
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(project, status, 2) + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<2>\n"));
    for (int n = 1; n <= 2; ++n) {
        QCOMPARE(DeployTestKit::condition(status, n).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        QVERIFY(DeployTestKit::condition(status, n).value(QStringLiteral("synced")).toBool());
    }
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));
    QVERIFY(!DeployTestKit::condition(status, 3).value(QStringLiteral("synced")).toBool());
    // (logs takes [EXPERIMENT_DIR] CONDITION: the folder first.)
    auto logsOf3 = [&](const QStringList& options) {
        return CliProcess::run(QStringList { QStringLiteral("logs") } + options
                                   + QStringList { project.experimentDir(), QStringLiteral("3") },
                               project.root(), m_kit->env(), QByteArray());
    };
    const CliResult logs = logsOf3({});
    QVERIFY2(logs.exitCode == 0, qPrintable(logs.err));
    QCOMPARE(logs.out, QStringLiteral("<--n>\n<3>\n<--sleep>\n<900>\n"));
    QVERIFY2(logs.err.contains(QStringLiteral("%1: partial log (preempted before it ended)").arg(slug[3])),
             qPrintable(logs.err));
    const QJsonObject logsJson = QJsonDocument::fromJson(logsOf3({ QStringLiteral("--json") }).out.toUtf8()).object();
    QVERIFY2(logsJson.value(QStringLiteral("partial")).toBool(), qPrintable(QJsonDocument(logsJson).toJson()));
    QCOMPARE(logsJson.value(QStringLiteral("lines")).toArray().size(), 4);

    // A watch runs the lost attempt again on a new machine (max_retries 1); that one is taken back too: no retry
    // is left, and nothing else is run again.
    QProcess watch;
    m_kit->startWatch(project, &watch);
    auto stopWatch = qScopeGuard([&watch] {
        watch.kill();
        watch.waitForFinished(10000);
    });
    QJsonObject second;
    for (int i = 0; i < 600 && second.isEmpty(); ++i) {
        const QJsonArray live = Ec2Emulator::liveInstances(m_region, project.name());
        if (live.size() == 1 && live.at(0).toObject().value(QStringLiteral("id")).toString() != firstId
            && answers(live.at(0).toObject().value(QStringLiteral("public_ip")).toString()))
            second = live.at(0).toObject();
        else
            QTest::qWait(300);
    }
    // Not QVERIFY2's message: Qt 6.4 evaluates it even when the check holds, and it would take the watch's output.
    if (second.isEmpty())
        QFAIL(qPrintable(QString::fromUtf8(watch.readAllStandardError()).right(4000)));
    QStringList running;
    for (int i = 0; i < 300 && running.isEmpty(); ++i) {
        running = DeployTestKit::containers(project.name());
        if (running.isEmpty())
            QTest::qWait(300);
    }
    QCOMPARE(running.size(), 1); // the retry of condition 3 only
    QVERIFY2(
        Ec2Emulator::act(QStringLiteral("terminate"), m_region, second.value(QStringLiteral("id")).toString(), &error),
        qPrintable(error));
    // Its container goes with it, once the machine no longer answers (before, a status round could see the
    // container end on a machine still up, and report a failure rather than the machine taken back).
    const QString secondIp = second.value(QStringLiteral("public_ip")).toString();
    QTRY_VERIFY_WITH_TIMEOUT(!answers(secondIp), 60000);
    for (const QString& container : DeployTestKit::containers(project.name()))
        QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), container });
    QVERIFY2(watch.waitForFinished(300000), "the watch still waits on a condition with no retry left");
    const QString watched = QString::fromUtf8(watch.readAllStandardError());
    qDebug().noquote() << "the watch said:" << watched.right(3000);
    QCOMPARE(watched.count(QStringLiteral("retrying 1 preempted condition(s) on a new machine")), 1);
    QVERIFY2(watched.contains(slug[3]
                              + QStringLiteral(": preempted: AWS took its spot machine back; deploy "
                                               "--rerun-failed")),
             qPrintable(watched.right(4000)));
    status = m_kit->status(project);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("attempt")).toInt(), 2);
    for (int n = 1; n <= 2; ++n) {
        QCOMPARE(DeployTestKit::condition(status, n).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        QCOMPARE(DeployTestKit::condition(status, n).value(QStringLiteral("attempt")).toInt(), 1);
    }
    QVERIFY(Ec2Emulator::liveInstances(m_region, project.name()).isEmpty());
    const CliResult deleted = m_kit->cli(project,
                                         { QStringLiteral("terminate"), QStringLiteral("--yes"),
                                           QStringLiteral("--force"), QStringLiteral("--delete-store") });
    QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.err));
}

LOGISTICIAN_SHARDED_GUILESS_MAIN(TestResultsStoreAws)
#include "TestResultsStoreAws.moc"
