// SPDX-License-Identifier: MIT
// The aws backend's machines after provision: what EC2 says of them (a
// refresh-only apply, then `terraform show -json`), starting a machine that
// stopped itself (aws_ec2_instance_state, applied through the same saved
// configuration) so a sync or terminate can reach it, stopping it again, and
// telling a spot machine that AWS took back (preempted) from one that is only
// unreachable.

#include "AsyncCommand.h"
#include "Settings.h"
#include "aws/AwsBackend.h"
#include "aws/AwsParameters.h"
#include "aws/Terraform.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace {

QString configPath(const QString& dir)
{
    return dir + QLatin1Char('/') + QLatin1String(Terraform::ConfigFileName);
}

// Terraform can be asked: the machines were (being) made here and terraform is installed.
bool canAsk(const DeploymentState& state, const QString& dir)
{
    return state.provisionStarted && QFileInfo::exists(configPath(dir))
        && !QStandardPaths::findExecutable(QStringLiteral("terraform")).isEmpty();
}

// The conditions (positions; empty: all not terminated) whose machine did not answer in the last status round.
QStringList unreachableSlugs(const DeploymentState& state, const QSet<int>& positions)
{
    QStringList slugs;
    for (int i = 0; i < state.conditions.size(); ++i) {
        const DeploymentState::Condition& c = state.conditions.at(i);
        if ((!positions.isEmpty() && !positions.contains(i)) || c.isTerminated() || c.phase == Phase::Preempted)
            continue;
        const DeploymentState::Host* host = state.host(c.host);
        if (host && host->phase == HostPhase::Unreachable && !slugs.contains(c.slug))
            slugs << c.slug;
    }
    return slugs;
}

} // namespace

void AwsBackend::instanceStates(const QMap<QString, QString>& env,
                                std::function<void(const QMap<QString, QString>&, const QString&)> then)
{
    // The state file knows what the last apply made; only a refresh asks EC2 what is there now.
    runTerraform({ QStringLiteral("apply"), QStringLiteral("-refresh-only"), QStringLiteral("-input=false"),
                   QStringLiteral("-auto-approve"), QStringLiteral("-no-color") },
                 env, [this, env, then](int code, const QByteArray&, const QString& message) {
                     if (code != 0) {
                         then({}, QStringLiteral("terraform refresh failed: %1").arg(message));
                         return;
                     }
                     runTerraform({ QStringLiteral("show"), QStringLiteral("-json"), QStringLiteral("-no-color") }, env,
                                  [then](int code, const QByteArray& out, const QString& message) {
                                      bool ok = false;
                                      const auto states = Terraform::parseInstanceStates(out, &ok);
                                      if (code != 0 || !ok) {
                                          then({}, QStringLiteral("terraform show failed: %1").arg(message));
                                          return;
                                      }
                                      then(states, QString());
                                  });
                 });
}

void AwsBackend::applyPower(const QMap<QString, QString>& env, const QMap<QString, QString>& states, Done done)
{
    // The configuration applied last, with the power states: nothing else changes (see releaseConditions).
    const QString path = configPath(terraformDir());
    QFile in(path);
    const QJsonDocument doc = in.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(in.readAll()) : QJsonDocument();
    if (!doc.isObject()) {
        done(Result::failed(QStringLiteral("%1: cannot read the Terraform configuration").arg(path)));
        return;
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)
        || out.write(QJsonDocument(Terraform::withInstanceStates(doc.object(), states)).toJson()) < 0
        || !out.commit()) {
        done(Result::failed(QStringLiteral("%1: cannot save: %2").arg(path, out.errorString())));
        return;
    }
    runTerraform({ QStringLiteral("apply"), QStringLiteral("-input=false"), QStringLiteral("-auto-approve"),
                   QStringLiteral("-no-color") },
                 env, [done](int code, const QByteArray&, const QString& message) {
                     done(code == 0 ? Result::ok()
                                    : Result::failed(QStringLiteral("terraform apply failed: %1").arg(message)));
                 });
}

