// SPDX-License-Identifier: MIT
#pragma once

#include "AsyncCommand.h"
#include "Docker.h"
#include "Experiment.h"
#include "deploy/Backend.h"
#include "deploy/DeploymentState.h"
#include "files/SafeFile.h"

#include <QByteArray>
#include <QObject>
#include <QSet>
#include <memory>

// What every deployment operation (deploy, status round, sync, terminate) shares: the experiment,
// the saved state, the backend, and how it names and reaches things on the hosts. The operations
// change the state only through here, so it is saved and announced the same way by all of them.
class DeployContext : public QObject
{
    Q_OBJECT
public:
    explicit DeployContext(const Experiment& experiment, QObject* parent = nullptr);
    ~DeployContext() override;

    Experiment experiment;
    QString stateDir;
    DeploymentState state;
    bool hasState = false;
    std::unique_ptr<Backend> backend;
    QSet<int> starting; // conditions whose start is under way (deploy); the status round leaves them alone
    QObject* work = nullptr; // parent of the running commands of the current operation; deleted to stop them

    Result createBackend(const QString& name);
    bool isRemote() const { return backend && backend->isRemote(); }
    bool preassignsHosts() const { return backend && backend->preassignsHosts(); }

    // Saves deployment.json (and machines.txt), and keeps the per-user DeploymentIndex in step: recorded
    // while live, forgotten once terminated.
    void save();
    // While one lives, the context's saves are gathered into one, made when the last batch ends: a phase set
    // for each of many conditions writes the state once, not once each (every save is forced to disk).
    class SaveBatch
    {
    public:
        explicit SaveBatch(DeployContext& ctx);
        ~SaveBatch();
        SaveBatch(const SaveBatch&) = delete;
        SaveBatch& operator=(const SaveBatch&) = delete;

    private:
        DeployContext& m_ctx;
    };
    void setPhase(int index, DeploymentState::Phase phase);
    void setHostPhase(const QString& address, DeploymentState::HostPhase phase, const QString& message = QString());
    // The host does not answer: its started conditions become unreachable (or stopped: an aws machine that
    // stopped itself after its run); those still waiting there too once it has been silent for
    // UnreachableLostSeconds (lost: nothing can start them while it is gone).
    void markUnreachable(const QString& address, const QString& why);
    static constexpr int UnreachableLostSeconds = 300;

    // Runs a command for the current operation; done is not called once the operation has ended.
    void run(const Command& command, AsyncCommand::Callback done) const;

    // The docker command setting (remote_docker_command or local_docker_command), for the Docker builders.
    QString dockerSetting(bool remote) const;
    QString dockerSetting() const { return dockerSetting(isRemote()); }
    QStringList dockerWords(bool remote) const;
    QStringList dockerWords() const { return dockerWords(isRemote()); }
    QString codeDir() const;
    QString stageDir(const DeploymentState::Condition& condition) const;
    // attempt 0: the condition's current attempt (DeploymentState::Condition::attemptKey and attemptFolder).
    QString containerName(const DeploymentState::Condition& condition, int attempt = 0) const;
    QString localDataDir(const DeploymentState::Condition& condition, int attempt = 0) const;
    QString remoteDir(const DeploymentState::Host& host, const DeploymentState::Condition& condition) const;
    // The folder of this experiment on a host: the conditions' folders and the image build folder are in it.
    QString remoteExperimentDir(const DeploymentState::Host& host) const;
    // The host's runner folder (templates/remote/runner.sh): its queue, start scripts and claims.
    QString runnerDir(const DeploymentState::Host& host) const;
    // Where a condition's results are on its host: the remote data folder, or the local one.
    QString dataDirOnHost(const DeploymentState::Host& host, const DeploymentState::Condition& condition,
                          int attempt = 0) const;

    // Written atomically (QSaveFile), its folder made first.
    // Atomic, and no symlink below base (default: the file's own folder) is followed;
    // missing folders from base down are made. Durability::Whole: not forced to disk (SafeFile).
    static Result writeFile(const QString& path, const QByteArray& data, const QString& base = QString(),
                            SafeFile::Durability durability = SafeFile::Durability::OnDisk);

private:
    void recordInIndex();
    QByteArray m_saved; // the state as this context last saved it: a save of the same state writes nothing
    int m_batches = 0; // SaveBatch objects alive
    bool m_savePending = false; // a save asked for during a batch
    QString m_awsRegion; // the machines' region and type for the index, learnt once
    QString m_awsInstanceType;

Q_SIGNALS:
    void conditionChanged(int index);
    void progress(const QString& message);
    // deploy made (or picked up) the state it goes on with: a new deployment's conditions are all in it.
    void stateReplaced();
};

// ssh's own exit code when it cannot reach the host.
constexpr int SshUnreachable = 255;
