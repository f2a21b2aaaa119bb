// SPDX-License-Identifier: MIT
#include "deploy/DeploymentState.h"
#include "deploy/StateRules.h"
#include "deploy/StateSeal.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

// deployment.json as a clone or another user could have left it (finding 2 and
// 14): every value that becomes a path, a name, an ssh destination or a loop
// bound is refused at load, with the file, line and column, before it is used.
class TestHostileState : public QObject
{
    Q_OBJECT
private:
    static QJsonObject goodState()
    {
        QJsonObject c { { "index", 1 },       { "condition", "--a 1" }, { "arguments", QJsonArray { "--a", "1" } },
                        { "slug", "c1-a-1" }, { "host", "local" },      { "phase", "succeeded" },
                        { "attempt", 1 },     { "last_attempt", 1 },    { "exit_code", 0 } };
        return QJsonObject { { "experiment", "hostile-1" },
                             { "backend", "local" },
                             { "commit", QString(40, QLatin1Char('a')) },
                             { "image", "logistician/hostile-1:aaaa" },
                             { "hosts", QJsonArray { QJsonObject { { "address", "local" }, { "home", "/root" } } } },
                             { "conditions", QJsonArray { c } } };
    }
    static void writeState(const QString& dir, const QByteArray& text)
    {
        QDir().mkpath(dir);
        QFile f(dir + "/deployment.json");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
    }
    static QJsonObject withCondition(const char* key, const QJsonValue& value)
    {
        QJsonObject s = goodState();
        QJsonArray conditions = s.value("conditions").toArray();
        QJsonObject c = conditions.at(0).toObject();
        c.insert(QLatin1String(key), value);
        conditions[0] = c;
        s.insert("conditions", conditions);
        return s;
    }

private Q_SLOTS:
    void aStateThisUserSavedLoads()
    {
        QTemporaryDir tmp;
        QVERIFY(DeploymentState::fromJson(goodState()).save(tmp.path()));
        const ResultOf<DeploymentState> r = DeploymentState::load(tmp.path());
        QVERIFY2(r.isOk(), qPrintable(r.message()));
        QCOMPARE(r->conditions.size(), 1);
        const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
            | QFile::WriteOther | QFile::ExeOther;
        QCOMPARE(QFileInfo(StateSeal::keyPath()).permissions() & others, QFile::Permissions());
    }

    // Finding 1 and 2: a .logistician/ that came with a clone was used as the user's own.
    void aStateFromElsewhereIsIgnored()
    {
        QTemporaryDir tmp;
        // As a clone brings it: valid values, no seal of this user's.
        writeState(tmp.filePath("clone"), QJsonDocument(goodState()).toJson());
        const ResultOf<DeploymentState> r = DeploymentState::load(tmp.filePath("clone"));
        QCOMPARE(r.kind(), Result::Kind::NotFound);
        QVERIFY2(r.message().contains("was not written by your Logistician"), qPrintable(r.message()));
        // Sealed by this user, then edited by hand (a host added).
        QVERIFY(DeploymentState::fromJson(goodState()).save(tmp.filePath("edited")));
        QJsonObject edited = goodState();
        edited.insert(
            "hosts",
            QJsonArray { QJsonObject { { "address", "local" } }, QJsonObject { { "address", "root@203.0.113.9" } } });
        writeState(tmp.filePath("edited"), QJsonDocument(edited).toJson());
        QCOMPARE(DeploymentState::load(tmp.filePath("edited")).kind(), Result::Kind::NotFound);
        // This user's sealed state copied into another folder is not that folder's.
        QVERIFY(DeploymentState::fromJson(goodState()).save(tmp.filePath("mine")));
        QDir().mkpath(tmp.filePath("other"));
        QVERIFY(QFile::copy(tmp.filePath("mine/deployment.json"), tmp.filePath("other/deployment.json")));
        QVERIFY(QFile::copy(tmp.filePath("mine/deployment.json.seal"), tmp.filePath("other/deployment.json.seal")));
        QVERIFY(DeploymentState::load(tmp.filePath("mine")).isOk());
        QCOMPARE(DeploymentState::load(tmp.filePath("other")).kind(), Result::Kind::NotFound);
    }

