// SPDX-License-Identifier: MIT
#include "Deployment.h"

#include "CommandRunner.h"
#include "deploy/AutoSync.h"
#include "deploy/DeployContext.h"
#include "deploy/Rerun.h"
#include "deploy/ResultsStoreSync.h"
#include "deploy/StatusRound.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTimer>
#include <cerrno>
#include <signal.h>

using Phase = DeploymentState::Phase;

Deployment::Deployment(const Experiment& experiment, QObject* parent)
    : QObject(parent)
    , m_ctx(new DeployContext(experiment, this))
{
    connect(m_ctx, &DeployContext::conditionChanged, this, &Deployment::conditionChanged);
    connect(m_ctx, &DeployContext::progress, this, &Deployment::progress);
    connect(m_ctx, &DeployContext::stateReplaced, this, &Deployment::stateReplaced);
}

Deployment::~Deployment() = default;

Result Deployment::load()
{
    ResultOf<DeploymentState> loaded = DeploymentState::load(m_ctx->stateDir);
    m_ctx->hasState = loaded.isOk();
    if (loaded)
        m_ctx->state = loaded.take();
    if (!loaded && loaded.kind() != Result::Kind::NotFound)
        return Result::badInput(loaded.message());
    return Result::ok();
}

bool Deployment::hasDeployment() const
{
    return m_ctx->hasState;
}

const DeploymentState& Deployment::state() const
{
    return m_ctx->state;
}

void Deployment::markStoreDeleted()
{
    if (!m_ctx->hasState)
        return;
    m_ctx->state.storeDeletedAt = QDateTime::currentDateTimeUtc();
    m_ctx->save();
}

const Experiment& Deployment::experiment() const
{
    return m_ctx->experiment;
}

void Deployment::finish(const Result& result)
{
    if (QObject* work = m_ctx->work) {
        // Whatever still runs for this operation stops, and nothing of it calls back.
        for (QObject* child : work->findChildren<QObject*>())
            child->disconnect();
        work->deleteLater();
        m_ctx->work = nullptr;
    }
    if (m_wrotePidFile) {
        QFile::remove(deployPidFile(m_ctx->stateDir));
        if (m_stopping)
            QFile::remove(stopRequestFile(m_ctx->stateDir));
        m_wrotePidFile = false;
    }
    m_stopping = false;
    m_busy = false;
    Q_EMIT finished(result.exitCode(), result.message());
}

QString Deployment::deployPidFile(const QString& stateDir)
{
    return stateDir + QStringLiteral("/deploying");
}

QString Deployment::stopRequestFile(const QString& stateDir)
{
    return stateDir + QStringLiteral("/terminate-requested");
}

qint64 Deployment::runningDeploy(const QString& stateDir)
{
    QFile file(deployPidFile(stateDir));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    bool ok = false;
    const qint64 pid = file.read(32).trimmed().toLongLong(&ok);
    if (!ok || pid <= 0)
        return 0;
    // A deploy killed outright leaves its file behind: only a live process counts.
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)
        return 0;
    return pid;
}

void Deployment::stopDeploy()
{
    if (!m_wrotePidFile || m_stopping)
        return;
    if (const Result asked = DeployContext::writeFile(stopRequestFile(m_ctx->stateDir),
                                                      QByteArray::number(QCoreApplication::applicationPid()) + '\n');
        !asked)
        Q_EMIT progress(asked.message());
}

