// SPDX-License-Identifier: MIT
#include "TerminateOperation.h"

#include "deploy/RemoteScript.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <memory>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace TerminateOperation {

QString localLoginPrefix(const QString& experiment)
{
    return QStringLiteral("logistician-docker-%1@").arg(experiment);
}

QString localLoginFolder()
{
    const QString dir = QFileInfo(DeploymentIndex::defaultFolder()).path() + QStringLiteral("/docker-login");
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return dir;
}

QString remoteLoginPrefix(const QString& experiment)
{
    return QStringLiteral(".docker-login-%1@").arg(experiment);
}

Plan plan(const DeployContext& ctx, const QSet<int>& selected, const TerminateOptions& options)
{
    const bool keepImages = options.keepImages;
    const DeploymentState& state = ctx.state;
    const bool remote = ctx.isRemote();
    Plan p;
    p.whole = selected.isEmpty();
    for (int i = 0; i < state.conditions.size(); ++i) {
        if ((p.whole || selected.contains(i)) && !state.conditions.at(i).isTerminated())
            p.chosen << i;
    }
    if (remote && (!p.whole || !state.terminated)) {
        for (int i : std::as_const(p.chosen)) {
            const DeploymentState::Condition& c = state.conditions.at(i);
            if (c.startedAt.isValid() && !c.resultsSafe())
                p.unsafe << QStringLiteral("%1 (%2)").arg(c.slug, DeploymentState::phaseName(c.phase));
        }
    }
    for (const DeploymentState::Host& host : state.hosts) {
        // Never reached, so nothing was placed there; or already destroyed.
        if ((remote && host.home.isEmpty()) || host.phase == HostPhase::Released)
            continue;
        // The whole deployment: every container this experiment could have here (on a machine of its own,
        // its condition's); some conditions: theirs on this host.
        QList<int> here;
        for (int i = 0; i < state.conditions.size(); ++i) {
            const bool onHost = state.conditions.at(i).host == host.address;
            if (p.whole ? (!ctx.preassignsHosts() || onHost) : (onHost && p.chosen.contains(i)))
                here << i;
        }
        if (!p.whole && here.isEmpty())
            continue;
        HostWork work;
        work.address = host.address;
        work.runnerDir = ctx.runnerDir(host);
        work.stopRunner = p.whole && ctx.backend->traits().usesRunner; // else the scheduler ran them
        if (p.whole)
            work.labels = QStringList { state.experiment, options.anyCommit ? QString() : state.commit };
        // The image deploy built or pulled there (else they pile up); with a registry, also the one built here to push.
        if (p.whole && !keepImages && !state.image.isEmpty())
            work.images << state.image;
        for (int i : std::as_const(here)) {
            const DeploymentState::Condition& c = state.conditions.at(i);
            // Every attempt's container (deploy --rerun, max_retries); the runner starts none still to come.
            for (int a = 1; a <= c.lastAttempt; ++a)
                work.containers << ctx.containerName(c, a);
            for (int a = c.attempt; !p.whole && a <= c.lastAttempt; ++a)
                work.cancel << c.attemptKey(a);
            if (!remote) {
                // Each container's log stays with its attempt's results; one terminated earlier saved them then.
                for (int a = 1; !c.isTerminated() && a <= c.attempt; ++a)
                    work.logs << QStringList { ctx.containerName(c, a), ctx.localDataDir(c, 1),
                                               DeploymentState::Condition::logsFolder(a),
                                               ctx.runnerDir(host) + QStringLiteral("/claims/") + c.attemptKey(a)
                                                   + QStringLiteral("/saved") };
            } else if (c.resultsSafe() || !c.startedAt.isValid()) {
                work.dirs << ctx.remoteDir(host, c);
            }
        }
        if (remote && p.whole) {
            // The image build folder, then the experiment's folder once nothing is left in it. Some
            // conditions only: the image and the others' folders stay for the ones still running.
            work.dirs << ctx.remoteExperimentDir(host) + QStringLiteral("/image") << work.runnerDir;
            work.dirs << ctx.backend->leftoverDirs(ctx.remoteExperimentDir(host));
            work.removeIfEmpty = ctx.remoteExperimentDir(host);
            work.logins
                = QStringList { host.home + QStringLiteral("/logistician"), remoteLoginPrefix(state.experiment) };
        }
        p.hosts << work;
    }
    if (p.whole && !keepImages && remote && !state.registry.isEmpty() && !state.image.isEmpty())
        p.localImages << state.image;
    p.labelledImages = p.whole && !keepImages && !state.experiment.isEmpty();
    return p;
}

