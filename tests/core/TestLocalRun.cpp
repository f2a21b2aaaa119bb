// SPDX-License-Identifier: MIT
#include "Experiment.h"
#include "LocalRun.h"
#include "ScratchRepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

// A local run up to the point docker would start: the data folder it makes,
// the run record, and the docker argv with the arguments passed verbatim.
// Nothing is started, so no engine is needed.
class TestLocalRun : public QObject
{
    Q_OBJECT
private:
    static void writeExperiment(ScratchRepository& repo, const QByteArray& command)
    {
        repo.writeFile("experiments/e1/Dockerfile", "FROM debian:bookworm-slim\n");
        repo.writeFile("experiments/e1/parameters.json",
                       "{\"experiment_name\": \"LocalRunTest\", \"experiment_command\": \"" + command
                           + "\", \"experiment_conditions\": [\"--a 1\"]}\n");
        repo.writeFile("experiments/e1/.gitignore", "data/\n.logistician/\n");
        repo.writeFile("run.sh", "echo committed\n");
    }
    static QJsonObject readJson(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
    }

private Q_SLOTS:
    void prepareMakesTheDataFolderAndTheDockerArgv()
    {
        ScratchRepository repo;
        writeExperiment(repo, "sh run.sh --fixed");
        const QString head = repo.commitAll();
        Experiment experiment;
        const auto openedExperiment = Experiment::open(repo.filePath("experiments/e1"));
        QVERIFY2(openedExperiment, "open");
        experiment = *openedExperiment;
        const QStringList arguments { "--lr", "0.1; rm -rf /", "$(id)", "it's", "" };
        LocalRun::Options options;
        options.arguments = arguments;
        LocalRun run(experiment, options);
        const Result prepared = run.prepare();
        QVERIFY2(prepared, qPrintable(prepared.message()));

        const QString data = run.dataDir();
        QCOMPARE(QFileInfo(data).dir().path(), experiment.dataDir());
        QVERIFY2(QFileInfo(data).fileName().startsWith("local-"), qPrintable(data));
        for (const char* sub : { "logs", "config", "results" })
            QVERIFY2(QFileInfo(data + "/" + sub).isDir(), sub);

        const Command& c = run.command();
        QCOMPARE(c.program, QString("docker"));
        QCOMPARE(c.arguments.first(), QString("run"));
        // The image, then the command's words, then the arguments exactly as given: no shell in between.
        const int image = static_cast<int>(c.arguments.indexOf(experiment.imageTag()));
        QVERIFY(image > 0);
        QCOMPARE(c.arguments.mid(image + 1), QStringList({ "sh", "run.sh", "--fixed" }) + arguments);
        QVERIFY(c.arguments.contains(experiment.projectRoot() + ":/project"));
        QVERIFY(c.arguments.contains(data + ":/data"));

        const QJsonObject config = readJson(data + "/config/run.json");
        QCOMPARE(config.value("commit").toString(), head);
        QCOMPARE(config.value("dirty").toBool(), false);
        QCOMPARE(config.value("clone").toBool(), false);
        QCOMPARE(config.value("arguments").toArray().toVariantList().size(), arguments.size());
        QCOMPARE(config.value("arguments").toArray().at(1).toString(), arguments.at(1));
        QCOMPARE(config.value("image").toString(), experiment.imageTag());

        // A second run in the same second gets a folder of its own.
        LocalRun second(experiment, LocalRun::Options {});
        QVERIFY(second.prepare());
        QVERIFY(second.dataDir() != data);
        QVERIFY(QFileInfo(second.dataDir() + "/config/run.json").isFile());
    }

    void cloneMountsTheCommittedFiles()
    {
        ScratchRepository repo;
        writeExperiment(repo, "sh run.sh");
        repo.commitAll();
        repo.writeFile("run.sh", "echo uncommitted\n");
        Experiment experiment;
        const auto openedExperiment = Experiment::open(repo.filePath("experiments/e1"));
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;

        LocalRun working(experiment, LocalRun::Options {});
        QVERIFY(working.prepare());
        QVERIFY(readJson(working.dataDir() + "/config/run.json").value("dirty").toBool());

        LocalRun::Options options;
        options.clone = true;
        LocalRun run(experiment, options);
        const Result prepared = run.prepare();
        QVERIFY2(prepared, qPrintable(prepared.message()));
        QString mounted;
        for (const QString& a : run.command().arguments) {
            if (a.endsWith(":/project"))
                mounted = a.chopped(int(strlen(":/project")));
        }
        QVERIFY(!mounted.isEmpty());
        QVERIFY(mounted != experiment.projectRoot());
        QFile script(mounted + "/run.sh");
        QVERIFY(script.open(QIODevice::ReadOnly));
        QCOMPARE(script.readAll(), QByteArray("echo committed\n"));
        QCOMPARE(readJson(run.dataDir() + "/config/run.json").value("clone").toBool(), true);
    }

    void badExperimentsAreBadInputAndMakeNothing()
    {
        ScratchRepository repo;
        writeExperiment(repo, "");
        repo.commitAll();
        Experiment experiment;
        const auto openedExperiment = Experiment::open(repo.filePath("experiments/e1"));
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        LocalRun run(experiment, LocalRun::Options {});
        const Result r = run.prepare();
        QCOMPARE(r.exitCode(), 2);
        QVERIFY2(r.message().contains("experiment_command is empty"), qPrintable(r.message()));
        QVERIFY(!QFileInfo::exists(experiment.dataDir()));

        // A shell needs no command.
        LocalRun::Options shell;
        shell.interactiveShell = true;
        LocalRun session(experiment, shell);
        QVERIFY(session.prepare());
        QVERIFY(QFileInfo(session.dataDir()).fileName().startsWith("shell-"));
        QCOMPARE(session.command().arguments.last(), QString("bash"));

        QFile::remove(repo.filePath("experiments/e1/Dockerfile"));
        LocalRun noDockerfile(experiment, shell);
        const Result missing = noDockerfile.prepare();
        QCOMPARE(missing.exitCode(), 2);
        QVERIFY2(missing.message().contains("no Dockerfile"), qPrintable(missing.message()));
    }
};

QTEST_GUILESS_MAIN(TestLocalRun)
#include "TestLocalRun.moc"
