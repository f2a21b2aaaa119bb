// SPDX-License-Identifier: MIT
#include "DeploymentMonitor.h"

#include "AsyncCommand.h"
#include "Docker.h"
#include "Logging.h"
#include "Settings.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "board/ConditionLog.h"
#include "deploy/AutoSync.h"
#include "deploy/RemoteScript.h"
#include "experiments/TerminalCommand.h"

#include <QFileInfo>
#include <QHash>
#include <QTimer>

using Phase = DeploymentState::Phase;

namespace {

int defaultPollMs()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("LOGISTICIAN_POLL_SECONDS", &ok);
    return (ok && seconds > 0 ? seconds : 5) * 1000;
}

constexpr int LastLineChars = 300;
constexpr int LastLineParallel = 16;

} // namespace

DeploymentMonitor::DeploymentMonitor(QObject* parent)
    : QObject(parent)
    , m_model(new BoardModel(this))
    , m_poll(new QTimer(this))
{
    m_poll->setSingleShot(true);
    m_poll->setInterval(defaultPollMs());
    m_autoSync = Settings().autoSync();
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (!isBusy() && isLive())
            refresh();
    });
}

DeploymentMonitor::~DeploymentMonitor()
{
    // The deployment's own commands stop with it; nothing of it calls back into a half-destroyed monitor.
    if (m_deployment)
        m_deployment->disconnect(this);
}

QString DeploymentMonitor::operationName(Operation operation)
{
    switch (operation) {
    case Operation::None:
        return QString();
    case Operation::Refresh:
        return tr("status");
    case Operation::Deploy:
        return tr("deploy");
    case Operation::Sync:
        return tr("sync");
    case Operation::Terminate:
        return tr("terminate");
    case Operation::SyncMachine:
        return tr("sync machine");
    case Operation::TerminateMachine:
        return tr("terminate machine");
    }
    return QString();
}

Result DeploymentMonitor::open(const QString& experimentDir)
{
    m_poll->stop();
    delete m_lineWork;
    m_lineWork = nullptr;
    if (m_deployment)
        m_deployment->disconnect(this);
    m_deployment.reset();
    m_operation = Operation::None;
    m_queued = nullptr;
    m_model->clear();
    m_seen.clear();
    m_endedLineFetched.clear();

    const auto opened = Experiment::open(experimentDir);
    if (!opened)
        return opened.error();
    m_experiment = *opened;
    m_deployment = std::make_unique<Deployment>(m_experiment);
    m_deployment->setAutoSync(m_autoSync);
    m_deployment->setRetryPreempted(true);
    connect(m_deployment.get(), &Deployment::conditionChanged, this, [this](int index) {
        m_model->updateCondition(m_deployment->state(), index);
        noticeTransitions();
    });
    connect(m_deployment.get(), &Deployment::progress, this, &DeploymentMonitor::progress);
    // deploy() returns before its Git work is done; a new deployment's conditions arrive with this.
    connect(m_deployment.get(), &Deployment::stateReplaced, this, [this] {
        m_endedLineFetched.clear(); // a new deployment's containers
        syncModel();
        Q_EMIT stateChanged();
    });
    connect(m_deployment.get(), &Deployment::finished, this, &DeploymentMonitor::onFinished);
    const Result loaded = m_deployment->load();
    if (!loaded) {
        m_deployment.reset();
        return loaded;
    }
    syncModel();
    // A deployment that ended before this window saw it is not news.
    m_finishAnnounced = m_model->count(Phase::Succeeded) + m_model->count(Phase::Failed)
            + (isLive() ? m_model->count(Phase::Terminated) : 0)
        == m_model->rowCount();
    Q_EMIT stateChanged();
    if (isLive()) {
        qCDebug(lcBoard) << "picking up the live deployment of" << m_experiment.dir();
        // Its hosts only: opening a project never starts terraform (the next poll may ask the cloud).
        start(Operation::Refresh, [this] { m_deployment->refreshStatus(StatusRound::Reach::HostsOnly); });
    }
    return Result::ok();
}

