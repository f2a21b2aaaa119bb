// SPDX-License-Identifier: MIT
// The deployment operations one at a time, on a state made here: no engine, no host, no deploy.

#include "Experiment.h"
#include "TestProject.h"
#include "aws/AwsBackend.h"
#include "deploy/AutoSync.h"
#include "deploy/DeployContext.h"
#include "deploy/DeployOperation.h"
#include "deploy/Deployment.h"
#include "deploy/RemoteScript.h"
#include "deploy/Rerun.h"
#include "deploy/StatusRound.h"
#include "deploy/SyncOperation.h"
#include "deploy/TerminateOperation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

class TestDeployOperations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statusAppliesTheHostsAnswer();
    void statusAsksOnlyStartedConditions();
    void unreachableHostEndsItsConditions();
    void awsMachineGoneIsPreemptedOrLost();
    void syncSelectsReachableStartedConditions();
    void autoSyncTakesWhatJustFinished();
    void runnerStreamsOutputIntoTheDataFolder();
    void terminateSomeTouchesOnlyTheChosen();
    void terminateAllCleansEveryHost();
    void terminateRefusesUnsyncedResults();
    void terminateLocalSavesLogs();
    void remoteDockerWordsComeFromTheBuilders();
    void deployReturnsBeforeTheGitWork();
    void statusLeavesUnpublishedConditionsToTheState();
    void aSaveBatchWritesTheStateOnceAtItsEnd();

private:
    // Three conditions on two ssh hosts: c1 running on a, c2 succeeded and synced on a, c3 queued.
    std::unique_ptr<DeployContext> sshContext(const QString& backend = QStringLiteral("ssh"));
    std::unique_ptr<TestProject> m_project;
    Experiment m_experiment;
};

void TestDeployOperations::initTestCase()
{
    m_project = std::make_unique<TestProject>();
    const auto openedExperiment = Experiment::open(m_project->experimentDir());
    QVERIFY(openedExperiment);
    m_experiment = *openedExperiment;
}

std::unique_ptr<DeployContext> TestDeployOperations::sshContext(const QString& backend)
{
    auto ctx = std::make_unique<DeployContext>(m_experiment);
    if (const Result created = ctx->createBackend(backend); !created)
        qFatal("%s", qPrintable(created.message()));
    DeploymentState& s = ctx->state;
    s.experiment = QStringLiteral("exp");
    s.backend = backend;
    s.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567"); // a commit id, as StateRules wants
    for (const char* address : { "me@a", "me@b" }) {
        DeploymentState::Host h;
        h.address = QLatin1String(address);
        h.home = QStringLiteral("/home/me");
        h.phase = HostPhase::Ready;
        s.hosts << h;
    }
    const QDateTime started = QDateTime::currentDateTimeUtc().addSecs(-60);
    for (int i = 1; i <= 3; ++i) {
        DeploymentState::Condition c;
        c.index = i;
        c.text = QStringLiteral("--x %1").arg(i);
        c.slug = DeploymentState::slugFor(i, c.text);
        s.conditions << c;
    }
    s.conditions[0].host = QStringLiteral("me@a");
    s.conditions[0].phase = Phase::Running;
    s.conditions[0].startedAt = started;
    s.conditions[1].host = QStringLiteral("me@a");
    s.conditions[1].phase = Phase::Succeeded;
    s.conditions[1].startedAt = started;
    s.conditions[1].finishedAt = started.addSecs(10);
    s.conditions[1].syncedAt = started.addSecs(20);
    ctx->hasState = true;
    return ctx;
}

