#pragma once

#include "Docker.h"
#include "Experiment.h"
#include "Result.h"
#include "deploy/Backend.h"
#include "deploy/DeploymentState.h"

#include <QObject>
#include <QSet>
#include <functional>
#include <memory>

class QTimer;

// A sweep of an experiment's conditions on a backend, and everything done to it
// afterwards: deploy, status, sync, terminate. Every operation is asynchronous
// (QProcess under it, never a blocking wait): it reports through the signals
// and ends with finished(). The state is saved to .logistician/deployment.json
// after every change, so another process (or this one, later) can go on.
class Deployment : public QObject
{
    Q_OBJECT
public:
    // templates/remote/status.sh with @DOCKER@ replaced, then one "s SLUG DATA_DIR CONTAINER" line
    // per call; every word quoted by ShellWords.
    static QString renderStatusScript(const QString& templateText, const QStringList& docker,
                                      const QList<QStringList>& calls);

    struct Plan
    {
        Result check = Result::ok(); // bad input found before anything runs
        QString backend;
        int conditionCount = 0;
        QString summary;
        bool costsMoney = false; // ask before going on
        bool resumes = false; // an unfinished deployment of the same commit goes on
        QStringList warnings; // said loudly before going on, e.g. SSH open to a wide range
        // aws: what the machines are (parameters.json, else the stored defaults) and their price
        QString instanceType;
        QString region;
        double pricePerHour = -1; // one machine, US dollars; -1 when the table has no price
        QString priceNote; // the table's region and date, or why there is no price
    };

    struct SyncOptions
    {
        int parallel = 8; // hosts at a time
        int bandwidthLimitKBps = 0; // per transfer; 0: no limit
        QList<int> conditions; // Condition::index values (1-based, as status shows them); empty: all
    };

    struct TerminateOptions
    {
        bool force = false; // even when results are not synced or hosts do not answer
        // Condition::index values (1-based): only these stop, the others keep running and the
        // deployment stays live; empty: the whole deployment.
        QList<int> conditions;
    };

    explicit Deployment(const Experiment& experiment, QObject* parent = nullptr);
    ~Deployment() override;

    // Reads the saved state, if any; bad input when the file is unreadable.
    Result load();
    bool hasDeployment() const { return m_hasState; }
    // Bad input: what an operation on no deployment reports.
    Result nothingDeployed() const;
    const DeploymentState& state() const { return m_state; }
    const Experiment& experiment() const { return m_experiment; }
    bool isBusy() const { return m_busy; }

    // What deploy would do, checked without running anything.
    Plan plan(const DeployOptions& options) const;

    void deploy(const DeployOptions& options);
    void refreshStatus();
    void sync(const SyncOptions& options);
    void terminate(const TerminateOptions& options);

    QString containerName(const DeploymentState::Condition& condition) const;
    QString localDataDir(const DeploymentState::Condition& condition) const;
    QString remoteDir(const DeploymentState::Host& host, const DeploymentState::Condition& condition) const;
    // The docker run of one condition on a host: the one place its image, mounts, wrapper, labels,
    // GPUs and arguments (or $OPTIONS and the image's own command) are decided; deploy and its preview use it.
    Docker::RunSpec runSpec(const DeploymentState::Condition& condition, const DeploymentState::Host& host, bool remote,
                            const QString& image, const QStringList& imageCommand) const;
    // Seconds a condition has been running (or ran); -1 when it has not started.
    static qint64 elapsedSeconds(const DeploymentState::Condition& condition);
    // Exit code of a finished deployment state: 1 if any condition failed or is unreachable.
    static int exitCodeFor(const DeploymentState& state);

Q_SIGNALS:
    void conditionChanged(int index);
    void progress(const QString& message);
    // exitCode: 0 success, 1 the work failed, 2 bad input.
    void finished(int exitCode, const QString& message);

private:
    using Then = std::function<void()>;

    bool createBackend(const QString& name, QString* error);
    void finish(const Result& result);
    void finishLater(const Result& result);
    // Starts an operation on the saved deployment; false, with finished() to
    // follow, when nothing is deployed or its backend cannot be made.
    bool beginOnDeployment(const Result& ifNothingDeployed);
    void save();
    void setPhase(int index, DeploymentState::Phase phase);
    void setHostPhase(const QString& address, DeploymentState::HostPhase phase, const QString& message = QString());
    QStringList dockerWords(bool remote) const;
    QString codeDir() const;
    QString stageDir(const DeploymentState::Condition& condition) const;

    // deploy
    Result prepareFiles();
    void buildImage(Then then);
    void pushImage(Then then);
    void prepareHosts(Then then);
    void prepareHost(int hostIndex, int attempt, Then then);
    void getImageOnHost(int hostIndex, Then then);
    // docker login and pull on the host, the credential in a folder of their own that goes when they end.
    Command registryPull(const DeploymentState::Host& host) const;
    void schedule();
    void startCondition(int index, const QString& address);
    void runContainer(int index, const QString& address);
    // Original style: the image's own ENTRYPOINT and CMD on that host, for the run wrapper to run.
    void imageCommand(const QString& address, std::function<void(const QStringList&, const QString&)> then);
    void conditionStartFailed(int index, const QString& address, bool hostDown, int exitCode, const QString& why);
    void finishDeploy();

    // status
    void statusRound(Then then);
    QString statusScript(const DeploymentState::Host& host, const QList<int>& indexes) const;
    void applyStatus(const DeploymentState::Host& host, const QList<int>& indexes, const QByteArray& output);
    void markUnreachable(const QString& address, const QString& why);

    // sync, terminate
    // Positions in m_state.conditions of the 1-based indexes; bad input names one out of range.
    Result selectConditions(const QList<int>& indexes, QSet<int>* positions) const;
    void syncAll(const SyncOptions& options, const QSet<int>& selected);
    void terminateAll(const TerminateOptions& options);
    void terminateSome(const TerminateOptions& options, const QSet<int>& selected);
    void readRegistryPassword(std::function<void(const QString& password, const QString& error)> then);

    Experiment m_experiment;
    QString m_stateDir;
    DeploymentState m_state;
    bool m_hasState = false;
    bool m_busy = false;
    std::unique_ptr<Backend> m_backend;
    DeployOptions m_options;
    QString m_registryUser;
    QString m_registryPassword;
    QSet<int> m_starting;
    QHash<QString, QStringList> m_imageCommands; // by host address
    QStringList m_problems;
    QTimer* m_pollTimer = nullptr;
    QObject* m_work = nullptr; // parent of the running commands; deleted to stop them
};
