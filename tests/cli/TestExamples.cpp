// SPDX-License-Identifier: MIT
#include "CliProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// The shipped examples through the real binary: `examples` lists them and copies
// one out as a Git repository of its own, and the optimise example's sweep runs
// for real on the local engine with its numbers in `results`.
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

        // Tests never reach Debian's archive: start from the local image that has
        // python3 already (scripts/ensure-python-image.sh), so the Dockerfile's
        // install step finds python3 and is skipped.
        QFile dockerfile(experiment + "/Dockerfile");
        QVERIFY(dockerfile.open(QIODevice::ReadOnly));
        QByteArray text = dockerfile.readAll();
        dockerfile.close();
        QVERIFY(text.contains("FROM debian:bookworm-slim"));
        const QByteArray image
            = qEnvironmentVariable("LOGISTICIAN_PYTHON_IMAGE", "logistician-examples/python-git:bookworm").toUtf8();
        text.replace("FROM debian:bookworm-slim", "FROM " + image);
        QVERIFY(dockerfile.open(QIODevice::WriteOnly | QIODevice::Truncate));
        dockerfile.write(text);
        dockerfile.close();
        git(dest, { "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "local base image" });

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
};

QTEST_GUILESS_MAIN(TestExamples)
#include "TestExamples.moc"
