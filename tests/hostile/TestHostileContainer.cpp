// SPDX-License-Identifier: MIT
#include "DeployTestKit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

// What a container can write under its /data, on the real engine through the
// real binary: it cannot declare itself done (finding 11), and a symlink it makes
// there is never written through by the host (finding 3: logs/docker.txt).
class TestHostileContainer : public QObject
{
    Q_OBJECT
private:
    static QByteArray evilScript()
    {
        return QByteArrayLiteral(
            "#!/bin/sh\n"
            "case \"$1\" in\n"
            "claim-done)\n"
            "  echo 0 > /data/logs/exit_code.txt\n"
            "  date -u +%Y-%m-%dT%H:%M:%SZ > /data/logs/finished_at.txt\n"
            "  sleep 120 ;;\n"
            "link-log)\n"
            "  ln -sf \"$2\" /data/logs/docker.txt ;;\n"
            "link-logs)\n"
            "  echo a line of its own\n"
            "  mv /data/logs /data/logs-was\n"
            // The host may make logs/ again meanwhile (its output.txt): that one goes aside
            // too, until the link is in place.
            "  n=0\n"
            "  until ln -s \"$2\" /data/logs 2>/dev/null && [ -L /data/logs ] || [ $n -ge 50 ]; do\n"
            "    n=$((n + 1)); mv /data/logs \"/data/logs-again-$n\"\n"
            "  done ;;\n"
            "escapes)\n"
            "  printf 'title \\033]0;pwned\\007 clear \\033[2J end\\n'\n"
            "  mkdir -p /data/results\n"
            "  printf '{\"\\\\u001b]52;c;aGk=\\\\u0007loss\": 1}' > /data/results/m.json ;;\n"
            "esac\n");
    }
    std::unique_ptr<TestProject> evilProject(const QStringList& conditions)
    {
        auto p = m_kit.project(conditions);
        p->repo().writeFile(QStringLiteral("evil.sh"), evilScript(), true);
        p->setParameters({ { QStringLiteral("experiment_command"), QStringLiteral("sh evil.sh") } });
        p->repo().commitAll(QStringLiteral("evil"));
        return p;
    }

    // Deploys on the local engine (--wait: to the end); exit code of deploy.
    int deploy(TestProject& project, bool wait)
    {
        QStringList args { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                           QStringLiteral("--yes") };
        if (wait)
            args << QStringLiteral("--wait");
        return m_kit.cli(project, args).exitCode;
    }
    // Whatever happened, the project's containers go at the end of the test.
    auto terminatedAtEnd(TestProject& project)
    {
        return qScopeGuard([this, &project] {
            m_kit.cli(project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
        });
    }

    DeployTestKit m_kit;

private Q_SLOTS:
    void aContainerCannotDeclareItselfDone()
    {
        auto project = evilProject({ QStringLiteral("claim-done") });
        const auto end = terminatedAtEnd(*project);
        QCOMPARE(deploy(*project, false), 0);
        // Once the container has written its "0", the engine still says it runs: so does status.
        QString exitFile;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QJsonObject status = m_kit.status(*project);
                exitFile = m_kit.dataDir(*project, status, 1) + QStringLiteral("/logs/exit_code.txt");
                return QFileInfo::exists(exitFile);
            }(),
            90000);
        const QJsonObject status = m_kit.status(*project);
        const QJsonObject c = DeployTestKit::condition(status, 1);
        QCOMPARE(c.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    }

    // Finding 9: escape sequences from a container reached the terminal through logs and results.
    void outputIsInert()
    {
        auto project = evilProject({ QStringLiteral("escapes") });
        const auto end = terminatedAtEnd(*project);
        QCOMPARE(deploy(*project, true), 0);
        // logs takes the folder before the condition.
        auto logsOf = [&](const QStringList& extra) {
            return CliProcess::run(QStringList { QStringLiteral("logs"), project->experimentDir(), QStringLiteral("1") }
                                       + extra,
                                   project->root(), m_kit.env());
        };
        const CliResult logs = logsOf({});
        QCOMPARE(logs.exitCode, 0);
        QVERIFY2(!logs.out.contains(QChar(0x1b)) && !logs.out.contains(QChar(0x07)), qPrintable(logs.out));
        QVERIFY2(logs.out.contains(QStringLiteral("title \\x1b]0;pwned\\x07 clear \\x1b[2J end")),
                 qPrintable(logs.out));
        const CliResult raw = logsOf({ QStringLiteral("--raw") });
        QVERIFY(raw.out.contains(QStringLiteral("\x1b]0;pwned\x07")));
        for (const QString& format : { QStringLiteral("table"), QStringLiteral("csv") }) {
            const CliResult results
                = m_kit.cli(*project, { QStringLiteral("results"), QStringLiteral("--format"), format });
            QCOMPARE(results.exitCode, 0);
            QVERIFY2(!results.out.contains(QChar(0x1b)) && !results.out.contains(QChar(0x07)), qPrintable(results.out));
            QVERIFY2(results.out.contains(QStringLiteral("\\x1b]52;c;aGk=\\x07loss")), qPrintable(results.out));
        }
    }