QString script(const QString& docker, const HostWork& work)
{
    // The functions come from templates/remote/terminate.sh; the last call's status is the script's.
    RemoteScript script(QStringLiteral("terminate"));
    if (!work.cancel.isEmpty())
        script.call(QStringLiteral("cancel_claims"), QStringList { work.runnerDir } + work.cancel);
    // With the runner's claims/KEY/saved: once (the runner saved it already, or must not overwrite it).
    for (const QStringList& log : work.logs)
        script.call(log.size() > 3 ? QStringLiteral("keep_once") : QStringLiteral("keep_output"),
                    (log.size() > 3 ? QStringList { log.value(3) } : QStringList())
                        + QStringList { log.value(1), log.value(2), QStringLiteral("docker.txt") }
                        + Docker::argv(Docker::logs(docker, log.value(0))));
    script.call(QStringLiteral("remove_containers"), Docker::argv(Docker::removeContainers(docker, work.containers)));
    if (work.labels.size() == 2)
        script.call(QStringLiteral("remove_labelled"), work.labels + Docker::programWords(docker));
    if (!work.images.isEmpty())
        script.call(QStringLiteral("remove_images"), Docker::argv(Docker::removeImages(docker, work.images)));
    if (!work.dirs.isEmpty())
        script.call(QStringLiteral("remove_dirs"), work.dirs);
    if (work.logins.size() == 2)
        script.call(QStringLiteral("remove_logins"), work.logins);
    if (!work.removeIfEmpty.isEmpty())
        script.call(QStringLiteral("remove_if_empty"), { work.removeIfEmpty });
    // keep_output is save-log.sh's, the one safe way to write into a container's folder.
    return (work.logs.isEmpty() ? QString() : RemoteScript(QStringLiteral("save-log")).render()) + script.render();
}

QString stopScript(const HostWork& work)
{
    return RemoteScript(QStringLiteral("stop-runner")).set(QStringLiteral("DIR"), work.runnerDir).render();
}

namespace {

using Done = std::function<void(const Result&)>;

// The containers and folders are gone: the machines go (all, or those of the chosen conditions), and
// the state says terminated.
void release(DeployContext& ctx, const Plan& plan, const QStringList& failures, Done done)
{
    if (plan.whole) {
        ctx.backend->release(&ctx.state, [&ctx, failures, done](const Result& released) {
            if (!released) {
                ctx.save();
                done(released);
                return;
            }
            ctx.state.terminated = true;
            for (int i = 0; i < ctx.state.conditions.size(); ++i) {
                ctx.state.conditions[i].markTerminated();
                Q_EMIT ctx.conditionChanged(i);
            }
            QDir(ctx.stateDir + QStringLiteral("/stage")).removeRecursively();
            QDir(ctx.stateDir + QStringLiteral("/runner")).removeRecursively();
            QDir(ctx.stateDir + QStringLiteral("/runners")).removeRecursively();
            ctx.save();
            QString message = QStringLiteral("terminated; results are in %1").arg(ctx.experiment.dataDir());
            // A machine of its own is destroyed anyway: a container it could not stop is no news.
            if (!failures.isEmpty() && !ctx.preassignsHosts())
                message += QStringLiteral(" (not cleaned up, forced: %1)").arg(failures.join(QStringLiteral("; ")));
            Q_EMIT ctx.progress(message);
            done(Result::ok());
        });
        return;
    }
    const QList<int> chosen = plan.chosen;
    ctx.backend->releaseConditions(&ctx.state, chosen, [&ctx, chosen, done](const Result& released) {
        if (!released) {
            ctx.save();
            done(released);
            return;
        }
        QStringList slugs;
        for (int i : chosen) {
            DeploymentState::Condition& c = ctx.state.conditions[i];
            if (ctx.preassignsHosts()) {
                if (DeploymentState::Host* host = ctx.state.host(c.host)) {
                    host->phase = HostPhase::Released;
                    host->message.clear();
                }
            }
            c.markTerminated();
            slugs << c.slug;
            QDir(ctx.stageDir(c)).removeRecursively();
            Q_EMIT ctx.conditionChanged(i);
        }
        ctx.save();
        Q_EMIT ctx.progress(
            QStringLiteral("terminated %1; the other conditions go on").arg(slugs.join(QStringLiteral(", "))));
        done(Result::ok());
    });
}

} // namespace

