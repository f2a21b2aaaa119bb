// The deployment state file, slugs and the Terraform configuration, without any external part.

#include "Experiment.h"
#include "TestProject.h"
#include "UserSettings.h"
#include "deploy/Deployment.h"
#include "deploy/DeploymentState.h"
#include "deploy/Terraform.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

class TestDeployState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void slugs();
    void roundTrip();
    void terraformEscapesData();
    void unsplittableConditionStopsThePlan();
    void settingsRegistryIsCheckedByThePlan();

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

void TestDeployState::roundTrip()
{
    QTemporaryDir dir;
    DeploymentState s;
    s.experiment = QStringLiteral("rnn");
    s.backend = QStringLiteral("ssh");
    s.commit = QStringLiteral("0123456789abcdef");
    s.createdAt = QDateTime::currentDateTimeUtc();
    s.hosts.append({ QStringLiteral("me@10.0.0.1:2222"), QString(), QStringLiteral("/home/me"), QStringLiteral("ready"),
                     QString() });
    DeploymentState::Condition c;
    c.index = 1;
    c.text = QStringLiteral("--a 'b c'");
    c.arguments = { QStringLiteral("--a"), QStringLiteral("b c") };
    c.slug = DeploymentState::slugFor(1, c.text);
    c.host = QStringLiteral("me@10.0.0.1:2222");
    c.phase = DeploymentState::Phase::Failed;
    c.exitCode = 4;
    s.conditions.append(c);
    QString error;
    QVERIFY(s.save(dir.path(), &error));
    QVERIFY(s.writeMachinesFile(dir.filePath(QStringLiteral("machines.txt")), &error));
    DeploymentState back;
    QVERIFY(DeploymentState::load(dir.path(), &back, &error));
    QCOMPARE(back.toJson(), s.toJson());
    QCOMPARE(back.hosts.at(0).port(), 2222);
    QCOMPARE(back.hosts.at(0).hostName(), QStringLiteral("10.0.0.1"));
    QFile machines(dir.filePath(QStringLiteral("machines.txt")));
    QVERIFY(machines.open(QIODevice::ReadOnly));
    QCOMPARE(machines.readAll(), QByteArray("10.0.0.1, --a 'b c'\n"));
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
    QVERIFY(Terraform::isValidCidr(QStringLiteral("203.0.113.7/32")));
    QVERIFY(!Terraform::isValidCidr(QStringLiteral("203.0.113.7")));
    QVERIFY(!Terraform::isValidCidr(QStringLiteral("nonsense/8")));
}

void TestDeployState::unsplittableConditionStopsThePlan()
{
    // Parameters set in memory (as an editor may) skip the loader: the plan
    // itself refuses a condition that is not argv, on every backend, instead
    // of running it with no arguments.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    TestProject project;
    Experiment experiment;
    QVERIFY(Experiment::open(project.experimentDir(), &experiment));
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
    QVERIFY(Experiment::open(project.experimentDir(), &experiment));
    experiment.parameters().setValue(QStringLiteral("hosts"), QJsonArray { QStringLiteral("me@127.0.0.1") });
    UserSettings().setRegistry(QStringLiteral("my registry"));
    DeployOptions options;
    options.backend = QStringLiteral("ssh");
    Deployment::Plan plan = Deployment(experiment).plan(options);
    QVERIFY(!plan.check);
    QCOMPARE(plan.check.exitCode(), 2);
    QVERIFY2(plan.check.message().startsWith(QStringLiteral("the registry of your settings ('my registry') must be")),
             qPrintable(plan.check.message()));

    UserSettings().setRegistry(QStringLiteral("localhost:5000/team"));
    UserSettings().setRegistryUser(QStringLiteral("-p"));
    plan = Deployment(experiment).plan(options);
    QVERIFY(!plan.check);
    QVERIFY2(plan.check.message().startsWith(QStringLiteral("the registry user of your settings (-p) must not")),
             qPrintable(plan.check.message()));

    // Local runs use no registry: nothing to check there.
    UserSettings().setRegistry(QStringLiteral("my registry"));
    options.backend = QStringLiteral("local");
    plan = Deployment(experiment).plan(options);
    QVERIFY2(plan.check, qPrintable(plan.check.message()));
    UserSettings().setRegistry(QString());
    UserSettings().setRegistryUser(QString());
}

QTEST_GUILESS_MAIN(TestDeployState)
#include "TestDeployState.moc"
