// SPDX-License-Identifier: MIT
#include "Checked.h"
#include "CliProcess.h"
#include "TestProject.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

// The local loop through the real binary and the real Docker engine.
class TestCliRun : public QObject
{
    Q_OBJECT
private:
    static QString readFile(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
    static QJsonObject runConfig(const QString& runDir)
    {
        QFile f(runDir + "/config/run.json");
        f.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(f.readAll()).object();
    }
    static void build(TestProject& project)
    {
        const CliResult r = CliProcess::run({ "build", project.experimentDir() });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

private Q_SLOTS:
    void exampleAddsOneAndTwo()
    {
        // The shipped example, copied into a scratch repository so the run writes nothing into the source tree.
        const QString example = qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/examples/addition";
        ScratchRepository repo;
        for (const char* rel : { "add.sh", "experiments/1/Dockerfile", "experiments/1/parameters.json" }) {
            QFile f(example + "/" + QLatin1String(rel));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            repo.writeFile(QLatin1String(rel), f.readAll());
        }
        repo.commitAll();
        const QString dir = repo.filePath("experiments/1");
        QCOMPARE(CliProcess::run({ "build", dir }).exitCode, 0);
        const CliResult r = CliProcess::run({ "run", dir, "-o", "1 2" });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QString("3\n"));
        const QStringList runs = QDir(dir + "/data").entryList({ "local-*" }, QDir::Dirs);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(readFile(dir + "/data/" + runs.first() + "/results/sum.txt"), QString("3\n"));
        // The same condition from parameters.json by number.
        const CliResult byCondition = CliProcess::run({ "run", dir, "--condition", "2" });
        QCOMPARE(byCondition.exitCode, 0);
        QCOMPARE(byCondition.out, QString("7\n"));
    }

    void exitCodeOfTheContainerIsTheCommands()
    {
        TestProject project("sh fail.sh");
        CHECKED(build(project));
        const CliResult r = CliProcess::run({ "run", project.experimentDir(), "-o", "7" });
        QCOMPARE(r.exitCode, 7);
        QVERIFY(r.err.contains("failing"));
        QCOMPARE(runConfig(project.lastRunDir()).value("exit_code").toInt(), 7);
        QCOMPARE(CliProcess::run({ "run", project.experimentDir(), "-o", "0" }).exitCode, 0);
    }

    void argumentsArriveVerbatimAndRunNothing()
    {
        TestProject project;
        CHECKED(build(project));
        const QString marker = QDir::tempPath() + "/logistician-pwned-" + project.name();
        const QString args = QString("'a b' \"c \\\"d\\\"\" '$(touch %1)' ';' 'x;y' '`touch %1`' '&&' '|' "
                                     "\"\\$HOME\" '' --flag=1 'it'\\''s' 'ü'")
                                 .arg(marker);
        const CliResult r = CliProcess::run({ "run", project.experimentDir(), "-o", args });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString expected = QString("<a b>\n<c \"d\">\n<$(touch %1)>\n<;>\n<x;y>\n<`touch %1`>\n<&&>\n<|>\n"
                                         "<$HOME>\n<>\n<--flag=1>\n<it's>\n<ü>\n")
                                     .arg(marker);
        QCOMPARE(r.out, expected);
        QVERIFY(!QFile::exists(marker));
        QCOMPARE(readFile(project.lastRunDir() + "/results/args.txt"), expected);
        // Nothing ran inside the container either: /data holds only what the script wrote.
        QCOMPARE(QDir(project.lastRunDir() + "/results").entryList(QDir::Files), QStringList { "args.txt" });
        // Every command is echoed so it can be copied: the arguments stay quoted there.
        QVERIFY2(r.err.contains("$ docker run "), qPrintable(r.err));
        QVERIFY2(r.err.contains("'$(touch " + marker + ")'"), qPrintable(r.err));
        // Unbalanced quotes are bad input.
        const CliResult bad = CliProcess::run({ "run", project.experimentDir(), "-o", "'oops" });
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("unbalanced single quote"), qPrintable(bad.err));
    }