void TestDeployOperations::statusAppliesTheHostsAnswer()
{
    auto ctx = sshContext();
    DeploymentState& s = ctx->state;
    s.hosts[0].phase = HostPhase::Unreachable;
    s.hosts[0].message = QStringLiteral("timed out");
    const QByteArray output = QStringLiteral("%1\tdone\t3\t2026-01-01T10:00:00Z\t2026-01-01T11:00:00Z\n"
                                             "%2\tcontainer\texited 137\t2026-01-01T10:00:00Z\n"
                                             "garbage line\n")
                                  .arg(s.conditions[0].slug, s.conditions[1].slug)
                                  .toUtf8();
    const QList<int> changed = StatusRound::apply(&s, QStringLiteral("me@a"), { 0, 1 }, output);
    QCOMPARE(changed, (QList<int> { 0, 1 }));
    QCOMPARE(s.conditions[0].phase, Phase::Failed);
    QCOMPARE(s.conditions[0].exitCode, 3);
    QCOMPARE(s.conditions[0].finishedAt, QDateTime::fromString(QStringLiteral("2026-01-01T11:00:00Z"), Qt::ISODate));
    // Exited without the wrapper's record: killed.
    QCOMPARE(s.conditions[1].phase, Phase::Failed);
    QCOMPARE(s.conditions[1].exitCode, 137);
    // The host answered: reachable again.
    QCOMPARE(s.hosts[0].phase, HostPhase::Ready);
    QVERIFY(s.hosts[0].message.isEmpty());

    // Running stays running; a condition missing from the answer is left alone.
    s.conditions[0].phase = Phase::Running;
    const QByteArray running = (s.conditions[0].slug + QStringLiteral("\tcontainer\trunning 0\t\n")).toUtf8();
    QVERIFY(StatusRound::apply(&s, QStringLiteral("me@a"), { 0, 2 }, running).isEmpty());
    QCOMPARE(s.conditions[0].phase, Phase::Running);
    QCOMPARE(s.conditions[2].phase, Phase::Queued);
}

