// SPDX-License-Identifier: MIT
// deploy's plan: what it would do, checked without running anything (DeployPlan).
#include "DeployOperation.h"
#include "ParameterRules.h"
#include "Settings.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "deploy/Rerun.h"
#include "git/GitRepository.h"

namespace {

// The registry and user of the user's settings, as a remote backend's docker gets them.
Result checkSettings(const Parameters& params)
{
    const Settings settings;
    QString why;
    if (params.registry().isEmpty() && !(why = ParameterRules::registry(settings.registry())).isEmpty())
        why = QStringLiteral("the registry of your settings (%1) %2").arg(ShellWords::quote(settings.registry()), why);
    else if (!params.json().contains(QStringLiteral("registry_user"))
             && !(why = ParameterRules::registryUser(settings.registryUser())).isEmpty())
        why = QStringLiteral("the registry user of your settings (%1) %2")
                  .arg(ShellWords::quote(settings.registryUser()), why);
    if (!why.isEmpty())
        return Result::badInput(why + QStringLiteral("; change it with `logistician setup`"));
    return Result::ok();
}

// Conditions to run, each one that becomes argv, and a command to run them with.
Result checkConditions(const Experiment& experiment)
{
    const Parameters& params = experiment.parameters();
    const QStringList conditions = params.allConditions();
    if (conditions.isEmpty())
        return Result::badInput(QStringLiteral("%1: no conditions: add experiment_conditions or parameter_grid")
                                    .arg(experiment.parametersPath()));
    // A condition that does not become argv stops the deploy here, before anything
    // starts: it must never run as a container with no arguments at all.
    for (int i = 0; i < conditions.size(); ++i) {
        if (const QString why = ParameterRules::condition(conditions.at(i)); !why.isEmpty())
            return Result::badInput(QStringLiteral("%1: condition %2 (%3): %4")
                                        .arg(experiment.parametersPath())
                                        .arg(i + 1)
                                        .arg(ShellWords::quote(conditions.at(i)), why));
    }
    const auto command = ShellWords::split(params.experimentCommand());
    // Original style: no command, the image's own CMD runs with the condition in $OPTIONS.
    if (!command || (command->isEmpty() && !params.isOriginalStyle()))
        return Result::badInput(
            QStringLiteral("%1: experiment_command: %2")
                .arg(experiment.parametersPath(), command ? QStringLiteral("is empty") : command.message()));
    return Result::ok();
}

} // namespace

DeployPlan DeployOperation::plan(const DeployContext& ctx, const DeployOptions& options)
{
    DeployPlan plan;
    const Experiment experiment = options.withLimits(ctx.experiment);
    const Parameters& params = experiment.parameters();
    plan.backend = options.backend.isEmpty() ? params.backend() : options.backend;
    plan.conditionCount = static_cast<int>(params.allConditions().size());
    Backend::Context context { experiment, ctx.stateDir, SshKey::privateKeyPath() };
    auto created = Backend::create(plan.backend, context);
    if (!created) {
        plan.check = created.error();
        return plan;
    }
    const auto backend = created.take();
    plan.costsMoney = backend->costsMoney();
    // The registry and user of the user's settings reach docker like parameters.json's do.
    if (const Result settings = backend->isRemote() ? checkSettings(params) : Result::ok(); !settings) {
        plan.check = settings;
        return plan;
    }
    if (const Result runnable = checkConditions(experiment); !runnable) {
        plan.check = runnable;
        return plan;
    }
    if (ctx.hasState && !ctx.state.terminated) {
        auto repo = GitRepository::discover(experiment.dir()).valueOr(nullptr);
        const QString head = repo ? repo->headCommit() : QString();
        if (ctx.state.backend != plan.backend || ctx.state.commit != head) {
            plan.check = Result::badInput(
                QStringLiteral("a deployment of commit %1 on the %2 backend is still active; run `logistician "
                               "terminate` before deploying again")
                    .arg(ctx.state.commit.left(12), ctx.state.backend));
            return plan;
        }
        plan.resumes = true;
    }
    // A backend may rerun only its failed conditions (slurm: one array of their indexes), not chosen ones.
    if (!backend->traits().rerunsChosen && !options.rerun.isEmpty()) {
        plan.check = Result::badInput(QStringLiteral("deploy --rerun N is not supported on %1; "
                                                     "--rerun-failed runs the failed conditions again")
                                          .arg(plan.backend));
        return plan;
    }
    if (options.retryPreempted) {
        plan.rerun = ctx.hasState ? Rerun::preemptedToRetry(ctx.state) : QList<int>();
        if (plan.rerun.isEmpty()) {
            plan.check = Result::badInput(QStringLiteral("no preempted condition has a retry left"));
            return plan;
        }
    } else if (options.reruns()) {
        const ResultOf<QList<int>> chosen
            = Rerun::choose(ctx.hasState ? ctx.state : DeploymentState(), options.rerun, options.rerunFailed);
        if (!chosen) {
            plan.check = chosen.error();
            return plan;
        }
        plan.rerun = *chosen;
    }
    plan.check = backend->check(options);
    plan.summary = backend->planSummary(plan.conditionCount, options);
    if (!plan.rerun.isEmpty())
        plan.summary = QStringLiteral("rerunning %1 condition(s) as a new attempt").arg(plan.rerun.size());
    plan.warnings = backend->warnings(options);
    backend->describeMachines(&plan);
    return plan;
}
