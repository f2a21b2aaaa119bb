// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Experiment.h"
#include "Result.h"
#include "board/BoardModel.h"
#include "deploy/Deployment.h"

#include <QObject>
#include <QSet>
#include <QVector>
#include <functional>
#include <memory>

class QTimer;

// Keeps a board up to date with one experiment's deployment: it loads the saved
// state (so a deployment started by an earlier window, or by the CLI, shows up
// and is reconciled with what really runs), polls its status while something
// is still going on, fetches each machine's last log line, and runs the user's
// deploy, sync and terminate one at a time on the same core Deployment the CLI
// uses. A status poll that is running when the user asks for something else
// finishes first; the request follows it.
class DeploymentMonitor : public QObject
{
    Q_OBJECT
public:
    enum class Operation
    {
        None,
        Refresh,
        Deploy,
        Sync,
        Terminate,
        SyncMachine, // some conditions only; the others are left alone
        TerminateMachine,
    };
    Q_ENUM(Operation)

    explicit DeploymentMonitor(QObject* parent = nullptr);
    ~DeploymentMonitor() override;

    // Opens experimentDir's deployment, if any; a live one is refreshed at once
    // and then polled. Bad input when the experiment or its state does not load.
    Result open(const QString& experimentDir);
    bool isOpen() const { return m_deployment != nullptr; }
    QString experimentDir() const { return m_experiment.dir(); }
    const Experiment& experiment() const { return m_experiment; }
    Deployment* deployment() const { return m_deployment.get(); }
    BoardModel* model() const { return m_model; }

    bool hasDeployment() const;
    // Deployed and not terminated.
    bool isLive() const;
    bool isBusy() const { return m_operation != Operation::None; }
    Operation operation() const { return m_operation; }
    // The operation that runs once the one under way ends (terminateAll during the board's own deploy).
    Operation queuedOperation() const { return m_queuedOperation; }
    static QString operationName(Operation operation);

    // Every ms milliseconds while something runs (default: LOGISTICIAN_POLL_SECONDS, else 5 s).
    void setPollInterval(int ms);
    // Each status poll goes on to sync what has finished (AutoSync); from Settings::autoSync at first.
    void setAutoSync(bool on);
    bool autoSync() const { return m_autoSync; }
    int pollInterval() const;
    bool isPolling() const;

    Deployment::Plan plan(const DeployOptions& options) const;
    void deploy(const DeployOptions& options);
    void refresh();
    void syncAll();
    // force: go on even when results are not synced (the user confirmed it).
    void terminateAll(bool force);
    // The same for the conditions of some rows of the model only; the deployment stays live.
    void syncMachines(const QList<int>& rows);
    void terminateMachines(const QList<int>& rows, bool force);
    // The rows the running (or last) SyncMachine or TerminateMachine was for.
    QList<int> machineRows() const { return m_machineRows; }

    // For the machine of a condition (a row of the model):
    // its container's output, the last `lines` lines then following it.
    Command logCommand(int row, int lines = 500) const;
    // An interactive login: ssh to the machine into the condition's folder, or
    // for the local engine a shell in the condition's data folder.
    Command loginCommand(int row) const;
    // The terminal emulator command (Settings::terminalCommand) running loginCommand.
    Command terminalCommand(int row) const;
    QString dataDir(int row) const;

Q_SIGNALS:
    void busyChanged(bool busy);
    void operationStarted(DeploymentMonitor::Operation operation);
    void operationFinished(DeploymentMonitor::Operation operation, int exitCode, const QString& message);
    void progress(const QString& message);
    // A condition moved from one phase to another (seen by this window).
    void phaseChanged(int row, DeploymentState::Phase from, DeploymentState::Phase to);
    // Every condition reached its end (once per deployment and window).
    void deploymentFinished(int failedCount);
    // A deployment appeared, was replaced or was terminated.
    void stateChanged();

private:
    void start(Operation operation, std::function<void()> run);
    void onFinished(int exitCode, const QString& message);
    void syncModel();
    void noticeTransitions();
    void schedulePoll();
    void fetchLastLines();
    std::unique_ptr<Backend> makeBackend() const; // none when the deployment names no backend this build has

    Experiment m_experiment;
    std::unique_ptr<Deployment> m_deployment;
    BoardModel* m_model;
    QTimer* m_poll;
    Operation m_operation = Operation::None;
    std::function<void()> m_queued;
    Operation m_queuedOperation = Operation::None;
    QVector<DeploymentState::Phase> m_seen; // phases last announced, per row
    // Per row, the attempt whose ended container's last line was fetched (0: none). A container that
    // has ended prints nothing more, so a silent one is not asked again every round (one docker
    // command per condition per round: most of the app's CPU in a 200-condition sweep).
    QVector<int> m_endedLineFetched;
    bool m_finishAnnounced = false;
    QObject* m_lineWork = nullptr; // parent of the running last-line commands
    QList<int> m_machineRows;
    bool m_autoSync = true;
};