void Deployment::watchForStopRequest()
{
    const QString dir = m_ctx->stateDir;
    // One an earlier terminate left is no request to this deploy.
    QFile::remove(stopRequestFile(dir));
    // In the state folder, never made for it: a first deploy writes it once its state is saved (before that,
    // there is nothing a terminate could find).
    auto writePid = [this, dir] {
        if (m_wrotePidFile || !QFileInfo::exists(dir))
            return;
        if (const Result written = DeployContext::writeFile(
                deployPidFile(dir), QByteArray::number(QCoreApplication::applicationPid()) + '\n');
            written)
            m_wrotePidFile = true;
        else
            Q_EMIT progress(written.message());
    };
    writePid();
    connect(m_ctx, &DeployContext::stateReplaced, m_ctx->work, writePid);
    auto* timer = new QTimer(m_ctx->work);
    timer->setInterval(250);
    connect(timer, &QTimer::timeout, this, [this, timer, dir] {
        if (m_stopping || !QFileInfo::exists(stopRequestFile(dir)))
            return;
        timer->stop();
        m_stopping = true;
        Q_EMIT progress(QStringLiteral("terminate was asked for while this deploy ran: the deploy stops here"));
        const Result stopped = Result::failed(
            QStringLiteral("deploy stopped: `logistician terminate` was asked for while it ran; terminate removes "
                           "what it made"));
        auto end = [this, stopped] { finish(stopped); };
        if (m_ctx->backend)
            m_ctx->backend->interrupt(end);
        else
            end();
    });
    timer->start();
}

void Deployment::finishLater(const Result& result)
{
    m_busy = true;
    QTimer::singleShot(0, this, [this, result] { finish(result); });
}

void Deployment::beginWork()
{
    m_ctx->work = new QObject(m_ctx);
}

Result Deployment::nothingDeployed() const
{
    return Result::badInput(
        QStringLiteral("%1: nothing is deployed; run `logistician deploy` first").arg(m_ctx->experiment.dir()));
}

bool Deployment::beginOnDeployment(const Result& ifNothingDeployed)
{
    m_busy = true;
    if (!m_ctx->hasState) {
        finishLater(ifNothingDeployed);
        return false;
    }
    if (const Result created = m_ctx->createBackend(m_ctx->state.backend); !created) {
        finishLater(created);
        return false;
    }
    return true;
}

ResultOf<QSet<int>> Deployment::selectConditions(const QList<int>& indexes) const
{
    QSet<int> positions;
    const int count = static_cast<int>(m_ctx->state.conditions.size());
    for (int index : indexes) {
        if (index < 1 || index > count)
            return Result::badInput(QStringLiteral("there is no condition %1; this deployment has %2 (numbered as "
                                                   "`logistician status` shows them)")
                                        .arg(index)
                                        .arg(count));
        positions.insert(index - 1);
    }
    return positions;
}

QString Deployment::containerName(const DeploymentState::Condition& condition) const
{
    return m_ctx->containerName(condition);
}

QString Deployment::localDataDir(const DeploymentState::Condition& condition) const
{
    return m_ctx->localDataDir(condition);
}

QString Deployment::remoteDir(const DeploymentState::Host& host, const DeploymentState::Condition& condition) const
{
    return m_ctx->remoteDir(host, condition);
}

Docker::RunSpec Deployment::runSpec(const DeploymentState::Condition& condition, const DeploymentState::Host& host,
                                    bool remote, const QString& image, const QStringList& imageCommand) const
{
    return DeployOperation::runSpec(*m_ctx, condition, host, remote, image, imageCommand);
}

qint64 Deployment::elapsedSeconds(const DeploymentState::Condition& c)
{
    if (!c.startedAt.isValid())
        return -1;
    const QDateTime end = c.finishedAt.isValid() ? c.finishedAt : QDateTime::currentDateTimeUtc();
    return qMax<qint64>(0, c.startedAt.secsTo(end));
}

int Deployment::exitCodeFor(const DeploymentState& state)
{
    for (const DeploymentState::Condition& c : state.conditions) {
        if (c.phase == Phase::Failed || c.phase == Phase::Unreachable || c.phase == Phase::Preempted)
            return 1;
    }
    return 0;
}

Deployment::Plan Deployment::plan(const DeployOptions& options) const
{
    return DeployOperation::plan(*m_ctx, options);
}

void Deployment::deploy(const DeployOptions& options)
{
    if (m_busy)
        return;
    m_busy = true;
    // The limits asked for hold for this deploy's machines, runners and status rounds.
    m_ctx->experiment = options.withLimits(m_ctx->experiment);
    const Plan p = plan(options);
    if (!p.check) {
        finishLater(p.check);
        return;
    }
    m_ctx->starting.clear();
    beginWork();
    watchForStopRequest();
    auto* operation = new DeployOperation(*m_ctx, options, p, [this](const Result& result) {
        if (!m_stopping) // else the stop ends it, once the backend's work stopped cleanly
            finish(result);
    });
    operation->start();
}

