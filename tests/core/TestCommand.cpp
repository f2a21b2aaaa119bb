// SPDX-License-Identifier: MIT
#include "Command.h"
#include "CommandLog.h"
#include "CommandRunner.h"
#include "Docker.h"
#include "ToolCheck.h"
#include "deploy/LabelledContainers.h"
#include "deploy/Provenance.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void displayQuotesArguments()
    {
        Command c;
        c.program = "docker";
        c.arguments = { "run", "img", "a b", "$(x)" };
        QCOMPARE(c.display(), QString("docker run img 'a b' '$(x)'"));
    }

    void runSpecBecomesArguments()
    {
        Docker::RunSpec spec;
        spec.image = "img";
        spec.name = "c1";
        spec.projectDir = "/p";
        spec.dataDir = "/d";
        spec.volumes = { "/w.sh:/logistician/run.sh:ro" };
        spec.environment = { "LOGISTICIAN_MAX_RUNTIME_SECONDS=600" };
        spec.command = { "sh", "run.sh" };
        spec.arguments = { "--lr", "0.1; rm -rf /" };
        const Command c = Docker::run(spec);
        QCOMPARE(c.program, QString("docker"));
        QCOMPARE(c.arguments, QStringList({ "run",          "--rm",
                                            "--name",       "c1",
                                            "--pull",       "never",
                                            "-v",           "/p:/project",
                                            "-v",           "/d:/data",
                                            "-v",           "/w.sh:/logistician/run.sh:ro",
                                            "-e",           "LOGISTICIAN_MAX_RUNTIME_SECONDS=600",
                                            "-w",           "/project",
                                            "img",          "sh",
                                            "run.sh",       "--lr",
                                            "0.1; rm -rf /" }));
        spec.docker = "sudo nvidia-docker";
        QCOMPARE(Docker::run(spec).program, QString("sudo"));
        // nvidia-docker is docker with the GPUs asked for: modern hosts have only docker and the NVIDIA toolkit.
        QCOMPARE(Docker::run(spec).arguments.first(), QString("docker"));
        QVERIFY(Docker::run(spec).arguments.join(' ').contains("--gpus all"));
    }

    void loginPasswordNeverShown()
    {
        const QString password = "hunter2-Secret!";
        const Command c = Docker::login("docker", "127.0.0.1:5000", "alice", password, "/tmp/login-1");
        QVERIFY(!c.arguments.contains(password)); // not in argv
        // The credential goes into a folder made for this login, never ~/.docker.
        QCOMPARE(c.arguments.mid(0, 3), QStringList({ "--config", "/tmp/login-1", "login" }));
        QCOMPARE(Docker::push("sudo docker", "r/i:1", "/tmp/login-1").arguments,
                 QStringList({ "docker", "--config", "/tmp/login-1", "push", "r/i:1" }));
        QCOMPARE(Docker::pull("docker", "r/i:1", "/tmp/login-1").arguments,
                 QStringList({ "--config", "/tmp/login-1", "pull", "r/i:1" }));
        QVERIFY(c.standardInput.contains(password.toUtf8())); // via stdin
        QVERIFY(!c.display().contains(password));
        QVERIFY(c.display().contains("--password-stdin"));
    }

    void secretsRedactedEverywhere()
    {
        Command c;
        c.program = "terraform";
        c.arguments = { "apply", "-var", "token=abc123secret" };
        c.environment.insert("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI");
        c.environment.insert("TF_IN_AUTOMATION", "1");
        c.secretEnvironment << "AWS_SECRET_ACCESS_KEY";
        c.secrets << "abc123secret";
        const QString shown = c.display();
        QVERIFY2(!shown.contains("abc123secret"), qPrintable(shown));
        QVERIFY2(!shown.contains("wJalrXUtnFEMI"), qPrintable(shown));
        QVERIFY(shown.contains("AWS_SECRET_ACCESS_KEY=***"));
        QVERIFY(shown.contains("TF_IN_AUTOMATION=1"));
        QCOMPARE(c.redact("error: token abc123secret rejected"), QString("error: token *** rejected"));
    }

    void runnerAnnouncesStreamsAndReportsExitCode()
    {
        QSignalSpy announced(CommandLog::instance(), &CommandLog::commandStarted);
        CommandRunner runner;
        QByteArray out;
        connect(&runner, &CommandRunner::standardOutput, this, [&](const QByteArray& d) { out += d; });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c;
        c.program = "sh";
        c.arguments = { "-c", "cat; echo done; exit 3" };
        c.standardInput = "from stdin\n";
        c.secrets << "from stdin";
        runner.start(c);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(0).toInt(), 3);
        QCOMPARE(out, QByteArray("from stdin\ndone\n"));
        QCOMPARE(announced.size(), 1);
        QVERIFY(announced.first().at(0).toString().startsWith("sh -c"));
    }

    void runnerReportsMissingProgram()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c;
        c.program = "logistician-no-such-program";
        runner.start(c);
        QVERIFY(finished.size() == 1 || finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), CommandRunner::FailedToStart);
        QVERIFY(finished.first().at(1).toString().contains("not installed or not on PATH"));
    }

    void toolVersionSkipsWarnings()
    {
        QCOMPARE(
            ToolCheck::versionLine("╷\n│ Warning: There are some problems with the CLI configuration:\n│ \nTerraform "
                                   "v1.9.8\non linux_amd64\n"),
            QString("Terraform v1.9.8"));
        QCOMPARE(ToolCheck::versionLine("OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.17 1 Jul 2025\n"),
                 QString("OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.17 1 Jul 2025"));
        QCOMPARE(ToolCheck::versionLine("no digits here\n"), QString("no digits here"));
    }

    void runnerCancels()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c;
        c.program = "sleep";
        c.arguments = { "30" };
        runner.start(c);
        QTest::qWait(100);
        QVERIFY(runner.isRunning());
        runner.cancel();
        QVERIFY(finished.wait(10000));
        QVERIFY(!runner.isRunning());
    }

    // A detached program (the board's terminal) gets the command's environment and folder, not only argv.
    void detachedKeepsEnvironment()
    {
        QTemporaryDir dir;
        Command c;
        c.program = QStringLiteral("sh");
        c.arguments = { QStringLiteral("-c"),
                        QStringLiteral("printf '%s' \"$LOGISTICIAN_TEST_VALUE\" > out.tmp && mv out.tmp out.txt") };
        c.workingDirectory = dir.path();
        c.environment.insert(QStringLiteral("LOGISTICIAN_TEST_VALUE"), QStringLiteral("it's here"));
        QVERIFY(CommandRunner::startDetached(c));
        QFile out(dir.filePath(QStringLiteral("out.txt")));
        QTRY_VERIFY_WITH_TIMEOUT(out.exists(), 20000);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.readAll(), QByteArray("it's here"));
        c.refusal = QStringLiteral("unsafe");
        QVERIFY(!CommandRunner::startDetached(c));
    }

    // ToolCheck collects a tool's version from stdout or stderr (ssh -V) with AsyncCommand.
    void toolCheckFindsVersions()
    {
        ToolCheck check;
        QSignalSpy done(&check, &ToolCheck::finished);
        check.start();
        QVERIFY(done.wait(30000));
        bool sawGit = false;
        for (const ToolCheck::Tool& tool : check.tools()) {
            if (tool.name == QLatin1String("git")) {
                sawGit = true;
                QVERIFY(tool.found);
                QVERIFY2(tool.version.contains(QStringLiteral("git version")), qPrintable(tool.version));
            }
        }
        QVERIFY(sawGit);
    }

    // Blocking runs (CommandRunner::runAndWait) are announced and reported on the command log like any other, keep
    // the caller's environment with the command's own added, and are given their input.
    void runAndWaitGoesThroughTheLog()
    {
        qputenv("LOGISTICIAN_TEST_CALLER", "from-caller");
        QSignalSpy started(CommandLog::instance(), &CommandLog::commandStarted);
        QSignalSpy finished(CommandLog::instance(), &CommandLog::entryFinished);
        Command c;
        c.program = "sh";
        c.arguments = { "-c", "printf '%s %s ' \"$LOGISTICIAN_TEST_CALLER\" \"$OWN\"; cat; exit 3" };
        c.environment.insert("OWN", "own");
        c.standardInput = "typed";
        c.query = true;
        const CommandOutcome o = CommandRunner::runAndWait(c, 30000);
        QCOMPARE(o.exitCode, 3);
        QCOMPARE(o.out, QByteArray("from-caller own typed"));
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.at(0).at(0).toString(), c.display());
        QCOMPARE(started.at(0).at(1).toBool(), true); // a query: the CLI echoes it with --verbose
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).toInt(), 3);
    }

    void runAndWaitEndsWhatHangsAndWhatCannotStart()
    {
        Command sleeper;
        sleeper.program = "sleep";
        sleeper.arguments = { "30" };
        Command missing;
        missing.program = "logistician-no-such-program";
        Command refused = sleeper;
        refused.refusal = "unsafe";
        QElapsedTimer clock;
        clock.start();
        const QList<CommandOutcome> o = CommandRunner::runAndWait({ sleeper, missing, refused }, 300);
        QVERIFY(clock.elapsed() < 10000);
        QVERIFY2(!o.at(0).ok() && o.at(0).message.contains("no answer"), qPrintable(o.at(0).message));
        QCOMPARE(o.at(1).exitCode, CommandRunner::FailedToStart);
        QVERIFY2(o.at(1).message.contains("not installed"), qPrintable(o.at(1).message));
        QCOMPARE(o.at(2).exitCode, CommandRunner::FailedToStart);
        QCOMPARE(o.at(2).message, QString("unsafe"));
    }

    // The blocking paths that used to start their own QProcess: each command reaches the command log.
    void blockingPathsReachTheLog()
    {
        QSignalSpy started(CommandLog::instance(), &CommandLog::commandStarted);
        // "true" stands in for docker: it answers nothing, and the command is seen all the same.
        QVERIFY(!Provenance::inspectHere("true", "img:1").valid());
        QCOMPARE(started.size(), 1);
        QVERIFY2(started.at(0).at(0).toString().startsWith("true image inspect"),
                 qPrintable(started.at(0).at(0).toString()));
        if (Docker::engineAnswers()) { // scanLocal asks the engine first
            QStringList refused;
            QVERIFY(LabelledContainers::scanLocal("true", "exp", &refused).isEmpty());
            QCOMPARE(started.size(), 2);
            QVERIFY2(started.at(1).at(0).toString().startsWith("true ps -a"),
                     qPrintable(started.at(1).at(0).toString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestCommand)
#include "TestCommand.moc"
