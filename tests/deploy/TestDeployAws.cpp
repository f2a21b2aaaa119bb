// SPDX-License-Identifier: MIT
// The aws backend through the real terraform apply and destroy, against the EC2
// API emulator in the test's own network namespace (tests/support/ec2-emulator:
// every running instance is an sshd machine at its public address, its user
// data run as on first boot), with the project's configuration exactly as a
// user's. The tests assert what the EC2 API reports. Also: no terraform on PATH,
// a launch the API refuses, then terminate; one condition terminated on its
// own, its machine destroyed by applying the configuration without it; machines
// stopped or taken back through the API.

#include "CliProcess.h"
#include "DeployTestKit.h"
#include "Ec2Emulator.h"
#include "RealTerraform.h"
#include "ShellWords.h"
#include "SshMachines.h"
#include "TestShards.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>

class TestDeployAws : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void noTerraformSaysHowToInstall();
    void needsAddressRange();
    void realProviderSeesTheSchema();
    void dryRunChangesNothing();
    void dryRunWithoutCredentials();
    void storedDefaultsUsed();
    void gpuFolderIsAcceptedByTerraform();
    void sweepOnEmulatedMachines();
    void launchRefusedThenTerminate();
    void oneMachineTerminated();
    void firstContactWaitsForTheBootstrap();
    void failedBootstrapReportedByMachine();
    void terminateWinsOverDeploy_data();
    void terminateWinsOverDeploy();
    void stoppedMachineIsStartedForSyncAndTerminate();
    void spotMachineTakenBackIsPreemptedThenRetried();
    void lostMachineRetriedWithinMaxRetries();
    void machineStopsItselfWhenIdleThenSynced();
    void fleetSpreadsConditionsOverMachines();
    void fleetShortOfCapacityReportsByMachine();
    void cleanup();

private:
    TestProject& awsProject(const QStringList& conditions, const QJsonObject& more = {});
    static bool answers(const QString& ip, int port);
    // The current project's instances the EC2 API reports (terminated ones too, with all).
    QJsonArray instances(bool all = false) const;
    // The one not terminated of this condition slug.
    QJsonObject instanceOf(const QString& slug) const;
    // What EC2 does to a condition's machine (stop, terminate), through the API, until its machine is down.
    void ec2(const QString& action, const QString& slug);
    // The experiment has nothing left in EC2: no instance but terminated ones, no security group, no key pair.
    void nothingLeft() const;
    QString tfDir() const { return m_kit->terraformDir(*m_project); }
    bool hostAnswers(const QJsonObject& status, int index) const;
    // Polls status until condition index is in state (within tries x 300 ms); the last status.
    QJsonObject waitForState(int index, const QString& state, int tries = 120);

    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<TestProject> m_project; // the current test's, terminated whatever happened
    QTemporaryDir m_bin;
    RealTerraform m_tf;
    QString m_ami; // one the emulator knows
    const QString m_region = QStringLiteral("eu-central-1");
    const QString m_keyId = QStringLiteral("AKIAEMULATORKEY00001");
    const QString m_secret = QStringLiteral("emulator/Secret+Key-0123456789abcdef");
};

void TestDeployAws::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    // The real terraform, with the provider from the mirror only, against the EC2 emulator.
    REQUIRE_REAL_TERRAFORM(m_tf, m_bin.path());
    REQUIRE_EC2_EMULATOR();
    m_kit->env().insert(m_tf.environment());
    m_ami = Ec2Emulator::anyImage(m_region);
    QVERIFY(m_ami.startsWith(QStringLiteral("ami-")));
    m_kit->env().insert(QStringLiteral("AWS_ACCESS_KEY_ID"), m_keyId);
    m_kit->env().insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), m_secret);
}

void TestDeployAws::cleanup()
{
    if (m_project && QFileInfo::exists(m_project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
        m_kit->cli(*m_project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    m_project.reset();
}

TestProject& TestDeployAws::awsProject(const QStringList& conditions, const QJsonObject& more)
{
    QJsonObject keys { { QStringLiteral("backend"), QStringLiteral("aws") },
                       { QStringLiteral("aws_region"), m_region },
                       { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                       { QStringLiteral("aws_ami"), m_ami },
                       { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                       { QStringLiteral("aws_root_volume_size"), 12 },
                       { QStringLiteral("auto_stop_minutes"), 15 } };
    for (auto it = more.begin(); it != more.end(); ++it)
        keys.insert(it.key(), it.value());
    m_project = m_kit->project(conditions, keys);
    return *m_project;
}

bool TestDeployAws::answers(const QString& ip, int port)
{
    QTcpSocket socket;
    socket.connectToHost(ip, static_cast<quint16>(port));
    return socket.waitForConnected(1000);
}

QJsonArray TestDeployAws::instances(bool all) const
{
    QJsonArray out;
    for (const QJsonValue& v : Ec2Emulator::describe(m_region).value(QStringLiteral("instances")).toArray()) {
        const QJsonObject i = v.toObject();
        if (i.value(QStringLiteral("tags")).toObject().value(QStringLiteral("experiment")).toString()
                == m_project->name()
            && (all || i.value(QStringLiteral("state")).toString() != QLatin1String("terminated")))
            out.append(i);
    }
    return out;
}

QJsonObject TestDeployAws::instanceOf(const QString& slug) const
{
    for (const QJsonValue& v : instances()) {
        if (v.toObject().value(QStringLiteral("tags")).toObject().value(QStringLiteral("condition_slug")).toString()
            == slug)
            return v.toObject();
    }
    return {};
}

void TestDeployAws::ec2(const QString& action, const QString& slug)
{
    const QJsonObject instance = instanceOf(slug);
    QVERIFY2(!instance.isEmpty(), qPrintable(slug));
    QString error;
    QVERIFY2(Ec2Emulator::act(action, m_region, instance.value(QStringLiteral("id")).toString(), &error),
             qPrintable(error));
    // The emulator's machines follow the API within a second.
    QTRY_VERIFY_WITH_TIMEOUT(!answers(instance.value(QStringLiteral("public_ip")).toString(), 22), 15000);
}

void TestDeployAws::nothingLeft() const
{
    const QJsonObject ec2 = Ec2Emulator::describe(m_region);
    for (const QJsonValue& v : ec2.value(QStringLiteral("instances")).toArray()) {
        const QJsonObject i = v.toObject();
        if (i.value(QStringLiteral("tags")).toObject().value(QStringLiteral("experiment")).toString()
            == m_project->name())
            QVERIFY2(i.value(QStringLiteral("state")).toString() == QLatin1String("terminated"),
                     qPrintable(i.value(QStringLiteral("id")).toString()));
    }
    const QString prefix = QStringLiteral("logistician-") + m_project->name().toLower() + QLatin1Char('-');
    for (const QJsonValue& v : ec2.value(QStringLiteral("security_groups")).toArray())
        QVERIFY2(!v.toObject().value(QStringLiteral("name")).toString().startsWith(prefix),
                 qPrintable(v.toObject().value(QStringLiteral("name")).toString()));
    for (const QJsonValue& v : ec2.value(QStringLiteral("key_pairs")).toArray())
        QVERIFY2(!v.toObject().value(QStringLiteral("name")).toString().startsWith(prefix),
                 qPrintable(v.toObject().value(QStringLiteral("name")).toString()));
}

bool TestDeployAws::hostAnswers(const QJsonObject& status, int index) const
{
    const QString host = DeployTestKit::condition(status, index).value(QStringLiteral("host")).toString();
    const QString rest = host.mid(host.indexOf(QLatin1Char('@')) + 1);
    return answers(rest.section(QLatin1Char(':'), 0, 0), rest.section(QLatin1Char(':'), 1).toInt() ?: 22);
}

QJsonObject TestDeployAws::waitForState(int index, const QString& state, int tries)
{
    QJsonObject status;
    for (int i = 0; i < tries; ++i) {
        status = m_kit->status(*m_project);
        if (DeployTestKit::condition(status, index).value(QStringLiteral("state")).toString() == state)
            break;
        QTest::qWait(300);
    }
    return status;
}

void TestDeployAws::noTerraformSaysHowToInstall()
{
    auto* project = &awsProject({ QStringLiteral("--n 1") });
    QMap<QString, QString> saved = m_kit->env();
    m_kit->env().insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
    const CliResult r = m_kit->cli(*project,
                                   { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                                     QStringLiteral("198.51.100.0/24") });
    m_kit->env() = saved;
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("terraform is not installed")), qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("Install it")));
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/terraform")));
    QVERIFY(!QFileInfo::exists(m_kit->terraformDir(*project)));
}

void TestDeployAws::needsAddressRange()
{
    auto* project = &awsProject({ QStringLiteral("--n 1") });
    const CliResult r = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--yes") });
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("--ssh-cidr")));
    const CliResult bad = m_kit->cli(*project,
                                     { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                                       QStringLiteral("everyone") });
    QCOMPARE(bad.exitCode, 2);
    // Without --yes and without a terminal, nothing that costs money starts.
    const CliResult unasked = m_kit->cli(
        *project, { QStringLiteral("deploy"), QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QCOMPARE(unasked.exitCode, 2);
    QVERIFY(unasked.err.contains(QStringLiteral("1 EC2 instance(s)")));
    QVERIFY(unasked.err.contains(QStringLiteral("t3.small")));
    QVERIFY(unasked.err.contains(QStringLiteral("eu-central-1")));
    // Frankfurt's own price, from the table.
    QVERIFY2(unasked.err.contains(QStringLiteral("$0.0240 per hour")), qPrintable(unasked.err));
    QVERIFY(unasked.err.contains(QStringLiteral("eu-central-1 prices of")));
    // Strict ranges; a wide one only when asked for, with a warning.
    for (const char* range : { "1.2.3.4/0", "01.2.3.4/32", "198.51.100.7/24" }) {
        const CliResult r = m_kit->cli(
            *project,
            { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"), QLatin1String(range) });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--ssh-cidr")), qPrintable(r.err));
    }
    const CliResult wide = m_kit->cli(*project,
                                      { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                                        QStringLiteral("0.0.0.0/0") });
    QCOMPARE(wide.exitCode, 2);
    QVERIFY2(wide.err.contains(QStringLiteral("--allow-wide-ssh")), qPrintable(wide.err));
    const CliResult allowed
        = m_kit->cli(*project,
                     { QStringLiteral("deploy"), QStringLiteral("--dry-run"), QStringLiteral("--allow-wide-ssh"),
                       QStringLiteral("--ssh-cidr"), QStringLiteral("10.0.0.0/8") });
    QCOMPARE(allowed.exitCode, 0);
    QVERIFY2(allowed.out.contains(QStringLiteral("warning: SSH to the machines is open to 10.0.0.0/8")),
             qPrintable(allowed.out));
    QVERIFY(instances(true).isEmpty());
}

void TestDeployAws::realProviderSeesTheSchema()
{
    // The tests meet the provider's own checks: the ingress description this project wrote until issue 9
    // (with an apostrophe) is refused by the real terraform validate, as it was for every real user.
    auto* project = &awsProject({ QStringLiteral("--n 1") });
    const CliResult r = m_kit->cli(*project,
                                   { QStringLiteral("deploy"), QStringLiteral("--dry-run"),
                                     QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QCOMPARE(r.exitCode, 0);
    QTemporaryDir dir;
    QFile main(dir.filePath(QStringLiteral("main.tf.json")));
    // A configuration of the old shape, made by hand here; the current one is checked by every deploy below.
    QVERIFY(main.open(QIODevice::WriteOnly));
    main.write(R"({"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}},
 "provider": {"aws": {"region": "eu-central-1"}},
 "resource": {"aws_security_group": {"ssh": {"name_prefix": "x-", "description": "d",
   "ingress": [{"description": "SSH from the researcher's address range", "from_port": 22, "to_port": 22,
                "protocol": "tcp", "cidr_blocks": ["198.51.100.0/24"], "ipv6_cidr_blocks": [],
                "prefix_list_ids": [], "security_groups": [], "self": false}]}}}})");
    main.close();
    QCOMPARE(
        m_tf.run(dir.path(), { QStringLiteral("init"), QStringLiteral("-input=false"), QStringLiteral("-no-color") })
            .exitCode,
        0);
    const RealTerraform::Outcome validate
        = m_tf.run(dir.path(), { QStringLiteral("validate"), QStringLiteral("-no-color") });
    QVERIFY(validate.exitCode != 0);
    QVERIFY2(validate.err.contains(QStringLiteral("ingress.0.description")), qPrintable(validate.err));
}

