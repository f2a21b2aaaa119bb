// SPDX-License-Identifier: MIT
// The results store's pure parts: results_store checked at load (file, key, line), S3's bucket rules and the
// prefix's shell-safe words; object names that must never be written into the data folder; the listing; the
// bucket's Terraform configuration and the machines' role, which may only list and write under the prefix;
// the upload script with every value quoted.

#include "Parameters.h"
#include "board/BoardModel.h"
#include "deploy/AutoSync.h"
#include "deploy/RemoteScript.h"
#include "deploy/ResultsStore.h"
#include "deploy/ResultsStoreSync.h"
#include "deploy/backends/aws/AwsPrices.h"
#include "deploy/backends/aws/AwsStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

class TestResultsStore : public QObject
{
    Q_OBJECT

    static QByteArray withStore(const QByteArray& value, const QByteArray& extra = {})
    {
        return "{\n  \"experiment_name\": \"st\",\n  \"experiment_conditions\": [\"a\"],\n" + extra
            + "  \"results_store\": " + value + "\n}\n";
    }

private Q_SLOTS:
    void acceptedAddresses()
    {
        for (const char* ok : { "s3://my-results/sweep-1", "s3://a.b-c.d1/x/y_z/1.0", "s3://abc/p" }) {
            Result error;
            const auto p = Parameters::parse(withStore(QByteArray("\"") + ok + "\""), "parameters.json");
            error = p.error();
            QVERIFY2(p.isOk(), qPrintable(error.message()));
            const auto store = ResultsStore::of(*p);
            QVERIFY(store.has_value());
            QCOMPARE(store->url(), QString::fromLatin1(ok));
            QVERIFY(ResultsStore::createsBucket(*p));
        }
        Result error;
        const auto own = Parameters::parse(withStore("\"s3://mine/x\"", "  \"results_store_create\": false,\n"),
                                           "parameters.json");
        error = own.error();
        QVERIFY2(own.isOk(), qPrintable(error.message()));
        QVERIFY(!ResultsStore::createsBucket(*own));
        const auto none = Parameters::parse(withStore("\"\""), "parameters.json");
        error = none.error();
        QVERIFY(none.isOk());
        QVERIFY(!ResultsStore::of(*none).has_value());
    }