bool DeploymentMonitor::hasDeployment() const
{
    return m_deployment && m_deployment->hasDeployment();
}

bool DeploymentMonitor::isLive() const
{
    return hasDeployment() && !m_deployment->state().terminated;
}

void DeploymentMonitor::setPollInterval(int ms)
{
    m_poll->setInterval(ms);
}

void DeploymentMonitor::setAutoSync(bool on)
{
    m_autoSync = on;
    if (m_deployment)
        m_deployment->setAutoSync(on);
    // What finished while it was off comes home with the next poll.
    if (on && !isBusy() && !m_poll->isActive())
        schedulePoll();
}

int DeploymentMonitor::pollInterval() const
{
    return m_poll->interval();
}

bool DeploymentMonitor::isPolling() const
{
    return m_poll->isActive() || m_operation == Operation::Refresh;
}

Deployment::Plan DeploymentMonitor::plan(const DeployOptions& options) const
{
    if (!m_deployment) {
        Deployment::Plan p;
        p.check = Result::badInput(tr("no experiment is open"));
        return p;
    }
    return m_deployment->plan(options);
}

void DeploymentMonitor::start(Operation operation, std::function<void()> run)
{
    if (!m_deployment)
        return;
    if (m_operation == Operation::Refresh && operation != Operation::Refresh) {
        // A status poll is on its way; the user's request follows it.
        m_queued = std::move(run);
        m_queuedOperation = operation;
        return;
    }
    if (isBusy() || m_deployment->isBusy())
        return;
    m_poll->stop();
    m_operation = operation;
    Q_EMIT busyChanged(true);
    Q_EMIT operationStarted(operation);
    run();
}

void DeploymentMonitor::deploy(const DeployOptions& options)
{
    start(Operation::Deploy, [this, options] {
        m_finishAnnounced = false;
        // Returns at once; a new deployment's conditions arrive with stateReplaced.
        m_deployment->deploy(options);
        syncModel();
        Q_EMIT stateChanged();
    });
}

void DeploymentMonitor::refresh()
{
    if (!hasDeployment())
        return;
    start(Operation::Refresh, [this] { m_deployment->refreshStatus(); });
}

void DeploymentMonitor::syncAll()
{
    start(Operation::Sync, [this] { m_deployment->sync(Deployment::SyncOptions()); });
}

void DeploymentMonitor::terminateAll(bool force)
{
    auto run = [this, force] {
        Deployment::TerminateOptions options;
        options.force = force;
        m_deployment->terminate(options);
    };
    if (m_operation == Operation::Deploy && m_deployment && m_deployment->isBusy()) {
        // Terminate wins over the board's own deploy: it stops (its terraform interrupted), then this runs.
        m_queued = std::move(run);
        m_queuedOperation = Operation::Terminate;
        m_deployment->stopDeploy();
        return;
    }
    start(Operation::Terminate, std::move(run));
}

void DeploymentMonitor::syncMachines(const QList<int>& rows)
{
    start(Operation::SyncMachine, [this, rows] {
        m_machineRows = rows;
        Deployment::SyncOptions options;
        for (int row : rows)
            options.conditions << row + 1; // rows are the state's conditions in order; indexes count from 1
        m_deployment->sync(options);
    });
}

void DeploymentMonitor::terminateMachines(const QList<int>& rows, bool force)
{
    start(Operation::TerminateMachine, [this, rows, force] {
        m_machineRows = rows;
        Deployment::TerminateOptions options;
        options.force = force;
        for (int row : rows)
            options.conditions << row + 1;
        m_deployment->terminate(options);
    });
}

void DeploymentMonitor::onFinished(int exitCode, const QString& message)
{
    const Operation done = m_operation;
    m_operation = Operation::None;
    syncModel();
    noticeTransitions();
    // A status round reports failed conditions with exit code 1; that is news for the board, not an error.
    const bool refreshed = done == Operation::Refresh && exitCode == 1 && message.isEmpty();
    Q_EMIT operationFinished(done, refreshed ? 0 : exitCode, message);
    if (done == Operation::Deploy || done == Operation::Terminate)
        Q_EMIT stateChanged();
    if (done != Operation::Terminate)
        fetchLastLines();
    Q_EMIT busyChanged(false);
    if (m_queued) {
        auto run = std::move(m_queued);
        const Operation next = m_queuedOperation;
        m_queued = nullptr;
        m_queuedOperation = Operation::None;
        start(next, std::move(run));
        return;
    }
    schedulePoll();
}

