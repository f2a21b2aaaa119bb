// SPDX-License-Identifier: MIT
// deploy's hand-over: each ready host gets its share (the conditions' files, its runner folder, its
// runner started detached, or the backend's own hand-over); then deploy ends.
#include "DeployOperation.h"
#include "Logging.h"
#include "deploy/Launch.h"
#include "deploy/RemoteScript.h"
#include "deploy/StatusRound.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <algorithm>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

void DeployOperation::statusThenHandOver()
{
    qCDebug(lcDeploy).noquote() << "deploy step: a status round, then hand over";
    // What already runs (a deploy run again): those conditions stay where they are.
    StatusRound::run(m_ctx, [this] { handOver(); });
}

void DeployOperation::handOver()
{
    qCDebug(lcDeploy).noquote() << "deploy step: hand the conditions over";
    if (m_ended)
        return;
    DeploymentState& state = m_ctx.state;
    const QStringList ready = readyHosts();
    // ssh: round robin over the ready hosts, decided up front; a condition keeps a host it was given
    // before (its runner may have it queued still). aws: each has its machine already.
    int next = 0;
    {
        const DeployContext::SaveBatch batch(m_ctx); // one save for all of them
        for (int i = 0; i < state.conditions.size(); ++i) {
            DeploymentState::Condition& c = state.conditions[i];
            if (!toHandOver(c))
                continue;
            if (c.host.isEmpty() && !ready.isEmpty() && !m_ctx.preassignsHosts())
                c.host = ready.at(next++ % ready.size());
            markForHandOver(i, ready);
        }
        m_ctx.save();
    }
    auto* pool = new JobPool(16, m_ctx.work);
    for (const QString& address : std::as_const(ready)) {
        if (state.conditionsOn(address).isEmpty())
            continue;
        pool->add([this, address](JobPool::Done done) { uploadConditions(address, done); });
    }
    connect(pool, &JobPool::finished, this, [this, pool] {
        pool->deleteLater();
        finishDeploy();
    });
    pool->start();
}

QStringList DeployOperation::readyHosts() const
{
    QStringList ready;
    for (const DeploymentState::Host& h : std::as_const(m_ctx.state.hosts)) {
        if (h.phase == HostPhase::Ready)
            ready << h.address;
    }
    return ready;
}

void DeployOperation::markForHandOver(int i, const QStringList& ready)
{
    DeploymentState::Condition& c = m_ctx.state.conditions[i];
    // aws: a condition whose machine EC2 did not launch stays queued, with the reason (launchProblem).
    if (m_ctx.preassignsHosts() && c.host.isEmpty() && !c.launchProblem.isEmpty()) {
        if (c.phase != Phase::Queued)
            m_ctx.setPhase(i, Phase::Queued);
        m_notHandedOver << c.slug;
        return;
    }
    m_handing.insert(i);
    if (!ready.contains(c.host)) {
        if (c.phase != Phase::Unreachable) {
            c.lastRunPhase = c.phase;
            m_ctx.setPhase(i, Phase::Unreachable);
        }
        m_notHandedOver << c.slug;
    } else if (c.phase != Phase::Queued) {
        m_ctx.setPhase(i, Phase::Queued);
    }
}

bool DeployOperation::handsOverEachWhenReady() const
{
    if (!m_ctx.preassignsHosts())
        return false;
    // A host's home is learnt at first contact, before anything is handed to it: none known, no runner anywhere
    // (the status round before a hand-over would have nothing to find).
    return std::all_of(m_ctx.state.hosts.cbegin(), m_ctx.state.hosts.cend(),
                       [](const DeploymentState::Host& h) { return h.home.isEmpty(); });
}

void DeployOperation::handOverHost(const QString& address, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: hand over to" << address << "as soon as it is ready";
    if (m_ended)
        return;
    const DeploymentState::Host* host = m_ctx.state.host(address);
    if (!host || host->phase != HostPhase::Ready) {
        done(); // not handed over: markLeftOver says why
        return;
    }
    bool any = false;
    {
        const DeployContext::SaveBatch batch(m_ctx);
        for (int i : m_ctx.state.conditionsOn(address)) {
            if (toHandOver(m_ctx.state.conditions.at(i))) {
                markForHandOver(i, { address });
                any = true;
            }
        }
    }
    if (any)
        uploadConditions(address, done);
    else
        done();
}

void DeployOperation::markLeftOver()
{
    const QStringList ready = readyHosts();
    const DeployContext::SaveBatch batch(m_ctx);
    for (int i = 0; i < m_ctx.state.conditions.size(); ++i) {
        if (!m_handing.contains(i) && toHandOver(m_ctx.state.conditions.at(i)))
            markForHandOver(i, ready);
    }
}

