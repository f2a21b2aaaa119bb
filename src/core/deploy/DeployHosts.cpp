// SPDX-License-Identifier: MIT
// deploy's machine steps: the backend provisions them, each is made ready (first contact, home
// folder, nothing of another commit there).
#include "DeployOperation.h"
#include "Logging.h"
#include "deploy/OtherCommits.h"
#include "deploy/RemoteScript.h"

#include <QTimer>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace {
// templates/remote/home.sh's exits: the machine's bootstrap has not finished yet (tried again), or failed.
constexpr int HomeBootstrapUnfinished = 75;
constexpr int HomeBootstrapFailed = 76;

// Why waiting longer for a host's first contact cannot help, or "" when it may. A changed host key is no machine
// still booting, and it may be an impostor; a bootstrap that failed says which step (home.sh); a machine that
// answers, but whose bootstrap is not done when the wait ends, is no machine that does not answer.
QString noUseWaiting(const QString& address, const CommandOutcome& o, bool lastAttempt, const QString& knownHosts)
{
    if (SshAccess::isHostKeyMismatch(o.err))
        return QStringLiteral("the host key of %1 is not the one in %2 (%3); if the machine was replaced, remove "
                              "its line from that file, else someone may be intercepting the connection")
            .arg(address, knownHosts, o.errorText());
    if (o.exitCode == HomeBootstrapFailed)
        return QStringLiteral("%1: %2").arg(address, o.errorText());
    if (lastAttempt && o.exitCode == HomeBootstrapUnfinished)
        return QStringLiteral("%1: %2 when deploy stopped waiting for it").arg(address, o.errorText());
    return QString();
}
} // namespace

void DeployOperation::provision()
{
    qCDebug(lcDeploy).noquote() << "deploy step: provision the machines";
    if (m_ctx.preassignsHosts() && !m_ctx.state.provisioned) {
        const DeployContext::SaveBatch batch(m_ctx);
        for (int i = 0; i < m_ctx.state.conditions.size(); ++i)
            m_ctx.setPhase(i, Phase::Provisioning);
    }
    m_ctx.backend->provision(&m_ctx.state, m_options,
                             [this](const Result& provisioned) { onProvisioned(provisioned); });
}

void DeployOperation::onProvisioned(const Result& provisioned)
{
    qCDebug(lcDeploy).noquote() << "deploy step: provisioned;"
                                << (provisioned ? QStringLiteral("ok") : provisioned.message());
    m_ctx.save();
    if (!provisioned) {
        {
            const DeployContext::SaveBatch batch(m_ctx);
            for (int i = 0; i < m_ctx.state.conditions.size(); ++i) {
                if (m_ctx.state.conditions.at(i).phase == Phase::Provisioning)
                    m_ctx.setPhase(i, Phase::Queued);
            }
        }
        end(provisioned);
        return;
    }
    prepareHosts();
}

void DeployOperation::prepareHosts()
{
    qCDebug(lcDeploy).noquote() << "deploy step: prepare the hosts";
    m_eachWhenReady = handsOverEachWhenReady();
    auto* pool = new JobPool(32, m_ctx.work);
    for (int h = 0; h < m_ctx.state.hosts.size(); ++h) {
        const DeploymentState::Host& host = m_ctx.state.hosts.at(h);
        if (m_ctx.preassignsHosts()
            && (m_ctx.state.conditionsOn(host.address).isEmpty() || host.phase == HostPhase::Released))
            continue;
        pool->add([this, h, address = host.address](JobPool::Done done) {
            if (!m_eachWhenReady) {
                prepareHost(h, 1, done);
                return;
            }
            prepareHost(h, 1, [this, address, done] { handOverHost(address, done); });
        });
    }
    connect(pool, &JobPool::finished, this, [this, pool] {
        pool->deleteLater();
        if (!m_otherCommits.isEmpty()) {
            end(Result::badInput(m_otherCommits.join(QStringLiteral("; "))));
            return;
        }
        if (m_eachWhenReady) {
            markLeftOver();
            finishDeploy();
            return;
        }
        statusThenHandOver();
    });
    pool->start();
}

