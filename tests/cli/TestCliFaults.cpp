#include "CliProcess.h"
#include "TestProject.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

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