void AwsBackend::readdress(DeploymentState* state, const QMap<QString, QString>& env, const QStringList& slugs,
                           Done done)
{
    // EC2 gives a started machine a new public address (unless it has an Elastic IP): refresh, then read it.
    runTerraform(
        { QStringLiteral("apply"), QStringLiteral("-refresh-only"), QStringLiteral("-input=false"),
          QStringLiteral("-auto-approve"), QStringLiteral("-no-color") },
        env, [this, state, env, slugs, done](int code, const QByteArray&, const QString& message) {
            if (code != 0) {
                done(Result::failed(QStringLiteral("terraform refresh failed: %1").arg(message)));
                return;
            }
            readOutputs([this, state, slugs, done](int code, const QByteArray& out, const QString& message) {
                if (code != 0) {
                    done(Result::failed(QStringLiteral("terraform output failed: %1").arg(message)));
                    return;
                }
                // The machines still stopped have no public address (EC2 takes it back at a stop).
                const auto instances = Terraform::parseOutput(out, true);
                if (!instances) {
                    done(Result::failed(QStringLiteral("terraform output failed: %1").arg(instances.message())));
                    return;
                }
                for (const Terraform::Instance& i : *instances) {
                    if (!slugs.contains(i.slug))
                        continue;
                    for (DeploymentState::Condition& c : state->conditions) {
                        DeploymentState::Host* host = c.slug == i.slug ? state->host(c.host) : nullptr;
                        if (!host)
                            continue;
                        const QString user = host->address.section(QLatin1Char('@'), 0, 0);
                        const QString address = QStringLiteral("%1@%2%3").arg(
                            user, i.address, i.port == 22 ? QString() : QStringLiteral(":%1").arg(i.port));
                        if (address == host->address)
                            continue;
                        Q_EMIT progress(QStringLiteral("%1 is now at %2").arg(host->address, address));
                        forgetHostKeys({ *host }); // another machine may get the old address
                        // Every condition on the machine moves with it (the fleet layout's share one).
                        const QString old = host->address;
                        host->address = address;
                        for (DeploymentState::Condition& other : state->conditions) {
                            if (other.host == old)
                                other.host = address;
                        }
                    }
                }
                done(Result::ok());
            });
        });
}

void AwsBackend::waitForSsh(const DeploymentState* state, const QStringList& slugs, int attempt, Done done)
{
    QList<DeploymentState::Host> hosts;
    for (const DeploymentState::Condition& c : state->conditions) {
        if (slugs.contains(c.slug))
            if (const DeploymentState::Host* h = state->host(c.host))
                hosts << *h;
    }
    auto waiting = std::make_shared<int>(static_cast<int>(hosts.size()));
    auto silent = std::make_shared<QStringList>();
    if (hosts.isEmpty()) {
        done(Result::ok());
        return;
    }
    for (const DeploymentState::Host& host : std::as_const(hosts)) {
        AsyncCommand::run(
            ssh(host).command({ QStringLiteral("true") }), this,
            [this, state, slugs, attempt, done, waiting, silent, host](const CommandOutcome& o) {
                if (!o.ok())
                    *silent << host.address;
                if (--*waiting > 0)
                    return;
                if (silent->isEmpty()) {
                    done(Result::ok());
                } else if (attempt >= bootAttempts()) {
                    done(Result::failed(
                        QStringLiteral("started, but %1 did not answer").arg(silent->join(QStringLiteral(", ")))));
                } else {
                    QTimer::singleShot(bootRetryMs(attempt), this, [this, state, slugs, attempt, done] {
                        waitForSsh(state, slugs, attempt + 1, done);
                    });
                }
            });
    }
}

void AwsBackend::wake(DeploymentState* state, const QSet<int>& positions, Woken then)
{
    const QStringList candidates = unreachableSlugs(*state, positions);
    if (candidates.isEmpty() || !canAsk(*state, terraformDir())) {
        then({}, QString());
        return;
    }
    withCredentials([this, state, candidates, then](const QMap<QString, QString>& env, const QString& error) {
        if (!error.isEmpty()) {
            then({}, error);
            return;
        }
        instanceStates(
            env, [this, state, candidates, then, env](const QMap<QString, QString>& states, const QString& error) {
                if (!error.isEmpty()) {
                    then({}, error);
                    return;
                }
                QStringList stopped;
                QMap<QString, QString> running;
                for (const QString& slug : candidates) {
                    if (states.value(slug) == QLatin1String("stopped")) {
                        stopped << slug;
                        running.insert(slug, QStringLiteral("running"));
                    }
                }
                if (stopped.isEmpty()) {
                    then({}, QString());
                    return;
                }
                Q_EMIT progress(
                    QStringLiteral("starting the stopped machine(s) of %1").arg(stopped.join(QStringLiteral(", "))));
                applyPower(env, running, [this, state, env, stopped, then](const Result& applied) {
                    if (!applied) {
                        then({}, applied.message());
                        return;
                    }
                    readdress(state, env, stopped, [this, state, stopped, then](const Result& readdressed) {
                        if (!readdressed) {
                            then(stopped, readdressed.message());
                            return;
                        }
                        waitForSsh(state, stopped, 1, [stopped, then](const Result& answered) {
                            then(stopped, answered ? QString() : answered.message());
                        });
                    });
                });
            });
    });
}

void AwsBackend::sleep(DeploymentState*, const QStringList& slugs, Done done)
{
    if (slugs.isEmpty()) {
        done(Result::ok());
        return;
    }
    withCredentials([this, slugs, done](const QMap<QString, QString>& env, const QString& error) {
        if (!error.isEmpty()) {
            done(Result::badInput(error));
            return;
        }
        QMap<QString, QString> stopped;
        for (const QString& slug : slugs)
            stopped.insert(slug, QStringLiteral("stopped"));
        Q_EMIT progress(QStringLiteral("stopping the machine(s) of %1 again").arg(slugs.join(QStringLiteral(", "))));
        applyPower(env, stopped, done);
    });
}

