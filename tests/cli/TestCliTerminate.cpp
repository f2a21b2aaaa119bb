// SPDX-License-Identifier: MIT
// terminate's own steps through the real binary, none of which reaches a machine: --experiment and a folder are
// one or the other, --condition needs the experiment's folder and takes numbers from 1, a path known nowhere and a
// name that is none are bad input naming them, a folder with nothing deployed is done, and a deployment is not
// terminated without a question (or --yes). logs and sync open the same saved deployment (Verb::openDeployment).
#include "CliProcess.h"
#include "TestProject.h"
#include "deploy/DeploymentState.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TestCliTerminate : public QObject
{
    Q_OBJECT
private:
    static CliResult run(const QStringList& args, const QString& dir)
    {
        const CliResult r = CliProcess::run(args, dir);
        qDebug().noquote() << "logistician" << args.join(QLatin1Char(' ')) << "->" << r.exitCode << "\n"
                           << r.err << r.out;
        return r;
    }
    // A running local deployment of the project's experiment, saved (and sealed) as this user's, as deploy
    // leaves it: nothing runs, so only the steps before terminating can be asked of it.
    static bool saveDeployment(const TestProject& project)
    {
        const QJsonObject condition { { "index", 1 },     { "condition", "a" }, { "arguments", QJsonArray { "a" } },
                                      { "slug", "c1-a" }, { "host", "local" },  { "phase", "running" },
                                      { "attempt", 1 },   { "last_attempt", 1 } };
        const QJsonObject state { { "experiment", project.name() },
                                  { "backend", "local" },
                                  { "commit", QString(40, QLatin1Char('a')) },
                                  { "image", "logistician/" + project.name() + ":aaaa" },
                                  { "hosts",
                                    QJsonArray { QJsonObject { { "address", "local" }, { "home", "/root" } } } },
                                  { "conditions", QJsonArray { condition } } };
        return DeploymentState::fromJson(state).save(project.experimentDir() + "/.logistician").isOk();
    }

private Q_SLOTS:
    void argumentsThatDoNotGoTogetherAreRefused()
    {
        TestProject project;
        const CliResult both
            = run({ "terminate", "--experiment", project.name(), project.experimentDir() }, project.root());
        QCOMPARE(both.exitCode, 2);
        QVERIFY2(both.err.contains("--experiment and an experiment folder are one or the other"), qPrintable(both.err));
        const CliResult condition
            = run({ "terminate", "--experiment", project.name(), "--condition", "1" }, project.root());
        QCOMPARE(condition.exitCode, 2);
        QVERIFY2(condition.err.contains("--condition needs the experiment's own folder"), qPrintable(condition.err));
        for (const QString& bad : { QStringLiteral("0"), QStringLiteral("x"), QStringLiteral("1,-2") }) {
            const CliResult number = run({ "terminate", project.experimentDir(), "--condition", bad }, project.root());
            QCOMPARE(number.exitCode, 2);
            QVERIFY2(number.err.contains("--condition takes condition numbers from 1"), qPrintable(number.err));
        }
    }

    void whatIsKnownNowhereIsNamed()
    {
        TestProject project;
        QTemporaryDir elsewhere;
        const QString gone = elsewhere.filePath("no-such-experiment");
        const CliResult path = run({ "terminate", "--experiment", gone, "--yes" }, project.root());
        QCOMPARE(path.exitCode, 2);
        QVERIFY2(path.err.contains(gone + ": no deployment of this folder is known"), qPrintable(path.err));
        const CliResult name = run({ "terminate", "--experiment", "no name!", "--yes" }, project.root());
        QCOMPARE(name.exitCode, 2);
        QVERIFY2(name.err.contains("terminate: --experiment 'no name!': not an experiment name or folder"),
                 qPrintable(name.err));
    }

    void aFolderWithNothingDeployedIsDone()
    {
        TestProject project;
        const CliResult r = run({ "terminate", project.experimentDir() }, project.root());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("nothing is deployed for " + project.experimentDir()), qPrintable(r.err));
        const CliResult json = run({ "terminate", project.experimentDir(), "--json" }, project.root());
        QCOMPARE(json.exitCode, 0);
        const QJsonObject document = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(document.value("verb").toString(), QStringLiteral("terminate"));
        QCOMPARE(document.value("exit_code").toInt(-1), 0);
    }

    void aDeploymentIsNotTerminatedWithoutAQuestion()
    {
        TestProject project;
        QVERIFY(saveDeployment(project));
        // No terminal to ask on (the test's pipe): bad input saying what to pass, and nothing changes.
        for (const QStringList& extra : { QStringList(), QStringList { "--condition", "1" } }) {
            const CliResult r = run(QStringList { "terminate", project.experimentDir() } + extra, project.root());
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("terminate: pass --yes to terminate without a question"), qPrintable(r.err));
        }
        const ResultOf<DeploymentState> still = DeploymentState::load(project.experimentDir() + "/.logistician");
        QVERIFY2(still, qPrintable(still.message()));
        QVERIFY(!still->terminated);
        QCOMPARE(still->conditions.at(0).phase, DeploymentState::Phase::Running);

        // logs and sync open it the same way: a condition it does not have is named.
        const CliResult logs = run({ "logs", project.experimentDir(), "7" }, project.root());
        QCOMPARE(logs.exitCode, 2);
        QVERIFY2(logs.err.contains("logs: no condition \"7\""), qPrintable(logs.err));
        const CliResult sync = run({ "sync", project.experimentDir(), "--condition", "0" }, project.root());
        QCOMPARE(sync.exitCode, 2);
        QVERIFY2(sync.err.contains("sync: --condition takes condition numbers from 1"), qPrintable(sync.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTerminate)
#include "TestCliTerminate.moc"