void DeployOperation::uploadConditions(const QString& address, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: upload the conditions to" << address;
    if (!m_ctx.isRemote()) {
        lookUpImageCommand(address, done);
        return;
    }
    // The pinned commit's files, then each condition's own (run wrapper, config, options), for those not started.
    const DeploymentState::Host host = *m_ctx.state.host(address);
    // A backend may copy the code its own way (slurm: once for every task, the rest going with the job).
    if (m_ctx.backend->uploadCode(m_ctx, host, [this, address, done](const Result& uploaded) {
            if (!uploaded)
                handOverFailed(address, uploaded.message(), done);
            else
                lookUpImageCommand(address, done);
        }))
        return;
    const SshAccess ssh = m_ctx.backend->ssh(host);
    auto* pool = new JobPool(4, m_ctx.work);
    auto failed = std::make_shared<QString>();
    for (int i : m_ctx.state.conditionsOn(address)) {
        const DeploymentState::Condition& c = m_ctx.state.conditions.at(i);
        if (!toHandOver(c))
            continue;
        const QString dir = m_ctx.remoteDir(host, c);
        const QString stage = m_ctx.stageDir(c);
        pool->add([this, ssh, dir, stage, failed](JobPool::Done uploaded) {
            m_ctx.run(ssh.upload(m_ctx.codeDir(), dir + QStringLiteral("/project")),
                      [this, ssh, dir, stage, failed, uploaded](const CommandOutcome& o) {
                          if (!o.ok()) {
                              *failed = o.errorText();
                              uploaded();
                              return;
                          }
                          m_ctx.run(ssh.upload(stage, dir), [failed, uploaded](const CommandOutcome& o) {
                              if (!o.ok())
                                  *failed = o.errorText();
                              uploaded();
                          });
                      });
        });
    }
    connect(pool, &JobPool::finished, this, [this, pool, address, failed, done] {
        pool->deleteLater();
        if (!failed->isEmpty()) {
            handOverFailed(address, QStringLiteral("upload failed: %1").arg(*failed), done);
            return;
        }
        lookUpImageCommand(address, done);
    });
    m_ctx.run(Launch::touchActivity(m_ctx, host), [pool](const CommandOutcome&) { pool->start(); });
}

void DeployOperation::lookUpImageCommand(const QString& address, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: look up the image's command on" << address;
    // Original style: the image's own ENTRYPOINT and CMD on that host, for the run wrapper to run.
    if (!m_ctx.experiment.parameters().isOriginalStyle()) {
        startRunner(address, done);
        return;
    }
    const DeploymentState::Host host = *m_ctx.state.host(address);
    const Command inspect
        = m_ctx.backend->command(host, Docker::argv(Docker::imageCommand(m_ctx.dockerSetting(), m_ctx.state.image)))
              .asQuery();
    m_ctx.run(inspect, [this, address, done](const CommandOutcome& o) {
        const QJsonArray parts = QJsonDocument::fromJson(o.out.trimmed()).array();
        QStringList words;
        for (const QJsonValue& part : parts) {
            for (const QJsonValue& word : part.toArray())
                words << word.toString();
        }
        if (!o.ok() || words.isEmpty()) {
            const QString why = QStringLiteral("the image %1 has no CMD to run and parameters.json no "
                                               "experiment_command%2")
                                    .arg(m_ctx.state.image, o.ok() ? QString() : QStringLiteral(": ") + o.errorText());
            for (int i : m_ctx.state.conditionsOn(address)) {
                if (toHandOver(m_ctx.state.conditions.at(i))) {
                    m_ctx.state.conditions[i].exitCode = 1;
                    m_ctx.setPhase(i, Phase::Failed);
                }
            }
            m_problems << QStringLiteral("%1: %2").arg(address, why);
            done();
            return;
        }
        m_imageCommands.insert(address, words);
        startRunner(address, done);
    });
}

