// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Experiment.h"
#include "Result.h"
#include "deploy/DeploymentState.h"
#include "deploy/Ssh.h"

#include <QMap>
#include <QObject>
#include <QSet>
#include <functional>
#include <memory>

// What `deploy` was asked to do.
struct DeployOptions
{
    QString backend; // empty: parameters.json's backend
    bool allowDirty = false;
    QString sshCidr; // aws: who may reach the machines over SSH; empty: parameters.json's aws_ssh_cidr
    bool allowWideSsh = false; // aws: a range shorter than /16 (0.0.0.0/0 included) is refused without it
    bool dryRun = false; // show what would happen, change nothing
    bool replace = false; // containers (and runners) of the experiment at another commit go, instead of a refusal
    // Conditions of the deployment to run again as a new attempt (numbers as status shows them, or slugs),
    // and all failed, timed-out or lost ones (see Rerun).
    QStringList rerun;
    bool rerunFailed = false;
    // The watchers: preempted (spot) conditions with retries left (max_retries) run again, on a new machine.
    bool retryPreempted = false;
    // Limits for this deploy in place of parameters.json's auto_stop_minutes and max_runtime_minutes
    // (the deploy dialog's fields, deploy --auto-stop / --max-runtime): -1 keeps the file's, 0 is off.
    int autoStopMinutes = -1;
    int maxRuntimeMinutes = -1;
    bool reruns() const { return rerunFailed || retryPreempted || !rerun.isEmpty(); }
    // The experiment as this deploy sees it: the limits above in place of the file's (nothing is saved).
    Experiment withLimits(const Experiment& experiment) const;
};

// Where the conditions of a deployment run and how commands reach them. The
// Deployment drives the common work (upload, image, start, status, sync,
// terminate); a backend adds its machines: the local engine, the listed ssh
// hosts, or EC2 instances that Terraform provisions.
class Backend : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const Result&)>;

    struct Context
    {
        Experiment experiment;
        QString stateDir;
        QString keyPath;
    };

    // local, ssh or aws; nullptr and *error for another name.
    static std::unique_ptr<Backend> create(const QString& name, const Context& context, Result* error = nullptr);
    static QStringList names();

    explicit Backend(const Context& context, QObject* parent = nullptr);

    virtual QString name() const = 0;
    virtual bool isRemote() const { return true; }
    // aws: each condition has its own machine, chosen by provision().
    virtual bool preassignsHosts() const { return false; }
    virtual int slotsPerHost() const;
    // Bad input found before anything runs: no hosts, no terraform, no SSH key.
    virtual Result check(const DeployOptions& options) const;
    // One paragraph for the confirmation: what will run where, and what it costs.
    virtual QString planSummary(int conditionCount, const DeployOptions& options) const = 0;
    // Things to say loudly before going on (e.g. SSH open to a wide range); empty for most.
    virtual QStringList warnings(const DeployOptions&) const { return {}; }
    virtual bool costsMoney() const { return false; }
    // Makes the machines and fills state->hosts (aws also sets each condition's host).
    virtual void provision(DeploymentState* state, const DeployOptions& options, Done done) = 0;
    // Removes what provision made; idempotent.
    virtual void release(DeploymentState* state, Done done);
    // Removes the machines of some conditions (positions in state->conditions) where each condition has its
    // own; the others keep theirs. Nothing to do where machines are shared.
    virtual void releaseConditions(DeploymentState* state, const QList<int>& positions, Done done);
    // Machines of these conditions (positions; empty: all) that stopped themselves are started again, for a
    // sync or terminate to reach them; then() gets the slugs of those started (for sleep()) and a problem, if any.
    using Woken = std::function<void(const QStringList& slugs, const QString& problem)>;
    virtual void wake(DeploymentState*, const QSet<int>&, Woken then) { then({}, QString()); }
    // Stops again the machines wake() started (their conditions' slugs).
    virtual void sleep(DeploymentState*, const QStringList&, Done done) { done(Result::ok()); }
    // After a status round: conditions on unreachable machines that the provider took back become Preempted
    // (lost when the machine was no spot one); then() gets their positions.
    virtual void explainUnreachable(DeploymentState*, std::function<void(const QList<int>&)> then) { then({}); }
    // How long to wait for a new machine to answer: attempts and seconds between them.
    virtual int bootAttempts() const { return 3; }
    virtual int bootIntervalSeconds() const { return 2; }

    // The folder on a host where the experiments' folders go: ~/logistician; slurm: its work_dir.
    virtual QString workDir(const DeploymentState::Host& host) const
    {
        return host.home + QStringLiteral("/logistician");
    }
    // The container program on the hosts when it is not remote_docker_command (slurm: podman, apptainer).
    virtual QString containerProgram() const { return QString(); }
    // The image goes to the hosts as a `docker save` archive built here (slurm with podman or apptainer).
    virtual bool shipsImageArchive() const { return false; }

    // argv run on the host, each word quoted for its shell.
    virtual Command command(const DeploymentState::Host& host, const QStringList& argv,
                            const QByteArray& standardInput = QByteArray()) const;
    // A POSIX shell script run on the host.
    virtual Command script(const DeploymentState::Host& host, const QString& text,
                           const QByteArray& standardInput = QByteArray()) const;
    SshAccess ssh(const DeploymentState::Host& host) const;
    const Context& context() const { return m_context; }

