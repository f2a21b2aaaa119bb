#include "Parameters.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

class TestParameters : public QObject
{
    Q_OBJECT
private:
    static ParametersError errorFor(const QByteArray& text)
    {
        ParametersError error;
        const auto params = Parameters::parse(text, "parameters.json", &error);
        if (params)
            qWarning("expected an error for: %s", text.constData());
        return error;
    }

private Q_SLOTS:
    void parsesOriginalFormat()
    {
        const QByteArray text = R"({
    "experiment_name": "rnn-1",
    "experiment_conditions": ["--lr 0.1", "--lr 0.01"],
    "experiment_conditions_comment": "one per machine",
    "aws_ami": "ami-123",
    "aws_ami_user": "ubuntu",
    "aws_instance_type": "p2.xlarge",
    "aws_region": "eu-west-1",
    "local_docker_command": "docker",
    "remote_docker_command": "nvidia-docker"
})";
        ParametersError error;
        const auto p = Parameters::parse(text, "parameters.json", &error);
        QVERIFY2(p.has_value(), qPrintable(error.toString()));
        QCOMPARE(p->experimentName(), QString("rnn-1"));
        QCOMPARE(p->conditions(), QStringList({ "--lr 0.1", "--lr 0.01" }));
        QCOMPARE(p->awsInstanceType(), QString("p2.xlarge"));
        QCOMPARE(p->awsRegion(), QString("eu-west-1"));
        QCOMPARE(p->remoteDockerCommand(), QString("nvidia-docker"));
        QCOMPARE(p->backend(), QString("local"));
        QCOMPARE(p->maxParallel(), 1);
    }

    void errorsNameLineAndColumn_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("conditions not a list")
            << QByteArray("{\n  \"experiment_name\": \"x\",\n  \"experiment_conditions\": \"a\"\n}")
            << "parameters.json:3:28: experiment_conditions must be a list of strings";
        QTest::newRow("condition not a string")
            << QByteArray("{\n  \"experiment_name\": \"x\",\n  \"experiment_conditions\": [\n    \"a\",\n    7\n  ]\n}")
            << "parameters.json:5:5: experiment_conditions must be a list of strings (item 2 is a number)";
        QTest::newRow("syntax error") << QByteArray("{\n  \"experiment_name\": \"x\",\n}") << "parameters.json:3:";
        QTest::newRow("missing name") << QByteArray("{}") << "parameters.json:1:1: experiment_name is missing";
        QTest::newRow("bad name") << QByteArray("{\"experiment_name\": \"has space\"}")
                                  << "parameters.json:1:21: experiment_name must be";
        QTest::newRow("bad backend") << QByteArray("{\"experiment_name\": \"x\",\n\"backend\": \"gcp\"}")
                                     << "parameters.json:2:12: backend must be one of aws, local, ssh";
        QTest::newRow("bad host") << QByteArray("{\"experiment_name\": \"x\", \"hosts\": [\"root@a\", \"nouser\"]}")
                                  << "parameters.json:1:46: hosts item 2 must look like";
        QTest::newRow("max_parallel zero") << QByteArray("{\"experiment_name\": \"x\", \"max_parallel\": 0}")
                                           << "parameters.json:1:42: max_parallel must be a whole number of at least 1";
        QTest::newRow("grid values") << QByteArray(
            "{\"experiment_name\": \"x\",\n \"parameter_grid\": {\"lr\": [],\n \"b\": [1]}}")
                                     << "parameters.json:2:27: parameter_grid.lr must be a non-empty list";
        QTest::newRow("unbalanced quote in condition")
            << QByteArray("{\"experiment_name\": \"x\", \"experiment_conditions\": [\"--a 'b\"]}")
            << "parameters.json:1:52: experiment_conditions item 1: unbalanced single quote";
        QTest::newRow("top level not object")
            << QByteArray("[1]") << "parameters.json:1:1: the top level must be a JSON object";
        QTest::newRow("columns count characters")
            << QByteArray("{\"experiment_name\": \"x\", \"ä\": 1, \"max_parallel\": \"2\"}")
            << "parameters.json:1:50: max_parallel must be";
    }
    void errorsNameLineAndColumn()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const QString actual = errorFor(text).toString();
        QVERIFY2(actual.startsWith(expected), qPrintable(actual + " does not start with " + expected));
    }

    void gridExpandsToCartesianProduct()
    {
        QMap<QString, QStringList> grid;
        grid.insert("lr", { "0.1", "0.01" });
        grid.insert("layers", { "1", "2", "3" });
        const QStringList conditions = Parameters::expandGrid(grid);
        QCOMPARE(conditions.size(), 6);
        QCOMPARE(conditions.first(), QString("--layers 1 --lr 0.1"));
        QCOMPARE(conditions.last(), QString("--layers 3 --lr 0.01"));
        QCOMPARE(QSet<QString>(conditions.begin(), conditions.end()).size(), 6);
    }

    void gridValuesAreQuotedAndTyped()
    {
        ParametersError error;
        const auto p = Parameters::parse(
            R"({"experiment_name": "x", "experiment_conditions": ["--base"],
                "parameter_grid": {"name": ["big model"], "lr": [0.5, 1e-3], "flag": [true]}})",
            "p.json", &error);
        QVERIFY2(p.has_value(), qPrintable(error.toString()));
        QCOMPARE(p->allConditions(),
                 QStringList({ "--base", "--flag true --lr 0.5 --name 'big model'",
                               "--flag true --lr 0.001 --name 'big model'" }));
    }

    void saveKeepsUnknownKeysAndIsAtomic()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("parameters.json");
        const QByteArray original
            = R"({"experiment_name": "x", "future_key": {"nested": [1, 2]}, "note_comment": "keep me"})";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(original);
        f.close();

        ParametersError error;
        auto p = Parameters::load(path, &error);
        QVERIFY(p.has_value());
        p->setConditions({ "--a 1" });
        QString saveError;
        struct stat before
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &before), 0);
        QVERIFY2(p->save(path, &saveError), qPrintable(saveError));
        struct stat after
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &after), 0);
        // Written beside and renamed over: a reader never sees half a file.
        QVERIFY(before.st_ino != after.st_ino);

        auto back = Parameters::load(path, &error);
        QVERIFY(back.has_value());
        QCOMPARE(back->json().value("future_key").toObject().value("nested").toArray().size(), 2);
        QCOMPARE(back->json().value("note_comment").toString(), QString("keep me"));
        QCOMPARE(back->conditions(), QStringList { "--a 1" });

        // A save that cannot complete leaves the old file untouched and says why.
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
        const bool rootCanWriteAnyway = QFile(dir.filePath("probe")).open(QIODevice::WriteOnly);
        if (!rootCanWriteAnyway) {
            p->setConditions({ "--changed" });
            QVERIFY(!p->save(path, &saveError));
            QVERIFY(saveError.contains(path));
            QCOMPARE(Parameters::load(path, &error)->conditions(), QStringList { "--a 1" });
        }
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile::remove(dir.filePath("probe"));
        // A folder that does not exist: the save fails with the path named and creates nothing.
        QVERIFY(!p->save(dir.filePath("missing/parameters.json"), &saveError));
        QVERIFY(saveError.contains("missing/parameters.json"));
        QVERIFY(!QFile::exists(dir.filePath("missing")));
        // No temporary file is left behind either way.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).filter("parameters.json").size(), 1);
    }

    void missingFileIsReported()
    {
        ParametersError error;
        QVERIFY(!Parameters::load("/nonexistent/parameters.json", &error));
        QCOMPARE(error.toString(), QString("/nonexistent/parameters.json: no such file"));
    }
};

QTEST_GUILESS_MAIN(TestParameters)
#include "TestParameters.moc"
