// SPDX-License-Identifier: MIT
#include "DeployPreview.h"

#include "Docker.h"
#include "ShellWords.h"
#include "deploy/DeployContext.h"
#include "deploy/DeployOperation.h"
#include "deploy/Deployment.h"
#include "deploy/Rerun.h"
#include "git/GitRepository.h"

#include <QTimer>

DeployPreview::DeployPreview(const Deployment& deployment, QObject* parent)
    : QObject(parent)
    , m_deployment(deployment)
{
}

DeployPreview::~DeployPreview() = default;

void DeployPreview::finish(const Result& result)
{
    m_busy = false;
    const QString text = m_lines.join(QLatin1Char('\n'));
    // Always after start() returns, so a caller can connect and start in any order.
    QTimer::singleShot(0, this, [this, result, text] { Q_EMIT finished(result, text); });
}

void DeployPreview::start(const DeployOptions& options)
{
    if (m_busy)
        return;
    m_busy = true;
    m_lines.clear();
    const Deployment::Plan plan = m_deployment.plan(options);
    m_lines << QStringLiteral("Dry run: nothing is created, started or saved.");
    if (!plan.check) {
        finish(plan.check);
        return;
    }
    m_lines << plan.summary;
    for (const QString& warning : plan.warnings)
        m_lines << QStringLiteral("warning: ") + warning;

    const Experiment experiment = options.withLimits(m_deployment.experiment());
    const Parameters& params = experiment.parameters();
    auto repo = GitRepository::discover(experiment.dir()).valueOr(nullptr);
    const QString commit = repo ? repo->headCommit() : QString();
    // The state deploy goes on with (a resumed deployment's, or the one it makes: DeployOperation::newState), on
    // the backend it uses: the containers, labels, image and folders named by the functions deploy names them by.
    DeployContext limited(experiment);
    if (const Result created = limited.createBackend(plan.backend); !created) {
        finish(created);
        return;
    }
    const bool remote = limited.isRemote();
    limited.state
        = plan.resumes ? m_deployment.state() : DeployOperation::newState(params, plan.backend, remote, commit, false);
    limited.hasState = true;
    QList<int> shown;
    if (!plan.rerun.isEmpty()) {
        Rerun::prepare(&limited.state, plan.rerun, params.maxRetries());
        shown = plan.rerun;
    } else {
        for (int i = 0; i < limited.state.conditions.size(); ++i) {
            if (DeployOperation::toHandOver(limited.state.conditions.at(i)))
                shown << i;
        }
    }
    // A host not reached yet: "~" stands for its login user's home, learnt when it first answers.
    auto hostOf = [&limited](const DeploymentState::Condition& c) {
        if (const DeploymentState::Host* known = limited.state.host(c.host); known && !known->home.isEmpty())
            return *known;
        return DeploymentState::Host::at(c.host, QStringLiteral("~"));
    };
    m_lines << (limited.backend->traits().hasMachines
                    ? QStringLiteral("Each machine boots with %1, then runs:")
                          .arg(QStringLiteral("templates/bootstrap/user-data.sh (installs Docker and rsync)"))
                    : QStringLiteral("Containers and their commands:"));
    if (shown.isEmpty())
        m_lines << QStringLiteral(
            "  none: every condition was handed over already (`logistician status` follows them)");
    for (int i : std::as_const(shown)) {
        const DeploymentState::Condition& c = limited.state.conditions.at(i);
        // The same docker run deploy makes; where deploy reads the image's own CMD first (original-style
        // folders), the preview names it instead.
        const Docker::RunSpec spec = DeployOperation::runSpec(limited, c, hostOf(c), remote, limited.state.image,
                                                              { QStringLiteral("IMAGE_CMD") });
        const Command run = Docker::run(spec);
        m_lines << QStringLiteral("  %1: %2")
                       .arg(c.attemptKey(c.attempt), ShellWords::join(QStringList { run.program } + run.arguments));
    }
    m_lines << limited.backend->previewHandOver(limited, shown);
    // Then the machines, where the backend makes them (aws: the real Terraform plans them in a scratch folder).
    m_backend = std::move(limited.backend); // lives until the preview ends
    m_backend->previewMachines(limited.state, options, &m_lines, [this](const Result& result) { finish(result); });
}
