// SPDX-License-Identifier: MIT
// deploy's pure launch functions (Launch): the new state, the docker run of a condition, its start script,
// a host's runner folder and provenance, called as they are: no engine, no host, a scratch folder only.
#include "Experiment.h"
#include "TestProject.h"
#include "deploy/DeployContext.h"
#include "deploy/Launch.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using Phase = DeploymentState::Phase;

class TestLaunch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void newStateQueuesEveryCondition();
    void runSpecDecidesImageMountsAndLabels();
    void startScriptRefusesSymlinksThenRunsAndFollows();
    void runnerFolderHoldsQueueRetriesAndScripts();
    void provenanceNamesWhatRan();

private:
    std::unique_ptr<DeployContext> context(const QString& backend);
    std::unique_ptr<TestProject> m_project;
    Experiment m_experiment;
};

void TestLaunch::initTestCase()
{
    m_project = std::make_unique<TestProject>();
    const auto openedExperiment = Experiment::open(m_project->experimentDir());
    QVERIFY(openedExperiment);
    m_experiment = *openedExperiment;
}

std::unique_ptr<DeployContext> TestLaunch::context(const QString& backend)
{
    auto ctx = std::make_unique<DeployContext>(m_experiment);
    if (const Result created = ctx->createBackend(backend); !created)
        qFatal("%s", qPrintable(created.message()));
    ctx->stateDir = m_experiment.dir() + QStringLiteral("/.logistician");
    ctx->state = Launch::newState(m_experiment.parameters(), backend, ctx->isRemote(),
                                  QStringLiteral("0123456789abcdef0123456789abcdef01234567"), false);
    DeploymentState::Host host = DeploymentState::Host::at(
        ctx->isRemote() ? QStringLiteral("me@a") : QStringLiteral("local"), QStringLiteral("/home/me"));
    ctx->state.hosts << host;
    for (DeploymentState::Condition& c : ctx->state.conditions)
        c.host = host.address;
    ctx->hasState = true;
    return ctx;
}

void TestLaunch::newStateQueuesEveryCondition()
{
    const Parameters& p = m_experiment.parameters();
    const DeploymentState s = Launch::newState(p, QStringLiteral("local"), false,
                                               QStringLiteral("0123456789abcdef0123456789abcdef01234567"), true);
    QCOMPARE(s.conditions.size(), p.allConditions().size());
    QVERIFY(!s.conditions.isEmpty());
    QCOMPARE(s.backend, QStringLiteral("local"));
    QVERIFY(s.dirty);
    QVERIFY(s.registry.isEmpty()); // this machine's engine needs none
    QVERIFY2(s.image.contains(QStringLiteral("0123456789ab")), qPrintable(s.image));
    for (const DeploymentState::Condition& c : s.conditions) {
        QCOMPARE(c.phase, Phase::Queued);
        QVERIFY(Launch::toHandOver(c));
        QCOMPARE(c.lastAttempt, 1 + p.maxRetries());
    }
}

void TestLaunch::runSpecDecidesImageMountsAndLabels()
{
    auto ctx = context(QStringLiteral("ssh"));
    const DeploymentState::Condition& c = ctx->state.conditions.at(0);
    const DeploymentState::Host& host = ctx->state.hosts.at(0);
    const Docker::RunSpec spec = Launch::runSpec(*ctx, c, host, true, QStringLiteral("img:1"), {});
    QCOMPARE(spec.image, QStringLiteral("img:1"));
    QCOMPARE(spec.name, ctx->containerName(c));
    QVERIFY(spec.labels.contains(QStringLiteral("logistician.condition=") + c.slug));
    QVERIFY(spec.labels.contains(QStringLiteral("logistician.commit=") + ctx->state.commit));
    QCOMPARE(spec.projectDir, ctx->remoteDir(host, c) + QStringLiteral("/project"));
    QCOMPARE(spec.arguments, c.arguments);
    // Here: the exported code and the local data folder.
    auto local = context(QStringLiteral("local"));
    const Docker::RunSpec here = Launch::runSpec(*local, local->state.conditions.at(0), local->state.hosts.at(0), false,
                                                 QStringLiteral("img:1"), {});
    QCOMPARE(here.projectDir, local->codeDir());
    QCOMPARE(here.dataDir, local->localDataDir(local->state.conditions.at(0)));
}

