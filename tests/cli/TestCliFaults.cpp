// SPDX-License-Identifier: MIT
#include "CliProcess.h"
#include "ParameterSchema.h"
#include "SshMachines.h"
#include "TestProject.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>
#include <csignal>
#include <sys/stat.h>

// Bad input and faults: one clear line, the documented exit code, nothing written.
class TestCliFaults : public QObject
{
    Q_OBJECT
private:
    static QStringList errorLines(const QString& err)
    {
        QStringList lines;
        for (const QString& line : err.split('\n', Qt::SkipEmptyParts)) {
            if (!line.startsWith("$ "))
                lines << line;
        }
        return lines;
    }
    static bool dataWritten(const TestProject& project) { return QFileInfo::exists(project.experimentDir() + "/data"); }
    static bool stateWritten(const TestProject& project)
    {
        return QFileInfo::exists(project.experimentDir() + "/.logistician");
    }
    // parameters.json with `line` as its 4th line (and two conditions after it unless the line
    // has its own), committed, so nothing but the value can stop a verb.
    static QString writeParameters(TestProject& project, const QByteArray& line)
    {
        const QString path = project.experimentDir() + "/parameters.json";
        const QByteArray conditions
            = line.contains("experiment_conditions") ? "" : ",\n  \"experiment_conditions\": [\"a\", \"b\"]";
        const QByteArray text = "{\n  \"experiment_name\": \"" + project.name().toUtf8()
            + "\",\n  \"experiment_command\": \"sh args.sh\",\n" + line + conditions + "\n}\n";
        project.repo().writeFile(QDir(project.root()).relativeFilePath(path), text);
        project.repo().commitAll("hostile parameters");
        return path;
    }

private Q_SLOTS:
    // deploy --auto-stop / --max-runtime: minutes as parameters.json takes them, refused otherwise (exit 2,
    // nothing written); a limit given reaches the docker run the deploy makes.
    void deployLimitsOnTheCommandLine()
    {
        TestProject project;
        for (const QString& flag : { QStringLiteral("--auto-stop"), QStringLiteral("--max-runtime") }) {
            // One past parameters.json's bound (ParameterSchema::MaxMinutes) is refused as the file would be.
            for (const QString& bad : { QStringLiteral("x"), QStringLiteral("-1"), QStringLiteral("1.5"),
                                        QString::number(ParameterSchema::MaxMinutes + 1) }) {
                const CliResult r = CliProcess::run(
                    { "deploy", "--backend", "local", "--dry-run", flag + "=" + bad, project.experimentDir() });
                QCOMPARE(r.exitCode, 2);
                QVERIFY2(r.err.contains(flag + ": \"" + bad + "\" is not a whole number of minutes"),
                         qPrintable(r.err));
            }
        }
        QVERIFY(!stateWritten(project));
        const CliResult limited = CliProcess::run(
            { "deploy", "--backend", "local", "--dry-run", "--max-runtime", "2", project.experimentDir() });
        QCOMPARE(limited.exitCode, 0);
        QVERIFY2(limited.out.contains("LOGISTICIAN_MAX_RUNTIME_SECONDS=120"), qPrintable(limited.out));
        // The bound itself is taken, and reaches the runner in seconds without overflowing.
        const CliResult longest
            = CliProcess::run({ "deploy", "--backend", "local", "--dry-run", "--max-runtime",
                                QString::number(ParameterSchema::MaxMinutes), project.experimentDir() });
        QCOMPARE(longest.exitCode, 0);
        QVERIFY2(
            longest.out.contains(
                QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS=%1").arg(qint64(ParameterSchema::MaxMinutes) * 60)),
            qPrintable(longest.out));
        const CliResult unlimited
            = CliProcess::run({ "deploy", "--backend", "local", "--dry-run", project.experimentDir() });
        QCOMPARE(unlimited.exitCode, 0);
        QVERIFY2(!unlimited.out.contains("LOGISTICIAN_MAX_RUNTIME_SECONDS"), qPrintable(unlimited.out));
        QVERIFY(!stateWritten(project));
    }

    void malformedParameters()
    {
        TestProject project;
        const QString path = project.experimentDir() + "/parameters.json";
        const QByteArray broken = "{\n  \"experiment_name\": \"x\",\n  \"experiment_conditions\": 5\n}\n";
        project.repo().writeFile(QDir(project.root()).relativeFilePath(path), broken);
        for (const char* verb : { "build", "run", "shell" }) {
            const CliResult r = CliProcess::run({ verb, project.experimentDir() });
            QCOMPARE(r.exitCode, 2);
            const QStringList lines = errorLines(r.err);
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines.first().contains(path + ":3:28: experiment_conditions must be a list of strings"),
                     qPrintable(lines.first()));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), broken);
        QVERIFY(!dataWritten(project));
    }

    // Issue 10: every value that reaches ssh, rsync, docker or a shell is refused when
    // parameters.json loads, with file:line:col and exit code 2, before anything runs.
    void hostileValuesAreRefusedAtLoad_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QStringList>("verb");
        QTest::addColumn<QString>("expected"); // after "PATH:"
        const QStringList deployLocal { "deploy", "--backend", "local", "--yes" };
        QTest::newRow("host read as an ssh option") << QByteArray("  \"hosts\": [\"-F.evil@127.0.0.61:23461\"]")
                                                    << QStringList { "deploy", "--backend", "ssh", "--yes" }
                                                    << "4:13: hosts item 1 has a user or host beginning with '-'";
        QTest::newRow("port out of range")
            << QByteArray("  \"hosts\": [\"me@127.0.0.61:99999\"]")
            << QStringList { "deploy", "--backend", "ssh", "--yes" } << "4:13: hosts item 1 has port 99999";
        QTest::newRow("grid key with a quote") << QByteArray("  \"parameter_grid\": {\"x'y\": [1]}") << deployLocal
                                               << "4:22: parameter_grid key \"x'y\" must be";
        QTest::newRow("grid key, run") << QByteArray("  \"parameter_grid\": {\"x'y\": [1]}")
                                       << QStringList { "run", "--condition", "3" }
                                       << "4:22: parameter_grid key \"x'y\" must be";
        QTest::newRow("docker command runs a shell")
            << QByteArray("  \"local_docker_command\": \"sh -c 'touch /tmp/logistician-pwn-cli' docker\"")
            << QStringList { "build" } << "4:27: local_docker_command must be docker, nvidia-docker or podman";
        QTest::newRow("NUL in a condition")
            << QByteArray("  \"experiment_conditions\": [\"a\\u0000b c\"]") << QStringList { "run", "--condition", "1" }
            << "4:29: experiment_conditions item 1: contains a NUL character";
        QTest::newRow("newline in a condition")
            << QByteArray("  \"experiment_conditions\": [\"--a '1\\n2'\"]") << deployLocal
            << "4:29: experiment_conditions item 1: contains a line break";
        QTest::newRow("registry with spaces")
            << QByteArray("  \"registry\": \"my registry\"") << deployLocal << "4:15: registry must be a registry host";
        QTest::newRow("duplicate key") << QByteArray("  \"experiment_command\": \"true\"") << QStringList { "run" }
                                       << "4:3: duplicate key \"experiment_command\"";
    }
    void hostileValuesAreRefusedAtLoad()
    {
        QFETCH(QByteArray, line);
        QFETCH(QStringList, verb);
        QFETCH(QString, expected);
        QFile::remove("/tmp/logistician-pwn-cli");
        TestProject project;
        const QString path = writeParameters(project, line);
        const CliResult r = CliProcess::run(QStringList { verb.first(), project.experimentDir() } + verb.mid(1),
                                            QString(), {}, QByteArray(), 120000);
        QCOMPARE(r.exitCode, 2);
        const QStringList lines = errorLines(r.err);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().contains(path + ":" + expected), qPrintable(lines.first()));
        QVERIFY(!dataWritten(project));
        QVERIFY(!stateWritten(project));
        QVERIFY(!QFile::exists("/tmp/logistician-pwn-cli"));
    }

    void invalidUtf8InOptionsIsRefused()
    {
        TestProject project;
        // Through sh, so the byte 0xFF reaches argv as it is.
        const CliResult r = CliProcess::run({ "-c", "exec \"$0\" run \"$1\" -o \"$(printf 'a\\377b')\"",
                                              CliProcess::binary(), project.experimentDir() },
                                            QString(), {}, QByteArray(), 120000, "/bin/sh");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("run: -o is not valid UTF-8"), qPrintable(r.err));
        QCOMPARE(errorLines(r.err).size(), 1);
        QVERIFY(!dataWritten(project));
    }

    void parametersThatAreNotAFile()
    {
        TestProject project;
        const QString path = project.experimentDir() + "/parameters.json";
        QVERIFY(QFile::remove(path));
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        // A FIFO used to block every verb forever.
        const CliResult fifo
            = CliProcess::run({ "build", project.experimentDir() }, QString(), {}, QByteArray(), 20000);
        QCOMPARE(fifo.exitCode, 2);
        QVERIFY2(fifo.err.contains(path + ": not a regular file"), qPrintable(fifo.err));
        // A symlink to /dev/zero used to abort with std::bad_alloc.
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::link("/dev/zero", path));
        const CliResult zero = CliProcess::run({ "run", project.experimentDir() }, QString(), {}, QByteArray(), 20000);
        QCOMPARE(zero.exitCode, 2);
        QVERIFY2(zero.err.contains(path + ": not a regular file"), qPrintable(zero.err));
        QVERIFY(!dataWritten(project));
    }

    void missingDockerfile()
    {
        TestProject project;
        QVERIFY(QFile::remove(project.experimentDir() + "/Dockerfile"));
        for (const char* verb : { "build", "run" }) {
            const CliResult r = CliProcess::run({ verb, project.experimentDir() });
            QCOMPARE(r.exitCode, 2);
            QCOMPARE(errorLines(r.err).size(), 1);
            QVERIFY2(r.err.contains("Dockerfile"), qPrintable(r.err));
        }
        QVERIFY(!dataWritten(project));
    }

    void notAnExperimentOrNotInGit()
    {
        QTemporaryDir plain;
        QFile f(plain.filePath("parameters.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"experiment_name\": \"x\", \"experiment_command\": \"true\"}");
        f.close();
        QFile d(plain.filePath("Dockerfile"));
        QVERIFY(d.open(QIODevice::WriteOnly));
        d.write("FROM debian:bookworm-slim\n");
        d.close();
        const CliResult r = CliProcess::run({ "run", plain.path() });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is not inside a Git repository"), qPrintable(r.err));
        QCOMPARE(errorLines(r.err).size(), 1);
        QVERIFY(!QFileInfo::exists(plain.filePath("data")));

        QTemporaryDir empty;
        const CliResult none = CliProcess::run({ "build" }, empty.path());
        QCOMPARE(none.exitCode, 2);
        QVERIFY2(none.err.contains("no parameters.json here"), qPrintable(none.err));
    }

    void noDockerEngine()
    {
        TestProject project;
        const QMap<QString, QString> env { { "DOCKER_HOST", "unix:///tmp/logistician-no-such-docker.sock" } };
        for (const char* verb : { "build", "run", "shell" }) {
            const CliResult r = CliProcess::run({ verb, project.experimentDir() }, QString(), env);
            QCOMPARE(r.exitCode, 1);
            const QStringList lines = errorLines(r.err);
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines.first().contains("no Docker engine answers at /tmp/logistician-no-such-docker.sock"),
                     qPrintable(lines.first()));
        }
        QVERIFY(!dataWritten(project));
    }

    void usageErrors()
    {
        const CliResult unknown = CliProcess::run({ "deplyo" });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("unknown verb \"deplyo\""));
        const CliResult option = CliProcess::run({ "run", "--no-such-option" });
        QCOMPARE(option.exitCode, 2);
        QVERIFY2(option.err.contains("run: unknown option --no-such-option\nUsage: logistician run "),
                 qPrintable(option.err));
        TestProject project;
        const CliResult both = CliProcess::run({ "run", project.experimentDir(), "-o", "1", "--condition", "1" });
        QCOMPARE(both.exitCode, 2);
        const CliResult range = CliProcess::run({ "run", project.experimentDir(), "--condition", "9" });
        QCOMPARE(range.exitCode, 2);
        QVERIFY(range.err.contains("between 1 and 2"));
        // A backend name from the command line is checked like parameters.json's.
        const CliResult backend
            = CliProcess::run({ "deploy", project.experimentDir(), "--backend", "-oProxyCommand=x" });
        QCOMPARE(backend.exitCode, 2);
        QVERIFY2(backend.err.contains("unknown backend \"-oProxyCommand=x\""), qPrintable(backend.err));
        QVERIFY(!QFileInfo::exists(project.experimentDir() + "/.logistician"));
    }

    void guiWithoutDisplaySaysSo()
    {
        const CliResult help = CliProcess::run({ "gui", "--help" });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.startsWith("Usage: logistician gui [PROJECT_DIR]"));
        const CliResult r = CliProcess::run(
            {}, QString(), { { "DISPLAY", "" }, { "WAYLAND_DISPLAY", "" }, { "QT_QPA_PLATFORM", "" } });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no display to open the window on"), qPrintable(r.err));
    }

    void childrenDieWithTheCli()
    {
        // A build that takes minutes: docker build runs as the CLI's child.
        TestProject project;
        const QString relative = QDir(project.root()).relativeFilePath(project.experimentDir() + "/Dockerfile");
        project.repo().writeFile(relative,
                                 QStringLiteral("FROM debian:bookworm-slim\nRUN echo %1 && sleep 300\n")
                                     .arg(QUuid::createUuid().toString(QUuid::Id128))
                                     .toUtf8());
        QProcess cli;
        cli.start(CliProcess::binary(), { "build", project.experimentDir() });
        QVERIFY(cli.waitForStarted());
        auto alive = [](qint64 pid) {
            QFile stat(QString("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                return false;
            const QByteArray text = stat.readAll();
            return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
        };
        auto dockerBuild = [&cli] {
            for (qint64 pid : SshMachines::descendants(cli.processId())) {
                QFile cmdline(QString("/proc/%1/cmdline").arg(pid));
                const QList<QByteArray> argv
                    = cmdline.open(QIODevice::ReadOnly) ? cmdline.readAll().split('\0') : QList<QByteArray>();
                if (argv.size() > 1 && argv.at(0).endsWith("docker") && argv.at(1) == "build")
                    return pid;
            }
            return qint64(0);
        };
        qint64 child = 0;
        QTRY_VERIFY_WITH_TIMEOUT((child = dockerBuild()) != 0, 20000);
        QThread::sleep(1);
        const QList<qint64> children = SshMachines::descendants(cli.processId());
        QVERIFY(children.contains(child));
        // Killed outright: no chance to clean up, yet the child goes with it.
        ::kill(static_cast<pid_t>(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished());
        for (qint64 pid : std::as_const(children))
            QTRY_VERIFY2_WITH_TIMEOUT(!alive(pid), qPrintable(QString("child %1 outlived the CLI").arg(pid)), 10000);
    }

    void guiWithADisplayThatDoesNotAnswer()
    {
        // A display is named but no server answers there: an error and exit code 1, not an abort.
        const CliResult r = CliProcess::run(
            { "gui" }, QString(), { { "DISPLAY", ":97" }, { "WAYLAND_DISPLAY", "" }, { "QT_QPA_PLATFORM", "" } },
            QByteArray(), 60000);
        QVERIFY2(r.exitCode == 1, qPrintable(QString::number(r.exitCode) + ": " + r.err));
        QVERIFY2(r.err.contains("cannot open the window: no display answers (DISPLAY=:97)"), qPrintable(r.err));
    }

    void helpAndVersion()
    {
        const CliResult help = CliProcess::run({ "--help" });
        QCOMPARE(help.exitCode, 0);
        for (const char* verb : { "setup", "create", "build", "run", "shell", "gui" })
            QVERIFY2(help.out.contains(QString("  ") + verb), verb);
        const CliResult version = CliProcess::run({ "--version" });
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("logistician "));
        // The second line names the commit built from, which the source repository has (issue 17).
        const QRegularExpressionMatch commit
            = QRegularExpression(QStringLiteral("\\ncommit ([0-9a-f]{40}|unknown)( \\(dirty\\))?\\n$"))
                  .match(version.out);
        QVERIFY2(commit.hasMatch(), qPrintable(version.out));
        if (commit.captured(1) != QLatin1String("unknown")) {
            QProcess git;
            git.start(QStringLiteral("git"),
                      { QStringLiteral("-C"), qEnvironmentVariable("LOGISTICIAN_DATA_DIR"), QStringLiteral("cat-file"),
                        QStringLiteral("-e"), commit.captured(1) + QStringLiteral("^{commit}") });
            QVERIFY(git.waitForFinished(10000));
            QVERIFY2(git.exitCode() == 0, qPrintable(commit.captured(1)));
        }
        const CliResult verbHelp = CliProcess::run({ "run", "--help" });
        QCOMPARE(verbHelp.exitCode, 0);
        QVERIFY(verbHelp.out.contains("--clone"));
        QVERIFY(verbHelp.out.contains("Usage: logistician run"));
    }
};

QTEST_GUILESS_MAIN(TestCliFaults)
#include "TestCliFaults.moc"