void TestDeployAws::dryRunChangesNothing()
{
    auto* project = &awsProject({ QStringLiteral("--n 1"), QStringLiteral("--n 2") });
    const CliResult r = m_kit->cli(*project,
                                   { QStringLiteral("deploy"), QStringLiteral("--dry-run"),
                                     QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("Plan: 4 to add, 0 to change, 0 to destroy.")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("# aws_instance.")));
    QVERIFY(r.out.contains(QStringLiteral("2 EC2 instance(s) of type t3.small in eu-central-1")));
    QVERIFY(r.out.contains(QStringLiteral("$0.0480 per hour")));
    QVERIFY(r.out.contains(QStringLiteral("docker run")));
    QVERIFY(r.out.contains(QStringLiteral("sh /logistician/run.sh sh cond.sh --n 2")));
    // Nothing made: no state, no Terraform folder, no apply, no containers, no image.
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/terraform")));
    QVERIFY(!QFileInfo::exists(m_kit->terraformDir(*project)));
    QVERIFY(instances(true).isEmpty());
    QVERIFY(r.err.contains(QStringLiteral("terraform plan")));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

void TestDeployAws::dryRunWithoutCredentials()
{
    auto* project = &awsProject({ QStringLiteral("--n 1") });
    QMap<QString, QString> saved = m_kit->env();
    m_kit->env().remove(QStringLiteral("AWS_ACCESS_KEY_ID"));
    m_kit->env().remove(QStringLiteral("AWS_SECRET_ACCESS_KEY"));
    m_kit->env().insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
    const CliResult r = m_kit->cli(*project,
                                   { QStringLiteral("deploy"), QStringLiteral("--dry-run"),
                                     QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    m_kit->env() = saved;
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("terraform plan not run: no AWS access key")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("terraform validate: the configuration is valid.")));
    QVERIFY(r.out.contains(QStringLiteral("1 EC2 instance(s)")));
    QVERIFY(!r.err.contains(QStringLiteral("terraform plan")));
}

void TestDeployAws::storedDefaultsUsed()
{
    // No aws_region / aws_instance_type in parameters.json: what setup and Settings stored is used.
    m_project = m_kit->project(
        { QStringLiteral("--n 1") },
        { { QStringLiteral("backend"), QStringLiteral("aws") }, { QStringLiteral("aws_ami"), m_ami } });
    QDir().mkpath(m_kit->configDir() + QStringLiteral("/logistician"));
    const QString ini = m_kit->configDir() + QStringLiteral("/logistician/settings.ini");
    const QByteArray before = DeployTestKit::readFile(ini);
    QFile settings(ini);
    QVERIFY(settings.open(QIODevice::Append));
    settings.write("\n[aws]\nregion=eu-west-1\ninstance_type=m5.large\n");
    settings.close();
    const CliResult r = m_kit->cli(*m_project,
                                   { QStringLiteral("deploy"), QStringLiteral("--dry-run"),
                                     QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QFile restore(ini);
    QVERIFY(restore.open(QIODevice::WriteOnly));
    restore.write(before);
    restore.close();
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("1 EC2 instance(s) of type m5.large in eu-west-1")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("$0.1070 per hour")));
    QVERIFY(r.out.contains(QStringLiteral("Plan: 3 to add")));
}

void TestDeployAws::gpuFolderIsAcceptedByTerraform()
{
    // The original's pytorch-gpu way: nvidia-docker and no aws_ami, so the GPU image family is looked up.
    // Offline the lookup cannot run, so the real terraform validates that configuration without credentials.
    m_project = m_kit->project({ QStringLiteral("--n 1") },
                               { { QStringLiteral("backend"), QStringLiteral("aws") },
                                 { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                                 { QStringLiteral("aws_instance_type"), QStringLiteral("g4dn.xlarge") },
                                 { QStringLiteral("remote_docker_command"), QStringLiteral("nvidia-docker") } });
    const QStringList dryRun { QStringLiteral("deploy"), QStringLiteral("--dry-run"), QStringLiteral("--ssh-cidr"),
                               QStringLiteral("198.51.100.0/24") };
    QMap<QString, QString> saved = m_kit->env();
    m_kit->env().remove(QStringLiteral("AWS_ACCESS_KEY_ID"));
    m_kit->env().remove(QStringLiteral("AWS_SECRET_ACCESS_KEY"));
    m_kit->env().insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
    const CliResult lookedUp = m_kit->cli(*m_project, dryRun);
    m_kit->env() = saved;
    QCOMPARE(lookedUp.exitCode, 0);
    QVERIFY2(lookedUp.out.contains(QStringLiteral("terraform validate: the configuration is valid.")),
             qPrintable(lookedUp.out));
    QVERIFY(lookedUp.out.contains(QStringLiteral("--gpus all")));

    // With credentials the plan looks the image up, and fails at once with what to do when none matches (the
    // emulator has no such image; a region without it is the same): issue 26 item 9.
    QElapsedTimer lookup;
    lookup.start();
    const CliResult none = m_kit->cli(*m_project, dryRun);
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains(QStringLiteral("aws_ami: no image in this region matches the GPU image lookup (owner "
                                              "898082745236, name \"Deep Learning Base OSS Nvidia Driver GPU AMI "
                                              "(Ubuntu 22.04) *\")")),
             qPrintable(none.err));
    QVERIFY(none.err.contains(QStringLiteral("parameters.json")));
    QVERIFY2(lookup.elapsed() < 60000, qPrintable(QString::number(lookup.elapsed())));

    // With the image named and a GPU count, the real offline plan of the whole configuration.
    m_project = m_kit->project({ QStringLiteral("--n 1") },
                               { { QStringLiteral("backend"), QStringLiteral("aws") },
                                 { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                                 { QStringLiteral("aws_instance_type"), QStringLiteral("g4dn.xlarge") },
                                 { QStringLiteral("aws_ami"), m_ami },
                                 { QStringLiteral("gpus"), 1 } });
    const CliResult planned = m_kit->cli(*m_project, dryRun);
    QCOMPARE(planned.exitCode, 0);
    QVERIFY2(planned.out.contains(QStringLiteral("Plan: 3 to add")), qPrintable(planned.out));
    QVERIFY(planned.out.contains(QStringLiteral("--gpus 1")));
}

void TestDeployAws::sweepOnEmulatedMachines()
{
    auto* project = &awsProject({ QStringLiteral("--n 1"), QStringLiteral("--n 2 --exit 5"),
                                  QStringLiteral("'$(touch /tmp/pwned-aws)' ${HOME}") });
    // What a clone could bring (finding 1): Terraform files in the project's .logistician. They are never
    // used: Terraform works in the per-user index only.
    const QString planted = project->experimentDir() + QStringLiteral("/.logistician/terraform");
    QVERIFY(QDir().mkpath(planted));
    QFile extra(planted + QStringLiteral("/extra.tf.json"));
    QVERIFY(extra.open(QIODevice::WriteOnly));
    extra.write(R"({"output": {"planted": {"value": "from a clone"}}})");
    extra.close();
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QCOMPARE(deployed.exitCode, 0);
    QVERIFY(!QFileInfo::exists(m_kit->terraformDir(*project) + QStringLiteral("/extra.tf.json")));
    QVERIFY(!deployed.err.contains(QStringLiteral("from a clone")));
    QVERIFY(deployed.err.contains(QStringLiteral("3 EC2 instance(s) of type t3.small in eu-central-1")));
    QVERIFY(deployed.err.contains(QStringLiteral("AWS_SECRET_ACCESS_KEY=***")));
    QVERIFY(!deployed.err.contains(m_secret) && !deployed.out.contains(m_secret));
    QVERIFY(!deployed.err.contains(m_keyId));

    // The configuration, structurally.
    const QString tfDir = m_kit->terraformDir(*project);
    const QJsonObject tf
        = QJsonDocument::fromJson(DeployTestKit::readFile(tfDir + QStringLiteral("/main.tf.json"))).object();
    QVERIFY(!tf.isEmpty());
    const QJsonObject resource = tf.value(QStringLiteral("resource")).toObject();
    const QJsonObject instances = resource.value(QStringLiteral("aws_instance")).toObject();
    QCOMPARE(instances.size(), 3);
    const QString commit = project->repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") }).trimmed();
    QSet<QString> taggedConditions;
    for (auto it = instances.begin(); it != instances.end(); ++it) {
        const QJsonObject instance = it.value().toObject();
        QCOMPARE(instance.value(QStringLiteral("instance_type")).toString(), QStringLiteral("t3.small"));
        QCOMPARE(instance.value(QStringLiteral("ami")).toString(), m_ami);
        QCOMPARE(instance.value(QStringLiteral("instance_initiated_shutdown_behavior")).toString(),
                 QStringLiteral("stop"));
        const QJsonObject tags = instance.value(QStringLiteral("tags")).toObject();
        QCOMPARE(tags.value(QStringLiteral("experiment")).toString(), project->name());
        QCOMPARE(tags.value(QStringLiteral("commit")).toString(), commit);
        taggedConditions.insert(tags.value(QStringLiteral("condition")).toString());
        const QString userData = instance.value(QStringLiteral("user_data")).toString();
        QVERIFY(userData.contains(QStringLiteral("docker.io")));
        QVERIFY(userData.contains(QStringLiteral("\nAUTO_STOP_MINUTES=15\n")));
        QVERIFY(it.key().at(0).isLetter());
    }
    QCOMPARE(taggedConditions,
             (QSet<QString> { QStringLiteral("--n 1"), QStringLiteral("--n 2 --exit 5"),
                              QStringLiteral("'$(touch /tmp/pwned-aws)' $${HOME}") }));
    const QJsonObject group
        = resource.value(QStringLiteral("aws_security_group")).toObject().value(QStringLiteral("ssh")).toObject();
    const QJsonArray ingress = group.value(QStringLiteral("ingress")).toArray();
    QCOMPARE(ingress.size(), 1);
    QCOMPARE(ingress.at(0).toObject().value(QStringLiteral("from_port")).toInt(), 22);
    QCOMPARE(ingress.at(0).toObject().value(QStringLiteral("to_port")).toInt(), 22);
    QCOMPARE(ingress.at(0).toObject().value(QStringLiteral("protocol")).toString(), QStringLiteral("tcp"));
    QCOMPARE(ingress.at(0).toObject().value(QStringLiteral("cidr_blocks")).toArray(),
             QJsonArray { QStringLiteral("198.51.100.0/24") });
    const QString publicKey
        = QString::fromUtf8(DeployTestKit::readFile(m_kit->keyPath() + QStringLiteral(".pub"))).trimmed();
    QCOMPARE(resource.value(QStringLiteral("aws_key_pair"))
                 .toObject()
                 .value(QStringLiteral("machines"))
                 .toObject()
                 .value(QStringLiteral("public_key"))
                 .toString(),
             publicKey);
    QCOMPARE(tf.value(QStringLiteral("provider"))
                 .toObject()
                 .value(QStringLiteral("aws"))
                 .toObject()
                 .value(QStringLiteral("region"))
                 .toString(),
             QStringLiteral("eu-central-1"));
    QCOMPARE(tf.value(QStringLiteral("output"))
                 .toObject()
                 .value(QStringLiteral("instances"))
                 .toObject()
                 .value(QStringLiteral("value"))
                 .toObject()
                 .size(),
             3);

    // What the EC2 API reports after the real apply: one running instance per condition, as configured.
    const QJsonObject ec2 = Ec2Emulator::describe(m_region);
    const QString firstUserData = instances.begin().value().toObject().value(QStringLiteral("user_data")).toString();
    QString renderedUserData = firstUserData;
    renderedUserData.replace(QStringLiteral("$${"), QStringLiteral("${"))
        .replace(QStringLiteral("%%{"), QStringLiteral("%{"));
    QSet<QString> launchedConditions;
    QSet<QString> groupIds;
    QSet<QString> keyNames;
    QMap<QString, QString> volumeOf;
    const QJsonArray launched = this->instances();
    QCOMPARE(launched.size(), 3);
    for (const QJsonValue& v : launched) {
        const QJsonObject i = v.toObject();
        QCOMPARE(i.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(i.value(QStringLiteral("type")).toString(), QStringLiteral("t3.small"));
        QCOMPARE(i.value(QStringLiteral("image")).toString(), m_ami);
        QCOMPARE(i.value(QStringLiteral("shutdown_behavior")).toString(), QStringLiteral("stop"));
        QCOMPARE(i.value(QStringLiteral("metadata_options")).toObject().value(QStringLiteral("HttpTokens")).toString(),
                 QStringLiteral("required"));
        const QJsonObject tags = i.value(QStringLiteral("tags")).toObject();
        QCOMPARE(tags.value(QStringLiteral("commit")).toString(), commit);
        QCOMPARE(tags.value(QStringLiteral("managed_by")).toString(), QStringLiteral("logistician"));
        QVERIFY(tags.value(QStringLiteral("Name")).toString().startsWith(QStringLiteral("logistician-")));
        launchedConditions.insert(tags.value(QStringLiteral("condition")).toString());
        // The user data EC2 got is the script, after Terraform's own unescaping.
        QCOMPARE(i.value(QStringLiteral("user_data")).toString(), renderedUserData);
        for (const QJsonValue& g : i.value(QStringLiteral("security_groups")).toArray())
            groupIds.insert(g.toString());
        keyNames.insert(i.value(QStringLiteral("key_name")).toString());
        const QJsonArray devices = i.value(QStringLiteral("block_devices")).toArray();
        QCOMPARE(devices.size(), 1);
        QCOMPARE(devices.at(0).toObject().value(QStringLiteral("delete_on_termination")).toBool(), true);
        volumeOf.insert(i.value(QStringLiteral("id")).toString(),
                        devices.at(0).toObject().value(QStringLiteral("volume")).toString());
    }
    QCOMPARE(launchedConditions,
             (QSet<QString> { QStringLiteral("--n 1"), QStringLiteral("--n 2 --exit 5"),
                              QStringLiteral("'$(touch /tmp/pwned-aws)' ${HOME}") }));
    // The root volumes: the size asked for, gp3, encrypted.
    for (const QJsonValue& v : ec2.value(QStringLiteral("volumes")).toArray()) {
        const QJsonObject volume = v.toObject();
        if (!volumeOf.values().contains(volume.value(QStringLiteral("id")).toString()))
            continue;
        QCOMPARE(volume.value(QStringLiteral("size")).toInt(), 12);
        QCOMPARE(volume.value(QStringLiteral("type")).toString(), QStringLiteral("gp3"));
        QCOMPARE(volume.value(QStringLiteral("encrypted")).toBool(), true);
        volumeOf.remove(volume.value(QStringLiteral("attached_to")).toArray().at(0).toString());
    }
    QVERIFY2(volumeOf.isEmpty(), qPrintable(QStringList(volumeOf.keys()).join(QLatin1Char(' '))));
    // One security group, SSH only, from the range given.
    QCOMPARE(groupIds.size(), 1);
    bool groupFound = false;
    for (const QJsonValue& v : ec2.value(QStringLiteral("security_groups")).toArray()) {
        const QJsonObject group = v.toObject();
        if (!groupIds.contains(group.value(QStringLiteral("id")).toString()))
            continue;
        groupFound = true;
        QCOMPARE(group.value(QStringLiteral("tags")).toObject().value(QStringLiteral("experiment")).toString(),
                 project->name());
        const QJsonArray rules = group.value(QStringLiteral("ingress")).toArray();
        QCOMPARE(rules.size(), 1);
        const QJsonObject rule = rules.at(0).toObject();
        QCOMPARE(rule.value(QStringLiteral("FromPort")).toInt(), 22);
        QCOMPARE(rule.value(QStringLiteral("ToPort")).toInt(), 22);
        QCOMPARE(rule.value(QStringLiteral("IpProtocol")).toString(), QStringLiteral("tcp"));
        const QJsonArray ranges = rule.value(QStringLiteral("IpRanges")).toArray();
        QCOMPARE(ranges.size(), 1);
        QCOMPARE(ranges.at(0).toObject().value(QStringLiteral("CidrIp")).toString(), QStringLiteral("198.51.100.0/24"));
        QVERIFY(rule.value(QStringLiteral("Ipv6Ranges")).toArray().isEmpty());
    }
    QVERIFY(groupFound);
    // The key pair is the setup key's public half.
    QCOMPARE(keyNames.size(), 1);
    bool keyFound = false;
    for (const QJsonValue& v : ec2.value(QStringLiteral("key_pairs")).toArray()) {
        if (v.toObject().value(QStringLiteral("name")).toString() != *keyNames.begin())
            continue;
        keyFound = true;
        QCOMPARE(v.toObject().value(QStringLiteral("public_key")).toString().section(QLatin1Char(' '), 0, 1),
                 publicKey.section(QLatin1Char(' '), 0, 1));
    }
    QVERIFY(keyFound);
    // The rendered user data is a valid sh script and sets the user as a quoted word.
    QProcess sh;
    sh.start(QStringLiteral("sh"), { QStringLiteral("-n") });
    sh.write(renderedUserData.toUtf8());
    sh.closeWriteChannel();
    QVERIFY(sh.waitForFinished(10000));
    QCOMPARE(sh.exitCode(), 0);
    QVERIFY(renderedUserData.contains(QStringLiteral("\nUSER_NAME=")
                                      + ShellWords::quote(qEnvironmentVariable("USER", QStringLiteral("root")))
                                      + QLatin1Char('\n')));

    // The command sequence, credentials only in terraform's environment (the echo shows them masked).
    const QStringList calls = deployed.err.split(QLatin1Char('\n')).filter(QStringLiteral("terraform "));
    const auto callAt = [&calls](const QString& command) {
        for (int i = 0; i < calls.size(); ++i) {
            if (calls.at(i).contains(command))
                return i;
        }
        return -1;
    };
    QVERIFY2(callAt(QStringLiteral("terraform init -input=false")) >= 0, qPrintable(deployed.err));
    QVERIFY(callAt(QStringLiteral("terraform apply -input=false -auto-approve"))
            > callAt(QStringLiteral("terraform init -input=false")));
    // The machines' addresses come from the outputs in the state the apply wrote: no terraform process for them.
    QCOMPARE(callAt(QStringLiteral("terraform output")), -1);

    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 1);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("exit_code")).toInt(), 5);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QSet<QString> hosts;
    for (int i = 1; i <= 3; ++i)
        hosts.insert(DeployTestKit::condition(status, i).value(QStringLiteral("host")).toString());
    QCOMPARE(hosts.size(), 3); // one machine per condition
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    // Each condition's provenance names its machine: the address and the instance ID of the state.
    QMap<QString, QString> instanceIds;
    const QJsonObject saved
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
              .object();
    for (const QJsonValue& h : saved.value(QStringLiteral("hosts")).toArray())
        instanceIds.insert(h.toObject().value(QStringLiteral("address")).toString(),
                           h.toObject().value(QStringLiteral("id")).toString());
    for (int i = 1; i <= 3; ++i) {
        const QJsonObject provenance
            = QJsonDocument::fromJson(DeployTestKit::readFile(m_kit->dataDir(*project, status, i)
                                                              + QStringLiteral("/config/provenance.json")))
                  .object();
        const QString host = DeployTestKit::condition(status, i).value(QStringLiteral("host")).toString();
        QCOMPARE(provenance.value(QStringLiteral("host")).toString(), host);
        QVERIFY(!instanceIds.value(host).isEmpty());
        QCOMPARE(provenance.value(QStringLiteral("instance_id")).toString(), instanceIds.value(host));
        QVERIFY(provenance.value(QStringLiteral("image_id")).toString().startsWith(QStringLiteral("sha256:")));
    }
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 3) + QStringLiteral("/results/args.txt")),
             QByteArray("<$(touch /tmp/pwned-aws)>\n<${HOME}>\n"));
    QVERIFY(!QFile::exists(QStringLiteral("/tmp/pwned-aws")));

    // No secret anywhere in the experiment's folder.
    QDirIterator it(project->experimentDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray content = DeployTestKit::readFile(path);
        QVERIFY2(!content.contains(m_secret.toUtf8()) && !content.contains(m_keyId.toUtf8()), qPrintable(path));
    }

    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY2(terminated.err.contains(QStringLiteral("terraform destroy -input=false -auto-approve")),
             qPrintable(terminated.err));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    for (const QString& host : std::as_const(hosts)) {
        const QString rest = host.mid(host.indexOf(QLatin1Char('@')) + 1);
        QVERIFY2(!answers(rest.section(QLatin1Char(':'), 0, 0), 22), qPrintable(host));
    }
    // Nothing of the experiment is left in EC2, and the destroyed machines' host keys are forgotten (a new
    // machine at a reused address must not be taken for an impostor).
    nothingLeft();
    QCOMPARE(DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/known_hosts")).trimmed(),
             QByteArray());
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