void DeploymentMonitor::syncModel()
{
    if (!m_deployment)
        return;
    const DeploymentState& state = m_deployment->state();
    m_model->setState(state);
    if (m_seen.size() != state.conditions.size()) {
        m_seen.resize(state.conditions.size());
        for (int i = 0; i < state.conditions.size(); ++i)
            m_seen[i] = state.conditions.at(i).phase;
    }
}

void DeploymentMonitor::noticeTransitions()
{
    if (m_seen.size() != m_model->rowCount()) {
        syncModel();
        return;
    }
    for (int i = 0; i < m_seen.size(); ++i) {
        const Phase now = m_model->phase(i);
        if (now != m_seen.at(i)) {
            const Phase from = m_seen.at(i);
            m_seen[i] = now;
            Q_EMIT phaseChanged(i, from, now);
        }
    }
    // A condition terminated on its own while the others go on counts as ended.
    const int done = m_model->count(Phase::Succeeded) + m_model->count(Phase::Failed)
        + (isLive() ? m_model->count(Phase::Terminated) : 0);
    if (!m_finishAnnounced && m_model->rowCount() > 0 && done == m_model->rowCount()) {
        m_finishAnnounced = true;
        Q_EMIT deploymentFinished(m_model->count(Phase::Failed));
    }
}

void DeploymentMonitor::schedulePoll()
{
    // Polled while anything can still change on its own; a finished or terminated deployment waits for the user.
    // With auto sync, also while finished results are still to come home (a sync failed: it is tried again).
    if (isLive() && (!m_model->allFinished() || (m_autoSync && !AutoSync::due(m_deployment->state()).isEmpty())))
        m_poll->start();
}

std::unique_ptr<Backend> DeploymentMonitor::makeBackend() const
{
    if (!hasDeployment())
        return nullptr;
    Backend::Context context { m_experiment, m_experiment.stateDir(), SshKey::privateKeyPath() };
    return Backend::create(m_deployment->state().backend, context).valueOr(nullptr);
}

void DeploymentMonitor::fetchLastLines()
{
    if (!isLive() || m_lineWork)
        return;
    const DeploymentState& state = m_deployment->state();
    // One script per machine for the conditions it runs or just finished, so a round costs one command per host.
    QHash<QString, QList<int>> byHost;
    m_endedLineFetched.resize(state.conditions.size());
    for (int i = 0; i < state.conditions.size(); ++i) {
        const DeploymentState::Condition& c = state.conditions.at(i);
        if (!c.startedAt.isValid() || c.host.isEmpty())
            continue;
        // An ended condition once more after it ended (its line while running is rarely its last), once per attempt.
        const bool wanted = c.phase == Phase::Running || (c.isFinished() && m_endedLineFetched.value(i) != c.attempt);
        if (wanted)
            byHost[c.host] << i;
    }
    if (byHost.isEmpty())
        return;
    auto backend = std::shared_ptr<Backend>(makeBackend().release());
    if (!backend)
        return;
    const Parameters& params = m_experiment.parameters();
    const QStringList docker
        = Docker::programWords(backend->isRemote() ? params.remoteDockerCommand() : params.localDockerCommand());
    m_lineWork = new QObject(this);
    auto* pool = new JobPool(LastLineParallel, m_lineWork);
    for (auto it = byHost.cbegin(); it != byHost.cend(); ++it) {
        const DeploymentState::Host* host = state.host(it.key());
        if (!host || (backend->isRemote() && host->home.isEmpty())
            || host->phase == DeploymentState::HostPhase::Unreachable)
            continue;
        // The function l comes from templates/remote/last-lines.sh; one call per condition follows.
        RemoteScript script(QStringLiteral("last-lines"));
        script.setWords(QStringLiteral("DOCKER"), docker).set(QStringLiteral("CHARS"), QString::number(LastLineChars));
        for (int i : it.value()) {
            const DeploymentState::Condition& c = state.conditions.at(i);
            script.call(QStringLiteral("l"), { c.slug, m_deployment->containerName(c) });
        }
        const Command command = backend->script(*host, script.render()).asQuery();
        // The ended ones asked in this round, with their attempts: not asked again once the host answered.
        QList<QPair<int, int>> ended;
        for (int i : it.value())
            if (state.conditions.at(i).isFinished())
                ended.append({ i, state.conditions.at(i).attempt });
        pool->add([this, command, ended](JobPool::Done done) {
            AsyncCommand::run(command, m_lineWork, [this, done, ended](const CommandOutcome& o) {
                if (o.ok()) {
                    for (const auto& [row, attempt] : ended)
                        if (row < m_endedLineFetched.size())
                            m_endedLineFetched[row] = attempt;
                }
                for (const QByteArray& line : o.out.split('\n')) {
                    const int tab = line.indexOf('\t');
                    if (tab <= 0)
                        continue;
                    const int row = m_model->rowForSlug(QString::fromUtf8(line.left(tab)));
                    const QString text = QString::fromUtf8(line.mid(tab + 1)).trimmed();
                    if (row >= 0 && !text.isEmpty())
                        m_model->setLastLine(row, text);
                }
                done();
            });
        });
    }
    connect(pool, &JobPool::finished, this, [this] {
        m_lineWork->deleteLater();
        m_lineWork = nullptr;
    });
    pool->start();
}