void AwsBackend::explainUnreachable(DeploymentState* state, std::function<void(const QList<int>&)> then)
{
    const AwsParameters::Machine machine
        = AwsParameters::resolve(m_context.experiment.parameters(), Settings()).valueOr(AwsParameters::Machine());
    // Each machine is its condition's own, so a machine gone for good explains every condition on it that
    // had not ended: one whose run was seen, and one still waiting there (queued by its runner, its container
    // created but not started). A finished run's machine ended itself (see Terraform::configuration).
    QSet<int> unfinished;
    for (int i = 0; i < state->conditions.size(); ++i) {
        const DeploymentState::Condition& c = state->conditions.at(i);
        if ((c.phase == Phase::Unreachable && !DeploymentState::isTerminal(c.lastRunPhase))
            || (!DeploymentState::isTerminal(c.phase) && c.phase != Phase::Unreachable && c.phase != Phase::Stopped
                && c.phase != Phase::Preempted))
            unfinished << i;
    }
    const QStringList slugs = unreachableSlugs(*state, unfinished);
    if (unfinished.isEmpty() || slugs.isEmpty() || !canAsk(*state, terraformDir())) {
        then({});
        return;
    }
    const bool spot = machine.spot;
    withCredentials([this, state, slugs, spot, then](const QMap<QString, QString>& env, const QString& error) {
        if (!error.isEmpty()) {
            Q_EMIT progress(error);
            then({});
            return;
        }
        instanceStates(env,
                       [this, state, slugs, spot, then](const QMap<QString, QString>& states, const QString& error) {
                           if (!error.isEmpty()) {
                               Q_EMIT progress(error);
                               then({});
                               return;
                           }
                           then(explainGone(state, slugs, states, spot));
                       });
    });
}

QList<int> AwsBackend::explainGone(DeploymentState* state, const QStringList& slugs,
                                   const QMap<QString, QString>& instanceStates, bool spot)
{
    QList<int> changed;
    for (int i = 0; i < state->conditions.size(); ++i) {
        DeploymentState::Condition& c = state->conditions[i];
        // A refresh drops a terminated instance from the state: missing is gone too.
        const QString now = instanceStates.value(c.slug);
        if (!slugs.contains(c.slug))
            continue;
        DeploymentState::Host* host = state->host(c.host);
        if (now == QLatin1String("stopped") || now == QLatin1String("stopping")) {
            // It stopped itself (its idle stop once its runs ended, before a status round saw them end) or was
            // stopped through EC2: its disk and what ran there are kept. Stopped, as EC2 says, not lost; sync and
            // terminate start it (wake), and a status round then reads how its runs ended.
            if (c.phase != Phase::Unreachable)
                c.lastRunPhase = c.phase;
            c.phase = Phase::Stopped;
            if (host)
                host->message = QStringLiteral("EC2 says its instance is %1; sync starts it").arg(now);
            Q_EMIT progress(QStringLiteral("%1: its machine is %2 (EC2); `logistician sync` starts it and fetches "
                                           "the results")
                                .arg(c.slug, now));
            changed << i;
            continue;
        }
        if (!now.isEmpty() && now != QLatin1String("terminated") && now != QLatin1String("shutting-down"))
            continue;
        // Either way its machine is gone with what ran there: the condition is run again on a new machine,
        // by a watcher while max_retries allows (Rerun::preemptedToRetry), or by deploy --rerun-failed.
        c.phase = Phase::Preempted;
        c.lastRunPhase = Phase::Preempted;
        const bool retried = c.attempt < c.lastAttempt;
        if (spot) {
            if (host)
                host->message = QStringLiteral("its spot instance was taken back by AWS");
            Q_EMIT progress(QStringLiteral("%1: preempted: AWS took its spot machine back; %2")
                                .arg(c.slug,
                                     retried ? QStringLiteral("a watcher runs it again on a new one")
                                             : QStringLiteral("deploy --rerun-failed runs it again on a new "
                                                              "one")));
        } else {
            // Not by Logistician (it releases machines through terraform, and marks them): lost, as a spot machine
            // taken back is.
            if (host)
                host->message = QStringLiteral("its instance was terminated outside Logistician");
            Q_EMIT progress(QStringLiteral("%1: lost: EC2 says its machine is %2; %3")
                                .arg(c.slug, now.isEmpty() ? QStringLiteral("gone") : now,
                                     retried ? QStringLiteral("a watcher runs it again on a new one (max_retries)")
                                             : QStringLiteral("no retry left (max_retries): deploy --rerun-failed "
                                                              "runs it again on a new one")));
        }
        changed << i;
    }
    return changed;
}
