// SPDX-License-Identifier: MIT
#include "DeployOperation.h"

#include "AppPaths.h"
#include "CredentialStore.h"
#include "Logging.h"
#include "ParameterRules.h"
#include "Settings.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "deploy/Launch.h"
#include "deploy/OtherCommits.h"
#include "deploy/Provenance.h"
#include "deploy/RemoteScript.h"
#include "deploy/Rerun.h"
#include "deploy/StatusRound.h"
#include "deploy/TerminateOperation.h"
#include "git/GitRepository.h"
#include "original/OriginalStyle.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

namespace {

// A runner on some host has (or may have) this deployment's conditions: its image stays what it was.
bool handedOverAnything(const DeploymentState& state, bool preassignsHosts)
{
    for (const DeploymentState::Condition& c : state.conditions) {
        if (c.startedAt.isValid() || (!preassignsHosts && !c.host.isEmpty()))
            return true;
    }
    for (const DeploymentState::Host& h : state.hosts) {
        if (preassignsHosts && h.phase == DeploymentState::HostPhase::Ready)
            return true;
    }
    return false;
}

} // namespace

// --- the Git work, on a worker thread ------------------------------------------------------------

DeployOperation::DeployOperation(DeployContext& ctx, const DeployOptions& options, const DeployPlan& plan, Done done)
    : QObject(ctx.work)
    , m_ctx(ctx)
    , m_options(options)
    , m_plan(plan)
    , m_done(std::move(done))
{
    connect(&m_probe, &QFutureWatcher<GitFacts>::finished, this, [this] { onGitProbed(m_probe.result()); });
    connect(&m_export, &QFutureWatcher<QString>::finished, this, [this] { onCodeExported(m_export.result()); });
}

DeployOperation::~DeployOperation()
{
    stopPublishing();
}

void DeployOperation::start()
{
    qCDebug(lcDeploy).noquote() << "deploy step: start";
    // Discovery and the dirty check walk the whole working tree: not on the caller's (maybe the GUI's) thread.
    m_probe.setFuture(QtConcurrent::run([dir = m_ctx.experiment.dir()] { return probeGit(dir); }));
}

DeployOperation::GitFacts DeployOperation::probeGit(const QString& dir)
{
    GitFacts facts;
    auto discovered = GitRepository::discover(dir);
    if (!discovered) {
        facts.error = discovered.message();
        return facts;
    }
    const auto repo = discovered.take();
    facts.workdir = repo->workdir();
    facts.commit = repo->headCommit();
    facts.noCommit = facts.commit.isEmpty();
    if (!facts.noCommit)
        facts.dirty = repo->isDirty(dir); // files of the experiment never committed count too
    return facts;
}

QString DeployOperation::exportCode(const QString& experimentDir, bool originalStyle, const QString& subPath,
                                    const QString& commit, const QString& code)
{
    if (QFileInfo::exists(code + QStringLiteral("/.logistician-complete")))
        return QString();
    auto discovered = GitRepository::discover(experimentDir);
    if (!discovered)
        return discovered.message();
    const auto repo = discovered.take();
    QDir(code).removeRecursively();
    QDir().mkpath(code);
    // The original's CMD runs `git log -1` in /project: there the export is a repository at the commit.
    const Result exported = originalStyle
        ? repo->exportRepository(commit, code)
        : repo->exportTree(commit, subPath == QLatin1String(".") ? QString() : subPath, code);
    if (!exported)
        return QStringLiteral("cannot export commit %1: %2").arg(commit.left(12), exported.message());
    if (const Result marked = DeployContext::writeFile(code + QStringLiteral("/.logistician-complete"), QByteArray());
        !marked)
        return marked.message();
    return QString();
}

void DeployOperation::end(const Result& result)
{
    qCDebug(lcDeploy).noquote() << "deploy step: end;" << (result ? QStringLiteral("ok") : result.message());
    if (m_ended)
        return;
    m_ended = true;
    stopPublishing();
    for (int i : std::as_const(m_plan.rerun))
        m_ctx.starting.remove(i);
    m_done(result);
}