void TestDeployAws::launchRefusedThenTerminate()
{
    // EC2 refuses the launch (an instance type it does not have: the emulator checks types, as AWS does): the
    // apply fails after making the key pair and the security group. Terraform's error is shown whole, not only
    // the resource it names (issue 26 item 7); terminate destroys what was made.
    m_project
        = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), m_region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.enormous") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) } });
    auto* project = m_project.get();
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QCOMPARE(deployed.exitCode, 1);
    QVERIFY2(deployed.err.contains(QStringLiteral("terraform apply failed: creating EC2 Instance")),
             qPrintable(deployed.err));
    QVERIFY2(deployed.err.contains(QStringLiteral("InvalidInstanceType")), qPrintable(deployed.err));
    QVERIFY(deployed.err.contains(QStringLiteral("(aws_instance.")));
    QVERIFY(!deployed.err.contains(QStringLiteral("main.tf.json line")));
    QVERIFY(instances().isEmpty());

    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(code, 0);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("queued"));

    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    QVERIFY(terminated.err.contains(QStringLiteral("terraform destroy")));
    nothingLeft();
    QCOMPARE(m_kit->status(*project, &code).value(QStringLiteral("terminated")).toBool(), true);
}

void TestDeployAws::firstContactWaitsForTheBootstrap()
{
    // As on AWS, the machine's sshd answers before its user data has run (here 20 s before, longer than the
    // rest of the apply): deploy uses the machine only once the bootstrap made its mark.
    QVERIFY(Ec2Emulator::setBootstrapSeconds(20));
    auto quickBootstrap = qScopeGuard([] { Ec2Emulator::setBootstrapSeconds(0); });
    auto* project = &awsProject({ QStringLiteral("--n 1") });
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    // First contact was tried again while the mark was not there ...
    QVERIFY2(deployed.err.count(QStringLiteral("ready=/var/lib/logistician-ready")) >= 2, qPrintable(deployed.err));
    const QJsonArray live = instances();
    QCOMPARE(live.size(), 1);
    const QString mark = Ec2Emulator::machineDir(live.at(0).toObject().value(QStringLiteral("id")).toString())
        + QStringLiteral("/root/var/lib/logistician-ready");
    QVERIFY2(QFileInfo::exists(mark), qPrintable(mark));
    // ... and the condition's container was made after it.
    const QStringList containers = DeployTestKit::containers(project->name());
    QCOMPARE(containers.size(), 1);
    QProcess inspect;
    inspect.start(
        QStringLiteral("docker"),
        { QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.Created}}"), containers.at(0) });
    QVERIFY(inspect.waitForFinished(30000));
    const QDateTime created
        = QDateTime::fromString(QString::fromUtf8(inspect.readAllStandardOutput()).trimmed(), Qt::ISODateWithMs);
    QVERIFY(created.isValid());
    const QDateTime marked = QFileInfo(mark).lastModified();
    QVERIFY2(created >= marked,
             qPrintable(QStringLiteral("container made %1, mark %2")
                            .arg(created.toString(Qt::ISODateWithMs), marked.toUTC().toString(Qt::ISODateWithMs))));
    QCOMPARE(DeployTestKit::condition(waitForState(1, QStringLiteral("succeeded")), 1)
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("succeeded"));
}