namespace {

void removeLabelledImages(DeployContext& ctx, const Plan& p, std::function<void()> then);
void finishCleanUp(DeployContext& ctx, const Plan& p, std::shared_ptr<QStringList> failures,
                   const TerminateOptions& options, Done done);

// Stops the runners, removes the containers and folders on every host of the plan, then the images
// labelled with the experiment, then releases.
void cleanUp(DeployContext& ctx, const TerminateOptions& options, const Plan& p, Done done)
{
    auto failures = std::make_shared<QStringList>();
    auto* pool = new JobPool(32, ctx.work);
    const QString docker = ctx.dockerSetting();
    // The shared ssh connection goes once nothing more is run there: the whole deployment, or a machine of its own.
    const bool closeMaster = ctx.isRemote() && (p.whole || ctx.preassignsHosts());
    for (const HostWork& work : p.hosts) {
        pool->add([&ctx, work, docker, failures, closeMaster](JobPool::Done jobDone) {
            const DeploymentState::Host host = *ctx.state.host(work.address);
            auto finish = [&ctx, host, closeMaster, jobDone] {
                if (!closeMaster) {
                    jobDone();
                    return;
                }
                ctx.run(ctx.backend->ssh(host).closeMaster(), [jobDone](const CommandOutcome&) { jobDone(); });
            };
            auto clean = [&ctx, host, work, docker, failures, finish] {
                ctx.run(ctx.backend->script(host, script(docker, work)),
                        [host, failures, finish](const CommandOutcome& o) {
                            if (!o.ok())
                                *failures << QStringLiteral("%1: %2").arg(host.address, o.errorText());
                            finish();
                        });
            };
            if (!work.stopRunner) {
                clean();
                return;
            }
            // The runner first: once it is stopped nothing starts, so the containers removed next stay gone.
            ctx.run(
                ctx.backend->script(host, stopScript(work)), [host, failures, clean, finish](const CommandOutcome& o) {
                    if (!o.ok()) {
                        *failures << QStringLiteral("%1: the runner did not stop: %2").arg(host.address, o.errorText());
                        finish();
                        return;
                    }
                    clean();
                });
        });
    }
    if (!p.localImages.isEmpty()) {
        // Built here and pushed: no container uses it here, so it goes at once (a failure is only noted).
        const Command rmi = Docker::removeImages(ctx.experiment.parameters().localDockerCommand(), p.localImages);
        pool->add(
            [&ctx, rmi](JobPool::Done jobDone) { ctx.run(rmi, [jobDone](const CommandOutcome&) { jobDone(); }); });
    }
    QObject::connect(pool, &JobPool::finished, &ctx, [&ctx, pool, p, failures, options, done] {
        pool->deleteLater();
        removeLabelledImages(ctx, p,
                             [&ctx, p, failures, options, done] { finishCleanUp(ctx, p, failures, options, done); });
    });
    pool->start();
}

void removeLabelledImages(DeployContext& ctx, const Plan& p, std::function<void()> then)
{
    // Only once the hosts' work is done: their containers are gone, so an image no container uses any more
    // is not refused as in use (nothing is forced). The IDs are checked before they reach docker.
    if (!p.labelledImages) {
        then();
        return;
    }
    const QString docker = ctx.experiment.parameters().localDockerCommand();
    const Command list = Docker::labelledImages(docker, ctx.state.experiment);
    ctx.run(list, [&ctx, docker, then](const CommandOutcome& o) {
        // Each tag by its name (an image with other tags is only untagged), an untagged one by its ID.
        QStringList ids;
        static const QRegularExpression id(QStringLiteral("^(sha256:)?[0-9a-f]{12,64}$"));
        static const QRegularExpression ref(QStringLiteral("^[a-z0-9][a-z0-9._/:@-]{0,254}$"));
        for (const QString& line : QString::fromUtf8(o.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QString name = line.section(QLatin1Char(' '), 0, 0);
            const QString image = name.contains(QLatin1String("<none>")) ? line.section(QLatin1Char(' '), 1, 1) : name;
            if ((ref.match(image).hasMatch() || id.match(image).hasMatch()) && !ids.contains(image))
                ids << image;
        }
        if (!o.ok() || ids.isEmpty()) {
            then();
            return;
        }
        ctx.run(Docker::removeImages(docker, ids), [then](const CommandOutcome&) { then(); });
    });
}

void finishCleanUp(DeployContext& ctx, const Plan& p, std::shared_ptr<QStringList> failures,
                   const TerminateOptions& options, Done done)
{
    // A push's login folder that a killed deploy left here (the credential in its config.json).
    if (p.whole) {
        QDir logins(localLoginFolder());
        for (const QString& d : logins.entryList({ localLoginPrefix(ctx.state.experiment) + QLatin1Char('*') },
                                                 QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot | QDir::NoSymLinks))
            QDir(logins.filePath(d)).removeRecursively();
    }
    // A machine of its own (aws) is destroyed anyway, so a container it could not stop does not matter.
    if (!failures->isEmpty() && !options.force && !ctx.preassignsHosts()) {
        ctx.save();
        done(Result::failed(QStringLiteral("could not %1: %2; run terminate again when the hosts answer, or pass "
                                           "--force")
                                .arg(p.whole ? QStringLiteral("clean up") : QStringLiteral("stop"),
                                     failures->join(QStringLiteral("; ")))));
        return;
    }
    release(ctx, p, *failures, done);
}

} // namespace

void run(DeployContext& ctx, const TerminateOptions& options, const QSet<int>& selected, Done done)
{
    const Plan p = plan(ctx, selected, options);
    if (!p.whole && p.chosen.isEmpty()) {
        Q_EMIT ctx.progress(QStringLiteral("already terminated"));
        done(Result::ok());
        return;
    }
    if (!options.force && !p.unsafe.isEmpty()) {
        done(Result::failed(
            QStringLiteral("results not synced yet: %1; run `logistician sync%2` first (or pass "
                           "--force to throw them away)")
                .arg(p.unsafe.join(QStringLiteral(", ")), p.whole ? QString() : QStringLiteral(" --condition N"))));
        return;
    }
    // What runs the conditions stops first where the backend has its own (slurm: scancel), then the clean-up.
    ctx.backend->stopRuns(ctx, p.whole, p.chosen, [&ctx, options, p, done](const Result& stopped) {
        if (!stopped && !options.force) {
            done(Result::failed(stopped.message() + QStringLiteral("; run terminate again, or pass --force")));
            return;
        }
        cleanUp(ctx, options, p, done);
    });
}

} // namespace TerminateOperation