    void resultsAndConfigLandInData()
    {
        TestProject project;
        CHECKED(build(project));
        const CliResult r = CliProcess::run({ "run", project.experimentDir(), "-o", "--lr 0.1" });
        QCOMPARE(r.exitCode, 0);
        const QString run = project.lastRunDir();
        QVERIFY(QFileInfo(run + "/logs").isDir());
        QCOMPARE(readFile(run + "/results/args.txt"), QString("<--lr>\n<0.1>\n"));
        QCOMPARE(readFile(run + "/logs/output.txt"), QString("<--lr>\n<0.1>\n"));
        const QJsonObject config = runConfig(run);
        QCOMPARE(config.value("commit").toString(), project.repo().git({ "rev-parse", "HEAD" }));
        QCOMPARE(config.value("arguments").toArray().size(), 2);
        QCOMPARE(config.value("exit_code").toInt(), 0);
        QCOMPARE(config.value("dirty").toBool(), false);
        // A second run gets a fresh folder.
        QCOMPARE(CliProcess::run({ "run", project.experimentDir(), "-o", "x" }).exitCode, 0);
        QCOMPARE(QDir(project.experimentDir() + "/data").entryList({ "local-*" }, QDir::Dirs).size(), 2);
    }

    // An experiment made after the last commit and never committed: HEAD does not hold its files, so
    // provenance.json (and run.json) say dirty. Before, both said dirty:false (untracked files did not count).
    // The run's own data/ folder, ignored by the experiment's .gitignore, does not make a committed one dirty.
    void neverCommittedExperimentIsRecordedDirty()
    {
        TestProject project;
        const QString fresh = "experiments/" + project.name() + "-fresh";
        project.repo().writeFile(fresh + "/Dockerfile", "FROM debian:bookworm-slim\nWORKDIR /project\n");
        project.repo().writeFile(fresh + "/.gitignore", ".logistician/\ndata/\n");
        project.repo().writeFile(fresh + "/parameters.json",
                                 QString("{\"experiment_name\": \"%1-fresh\", \"experiment_command\": \"sh args.sh\","
                                         " \"experiment_conditions\": [\"a\"]}\n")
                                     .arg(project.name())
                                     .toUtf8());
        const QString dir = project.repo().filePath(fresh);
        const CliResult built = CliProcess::run({ "build", dir });
        QVERIFY2(built.exitCode == 0, qPrintable(built.err));
        const CliResult r = CliProcess::run({ "run", dir, "-o", "1" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList runs = QDir(dir + "/data").entryList({ "local-*" }, QDir::Dirs, QDir::Name);
        QCOMPARE(runs.size(), 1);
        const QString run = dir + "/data/" + runs.first();
        QFile provenance(run + "/config/provenance.json");
        QVERIFY2(provenance.open(QIODevice::ReadOnly), qPrintable(provenance.fileName()));
        const QJsonObject record = QJsonDocument::fromJson(provenance.readAll()).object();
        QCOMPARE(record.value("commit").toString(), project.repo().git({ "rev-parse", "HEAD" }));
        QCOMPARE(record.value("dirty").toBool(), true);
        QCOMPARE(runConfig(run).value("dirty").toBool(), true);
        // Committed, it is clean, though its data/ holds a run.
        project.repo().commitAll("the fresh experiment");
        QCOMPARE(CliProcess::run({ "run", dir, "-o", "2" }).exitCode, 0);
        QCOMPARE(runConfig(dir + "/data/" + QDir(dir + "/data").entryList({ "local-*" }, QDir::Dirs, QDir::Name).last())
                     .value("dirty")
                     .toBool(),
                 false);
        QProcess::execute("docker", { "rmi", "-f", "--no-prune", "logistician/" + project.name() + "-fresh" });
    }

    void cloneRunsTheCommittedCode()
    {
        TestProject project;
        CHECKED(build(project));
        project.repo().writeFile("args.sh", "#!/bin/sh\necho uncommitted edit\n", true);
        const CliResult working = CliProcess::run({ "run", project.experimentDir(), "-o", "1" });
        QCOMPARE(working.out, QString("uncommitted edit\n"));
        QVERIFY(runConfig(project.lastRunDir()).value("dirty").toBool());

        const CliResult cloned = CliProcess::run({ "run", project.experimentDir(), "--clone", "-o", "1" });
        QVERIFY2(cloned.exitCode == 0, qPrintable(cloned.err));
        QCOMPARE(cloned.out, QString("<1>\n"));
        const QJsonObject config = runConfig(project.lastRunDir());
        QVERIFY(config.value("clone").toBool());
        QCOMPARE(config.value("commit").toString(), project.repo().git({ "rev-parse", "HEAD" }));
    }

    void shellRunsInTheContainerWithTheProject()
    {
        TestProject project;
        CHECKED(build(project));
        const CliResult r = CliProcess::run({ "shell", project.experimentDir() }, QString(), {},
                                            "test -x /project/args.sh && echo project-mounted; "
                                            "test -d /data/results && echo data-mounted; echo $((6*7)); exit 5\n");
        QCOMPARE(r.exitCode, 5);
        QCOMPARE(r.out, QString("project-mounted\ndata-mounted\n42\n"));
        // A shell is not a run: it leaves no run record behind.
        QCOMPARE(QDir(project.experimentDir() + "/data").entryList({ "local-*" }, QDir::Dirs).size(), 0);
    }

    void firstRunBuildsTheImage()
    {
        // Never built: run builds it first (as the original's run did, and the app's Run), then runs.
        TestProject project;
        const CliResult r = CliProcess::run({ "run", project.experimentDir(), "-o", "first" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, QString("<first>\n")); // the build's output is on stderr, stdout is the container's
        QVERIFY2(r.err.contains("$ docker build -t " + project.image()), qPrintable(r.err));
        QCOMPARE(QDir(project.experimentDir() + "/data").entryList({ "local-*" }, QDir::Dirs).size(), 1);
        // A changed Dockerfile makes the image stale: the next run builds it again and uses it.
        project.repo().writeFile("experiments/" + project.name() + "/Dockerfile",
                                 "FROM debian:bookworm-slim\nRUN echo rebuilt > /rebuilt\nWORKDIR /project\n");
        const CliResult shell
            = CliProcess::run({ "shell", project.experimentDir() }, QString(), {}, "cat /rebuilt\nexit 0\n");
        QVERIFY2(shell.exitCode == 0, qPrintable(shell.err));
        QCOMPARE(shell.out, QString("rebuilt\n"));
    }

    void noBuildOnAMissingImageFailsAndWritesNothing()
    {
        TestProject project;
        for (const char* verb : { "run", "shell" }) {
            const CliResult r = CliProcess::run({ verb, project.experimentDir(), "--no-build" });
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("image " + project.image()
                                    + " is not built yet (run with --no-build); build it "
                                      "first: `logistician build "),
                     qPrintable(r.err));
            QVERIFY2(!r.err.contains("docker build"), qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(project.experimentDir() + "/data"));
        }
        // Once built, --no-build runs the image as it is.
        CHECKED(build(project));
        const CliResult r = CliProcess::run({ "run", project.experimentDir(), "--no-build", "-o", "x" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains("docker build"), qPrintable(r.err));
        QCOMPARE(r.out, QString("<x>\n"));
    }

    void aRunThatNeverStartedLeavesNoFolder()
    {
        // docker refuses to start the container (a GPU asked for on a machine without one): exit
        // code 125 and docker's words, but no run folder for `results` to list as a failed run.
        TestProject project;
        project.setParameters({ { "gpus", 1 } });
        CHECKED(build(project));
        const CliResult r = CliProcess::run({ "run", project.experimentDir(), "-o", "x", "--json" });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("docker could not start the container"), qPrintable(r.err));
        QCOMPARE(QDir(project.experimentDir() + "/data").entryList({ "local-*" }, QDir::Dirs), QStringList());
        QVERIFY2(QJsonDocument::fromJson(r.out.toUtf8()).object().value("run_dir").isNull(), qPrintable(r.out));
        const CliResult results = CliProcess::run({ "results", project.experimentDir(), "--json" });
        QVERIFY2(!results.out.contains("125"), qPrintable(results.out));
    }
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "TestCliRun.moc"