    // Finding 15: after a kill -9 during docker build, the daemon finished the build and terminate left the image.
    void anImageWhoseBuildOutlivedItsDeployGoesWithTerminate()
    {
        auto project = evilProject({ QStringLiteral("claim-done") });
        const auto end = terminatedAtEnd(*project);
        const CliResult deployed = m_kit.cli(*project,
                                             { QStringLiteral("deploy"), QStringLiteral("--backend"),
                                               QStringLiteral("local"), QStringLiteral("--yes") });
        QCOMPARE(deployed.exitCode, 0);
        QVERIFY2(deployed.err.contains(QStringLiteral("--label logistician.image-of=") + project->name()),
                 qPrintable(deployed.err));
        // What the daemon leaves when the deploy that started a build was killed: an image with the label under
        // a tag the state never recorded.
        const QString leftover = QStringLiteral("logistician-leftover/%1:killed").arg(project->name());
        QProcess build;
        build.start(QStringLiteral("docker"),
                    { QStringLiteral("build"), QStringLiteral("-q"), QStringLiteral("--label"),
                      QStringLiteral("logistician.image-of=") + project->name(), QStringLiteral("-t"), leftover,
                      project->experimentDir() });
        QVERIFY(build.waitForFinished(120000));
        QCOMPARE(build.exitCode(), 0);
        QCOMPARE(
            m_kit.cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                .exitCode,
            0);
        QProcess inspect;
        inspect.start(QStringLiteral("docker"), { QStringLiteral("image"), QStringLiteral("inspect"), leftover });
        QVERIFY(inspect.waitForFinished(30000));
        QVERIFY2(inspect.exitCode() != 0, "the labelled image is still there");
    }

    void aContainersSymlinkIsNeverWrittenThrough()
    {
        QTemporaryDir victimDir;
        const QString victim = victimDir.filePath(QStringLiteral("profile"));
        QFile v(victim);
        QVERIFY(v.open(QIODevice::WriteOnly));
        v.write("# the user's own\n");
        v.close();
        auto project = evilProject({ QStringLiteral("link-log ") + victim });
        const auto end = terminatedAtEnd(*project);
        QCOMPARE(deploy(*project, true), 0);
        m_kit.cli(*project, { QStringLiteral("sync") });
        m_kit.cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") });
        QCOMPARE(DeployTestKit::readFile(victim), QByteArray("# the user's own\n"));
    }

    // The runner saves each container's log (logs/docker.txt) when it ends, before any sync: through
    // keep_output, so a symlink planted as the file is replaced, never written through, and a folder swapped
    // for a symlink is not entered.
    void theRunnerSavesALogThroughNoSymlink()
    {
        QTemporaryDir victimDir;
        const QString victim = victimDir.filePath(QStringLiteral("profile"));
        QFile v(victim);
        QVERIFY(v.open(QIODevice::WriteOnly));
        v.write("# the user's own\n");
        v.close();
        auto project
            = evilProject({ QStringLiteral("link-log ") + victim, QStringLiteral("link-logs ") + victimDir.path() });
        const auto end = terminatedAtEnd(*project);
        QCOMPARE(deploy(*project, false), 0);
        QJsonObject status;
        // Plain status rounds: no sync brings any log home.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                status = m_kit.status(*project);
                for (int i = 1; i <= 2; ++i) {
                    if (DeployTestKit::condition(status, i).value(QStringLiteral("state")).toString()
                        != QLatin1String("succeeded"))
                        return false;
                }
                return true;
            }(),
            90000);
        QVERIFY(!DeployTestKit::condition(status, 1).value(QStringLiteral("synced")).toBool());
        const QFileInfo saved(m_kit.dataDir(*project, status, 1) + QStringLiteral("/logs/docker.txt"));
        QVERIFY2(saved.isFile() && !saved.isSymLink(), qPrintable(saved.filePath()));
        QCOMPARE(DeployTestKit::readFile(victim), QByteArray("# the user's own\n"));
        // The swapped folder: nothing written into what it points to, nor into the folder moved aside.
        QCOMPARE(QDir(victimDir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList { QStringLiteral("profile") });
        const QString second = m_kit.dataDir(*project, status, 2);
        QVERIFY(QFileInfo(second + QStringLiteral("/logs")).isSymLink());
        QVERIFY(!QFileInfo::exists(second + QStringLiteral("/logs-was/docker.txt")));
    }
};

QTEST_GUILESS_MAIN(TestHostileContainer)
#include "TestHostileContainer.moc"