    void refusedAtLoadWithFileKeyAndLine_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("says");
        QTest::newRow("not s3") << QByteArray("\"https://b/p\"") << "s3://BUCKET/PREFIX";
        QTest::newRow("no prefix") << QByteArray("\"s3://bucket\"") << "prefix is missing";
        QTest::newRow("upper case") << QByteArray("\"s3://Bucket/p\"") << "not one S3 allows";
        QTest::newRow("too short") << QByteArray("\"s3://ab/p\"") << "not one S3 allows";
        QTest::newRow("ip") << QByteArray("\"s3://192.168.1.1/p\"") << "IP address";
        QTest::newRow("dots") << QByteArray("\"s3://a..b/p\"") << "two '.'";
        QTest::newRow("reserved") << QByteArray("\"s3://xn--abc/p\"") << "keeps for itself";
        QTest::newRow("dotdot") << QByteArray("\"s3://bucket/a/../b\"") << "\"..\" part";
        QTest::newRow("empty part") << QByteArray("\"s3://bucket/a//b\"") << "empty part";
        QTest::newRow("trailing") << QByteArray("\"s3://bucket/a/\"") << "empty part";
        QTest::newRow("shell") << QByteArray("\"s3://bucket/$(reboot)\"") << "only letters";
        QTest::newRow("space") << QByteArray("\"s3://bucket/a b\"") << "only letters";
        QTest::newRow("quote") << QByteArray("\"s3://bucket/it's\"") << "only letters";
        QTest::newRow("template") << QByteArray("\"s3://bucket/${x}\"") << "only letters";
        QTest::newRow("number") << QByteArray("5") << "results_store";
    }

    void refusedAtLoadWithFileKeyAndLine()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, says);
        const Result error = Parameters::parse(withStore(value), "parameters.json").error();
        QVERIFY(!error.isOk());
        QCOMPARE(error.kind(), Result::Kind::BadInput);
        QVERIFY2(error.message().contains(says), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("results_store")), qPrintable(error.message()));
        QCOMPARE(error.location().file, QStringLiteral("parameters.json"));
        QCOMPARE(error.location().line, 4);
    }

    void logUploadIntervalIsCheckedAtLoad()
    {
        // A store's log upload interval (how often a running condition's logs go up): 60 s unless set, and a
        // whole number from 5 to 86400, refused at load with the file, key and line.
        Result error;
        const auto plain = Parameters::parse(withStore("\"s3://bkt/p\""), "parameters.json");
        error = plain.error();
        QVERIFY2(plain.isOk(), qPrintable(error.message()));
        QCOMPARE(ResultsStore::logSeconds(*plain), 60);
        const auto quick = Parameters::parse(withStore("\"s3://bkt/p\"", "  \"results_store_log_seconds\": 5,\n"),
                                             "parameters.json");
        error = quick.error();
        QVERIFY2(quick.isOk(), qPrintable(error.message()));
        QCOMPARE(ResultsStore::logSeconds(*quick), 5);
        for (const QByteArray& bad :
             { QByteArray("4"), QByteArray("86401"), QByteArray("7.5"), QByteArray("\"10\"") }) {
            const Result refused
                = Parameters::parse(withStore("\"s3://bkt/p\"", "  \"results_store_log_seconds\": " + bad + ",\n"),
                                    "parameters.json")
                      .error();
            QVERIFY2(!refused.isOk(), bad.constData());
            QCOMPARE(refused.kind(), Result::Kind::BadInput);
            QVERIFY2(refused.message().contains(QStringLiteral("results_store_log_seconds")),
                     qPrintable(refused.message()));
            QCOMPARE(refused.location().file, QStringLiteral("parameters.json"));
            QCOMPARE(refused.location().line, 4);
        }
    }

    void hostileObjectNames()
    {
        for (const QString& ok : { QStringLiteral("results/a.txt"), QStringLiteral("logs/output.txt"),
                                   QStringLiteral("attempt-2/results/..hidden"), QStringLiteral("a/b c/d") })
            QVERIFY2(ResultsStore::keyProblem(ok).isEmpty(), qPrintable(ok));
        const QStringList bad { QStringLiteral("../x"),
                                QStringLiteral("results/../../x"),
                                QStringLiteral("/etc/passwd"),
                                QStringLiteral("a//b"),
                                QStringLiteral("a/./b"),
                                QStringLiteral("dir/"),
                                QStringLiteral("a\x01"
                                               "b"),
                                QStringLiteral("a\nb"),
                                QStringLiteral("a\\..\\b"),
                                QString(),
                                QStringLiteral("..") };
        for (const QString& key : bad)
            QVERIFY2(!ResultsStore::keyProblem(key).isEmpty(), qPrintable(key));
    }

    void listing()
    {
        const QByteArray json
            = "{\"Contents\": [{\"Key\": \"p/c1/data/a\", \"Size\": 3, \"ETag\": "
              "\"\\\"900150983cd24fb0d6963f7d28e17f72\\\"\"}, {\"Key\": \"p/c1/uploaded/c1\", \"Size\": 3, "
              "\"ETag\": \"\\\"x-2\\\"\"}]}";
        const auto objects = ResultsStore::parseListing(json);
        QVERIFY(objects.isOk());
        QCOMPARE(objects->size(), 2);
        QCOMPARE(objects->at(0).etag, QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
        QCOMPARE(objects->at(0).size, 3);
        QVERIFY(ResultsStore::parseListing("")->isEmpty());
        const auto notJson = ResultsStore::parseListing("not json");
        QVERIFY(!notJson.isOk());
        QVERIFY(!notJson.message().isEmpty());
    }

    void bucketIsPrivateEncryptedVersioned()
    {
        const QJsonObject tf = AwsStore::bucketConfiguration(QStringLiteral("eu-west-1"),
                                                             { QStringLiteral("bkt"), QStringLiteral("a/b") });
        const QJsonObject r = tf.value(QStringLiteral("resource")).toObject();
        QCOMPARE(r.value(QStringLiteral("aws_s3_bucket"))
                     .toObject()
                     .value(QStringLiteral("store"))
                     .toObject()
                     .value(QStringLiteral("force_destroy")),
                 QJsonValue(false));
        const QJsonObject block = r.value(QStringLiteral("aws_s3_bucket_public_access_block"))
                                      .toObject()
                                      .value(QStringLiteral("store"))
                                      .toObject();
        for (const char* k :
             { "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets" })
            QCOMPARE(block.value(QLatin1String(k)), QJsonValue(true));
        QVERIFY(QJsonDocument(r).toJson().contains("AES256"));
        QVERIFY(QJsonDocument(r).toJson().contains("\"Enabled\""));
        QVERIFY(QJsonDocument(r).toJson().contains("BucketOwnerEnforced"));
    }

    void machinesMayWriteOnlyUnderThePrefix()
    {
        const QJsonObject policy
            = QJsonDocument::fromJson(
                  AwsStore::machinePolicy({ QStringLiteral("bkt"), QStringLiteral("a/b") }).toUtf8())
                  .object();
        const QByteArray text = QJsonDocument(policy).toJson();
        QVERIFY(text.contains("arn:aws:s3:::bkt/a/b/*"));
        QVERIFY(!text.contains("s3:*") && !text.contains("GetObject") && !text.contains("DeleteObject"));
        QVERIFY(!text.contains("Deny"));
        Result error;
        const auto p = Parameters::parse(withStore("\"s3://bkt/a/b\""), "parameters.json");
        error = p.error();
        QVERIFY(p.isOk());
        QJsonObject config { { QStringLiteral("resource"), QJsonObject() } };
        const QString profile = AwsStore::addMachineAccess(&config, *p);
        QCOMPARE(profile, QStringLiteral("${aws_iam_instance_profile.results_store.name}"));
        QCOMPARE(AwsStore::instanceProfile(*p), profile);
        const QJsonObject r = config.value(QStringLiteral("resource")).toObject();
        QVERIFY(r.contains(QStringLiteral("aws_iam_role")) && r.contains(QStringLiteral("aws_iam_role_policy"))
                && r.contains(QStringLiteral("aws_iam_instance_profile")));
        QVERIFY(!r.contains(QStringLiteral("aws_s3_bucket"))); // the bucket is never in the machines' configuration
    }

    void storageIsPricedFromTheDatedTable()
    {
        const AwsPrices prices;
        const AwsPrices::Price frankfurt = prices.storage(QStringLiteral("eu-central-1"));
        QVERIFY2(frankfurt.known(), qPrintable(frankfurt.note));
        QCOMPARE(frankfurt.perHour, 0.0245);
        QVERIFY(frankfurt.note.contains(QStringLiteral("2025-")));
        QVERIFY(!prices.storage(QStringLiteral("ap-south-2")).known());
        Result error;
        const auto p = Parameters::parse(withStore("\"s3://bkt/a/b\""), "parameters.json");
        error = p.error();
        QVERIFY(p.isOk());
        const QString note = AwsStore::planNote(*p, QStringLiteral("us-east-1"));
        QVERIFY2(note.contains(QStringLiteral("s3://bkt/a/b/"))
                     && note.contains(QStringLiteral("$0.0230 per GiB-month")),
                 qPrintable(note));
        const auto none = Parameters::parse(withStore("\"\""), "parameters.json");
        error = none.error();
        QVERIFY(AwsStore::planNote(*none, QStringLiteral("us-east-1")).isEmpty());
    }

    void storesHoldingDataAreRemembered()
    {
        const ResultsStore::Location store { QStringLiteral("bkt"), QStringLiteral("a/b") };
        QVERIFY(ResultsStore::records().isEmpty());
        QVERIFY(ResultsStore::remember(store, QStringLiteral("exp"), QStringLiteral("/p/exp")));
        const QList<ResultsStore::Record> records = ResultsStore::records();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.at(0).url, QStringLiteral("s3://bkt/a/b"));
        QCOMPARE(records.at(0).experiment, QStringLiteral("exp"));
        ResultsStore::forget(store);
        QVERIFY(ResultsStore::records().isEmpty());
    }

    void autoSyncTakesFromTheStoreWhatEndedBeforeItsMachineWent()
    {
        using Phase = DeploymentState::Phase;
        DeploymentState s;
        s.backend = QStringLiteral("aws");
        DeploymentState::Host host = DeploymentState::Host::at(QStringLiteral("admin@192.0.2.1"), QStringLiteral("/h"));
        host.phase = DeploymentState::HostPhase::Unreachable;
        s.hosts << host;
        DeploymentState::Condition c;
        c.index = 1;
        c.slug = QStringLiteral("c1");
        c.host = host.address;
        c.startedAt = QDateTime::currentDateTimeUtc();
        c.phase = Phase::Unreachable;
        c.lastRunPhase = Phase::Succeeded;
        s.conditions << c;
        QVERIFY(AutoSync::due(s).isEmpty()); // over ssh: its machine does not answer
        QCOMPARE(AutoSync::due(s, true).value(host.address), QList<int> { 0 });
        s.conditions[0].lastRunPhase = Phase::Running; // gone while it ran: nothing of it ended
        QVERIFY(AutoSync::due(s, true).isEmpty());
    }

    // One listing of the whole prefix tells every condition: its data objects (laid out as data/ here), whether
    // its current attempt's upload finished, whether anything of it may be written, and whether it changed.
    void oneListingPlansEveryCondition()
    {
        QTemporaryDir dir;
        const QString data = dir.path() + QStringLiteral("/data");
        const ResultsStore::Location store { QStringLiteral("bkt"), QStringLiteral("p/q") };
        QCOMPARE(store.dataUrl(QStringLiteral("c1")), QStringLiteral("s3://bkt/p/q/data/c1"));
        QCOMPARE(store.markersUrl(QStringLiteral("c1")), QStringLiteral("s3://bkt/p/q/uploaded/c1"));
        DeploymentState s;
        for (int k = 1; k <= 5; ++k) {
            DeploymentState::Condition c;
            c.index = k;
            c.slug = QStringLiteral("c%1").arg(k);
            c.phase = DeploymentState::Phase::Succeeded;
            s.conditions << c;
        }
        auto object = [](const QString& key, const QByteArray& body) {
            return ResultsStore::Object {
                key, body.size(), QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex())
            };
        };
        auto write = [&](const QString& relative, const QByteArray& body) {
            const QString path = data + QLatin1Char('/') + relative;
            QDir().mkpath(QFileInfo(path).absolutePath());
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(body);
        };
        write(QStringLiteral("c1/results/a.txt"), "same\n");
        write(QStringLiteral("c3/results/a.txt"), "same\n");
        write(QStringLiteral("c5/results/a.txt"), "local\n"); // same size, another MD5
        QTemporaryDir elsewhere;
        QVERIFY(QFile::link(elsewhere.path(), data + QStringLiteral("/c4")));
        const QList<ResultsStore::Object> objects {
            object(QStringLiteral("p/q/data/c1/results/a.txt"), "same\n"),
            object(QStringLiteral("p/q/data/c1/logs/output.txt"), "new\n"),
            object(QStringLiteral("p/q/uploaded/c1/c1"), "c1 0\n"),
            object(QStringLiteral("p/q/data/c2/../../x"), "bad\n"),
            object(QStringLiteral("p/q/uploaded/c2/c2"), "c2 0\n"),
            object(QStringLiteral("p/q/data/c3/results/a.txt"), "same\n"),
            object(QStringLiteral("p/q/uploaded/c3/c3-a2"), "c3-a2 0\n"), // another attempt's marker
            object(QStringLiteral("p/q/data/c4/results/a.txt"), "x\n"),
            object(QStringLiteral("p/q/data/c5/results/a.txt"), "store\n"),
        };
        const QList<ResultsStoreSync::ConditionPlan> plans
            = ResultsStoreSync::plan(s, { 0, 1, 2, 3, 4 }, store, objects, data);
        QCOMPARE(plans.size(), 5);
        QCOMPARE(plans.at(0).objects.size(), 2);
        QVERIFY(plans.at(0).uploaded && plans.at(0).refused.isEmpty() && plans.at(0).changed); // a file missing here
        QVERIFY2(plans.at(1).refused.contains(QStringLiteral("\"..\"")), qPrintable(plans.at(1).refused));
        QVERIFY(plans.at(2).refused.isEmpty() && !plans.at(2).changed); // nothing to fetch
        QVERIFY(!plans.at(2).uploaded); // attempt 1's marker is not there
        QVERIFY2(plans.at(3).refused.contains(QStringLiteral("is a symbolic link")), qPrintable(plans.at(3).refused));
        QVERIFY(plans.at(4).changed); // the MD5 differs
        QCOMPARE(ResultsStoreSync::uploadedMarkers(store, objects),
                 (QSet<QString> { QStringLiteral("c1/c1"), QStringLiteral("c2/c2"), QStringLiteral("c3/c3-a2") }));
        QCOMPARE(ResultsStoreSync::exitCodeOf("c1 3\n", QStringLiteral("c1")), 3);
        QCOMPARE(ResultsStoreSync::exitCodeOf("c1-a2 3\n", QStringLiteral("c1")), -1);
        QCOMPARE(ResultsStoreSync::exitCodeOf("c1 999\n", QStringLiteral("c1")), -1);
    }

    // Status and the board say whether an ended condition's results are in the store (uploaded, or upload not
    // finished), never synced before they are here; what a status round saw is saved with the state.
    void uploadedIsShownAndNeverAsSynced()
    {
        using Phase = DeploymentState::Phase;
        DeploymentState s;
        s.backend = QStringLiteral("aws");
        for (int k = 1; k <= 3; ++k) {
            DeploymentState::Condition c;
            c.index = k;
            c.slug = QStringLiteral("c%1").arg(k);
            c.phase = k == 3 ? Phase::Running : Phase::Succeeded;
            s.conditions << c;
        }
        QVERIFY(s.uploadState(s.conditions.at(0)).isEmpty()); // no store
        s.resultsStore = QStringLiteral("s3://bkt/p");
        QCOMPARE(s.uploadState(s.conditions.at(0)), QStringLiteral("upload not finished"));
        QCOMPARE(ResultsStoreSync::markUploaded(
                     &s, { QStringLiteral("c1/c1"), QStringLiteral("c2/c2-a2"), QStringLiteral("c3/c3") }),
                 (QList<int> { 0, 2 }));
        QCOMPARE(s.uploadState(s.conditions.at(0)), QStringLiteral("uploaded"));
        QCOMPARE(s.uploadState(s.conditions.at(1)), QStringLiteral("upload not finished"));
        QVERIFY(s.uploadState(s.conditions.at(2)).isEmpty()); // still running
        QVERIFY(!s.conditions.at(0).resultsSafe());
        // The board: "uploaded" or "upload not finished" where the time of the sync goes, never a time.
        BoardModel board;
        board.setState(s);
        QCOMPARE(board.data(board.index(0, BoardModel::SyncedColumn)).toString(), QStringLiteral("uploaded"));
        QCOMPARE(board.data(board.index(1, BoardModel::SyncedColumn)).toString(),
                 QStringLiteral("upload not finished"));
        QVERIFY(board.data(board.index(2, BoardModel::SyncedColumn)).toString().isEmpty());
        const DeploymentState loaded = DeploymentState::fromJson(s.toJson());
        QCOMPARE(loaded.resultsStore, s.resultsStore);
        QVERIFY(loaded.conditions.at(0).isUploaded());
        s.conditions[0].syncedAt = QDateTime::currentDateTimeUtc();
        QVERIFY(s.uploadState(s.conditions.at(0)).isEmpty()); // synced: that is what is shown
        s.conditions[0].queueAgain(); // a rerun: its new attempt is not uploaded
        QVERIFY(!s.conditions.at(0).isUploaded());
    }

    void uploadScriptQuotesEveryValue()
    {
        const QString text = RemoteScript(QStringLiteral("upload"))
                                 .set(QStringLiteral("SOURCE"), QStringLiteral("/home/it's me/logistician/x/data"))
                                 .set(QStringLiteral("LOGS"), QStringLiteral("attempt-2/logs"))
                                 .set(QStringLiteral("DATA"), QStringLiteral("s3://bkt/a/b/data/c1"))
                                 .set(QStringLiteral("MARKERS"), QStringLiteral("s3://bkt/a/b/uploaded/c1"))
                                 .set(QStringLiteral("KEY"), QStringLiteral("c1-a2"))
                                 .set(QStringLiteral("REGION"), QString())
                                 .set(QStringLiteral("INTERVAL"), QStringLiteral("60"))
                                 .render();
        QVERIFY2(text.contains(QStringLiteral("SOURCE='/home/it'\\''s me/logistician/x/data'")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("REGION=''")));
        QVERIFY(text.contains(QStringLiteral("--no-follow-symlinks")));
    }
};

QTEST_GUILESS_MAIN(TestResultsStore)
#include "TestResultsStore.moc"