void TestDeployAws::failedBootstrapReportedByMachine()
{
    // The image has no Docker and apt-get cannot reach its mirror: the bootstrap fails at its first step, and
    // deploy says so by machine at once, not after the ten minutes it waits for a machine that boots.
    QVERIFY(Ec2Emulator::setPackageMirror(false));
    auto mirror = qScopeGuard([] { Ec2Emulator::setPackageMirror(true); });
    auto* project = &awsProject({ QStringLiteral("--n 1") });
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode != 0, qPrintable(deployed.err));
    const QString ip = instances().at(0).toObject().value(QStringLiteral("public_ip")).toString();
    QVERIFY2(deployed.err.contains(QStringLiteral("@%1: its bootstrap failed: installing Docker and rsync failed "
                                                  "(exit 100)")
                                       .arg(ip)),
             qPrintable(deployed.err));
    QVERIFY(!deployed.err.contains(QStringLiteral("does not answer")));
    // Nothing of the experiment started on it.
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

void TestDeployAws::oneMachineTerminated()
{
    auto* project = &awsProject({ QStringLiteral("--n 1"), QStringLiteral("--n 2"), QStringLiteral("--n 3") });
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                         QStringLiteral("198.51.100.0/24") })
                 .exitCode,
             0);
    int code = -1;
    QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    auto machineAnswers = [&](int index) {
        const QString host = DeployTestKit::condition(status, index).value(QStringLiteral("host")).toString();
        const QString rest = host.mid(host.indexOf(QLatin1Char('@')) + 1);
        return answers(rest.section(QLatin1Char(':'), 0, 0), 22);
    };
    const QString args2 = m_kit->dataDir(*project, status, 2) + QStringLiteral("/results/args.txt");
    const QString args1 = m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt");
    const QStringList terminate2 { QStringLiteral("terminate"), QStringLiteral("--condition"), QStringLiteral("2"),
                                   QStringLiteral("--yes") };

    // Not synced yet: refused, and the machine stays.
    const CliResult refused = m_kit->cli(*project, terminate2);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QStringLiteral("not synced")), qPrintable(refused.err));
    QVERIFY(machineAnswers(2));

    // Sync condition 2 only; condition 1's results stay on its machine.
    QCOMPARE(
        m_kit->cli(*project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("2") }).exitCode,
        0);
    QCOMPARE(DeployTestKit::readFile(args2), QByteArray("<--n>\n<2>\n"));
    QVERIFY(!QFile::exists(args1));

    // Now it goes: the configuration without its instance is applied, which destroys its machine only.
    const CliResult one = m_kit->cli(*project, terminate2);
    QCOMPARE(one.exitCode, 0);
    QVERIFY2(one.err.contains(QStringLiteral("terraform apply -input=false -auto-approve")), qPrintable(one.err));
    QVERIFY(!one.err.contains(QStringLiteral("terraform destroy")));
    QVERIFY(!machineAnswers(2));
    QVERIFY(instanceOf(DeployTestKit::condition(status, 2).value(QStringLiteral("slug")).toString()).isEmpty());
    QCOMPARE(instances().size(), 2);
    QVERIFY(machineAnswers(1));
    QVERIFY(machineAnswers(3));
    const QJsonObject tf = QJsonDocument::fromJson(
                               DeployTestKit::readFile(m_kit->terraformDir(*project) + QStringLiteral("/main.tf.json")))
                               .object();
    QCOMPARE(tf.value(QStringLiteral("resource")).toObject().value(QStringLiteral("aws_instance")).toObject().size(),
             2);
    status = m_kit->status(*project, &code);
    QCOMPARE(code, 0);
    // It had succeeded: terminated with its machine, it stays succeeded.
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));

    // Sync all passes over the destroyed machine; terminate all then destroys the rest.
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(DeployTestKit::readFile(args1), QByteArray("<--n>\n<1>\n"));
    const CliResult all = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QCOMPARE(all.exitCode, 0);
    QVERIFY(all.err.contains(QStringLiteral("terraform destroy")));
    nothingLeft();
    QVERIFY(!machineAnswers(1));
    QVERIFY(!machineAnswers(3));
    status = m_kit->status(*project, &code);
    QVERIFY(status.value(QStringLiteral("terminated")).toBool());
}

