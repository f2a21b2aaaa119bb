// SPDX-License-Identifier: MIT
// The run wrapper every deployed container starts with, run in a real
// container: it records start, end and exit code, passes the arguments as
// they are, and enforces max_runtime_minutes.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestRunWrapper : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_data;

    int runWrapper(const QStringList& env, const QStringList& command)
    {
        QStringList args {
            "run",    "--rm",
            "--pull", "never",
            "-v",     qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/templates/bootstrap/run-wrapper.sh:/w.sh:ro",
            "-v",     m_data.path() + ":/data"
        };
        for (const QString& e : env)
            args << "-e" << e;
        args << "debian:bookworm-slim"
             << "sh"
             << "/w.sh";
        QProcess p;
        p.start("docker", args + command);
        if (!p.waitForFinished(60000))
            return -1;
        return p.exitCode();
    }
    QString read(const QString& relative)
    {
        QFile f(m_data.filePath(relative));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString("<missing>");
    }

private Q_SLOTS:
    void recordsExitCodeAndTimes()
    {
        QCOMPARE(runWrapper({}, { "sh", "-c", "echo \"$1\" > /data/results/arg.txt; exit 4", "argv0", "a $(b) ;c" }),
                 4);
        QCOMPARE(read("logs/exit_code.txt"), QString("4"));
        QCOMPARE(read("results/arg.txt"), QString("a $(b) ;c"));
        QVERIFY(read("logs/started_at.txt").startsWith("20"));
        QVERIFY(read("logs/finished_at.txt").startsWith("20"));
        QVERIFY(!QFile::exists(m_data.filePath("logs/timed_out.txt")));
    }

    void stopsTheCommandAfterMaxRuntime()
    {
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(runWrapper({ "LOGISTICIAN_MAX_RUNTIME_SECONDS=1" }, { "sleep", "60" }), 124);
        QVERIFY(timer.elapsed() < 30000);
        QCOMPARE(read("logs/exit_code.txt"), QString("124"));
        QVERIFY(read("logs/timed_out.txt").contains("max_runtime_minutes"));
        // Within the limit, nothing changes.
        QCOMPARE(runWrapper({ "LOGISTICIAN_MAX_RUNTIME_SECONDS=60" }, { "true" }), 0);
        QVERIFY(!QFile::exists(m_data.filePath("logs/timed_out.txt")));
    }
};

QTEST_GUILESS_MAIN(TestRunWrapper)
#include "TestRunWrapper.moc"
