// SPDX-License-Identifier: MIT
#pragma once

#include "Docker.h"
#include "Experiment.h"
#include "Result.h"
#include "deploy/Backend.h"
#include "deploy/DeployOperation.h"
#include "deploy/DeploymentState.h"
#include "deploy/StatusRound.h"
#include "deploy/SyncOperation.h"
#include "deploy/TerminateOperation.h"

#include <QObject>
#include <QSet>
#include <functional>
#include <memory>

class AutoSync;
class DeployContext;

// A sweep of an experiment's conditions on a backend, and everything done to it
// afterwards: deploy, status, sync, terminate. Every operation is asynchronous
// (QProcess under it, never a blocking wait): it reports through the signals
// and ends with finished(). The state is saved to .logistician/deployment.json
// after every change, so another process (or this one, later) can go on.
//
// A thin front: each operation is its own small class or namespace (DeployOperation,
// StatusRound, SyncOperation, TerminateOperation) over the shared DeployContext.
class Deployment : public QObject
{
    Q_OBJECT
public:
    using Plan = DeployPlan;
    using SyncOptions = ::SyncOptions;
    using TerminateOptions = ::TerminateOptions;

    explicit Deployment(const Experiment& experiment, QObject* parent = nullptr);
    ~Deployment() override;

    // Reads the saved state, if any; bad input when the file is unreadable.
    Result load();
    bool hasDeployment() const;
    // Bad input: what an operation on no deployment reports.
    Result nothingDeployed() const;
    const DeploymentState& state() const;
    const Experiment& experiment() const;
    bool isBusy() const { return m_busy; }

    // What deploy would do, checked without running anything.
    Plan plan(const DeployOptions& options) const;

    // Returns at once: the Git checks and the export run on a worker thread, the rest on this one.
    void deploy(const DeployOptions& options);
    // HostsOnly (a project just opened): asks the hosts, never terraform, and retries nothing.
    void refreshStatus(StatusRound::Reach reach = StatusRound::Reach::HostsAndCloud);
    // On: each refreshStatus goes on to sync the conditions that have finished and are not synced (AutoSync).
    // For watchers (the board, status --watch, deploy --wait); off by default.
    void setAutoSync(bool on);
    // For watchers too: after a status round, preempted (spot) conditions with retries left (max_retries)
    // run again on a new machine, as `deploy --rerun` would run them.
    void setRetryPreempted(bool on) { m_retryPreempted = on; }
    bool autoSync() const { return m_autoSyncOn; }
    void sync(const SyncOptions& options);
    // With a results store (ResultsStoreSync::applies): the conditions whose local copy is missing or not synced
    // come home from the store, as sync brings them, without asking the machines (they may be gone). Without
    // one: nothing, and ok. For `results`.
    void fetchFromStore();
    // The whole deployment: a deploy of it still running (in another process, or this one) is asked to stop
    // first and waited for (terminate wins), then everything goes.
    void terminate(const TerminateOptions& options);
    // terminate --delete-store deleted the results store's objects: their storage costs nothing from now on.
    void markStoreDeleted();

    // Terminate wins over a deploy still running: the deploy keeps its process id in the state folder while it
    // runs, and stops (its terraform interrupted) once terminate leaves the stop request beside it.
    static QString deployPidFile(const QString& stateDir); // STATE/deploying: the running deploy's process id
    static QString stopRequestFile(const QString& stateDir); // STATE/terminate-requested
    // The process id of the deploy running for that state folder, 0 when none runs.
    static qint64 runningDeploy(const QString& stateDir);
    // A deploy this object runs stops as one asked to by a terminate elsewhere (the board's own terminate).
    void stopDeploy();

    QString containerName(const DeploymentState::Condition& condition) const;
    QString localDataDir(const DeploymentState::Condition& condition) const;
    QString remoteDir(const DeploymentState::Host& host, const DeploymentState::Condition& condition) const;
    // The docker run of one condition on a host (DeployOperation::runSpec); deploy and its preview use it.
    Docker::RunSpec runSpec(const DeploymentState::Condition& condition, const DeploymentState::Host& host, bool remote,
                            const QString& image, const QStringList& imageCommand) const;
    // Seconds a condition has been running (or ran); -1 when it has not started.
    static qint64 elapsedSeconds(const DeploymentState::Condition& condition);
    // Exit code of a finished deployment state: 1 if any condition failed or is unreachable.
    static int exitCodeFor(const DeploymentState& state);

Q_SIGNALS:
    void conditionChanged(int index);
    // deploy's Git checks passed and its state is made: a new deployment's conditions are all in state().
    void stateReplaced();
    void progress(const QString& message);
    // exitCode: 0 success, 1 the work failed, 2 bad input.
    void finished(int exitCode, const QString& message);

private:
    void finish(const Result& result);
    // deploy: stops once a stop request appears (terminate wins); the backend's work that must not be cut short
    // stops cleanly first.
    void watchForStopRequest();
    // terminate once no deploy of this deployment runs any more.
    void terminateNow(const TerminateOptions& options);
    // One deploy of the preempted conditions with retries left, then done.
    void retryPreempted(std::function<void()> done);
    void finishLater(const Result& result);
    // Starts an operation on the saved deployment; false, with finished() to
    // follow, when nothing is deployed or its backend cannot be made.
    bool beginOnDeployment(const Result& ifNothingDeployed);
    // The parent of this operation's commands and objects.
    void beginWork();
    // Positions in the state's conditions of the 1-based indexes; bad input names one out of range.
    ResultOf<QSet<int>> selectConditions(const QList<int>& indexes) const;
    // Starts the machines of these conditions that stopped themselves (aws) and asks them anew; then() gets the
    // slugs of those started, for Backend::sleep.
    void wakeStopped(const QSet<int>& selected, std::function<void(const QStringList&)> then);

    DeployContext* m_ctx;
    bool m_busy = false;
    bool m_autoSyncOn = false;
    bool m_retryPreempted = false;
    bool m_stopping = false; // deploy: a terminate asked it to stop
    bool m_wrotePidFile = false; // deploy: deployPidFile is this one's
    std::unique_ptr<AutoSync> m_autoSync; // made once, kept: a round under way may be using it
};
