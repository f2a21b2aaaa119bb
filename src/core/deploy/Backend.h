// SPDX-License-Identifier: MIT
#pragma once

class MachineInventory;

#include "Command.h"
#include "Experiment.h"
#include "Result.h"
#include "deploy/BackendTraits.h"
#include "deploy/DeploymentState.h"
#include "deploy/MachinePrice.h"
#include "deploy/Ssh.h"

#include <QMap>
#include <QObject>
#include <QSet>
#include <functional>
#include <memory>

class DeployContext;
struct DeployPlan;

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
    int awsMachines = -1; // aws: in place of parameters.json's aws_machines (deploy --machines); -1 keeps the file's
    bool reruns() const { return rerunFailed || retryPreempted || !rerun.isEmpty(); }
    // The experiment as this deploy sees it: the limits above in place of the file's (nothing is saved).
    Experiment withLimits(const Experiment& experiment) const;
};

// Where the conditions of a deployment run and how commands reach them. The
// Deployment drives the common work (upload, image, start, status, sync,
// terminate); a backend adds its machines: the local engine, the listed ssh
// hosts, EC2 instances that Terraform provisions, a SLURM cluster. Each backend
// is one folder under deploy/backends/ and its name in LOGISTICIAN_BACKENDS (backends/Backends.cmake)
// (ARCHITECTURE.md, "Adding a backend").
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

    // A registered backend (BackendRegistry); nullptr and *error for another name.
    static ResultOf<std::unique_ptr<Backend>> create(const QString& name, const Context& context);
    static QStringList names();

    explicit Backend(const Context& context, QObject* parent = nullptr);

    // --- What the front ends ask of a backend by its name, with no deployment at hand (BackendRegistry hands
    // them out): static, and a backend declares its own in place of these defaults.
    // A condition as this backend sees it beyond its phase, for the board and status (slurm: the scheduler's
    // "waiting: Priority"); empty: nothing more.
    static QString conditionDetail(const DeploymentState::Condition&) { return QString(); }
    // What one machine of this kind in this place costs by the hour (aws: instance type, region); unknown where
    // nothing is rented.
    static MachinePrice machinePriceAt(const QString& /*place*/, const QString& /*machine*/) { return {}; }
    // The machine a deploy with these parameters would rent, and its price (aws: parameters.json's region and
    // instance type, else the defaults stored by setup).
    static MachinePrice machinePriceFor(const Parameters&) { return {}; }
    // What storing results in the experiment's results store costs, US dollars per GiB-month (in perHour), where
    // the backend knows (aws: S3 Standard in the machines' region); unknown elsewhere.
    static MachinePrice storagePriceFor(const Parameters&) { return {}; }
    // What finds this backend's machines through its cloud's API when no state names them (aws: EC2 by tags);
    // nullptr when the backend has none. Owned by parent.
    static MachineInventory* makeInventory(QObject* /*parent*/) { return nullptr; }

    // What the front ends show and decide by: the subclass's describe(), as BackendRegistry::traits(name).
    virtual BackendTraits traits() const = 0;
    QString name() const { return traits().name; }
    virtual bool isRemote() const { return traits().remote; }
    // aws: each condition has its own machine, chosen by provision().
    virtual bool preassignsHosts() const { return false; }
    virtual int slotsPerHost() const;
    // Bad input found before anything runs: no hosts, no terraform, no SSH key.
    virtual Result check(const DeployOptions& options) const;
    // One paragraph for the confirmation: what will run where, and what it costs.
    virtual QString planSummary(int conditionCount, const DeployOptions& options) const = 0;
    // Things to say loudly before going on (e.g. SSH open to a wide range); empty for most.
    virtual QStringList warnings(const DeployOptions&) const { return {}; }
    bool costsMoney() const { return traits().costsMoney; }
    // The machines a plan shows (instance type, region, price per hour); nothing where there are none to rent.
    virtual void describeMachines(DeployPlan*) const { }
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
    // A deploy stops because terminate was asked for (Deployment: terminate wins): what the backend runs that
    // must not be cut short stops cleanly first (aws: terraform, interrupted, saves its state and releases its
    // lock); then done(). Whatever else runs is killed with the operation.
    virtual void interrupt(std::function<void()> done) { done(); }
    // How long to wait for a new machine to answer: attempts, and the milliseconds to wait after the
    // attempt numbered `attempt` (from 1) before the next.
    virtual int bootAttempts() const { return 3; }
    virtual int bootRetryMs(int /*attempt*/) const { return 2000; }
    // The file a new machine's bootstrap makes when it is done (aws: its user data's last step): first contact
    // waits for it, as sshd answers before the bootstrap has installed Docker. Empty: the hosts have none.
    virtual QString bootstrapMark() const { return QString(); }

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

    // --- The deploy core's steps a backend may do its own way (slurm: a scheduler in place of runners).
    // Each takeover returns false to leave the step to the core (a runner per host, a status script per
    // host), true when it has taken it and will call done/then itself.
    // The image as an archive (shipsImageArchive()): loaded or converted on the host.
    virtual void shipImage(DeployContext& ctx, const DeploymentState::Host& host, Done done);
    // The pinned commit's files on the host; the core uploads one copy per condition otherwise.
    virtual bool uploadCode(DeployContext&, const DeploymentState::Host&, Done) { return false; }
    // Hands these conditions (positions) to the host; the core starts a runner there otherwise.
    // imageCommand: the image's own ENTRYPOINT and CMD (original style), else empty.
    virtual bool handOver(DeployContext&, const DeploymentState::Host&, const QList<int>&, const QStringList&, Done)
    {
        return false;
    }
    // A status round of the whole deployment; then() when it is applied to ctx.state.
    virtual bool statusRound(DeployContext&, std::function<void()>) { return false; }
    // Stops what runs the conditions (all, or these positions) before terminate cleans up; the core stops
    // the hosts' runners itself where usesRunner().
    virtual void stopRuns(DeployContext&, bool /*whole*/, const QList<int>& /*positions*/, Done done)
    {
        done(Result::ok());
    }
    // Folders of the experiment's on a host that terminate removes beyond the core's (runner, image, results).
    virtual QStringList leftoverDirs(const QString& /*experimentDirOnHost*/) const { return {}; }
    // Lines of deploy --dry-run: how these conditions (positions) are handed over, past their docker runs;
    // empty where a runner on each host starts them.
    virtual QStringList previewHandOver(const DeployContext&, const QList<int>& /*positions*/) const { return {}; }
    // deploy --dry-run's last part: what the machines would be, lines added to *lines as they come (aws: the
    // real terraform init, validate and plan of the configuration in a scratch folder); done() once.
    virtual void previewMachines(const DeploymentState&, const DeployOptions&, QStringList* /*lines*/, Done done)
    {
        done(Result::ok());
    }

Q_SIGNALS:
    void progress(const QString& message);

protected:
    Context m_context;
};