void TestDeployAws::terminateWinsOverDeploy_data()
{
    QTest::addColumn<QString>("phase");
    // During terraform apply (it holds the state's lock); after the apply, while the machine boots (before the
    // hand-over); during the hand-over, while the machine builds the image.
    QTest::newRow("apply") << QStringLiteral("provisioning");
    QTest::newRow("boot") << QStringLiteral("booting");
    QTest::newRow("hand-over") << QStringLiteral("building");
}

void TestDeployAws::terminateWinsOverDeploy()
{
    // Issue 26 item 7: a terminate while a deploy (another process) provisions, boots or hands over stops that
    // deploy (its terraform interrupted: it releases the state's lock), then destroys everything; the deploy
    // exits saying why.
    QFETCH(QString, phase);
    auto* project = &awsProject({ QStringLiteral("--n 1"), QStringLiteral("--n 2") });
    // The machines take their time to boot, and the image to build (unique: no build cache skips it).
    QVERIFY(Ec2Emulator::setBootSeconds(phase == QLatin1String("booting") ? 60 : 0));
    auto noDelay = qScopeGuard([] { Ec2Emulator::setBootSeconds(0); });
    project->repo().writeFile(QStringLiteral("experiments/") + project->name() + QStringLiteral("/Dockerfile"),
                              QStringLiteral("FROM debian:bookworm-slim\nWORKDIR /project\nRUN sleep 40 # %1\n")
                                  .arg(QRandomGenerator::global()->generate())
                                  .toUtf8());
    project->repo().commitAll(QStringLiteral("a slow build"));
    QProcess deploy;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_kit->env().cbegin(); it != m_kit->env().cend(); ++it)
        env.insert(it.key(), it.value());
    deploy.setProcessEnvironment(env);
    deploy.setWorkingDirectory(project->root());
    deploy.start(CliProcess::binary(),
                 { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                   QStringLiteral("198.51.100.0/24"), project->experimentDir() });
    auto stopDeploy = qScopeGuard([&deploy] {
        deploy.kill();
        deploy.waitForFinished(10000);
    });
    const QString stateFile = project->experimentDir() + QStringLiteral("/.logistician/deployment.json");
    auto reached = [&] {
        if (phase == QLatin1String("provisioning")) // the apply holds the lock: its lock file is there while it runs
            return QFileInfo::exists(tfDir() + QStringLiteral("/.terraform.tfstate.lock.info"));
        const QJsonArray conditions = QJsonDocument::fromJson(DeployTestKit::readFile(stateFile))
                                          .object()
                                          .value(QStringLiteral("conditions"))
                                          .toArray();
        for (const QJsonValue& c : conditions) {
            if (c.toObject().value(QStringLiteral("phase")).toString() == phase)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(reached(), 180000);
    QVERIFY(deploy.state() == QProcess::Running);
    const CliResult terminated
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    QVERIFY2(terminated.err.contains(QStringLiteral("it is asked to stop first")), qPrintable(terminated.err));
    QVERIFY(terminated.err.contains(QStringLiteral("terraform destroy")));
    QVERIFY(!terminated.err.contains(QStringLiteral("state lock")));
    // The deploy has ended by then, saying why.
    QVERIFY(deploy.waitForFinished(5000));
    const QString said = QString::fromUtf8(deploy.readAllStandardError());
    QCOMPARE(deploy.exitCode(), 1);
    QVERIFY2(said.contains(QStringLiteral("deploy stopped: `logistician terminate` was asked for while it ran")),
             qPrintable(said.right(3000)));
    if (phase == QLatin1String("provisioning"))
        QVERIFY2(said.contains(QStringLiteral("interrupting terraform")), qPrintable(said.right(3000)));
    nothingLeft();
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/deploying")));
    int code = -1;
    QVERIFY(m_kit->status(*project, &code).value(QStringLiteral("terminated")).toBool());
}

void TestDeployAws::stoppedMachineIsStartedForSyncAndTerminate()
{
    // Issue 13 item 6: a machine that stopped itself (its idle stop) keeps its results; sync starts it
    // (aws_ec2_instance_state, through the real plan), fetches them and stops it again; terminate does too.
    auto* project = &awsProject({ QStringLiteral("--n 1"), QStringLiteral("--n 2") });
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                         QStringLiteral("198.51.100.0/24") })
                 .exitCode,
             0);
    int code = -1;
    QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    const QString slug1 = DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString();
    const QString slug2 = DeployTestKit::condition(status, 2).value(QStringLiteral("slug")).toString();
    QVERIFY(!slug1.isEmpty() && !slug2.isEmpty());
    // Logistician marked its upload and build as activity on the machine, for the idle stop.
    const QJsonObject saved
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
              .object();
    const QString home
        = saved.value(QStringLiteral("hosts")).toArray().at(0).toObject().value(QStringLiteral("home")).toString();
    QVERIFY(!home.isEmpty());
    const QFileInfo activity(home + QStringLiteral("/logistician/activity"));
    QVERIFY2(activity.exists(), qPrintable(activity.filePath()));
    QVERIFY(activity.lastModified().secsTo(QDateTime::currentDateTime()) < 600);

    // Machine 1 stops itself: status says stopped, not failed or lost.
    // (Its idle stop's shutdown: EC2 stops the instance, as instance_initiated_shutdown_behavior says.)
    ec2(QStringLiteral("stop"), slug1);
    QVERIFY(!hostAnswers(status, 1));
    status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));

    // sync: started, synced, stopped again.
    const QString args1 = m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt");
    const CliResult synced
        = m_kit->cli(*project, { QStringLiteral("sync"), QStringLiteral("--condition"), QStringLiteral("1") });
    QCOMPARE(synced.exitCode, 0);
    QVERIFY2(synced.err.contains(QStringLiteral("starting the stopped machine(s) of ") + slug1),
             qPrintable(synced.err));
    QCOMPARE(DeployTestKit::readFile(args1), QByteArray("<--n>\n<1>\n"));
    QCOMPARE(instanceOf(slug1).value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
    QVERIFY(!hostAnswers(status, 1));
    QVERIFY(hostAnswers(status, 2)); // never stopped: left alone
    const QJsonObject power
        = QJsonDocument::fromJson(DeployTestKit::readFile(tfDir() + QStringLiteral("/main.tf.json")))
              .object()
              .value(QStringLiteral("resource"))
              .toObject()
              .value(QStringLiteral("aws_ec2_instance_state"))
              .toObject();
    QCOMPARE(power.size(), 1);
    const QJsonObject state1 = power.begin().value().toObject();
    QCOMPARE(state1.value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
    QVERIFY(state1.value(QStringLiteral("instance_id")).toString().startsWith(QStringLiteral("${aws_instance.")));
    // The real apply started it and stopped it again (aws_ec2_instance_state), after a refresh.
    QVERIFY2(synced.err.contains(QStringLiteral("terraform apply -refresh-only")), qPrintable(synced.err));
    QVERIFY(!synced.err.contains(m_secret));

    // Machine 2 stops itself with its results not synced: terminate starts it, syncs, then destroys it.
    ec2(QStringLiteral("stop"), slug2);
    const QString args2 = m_kit->dataDir(*project, status, 2) + QStringLiteral("/results/args.txt");
    QVERIFY(!QFile::exists(args2));
    const CliResult one = m_kit->cli(
        *project,
        { QStringLiteral("terminate"), QStringLiteral("--condition"), QStringLiteral("2"), QStringLiteral("--yes") });
    QVERIFY2(one.exitCode == 0, qPrintable(one.err));
    QCOMPARE(DeployTestKit::readFile(args2), QByteArray("<--n>\n<2>\n"));
    QVERIFY(instanceOf(slug2).isEmpty());
    status = m_kit->status(*project, &code);
    // Its machine had stopped itself after the run: what the run did stays.
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));

    // --force: a stopped machine is destroyed as it is, not started.
    const CliResult forced
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QCOMPARE(forced.exitCode, 0);
    QVERIFY(!forced.err.contains(QStringLiteral("-refresh-only")));
    QVERIFY(forced.err.contains(QStringLiteral("terraform destroy")));
    nothingLeft();
}