Q_SIGNALS:
    void progress(const QString& message);

protected:
    Context m_context;
};

class LocalBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    QString name() const override { return QStringLiteral("local"); }
    bool isRemote() const override { return false; }
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    Command command(const DeploymentState::Host& host, const QStringList& argv,
                    const QByteArray& standardInput = QByteArray()) const override;
    Command script(const DeploymentState::Host& host, const QString& text,
                   const QByteArray& standardInput = QByteArray()) const override;
};

class SshBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    QString name() const override { return QStringLiteral("ssh"); }
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
};

class AwsBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    QString name() const override { return QStringLiteral("aws"); }
    bool preassignsHosts() const override { return true; }
    int slotsPerHost() const override { return 1; }
    bool costsMoney() const override { return true; }
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    void release(DeploymentState* state, Done done) override;
    void releaseConditions(DeploymentState* state, const QList<int>& positions, Done done) override;
    int bootAttempts() const override;
    int bootIntervalSeconds() const override { return 5; }
    void wake(DeploymentState* state, const QSet<int>& positions, Woken then) override;
    void sleep(DeploymentState* state, const QStringList& slugs, Done done) override;
    void explainUnreachable(DeploymentState* state, std::function<void(const QList<int>&)> then) override;
    // What EC2 says (instance state by condition slug; missing: dropped by the refresh, so terminated) of the
    // machines of these unreachable conditions: a terminated one's condition is preempted (spot) or lost.
    // Returns the positions changed.
    QList<int> explainGone(DeploymentState* state, const QStringList& slugs,
                           const QMap<QString, QString>& instanceStates, bool spot);

    QString terraformDir() const;
    QString sshCidr(const DeployOptions& options) const;
    QStringList warnings(const DeployOptions& options) const override;
    // The configuration for these conditions, with nothing written: what provision applies and a dry run plans.
    Result configuration(const DeploymentState& state, const DeployOptions& options, QJsonObject* config) const;
    // The AWS keys from the keychain or the environment, in terraform's environment only.
    void withCredentials(std::function<void(const QMap<QString, QString>&, const QString&)> then);

private:
    void runTerraform(const QStringList& args, const QMap<QString, QString>& env,
                      std::function<void(int, const QByteArray&, const QString&)> then);
    // Each condition's instance state as EC2 says now (a refresh-only apply, then show -json): slug -> "running",
    // "stopped", ...; a slug not there has no instance any more. error non-empty when that could not be read.
    void instanceStates(const QMap<QString, QString>& env,
                        std::function<void(const QMap<QString, QString>&, const QString& error)> then);
    // Applies the saved configuration with these machines' power states (slug -> "running" or "stopped").
    void applyPower(const QMap<QString, QString>& env, const QMap<QString, QString>& states, Done done);
    // A started machine may have a new public address: the hosts of these slugs follow terraform output.
    void readdress(DeploymentState* state, const QMap<QString, QString>& env, const QStringList& slugs, Done done);
    // Waits until the hosts of these slugs answer over ssh (bootAttempts), then done.
    void waitForSsh(const DeploymentState* state, const QStringList& slugs, int attempt, Done done);
    // Removes the keys of these (destroyed or brand-new) machines from the experiment's known_hosts.
    void forgetHostKeys(const QList<DeploymentState::Host>& hosts);
};
