// SPDX-License-Identifier: MIT
// The board's last log line of each condition (DeploymentMonitor::fetchLastLines)
// on the real local engine: a container that has ended is asked once, not
// every status round while the others go on. The docker command is a wrapper
// that records each call and runs the real docker.
#include "Settings.h"
#include "TestProject.h"
#include "board/DeploymentMonitor.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using Phase = DeploymentState::Phase;

class TestBoardLastLines : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void endedContainerIsAskedOnce();
};

void TestBoardLastLines::endedContainerIsAskedOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("LOGISTICIAN_POLL_SECONDS", "1");
    Settings().setAutoSync(false);
    const QString realDocker = QStandardPaths::findExecutable(QStringLiteral("docker"));
    QVERIFY2(!realDocker.isEmpty(), "docker is not on PATH");
    const QString calls = dir.filePath(QStringLiteral("calls.txt"));
    const QString wrapper = dir.filePath(QStringLiteral("bin/docker"));
    QDir().mkpath(dir.filePath(QStringLiteral("bin")));
    {
        QFile f(wrapper);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + calls.toUtf8() + "'\nexec '" + realDocker.toUtf8()
                + "' \"$@\"\n");
        f.close();
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    }

    // Two silent conditions: one ends at once, the other sleeps 10 s (about ten status rounds).
    TestProject project(QStringLiteral("sh quiet.sh"));
    project.repo().writeFile(QStringLiteral("quiet.sh"), "sleep \"$2\"\n", true);
    project.setParameters({ { QStringLiteral("experiment_conditions"),
                              QJsonArray { QStringLiteral("--wait 0"), QStringLiteral("--wait 10") } },
                            { QStringLiteral("backend"), QStringLiteral("local") },
                            { QStringLiteral("local_docker_command"), wrapper },
                            { QStringLiteral("max_parallel"), 2 } });
    project.repo().commitAll(QStringLiteral("two silent conditions"));

    DeploymentMonitor monitor;
    const Result opened = monitor.open(project.experimentDir());
    QVERIFY2(opened.isOk(), qPrintable(opened.message()));
    QSignalSpy finished(&monitor, &DeploymentMonitor::deploymentFinished);
    monitor.deploy(DeployOptions());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    QTRY_VERIFY_WITH_TIMEOUT(!monitor.isBusy(), 30000);
    QTest::qWait(2000); // the last round's last lines
    const DeploymentState& state = monitor.deployment()->state();
    QCOMPARE(state.conditions.size(), 2);
    QCOMPARE(state.conditions.at(0).phase, Phase::Succeeded);
    const QString quick = monitor.deployment()->containerName(state.conditions.at(0));
    const QString slow = monitor.deployment()->containerName(state.conditions.at(1));

    QFile f(calls);
    QVERIFY(f.open(QIODevice::ReadOnly));
    int quickAsked = 0, slowAsked = 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line == "logs --timestamps --tail 3 " + quick.toUtf8())
            ++quickAsked;
        if (line == "logs --timestamps --tail 3 " + slow.toUtf8())
            ++slowAsked;
    }
    // The slow one was asked round after round while it ran: the rounds happened.
    QVERIFY2(slowAsked >= 4, qPrintable(QStringLiteral("slow container asked %1 times").arg(slowAsked)));
    // The quick one: perhaps once while it ran, once after it ended; never again.
    QVERIFY2(quickAsked >= 1 && quickAsked <= 2,
             qPrintable(QStringLiteral("ended container asked %1 times in %2 rounds").arg(quickAsked).arg(slowAsked)));

    QSignalSpy done(&monitor, &DeploymentMonitor::operationFinished);
    monitor.terminateAll(true);
    QTRY_VERIFY_WITH_TIMEOUT(done.count() >= 1 && !monitor.isBusy(), 120000);
}

QTEST_MAIN(TestBoardLastLines)
#include "TestBoardLastLines.moc"
