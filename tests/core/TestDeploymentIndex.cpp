// SPDX-License-Identifier: MIT
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

// The per-user index of deployments: what `list` and `terminate --experiment`
// read when a project's .logistician folder (or the project) is gone.
class TestDeploymentIndex : public QObject
{
    Q_OBJECT

    static DeploymentState aState(const QString& experiment, const QString& backend)
    {
        DeploymentState s;
        s.experiment = experiment;
        s.backend = backend;
        s.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        s.createdAt = QDateTime::currentDateTimeUtc();
        DeploymentState::Host h;
        h.address = backend == QLatin1String("local") ? QStringLiteral("local") : QStringLiteral("root@127.0.0.2");
        h.phase = DeploymentState::HostPhase::Ready;
        s.hosts << h;
        DeploymentState::Condition c;
        c.index = 1;
        c.text = QStringLiteral("--lr 0.1");
        c.slug = DeploymentState::slugFor(1, c.text);
        c.host = h.address;
        c.phase = DeploymentState::Phase::Running;
        s.conditions << c;
        return s;
    }

private Q_SLOTS:
    // The ssh hosts a deployment ran on stay known after its entry is gone (list and terminate --experiment look
    // there by label); a host an entry names is never dropped; what the file says passes the parameters' rules.
    void sshHostsStayKnown()
    {
        QTemporaryDir project;
        QTemporaryDir indexDir;
        const QString experimentDir = project.path() + "/rnn";
        const QString stateDir = experimentDir + "/.logistician";
        QVERIFY(QDir().mkpath(stateDir));
        QFile parameters(experimentDir + "/parameters.json");
        QVERIFY(parameters.open(QIODevice::WriteOnly));
        parameters.write(R"({"experiment_name": "rnn", "experiment_command": "python train.py",
                             "experiment_conditions": ["--lr 0.1"], "remote_docker_command": "sudo docker"})");
        parameters.close();
        QFile knownHosts(stateDir + "/known_hosts");
        QVERIFY(knownHosts.open(QIODevice::WriteOnly));
        knownHosts.write("127.0.0.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOfTheMachine\n");
        knownHosts.close();

        DeploymentIndex index(indexDir.path());
        QVERIFY(index.record(experimentDir, stateDir, aState("rnn", "ssh")));
        QVERIFY(
            index.record(project.path() + "/other", project.path() + "/other/.logistician", aState("other", "local")));
        const QList<DeploymentIndex::KnownHost> hosts = index.knownHosts();
        QCOMPARE(hosts.size(), 1);
        QCOMPARE(hosts.first().address, QString("root@127.0.0.2"));
        QCOMPARE(hosts.first().docker, QString("sudo docker"));
        QVERIFY(!index.sshDir().startsWith(index.folder() + "/rnn"));
        QFile copied(index.sshDir() + "/known_hosts");
        QVERIFY(copied.open(QIODevice::ReadOnly));
        QVERIFY(copied.readAll().contains("HostKeyOfTheMachine"));
        // Not an entry: entries() does not list the hosts' folder.
        QCOMPARE(index.entries().size(), 2);

        // Named by an entry: kept.
        QVERIFY(index.forgetKnownHost(hosts.first()));
        QCOMPARE(index.knownHosts().size(), 1);
        // The entry goes (terminated, or deleted by hand): the host stays known...
        QVERIFY(index.forget(stateDir));
        QCOMPARE(index.knownHosts().size(), 1);
        // ... until nothing is left there.
        QVERIFY(index.forgetKnownHost(hosts.first()));
        QVERIFY(index.knownHosts().isEmpty());

