#include "CliProcess.h"
#include "SshMachines.h"
#include "TestProject.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>
#include <csignal>

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

private Q_SLOTS:
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
        QVERIFY(option.err.contains("Unknown option"));
        TestProject project;
        const CliResult both = CliProcess::run({ "run", project.experimentDir(), "-o", "1", "--condition", "1" });
        QCOMPARE(both.exitCode, 2);
        const CliResult range = CliProcess::run({ "run", project.experimentDir(), "--condition", "9" });
        QCOMPARE(range.exitCode, 2);
        QVERIFY(range.err.contains("between 1 and 2"));
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
        const CliResult verbHelp = CliProcess::run({ "run", "--help" });
        QCOMPARE(verbHelp.exitCode, 0);
        QVERIFY(verbHelp.out.contains("--clone"));
        QVERIFY(verbHelp.out.contains("Usage: logistician run"));
    }
};

QTEST_GUILESS_MAIN(TestCliFaults)
#include "TestCliFaults.moc"