    // A state an earlier version wrote (no seal) for a folder this user's index knows is adopted and sealed.
    void anUnsealedStateTheIndexKnowsIsAdopted()
    {
        QTemporaryDir tmp;
        const QString stateDir = tmp.filePath("exp/.logistician");
        writeState(stateDir, QJsonDocument(goodState()).toJson());
        QVERIFY(DeploymentIndex().record(tmp.filePath("exp"), stateDir, DeploymentState::fromJson(goodState())));
        auto forget = qScopeGuard([&] { DeploymentIndex().forget(stateDir); });
        const ResultOf<DeploymentState> r = DeploymentState::load(stateDir);
        QVERIFY2(r.isOk(), qPrintable(r.message()));
        QVERIFY(QFileInfo::exists(stateDir + "/deployment.json.seal"));
    }

    // The index's entry.json is read back like deployment.json: a region or a folder no tool of ours wrote
    // (a shell word, a relative path) is refused with its place, and the entry is skipped.
    void hostileIndexEntriesAreRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("region") << "aws_region"
                                << "us-east-1; touch /tmp/pwned";
        QTest::newRow("type") << "aws_instance_type"
                              << "c5.large $(id)";
        QTest::newRow("relative") << "experiment_dir"
                                  << "../../victim";
        QTest::newRow("dotdot") << "state_dir"
                                << "/home/ada/../../etc";
        QTest::newRow("newline") << "experiment_dir"
                                 << "/tmp/a\nb";
    }
    void hostileIndexEntriesAreRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QJsonObject entry { { "schema", 1 },
                            { "experiment_dir", "/home/ada/p/experiments/1" },
                            { "state_dir", "/home/ada/p/experiments/1/.logistician" },
                            { "aws_region", "eu-central-1" },
                            { "aws_instance_type", "c5.large" } };
        QVERIFY(StateRules::checkIndexEntry(QJsonDocument(entry).toJson(), "entry.json").isOk());
        entry.insert(key, value);
        const Result r = StateRules::checkIndexEntry(QJsonDocument(entry).toJson(), "entry.json");
        QCOMPARE(r.kind(), Result::Kind::BadInput);
        QVERIFY2(r.message().contains(key), qPrintable(r.message()));
        QVERIFY(r.location().line > 1);

        // In an index: the entry is skipped, the others still listed.
        QTemporaryDir tmp;
        DeploymentIndex index(tmp.filePath("index"));
        QVERIFY(index.record(tmp.filePath("exp"), tmp.filePath("exp/.logistician"),
                             DeploymentState::fromJson(goodState())));
        QCOMPARE(index.entries().size(), 1);
        const QString folder = index.entries().first().folder;
        QFile file(folder + "/entry.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject written = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        written.insert(key, value);
        QFile out(folder + "/entry.json");
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(QJsonDocument(written).toJson());
        out.close();
        QCOMPARE(index.entries().size(), 0);
    }

    void hostileValuesAreRefusedWithTheirPlace_data()
    {
        QTest::addColumn<QJsonObject>("state");
        QTest::addColumn<QString>("message");
        QTest::newRow("slug-traversal") << withCondition("slug", "../../../victim") << "conditions item 1: slug";
        QTest::newRow("slug-slash") << withCondition("slug", "c1/../../x") << "conditions item 1: slug";
        QTest::newRow("last-attempt-huge") << withCondition("last_attempt", 2000000000)
                                           << "conditions item 1: last_attempt must be a whole number from 1 to 1000";
        QTest::newRow("attempt-zero") << withCondition("attempt", 0) << "attempt must be";
        QTest::newRow("index") << withCondition("index", 7) << "index must be a whole number from 1 to 1";
        QTest::newRow("condition-newline")
            << withCondition("condition", "--a 1\ntouch /tmp/pwned") << "conditions item 1: condition";
        QTest::newRow("host-unknown") << withCondition("host", "root@evil.example") << "is not one of hosts";
        QJsonObject badHost = goodState();
        badHost.insert("hosts", QJsonArray { QJsonObject { { "address", "-oProxyCommand=sh@x" } } });
        QTest::newRow("host-option") << badHost << "hosts item 1: address";
        QJsonObject badHome = goodState();
        badHome.insert("hosts", QJsonArray { QJsonObject { { "address", "local" }, { "home", "/root/../etc; rm" } } });
        QTest::newRow("home") << badHome << "hosts item 1: home";
        QJsonObject badName = goodState();
        badName.insert("experiment", "../x");
        QTest::newRow("experiment") << badName << "experiment is not an experiment name";
        QJsonObject badImage = goodState();
        badImage.insert("image", "--privileged");
        QTest::newRow("image") << badImage << "image is not an image reference";
        QJsonObject badCommit = goodState();
        badCommit.insert("commit", "HEAD; id");
        QTest::newRow("commit") << badCommit << "commit is not a commit id";
    }
    void hostileValuesAreRefusedWithTheirPlace()
    {
        QFETCH(QJsonObject, state);
        QFETCH(QString, message);
        QTemporaryDir tmp;
        writeState(tmp.path(), QJsonDocument(state).toJson());
        const ResultOf<DeploymentState> r = DeploymentState::load(tmp.path());
        QVERIFY(!r.isOk());
        QCOMPARE(r.exitCode(), 2);
        QVERIFY2(r.message().contains(message), qPrintable(r.message()));
        // file:line:col of the value, not just the file.
        QVERIFY2(r.message().startsWith(tmp.path() + "/deployment.json:"), qPrintable(r.message()));
        QVERIFY2(r.error().location().line > 1, qPrintable(r.message()));
    }

    void aSymlinkedStateIsNotRead()
    {
        QTemporaryDir tmp;
        writeState(tmp.filePath("elsewhere"), QJsonDocument(goodState()).toJson());
        QDir().mkpath(tmp.filePath("exp/.logistician"));
        QVERIFY(
            QFile::link(tmp.filePath("elsewhere/deployment.json"), tmp.filePath("exp/.logistician/deployment.json")));
        const ResultOf<DeploymentState> r = DeploymentState::load(tmp.filePath("exp/.logistician"));
        QVERIFY(!r.isOk());
        QVERIFY2(r.message().contains("symbolic link"), qPrintable(r.message()));
    }

    // Finding 2: a committed machines.txt symlink to ~/.bashrc was rewritten by `status`.
    void machinesFileIsNeverWrittenThroughASymlink()
    {
        QTemporaryDir tmp;
        QFile rc(tmp.filePath("bashrc"));
        QVERIFY(rc.open(QIODevice::WriteOnly));
        rc.write("# mine\n");
        rc.close();
        QVERIFY(QFile::link(tmp.filePath("bashrc"), tmp.filePath("machines.txt")));
        DeploymentState s = DeploymentState::fromJson(goodState());
        QVERIFY(!s.writeMachinesFile(tmp.filePath("machines.txt")).isOk());
        QFile again(tmp.filePath("bashrc"));
        QVERIFY(again.open(QIODevice::ReadOnly));
        QCOMPARE(again.readAll(), QByteArray("# mine\n"));
    }

    void aStateFolderPlantedAsASymlinkIsNotWritten()
    {
        QTemporaryDir tmp;
        QDir().mkpath(tmp.filePath("victim"));
        QDir().mkpath(tmp.filePath("exp"));
        QVERIFY(QFile::link(tmp.filePath("victim"), tmp.filePath("exp/.logistician")));
        const DeploymentState s = DeploymentState::fromJson(goodState());
        QVERIFY(!s.save(tmp.filePath("exp/.logistician")).isOk());
        QVERIFY(!QFileInfo::exists(tmp.filePath("victim/deployment.json")));
    }
};

QTEST_GUILESS_MAIN(TestHostileState)
#include "TestHostileState.moc"