Command DeploymentMonitor::logCommand(int row, int lines) const
{
    if (!hasDeployment() || row < 0 || row >= m_deployment->state().conditions.size())
        return Command();
    // The same command `logistician logs -f` runs (ConditionLog), following the container.
    return ConditionLog::command(*m_deployment, m_deployment->state().conditions.at(row), lines, true)
        .valueOr(Command());
}

QString DeploymentMonitor::dataDir(int row) const
{
    if (!hasDeployment() || row < 0 || row >= m_deployment->state().conditions.size())
        return QString();
    return m_deployment->localDataDir(m_deployment->state().conditions.at(row));
}

Command DeploymentMonitor::loginCommand(int row) const
{
    if (!hasDeployment() || row < 0 || row >= m_deployment->state().conditions.size())
        return Command();
    auto backend = makeBackend();
    const DeploymentState& state = m_deployment->state();
    const DeploymentState::Condition& c = state.conditions.at(row);
    const DeploymentState::Host* host = state.host(c.host);
    Command command;
    if (!backend || !host || !backend->isRemote()) {
        // The local engine: the condition's files are right here.
        command.program = QStringLiteral("sh");
        command.workingDirectory = dataDir(row);
        return command;
    }
    if (host->phase == DeploymentState::HostPhase::Released)
        return Command(); // its machine was destroyed: nothing to log in to
    const SshAccess ssh = backend->ssh(*host);
    command.program = QStringLiteral("ssh");
    QStringList options = ssh.options();
    const int batch = options.indexOf(QStringLiteral("BatchMode=yes"));
    if (batch > 0)
        options.remove(batch - 1, 2); // a person is at the keyboard
    const QString dir = host->home.isEmpty() ? QString() : m_deployment->remoteDir(*host, c);
    command.arguments = options << QStringLiteral("-t") << QStringLiteral("--") << ssh.destination();
    if (!dir.isEmpty())
        command.arguments << QStringLiteral("cd %1 && exec \"${SHELL:-sh}\" -l").arg(ShellWords::quote(dir));
    command.interactive = true;
    return command;
}

Command DeploymentMonitor::terminalCommand(int row) const
{
    const Command login = loginCommand(row);
    if (login.program.isEmpty())
        return Command();
    Command command = TerminalCommand::running(Settings().terminalCommand(),
                                               QStringList { login.program } + login.arguments, login.workingDirectory);
    command.environment = login.environment;
    return command;
}
