// SPDX-License-Identifier: MIT
#include "deploy/RemoteScript.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// The aws machines' idle stop (written by templates/bootstrap/user-data.sh), run for real with a
// docker and a shutdown that only record being called: it stops an idle machine, and counts a
// live runner and Logistician's upload/build activity as work, not only a running container.
class TestIdleStop : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_script;

    void write(const QString& path, const QByteArray& text, bool executable = false)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        if (executable)
            f.setPermissions(f.permissions() | QFile::ExeOwner);
    }

    // Runs the idle stop with MINUTES 10; true when it asked to shut down.
    bool runIdleStop(const QString& base, const QString& stamp)
    {
        QFile::remove(m_dir.path() + "/shutdown-called");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", m_dir.path() + "/bin:" + env.value("PATH"));
        p.setProcessEnvironment(env);
        p.start("sh", { m_script, "10", base, stamp });
        if (!p.waitForFinished(10000) || p.exitCode() != 0)
            qWarning() << p.readAllStandardError();
        return QFileInfo::exists(m_dir.path() + "/shutdown-called");
    }

    static void age(const QString& path, int minutes)
    {
        QProcess::execute("touch", { "-d", QStringLiteral("%1 minutes ago").arg(minutes), path });
    }

    struct Answer
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    // What Logistician runs first on a host (templates/remote/home.sh, rendered as deploy does), with HOME;
    // ready is the mark of the machine's bootstrap ("" where there is none).
    Answer firstContact(const QString& home, const QString& ready)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", home);
        p.setProcessEnvironment(env);
        p.start("sh", { "-c", RemoteScript("home").set("READY", ready).render() });
        if (!p.waitForFinished(10000))
            return {};
        return { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
    }