void TestLaunch::startScriptRefusesSymlinksThenRunsAndFollows()
{
    auto ctx = context(QStringLiteral("ssh"));
    const DeploymentState::Condition& c = ctx->state.conditions.at(0);
    const DeploymentState::Host& host = ctx->state.hosts.at(0);
    QString announcement;
    const QString script = QString::fromUtf8(Launch::startScript(*ctx, host, c, {}, &announcement));
    // "sh KEY.sh ended" (the runner, once the container ended) only saves its log, through keep_output.
    QVERIFY2(script.startsWith(QStringLiteral("if [ \"${1-}\" = ended ]; then\n")), qPrintable(script));
    const int ended = script.indexOf(QStringLiteral("\nexit 0\nfi\n"));
    QVERIFY(ended > 0);
    QVERIFY2(script.left(ended).trimmed().endsWith(QStringLiteral("\nkeep_output %1 logs docker.txt docker logs %2")
                                                       .arg(ctx->dataDirOnHost(host, c, 1), ctx->containerName(c))),
             qPrintable(script));
    QVERIFY2(script.mid(ended).startsWith(QStringLiteral("\nexit 0\nfi\nfor p in ")), qPrintable(script));
    QVERIFY(script.contains(QStringLiteral("is a symbolic link")));
    QVERIFY(script.contains(QStringLiteral(" run ")));
    QVERIFY(script.contains(QStringLiteral(" logs -f ") + ctx->containerName(c)));
    QVERIFY(script.contains(QStringLiteral("follow_output")));
    QVERIFY2(announcement.startsWith(c.attemptKey(c.attempt) + QStringLiteral(" on me@a will run: ")),
             qPrintable(announcement));
    // A later attempt makes its own folders and copies attempt 1's config.
    DeploymentState::Condition second = c;
    second.attempt = 2;
    const QString again = QString::fromUtf8(Launch::startScript(*ctx, host, second, {}));
    QVERIFY2(again.contains(QStringLiteral("cp -RP ")), qPrintable(again));
}

void TestLaunch::runnerFolderHoldsQueueRetriesAndScripts()
{
    auto ctx = context(QStringLiteral("local"));
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    const ResultOf<QStringList> written
        = Launch::writeRunnerFolder(*ctx, Launch::Facts(), QStringLiteral("local"), folder.path());
    QVERIFY2(written.isOk(), qPrintable(written.message()));
    const QStringList& announced = *written;
    QVERIFY(QFile::exists(folder.filePath(QStringLiteral("runner.sh"))));
    QFile queue(folder.filePath(QStringLiteral("queue")));
    QVERIFY(queue.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(queue.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), ctx->state.conditions.size());
    QCOMPARE(announced.size(), ctx->state.conditions.size());
    for (const DeploymentState::Condition& c : std::as_const(ctx->state.conditions)) {
        QVERIFY(QFile::exists(folder.filePath(c.attemptKey(c.attempt) + QStringLiteral(".sh"))));
        // Each handed-over condition's provenance is written beside its results.
        QVERIFY(QFile::exists(ctx->localDataDir(c) + QStringLiteral("/config/provenance.json")));
    }
    QVERIFY(QFile::exists(folder.filePath(QStringLiteral("retries"))));
    QCOMPARE(Launch::deploymentId(ctx->state),
             QStringLiteral("0123456789ab-%1").arg(ctx->state.createdAt.toSecsSinceEpoch()));
}

void TestLaunch::provenanceNamesWhatRan()
{
    auto ctx = context(QStringLiteral("ssh"));
    const DeploymentState::Condition& c = ctx->state.conditions.at(0);
    DeploymentState::Host host = ctx->state.hosts.at(0);
    host.id = QStringLiteral("i-0abc");
    Launch::Facts facts;
    facts.image.id = QStringLiteral("sha256:1111");
    facts.image.repoDigest = QStringLiteral("reg/img@sha256:2222");
    facts.hostImageIds.insert(QStringLiteral("me@b"), QStringLiteral("sha256:3333"));
    const Docker::RunSpec spec = Launch::runSpec(*ctx, c, host, true, ctx->state.image, {});
    const Provenance::Record r = Launch::provenance(*ctx, facts, c, host, spec);
    QCOMPARE(r.commit, ctx->state.commit);
    QCOMPARE(r.imageId, QStringLiteral("sha256:1111")); // built here: not one of the hosts that built their own
    QCOMPARE(r.repoDigest, QStringLiteral("reg/img@sha256:2222"));
    QCOMPARE(r.host, QStringLiteral("me@a"));
    QCOMPARE(r.instanceId, QStringLiteral("i-0abc"));
    QCOMPARE(r.container, ctx->containerName(c));
    QCOMPARE(r.argv, spec.command + spec.arguments);
}

QTEST_GUILESS_MAIN(TestLaunch)
#include "TestLaunch.moc"