void DeployOperation::onGitProbed(const GitFacts& facts)
{
    qCDebug(lcDeploy).noquote() << "deploy step: Git probed";
    if (!facts.error.isEmpty()) {
        end(Result::badInput(facts.error));
        return;
    }
    if (facts.noCommit) {
        end(Result::badInput(QStringLiteral("%1 has no commit yet; remote runs use a pinned commit, so commit first")
                                 .arg(facts.workdir)));
        return;
    }
    if (facts.dirty && !m_options.allowDirty) {
        end(Result::badInput(
            QStringLiteral("%1 has uncommitted changes; deploy runs the pinned commit %2, so commit them first (or "
                           "pass --allow-dirty to run %2 without them)")
                .arg(facts.workdir, facts.commit.left(12))));
        return;
    }
    if (const Result created = m_ctx.createBackend(m_plan.backend); !created) {
        end(created);
        return;
    }
    setUpState(facts);
    Q_EMIT m_ctx.stateReplaced();
    const Experiment& e = m_ctx.experiment;
    m_export.setFuture(
        QtConcurrent::run([dir = e.dir(), original = e.parameters().isOriginalStyle(),
                           sub = QDir(e.gitRoot()).relativeFilePath(e.projectRoot()), commit = m_ctx.state.commit,
                           code = m_ctx.codeDir()] { return exportCode(dir, original, sub, commit, code); }));
}

void DeployOperation::setUpState(const GitFacts& facts)
{
    qCDebug(lcDeploy).noquote() << "deploy step: state set up for commit" << m_ctx.state.commit;
    DeploymentState& state = m_ctx.state;
    // A deploy that failed before handing anything over: the registry as parameters.json and the
    // settings say now, not as that attempt froze it, so fixing a bad registry is enough to go on.
    if (!m_plan.resumes || !handedOverAnything(state, m_ctx.preassignsHosts()))
        Launch::setImage(state, m_ctx.experiment.parameters(), m_ctx.isRemote(), facts.commit);
    if (!m_plan.resumes) {
        state = newState(m_ctx.experiment.parameters(), m_plan.backend, m_ctx.isRemote(), facts.commit, facts.dirty);
        m_ctx.hasState = true;
        // The files machines.txt and the config folders describe belong to this deployment now.
        QFile::remove(m_ctx.experiment.machinesFile());
        // So do the runner folders: an earlier deployment's claims never hold back this one's conditions.
        QDir(m_ctx.stateDir + QStringLiteral("/runner")).removeRecursively();
        QDir(m_ctx.stateDir + QStringLiteral("/runners")).removeRecursively();
    }
    // deploy --rerun: new attempts, left alone by the status round before the hand-over (their new runner
    // keys are not claimed yet, which a round would take for lost). slurm: the hand-over submits an array of
    // only these, each writing its attempt's folder.
    if (m_options.retryPreempted)
        Rerun::prepareRetry(&state, m_plan.rerun);
    else
        Rerun::prepare(&state, m_plan.rerun, m_ctx.experiment.parameters().maxRetries());
    for (int i : std::as_const(m_plan.rerun)) {
        m_ctx.starting.insert(i);
        Q_EMIT m_ctx.conditionChanged(i);
    }
    m_ctx.save();
}

void DeployOperation::onCodeExported(const QString& error)
{
    qCDebug(lcDeploy).noquote() << "deploy step: code exported" << error;
    if (!error.isEmpty()) {
        end(Result::failed(error));
        return;
    }
    if (const Result files = writeConditionFiles(); !files) {
        end(files);
        return;
    }
    const QString commit = m_ctx.state.commit.left(12);
    Q_EMIT m_ctx.progress(m_plan.resumes ? QStringLiteral("resuming the deployment of %1").arg(commit)
                                         : QStringLiteral("deploying commit %1: %2").arg(commit, m_plan.summary));
    buildImage();
}

Result DeployOperation::writeConditionFiles()
{
    QFile wrapper(AppPaths::templatesDir() + QStringLiteral("/bootstrap/run-wrapper.sh"));
    if (!wrapper.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("%1: cannot read the run wrapper").arg(wrapper.fileName()));
    const QByteArray wrapperText = wrapper.readAll();
    if (Result r = DeployContext::writeFile(m_ctx.stateDir + QStringLiteral("/run-wrapper.sh"), wrapperText); !r)
        return r;
    // Local: each condition's files are written as it is handed to the runner (publishCondition), while the
    // runner already runs the first ones.
    if (!m_ctx.isRemote())
        return Result::ok();
    for (const DeploymentState::Condition& c : std::as_const(m_ctx.state.conditions)) {
        if (Result r = Launch::writeConditionFiles(m_ctx, c, wrapperText); !r)
            return r;
    }
    return Result::ok();
}

// --- the image -----------------------------------------------------------------------------------

// --- the machines --------------------------------------------------------------------------------

namespace {

} // namespace

// --- the hand-over -------------------------------------------------------------------------------