void Deployment::refreshStatus(StatusRound::Reach reach)
{
    if (m_busy)
        return;
    if (!beginOnDeployment(nothingDeployed()))
        return;
    beginWork();
    StatusRound::run(
        *m_ctx,
        [this, reach] {
            auto done = [this] { finish(exitCodeFor(m_ctx->state) ? Result::failed(QString()) : Result::ok()); };
            auto retried = [this, done, reach] {
                if (!m_retryPreempted || reach == StatusRound::Reach::HostsOnly
                    || Rerun::preemptedToRetry(m_ctx->state).isEmpty()) {
                    done();
                    return;
                }
                retryPreempted(done);
            };
            // A failed sync is reported by AutoSync and tried again next round; the round's result stands.
            if (m_autoSyncOn)
                m_autoSync->run(*m_ctx, retried);
            else
                retried();
        },
        reach);
}

void Deployment::retryPreempted(std::function<void()> done)
{
    DeployOptions options;
    options.retryPreempted = true;
    const DeployPlan p = DeployOperation::plan(*m_ctx, options);
    // A retry that cannot be made is not tried again and again: those conditions stay preempted, with
    // `deploy --rerun-failed` to run them by hand, and the watch can end.
    auto giveUp = [this](const QList<int>& positions) {
        for (int i : positions)
            m_ctx->state.conditions[i].lastAttempt = m_ctx->state.conditions.at(i).attempt;
        m_ctx->save();
    };
    if (!p.check) {
        Q_EMIT progress(QStringLiteral("preempted conditions not retried: %1").arg(p.check.message()));
        giveUp(Rerun::preemptedToRetry(m_ctx->state));
        done();
        return;
    }
    Q_EMIT progress(QStringLiteral("retrying %1 preempted condition(s) on a new machine").arg(p.rerun.size()));
    m_ctx->starting.clear();
    auto* operation = new DeployOperation(*m_ctx, options, p, [this, done, giveUp](const Result& result) {
        if (!result) {
            Q_EMIT progress(QStringLiteral("retry of preempted conditions failed: %1").arg(result.message()));
            giveUp(Rerun::preemptedToRetry(m_ctx->state));
        }
        done();
    });
    operation->start();
}

void Deployment::setAutoSync(bool on)
{
    if (on && !m_autoSync)
        m_autoSync = std::make_unique<AutoSync>();
    m_autoSyncOn = on;
}

void Deployment::fetchFromStore()
{
    if (m_busy)
        return;
    if (!beginOnDeployment(nothingDeployed()))
        return;
    QSet<int> stale;
    if (ResultsStoreSync::applies(*m_ctx)) {
        for (int i : ResultsStoreSync::select(m_ctx->state, {}).positions) {
            const DeploymentState::Condition& c = m_ctx->state.conditions.at(i);
            if (!c.resultsSafe() || !QFileInfo::exists(m_ctx->localDataDir(c, 1)))
                stale << i;
        }
    }
    if (stale.isEmpty()) {
        finishLater(Result::ok());
        return;
    }
    beginWork();
    SyncOperation::run(*m_ctx, SyncOptions(), stale, [this](const Result& result) { finish(result); });
}

void Deployment::sync(const SyncOptions& options)
{
    if (m_busy)
        return;
    if (!beginOnDeployment(nothingDeployed()))
        return;
    const ResultOf<QSet<int>> chosen = selectConditions(options.conditions);
    if (!chosen) {
        finishLater(chosen.error());
        return;
    }
    const QSet<int> selected = *chosen;
    beginWork();
    StatusRound::run(*m_ctx, [this, options, selected] {
        wakeStopped(selected, [this, options, selected](const QStringList& woken) {
            SyncOperation::run(*m_ctx, options, selected, [this, woken](const Result& result) {
                if (woken.isEmpty()) {
                    finish(result);
                    return;
                }
                // Stopped before, stopped after: a sync does not leave a machine running (and billed).
                m_ctx->backend->sleep(&m_ctx->state, woken, [this, result](const Result& slept) {
                    if (!slept)
                        Q_EMIT progress(slept.message());
                    finish(result);
                });
            });
        });
    });
}

