// SPDX-License-Identifier: MIT
// deploy --rerun and max_retries without an engine: which conditions a rerun takes and which it refuses,
// the attempts' names and folders, the status round following a host-side retry, and deployment.json.
#include "deploy/DeploymentState.h"
#include "deploy/Rerun.h"
#include "deploy/StatusRound.h"

#include <QJsonArray>
#include <QTest>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

class TestRerun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void attemptNames();
    void chooseTakesNumbersSlugsAndFailed();
    void chooseRefuses_data();
    void chooseRefuses();
    void prepareMakesANewAttempt();
    void statusFollowsTheRunnersRetries();
    void oldFilesLoadAsAttemptOne();

private:
    static DeploymentState state();
};

DeploymentState TestRerun::state()
{
    // c1 succeeded, c2 failed, c3 lost (its runner ended without starting it), c4 running; on a, then b (aws).
    DeploymentState s;
    s.backend = QStringLiteral("aws");
    s.hosts << DeploymentState::Host::at(QStringLiteral("me@a"), QStringLiteral("/home/me"))
            << DeploymentState::Host::at(QStringLiteral("me@b"), QStringLiteral("/home/me"));
    const Phase phases[] = { Phase::Succeeded, Phase::Failed, Phase::Unreachable, Phase::Running };
    for (int i = 1; i <= 4; ++i) {
        DeploymentState::Condition c;
        c.index = i;
        c.text = QStringLiteral("--x %1").arg(i);
        c.slug = DeploymentState::slugFor(i, c.text);
        c.host = QStringLiteral("me@a");
        c.phase = phases[i - 1];
        if (c.phase != Phase::Unreachable)
            c.startedAt = QDateTime::currentDateTimeUtc();
        s.conditions << c;
    }
    return s;
}

void TestRerun::attemptNames()
{
    const DeploymentState s = state();
    QCOMPARE(s.conditions[1].attemptKey(1), QStringLiteral("c2-x-2"));
    QCOMPARE(s.conditions[1].attemptKey(3), QStringLiteral("c2-x-2-a3"));
    QCOMPARE(DeploymentState::Condition::attemptFolder(1), QString());
    QCOMPARE(DeploymentState::Condition::attemptFolder(2), QStringLiteral("attempt-2"));
}

void TestRerun::chooseTakesNumbersSlugsAndFailed()
{
    const DeploymentState s = state();
    QCOMPARE(Rerun::choose(s, {}, true).valueOr({}), (QList<int> { 1, 2 })); // the failed one and the lost one
    QCOMPARE(Rerun::choose(s, { QStringLiteral("1") }, false).valueOr({}), (QList<int> { 0 }));
    QCOMPARE(Rerun::choose(s, { QStringLiteral("c2-x-2"), QStringLiteral("1") }, true).valueOr({}),
             (QList<int> { 0, 1, 2 }));
    // Unreachable after it was seen running (before its start time was written): it may still run there.
    DeploymentState seen = s;
    seen.conditions[2].lastRunPhase = Phase::Running;
    QCOMPARE(Rerun::choose(seen, {}, true).valueOr({}), (QList<int> { 1 }));
}

void TestRerun::chooseRefuses_data()
{
    QTest::addColumn<QStringList>("wanted");
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QString>("message");
    QTest::newRow("running") << QStringList { QStringLiteral("4") } << QString()
                             << "condition 4 (c4-x-4) is still running";
    QTest::newRow("queued") << QStringList { QStringLiteral("1") } << QStringLiteral("queued")
                            << "condition 1 (c1-x-1) is still queued";
    QTest::newRow("terminated") << QStringList { QStringLiteral("1") } << QStringLiteral("terminated")
                                << "was terminated";
    QTest::newRow("released") << QStringList { QStringLiteral("2") } << QStringLiteral("released")
                              << "an aws machine that is released now";
    QTest::newRow("no such number") << QStringList { QStringLiteral("9") } << QString()
                                    << "there is no condition \"9\"";
    QTest::newRow("no such slug") << QStringList { QStringLiteral("c1-x") } << QString()
                                  << "there is no condition \"c1-x\"";
    QTest::newRow("nothing failed") << QStringList() << QStringLiteral("none failed") << "no condition failed";
    QTest::newRow("terminated deployment")
        << QStringList { QStringLiteral("1") } << QStringLiteral("ended") << "nothing is deployed";
}

void TestRerun::chooseRefuses()
{
    QFETCH(QStringList, wanted);
    QFETCH(QString, edit);
    QFETCH(QString, message);
    DeploymentState s = state();
    if (edit == QLatin1String("queued"))
        s.conditions[0].phase = Phase::Queued;
    else if (edit == QLatin1String("terminated"))
        s.conditions[0].phase = Phase::Terminated;
    else if (edit == QLatin1String("released"))
        s.hosts[0].phase = HostPhase::Released;
    else if (edit == QLatin1String("none failed"))
        s.conditions[1].phase = s.conditions[2].phase = Phase::Succeeded;
    else if (edit == QLatin1String("ended"))
        s.terminated = true;
    const ResultOf<QList<int>> r = Rerun::choose(s, wanted, wanted.isEmpty());
    QVERIFY(!r);
    QCOMPARE(r.exitCode(), 2);
    QVERIFY2(r.message().contains(message), qPrintable(r.message()));
}