private Q_SLOTS:
    void initTestCase()
    {
        QFile userData(qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/templates/bootstrap/user-data.sh");
        QVERIFY(userData.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(userData.readAll());
        const int start = text.indexOf("<<'SCRIPT'\n");
        const int end = text.indexOf("\nSCRIPT\n");
        QVERIFY(start > 0 && end > start);
        m_script = m_dir.path() + "/idle-stop";
        write(m_script, text.mid(start + 11, end - start - 10).toUtf8());
        write(m_dir.path() + "/bin/docker", "#!/bin/sh\ncat \"$DOCKER_PS\" 2>/dev/null\n", true);
        write(m_dir.path() + "/bin/shutdown", "#!/bin/sh\ntouch \"$(dirname \"$0\")/../shutdown-called\"\n", true);
        QVERIFY(QProcess::execute("sh", { "-n", m_script }) == 0);
    }

    void idleMachineStops()
    {
        const QString base = m_dir.path() + "/idle/logistician";
        const QString stamp = m_dir.path() + "/idle/last-active";
        QDir().mkpath(base);
        QVERIFY(!runIdleStop(base, stamp)); // first look: the clock starts
        QVERIFY(QFileInfo::exists(stamp));
        age(stamp, 5);
        QVERIFY(!runIdleStop(base, stamp));
        age(stamp, 11);
        QVERIFY(runIdleStop(base, stamp));
    }

    void aLiveRunnerIsActivity()
    {
        const QString base = m_dir.path() + "/runner/logistician";
        const QString stamp = m_dir.path() + "/runner/last-active";
        QProcess sleeper;
        sleeper.start("sleep", { "60" });
        QVERIFY(sleeper.waitForStarted());
        write(base + "/exp/runner/runner.pid", QByteArray::number(sleeper.processId()) + "\n");
        write(stamp, "");
        age(stamp, 30);
        QVERIFY(!runIdleStop(base, stamp)); // between two conditions: no container, yet not idle
        // A runner that has finished its queue is not activity.
        write(base + "/exp/runner/runner.done", "");
        age(stamp, 30);
        QVERIFY(runIdleStop(base, stamp));
        sleeper.kill();
        sleeper.waitForFinished();
    }

    void uploadAndBuildAreActivity()
    {
        const QString base = m_dir.path() + "/build/logistician";
        const QString stamp = m_dir.path() + "/build/last-active";
        write(stamp, "");
        age(stamp, 30);
        write(base + "/activity", ""); // Logistician is uploading or building right now
        QVERIFY(!runIdleStop(base, stamp));
        age(base + "/activity", 20);
        age(stamp, 30);
        QVERIFY(runIdleStop(base, stamp));
    }

    void anEndedAttemptNotUploadedHoldsTheStop()
    {
        // With a results store the idle stop ends the machine for good: never while an attempt that ended has no
        // upload marker (its folder on the machine is the only copy); once each is marked uploaded, it stops.
        const QString base = m_dir.path() + "/store/logistician";
        const QString stamp = m_dir.path() + "/store/last-active";
        const QString runner = base + "/exp/runner-i-0123456789abcdef0"; // as DeployContext::runnerDir names it
        write(runner + "/runner.done", "");
        write(runner + "/c1-a.upload.sh", "");
        write(runner + "/claims/c1-a/exit", "0\n");
        write(runner + "/claims/c1-a/uploaded", "");
        write(runner + "/c2-b.upload.sh", "");
        write(runner + "/claims/c2-b/exit", "3\n"); // ended, its upload not finished (or failed)
        write(stamp, "");
        age(stamp, 30);
        QVERIFY(!runIdleStop(base, stamp));
        QVERIFY(!runIdleStop(base, stamp));
        write(runner + "/claims/c2-b/uploaded", "");
        age(stamp, 30);
        QVERIFY(runIdleStop(base, stamp));
        // Without a store (no KEY.upload.sh) nothing waits for a marker.
        QFile::remove(runner + "/c1-a.upload.sh");
        QFile::remove(runner + "/c2-b.upload.sh");
        QFile::remove(runner + "/claims/c2-b/uploaded");
        age(stamp, 30);
        QVERIFY(runIdleStop(base, stamp));
    }

    void firstContactIsActivity()
    {
        // What Logistician runs first on a host (templates/remote/home.sh, before it uploads and builds)
        // marks ~/logistician/activity: a machine idle for long before is not stopped under the upload.
        const QString home = m_dir.path() + "/contact";
        const QString stamp = m_dir.path() + "/contact-last-active";
        QDir().mkpath(home);
        write(stamp, "");
        age(stamp, 30);
        const Answer a = firstContact(home, "");
        QCOMPARE(a.exitCode, 0);
        // Its home, then "docker" when it may use the engine already (root here, or in the docker group).
        const QList<QByteArray> lines = a.out.trimmed().split('\n');
        QCOMPARE(lines.value(0), home.toUtf8());
        QVERIFY(lines.size() == 1 || lines.value(1) == "docker");
        QVERIFY(QFileInfo::exists(home + "/logistician/activity"));
        QVERIFY(!runIdleStop(home + "/logistician", stamp));
        // Without it, the same idle machine stops.
        QFile::remove(home + "/logistician/activity");
        age(stamp, 30);
        QVERIFY(runIdleStop(home + "/logistician", stamp));
    }

    void firstContactWaitsForTheBootstrap()
    {
        // sshd answers before the bootstrap has installed Docker: until its mark is there, first contact says
        // so and exits 75 (deploy tries again), touching nothing.
        const QString home = m_dir.path() + "/booting";
        const QString ready = m_dir.path() + "/booting-root/var/lib/logistician-ready";
        QDir().mkpath(home);
        QDir().mkpath(QFileInfo(ready).path());
        Answer a = firstContact(home, ready);
        QCOMPARE(a.exitCode, 75);
        QVERIFY(a.out.isEmpty());
        QVERIFY2(a.err.contains("its bootstrap has not finished (no " + ready.toUtf8() + " yet)"), a.err.constData());
        QVERIFY(!QFileInfo::exists(home + "/logistician"));
        // A step that failed (user-data.sh's READY.failed): 76 and the step's words, no waiting for more.
        write(ready + ".failed", "installing Docker and rsync failed (exit 100); its output is in /var/log/x\n");
        a = firstContact(home, ready);
        QCOMPARE(a.exitCode, 76);
        QVERIFY2(a.err.startsWith("its bootstrap failed: installing Docker and rsync failed (exit 100)"),
                 a.err.constData());
        // Done: the home, as on any host.
        QFile::remove(ready + ".failed");
        write(ready, "");
        a = firstContact(home, ready);
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(a.out.split('\n').value(0), home.toUtf8());
        QVERIFY(QFileInfo::exists(home + "/logistician/activity"));
    }
};

QTEST_GUILESS_MAIN(TestIdleStop)
#include "TestIdleStop.moc"
