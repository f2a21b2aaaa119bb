// SPDX-License-Identifier: MIT
// What the command line echoes, through the real binary on a real local deployment: a command that
// only looks (the status script and its docker inspect, docker logs) is echoed only with --verbose;
// one that changes something (terminate's docker rm) always is.
#include "CliProcess.h"
#include "TestProject.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

class TestCliEcho : public QObject
{
    Q_OBJECT
private:
    // The echoed command lines ("$ ...") of a run's stderr.
    static QStringList echoes(const CliResult& r)
    {
        QStringList found;
        for (const QString& line : r.err.split('\n'))
            if (line.startsWith("$ "))
                found << line;
        return found;
    }

private Q_SLOTS:
    void onlyWhatChangesIsEchoed()
    {
        TestProject project("sh work.sh");
        project.repo().writeFile("work.sh", "#!/bin/sh\necho \"start $1\"\nsleep \"$2\"\necho \"end $1\"\n", true);
        project.setParameters({ { "experiment_conditions", QJsonArray { "a 0", "b 30" } } });
        project.repo().commitAll("work");
        const QString dir = project.experimentDir();
        QCOMPARE(CliProcess::run({ "build", dir }).exitCode, 0);
        const CliResult deployed = CliProcess::run({ "deploy", "--backend", "local", "--yes", dir });
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));

        // status opens with the sweep line: no script, no docker inspect before the table.
        const CliResult status = CliProcess::run({ "status", dir });
        QVERIFY2(status.exitCode == 0, qPrintable(status.err));
        QVERIFY2(QRegularExpression("^\\d+ of 2 done").match(status.out).hasMatch(), qPrintable(status.out));
        QVERIFY2(echoes(status).isEmpty(), qPrintable(status.err));
        QVERIFY2(!status.err.contains("docker inspect"), qPrintable(status.err));
        QVERIFY2(status.err.count('\n') <= 2, qPrintable(status.err));
        // --verbose shows them.
        const CliResult verbose = CliProcess::run({ "status", "--verbose", dir });
        QVERIFY2(verbose.exitCode == 0, qPrintable(verbose.err));
        QVERIFY2(verbose.err.contains("\n$ sh -c ") || verbose.err.startsWith("$ sh -c "), qPrintable(verbose.err));
        QVERIFY2(verbose.err.contains("docker inspect"), qPrintable(verbose.err));

        // logs: the log and nothing else; the docker logs with --verbose.
        QTRY_VERIFY_WITH_TIMEOUT(CliProcess::run({ "logs", dir, "1" }).out.contains("end a"), 30000);
        const CliResult logs = CliProcess::run({ "logs", dir, "1" });
        QCOMPARE(logs.exitCode, 0);
        QCOMPARE(logs.out, QStringLiteral("start a\nend a\n"));
        QVERIFY2(echoes(logs).isEmpty(), qPrintable(logs.err));
        const CliResult logsVerbose = CliProcess::run({ "logs", "--verbose", dir, "1" });
        QVERIFY2(logsVerbose.err.contains("$ docker logs "), qPrintable(logsVerbose.err));

        // terminate changes things: its stop and removal are echoed, without --verbose.
        const CliResult terminated = CliProcess::run({ "terminate", "--yes", "--force", dir });
        QVERIFY2(terminated.exitCode == 0, qPrintable(terminated.err));
        QVERIFY2(!echoes(terminated).isEmpty(), qPrintable(terminated.err));
        QVERIFY2(terminated.err.contains("docker rm -f logistician-"), qPrintable(terminated.err));
        QVERIFY2(!terminated.err.contains("docker inspect"), qPrintable(terminated.err));
    }

    // With --verbose, each step of a deploy is in the debug log (logistician.deploy), in order; without, none is.
    void deployStepsLoggedWithVerbose()
    {
        TestProject project("sh work.sh");
        project.repo().writeFile("work.sh", "#!/bin/sh\necho \"ran $1\"\n", true);
        project.setParameters({ { "experiment_conditions", QJsonArray { "a" } } });
        project.repo().commitAll("work");
        const QString dir = project.experimentDir();
        const CliResult deployed = CliProcess::run({ "--verbose", "deploy", "--backend", "local", "--yes", dir });
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        qsizetype at = -1;
        for (const char* step :
             { "deploy step: start", "deploy step: Git probed", "deploy step: code exported",
               "deploy step: hand the conditions over", "deploy step: finish", "deploy step: end; ok" }) {
            const qsizetype next = deployed.err.indexOf(QLatin1String(step));
            QVERIFY2(next > at,
                     qPrintable(QStringLiteral("%1 missing or out of order in:\n%2").arg(step, deployed.err)));
            at = next;
        }
        const CliResult quiet = CliProcess::run({ "terminate", "--yes", "--force", dir });
        QVERIFY2(quiet.exitCode == 0, qPrintable(quiet.err));
        QVERIFY2(!quiet.err.contains("deploy step"), qPrintable(quiet.err));
    }
};

QTEST_GUILESS_MAIN(TestCliEcho)
#include "TestCliEcho.moc"
