// SPDX-License-Identifier: MIT
#include "OtherCommits.h"

#include "deploy/LabelledContainers.h"
#include "deploy/TerminateOperation.h"
#include "deploy/backends/BackendRegistry.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <algorithm>

namespace OtherCommits {

namespace {

// The experiment folder of another live deployment of this user (DeploymentIndex) that ran this container's
// experiment and commit on this host: a second copy or clone of a project, whose containers would have the same
// names. Empty when the index knows of none. A deploy refused before it handed anything to a host made no
// container: it owns none.
QString ownerFolder(const DeployContext& ctx, const DeploymentState::Host& host, const LabelledContainers::Found& f)
{
    const bool local = !ctx.isRemote();
    for (const DeploymentIndex::Entry& e : DeploymentIndex().entries()) {
        if (QDir::cleanPath(e.stateDir) == QDir::cleanPath(ctx.stateDir) || e.state.terminated
            || e.state.experiment != f.experiment || e.state.commit != f.commit)
            continue;
        const bool handedOver = std::any_of(e.state.conditions.cbegin(), e.state.conditions.cend(),
                                            [](const DeploymentState::Condition& c) { return !c.host.isEmpty(); });
        if (!handedOver)
            continue;
        if ((local && !BackendRegistry::traits(e.state.backend).remote) || (!local && e.state.host(host.address)))
            return e.experimentDir;
    }
    return QString();
}

} // namespace

void check(DeployContext& ctx, const DeploymentState::Host& host, bool replace, std::function<void(const Result&)> done)
{
    const QString docker = ctx.dockerSetting();
    const Command list = Docker::listLabelled(docker, ctx.state.experiment);
    ctx.run(
        ctx.backend->command(host, Docker::argv(list)), [&ctx, host, replace, docker, done](const CommandOutcome& o) {
            if (!o.ok()) {
                // No answer, or no engine: the next step (the image) says so with its own words.
                done(Result::ok());
                return;
            }
            QStringList refused;
            QList<LabelledContainers::Found> others;
            QStringList folders; // the project folders they were deployed from, as far as the index knows
            for (const LabelledContainers::Found& f : LabelledContainers::parse(o.out, &refused)) {
                const QString owner = ownerFolder(ctx, host, f);
                if (f.commit == ctx.state.commit && owner.isEmpty())
                    continue; // this deployment's own (a deploy run again), or of no other deployment known
                others << f;
                if (!owner.isEmpty() && !folders.contains(owner))
                    folders << owner;
            }
            for (const QString& why : std::as_const(refused))
                Q_EMIT ctx.progress(QStringLiteral("%1: a container left alone: %2").arg(host.address, why));
            if (others.isEmpty()) {
                done(Result::ok());
                return;
            }
            QStringList commits;
            for (const LabelledContainers::Found& f : std::as_const(others)) {
                if (!commits.contains(f.commit.left(12)))
                    commits << f.commit.left(12);
            }
            const QStringList names = LabelledContainers::names(others);
            if (!replace) {
                const QString from = folders.isEmpty()
                    ? QStringLiteral("deployed from a project folder no deployment of yours records")
                    : QStringLiteral("deployed from %1").arg(folders.join(QStringLiteral(", ")));
                done(Result::badInput(
                    QStringLiteral("%1: containers of %2 at commit %3 are there (%4), %5; not this deployment's (%6 "
                                   "at commit %7); remove them with `logistician terminate --experiment %2`, deploy "
                                   "with --replace, or give this experiment an experiment_name of its own in %8")
                        .arg(host.address, ctx.state.experiment, commits.join(QStringLiteral(", ")),
                             names.join(QStringLiteral(", ")), from, ctx.experiment.dir(), ctx.state.commit.left(12),
                             ctx.experiment.parametersPath())));
                return;
            }
            Q_EMIT ctx.progress(
                QStringLiteral("%1: replacing %2 of commit %3")
                    .arg(host.address, names.join(QStringLiteral(", ")), commits.join(QStringLiteral(", "))));
            // The terminate script's own steps: the runner there first (it would start more), then the containers
            // and the images they ran.
            TerminateOperation::HostWork work;
            work.address = host.address;
            work.runnerDir = ctx.runnerDir(host);
            work.containers = names;
            for (const LabelledContainers::Found& f : std::as_const(others)) {
                for (const QString& image : { f.image, LabelledContainers::builtImage(f.experiment, f.commit) }) {
                    if (!work.images.contains(image) && image != ctx.state.image)
                        work.images << image;
                }
            }
            auto remove = [&ctx, host, work, docker, done] {
                ctx.run(ctx.backend->script(host, TerminateOperation::script(docker, work)),
                        [host, done](const CommandOutcome& o) {
                            done(o.ok() ? Result::ok()
                                        : Result::failed(QStringLiteral("%1: could not remove the containers of "
                                                                        "another commit: %2")
                                                             .arg(host.address, o.errorText())));
                        });
            };
            if (!ctx.isRemote()) {
                remove(); // the local runner folder is this deployment's own (.logistician/runner)
                return;
            }
            ctx.run(ctx.backend->script(host, TerminateOperation::stopScript(work)),
                    [remove](const CommandOutcome&) { remove(); });
        });
}

} // namespace OtherCommits
