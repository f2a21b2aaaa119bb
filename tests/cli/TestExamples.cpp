// SPDX-License-Identifier: MIT
#include "CliProcess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// The shipped examples and templates through the real binary, exactly as shipped
// (no test rewrites their Dockerfile, parameters.json or code): `examples` lists
// them and copies one out as a Git repository of its own, the optimise example's
// sweep runs for real on the local engine with its numbers in `results`, and an
// experiment made by `create --template T` runs its first `run` out of the box.
class TestExamples : public QObject
{
    Q_OBJECT
private:
    static QJsonObject json(const CliResult& r) { return QJsonDocument::fromJson(r.out.toUtf8()).object(); }

    static QString git(const QString& dir, const QStringList& args)
    {
        QProcess p;
        p.setWorkingDirectory(dir);
        p.start(QStringLiteral("git"), args);
        p.waitForFinished(30000);
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

private Q_SLOTS:
    void listsTheExamplesWithTheirSummaries()
    {
        const CliResult r = CliProcess::run({ "examples", "--json" });
        QCOMPARE(r.exitCode, 0);
        QStringList names;
        for (const QJsonValue& v : json(r).value("examples").toArray()) {
            names << v.toObject().value("name").toString();
            QVERIFY2(!v.toObject().value("summary").toString().isEmpty(), qPrintable(r.out));
        }
        QVERIFY2(names.contains("addition") && names.contains("optimise"), qPrintable(r.out));
        QVERIFY(!names.contains("original")); // original-style folders are not offered as new examples
    }

    void copyIsACommittedRepositoryAndNeverOverwrites()
    {
        QTemporaryDir tmp;
        const QString dest = tmp.filePath("my-addition");
        const CliResult r = CliProcess::run({ "examples", "addition", dest, "--json" });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(json(r).value("experiment_dir").toString(), dest + "/experiments/1");
        QVERIFY(QFile::exists(dest + "/add.sh"));
        QVERIFY(QFile::exists(dest + "/experiments/1/parameters.json"));
        QVERIFY(!QDir(dest + "/experiments/1/data").exists());
        QVERIFY(QFile::exists(dest + "/experiments/1/.gitignore")); // even when the package left it out
        QCOMPARE(git(dest, { "status", "--porcelain" }), QString());
        QCOMPARE(git(dest, { "log", "--format=%s" }), QStringLiteral("The addition example of Logistician"));

        // A second copy to the same place is refused, and the first is untouched.
        QFile::remove(dest + "/add.sh.bak");
        const CliResult again = CliProcess::run({ "examples", "optimise", dest });
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.contains("already exists"), qPrintable(again.err));
        QVERIFY(!QFile::exists(dest + "/optimise.py"));

        // An unknown example names the ones there are, and makes nothing.
        const CliResult unknown = CliProcess::run({ "examples", "nope", tmp.filePath("x") });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("addition, optimise"), qPrintable(unknown.err));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList { "my-addition" });
    }

    void optimiseSweepRunsAndComparesOnTheLocalEngine()
    {
        QTemporaryDir tmp;
        const QString dest = tmp.filePath("optimise");
        QCOMPARE(CliProcess::run({ "examples", "optimise", dest }).exitCode, 0);
        const QString experiment = dest + "/experiments/1";
        QVERIFY(QFile::exists(experiment + "/.gitignore")); // written by the copy: the package ships none

        // As shipped: the Dockerfile starts from the stock debian:bookworm-slim and installs what
        // optimise.py needs from Debian's archive (docker build reaches it); nothing is rewritten.
        QCOMPARE(git(dest, { "status", "--porcelain" }), QString());

        const CliResult deployed = CliProcess::run({ "deploy", experiment, "--backend", "local", "--yes", "--wait" });
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err.right(3000)));

        const CliResult results = CliProcess::run({ "results", experiment, "--json" });
        QCOMPARE(results.exitCode, 0);
        const QJsonArray rows = json(results).value("rows").toArray();
        QCOMPARE(rows.size(), 12); // 4 learning rates x 3 momenta from parameter_grid
        int converged = 0;
        int diverged = 0;
        for (const QJsonValue& v : rows) {
            const QJsonObject metrics = v.toObject().value("metrics").toObject();
            if (metrics.value("diverged").toInt() == 1) {
                ++diverged;
                QVERIFY(!metrics.contains("log10_loss"));
            } else {
                ++converged;
                QVERIFY(metrics.value("log10_loss").toDouble() < 0);
            }
        }
        QCOMPARE(converged, 9);
        QCOMPARE(diverged, 3); // learning rate 0.003 overshoots at every momentum

        const CliResult best = CliProcess::run({ "results", experiment, "--best", "log10_loss:min", "--json" });
        QCOMPARE(best.exitCode, 0);
        const QJsonObject winner = json(best).value("rows").toArray().first().toObject();
        QCOMPARE(winner.value("keys").toObject().value("learning_rate").toString(), QStringLiteral("0.002"));
        QCOMPARE(winner.value("keys").toObject().value("momentum").toString(), QStringLiteral("0.9"));

        QCOMPARE(CliProcess::run({ "terminate", experiment, "--yes" }).exitCode, 0);
    }

    void eachTemplateRunsItsFirstRun_data()
    {
        QTest::addColumn<QString>("templateName");
        const QStringList names = QDir(qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/templates/experiment")
                                      .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY(names.contains("python") && names.contains("shell"));
        for (const QString& name : names)
            QTest::newRow(qPrintable(name)) << name;
    }

    void eachTemplateRunsItsFirstRun()
    {
        // What a new user does: a Git project, `create --template T`, then `run`, nothing edited.
        QFETCH(QString, templateName);
        QTemporaryDir tmp;
        const QString project = tmp.filePath("project");
        QVERIFY(QDir().mkpath(project));
        git(project, { "init", "-q" });
        const QString name = "tpl-" + templateName + "-" + QString::number(QCoreApplication::applicationPid());
        const CliResult created = CliProcess::run({ "create", name, "--template", templateName }, project);
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const QString experiment = project + "/experiments/" + name;
        QCOMPARE(created.out.trimmed(), experiment);

        const CliResult first = CliProcess::run({ "run", experiment, "--condition", "1" }, project);
        QProcess::execute("docker", { "rmi", "-f", "--no-prune", "logistician/" + name });
        QVERIFY2(first.exitCode == 0, qPrintable(first.err.right(3000)));
        const QStringList runs = QDir(experiment + "/data").entryList({ "local-*" }, QDir::Dirs);
        QCOMPARE(runs.size(), 1);
        // It wrote something for `results` to compare.
        const QString results = experiment + "/data/" + runs.first() + "/results";
        QVERIFY2(!QDir(results).entryList(QDir::Files).isEmpty(), qPrintable(first.out + first.err.right(2000)));
        const CliResult compared = CliProcess::run({ "results", experiment, "--json" }, project);
        QCOMPARE(compared.exitCode, 0);
        const QJsonArray rows = json(compared).value("rows").toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().toObject().value("metrics").toObject().value("seed").toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestExamples)
#include "TestExamples.moc"