void DeployOperation::startRunner(const QString& address, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: start the runner on" << address;
    if (m_ended)
        return;
    const int hostIndex = static_cast<int>(
        std::distance(m_ctx.state.hosts.cbegin(),
                      std::find_if(m_ctx.state.hosts.cbegin(), m_ctx.state.hosts.cend(),
                                   [&](const DeploymentState::Host& h) { return h.address == address; })));
    const DeploymentState::Host host = m_ctx.state.hosts.at(hostIndex);
    if (handOverByBackend(host, done))
        return;
    const QString remoteDir = m_ctx.runnerDir(host);
    const QString text = RemoteScript(QStringLiteral("start-runner"))
                             .set(QStringLiteral("DIR"), remoteDir)
                             .set(QStringLiteral("MAX"), QString::number(m_ctx.backend->slotsPerHost()))
                             .set(QStringLiteral("ID"), Launch::deploymentId(m_ctx.state))
                             .render();
    if (!m_ctx.isRemote()) {
        publishAndStart(address, remoteDir, text, done);
        return;
    }
    // Remote: a copy here, uploaded whole (rsync -a keeps the host's claims), then the runner started.
    const QString folder = m_ctx.stateDir + QStringLiteral("/runners/%1").arg(hostIndex);
    if (const Result written = writeRunnerFolder(address, folder); !written) {
        handOverFailed(address, written.message(), done);
        return;
    }
    m_ctx.run(
        m_ctx.backend->ssh(host).upload(folder, remoteDir), [this, host, address, text, done](const CommandOutcome& o) {
            if (!o.ok()) {
                handOverFailed(address, QStringLiteral("upload of the runner failed: %1").arg(o.errorText()), done);
                return;
            }
            startRunnerScript(host, text, [this, address, done](const QString& failed) {
                if (!failed.isEmpty()) {
                    handOverFailed(address, failed, done);
                    return;
                }
                m_handedTo << address;
                done();
            });
        });
}

void DeployOperation::startRunnerScript(const DeploymentState::Host& host, const QString& text,
                                        std::function<void(const QString&)> then)
{
    // sh runs start-runner.sh, which puts the runner in a session of its own in the background and returns:
    // the runner is never this process's child, so PR_SET_PDEATHSIG (CommandRunner) does not reach it.
    m_ctx.run(m_ctx.backend->script(host, text), [then](const CommandOutcome& o) {
        then(o.ok() ? QString() : QStringLiteral("the runner did not start: %1").arg(o.errorText()));
    });
}

// Local: the runner starts as soon as the queue and the first conditions (one per slot) are written, and runs
// them while the others are published, each renamed into place whole, its start script last.
void DeployOperation::publishAndStart(const QString& address, const QString& folder, const QString& text,
                                      JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: publish the conditions to the runner in" << folder;
    auto p = std::make_shared<Publication>();
    p->address = address;
    p->folder = folder;
    p->positions = Launch::runnerConditions(m_ctx.state, address);
    p->text = text;
    p->done = std::move(done);
    if (const Result written = Launch::writeRunnerFiles(m_ctx, address, folder, QCoreApplication::applicationPid());
        !written) {
        QFile::remove(folder + QStringLiteral("/publishing"));
        handOverFailed(address, written.message(), p->done);
        return;
    }
    m_publishing << folder + QStringLiteral("/publishing");
    publishSome(p);
}

void DeployOperation::publishSome(const std::shared_ptr<Publication>& p)
{
    if (m_ended) {
        stopPublishing();
        return;
    }
    // The first slice: one condition to hand over per slot, then the runner starts; once it runs, the others
    // in slices of 20 ms, so the event loop turns between them (a terminate asked for meanwhile).
    const int slotCount = m_ctx.backend->slotsPerHost();
    QElapsedTimer slice;
    slice.start();
    QStringList announcements;
    while (p->next < p->positions.size()) {
        if (p->started ? slice.elapsed() >= 20 : p->handed >= slotCount)
            break;
        const int i = p->positions.at(p->next);
        const bool handed = toHandOver(m_ctx.state.conditions.at(i));
        const ResultOf<QStringList> published = Launch::publishCondition(m_ctx, facts(), p->address, i, p->folder);
        if (!published) {
            p->failed = published.error().message();
            break;
        }
        announcements << *published;
        ++p->next;
        p->handed += handed ? 1 : 0;
    }
    for (const QString& line : std::as_const(announcements))
        Q_EMIT m_ctx.progress(line);
    if (!p->failed.isEmpty()) {
        endPublication(p);
        return;
    }
    if (!p->started) {
        p->started = true;
        startRunnerScript(*m_ctx.state.host(p->address), p->text, [this, p](const QString& failed) {
            if (m_ended)
                return;
            p->runnerFailed = failed;
            if (!failed.isEmpty()) {
                endPublication(p);
                return;
            }
            m_handedTo << p->address;
            publishSome(p);
        });
        return;
    }
    if (p->next < p->positions.size()) {
        QTimer::singleShot(0, this, [this, p] { publishSome(p); });
        return;
    }
    endPublication(p);
}