void TestDeployOperations::statusAsksOnlyStartedConditions()
{
    auto ctx = sshContext();
    // Ended, synced, its last attempt: nothing of it can change, so it is not asked about (watching is cheap).
    QCOMPARE(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@a"), {}), (QList<int> { 0 }));
    ctx->state.conditions[1].lastAttempt = 2; // a retry to come
    QCOMPARE(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@a"), {}), (QList<int> { 0, 1 }));
    ctx->state.conditions[1].lastAttempt = 1;
    ctx->state.conditions[1].syncedAt = QDateTime(); // its results not here yet
    QCOMPARE(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@a"), {}), (QList<int> { 0, 1 }));
    QCOMPARE(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@a"), { 0 }), (QList<int> { 1 }));
    ctx->state.conditions[1].phase = Phase::Terminated;
    QCOMPARE(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@a"), {}), (QList<int> { 0 }));
    QVERIFY(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@b"), {}).isEmpty());
    // Preempted: its machine is gone, nothing to ask.
    ctx->state.conditions[0].phase = Phase::Preempted;
    QVERIFY(StatusRound::conditionsToAsk(ctx->state, QStringLiteral("me@a"), {}).isEmpty());
    ctx->state.conditions[0].phase = Phase::Running;
    // The script asks about the host's runner, and each condition with its remote data folder, container name,
    // the runner's claim and which of the wrapper's times the state has already (they are not read again).
    ctx->state.conditions[1].phase = Phase::Succeeded;
    ctx->state.conditions[2].host = QStringLiteral("me@a");
    const QString script = StatusRound::script(*ctx, ctx->state.hosts[0], { 0, 1, 2 });
    QVERIFY2(script.contains(QStringLiteral("\nr /home/me/logistician/exp/runner-me-a\n")), qPrintable(script));
    const QString line = QStringLiteral("\ns %1 /home/me/logistician/exp/%1/data logistician-exp-%1 "
                                        "/home/me/logistician/exp/runner-me-a/claims/%1%2\n");
    QVERIFY2(script.contains(line.arg(ctx->state.conditions[0].slug, QStringLiteral(" started"))), qPrintable(script));
    QVERIFY2(script.contains(line.arg(ctx->state.conditions[1].slug, QStringLiteral(" ended"))), qPrintable(script));
    QVERIFY2(script.contains(line.arg(ctx->state.conditions[2].slug, QString())), qPrintable(script));
}

void TestDeployOperations::unreachableHostEndsItsConditions()
{
    // Issue 13 item 7: a watch never waits for ever on a host that does not answer.
    auto ctx = sshContext();
    QTemporaryDir dir;
    ctx->stateDir = dir.path();
    // Recorded in an index of the test's own, never the user's.
    QTemporaryDir stateHome;
    const QByteArray savedStateHome = qgetenv("XDG_STATE_HOME");
    qputenv("XDG_STATE_HOME", stateHome.path().toUtf8());
    const auto restore = qScopeGuard([savedStateHome] {
        if (savedStateHome.isEmpty())
            qunsetenv("XDG_STATE_HOME");
        else
            qputenv("XDG_STATE_HOME", savedStateHome);
    });
    DeploymentState& s = ctx->state;
    // Its container was seen created (or running before the wrapper wrote its start time): no start time yet.
    s.conditions[0].startedAt = QDateTime();
    s.conditions[1].phase = Phase::Preempted;
    s.conditions[2].host = QStringLiteral("me@a"); // queued in a's runner
    ctx->markUnreachable(QStringLiteral("me@a"), QStringLiteral("Connection refused"));
    QCOMPARE(s.conditions[0].phase, Phase::Unreachable);
    QCOMPARE(s.conditions[0].lastRunPhase, Phase::Running);
    QCOMPARE(s.conditions[1].phase, Phase::Preempted);
    QCOMPARE(s.hosts[0].phase, HostPhase::Unreachable);
    const QDateTime since = s.hosts[0].unreachableSince;
    QVERIFY(since.isValid());
    // Queued there: the host may come back and start it, for a while.
    QCOMPARE(s.conditions[2].phase, Phase::Queued);
    QVERIFY(s.stillGoing());
    ctx->markUnreachable(QStringLiteral("me@a"), QStringLiteral("Connection refused"));
    QCOMPARE(s.hosts[0].unreachableSince, since);
    QCOMPARE(s.conditions[2].phase, Phase::Queued);
    // Silent for longer than the bound: lost, and the watch can end. (One being started is left to its deploy.)
    s.hosts[0].unreachableSince = QDateTime::currentDateTimeUtc().addSecs(-DeployContext::UnreachableLostSeconds);
    ctx->starting.insert(2);
    ctx->markUnreachable(QStringLiteral("me@a"), QStringLiteral("Connection refused"));
    QCOMPARE(s.conditions[2].phase, Phase::Queued);
    ctx->starting.clear();
    QSignalSpy said(ctx.get(), &DeployContext::progress);
    ctx->markUnreachable(QStringLiteral("me@a"), QStringLiteral("Connection refused"));
    QCOMPARE(s.conditions[2].phase, Phase::Unreachable);
    QCOMPARE(s.conditions[2].lastRunPhase, Phase::Queued);
    QVERIFY(!s.stillGoing());
    bool told = false;
    for (const QList<QVariant>& args : std::as_const(said))
        told = told || args.at(0).toString().contains(QStringLiteral("lost: me@a has not answered for"));
    QVERIFY(told);
    // It is kept in deployment.json, and forgotten once the host answers.
    const ResultOf<DeploymentState> loaded = DeploymentState::load(dir.path());
    QVERIFY(loaded);
    QCOMPARE(loaded->hosts[0].unreachableSince.toSecsSinceEpoch(), s.hosts[0].unreachableSince.toSecsSinceEpoch());
    StatusRound::apply(&s, QStringLiteral("me@a"), { 0 }, QByteArray("-runner\talive\n"));
    QCOMPARE(s.hosts[0].phase, HostPhase::Ready);
    QVERIFY(!s.hosts[0].unreachableSince.isValid());
}

void TestDeployOperations::awsMachineGoneIsPreemptedOrLost()
{
    auto ctx = sshContext(QStringLiteral("aws"));
    auto* aws = qobject_cast<AwsBackend*>(ctx->backend.get());
    QVERIFY(aws);
    DeploymentState& s = ctx->state;
    s.conditions[2].host = QStringLiteral("me@b");
    s.conditions[2].phase = Phase::Building; // its machine went before its run started
    const QStringList slugs { s.conditions[0].slug, s.conditions[2].slug };
    // EC2 still runs the first (only unreachable), and dropped the second's from its state (terminated).
    const QMap<QString, QString> states { { s.conditions[0].slug, QStringLiteral("running") } };
    QCOMPARE(aws->explainGone(&s, slugs, states, true), (QList<int> { 2 }));
    QCOMPARE(s.conditions[0].phase, Phase::Running);
    QCOMPARE(s.conditions[2].phase, Phase::Preempted);
    QCOMPARE(s.hosts[1].message, QStringLiteral("its spot instance was taken back by AWS"));
    // Terminated, on demand: lost, and not asked about again; run again on a new machine as a preempted one is
    // (issue 26 item 3), by a watcher while max_retries allows.
    s.conditions[0].phase = Phase::Unreachable;
    s.conditions[0].lastRunPhase = Phase::Running;
    s.conditions[0].lastAttempt = 2;
    QCOMPARE(aws->explainGone(&s, { s.conditions[0].slug }, { { s.conditions[0].slug, QStringLiteral("terminated") } },
                              false),
             (QList<int> { 0 }));
    QCOMPARE(s.conditions[0].phase, Phase::Preempted);
    QCOMPARE(s.conditions[0].lastRunPhase, Phase::Preempted);
    QCOMPARE(s.hosts[0].message, QStringLiteral("its instance was terminated outside Logistician"));
    QCOMPARE(Rerun::preemptedToRetry(s), (QList<int> { 0 }));
    s.conditions[0].lastAttempt = 1; // no retry left: it stays as it is
    QVERIFY(Rerun::preemptedToRetry(s).isEmpty());
    QVERIFY(!s.stillGoing());
    // Stopped through EC2 (its idle stop) before a round saw its run end: stopped as EC2 says, not lost.
    s.conditions[1].phase = Phase::Running;
    QCOMPARE(
        aws->explainGone(&s, { s.conditions[1].slug }, { { s.conditions[1].slug, QStringLiteral("stopped") } }, false),
        (QList<int> { 1 }));
    QCOMPARE(s.conditions[1].phase, Phase::Stopped);
    QCOMPARE(s.conditions[1].lastRunPhase, Phase::Running);
}

void TestDeployOperations::syncSelectsReachableStartedConditions()
{
    auto ctx = sshContext();
    SyncOperation::Selection all = SyncOperation::select(ctx->state, {}, true);
    QCOMPARE(all.positions, (QList<int> { 0, 1 }));
    QVERIFY(all.failures.isEmpty());
    ctx->state.hosts[0].phase = HostPhase::Unreachable;
    all = SyncOperation::select(ctx->state, {}, true);
    QVERIFY(all.positions.isEmpty());
    QCOMPARE(all.failures.size(), 2);
    QVERIFY(all.failures.at(0).contains(QStringLiteral("me@a does not answer")));
    // A released machine is worth a word only when its condition was asked for by name.
    ctx->state.hosts[0].phase = HostPhase::Released;
    QVERIFY(SyncOperation::select(ctx->state, {}, true).failures.isEmpty());
    const SyncOperation::Selection one = SyncOperation::select(ctx->state, { 1 }, true);
    QCOMPARE(one.failures.size(), 1);
    QVERIFY(one.failures.at(0).contains(QStringLiteral("destroyed")));
}

void TestDeployOperations::autoSyncTakesWhatJustFinished()
{
    auto ctx = sshContext();
    DeploymentState& s = ctx->state;
    // c1 running, c2 synced, c3 queued: nothing to bring home.
    QVERIFY(AutoSync::due(s).isEmpty());
    // c1 and c3 finish (one failed, one succeeded), on two hosts: each host gets its own list.
    s.conditions[0].phase = Phase::Failed;
    s.conditions[0].exitCode = 3;
    s.conditions[2].host = QStringLiteral("me@b");
    s.conditions[2].phase = Phase::Succeeded;
    s.conditions[2].startedAt = QDateTime::currentDateTimeUtc();
    QMap<QString, QList<int>> due = AutoSync::due(s);
    QCOMPARE(due.value(QStringLiteral("me@a")), QList<int> { 0 });
    QCOMPARE(due.value(QStringLiteral("me@b")), QList<int> { 2 });
    QCOMPARE(due.size(), 2);
    // A host that does not answer waits; a synced condition is done; a terminated one has nothing left.
    s.hosts[1].phase = HostPhase::Unreachable;
    s.conditions[0].syncedAt = QDateTime::currentDateTimeUtc();
    QVERIFY(AutoSync::due(s).isEmpty());
    s.hosts[1].phase = HostPhase::Ready;
    s.conditions[2].phase = Phase::Terminated;
    QVERIFY(AutoSync::due(s).isEmpty());
}

void TestDeployOperations::runnerStreamsOutputIntoTheDataFolder()
{
    // A condition's start script (what the runner runs for it) starts its container, then follows the
    // container's output into its data folder's logs/output.txt: run for real with a docker that prints.
    auto ctx = sshContext(QStringLiteral("local"));
    DeployOperation op(*ctx, DeployOptions(), DeployPlan(), [](const Result&) {});
    const DeploymentState::Host& host = ctx->state.hosts.at(0);
    const DeploymentState::Condition& c = ctx->state.conditions.at(0);
    const QByteArray script = op.startScript(host, c, host.address, false);
    QVERIFY2(script.contains(" logs -f "), script.constData());

    QTemporaryDir bin;
    QFile docker(bin.path() + QStringLiteral("/docker"));
    QVERIFY(docker.open(QIODevice::WriteOnly));
    docker.write("#!/bin/sh\n"
                 "case $1 in run) echo 0123abcd ;; logs) echo \"output of $3\"; echo \"more of $3\" >&2 ;; esac\n");
    docker.close();
    docker.setPermissions(docker.permissions() | QFileDevice::ExeOwner);
    QProcess sh;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), bin.path() + QLatin1Char(':') + env.value(QStringLiteral("PATH")));
    sh.setProcessEnvironment(env);
    sh.start(QStringLiteral("sh"), { QStringLiteral("-c"), QString::fromUtf8(script) });
    QVERIFY(sh.waitForFinished(20000));
    QCOMPARE(sh.exitCode(), 0);
    const QString output = ctx->dataDirOnHost(host, c) + QStringLiteral("/logs/output.txt");
    const QByteArray expected
        = "output of " + ctx->containerName(c).toUtf8() + "\nmore of " + ctx->containerName(c).toUtf8() + "\n";
    auto read = [&output] {
        QFile f(output);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    QTRY_COMPARE_WITH_TIMEOUT(read(), expected, 10000);

    // Issue 24 finding 3: what an earlier container left in the folder is never written through.
    QTemporaryDir elsewhere;
    const QString victim = elsewhere.filePath(QStringLiteral("profile"));
    QFile v(victim);
    QVERIFY(v.open(QIODevice::WriteOnly));
    v.write("mine\n");
    v.close();
    QVERIFY(QFile::remove(output));
    QVERIFY(QFile::link(victim, output));
    sh.start(QStringLiteral("sh"), { QStringLiteral("-c"), QString::fromUtf8(script) });
    QVERIFY(sh.waitForFinished(20000));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(output).isFile() && !QFileInfo(output).isSymLink(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(read(), expected, 10000);
    QFile kept(victim);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("mine\n"));
    // The logs folder itself a symlink: the attempt is not started.
    const QString logs = QFileInfo(output).path();
    QVERIFY(QDir(logs).removeRecursively());
    QVERIFY(QFile::link(elsewhere.path(), logs));
    sh.start(QStringLiteral("sh"), { QStringLiteral("-c"), QString::fromUtf8(script) });
    QVERIFY(sh.waitForFinished(20000));
    QCOMPARE(sh.exitCode(), 1);
    QVERIFY2(sh.readAllStandardError().contains("is a symbolic link"), "no refusal");
    QCOMPARE(QDir(elsewhere.path()).entryList(QDir::Files), QStringList { QStringLiteral("profile") });
}

void TestDeployOperations::terminateSomeTouchesOnlyTheChosen()
{
    auto ctx = sshContext();
    const TerminateOperation::Plan p = TerminateOperation::plan(*ctx, { 1 });
    QVERIFY(!p.whole);
    QCOMPARE(p.chosen, (QList<int> { 1 }));
    QVERIFY(p.unsafe.isEmpty()); // synced
    QCOMPARE(p.hosts.size(), 1);
    const TerminateOperation::HostWork& work = p.hosts.at(0);
    QCOMPARE(work.address, QStringLiteral("me@a"));
    QCOMPARE(work.containers, QStringList { ctx->containerName(ctx->state.conditions[1]) });
    QCOMPARE(work.dirs, QStringList { ctx->remoteDir(ctx->state.hosts[0], ctx->state.conditions[1]) });
    QVERIFY(work.removeIfEmpty.isEmpty());
    QVERIFY(work.logs.isEmpty());
    // Already terminated: nothing chosen; having ended, it keeps its phase.
    const Phase ended = ctx->state.conditions[1].phase;
    ctx->state.conditions[1].markTerminated();
    QCOMPARE(ctx->state.conditions[1].phase, ended);
    QVERIFY(TerminateOperation::plan(*ctx, { 1 }).chosen.isEmpty());
}

void TestDeployOperations::terminateAllCleansEveryHost()
{
    auto ctx = sshContext();
    ctx->state.conditions[0].phase = Phase::Succeeded;
    ctx->state.conditions[0].syncedAt = QDateTime::currentDateTimeUtc();
    ctx->state.hosts[1].home.clear(); // never reached: nothing there
    ctx->state.image = QStringLiteral("logistician/exp:0123456789ab");
    const TerminateOperation::Plan p = TerminateOperation::plan(*ctx, {});
    QVERIFY(p.whole);
    QCOMPARE(p.chosen, (QList<int> { 0, 1, 2 }));
    QVERIFY(p.unsafe.isEmpty());
    QCOMPARE(p.hosts.size(), 1);
    const TerminateOperation::HostWork& work = p.hosts.at(0);
    // Every container of the experiment, by name, so one a dead deploy started there goes too.
    QCOMPARE(work.containers.size(), 3);
    QCOMPARE(work.dirs.size(), 5);
    QCOMPARE(work.dirs.at(3), QStringLiteral("/home/me/logistician/exp/image"));
    QCOMPARE(work.dirs.last(), QStringLiteral("/home/me/logistician/exp/runner-me-a"));
    QVERIFY(work.stopRunner);
    QCOMPARE(work.labels, (QStringList { ctx->state.experiment, ctx->state.commit }));
    QCOMPARE(work.removeIfEmpty, QStringLiteral("/home/me/logistician/exp"));
    // The image goes too (else they pile up), after the containers, unless --keep-images; --experiment: any commit.
    QCOMPARE(work.images, QStringList { ctx->state.image });
    QVERIFY(TerminateOperation::script(QStringLiteral("docker"), work)
                .contains(QStringLiteral("remove_images docker image rm ") + ctx->state.image));
    TerminateOptions keep;
    keep.keepImages = true;
    keep.anyCommit = true;
    const TerminateOperation::Plan kept = TerminateOperation::plan(*ctx, {}, keep);
    QVERIFY(kept.hosts.at(0).images.isEmpty());
    QCOMPARE(kept.hosts.at(0).labels, (QStringList { ctx->state.experiment, QString() }));

    // aws: each machine gets only its own condition's container.
    auto aws = sshContext(QStringLiteral("aws"));
    aws->state.conditions[2].host = QStringLiteral("me@b");
    const TerminateOperation::Plan ap = TerminateOperation::plan(*aws, {});
    QCOMPARE(ap.hosts.size(), 2);
    QCOMPARE(ap.hosts.at(1).containers, QStringList { aws->containerName(aws->state.conditions[2]) });
}

void TestDeployOperations::terminateRefusesUnsyncedResults()
{
    auto ctx = sshContext();
    const TerminateOperation::Plan p = TerminateOperation::plan(*ctx, {});
    QCOMPARE(p.unsafe, QStringList { ctx->state.conditions[0].slug + QStringLiteral(" (running)") });
    // Its folder is never in the plan, forced or not.
    for (const QString& dir : p.hosts.at(0).dirs)
        QVERIFY(!dir.endsWith(ctx->state.conditions[0].slug));
    QCOMPARE(TerminateOperation::plan(*ctx, { 0 }).unsafe.size(), 1);
    QVERIFY(TerminateOperation::plan(*ctx, { 1 }).unsafe.isEmpty());
}

void TestDeployOperations::terminateLocalSavesLogs()
{
    auto ctx = sshContext(QStringLiteral("local"));
    ctx->state.hosts.removeLast();
    ctx->state.hosts[0].address = QStringLiteral("local");
    for (DeploymentState::Condition& c : ctx->state.conditions)
        c.host = QStringLiteral("local");
    ctx->state.conditions[2].phase = Phase::Terminated;
    const TerminateOperation::Plan p = TerminateOperation::plan(*ctx, {});
    QVERIFY(p.unsafe.isEmpty()); // local results are already here
    QCOMPARE(p.hosts.size(), 1);
    QCOMPARE(p.hosts.at(0).logs.size(), 2); // one terminated earlier saved its log then
    // Once: unless the runner saved it already, and then it saves it no more (its claim's "saved").
    QCOMPARE(p.hosts.at(0).logs.at(0).mid(1),
             (QStringList { ctx->localDataDir(ctx->state.conditions[0], 1), QStringLiteral("logs"),
                            ctx->runnerDir(ctx->state.hosts[0]) + QStringLiteral("/claims/")
                                + ctx->state.conditions[0].attemptKey(1) + QStringLiteral("/saved") }));
    QVERIFY2(TerminateOperation::script(QStringLiteral("docker"), p.hosts.at(0))
                 .contains(QStringLiteral("\nkeep_once %1 %2 logs docker.txt docker logs ")
                               .arg(p.hosts.at(0).logs.at(0).value(3), p.hosts.at(0).logs.at(0).value(1))),
             qPrintable(TerminateOperation::script(QStringLiteral("docker"), p.hosts.at(0))));
    QVERIFY(p.hosts.at(0).dirs.isEmpty());
}

void TestDeployOperations::remoteDockerWordsComeFromTheBuilders()
{
    const QString sudo = QStringLiteral("sudo docker");
    QCOMPARE(Docker::argv(Docker::logs(sudo, QStringLiteral("c"))), (QStringList { "sudo", "docker", "logs", "c" }));
    QCOMPARE(Docker::argv(Docker::logs(sudo, QStringLiteral("c"), 5, true)),
             (QStringList { "sudo", "docker", "logs", "--tail", "5", "-f", "c" }));
    QCOMPARE(Docker::argv(Docker::removeContainers(QStringLiteral("nvidia-docker"), { "a", "b" })),
             (QStringList { "docker", "rm", "-f", "a", "b" }));
    QCOMPARE(Docker::argv(Docker::build(sudo, QStringLiteral("/ctx"), QStringLiteral("i:1"), true)),
             (QStringList { "sudo", "docker", "build", "-q", "-t", "i:1", "/ctx" }));
    QCOMPARE(Docker::argv(Docker::imageCommand(sudo, QStringLiteral("i:1"))).mid(2, 3),
             (QStringList { "image", "inspect", "-f" }));
    // The terminate script carries them whole.
    TerminateOperation::HostWork work;
    work.containers = { QStringLiteral("logistician-exp-c1") };
    work.logs = { { QStringLiteral("logistician-exp-c1"), QStringLiteral("/d"), QStringLiteral("logs") } };
    const QString script = TerminateOperation::script(sudo, work);
    QVERIFY2(script.contains(QStringLiteral("\nkeep_output /d logs docker.txt sudo docker logs logistician-exp-c1\n")),
             qPrintable(script));
    QVERIFY2(script.contains(QStringLiteral("\nremove_containers sudo docker rm -f logistician-exp-c1\n")),
             qPrintable(script));
}

// deploy() does its Git discovery, dirty check and export on a worker: it returns before any of it is
// done, the caller's event loop turns during a large export, and every signal arrives on the caller's thread.
void TestDeployOperations::deployReturnsBeforeTheGitWork()
{
    TestProject project;
    // A tree big enough that its export takes many turns of the event loop.
    for (int d = 0; d < 40; ++d) {
        const QString dir = project.root() + QStringLiteral("/bulk/d%1").arg(d);
        QVERIFY(QDir().mkpath(dir));
        for (int f = 0; f < 100; ++f) {
            QFile file(dir + QStringLiteral("/f%1.txt").arg(f));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(2048, 'x'));
        }
    }
    const QString commit = project.repo().commitAll(QStringLiteral("bulk"));
    // A docker that fails at once: the deploy ends at its build, with no engine involved.
    QTemporaryDir bin;
    const QString docker = bin.filePath(QStringLiteral("docker"));
    QFile fake(docker);
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("#!/bin/sh\necho 'no engine here' >&2\nexit 1\n");
    fake.close();
    QVERIFY(fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project.experimentDir());
    QVERIFY(openedExperiment);
    experiment = *openedExperiment;
    experiment.parameters().setValue(QStringLiteral("local_docker_command"), docker);

    Deployment deployment(experiment);
    QThread* const caller = QThread::currentThread();
    bool allOnCaller = true;
    connect(
        &deployment, &Deployment::conditionChanged, this,
        [&] { allOnCaller = allOnCaller && QThread::currentThread() == caller; }, Qt::DirectConnection);
    connect(
        &deployment, &Deployment::stateReplaced, this,
        [&] { allOnCaller = allOnCaller && QThread::currentThread() == caller; }, Qt::DirectConnection);
    QSignalSpy finished(&deployment, &Deployment::finished);
    const QString code = experiment.stateDir() + QStringLiteral("/code/") + commit.left(12);
    const QString complete = code + QStringLiteral("/.logistician-complete");

    DeployOptions options;
    options.backend = QStringLiteral("local");
    deployment.deploy(options);
    // Nothing of the Git work has happened yet: the state is made on this thread once the worker reports.
    QVERIFY(deployment.isBusy());
    QVERIFY(!deployment.hasDeployment());
    QVERIFY(!QFileInfo::exists(complete));
    QCOMPARE(finished.size(), 0);

    // The event loop keeps turning while the export runs: some turn sees it begun and not done.
    int turnsDuringExport = 0;
    QTimer tick;
    connect(&tick, &QTimer::timeout, this, [&] {
        if (QFileInfo::exists(code) && !QFileInfo::exists(complete))
            ++turnsDuringExport;
    });
    tick.start(0);
    QVERIFY(finished.wait(120000));
    tick.stop();
    QVERIFY2(turnsDuringExport > 0, "the export blocked the caller's event loop");
    QVERIFY(QFileInfo::exists(code + QStringLiteral("/bulk/d39/f99.txt")));
    QVERIFY(deployment.hasDeployment());
    QCOMPARE(deployment.state().commit, commit);
    QVERIFY(allOnCaller);
    QCOMPARE(finished.first().at(0).toInt(), 1);
    QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("docker build failed")),
             qPrintable(finished.first().at(1).toString()));
}

// deploy hands the local runner its queue first and each condition's start script last, after its files; a
// status round meanwhile (the real status script, run by sh on a runner folder) says "unpublished" of a queued
// condition without its start script, which leaves it as the state has it while the runner lives: queued while
// deploy writes it, not handed over when deploy stopped before it; lost once the runner has ended.
void TestDeployOperations::statusLeavesUnpublishedConditionsToTheState()
{
    auto ctx = sshContext(QStringLiteral("local"));
    QTemporaryDir dir;
    ctx->stateDir = dir.path();
    const DeploymentState::Host& host = ctx->state.hosts.at(0);
    DeploymentState::Condition& c = ctx->state.conditions[2];
    c.host = host.address;
    const QString runner = ctx->runnerDir(host);
    QVERIFY(QDir().mkpath(runner));
    auto write = [](const QString& path, const QByteArray& text) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
    };
    QVERIFY(write(runner + QStringLiteral("/runner.pid"), QByteArray::number(QCoreApplication::applicationPid())));
    auto round = [&] {
        QProcess sh;
        sh.start(QStringLiteral("sh"), { QStringLiteral("-c"), StatusRound::script(*ctx, host, { 2 }) });
        sh.waitForFinished(20000);
        return sh.readAllStandardOutput();
    };
    const QString key = c.attemptKey(c.attempt);
    QByteArray out = round();
    QVERIFY2(out.contains((key + QStringLiteral("\tunpublished\n")).toUtf8()), out.constData());
    // Queued, as deploy saved it before it handed the runner its queue.
    QVERIFY(StatusRound::apply(&ctx->state, host.address, { 2 }, out).isEmpty());
    QCOMPARE(c.phase, Phase::Queued);
    // deploy could not write its files: not handed over, which a round with the runner alive does not undo.
    c.phase = Phase::Unreachable;
    QVERIFY(StatusRound::apply(&ctx->state, host.address, { 2 }, out).isEmpty());
    QCOMPARE(c.phase, Phase::Unreachable);
    // Published: queued in the runner.
    QVERIFY(write(runner + QLatin1Char('/') + key + QStringLiteral(".sh"), "exit 0\n"));
    out = round();
    QVERIFY2(out.contains((key + QStringLiteral("\tqueued\n")).toUtf8()), out.constData());
    QCOMPARE(StatusRound::apply(&ctx->state, host.address, { 2 }, out), QList<int> { 2 });
    QCOMPARE(c.phase, Phase::Queued);
    // The runner ended and deploy never wrote it: it will not run; deploy again hands it over.
    QVERIFY(QFile::remove(runner + QLatin1Char('/') + key + QStringLiteral(".sh")));
    QVERIFY(write(runner + QStringLiteral("/runner.done"), ""));
    QStringList notes;
    QCOMPARE(StatusRound::apply(&ctx->state, host.address, { 2 }, round(), &notes), QList<int> { 2 });
    QCOMPARE(c.phase, Phase::Unreachable);
    QVERIFY2(notes.value(0).contains(QLatin1String("not handed over")), qPrintable(notes.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestDeployOperations)
void TestDeployOperations::aSaveBatchWritesTheStateOnceAtItsEnd()
{
    // Every save is forced to disk: a phase set for each of many conditions (aws: all of a deployment's at
    // provisioning, a machine's at each of its steps) is written once, when the outermost batch ends.
    QTemporaryDir dir;
    auto ctx = sshContext();
    ctx->stateDir = dir.path() + QStringLiteral("/.logistician");
    ctx->save();
    const QString file = ctx->stateDir + QLatin1Char('/') + QLatin1String(DeploymentState::FileName);
    auto phaseOnDisk = [&file](int i) {
        const auto loaded = DeploymentState::load(QFileInfo(file).absolutePath());
        return loaded ? loaded->conditions.at(i).phase : Phase::Terminated;
    };
    QCOMPARE(phaseOnDisk(2), Phase::Queued);
    {
        const DeployContext::SaveBatch outer(*ctx);
        {
            const DeployContext::SaveBatch inner(*ctx);
            ctx->setPhase(2, Phase::Provisioning);
            ctx->setHostPhase(QStringLiteral("me@b"), HostPhase::Booting);
        }
        QCOMPARE(phaseOnDisk(2), Phase::Queued); // the outer batch still lives
        ctx->setPhase(2, Phase::Booting);
        QCOMPARE(phaseOnDisk(2), Phase::Queued);
    }
    QCOMPARE(phaseOnDisk(2), Phase::Booting);
    ctx->setPhase(2, Phase::Queued); // outside a batch: at once
    QCOMPARE(phaseOnDisk(2), Phase::Queued);
}

#include "TestDeployOperations.moc"