void TestRerun::prepareMakesANewAttempt()
{
    DeploymentState s = state();
    s.conditions[1].exitCode = 3;
    s.conditions[1].syncedAt = QDateTime::currentDateTimeUtc();
    Rerun::prepare(&s, { 1 }, 2);
    const DeploymentState::Condition& c = s.conditions[1];
    QCOMPARE(c.attempt, 2);
    QCOMPARE(c.lastAttempt, 4);
    QCOMPARE(c.phase, Phase::Queued);
    QCOMPARE(c.exitCode, -1);
    QVERIFY(!c.startedAt.isValid() && !c.syncedAt.isValid());
    QCOMPARE(c.host, QStringLiteral("me@a")); // its runner's host
    QCOMPARE(s.conditions[0].attempt, 1);
}

void TestRerun::statusFollowsTheRunnersRetries()
{
    DeploymentState s = state();
    DeploymentState::Condition& c = s.conditions[1];
    c.phase = Phase::Running;
    c.lastAttempt = 3; // max_retries 2
    const QString k1 = c.attemptKey(1), k2 = c.attemptKey(2), k3 = c.attemptKey(3);
    // Attempt 1 failed, the runner (alive) has not taken attempt 2 yet: it is about to.
    QByteArray out = QStringLiteral("-runner\talive\n%1\tdone\t3\t2026-01-01T10:00:00Z\t2026-01-01T10:01:00Z\n"
                                    "%2\tqueued\n%3\tqueued\n")
                         .arg(k1, k2, k3)
                         .toUtf8();
    QCOMPARE(StatusRound::apply(&s, QStringLiteral("me@a"), { 1 }, out), (QList<int> { 1 }));
    QCOMPARE(c.phase, Phase::Queued);
    QCOMPARE(c.attempt, 1);
    // Attempt 2 runs: it is the one shown, with its own start.
    out = QStringLiteral("-runner\talive\n%1\tdone\t3\t2026-01-01T10:00:00Z\t2026-01-01T10:01:00Z\n"
                         "%2\tcontainer\trunning 0\t2026-01-01T10:02:00Z\n%3\tqueued\n")
              .arg(k1, k2, k3)
              .toUtf8();
    StatusRound::apply(&s, QStringLiteral("me@a"), { 1 }, out);
    QCOMPARE(c.phase, Phase::Running);
    QCOMPARE(c.attempt, 2);
    QCOMPARE(c.startedAt, QDateTime::fromString(QStringLiteral("2026-01-01T10:02:00Z"), Qt::ISODate));
    QVERIFY(!c.finishedAt.isValid());
    // Attempt 2 failed and the runner is gone: no retry comes, it failed.
    out = QStringLiteral("-runner\tgone\n%2\tdone\t3\t2026-01-01T10:02:00Z\t2026-01-01T10:03:00Z\n%3\tqueued\n")
              .arg(k2, k3)
              .toUtf8();
    StatusRound::apply(&s, QStringLiteral("me@a"), { 1 }, out);
    QCOMPARE(c.phase, Phase::Failed);
    QCOMPARE(c.attempt, 2);
    // The last attempt failed with the runner alive: failed, nothing more to come.
    c.phase = Phase::Running;
    out = QStringLiteral("-runner\talive\n%3\tstartfailed\t125\tno such image\n").arg(k3).toUtf8();
    StatusRound::apply(&s, QStringLiteral("me@a"), { 1 }, out);
    QCOMPARE(c.attempt, 3);
    QCOMPARE(c.phase, Phase::Failed);
    QCOMPARE(c.exitCode, 125);
}

void TestRerun::oldFilesLoadAsAttemptOne()
{
    DeploymentState s = state();
    s.conditions[1].attempt = 3;
    s.conditions[1].lastAttempt = 5;
    QJsonObject json = s.toJson();
    const DeploymentState back = DeploymentState::fromJson(json);
    QCOMPARE(back.conditions[1].attempt, 3);
    QCOMPARE(back.conditions[1].lastAttempt, 5);
    // A file written before attempts existed.
    QJsonArray conditions = json.value(QStringLiteral("conditions")).toArray();
    QJsonObject c = conditions.at(1).toObject();
    c.remove(QStringLiteral("attempt"));
    c.remove(QStringLiteral("last_attempt"));
    conditions[1] = c;
    json.insert(QStringLiteral("conditions"), conditions);
    const DeploymentState old = DeploymentState::fromJson(json);
    QCOMPARE(old.conditions[1].attempt, 1);
    QCOMPARE(old.conditions[1].lastAttempt, 1);
}

QTEST_GUILESS_MAIN(TestRerun)
#include "TestRerun.moc"
