// SPDX-License-Identifier: MIT
#include "OtherCommits.h"

#include "deploy/LabelledContainers.h"
#include "deploy/TerminateOperation.h"

namespace OtherCommits {

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
            for (const LabelledContainers::Found& f : LabelledContainers::parse(o.out, &refused)) {
                if (f.commit != ctx.state.commit)
                    others << f;
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
                done(Result::badInput(
                    QStringLiteral("%1: containers of %2 at commit %3 are there (%4), not this deployment's (commit "
                                   "%5); remove them with `logistician terminate --experiment %2`, or deploy with "
                                   "--replace")
                        .arg(host.address, ctx.state.experiment, commits.join(QStringLiteral(", ")),
                             names.join(QStringLiteral(", ")), ctx.state.commit.left(12))));
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
