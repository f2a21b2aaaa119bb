// SPDX-License-Identifier: MIT
#include "DeployOperation.h"

#include "AppPaths.h"
#include "CredentialStore.h"
#include "Logging.h"
#include "ParameterRules.h"
#include "Settings.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "aws/AwsParameters.h"
#include "aws/AwsPrices.h"
#include "deploy/ImageReference.h"
#include "deploy/OtherCommits.h"
#include "deploy/Provenance.h"
#include "deploy/RemoteScript.h"
#include "deploy/Rerun.h"
#include "deploy/StatusRound.h"
#include "deploy/TerminateOperation.h"
#include "git/GitRepository.h"
#include "original/OriginalStyle.h"
#include "slurm/SlurmDeploy.h"

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

// The registry (remote backends: parameters.json's, else the settings') and the image reference from it.
void setImage(DeploymentState& state, const Parameters& params, bool remote, const QString& commit)
{
    state.registry.clear();
    if (remote)
        state.registry = params.registry().isEmpty() ? Settings().registry() : params.registry();
    state.image
        = ImageReference::forDeploy(state.registry, Settings().imageRepository(), params.experimentName(), commit);
}

} // namespace

// --- plan ----------------------------------------------------------------------------------------

DeployPlan DeployOperation::plan(const DeployContext& ctx, const DeployOptions& options)
{
    DeployPlan plan;
    const Experiment experiment = options.withLimits(ctx.experiment);
    const Parameters& params = experiment.parameters();
    plan.backend = options.backend.isEmpty() ? params.backend() : options.backend;
    plan.conditionCount = static_cast<int>(params.allConditions().size());
    QString error;
    Backend::Context context { experiment, ctx.stateDir, SshKey::privateKeyPath() };
    auto backend = Backend::create(plan.backend, context, &plan.check);
    if (!backend)
        return plan;
    plan.costsMoney = backend->costsMoney();
    // The registry and user of the user's settings reach docker like parameters.json's do.
    if (backend->isRemote()) {
        const Settings settings;
        QString why;
        if (params.registry().isEmpty() && !(why = ParameterRules::registry(settings.registry())).isEmpty())
            why = QStringLiteral("the registry of your settings (%1) %2")
                      .arg(ShellWords::quote(settings.registry()), why);
        else if (!params.json().contains(QStringLiteral("registry_user"))
                 && !(why = ParameterRules::registryUser(settings.registryUser())).isEmpty())
            why = QStringLiteral("the registry user of your settings (%1) %2")
                      .arg(ShellWords::quote(settings.registryUser()), why);
        if (!why.isEmpty()) {
            plan.check = Result::badInput(why + QStringLiteral("; change it with `logistician setup`"));
            return plan;
        }
    }
    if (plan.conditionCount == 0) {
        plan.check = Result::badInput(QStringLiteral("%1: no conditions: add experiment_conditions or parameter_grid")
                                          .arg(experiment.parametersPath()));
        return plan;
    }
    // A condition that does not become argv stops the deploy here, before anything
    // starts: it must never run as a container with no arguments at all.
    const QStringList conditions = params.allConditions();
    for (int i = 0; i < conditions.size(); ++i) {
        if (const QString why = ParameterRules::condition(conditions.at(i)); !why.isEmpty()) {
            plan.check = Result::badInput(QStringLiteral("%1: condition %2 (%3): %4")
                                              .arg(experiment.parametersPath())
                                              .arg(i + 1)
                                              .arg(ShellWords::quote(conditions.at(i)), why));
            return plan;
        }
    }
    const auto command = ShellWords::split(params.experimentCommand(), &error);
    // Original style: no command, the image's own CMD runs with the condition in $OPTIONS.
    if (!command || (command->isEmpty() && !params.isOriginalStyle())) {
        plan.check
            = Result::badInput(QStringLiteral("%1: experiment_command: %2")
                                   .arg(experiment.parametersPath(), command ? QStringLiteral("is empty") : error));
        return plan;
    }
    if (ctx.hasState && !ctx.state.terminated) {
        auto repo = GitRepository::discover(experiment.dir());
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
    // slurm reruns its failed tasks (each a new attempt, as elsewhere) as one array of their indexes; a rerun
    // of chosen ones is not offered there.
    if (plan.backend == QLatin1String("slurm") && !options.rerun.isEmpty()) {
        plan.check = Result::badInput(QStringLiteral("deploy --rerun N is not supported on slurm; "
                                                     "--rerun-failed resubmits the failed tasks"));
        return plan;
    }
    if (options.retryPreempted) {
        plan.rerun = ctx.hasState ? Rerun::preemptedToRetry(ctx.state) : QList<int>();
        if (plan.rerun.isEmpty()) {
            plan.check = Result::badInput(QStringLiteral("no preempted condition has a retry left"));
            return plan;
        }
    } else if (options.reruns()) {
        if (const Result chosen = Rerun::choose(ctx.hasState ? ctx.state : DeploymentState(), options.rerun,
                                                options.rerunFailed, &plan.rerun);
            !chosen) {
            plan.check = chosen;
            return plan;
        }
    }
    plan.check = backend->check(options);
    plan.summary = backend->planSummary(plan.conditionCount, options);
    if (!plan.rerun.isEmpty())
        plan.summary = QStringLiteral("rerunning %1 condition(s) as a new attempt").arg(plan.rerun.size());
    plan.warnings = backend->warnings(options);
    if (plan.backend == QLatin1String("aws")) {
        AwsParameters::Machine machine;
        AwsParameters::resolve(params, Settings(), &machine);
        const AwsPrices::Price price = AwsPrices().price(machine.region, machine.instanceType);
        plan.instanceType = machine.instanceType;
        plan.region = machine.region;
        plan.pricePerHour = price.perHour;
        plan.priceNote = price.note;
    }
    return plan;
}

DeploymentState DeployOperation::newState(const Parameters& params, const QString& backend, bool remote,
                                          const QString& commit, bool dirty)
{
    DeploymentState state;
    setImage(state, params, remote, commit);
    state.experiment = params.experimentName();
    state.backend = backend;
    state.commit = commit;
    state.dirty = dirty;
    state.createdAt = QDateTime::currentDateTimeUtc();
    const QStringList conditions = params.allConditions();
    for (int i = 0; i < conditions.size(); ++i) {
        DeploymentState::Condition c;
        c.index = i + 1;
        c.text = conditions.at(i);
        c.arguments = ShellWords::split(c.text).value_or(QStringList()); // plan() refused any that does not split
        c.slug = DeploymentState::slugFor(c.index, c.text);
        c.lastAttempt = 1 + params.maxRetries();
        state.conditions.append(c);
    }
    return state;
}

Docker::RunSpec DeployOperation::runSpec(const DeployContext& ctx, const DeploymentState::Condition& c,
                                         const DeploymentState::Host& host, bool remote, const QString& image,
                                         const QStringList& imageCommand)
{
    const Parameters& params = ctx.experiment.parameters();
    Docker::RunSpec spec;
    spec.docker = remote ? params.remoteDockerCommand() : params.localDockerCommand();
    spec.gpus = params.gpus();
    spec.image = image;
    spec.name = ctx.containerName(c);
    spec.detach = true;
    spec.remove = false; // kept for its exit code and log until terminate
    spec.labels
        = { QStringLiteral("logistician.experiment=") + ctx.state.experiment,
            QStringLiteral("logistician.condition=") + c.slug, QStringLiteral("logistician.commit=") + ctx.state.commit,
            QStringLiteral("logistician.attempt=%1").arg(c.attempt) };
    if (remote) {
        const QString dir = ctx.remoteDir(host, c);
        spec.projectDir = dir + QStringLiteral("/project");
        spec.dataDir = ctx.dataDirOnHost(host, c);
        spec.volumes = { dir + QStringLiteral("/run.sh:/logistician/run.sh:ro") };
    } else {
        spec.projectDir = ctx.codeDir();
        spec.dataDir = ctx.localDataDir(c);
        spec.volumes = { ctx.stateDir + QStringLiteral("/run-wrapper.sh:/logistician/run.sh:ro") };
    }
    // The wrapper stops the command after max_runtime_minutes (0: no limit).
    if (const int minutes = params.maxRuntimeMinutes(); minutes > 0)
        spec.environment << QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS=%1").arg(minutes * 60);
    if (params.isOriginalStyle()) {
        // The wrapper runs the image's own ENTRYPOINT and CMD; the condition is in $OPTIONS only.
        spec.entrypoint = QStringLiteral("sh");
        spec.command = QStringList { QStringLiteral("/logistician/run.sh") } + imageCommand;
        spec.environmentFiles
            = { (remote ? ctx.remoteDir(host, c) : ctx.stageDir(c)) + QStringLiteral("/options.env") };
        spec.environment << OriginalStyle::gitEnvironment();
    } else {
        spec.command = QStringList { QStringLiteral("sh"), QStringLiteral("/logistician/run.sh") }
            + ShellWords::split(params.experimentCommand()).value_or(QStringList());
        spec.arguments = c.arguments;
    }
    return spec;
}

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

void DeployOperation::start()
{
    // Discovery and the dirty check walk the whole working tree: not on the caller's (maybe the GUI's) thread.
    m_probe.setFuture(QtConcurrent::run([dir = m_ctx.experiment.dir()] { return probeGit(dir); }));
}

DeployOperation::GitFacts DeployOperation::probeGit(const QString& dir)
{
    GitFacts facts;
    Result discovered;
    auto repo = GitRepository::discover(dir, &discovered);
    if (!repo) {
        facts.error = discovered.message();
        return facts;
    }
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
    Result discovered;
    auto repo = GitRepository::discover(experimentDir, &discovered);
    if (!repo)
        return discovered.message();
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
    if (m_ended)
        return;
    m_ended = true;
    for (int i : std::as_const(m_plan.rerun))
        m_ctx.starting.remove(i);
    m_done(result);
}

void DeployOperation::onGitProbed(const GitFacts& facts)
{
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
    DeploymentState& state = m_ctx.state;
    // A deploy that failed before handing anything over: the registry as parameters.json and the
    // settings say now, not as that attempt froze it, so fixing a bad registry is enough to go on.
    if (!m_plan.resumes || !handedOverAnything(state, m_ctx.preassignsHosts()))
        setImage(state, m_ctx.experiment.parameters(), m_ctx.isRemote(), facts.commit);
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
    const DeploymentState& state = m_ctx.state;
    QFile wrapper(AppPaths::templatesDir() + QStringLiteral("/bootstrap/run-wrapper.sh"));
    if (!wrapper.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("%1: cannot read the run wrapper").arg(wrapper.fileName()));
    const QByteArray wrapperText = wrapper.readAll();
    if (Result r = DeployContext::writeFile(m_ctx.stateDir + QStringLiteral("/run-wrapper.sh"), wrapperText); !r)
        return r;

    const Parameters& params = m_ctx.experiment.parameters();
    for (const DeploymentState::Condition& c : state.conditions) {
        const QJsonObject config {
            { QStringLiteral("experiment_name"), state.experiment },
            { QStringLiteral("commit"), state.commit },
            { QStringLiteral("dirty"), state.dirty },
            { QStringLiteral("backend"), state.backend },
            { QStringLiteral("image"), state.image },
            { QStringLiteral("command"), params.experimentCommand() },
            { QStringLiteral("condition"), c.text },
            { QStringLiteral("arguments"), QJsonArray::fromStringList(c.arguments) },
            { QStringLiteral("style"),
              params.isOriginalStyle() ? QStringLiteral("original") : QStringLiteral("command") },
            { QStringLiteral("container"), m_ctx.containerName(c, 1) },
            { QStringLiteral("deployed_at"), state.createdAt.toString(Qt::ISODate) },
        };
        const QByteArray json = QJsonDocument(config).toJson();
        // Attempt 1's folder; a later attempt's start copies this config (startScript).
        const QString local = m_ctx.localDataDir(c, 1);
        for (const char* sub : { "logs", "results" })
            QDir().mkpath(local + QLatin1Char('/') + QLatin1String(sub));
        // Original style: docker reads OPTIONS from this file itself (--env-file); no shell on any host sees it.
        const QString stage = m_ctx.stageDir(c);
        QList<QPair<QString, QByteArray>> files {
            { local + QStringLiteral("/config/deployment.json"), json },
            { local + QStringLiteral("/config/commit.txt"), state.commit.toUtf8() + '\n' },
            { stage + QStringLiteral("/options.env"), "OPTIONS=" + c.text.toUtf8() + '\n' },
        };
        if (m_ctx.isRemote()) {
            for (const char* sub : { "data/logs", "data/results" })
                QDir().mkpath(stage + QLatin1Char('/') + QLatin1String(sub));
            files.append({ { stage + QStringLiteral("/data/config/deployment.json"), json },
                           { stage + QStringLiteral("/data/config/commit.txt"), state.commit.toUtf8() + '\n' },
                           { stage + QStringLiteral("/run.sh"), wrapperText } });
        }
        for (const auto& [path, text] : std::as_const(files)) {
            if (Result r = DeployContext::writeFile(path, text); !r)
                return r;
        }
    }
    return Result::ok();
}

// --- the image -----------------------------------------------------------------------------------

void DeployOperation::buildImage()
{
    // Built here for the local engine, or to push to the registry; without a
    // registry each host builds from the uploaded Dockerfile.
    if (m_ctx.isRemote() && m_ctx.state.registry.isEmpty() && !m_ctx.backend->shipsImageArchive()) {
        provision();
        return;
    }
    const Experiment& e = m_ctx.experiment;
    const QString context = m_ctx.codeDir() + QLatin1Char('/') + QDir(e.projectRoot()).relativeFilePath(e.dir());
    Q_EMIT m_ctx.progress(QStringLiteral("building %1").arg(m_ctx.state.image));
    m_ctx.run(Docker::build(e.parameters().localDockerCommand(), context, m_ctx.state.image, false,
                            { QStringLiteral("logistician.image-of=") + m_ctx.state.experiment }),
              [this](const CommandOutcome& o) {
                  if (!o.ok()) {
                      end(Result::failed(QStringLiteral("docker build failed: %1").arg(o.errorText())));
                      return;
                  }
                  pushImage();
              });
}

void DeployOperation::pushImage()
{
    if (!m_ctx.isRemote() || m_ctx.state.registry.isEmpty()) {
        inspectThenProvision();
        return;
    }
    m_registryUser = m_ctx.experiment.parameters().json().value(QStringLiteral("registry_user")).toString();
    if (m_registryUser.isEmpty())
        m_registryUser = Settings().registryUser();
    if (m_registryUser.isEmpty()) {
        end(Result::badInput(
            QStringLiteral("no registry user for %1; run `logistician setup`").arg(m_ctx.state.registry)));
        return;
    }
    auto* store = new CredentialStore(m_ctx.work);
    store->read(CredentialStore::Secret::RegistryPassword, [this, store](const CredentialStore::Reply& reply) {
        store->deleteLater();
        if (!reply.ok()) {
            end(Result::badInput(
                QStringLiteral("no registry password: %1; run `logistician setup` or set LOGISTICIAN_REGISTRY_PASSWORD")
                    .arg(reply.message.isEmpty() ? QStringLiteral("not stored") : reply.message)));
            return;
        }
        loginAndPush(reply.value);
    });
}

void DeployOperation::loginAndPush(const QString& password)
{
    m_registryPassword = password;
    const QString docker = m_ctx.experiment.parameters().localDockerCommand();
    // A client configuration of this push's own (mode 0700), removed with the credential
    // docker login writes into it as soon as the push is done: ~/.docker never holds it.
    // Named for the experiment: terminate removes one a killed deploy left (TerminateOperation::localLoginPrefix).
    auto config = std::make_shared<QTemporaryDir>(TerminateOperation::localLoginFolder() + QLatin1Char('/')
                                                  + TerminateOperation::localLoginPrefix(m_ctx.state.experiment)
                                                  + QStringLiteral("XXXXXX"));
    if (!config->isValid()) {
        end(Result::failed(QStringLiteral("cannot make a folder for docker login: %1").arg(config->errorString())));
        return;
    }
    auto push = [this, docker, config] {
        Q_EMIT m_ctx.progress(QStringLiteral("pushing %1").arg(m_ctx.state.image));
        m_ctx.run(Docker::push(docker, m_ctx.state.image, config->path()), [this, config](const CommandOutcome& o) {
            config->remove();
            if (!o.ok()) {
                end(Result::failed(QStringLiteral("docker push failed: %1").arg(o.errorText())));
                return;
            }
            inspectThenProvision();
        });
    };
    m_ctx.run(Docker::login(docker, m_ctx.state.registry, m_registryUser, password, config->path()),
              [this, push](const CommandOutcome& o) {
                  if (!o.ok()) {
                      end(Result::failed(
                          QStringLiteral("docker login %1 failed: %2").arg(m_ctx.state.registry, o.errorText())));
                      return;
                  }
                  push();
              });
}

void DeployOperation::inspectThenProvision()
{
    const QString docker = m_ctx.experiment.parameters().localDockerCommand();
    m_ctx.run(Provenance::inspectImage(docker, m_ctx.state.image), [this](const CommandOutcome& o) {
        m_image = Provenance::parseImageFacts(o.out, m_ctx.state.image);
        if (!m_image.valid()) {
            end(Result::failed(
                QStringLiteral("docker image inspect %1 failed: %2").arg(m_ctx.state.image, o.errorText())));
            return;
        }
        provision();
    });
}

// --- the machines --------------------------------------------------------------------------------

void DeployOperation::provision()
{
    if (m_ctx.preassignsHosts() && !m_ctx.state.provisioned) {
        for (int i = 0; i < m_ctx.state.conditions.size(); ++i)
            m_ctx.setPhase(i, Phase::Provisioning);
    }
    m_ctx.backend->provision(&m_ctx.state, m_options,
                             [this](const Result& provisioned) { onProvisioned(provisioned); });
}

void DeployOperation::onProvisioned(const Result& provisioned)
{
    m_ctx.save();
    if (!provisioned) {
        for (int i = 0; i < m_ctx.state.conditions.size(); ++i) {
            if (m_ctx.state.conditions.at(i).phase == Phase::Provisioning)
                m_ctx.setPhase(i, Phase::Queued);
        }
        end(provisioned);
        return;
    }
    prepareHosts();
}

void DeployOperation::prepareHosts()
{
    auto* pool = new JobPool(32, m_ctx.work);
    for (int h = 0; h < m_ctx.state.hosts.size(); ++h) {
        const DeploymentState::Host& host = m_ctx.state.hosts.at(h);
        if (m_ctx.preassignsHosts()
            && (m_ctx.state.conditionsOn(host.address).isEmpty() || host.phase == HostPhase::Released))
            continue;
        pool->add([this, h](JobPool::Done done) { prepareHost(h, 1, done); });
    }
    connect(pool, &JobPool::finished, this, [this, pool] {
        pool->deleteLater();
        if (!m_otherCommits.isEmpty()) {
            end(Result::badInput(m_otherCommits.join(QStringLiteral("; "))));
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
        m_ctx.backend->script(host, RemoteScript(QStringLiteral("home")).render()),
        [this, hostIndex, attempt, done](const CommandOutcome& o) { onFirstContact(hostIndex, attempt, o, done); });
}

void DeployOperation::onFirstContact(int hostIndex, int attempt, const CommandOutcome& o, JobPool::Done done)
{
    DeploymentState::Host& host = m_ctx.state.hosts[hostIndex];
    const QString home = QString::fromUtf8(o.out).trimmed();
    if (o.ok() && home.startsWith(QLatin1Char('/'))) {
        qCDebug(lcSsh) << host.address << "answers; home" << home;
        host.home = home;
        m_ctx.save();
        if (!m_ctx.preassignsHosts()) {
            checkOtherCommits(hostIndex, done);
            return;
        }
        // A fresh login after the bootstrap, so the docker group it added applies.
        m_ctx.run(m_ctx.backend->ssh(host).closeMaster(),
                  [this, hostIndex, done](const CommandOutcome&) { getImageOnHost(hostIndex, done); });
        return;
    }
    // A changed host key is no machine still booting: waiting cannot help, and it may be an impostor.
    if (SshAccess::isHostKeyMismatch(o.err)) {
        const QString why = QStringLiteral("the host key of %1 is not the one in %2 (%3); if the machine was "
                                           "replaced, remove its line from that file, else someone may be "
                                           "intercepting the connection")
                                .arg(host.address, SshAccess::knownHostsFile(m_ctx.stateDir), o.errorText());
        m_ctx.setHostPhase(host.address, HostPhase::Unreachable, why);
        Q_EMIT m_ctx.progress(why);
        m_problems << why;
        done();
        return;
    }
    if (attempt < m_ctx.backend->bootAttempts()) {
        QTimer::singleShot(m_ctx.backend->bootIntervalSeconds() * 1000, this,
                           [this, hostIndex, attempt, done] { prepareHost(hostIndex, attempt + 1, done); });
        return;
    }
    m_ctx.markUnreachable(host.address, o.errorText());
    m_problems << QStringLiteral("%1 does not answer").arg(host.address);
    done();
}

Command DeployOperation::registryPull(const DeploymentState::Host& host) const
{
    // templates/remote/registry-pull.sh: the credential lives in a folder of this pull's own, gone when it ends;
    // the password reaches docker login through standard input, never a command line.
    const QString setting = m_ctx.experiment.parameters().remoteDockerCommand();
    const QString dir = QStringLiteral("%1/logistician/%2%3")
                            .arg(host.home, TerminateOperation::remoteLoginPrefix(m_ctx.state.experiment),
                                 QUuid::createUuid().toString(QUuid::Id128).left(16));
    const QString text
        = RemoteScript(QStringLiteral("registry-pull"))
              .set(QStringLiteral("BASE_DIR"), host.home + QStringLiteral("/logistician"))
              .set(QStringLiteral("CONFIG_DIR"), dir)
              .setWords(
                  QStringLiteral("LOGIN"),
                  Docker::argv(Docker::login(setting, m_ctx.state.registry, m_registryUser, m_registryPassword, dir)))
              .setWords(QStringLiteral("PULL"), Docker::argv(Docker::pull(setting, m_ctx.state.image, dir)))
              .render();
    Command c = m_ctx.backend->script(host, text, m_registryPassword.toUtf8() + '\n');
    c.secrets << m_registryPassword;
    return c;
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

namespace {

// Logistician is at work on the host though no container runs yet: an aws machine's idle stop counts
// ~/logistician/activity as activity (templates/bootstrap/user-data.sh). A failed touch changes nothing else.
Command touchActivity(const DeployContext& ctx, const DeploymentState::Host& host)
{
    return ctx.backend->command(host, { QStringLiteral("touch"), host.home + QStringLiteral("/logistician/activity") });
}

} // namespace

void DeployOperation::checkOtherCommits(int hostIndex, JobPool::Done done)
{
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

void DeployOperation::getImageOnHost(int hostIndex, JobPool::Done done)
{
    const DeploymentState::Host host = m_ctx.state.hosts.at(hostIndex);
    m_ctx.setHostPhase(host.address, HostPhase::Building);
    if (m_ctx.backend->shipsImageArchive()) {
        // slurm with podman or apptainer: the image built here goes there as an archive.
        SlurmDeploy::shipImage(m_ctx, host, [this, address = host.address, done](const Result& shipped) {
            if (!shipped) {
                m_ctx.setHostPhase(address, HostPhase::Unreachable, shipped.message());
                m_problems << QStringLiteral("%1: %2").arg(address, shipped.message());
            } else {
                m_ctx.setHostPhase(address, HostPhase::Ready);
            }
            done();
        });
        return;
    }
    auto ready = [this, address = host.address, done](const CommandOutcome& o, const QString& what) {
        if (!o.ok()) {
            hostFailed(address, o, what, done);
            return;
        }
        m_ctx.setHostPhase(address, HostPhase::Ready);
        done();
    };
    if (!m_ctx.state.registry.isEmpty()) {
        m_ctx.run(registryPull(host),
                  [ready](const CommandOutcome& o) { ready(o, QStringLiteral("docker login and pull")); });
        return;
    }
    // No registry: the host builds the image from the pinned commit's Dockerfile.
    const Experiment& e = m_ctx.experiment;
    const QString sub = QDir(e.projectRoot()).relativeFilePath(e.dir());
    const QString remoteContext = m_ctx.remoteExperimentDir(host) + QStringLiteral("/image");
    m_ctx.run(m_ctx.backend->ssh(host).upload(m_ctx.codeDir() + QLatin1Char('/') + sub, remoteContext),
              [this, host, remoteContext, ready, done](const CommandOutcome& o) {
                  if (!o.ok()) {
                      hostFailed(host.address, o, QStringLiteral("upload"), done);
                      return;
                  }
                  const Command build
                      = Docker::build(m_ctx.dockerSetting(true), remoteContext, m_ctx.state.image, true,
                                      { QStringLiteral("logistician.image-of=") + m_ctx.state.experiment });
                  m_ctx.run(touchActivity(m_ctx, host), [this, host, build, ready](const CommandOutcome&) {
                      m_ctx.run(m_ctx.backend->command(host, Docker::argv(build)),
                                [this, address = host.address, ready](const CommandOutcome& o) {
                                    // build -q prints the image ID: the one this host runs.
                                    if (const QString id = QString::fromUtf8(o.out).trimmed();
                                        o.ok() && id.startsWith(QLatin1String("sha256:")))
                                        m_hostImageIds.insert(address, id);
                                    ready(o, QStringLiteral("docker build"));
                                });
                  });
              });
}

// --- the hand-over -------------------------------------------------------------------------------

void DeployOperation::statusThenHandOver()
{
    // What already runs (a deploy run again): those conditions stay where they are.
    StatusRound::run(m_ctx, [this] { handOver(); });
}

bool DeployOperation::toHandOver(const DeploymentState::Condition& c)
{
    return !c.startedAt.isValid() && c.phase != Phase::Failed && c.phase != Phase::Succeeded && !c.isTerminated();
}

void DeployOperation::handOver()
{
    if (m_ended)
        return;
    DeploymentState& state = m_ctx.state;
    QStringList ready;
    for (const DeploymentState::Host& h : std::as_const(state.hosts)) {
        if (h.phase == HostPhase::Ready)
            ready << h.address;
    }
    // ssh: round robin over the ready hosts, decided up front; a condition keeps a host it was given
    // before (its runner may have it queued still). aws: each has its machine already.
    int next = 0;
    for (int i = 0; i < state.conditions.size(); ++i) {
        DeploymentState::Condition& c = state.conditions[i];
        if (!toHandOver(c))
            continue;
        m_handing.insert(i);
        if (c.host.isEmpty() && !ready.isEmpty() && !m_ctx.preassignsHosts())
            c.host = ready.at(next++ % ready.size());
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
    m_ctx.save();
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

void DeployOperation::uploadConditions(const QString& address, JobPool::Done done)
{
    if (!m_ctx.isRemote()) {
        lookUpImageCommand(address, done);
        return;
    }
    // The pinned commit's files, then each condition's own (run wrapper, config, options), for those not started.
    const DeploymentState::Host host = *m_ctx.state.host(address);
    if (SlurmDeploy::isSlurm(m_ctx)) {
        // One copy of the code for every task; the conditions' folders go with the job (startRunner).
        SlurmDeploy::uploadCode(m_ctx, host, [this, address, done](const Result& uploaded) {
            if (!uploaded)
                handOverFailed(address, uploaded.message(), done);
            else
                lookUpImageCommand(address, done);
        });
        return;
    }
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
    m_ctx.run(touchActivity(m_ctx, host), [pool](const CommandOutcome&) { pool->start(); });
}

void DeployOperation::lookUpImageCommand(const QString& address, JobPool::Done done)
{
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

Result DeployOperation::writeRunnerFolder(const QString& address, const QString& folder) const
{
    const DeploymentState::Host host = *m_ctx.state.host(address);
    const RemoteScript runner
        = RemoteScript(QStringLiteral("runner")).setWords(QStringLiteral("DOCKER"), m_ctx.dockerWords());
    if (!runner.error().isEmpty())
        return Result::failed(runner.error());
    if (Result r = DeployContext::writeFile(folder + QStringLiteral("/runner.sh"), runner.render().toUtf8()); !r)
        return r;
    QByteArray queue;
    QByteArray retries;
    for (int i : m_ctx.state.conditionsOn(address)) {
        const DeploymentState::Condition& c = m_ctx.state.conditions.at(i);
        if (c.isTerminated())
            continue;
        // Its current attempt in the queue; the retries (max_retries) the runner starts by itself after a
        // failure in the retries file. A line names the key of the attempt that follows it, or "-".
        for (int a = c.attempt; a <= c.lastAttempt; ++a) {
            DeploymentState::Condition run = c;
            run.attempt = a;
            if (a == c.attempt && toHandOver(c)) {
                const Docker::RunSpec spec
                    = runSpec(m_ctx, run, host, m_ctx.isRemote(), m_ctx.state.image, m_imageCommands.value(address));
                if (Result r = Provenance::write(m_ctx.localDataDir(run, a), provenance(run, host, spec),
                                                 m_ctx.experiment.dir());
                    !r)
                    return r;
            }
            const QByteArray start = startScript(host, run, address, a == c.attempt);
            if (Result r = DeployContext::writeFile(
                    folder + QLatin1Char('/') + run.attemptKey(a) + QStringLiteral(".sh"), start);
                !r)
                return r;
            const QString next = a < c.lastAttempt ? c.attemptKey(a + 1) : QStringLiteral("-");
            (a == c.attempt ? queue : retries)
                += QStringLiteral("%1 %2 %3\n").arg(run.attemptKey(a), m_ctx.containerName(run), next).toUtf8();
        }
    }
    if (Result r = DeployContext::writeFile(folder + QStringLiteral("/retries"), retries); !r)
        return r;
    // The queue last: the runner never reads a line whose start script is not there yet.
    return DeployContext::writeFile(folder + QStringLiteral("/queue"), queue);
}

Provenance::Record DeployOperation::provenance(const DeploymentState::Condition& c, const DeploymentState::Host& host,
                                               const Docker::RunSpec& spec) const
{
    const DeploymentState& state = m_ctx.state;
    Provenance::Record r;
    r.experiment = state.experiment;
    r.condition = c.text;
    r.backend = state.backend;
    r.commit = state.commit;
    r.dirty = state.dirty;
    r.image = state.image;
    r.imageId = m_hostImageIds.value(host.address, m_image.id);
    r.repoDigest = m_image.repoDigest;
    r.host = host.address;
    r.instanceId = host.id;
    r.argv
        = (spec.entrypoint.isEmpty() ? QStringList() : QStringList { spec.entrypoint }) + spec.command + spec.arguments;
    r.originalStyle = m_ctx.experiment.parameters().isOriginalStyle();
    if (r.originalStyle)
        r.options = c.text;
    r.container = spec.name;
    r.recordedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return r;
}

QByteArray DeployOperation::startScript(const DeploymentState::Host& host, const DeploymentState::Condition& c,
                                        const QString& address, bool announce) const
{
    // The one docker run of this attempt, every word quoted by ShellWords; exec so the runner's
    // worker sees docker's own exit code.
    const Docker::RunSpec spec
        = runSpec(m_ctx, c, host, m_ctx.isRemote(), m_ctx.state.image, m_imageCommands.value(address));
    const QString run = ShellWords::join(Docker::argv(Docker::run(spec)));
    const QString dir = m_ctx.dataDirOnHost(host, c);
    // An earlier attempt's container could write anything under its /data, which holds this attempt's
    // folder: a symlink there (attempt-2 -> elsewhere) is refused, never mounted or written through.
    const QString first = m_ctx.dataDirOnHost(host, c, 1);
    QStringList steps { dir, dir + QStringLiteral("/logs"), dir + QStringLiteral("/results"),
                        dir + QStringLiteral("/config"), first + QStringLiteral("/config") };
    for (QString& step : steps)
        step = ShellWords::quote(step);
    QByteArray start = QStringLiteral("for p in %1; do [ ! -L \"$p\" ] || { echo \"$p is a symbolic link (made by "
                                      "a container); not started\" >&2; exit 1; }; done\n")
                           .arg(steps.join(QLatin1Char(' ')))
                           .toUtf8();
    if (c.attempt > 1) {
        // A later attempt gets a folder of its own beside attempt 1's, made before docker would make it
        // (as root), with attempt 1's config copied in.
        // (cp -P: a symlink attempt 1 left in its config is copied as one, never followed.)
        start += QStringLiteral("mkdir -p %1 %2 %3 || exit 1\ncp -RP %4 %3 || exit 1\n")
                     .arg(ShellWords::quote(dir + QStringLiteral("/logs")),
                          ShellWords::quote(dir + QStringLiteral("/results")),
                          ShellWords::quote(dir + QStringLiteral("/config")),
                          ShellWords::quote(first + QStringLiteral("/config/.")))
                     .toUtf8();
    } else {
        start
            += QStringLiteral("mkdir -p %1 || exit 1\n").arg(ShellWords::quote(dir + QStringLiteral("/logs"))).toUtf8();
    }
    // Shown as every command is: the runner on the host runs exactly this (no secrets are in it).
    if (announce)
        Q_EMIT m_ctx.progress(QStringLiteral("%1 on %2 will run: %3").arg(c.attemptKey(c.attempt), address, run));
    // docker's own exit code is the script's; then the container's output is kept in logs/output.txt as it
    // runs (docker logs -f ends with the container), so it is there to read and comes home with each sync.
    QStringList follow = m_ctx.dockerWords();
    follow << QStringLiteral("logs") << QStringLiteral("-f") << m_ctx.containerName(c);
    // The running container can swap anything in its folder: save-log.sh's follow_output writes there safely.
    const QString output = RemoteScript(QStringLiteral("save-log"))
                               .call(QStringLiteral("follow_output"),
                                     QStringList { first, DeploymentState::Condition::logsFolder(c.attempt),
                                                   QStringLiteral("output.txt") }
                                         + follow)
                               .render();
    return start + run.toUtf8() + " || exit $?\n" + output.toUtf8();
}

QString DeployOperation::deploymentId() const
{
    return m_ctx.state.commit.left(12) + QLatin1Char('-') + QString::number(m_ctx.state.createdAt.toSecsSinceEpoch());
}

void DeployOperation::startRunner(const QString& address, JobPool::Done done)
{
    if (m_ended)
        return;
    const int hostIndex = static_cast<int>(
        std::distance(m_ctx.state.hosts.cbegin(),
                      std::find_if(m_ctx.state.hosts.cbegin(), m_ctx.state.hosts.cend(),
                                   [&](const DeploymentState::Host& h) { return h.address == address; })));
    const DeploymentState::Host host = m_ctx.state.hosts.at(hostIndex);
    if (SlurmDeploy::isSlurm(m_ctx)) {
        submitSlurmArray(host, done);
        return;
    }
    const QString remoteDir = m_ctx.runnerDir(host);
    // Local: the runner's own folder; remote: a copy here, uploaded (rsync -a keeps the host's claims).
    const QString folder = m_ctx.isRemote() ? m_ctx.stateDir + QStringLiteral("/runners/%1").arg(hostIndex) : remoteDir;
    if (const Result written = writeRunnerFolder(address, folder); !written) {
        handOverFailed(address, written.message(), done);
        return;
    }
    const QString text = RemoteScript(QStringLiteral("start-runner"))
                             .set(QStringLiteral("DIR"), remoteDir)
                             .set(QStringLiteral("MAX"), QString::number(m_ctx.backend->slotsPerHost()))
                             .set(QStringLiteral("ID"), deploymentId())
                             .render();
    auto start = [this, host, address, text, done] {
        // sh runs start-runner.sh, which puts the runner in a session of its own in the background and returns:
        // the runner is never this process's child, so PR_SET_PDEATHSIG (CommandRunner) does not reach it.
        m_ctx.run(m_ctx.backend->script(host, text), [this, address, done](const CommandOutcome& o) {
            if (!o.ok()) {
                handOverFailed(address, QStringLiteral("the runner did not start: %1").arg(o.errorText()), done);
                return;
            }
            m_handedTo << address;
            done();
        });
    };
    if (!m_ctx.isRemote()) {
        start();
        return;
    }
    m_ctx.run(
        m_ctx.backend->ssh(host).upload(folder, remoteDir), [this, address, start, done](const CommandOutcome& o) {
            if (!o.ok()) {
                handOverFailed(address, QStringLiteral("upload of the runner failed: %1").arg(o.errorText()), done);
                return;
            }
            start();
        });
}

void DeployOperation::submitSlurmArray(const DeploymentState::Host& host, JobPool::Done done)
{
    // One array of the conditions not submitted yet (a deploy run again leaves the others as they are).
    QList<int> positions;
    for (int i : m_ctx.state.conditionsOn(host.address)) {
        const DeploymentState::Condition& c = m_ctx.state.conditions.at(i);
        if (toHandOver(c) && c.job.isEmpty())
            positions << i;
    }
    if (positions.isEmpty()) {
        m_handedTo << host.address;
        done();
        return;
    }
    SlurmDeploy::submit(m_ctx, host, positions, m_imageCommands.value(host.address),
                        [this, address = host.address, done](const Result& submitted) {
                            if (!submitted) {
                                handOverFailed(address, submitted.message(), done);
                                return;
                            }
                            m_handedTo << address;
                            done();
                        });
}

void DeployOperation::handOverFailed(const QString& address, const QString& why, JobPool::Done done)
{
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