        // A hostile address or docker command in the file is left out, never handed to ssh.
        QFile file(index.sshDir() + "/hosts.json");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"hosts": [{"address": "-oProxyCommand=touch /tmp/x", "docker": "docker"},
                                 {"address": "root@127.0.0.3", "docker": "docker; rm -rf ~"},
                                 {"address": "root@127.0.0.4:2200", "docker": "docker"}]})");
        file.close();
        const QList<DeploymentIndex::KnownHost> read = index.knownHosts();
        QCOMPARE(read.size(), 1);
        QCOMPARE(read.first().address, QString("root@127.0.0.4:2200"));
    }

    void defaultFolderFollowsXdgStateHome()
    {
        // support/own-home sets XDG_STATE_HOME inside the test's own home.
        QCOMPARE(DeploymentIndex::defaultFolder(), qEnvironmentVariable("XDG_STATE_HOME") + "/logistician/deployments");
        QVERIFY(DeploymentIndex().folder().startsWith(QDir::homePath() + "/"));
    }

    void recordsListsAndForgets()
    {
        QTemporaryDir project;
        QTemporaryDir indexDir;
        const QString stateDir = project.path() + "/experiments/rnn/.logistician";
        DeploymentIndex index(indexDir.path());
        // Terraform works in the index's folder for this state folder, never in the project.
        const QString work = index.terraformDir(stateDir, "RNN-1");
        QVERIFY(work.startsWith(indexDir.path() + "/"));
        QVERIFY(QDir().mkpath(work));
        QFile tf(work + "/main.tf.json");
        QVERIFY(tf.open(QIODevice::WriteOnly));
        tf.write("{}");
        tf.close();
        QFile tfstate(work + "/terraform.tfstate");
        QVERIFY(tfstate.open(QIODevice::WriteOnly));
        tfstate.write("{\"version\": 4}");
        tfstate.close();
        // A clone's .logistician/terraform (finding 1: a destroy-time local-exec) is never taken in.
        QVERIFY(QDir().mkpath(stateDir + "/terraform"));
        QFile planted(stateDir + "/terraform/extra.tf.json");
        QVERIFY(planted.open(QIODevice::WriteOnly));
        planted.write("{\"resource\": {\"null_resource\": {}}}");
        planted.close();

        QVERIFY(index.entries().isEmpty());
        const Result r = index.record(project.path() + "/experiments/rnn", stateDir, aState("RNN-1", "aws"),
                                      "eu-west-1", "t3.micro");
        QVERIFY2(r, qPrintable(r.message()));
        QVERIFY(
            index.record(project.path() + "/other", project.path() + "/other/.logistician", aState("other", "local")));

        const QList<DeploymentIndex::Entry> all = index.entries();
        QCOMPARE(all.size(), 2);
        const QList<DeploymentIndex::Entry> byName = index.find("RNN-1");
        QCOMPARE(byName.size(), 1);
        const DeploymentIndex::Entry& e = byName.first();
        QCOMPARE(e.state.experiment, QString("RNN-1"));
        QCOMPARE(e.state.backend, QString("aws"));
        QCOMPARE(e.region, QString("eu-west-1"));
        QCOMPARE(e.instanceType, QString("t3.micro"));
        QCOMPARE(e.state.conditions.size(), 1);
        QCOMPARE(e.state.conditions.first().phase, DeploymentState::Phase::Running);
        QVERIFY(e.key.startsWith("rnn-1-"));
        // The entry's Terraform folder is where Terraform worked; nothing of the project's is in it.
        QCOMPARE(e.terraformCopy(), work);
        QVERIFY(QFileInfo::exists(e.terraformCopy() + "/main.tf.json"));
        QVERIFY(QFileInfo::exists(e.terraformCopy() + "/terraform.tfstate"));
        QVERIFY(!QFileInfo::exists(e.terraformCopy() + "/extra.tf.json"));
        // Found by the experiment folder too.
        QCOMPARE(index.find(project.path() + "/experiments/rnn").size(), 1);
        QVERIFY(index.find("nothing").isEmpty());

        // The project is deleted: the index still knows it.
        QVERIFY(QDir(project.path()).removeRecursively());
        QCOMPARE(index.find("RNN-1").size(), 1);
        QVERIFY(!index.find("RNN-1").first().stateDirExists());

        QVERIFY(index.forgetKey(e.key));
        QCOMPARE(index.entries().size(), 1);
        QVERIFY(!index.forgetKey("../escape"));
        QVERIFY(!index.forgetKey(""));
    }

    void recordingAgainReplacesTheEntry()
    {
        QTemporaryDir project;
        QTemporaryDir indexDir;
        DeploymentIndex index(indexDir.path());
        const QString stateDir = project.path() + "/.logistician";
        DeploymentState s = aState("a", "local");
        QVERIFY(index.record(project.path(), stateDir, s));
        s.conditions.first().phase = DeploymentState::Phase::Succeeded;
        QVERIFY(index.record(project.path(), stateDir, s));
        QCOMPARE(index.entries().size(), 1);
        QCOMPARE(index.entries().first().state.conditions.first().phase, DeploymentState::Phase::Succeeded);
        QVERIFY(index.forget(stateDir));
        QVERIFY(index.entries().isEmpty());
    }

    void restoresIntoTheProjectOrARecoveredFolder()
    {
        // .logistician deleted: deployment.json and the Terraform state go back where they were.
        QTemporaryDir project;
        QTemporaryDir indexDir;
        const QString experimentDir = project.path() + "/experiments/rnn";
        const QString stateDir = experimentDir + "/.logistician";
        DeploymentIndex index(indexDir.path());
        QVERIFY(QDir().mkpath(index.terraformDir(stateDir, "rnn")));
        QVERIFY(QDir().mkpath(stateDir));
        QFile params(experimentDir + "/parameters.json");
        QVERIFY(params.open(QIODevice::WriteOnly));
        params.write("{\"experiment_name\": \"rnn\"}");
        params.close();
        QFile tfstate(index.terraformDir(stateDir, "rnn") + "/terraform.tfstate");
        QVERIFY(tfstate.open(QIODevice::WriteOnly));
        tfstate.write("{\"version\": 4, \"serial\": 1}");
        tfstate.close();
        QVERIFY(index.record(experimentDir, stateDir, aState("rnn", "aws")));
        // Refreshed on the next record (after an apply).
        QVERIFY(tfstate.open(QIODevice::WriteOnly));
        tfstate.write("{\"version\": 4, \"serial\": 2}");
        tfstate.close();
        QVERIFY(index.record(experimentDir, stateDir, aState("rnn", "aws")));
        const DeploymentIndex::Entry entry = index.entries().value(0);
        QVERIFY(!entry.parametersCopy().isEmpty());
        QVERIFY(QDir(stateDir).removeRecursively());
        const ResultOf<QString> restoredDir = index.restore(entry);
        QVERIFY(restoredDir);
        QCOMPARE(*restoredDir, QFileInfo(experimentDir).canonicalFilePath());
        const ResultOf<DeploymentState> back = DeploymentState::load(stateDir);
        QVERIFY(back);
        QCOMPARE(back->experiment, QStringLiteral("rnn"));
        QFile restored(index.terraformDir(stateDir, "rnn") + "/terraform.tfstate");
        QVERIFY(restored.open(QIODevice::ReadOnly));
        QVERIFY(restored.readAll().contains("\"serial\": 2"));

        // The whole project gone: a folder of the entry's own, a Git repository with the parameters and state.
        QVERIFY(QDir(project.path()).removeRecursively());
        const ResultOf<QString> recovered = index.restore(entry);
        QVERIFY(recovered);
        const QString dir = *recovered;
        QVERIFY(dir.startsWith(entry.folder + "/"));
        QVERIFY(QFileInfo::exists(dir + "/parameters.json"));
        QVERIFY(QFileInfo::exists(dir + "/.git"));
        QVERIFY(QFileInfo::exists(index.terraformDir(dir + "/.logistician", "rnn") + "/terraform.tfstate"));
        QVERIFY(DeploymentState::load(dir + "/.logistician"));
        // Forgetting the entry removes the recovered folder with it.
        QVERIFY(index.forgetKey(entry.key));
        QVERIFY(!QFileInfo::exists(dir));
    }

    void halfWrittenEntriesAreNotListed()
    {
        QTemporaryDir indexDir;
        QVERIFY(QDir().mkpath(indexDir.path() + "/x-123/"));
        QFile junk(indexDir.path() + "/y-456/entry.json");
        QVERIFY(QDir().mkpath(indexDir.path() + "/y-456"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("{\"schema\": 1}"); // no deployment.json beside it
        junk.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("skipping an unreadable deployment index entry"));
        QVERIFY(DeploymentIndex(indexDir.path()).entries().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDeploymentIndex)
#include "TestDeploymentIndex.moc"
