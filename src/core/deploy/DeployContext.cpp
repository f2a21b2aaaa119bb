// SPDX-License-Identifier: MIT
#include "DeployContext.h"

#include "Logging.h"
#include "Settings.h"
#include "SshKey.h"
#include "deploy/DeployPlan.h"
#include "deploy/ResultsStore.h"
#include "deploy/backends/BackendRegistry.h"
#include "files/SafeFile.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

DeployContext::DeployContext(const Experiment& experiment, QObject* parent)
    : QObject(parent)
    , experiment(experiment)
    , stateDir(experiment.stateDir())
{
}

DeployContext::~DeployContext() = default;

Result DeployContext::createBackend(const QString& name)
{
    Backend::Context context { experiment, stateDir, SshKey::privateKeyPath() };
    auto created = Backend::create(name, context);
    if (!created)
        return created.error();
    backend = created.take();
    connect(backend.get(), &Backend::progress, this, &DeployContext::progress);
    return Result::ok();
}

DeployContext::SaveBatch::SaveBatch(DeployContext& ctx)
    : m_ctx(ctx)
{
    ++m_ctx.m_batches;
}

DeployContext::SaveBatch::~SaveBatch()
{
    if (--m_ctx.m_batches == 0 && m_ctx.m_savePending)
        m_ctx.save();
}

void DeployContext::save()
{
    if (m_batches > 0) {
        m_savePending = true;
        return;
    }
    m_savePending = false;
    // A status round that changed nothing (most rounds of a long watch) writes nothing: no state file, seal,
    // machines file or index entry (watching is cheap).
    QByteArray text = QJsonDocument(state.toJson()).toJson(QJsonDocument::Compact);
    if (text == m_saved)
        return;
    if (const Result saved = state.save(stateDir); !saved) {
        Q_EMIT progress(saved.message());
        text.clear();
    }
    m_saved = text;
    if (BackendRegistry::traits(state.backend).remote) {
        if (const Result written = state.writeMachinesFile(experiment.machinesFile()); !written)
            Q_EMIT progress(written.message());
    }
    recordInIndex();
}

void DeployContext::recordInIndex()
{
    if (state.experiment.isEmpty())
        return;
    DeploymentIndex index;
    // A deployment put back from the index (DeploymentIndex::restore) is recorded there already.
    if (QDir::cleanPath(stateDir).startsWith(QDir::cleanPath(index.folder()) + QLatin1Char('/')))
        return;
    if (state.terminated) {
        if (const Result forgotten = index.forget(stateDir); !forgotten)
            Q_EMIT progress(forgotten.message());
        return;
    }
    if (m_awsRegion.isEmpty() && BackendRegistry::traits(state.backend).hasMachines) {
        DeployPlan machines;
        if (backend)
            backend->describeMachines(&machines);
        else if (const auto made
                 = Backend::create(state.backend, { experiment, stateDir, SshKey::privateKeyPath() }).valueOr(nullptr))
            made->describeMachines(&machines);
        m_awsRegion = machines.region;
        m_awsInstanceType = machines.instanceType;
    }
    if (const Result recorded = index.record(experiment.dir(), stateDir, state, m_awsRegion, m_awsInstanceType);
        !recorded)
        Q_EMIT progress(recorded.message());
}

void DeployContext::setPhase(int index, Phase phase)
{
    DeploymentState::Condition& c = state.conditions[index];
    if (c.phase == phase)
        return;
    qCDebug(lcDeploy) << c.slug << DeploymentState::phaseName(c.phase) << "->" << DeploymentState::phaseName(phase);
    c.phase = phase;
    save();
    Q_EMIT conditionChanged(index);
}

void DeployContext::setHostPhase(const QString& address, HostPhase phase, const QString& message)
{
    DeploymentState::Host* host = state.host(address);
    if (!host)
        return;
    qCDebug(lcDeploy) << "host" << address << DeploymentState::hostPhaseName(host->phase) << "->"
                      << DeploymentState::hostPhaseName(phase) << message;
    const SaveBatch batch(*this);
    host->phase = phase;
    host->message = message;
    if (phase != HostPhase::Unreachable)
        host->unreachableSince = QDateTime();
    // A machine of its own (aws): its condition shows what the machine is doing.
    if (preassignsHosts()) {
        const Phase p = phase == HostPhase::Booting ? Phase::Booting
            : phase == HostPhase::Building          ? Phase::Building
                                                    : Phase::Queued;
        for (int i : state.conditionsOn(address)) {
            if (p != Phase::Queued && !state.conditions.at(i).startedAt.isValid())
                setPhase(i, p);
        }
    }
    save();
}