void TestDeployAws::spotMachineTakenBackIsPreemptedThenRetried()
{
    // Issue 13 item 7: aws_spot asks for spot instances (the real plan shows the market options); a machine
    // AWS takes back mid-run shows as preempted, not failed; with max_retries, a watcher (status --watch here;
    // deploy --wait and the board alike) runs it again by itself, as a new attempt on a new machine.
    // One deployment for both: each aws deployment costs a terraform init, apply and destroy. One condition:
    // the emulator does not report an instance's spot lifecycle (AWS does: InstanceLifecycle "spot"), so
    // the provider would replace every other spot instance at the retry's apply.
    m_project
        = m_kit->project({ QStringLiteral("--n 1 --sleep 10") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("aws_spot"), true },
                           { QStringLiteral("aws_spot_max_price"), QStringLiteral("0.0123") },
                           { QStringLiteral("max_retries"), 1 } });
    auto* project = m_project.get();
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    // What EC2 made: an instance that ends on a shutdown; the configuration asks for spot with a price cap.
    QCOMPARE(instances().size(), 1);
    QCOMPARE(instances().at(0).toObject().value(QStringLiteral("shutdown_behavior")).toString(),
             QStringLiteral("terminate"));
    const QJsonObject configured
        = QJsonDocument::fromJson(DeployTestKit::readFile(tfDir() + QStringLiteral("/main.tf.json")))
              .object()
              .value(QStringLiteral("resource"))
              .toObject()
              .value(QStringLiteral("aws_instance"))
              .toObject();
    for (const QJsonValue& v : configured) {
        const QJsonObject market
            = v.toObject().value(QStringLiteral("instance_market_options")).toArray().at(0).toObject();
        QCOMPARE(market.value(QStringLiteral("spot_options"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("max_price"))
                     .toString(),
                 QStringLiteral("0.0123"));
        QCOMPARE(market.value(QStringLiteral("market_type")).toString(), QStringLiteral("spot"));
    }

    // Condition 1 runs when AWS takes its machine back. That is as soon as it shows running,
    // often before the run wrapper wrote its start time: the watch once waited for ever on such a condition
    // (DeployContext::markUnreachable).
    int code = -1;
    QJsonObject status;
    for (int i = 0; i < 120; ++i) {
        status = m_kit->status(*project, &code);
        if (DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString() == QLatin1String("running"))
            break;
        QTest::qWait(300);
    }
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    const QString slug1 = DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString();
    const QString oldId = instanceOf(slug1).value(QStringLiteral("id")).toString();
    ec2(QStringLiteral("terminate"), slug1);
    QVERIFY(!hostAnswers(status, 1));
    // Its container ran on this machine's engine: gone with the machine.
    for (const QString& container : DeployTestKit::containers(project->name()))
        QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), container });
    // The round that finds the machine gone says why; under load the first may only find it silent.
    QString said;
    for (int round = 0; round < 3 && !said.contains(QStringLiteral("preempted: AWS took")); ++round)
        said += m_kit->cli(*project, { QStringLiteral("status") }).err;
    QVERIFY2(said.contains(QStringLiteral("preempted: AWS took its spot machine back")), qPrintable(said));
    status = m_kit->status(*project, &code);
    QCOMPARE(code, 1);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 1); // condition 1's machine is gone

    // The watch (a plain status does not) makes a new machine for its second attempt, and follows that to
    // its end. Bounded: a watch that waits on a machine that is gone fails here, not at the test's timeout.
    const CliResult watched = m_kit->cli(
        *project,
        { QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("--interval"), QStringLiteral("1") },
        120000);
    QVERIFY2(watched.err.contains(QStringLiteral("retrying 1 preempted condition(s) on a new machine")),
             qPrintable(watched.err.right(4000)));
    QCOMPARE(watched.exitCode, 0);
    status = m_kit->status(*project, &code);
    const QJsonObject c = DeployTestKit::condition(status, 1);
    QCOMPARE(c.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(c.value(QStringLiteral("attempt")).toInt(), 2);
    // A second machine was made for it: EC2 has the taken-back instance (terminated) and a new one.
    const QString newId = instanceOf(slug1).value(QStringLiteral("id")).toString();
    QVERIFY(!oldId.isEmpty() && !newId.isEmpty());
    QVERIFY(oldId != newId);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<1>\n<--sleep>\n<10>\n"));
    // The second attempt's provenance names the new machine.
    const QJsonObject provenance
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(m_kit->dataDir(*project, status, 1) + QStringLiteral("/config/provenance.json")))
              .object();
    QCOMPARE(provenance.value(QStringLiteral("instance_id")).toString(), newId);
}

void TestDeployAws::lostMachineRetriedWithinMaxRetries()
{
    // Issue 26 item 3: an on-demand machine terminated through the API mid-run (not by Logistician) is lost; its
    // condition is run again on a new machine (a new apply) while max_retries allows, and not beyond.
    m_project
        = m_kit->project({ QStringLiteral("--n 1 --sleep 30") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), m_region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("aws_root_volume_size"), 12 },
                           { QStringLiteral("max_retries"), 1 } });
    auto* project = m_project.get();
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    QJsonObject status = waitForState(1, QStringLiteral("running"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    const QString slug1 = DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString();
    const QString firstId = instanceOf(slug1).value(QStringLiteral("id")).toString();
    ec2(QStringLiteral("terminate"), slug1);
    // Its container ran on this machine's engine: gone with the machine.
    for (const QString& container : DeployTestKit::containers(project->name()))
        QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), container });
    QString said;
    for (int round = 0; round < 3 && !said.contains(QStringLiteral(": lost: EC2 says")); ++round)
        said += m_kit->cli(*project, { QStringLiteral("status") }).err;
    QVERIFY2(said.contains(slug1 + QStringLiteral(": lost: EC2 says its machine is")), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("a watcher runs it again on a new one (max_retries)")), qPrintable(said));
    status = m_kit->status(*project);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));

    // A watch makes a new machine for the second attempt (a new apply).
    QProcess watch;
    m_kit->startWatch(*project, &watch);
    auto stopWatch = qScopeGuard([&watch] {
        watch.kill();
        watch.waitForFinished(10000);
    });
    QString secondId;
    for (int i = 0; i < 400 && secondId.isEmpty(); ++i) {
        const QString id = instanceOf(slug1).value(QStringLiteral("id")).toString();
        if (!id.isEmpty() && id != firstId
            && answers(instanceOf(slug1).value(QStringLiteral("public_ip")).toString(), 22))
            secondId = id;
        else
            QTest::qWait(300);
    }
    QVERIFY2(!secondId.isEmpty(), "the watch made no new machine");
    // Its second attempt runs on the new machine; that one is lost too: no retry is left.
    for (int i = 0; i < 200 && DeployTestKit::containers(project->name()).isEmpty(); ++i)
        QTest::qWait(300);
    QVERIFY(!DeployTestKit::containers(project->name()).isEmpty());
    ec2(QStringLiteral("terminate"), slug1);
    for (const QString& container : DeployTestKit::containers(project->name()))
        QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), container });
    // The watch ends by itself: nothing is left to wait for.
    QVERIFY2(watch.waitForFinished(240000), "the watch still waits on a condition with no retry left");
    const QString watched = QString::fromUtf8(watch.readAllStandardError());
    QCOMPARE(watch.exitCode(), 1);
    QCOMPARE(watched.count(QStringLiteral("retrying 1 preempted condition(s) on a new machine")), 1);
    QVERIFY2(watched.contains(QStringLiteral("no retry left (max_retries)")), qPrintable(watched.right(4000)));
    status = m_kit->status(*project);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("attempt")).toInt(), 2);
    // Two machines were made and both are gone; nothing new is made.
    QVERIFY(instances().isEmpty());
    QCOMPARE(instances(true).size(), 2);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
    nothingLeft();
}

void TestDeployAws::machineStopsItselfWhenIdleThenSynced()
{
    // Issue 26 item 3: auto-stop end to end. The machine's idle-stop line (its user data's cron line, run by the
    // emulator's machine every LOGISTICIAN_EC2_CRON_SECONDS) shuts it down once its runs have ended; EC2 stops
    // it (instance_initiated_shutdown_behavior stop). No status round saw the runs end: the next one learns from
    // EC2 that the machine is stopped (not lost), and sync starts it, fetches the results and stops it again.
    m_project
        = m_kit->project({ QStringLiteral("--n 1") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), m_region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("aws_root_volume_size"), 12 },
                           { QStringLiteral("auto_stop_minutes"), 1 } });
    auto* project = m_project.get();
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    QCOMPARE(instances().size(), 1);
    const QString slug1 = instances()
                              .at(0)
                              .toObject()
                              .value(QStringLiteral("tags"))
                              .toObject()
                              .value(QStringLiteral("condition_slug"))
                              .toString();
    // Idle for a minute after its run: it stops itself.
    QString state;
    for (int i = 0; i < 80 && state != QLatin1String("stopped"); ++i) {
        QTest::qWait(3000);
        state = instanceOf(slug1).value(QStringLiteral("state")).toString();
    }
    QCOMPARE(state, QStringLiteral("stopped"));
    int code = -1;
    const CliResult asked = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY2(asked.err.contains(slug1 + QStringLiteral(": its machine is stopped (EC2)")), qPrintable(asked.err));
    QJsonObject status = m_kit->status(*project, &code);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));

    const QString args1 = m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt");
    QVERIFY(!QFile::exists(args1));
    const CliResult synced = m_kit->cli(*project, { QStringLiteral("sync") });
    QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
    QVERIFY2(synced.err.contains(QStringLiteral("starting the stopped machine(s) of ") + slug1),
             qPrintable(synced.err));
    QCOMPARE(DeployTestKit::readFile(args1), QByteArray("<--n>\n<1>\n"));
    QCOMPARE(instanceOf(slug1).value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
    // Synced: terminate (without --force, which refuses results not synced) destroys it.
    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    nothingLeft();
}