void DeployOperation::prepareHost(int hostIndex, int attempt, JobPool::Done done)
{
    if (m_ended)
        return;
    const DeploymentState::Host host = m_ctx.state.hosts.at(hostIndex);
    if (!m_ctx.isRemote()) {
        checkOtherCommits(hostIndex, done);
        return;
    }
    m_ctx.setHostPhase(host.address, HostPhase::Booting);
    // First contact: learns the login user's home, where everything for this experiment goes.
    qCDebug(lcSsh) << "first contact with" << host.address << "attempt" << attempt << "(opens the master connection)";
    m_ctx.run(
        m_ctx.backend->script(
            host,
            RemoteScript(QStringLiteral("home")).set(QStringLiteral("READY"), m_ctx.backend->bootstrapMark()).render()),
        [this, hostIndex, attempt, done](const CommandOutcome& o) { onFirstContact(hostIndex, attempt, o, done); });
}

void DeployOperation::onFirstContact(int hostIndex, int attempt, const CommandOutcome& o, JobPool::Done done)
{
    DeploymentState::Host& host = m_ctx.state.hosts[hostIndex];
    const QStringList answer = QString::fromUtf8(o.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QString home = answer.value(0).trimmed();
    if (o.ok() && home.startsWith(QLatin1Char('/'))) {
        qCDebug(lcSsh) << host.address << "answers; home" << home;
        host.home = home;
        m_ctx.save();
        if (!m_ctx.preassignsHosts()) {
            checkOtherCommits(hostIndex, done);
            return;
        }
        if (answer.value(1).trimmed() == QLatin1String("docker")) {
            getImageOnHost(hostIndex, done);
            return;
        }
        // A fresh login after the bootstrap, so the docker group it added applies.
        m_ctx.run(m_ctx.backend->ssh(host).closeMaster(),
                  [this, hostIndex, done](const CommandOutcome&) { getImageOnHost(hostIndex, done); });
        return;
    }
    const bool lastAttempt = attempt >= m_ctx.backend->bootAttempts();
    if (const QString why = noUseWaiting(host.address, o, lastAttempt, SshAccess::knownHostsFile(m_ctx.stateDir));
        !why.isEmpty()) {
        m_ctx.setHostPhase(host.address, HostPhase::Unreachable, why);
        Q_EMIT m_ctx.progress(why);
        m_problems << why;
        done();
        return;
    }
    if (!lastAttempt) {
        QTimer::singleShot(m_ctx.backend->bootRetryMs(attempt), this,
                           [this, hostIndex, attempt, done] { prepareHost(hostIndex, attempt + 1, done); });
        return;
    }
    m_ctx.markUnreachable(host.address, o.errorText());
    m_problems << QStringLiteral("%1 does not answer").arg(host.address);
    done();
}

void DeployOperation::hostFailed(const QString& address, const CommandOutcome& o, const QString& what,
                                 JobPool::Done done)
{
    if (o.exitCode == SshUnreachable)
        m_ctx.markUnreachable(address, o.errorText());
    else
        m_ctx.setHostPhase(address, HostPhase::Unreachable, QStringLiteral("%1 failed: %2").arg(what, o.errorText()));
    m_problems << QStringLiteral("%1: %2 failed: %3").arg(address, what, o.errorText());
    done();
}

void DeployOperation::checkOtherCommits(int hostIndex, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: look for another commit's containers on host" << hostIndex;
    // aws machines are made for this deployment: nothing of another commit can be there.
    const DeploymentState::Host host = m_ctx.state.hosts.at(hostIndex);
    OtherCommits::check(m_ctx, host, m_options.replace,
                        [this, hostIndex, address = host.address, done](const Result& checked) {
                            if (!checked) {
                                if (checked.kind() == Result::Kind::BadInput)
                                    m_otherCommits << checked.message();
                                else
                                    m_problems << checked.message();
                                m_ctx.setHostPhase(address, HostPhase::Unreachable, checked.message());
                                done();
                                return;
                            }
                            if (!m_ctx.isRemote()) {
                                m_ctx.setHostPhase(address, HostPhase::Ready);
                                done();
                                return;
                            }
                            getImageOnHost(hostIndex, done);
                        });
}