void DeployContext::markUnreachable(const QString& address, const QString& why)
{
    DeploymentState::Host* host = state.host(address);
    if (!host)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    host->phase = HostPhase::Unreachable;
    host->message = why;
    if (!host->unreachableSince.isValid())
        host->unreachableSince = now;
    Q_EMIT progress(QStringLiteral("%1 does not answer: %2").arg(address, why));
    // A condition waiting there (its runner's queue, a machine of its own) can only be started by that host:
    // once it has been silent for long, the condition is lost, so no watch waits on it for ever.
    const qint64 silent = host->unreachableSince.secsTo(now);
    const bool givenUp = silent >= UnreachableLostSeconds;
    for (int i : state.conditionsOn(address)) {
        DeploymentState::Condition& c = state.conditions[i];
        if (c.isTerminated() || c.phase == Phase::Unreachable || c.phase == Phase::Stopped
            || c.phase == Phase::Preempted)
            continue;
        // Ended, and its results home from the results store: its machine going away changes nothing of it.
        if (c.resultsSafe() && ResultsStore::of(experiment.parameters()))
            continue;
        // Running counts as started even before the run wrapper wrote its start time (the container was
        // created, or its first line had not run yet when the host was last asked).
        const bool started = c.startedAt.isValid() || c.phase == Phase::Running;
        const bool waiting = c.phase == Phase::Queued || c.phase == Phase::Provisioning || c.phase == Phase::Booting
            || c.phase == Phase::Uploading || c.phase == Phase::Building;
        if (!started && (!givenUp || !waiting || starting.contains(i)))
            continue;
        c.lastRunPhase = c.phase;
        // An AWS machine that stopped itself after its run keeps its disk: stopped, not lost.
        const bool stoppedItself = preassignsHosts() && DeploymentState::isTerminal(c.phase)
            && experiment.parameters().autoStopMinutes() > 0;
        c.phase = stoppedItself ? Phase::Stopped : Phase::Unreachable;
        if (!started)
            Q_EMIT progress(QStringLiteral("%1: lost: %2 has not answered for %3 s and never started it (%4)")
                                .arg(c.slug, address)
                                .arg(silent)
                                .arg(why));
        Q_EMIT conditionChanged(i);
    }
    save();
}

void DeployContext::run(const Command& command, AsyncCommand::Callback done) const
{
    if (!work)
        return; // the operation has ended: nothing more starts for it
    AsyncCommand::run(command, work, std::move(done));
}

QString DeployContext::dockerSetting(bool remote) const
{
    const Parameters& p = experiment.parameters();
    if (remote && backend && !backend->containerProgram().isEmpty())
        return backend->containerProgram();
    return remote ? p.remoteDockerCommand() : p.localDockerCommand();
}

QStringList DeployContext::dockerWords(bool remote) const
{
    return Docker::programWords(dockerSetting(remote));
}

QString DeployContext::codeDir() const
{
    return stateDir + QStringLiteral("/code/") + state.commit.left(12);
}

QString DeployContext::stageDir(const DeploymentState::Condition& condition) const
{
    return stateDir + QStringLiteral("/stage/") + condition.slug;
}

namespace {

QString withAttempt(const QString& dir, const DeploymentState::Condition& condition, int attempt)
{
    const QString folder = DeploymentState::Condition::attemptFolder(attempt > 0 ? attempt : condition.attempt);
    return folder.isEmpty() ? dir : dir + QLatin1Char('/') + folder;
}

} // namespace

QString DeployContext::containerName(const DeploymentState::Condition& condition, int attempt) const
{
    return state.containerName(condition, attempt);
}

QString DeployContext::localDataDir(const DeploymentState::Condition& condition, int attempt) const
{
    return withAttempt(experiment.dataDir() + QLatin1Char('/') + condition.slug, condition, attempt);
}

QString DeployContext::remoteDir(const DeploymentState::Host& host, const DeploymentState::Condition& condition) const
{
    return remoteExperimentDir(host) + QLatin1Char('/') + condition.slug;
}

QString DeployContext::remoteExperimentDir(const DeploymentState::Host& host) const
{
    return QStringLiteral("%1/%2").arg(backend ? backend->workDir(host) : host.home + QStringLiteral("/logistician"),
                                       state.experiment);
}

QString DeployContext::runnerDir(const DeploymentState::Host& host) const
{
    if (!isRemote())
        return stateDir + QStringLiteral("/runner");
    // One folder per host address: two addresses may reach the same filesystem (the test machines on
    // 127.0.0.x do; so can two ssh hosts sharing an NFS home), and two runners must never share a queue.
    // A cloud machine's by its instance id: EC2 gives a stopped machine a new address when it starts again,
    // and its runner's folder (claims, exit codes) must still be found there.
    QString key = host.id.isEmpty() ? host.address : host.id;
    for (QChar& ch : key) {
        if (!(ch.isLetterOrNumber() && ch.unicode() < 128) && ch != QLatin1Char('.') && ch != QLatin1Char('-'))
            ch = QLatin1Char('-');
    }
    return remoteExperimentDir(host) + QStringLiteral("/runner-") + key;
}

QString DeployContext::dataDirOnHost(const DeploymentState::Host& host, const DeploymentState::Condition& condition,
                                     int attempt) const
{
    return isRemote() ? withAttempt(remoteDir(host, condition) + QStringLiteral("/data"), condition, attempt)
                      : localDataDir(condition, attempt);
}

Result DeployContext::writeFile(const QString& path, const QByteArray& data, const QString& base,
                                SafeFile::Durability durability)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (base.isEmpty())
        QDir().mkpath(folder);
    else if (Result made = SafeFile::makePath(folder, base); !made)
        return made;
    return SafeFile::write(path, data, base, durability);
}