void Deployment::wakeStopped(const QSet<int>& selected, std::function<void(const QStringList&)> then)
{
    // aws: a machine that stopped itself is started again, and asked anew, before its results are fetched.
    m_ctx->backend->wake(&m_ctx->state, selected, [this, then](const QStringList& woken, const QString& problem) {
        if (!problem.isEmpty())
            Q_EMIT progress(problem);
        if (woken.isEmpty()) {
            then(woken);
            return;
        }
        StatusRound::run(*m_ctx, [then, woken] { then(woken); });
    });
}

void Deployment::terminate(const TerminateOptions& options)
{
    if (m_busy)
        return;
    const QString dir = m_ctx->stateDir;
    const qint64 pid = options.conditions.isEmpty() ? runningDeploy(dir) : 0;
    if (pid == 0) {
        terminateNow(options);
        return;
    }
    // Terminate wins: the deploy still running stops (its terraform interrupted, so its lock is released and
    // what it made is in the state), and what it saved last is what is removed.
    if (const Result asked
        = DeployContext::writeFile(stopRequestFile(dir), QByteArray::number(QCoreApplication::applicationPid()) + '\n');
        !asked) {
        finishLater(asked);
        return;
    }
    m_busy = true;
    Q_EMIT progress(
        QStringLiteral("a deploy of this experiment still runs (process %1): it is asked to stop first").arg(pid));
    auto* timer = new QTimer(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    timer->setInterval(250);
    connect(timer, &QTimer::timeout, this, [this, timer, clock, options, dir, pid] {
        const bool gone = runningDeploy(dir) == 0;
        if (!gone && clock->elapsed() < 15 * 60 * 1000)
            return;
        timer->stop();
        timer->deleteLater();
        QFile::remove(stopRequestFile(dir));
        m_busy = false;
        if (!gone) {
            finishLater(Result::failed(QStringLiteral("the deploy (process %1) did not stop within 15 minutes; run "
                                                      "terminate again once it has ended")
                                           .arg(pid)));
            return;
        }
        Q_EMIT progress(QStringLiteral("the deploy stopped"));
        if (const Result loaded = load(); !loaded) {
            finishLater(loaded);
            return;
        }
        terminateNow(options);
    });
    timer->start();
}

void Deployment::terminateNow(const TerminateOptions& options)
{
    if (!m_ctx->hasState)
        Q_EMIT progress(QStringLiteral("nothing is deployed"));
    // Terminating what is not there is done, not an error.
    if (!beginOnDeployment(Result::ok()))
        return;
    const ResultOf<QSet<int>> chosen = selectConditions(options.conditions);
    if (!chosen) {
        finishLater(chosen.error());
        return;
    }
    const QSet<int> selected = *chosen;
    if (!selected.isEmpty() && m_ctx->state.terminated) {
        Q_EMIT progress(QStringLiteral("the whole deployment is already terminated"));
        finishLater(Result::ok());
        return;
    }
    beginWork();
    StatusRound::run(*m_ctx, [this, options, selected] {
        auto terminate = [this, options, selected] {
            TerminateOperation::run(*m_ctx, options, selected, [this](const Result& result) { finish(result); });
        };
        // --force throws away what a stopped machine holds; otherwise it is started and its results synced first.
        if (options.force) {
            terminate();
            return;
        }
        wakeStopped(selected, [this, selected, terminate](const QStringList& woken) {
            QSet<int> unsynced;
            for (int i = 0; i < m_ctx->state.conditions.size(); ++i) {
                const DeploymentState::Condition& c = m_ctx->state.conditions.at(i);
                if (woken.contains(c.slug) && (selected.isEmpty() || selected.contains(i)) && !c.resultsSafe())
                    unsynced << i;
            }
            if (unsynced.isEmpty()) {
                terminate();
                return;
            }
            SyncOperation::run(*m_ctx, SyncOptions(), unsynced, [this, terminate](const Result& synced) {
                if (!synced) {
                    finish(synced);
                    return;
                }
                terminate();
            });
        });
    });
}