void TestDeployAws::fleetSpreadsConditionsOverMachines()
{
    // Issue 26 item 5: aws_machines sets how many machines a sweep gets; one EC2 Fleet request of type instant
    // launches them all from a launch template (no aws_instance per condition), and the conditions are spread
    // over them, max_parallel at a time on each. Spot aside, the machines are as an instance of its own is.
    auto* project = &awsProject({ QStringLiteral("--n 1"), QStringLiteral("--n 2"), QStringLiteral("--n 3"),
                                  QStringLiteral("--n 4 --exit 3"), QStringLiteral("--n 5") },
                                { { QStringLiteral("aws_machines"), 2 }, { QStringLiteral("max_parallel"), 2 } });
    const CliResult deployed = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--yes"),
                                            QStringLiteral("--ssh-cidr"), QStringLiteral("198.51.100.0/24") });
    QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
    QVERIFY2(deployed.err.contains(QStringLiteral("2 EC2 instance(s) of type t3.small in eu-central-1, launched by "
                                                  "one EC2 Fleet request, 5 condition(s) spread over them")),
             qPrintable(deployed.err));
    QVERIFY(deployed.err.contains(QStringLiteral("2 machine(s) launched for 5 condition(s)")));
    // Issue 26 item 6: one apply launches the machines and looks them all up (their addresses), not a second
    // apply reading each machine through a data source of its own.
    QCOMPARE(deployed.err.count(QStringLiteral("logistician: terraform apply")), 1);

    // The configuration: a launch template and one fleet of two, nothing per condition.
    const QJsonObject configuration
        = QJsonDocument::fromJson(DeployTestKit::readFile(tfDir() + QStringLiteral("/main.tf.json"))).object();
    QVERIFY(!configuration.value(QStringLiteral("data")).toObject().contains(QStringLiteral("aws_instance")));
    QVERIFY(configuration.value(QStringLiteral("data")).toObject().contains(QStringLiteral("aws_instances")));
    const QJsonObject resource = configuration.value(QStringLiteral("resource")).toObject();
    QVERIFY(!resource.contains(QStringLiteral("aws_instance")));
    const QJsonObject fleet
        = resource.value(QStringLiteral("aws_ec2_fleet")).toObject().value(QStringLiteral("machines")).toObject();
    QCOMPARE(fleet.value(QStringLiteral("type")).toString(), QStringLiteral("instant"));
    QCOMPARE(fleet.value(QStringLiteral("target_capacity_specification"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("total_target_capacity"))
                 .toInt(),
             2);
    QVERIFY(resource.value(QStringLiteral("aws_launch_template")).toObject().contains(QStringLiteral("machines")));

    // What the EC2 API reports: two running machines, each as configured (tags through the launch template).
    const QString commit = project->repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") }).trimmed();
    const QJsonObject ec2 = Ec2Emulator::describe(m_region);
    const QJsonArray launched = instances();
    QCOMPARE(launched.size(), 2);
    QSet<QString> groupIds;
    QStringList volumes;
    QStringList ids;
    for (const QJsonValue& v : launched) {
        const QJsonObject i = v.toObject();
        ids << i.value(QStringLiteral("id")).toString();
        QCOMPARE(i.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(i.value(QStringLiteral("type")).toString(), QStringLiteral("t3.small"));
        QCOMPARE(i.value(QStringLiteral("image")).toString(), m_ami);
        QCOMPARE(i.value(QStringLiteral("shutdown_behavior")).toString(), QStringLiteral("stop"));
        QCOMPARE(i.value(QStringLiteral("metadata_options")).toObject().value(QStringLiteral("HttpTokens")).toString(),
                 QStringLiteral("required"));
        const QJsonObject tags = i.value(QStringLiteral("tags")).toObject();
        QCOMPARE(tags.value(QStringLiteral("commit")).toString(), commit);
        QCOMPARE(tags.value(QStringLiteral("managed_by")).toString(), QStringLiteral("logistician"));
        QVERIFY(tags.value(QStringLiteral("Name")).toString().startsWith(QStringLiteral("logistician-")));
        QVERIFY(i.value(QStringLiteral("user_data")).toString().contains(QStringLiteral("\nAUTO_STOP_MINUTES=15\n")));
        QVERIFY(!i.value(QStringLiteral("key_name")).toString().isEmpty());
        for (const QJsonValue& g : i.value(QStringLiteral("security_groups")).toArray())
            groupIds.insert(g.toString());
        const QJsonArray devices = i.value(QStringLiteral("block_devices")).toArray();
        QCOMPARE(devices.size(), 1);
        QCOMPARE(devices.at(0).toObject().value(QStringLiteral("device")).toString(),
                 i.value(QStringLiteral("root_device")).toString());
        volumes << devices.at(0).toObject().value(QStringLiteral("volume")).toString();
    }
    for (const QJsonValue& v : ec2.value(QStringLiteral("volumes")).toArray()) {
        const QJsonObject volume = v.toObject();
        if (!volumes.contains(volume.value(QStringLiteral("id")).toString()))
            continue;
        QCOMPARE(volume.value(QStringLiteral("size")).toInt(), 12);
        QCOMPARE(volume.value(QStringLiteral("type")).toString(), QStringLiteral("gp3"));
        QCOMPARE(volume.value(QStringLiteral("encrypted")).toBool(), true);
        volumes.removeAll(volume.value(QStringLiteral("id")).toString());
    }
    QVERIFY2(volumes.isEmpty(), qPrintable(volumes.join(QLatin1Char(' '))));
    QCOMPARE(groupIds.size(), 1);
    bool sshOnly = false;
    for (const QJsonValue& v : ec2.value(QStringLiteral("security_groups")).toArray()) {
        const QJsonObject group = v.toObject();
        if (groupIds.contains(group.value(QStringLiteral("id")).toString()))
            sshOnly = group.value(QStringLiteral("ingress")).toArray().size() == 1
                && group.value(QStringLiteral("ingress"))
                        .toArray()
                        .at(0)
                        .toObject()
                        .value(QStringLiteral("FromPort"))
                        .toInt()
                    == 22;
    }
    QVERIFY(sshOnly);

    // The conditions ran on the two machines, 3 and 2, and their runs are theirs.
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 1); // condition 4 exits 3
    QMap<QString, int> perHost;
    for (int i = 1; i <= 5; ++i) {
        const QJsonObject c = DeployTestKit::condition(status, i);
        QCOMPARE(c.value(QStringLiteral("state")).toString(),
                 i == 4 ? QStringLiteral("failed") : QStringLiteral("succeeded"));
        perHost[c.value(QStringLiteral("host")).toString()]++;
    }
    QCOMPARE(perHost.size(), 2);
    const QList<int> counts = perHost.values();
    QVERIFY(counts.contains(3) && counts.contains(2));
    const QJsonObject saved
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
              .object();
    QSet<QString> hostIds;
    for (const QJsonValue& h : saved.value(QStringLiteral("hosts")).toArray())
        hostIds.insert(h.toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(hostIds, QSet<QString>(ids.begin(), ids.end()));

    // A machine stopped through EC2: the lookups of a refresh see it stopped (its conditions say so), and sync
    // starts it (by the id the launch gave it), reads its new address (all its conditions move there), fetches
    // what ran on both machines and stops it again.
    const QString host1 = DeployTestKit::condition(status, 1).value(QStringLiteral("host")).toString();
    QString stoppedId;
    for (const QJsonValue& h : saved.value(QStringLiteral("hosts")).toArray()) {
        if (h.toObject().value(QStringLiteral("address")).toString() == host1)
            stoppedId = h.toObject().value(QStringLiteral("id")).toString();
    }
    QString error;
    QVERIFY2(Ec2Emulator::act(QStringLiteral("stop"), m_region, stoppedId, &error), qPrintable(error));
    const QString slug1 = DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString();
    QJsonObject afterStop;
    for (int i = 0; i < 40; ++i) {
        afterStop = m_kit->status(*project, &code);
        if (DeployTestKit::condition(afterStop, 1).value(QStringLiteral("state")).toString()
            == QLatin1String("stopped"))
            break;
        QTest::qWait(500);
    }
    QCOMPARE(DeployTestKit::condition(afterStop, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("stopped"));
    const CliResult woken = m_kit->cli(*project, { QStringLiteral("sync") });
    QVERIFY2(woken.exitCode == 0, qPrintable(woken.err));
    QVERIFY2(woken.err.contains(QStringLiteral("starting the stopped machine(s) of ")) && woken.err.contains(slug1),
             qPrintable(woken.err));
    for (int i = 1; i <= 5; ++i)
        QCOMPARE(
            DeployTestKit::readFile(m_kit->dataDir(*project, status, i) + QStringLiteral("/results/args.txt")),
            (i == 4 ? QByteArray("<--n>\n<4>\n<--exit>\n<3>\n") : QStringLiteral("<--n>\n<%1>\n").arg(i).toUtf8()));

    // terminate deletes the fleet with its machines: nothing of the experiment is left.
    const CliResult terminated = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    QVERIFY(terminated.err.contains(QStringLiteral("terraform destroy")));
    nothingLeft();
    QCOMPARE(instances().size(), 0);
}

void TestDeployAws::fleetShortOfCapacityReportsByMachine()
{
    // Issue 26 items 3 and 5: EC2 has room for one m5.24xlarge (tests/support/ec2-emulator): the fleet asks for
    // two and gets one. The machine not launched is reported with its conditions, which stay queued (not
    // started) and say why in status and on the board; the launched machine runs its own. A later deploy
    // launches the missing machine: refused while EC2 still has no room (the same report by machine), made
    // once it has. Then a fleet machine is lost mid-run (terminated through the API): its unfinished condition
    // is preempted and a watcher runs it again on a machine in its place, within max_retries and not beyond;
    // its finished condition keeps its run and results. One deployment for all of it.
    m_project
        = m_kit->project({ QStringLiteral("--n 1"), QStringLiteral("--n 2"), QStringLiteral("--n 3 --sleep 300") },
                         { { QStringLiteral("backend"), QStringLiteral("aws") },
                           { QStringLiteral("aws_region"), m_region },
                           { QStringLiteral("aws_instance_type"), QStringLiteral("m5.24xlarge") },
                           { QStringLiteral("aws_ami"), m_ami },
                           { QStringLiteral("aws_ami_user"), qEnvironmentVariable("USER", QStringLiteral("root")) },
                           { QStringLiteral("aws_root_volume_size"), 12 },
                           { QStringLiteral("aws_machines"), 2 },
                           { QStringLiteral("max_parallel"), 2 },
                           { QStringLiteral("max_retries"), 1 } });
    auto* project = m_project.get();
    const QStringList deploy { QStringLiteral("deploy"), QStringLiteral("--yes"), QStringLiteral("--ssh-cidr"),
                               QStringLiteral("198.51.100.0/24") };
    const CliResult deployed = m_kit->cli(*project, deploy);
    QCOMPARE(deployed.exitCode, 1);
    QVERIFY2(deployed.err.contains(QStringLiteral("machine 2 of 2 was not launched: EC2 gave the fleet 1 of the 2 "
                                                  "m5.24xlarge instance(s) it asked for")),
             qPrintable(deployed.err));
    int code = -1;
    QJsonObject status = m_kit->status(*project, &code);
    const QString slug1 = DeployTestKit::condition(status, 1).value(QStringLiteral("slug")).toString();
    const QString slug2 = DeployTestKit::condition(status, 2).value(QStringLiteral("slug")).toString();
    const QString slug3 = DeployTestKit::condition(status, 3).value(QStringLiteral("slug")).toString();
    QVERIFY(deployed.err.contains(QStringLiteral("; not started: ") + slug2));
    QCOMPARE(instances().size(), 1);
    const QString firstId = instances().at(0).toObject().value(QStringLiteral("id")).toString();

    // Not a watch: it would wait on condition 2, which no machine runs.
    for (int i = 0; i < 240; ++i) {
        status = m_kit->status(*project, &code);
        if (DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString() == QLatin1String("succeeded")
            && DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString()
                == QLatin1String("running"))
            break;
        QTest::qWait(500);
    }
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    const QJsonObject second = DeployTestKit::condition(status, 2);
    QCOMPARE(second.value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
    QVERIFY(second.value(QStringLiteral("host")).toString().isEmpty());
    QVERIFY2(second.value(QStringLiteral("launch_problem"))
                 .toString()
                 .startsWith(QStringLiteral("machine 2 of 2 was "
                                            "not launched")),
             qPrintable(second.value(QStringLiteral("launch_problem")).toString()));
    const CliResult table = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY2(table.out.contains(QStringLiteral("queued [not started: machine 2 of 2 was not launched")),
             qPrintable(table.out));

    // Deployed again while EC2 still has no room: machine 2 is asked for by a fleet of its own, which gets
    // nothing; said by machine again.
    const CliResult refused = m_kit->cli(*project, deploy);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QStringLiteral("machine 2 of 2 was not launched before: launching it")),
             qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QStringLiteral("machine 2 of 2 was not launched: EC2 gave the fleet 0 of the 1 "
                                                 "m5.24xlarge instance(s) it asked for")),
             qPrintable(refused.err));
    QVERIFY(refused.err.contains(QStringLiteral("; not started: ") + slug2));
    // Two applies: the deploy's, which looked up the machines there are, and the wave's, which looked them up
    // again with its own (none here); no third to read the addresses.
    QCOMPARE(refused.err.count(QStringLiteral("logistician: terraform apply")), 2);
    QCOMPARE(instances().size(), 1);
    QCOMPARE(DeployTestKit::condition(m_kit->status(*project), 2).value(QStringLiteral("state")).toString(),
             QStringLiteral("queued"));

    // EC2 has room again: the next deploy launches machine 2, and condition 2 runs there.
    QVERIFY(Ec2Emulator::setCapacity(QStringLiteral("m5.24xlarge=4")));
    auto roomAsBefore = qScopeGuard([] { Ec2Emulator::setCapacity(QStringLiteral("m5.24xlarge=1")); });
    const CliResult completed = m_kit->cli(*project, deploy);
    QVERIFY2(completed.exitCode == 0, qPrintable(completed.err));
    QVERIFY2(completed.err.contains(QStringLiteral("machine 2 of 2 was not launched before: launching it")),
             qPrintable(completed.err));
    QCOMPARE(completed.err.count(QStringLiteral("logistician: terraform apply")), 2);
    QCOMPARE(instances().size(), 2);
    // Every wave kept, each a fleet from the same launch template; the machines of all of them found by the
    // lookups by their tags (none read through a data.aws_instance of its own), which come after every wave.
    const QJsonObject layout
        = QJsonDocument::fromJson(DeployTestKit::readFile(tfDir() + QStringLiteral("/main.tf.json"))).object();
    QVERIFY(!layout.value(QStringLiteral("data")).toObject().contains(QStringLiteral("aws_instance")));
    QCOMPARE(
        layout.value(QStringLiteral("resource")).toObject().value(QStringLiteral("aws_ec2_fleet")).toObject().keys(),
        (QStringList { QStringLiteral("machines"), QStringLiteral("wave2"), QStringLiteral("wave3") }));
    QCOMPARE(layout.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("aws_instances"))
                 .toObject()
                 .value(QStringLiteral("fleet_running"))
                 .toObject()
                 .value(QStringLiteral("depends_on"))
                 .toArray(),
             (QJsonArray { QStringLiteral("aws_ec2_fleet.machines"), QStringLiteral("aws_ec2_fleet.wave2"),
                           QStringLiteral("aws_ec2_fleet.wave3") }));
    status = waitForState(2, QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QVERIFY(DeployTestKit::condition(status, 2).value(QStringLiteral("launch_problem")).isNull());
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    const QString args1 = m_kit->dataDir(*project, status, 1) + QStringLiteral("/results/args.txt");
    QCOMPARE(DeployTestKit::readFile(args1), QByteArray("<--n>\n<1>\n"));
    QCOMPARE(DeployTestKit::readFile(m_kit->dataDir(*project, status, 2) + QStringLiteral("/results/args.txt")),
             QByteArray("<--n>\n<2>\n"));

    // Machine 1 (conditions 1, ended, and 3, running) is lost: condition 3 is preempted, not condition 1.
    const auto loseMachineOf = [&](int index) {
        const QString host = DeployTestKit::condition(m_kit->status(*project), index)
                                 .value(QStringLiteral("host"))
                                 .toString()
                                 .section(QLatin1Char('@'), 1);
        QString id;
        for (const QJsonValue& v : instances()) {
            if (v.toObject().value(QStringLiteral("public_ip")).toString() == host)
                id = v.toObject().value(QStringLiteral("id")).toString();
        }
        QString error;
        QVERIFY2(!id.isEmpty(), qPrintable(host));
        QVERIFY2(Ec2Emulator::act(QStringLiteral("terminate"), m_region, id, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!answers(host, 22), 15000);
        // Its container ran on this machine's engine: gone with the machine.
        for (const QString& container : DeployTestKit::containers(project->name()))
            QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), container });
    };
    loseMachineOf(3);
    QString said;
    for (int round = 0; round < 3 && !said.contains(QStringLiteral(": lost: EC2 says")); ++round)
        said += m_kit->cli(*project, { QStringLiteral("status") }).err;
    QVERIFY2(said.contains(slug3 + QStringLiteral(": lost: EC2 says its machine is")), qPrintable(said));
    QVERIFY2(!said.contains(slug1 + QStringLiteral(": lost")), qPrintable(said));
    status = m_kit->status(*project);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));

    // A watch launches a machine in its place (a launch wave of its own) and runs condition 3 there.
    QProcess watch;
    m_kit->startWatch(*project, &watch);
    auto stopWatch = qScopeGuard([&watch] {
        watch.kill();
        watch.waitForFinished(10000);
    });
    for (int i = 0; i < 400 && instances().size() < 2; ++i)
        QTest::qWait(300);
    QCOMPARE(instances().size(), 2);
    for (int i = 0; i < 200 && DeployTestKit::containers(project->name()).isEmpty(); ++i)
        QTest::qWait(300);
    QVERIFY(!DeployTestKit::containers(project->name()).isEmpty());
    status = m_kit->status(*project);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("attempt")).toInt(), 2);
    QVERIFY(hostAnswers(status, 3));
    // The one in its place is lost too: no retry is left, and no other machine is made.
    loseMachineOf(3);
    QVERIFY2(watch.waitForFinished(240000), "the watch still waits on a condition with no retry left");
    const QString watched = QString::fromUtf8(watch.readAllStandardError());
    QCOMPARE(watch.exitCode(), 1);
    QVERIFY2(watched.contains(QStringLiteral("machine 1 of 2 was lost (EC2 says it is gone): launching one in its "
                                             "place")),
             qPrintable(watched.right(4000)));
    QCOMPARE(watched.count(QStringLiteral("retrying 1 preempted condition(s) on a new machine")), 1);
    QVERIFY2(watched.contains(QStringLiteral("no retry left (max_retries)")), qPrintable(watched.right(4000)));
    status = m_kit->status(*project);
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("preempted"));
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("attempt")).toInt(), 2);
    // Condition 1 ran once, on the machine lost: its results stay. Machine 2 runs on; three were made.
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("attempt")).toInt(), 1);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::readFile(args1), QByteArray("<--n>\n<1>\n"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(instances().size(), 1);
    QCOMPARE(instances(true).size(), 3);
    QVERIFY(instances().at(0).toObject().value(QStringLiteral("id")).toString() != firstId);
    // The machine lost first keeps condition 1, and is released: gone, nothing asks it again.
    const QJsonObject saved
        = QJsonDocument::fromJson(
              DeployTestKit::readFile(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")))
              .object();
    QString firstPhase;
    for (const QJsonValue& h : saved.value(QStringLiteral("hosts")).toArray()) {
        if (h.toObject().value(QStringLiteral("id")).toString() == firstId) {
            firstPhase = h.toObject().value(QStringLiteral("phase")).toString();
            QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("host")).toString(),
                     h.toObject().value(QStringLiteral("address")).toString());
        }
    }
    QCOMPARE(firstPhase, QStringLiteral("released"));

    const CliResult terminated
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
    nothingLeft();
}

LOGISTICIAN_SHARDED_GUILESS_MAIN(TestDeployAws)
#include "TestDeployAws.moc"