void DeployOperation::endPublication(const std::shared_ptr<Publication>& p)
{
    const QString marker = p->folder + QStringLiteral("/publishing");
    QFile::remove(marker);
    m_publishing.removeAll(marker);
    // No runner: nothing was handed over.
    if (!p->started || !p->runnerFailed.isEmpty()) {
        handOverFailed(p->address, p->runnerFailed.isEmpty() ? p->failed : p->runnerFailed, p->done);
        return;
    }
    if (!p->failed.isEmpty()) {
        // The runner runs what it was given; the others stay here, not handed over, until deploy runs again.
        for (int k = p->next; k < p->positions.size(); ++k) {
            const int i = p->positions.at(k);
            DeploymentState::Condition& c = m_ctx.state.conditions[i];
            if (!toHandOver(c))
                continue;
            m_notHandedOver << c.slug;
            c.lastRunPhase = c.phase;
            m_ctx.setPhase(i, Phase::Unreachable);
        }
        m_problems << QStringLiteral("%1: %2 (its runner runs the %3 condition(s) handed to it before; deploy "
                                     "again to hand over the others)")
                          .arg(p->address, p->failed)
                          .arg(p->handed);
    }
    p->done();
}

void DeployOperation::stopPublishing()
{
    for (const QString& file : std::as_const(m_publishing))
        QFile::remove(file);
    m_publishing.clear();
}

bool DeployOperation::handOverByBackend(const DeploymentState::Host& host, JobPool::Done done)
{
    QList<int> positions;
    for (int i : m_ctx.state.conditionsOn(host.address)) {
        if (toHandOver(m_ctx.state.conditions.at(i)))
            positions << i;
    }
    return m_ctx.backend->handOver(m_ctx, host, positions, m_imageCommands.value(host.address),
                                   [this, address = host.address, done](const Result& handed) {
                                       if (!handed) {
                                           handOverFailed(address, handed.message(), done);
                                           return;
                                       }
                                       m_handedTo << address;
                                       done();
                                   });
}

void DeployOperation::handOverFailed(const QString& address, const QString& why, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: hand-over failed on" << address << why;
    m_problems << QStringLiteral("%1: %2").arg(address, why);
    for (int i : m_ctx.state.conditionsOn(address)) {
        if (toHandOver(m_ctx.state.conditions.at(i))) {
            m_notHandedOver << m_ctx.state.conditions.at(i).slug;
            m_ctx.state.conditions[i].lastRunPhase = m_ctx.state.conditions.at(i).phase;
            m_ctx.setPhase(i, Phase::Unreachable);
        }
    }
    m_ctx.setHostPhase(address, HostPhase::Unreachable, why);
    done();
}

void DeployOperation::finishDeploy()
{
    qCDebug(lcDeploy).noquote() << "deploy step: finish";
    m_ctx.save();
    // Those this deploy handed over (a rerun: the conditions it reran), not every condition on those hosts.
    int handed = 0;
    for (int i : std::as_const(m_handing)) {
        const DeploymentState::Condition& c = m_ctx.state.conditions.at(i);
        if (m_handedTo.contains(c.host) && !c.isTerminated() && !m_notHandedOver.contains(c.slug))
            ++handed;
    }
    const QString message
        = QStringLiteral("%1 condition(s) handed to %2 host(s); follow them with `logistician status`")
              .arg(handed)
              .arg(m_handedTo.size());
    if (!m_notHandedOver.isEmpty())
        m_problems.prepend(QStringLiteral("not handed over: %1").arg(m_notHandedOver.join(QStringLiteral(", "))));
    if (!m_problems.isEmpty()) {
        end(Result::failed(message + QStringLiteral("; ") + m_problems.join(QStringLiteral("; "))));
        return;
    }
    Q_EMIT m_ctx.progress(message);
    end(Result::ok());
}

Result DeployOperation::writeRunnerFolder(const QString& address, const QString& folder) const
{
    const ResultOf<QStringList> announcements = Launch::writeRunnerFolder(m_ctx, facts(), address, folder);
    if (!announcements)
        return announcements.error();
    // Shown as every command is: the runner on the host runs exactly these (no secrets are in them).
    for (const QString& line : *announcements)
        Q_EMIT m_ctx.progress(line);
    return Result::ok();
}

QByteArray DeployOperation::startScript(const DeploymentState::Host& host, const DeploymentState::Condition& c,
                                        const QString& address, bool announce) const
{
    QString announcement;
    const QByteArray script
        = Launch::startScript(m_ctx, host, c, m_imageCommands.value(address), announce ? &announcement : nullptr);
    if (announce)
        Q_EMIT m_ctx.progress(announcement);
    return script;
}
