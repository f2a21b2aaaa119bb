#include "Deployment.h"

#include "AppPaths.h"
#include "CommandRunner.h"
#include "CredentialStore.h"
#include "Docker.h"
#include "Logging.h"
#include "ParameterRules.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "UserSettings.h"
#include "aws/AwsParameters.h"
#include "aws/AwsPrices.h"
#include "deploy/AsyncCommand.h"
#include "git/GitRepository.h"
#include "original/OriginalStyle.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

using Phase = DeploymentState::Phase;

namespace {

constexpr int SshUnreachable = 255; // ssh's own exit code when it cannot reach the host
using HostPhase = DeploymentState::HostPhase;

int pollIntervalMs()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("LOGISTICIAN_POLL_SECONDS", &ok);
    return (ok && seconds > 0 ? seconds : 5) * 1000;
}

bool writeFile(const QString& path, const QByteArray& data, QString* error = nullptr)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot save: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

Deployment::Deployment(const Experiment& experiment, QObject* parent)
    : QObject(parent)
    , m_experiment(experiment)
    , m_stateDir(experiment.stateDir())
{
}

Deployment::~Deployment() = default;

Result Deployment::load()
{
    QString error;
    m_hasState = DeploymentState::load(m_stateDir, &m_state, &error);
    if (!error.isEmpty())
        return Result::badInput(error);
    return Result::ok();
}

bool Deployment::createBackend(const QString& name, QString* error)
{
    Backend::Context context { m_experiment, m_stateDir, SshKey::privateKeyPath() };
    m_backend = Backend::create(name, context, error);
    if (!m_backend)
        return false;
    connect(m_backend.get(), &Backend::progress, this, &Deployment::progress);
    return true;
}

void Deployment::finish(const Result& result)
{
    if (m_pollTimer)
        m_pollTimer->stop();
    if (m_work) {
        // Whatever still runs for this operation stops, and nothing of it calls back.
        for (QObject* child : m_work->findChildren<QObject*>())
            child->disconnect(this);
        for (CommandRunner* runner : m_work->findChildren<CommandRunner*>())
            runner->disconnect();
        for (JobPool* pool : m_work->findChildren<JobPool*>())
            pool->disconnect();
        m_work->deleteLater();
        m_work = nullptr;
    }
    m_busy = false;
    Q_EMIT finished(result.exitCode(), result.message());
}

void Deployment::finishLater(const Result& result)
{
    m_busy = true;
    QTimer::singleShot(0, this, [this, result] { finish(result); });
}

Result Deployment::nothingDeployed() const
{
    return Result::badInput(
        QStringLiteral("%1: nothing is deployed; run `logistician deploy` first").arg(m_experiment.dir()));
}

bool Deployment::beginOnDeployment(const Result& ifNothingDeployed)
{
    m_busy = true;
    if (!m_hasState) {
        finishLater(ifNothingDeployed);
        return false;
    }
    QString error;
    if (!createBackend(m_state.backend, &error)) {
        finishLater(Result::badInput(error));
        return false;
    }
    return true;
}

void Deployment::save()
{
    QString error;
    if (!m_state.save(m_stateDir, &error))
        Q_EMIT progress(error);
    if (m_state.backend != QLatin1String("local") && !m_state.writeMachinesFile(m_experiment.machinesFile(), &error))
        Q_EMIT progress(error);
}

void Deployment::setPhase(int index, Phase phase)
{
    DeploymentState::Condition& c = m_state.conditions[index];
    if (c.phase == phase)
        return;
    qCDebug(lcDeploy) << c.slug << DeploymentState::phaseName(c.phase) << "->" << DeploymentState::phaseName(phase);
    c.phase = phase;
    save();
    Q_EMIT conditionChanged(index);
}

void Deployment::setHostPhase(const QString& address, DeploymentState::HostPhase phase, const QString& message)
{
    DeploymentState::Host* host = m_state.host(address);
    if (!host)
        return;
    qCDebug(lcDeploy) << "host" << address << DeploymentState::hostPhaseName(host->phase) << "->"
                      << DeploymentState::hostPhaseName(phase) << message;
    host->phase = phase;
    host->message = message;
    // A machine of its own (aws): its condition shows what the machine is doing.
    if (m_backend && m_backend->preassignsHosts()) {
        const Phase p = phase == HostPhase::Booting ? Phase::Booting
            : phase == HostPhase::Building          ? Phase::Building
                                                    : Phase::Queued;
        for (int i : m_state.conditionsOn(address)) {
            if (p != Phase::Queued && !m_state.conditions.at(i).startedAt.isValid())
                setPhase(i, p);
        }
    }
    save();
}

QStringList Deployment::dockerWords(bool remote) const
{
    const Parameters& p = m_experiment.parameters();
    return Docker::programWords(remote ? p.remoteDockerCommand() : p.localDockerCommand());
}

QString Deployment::codeDir() const
{
    return m_stateDir + QStringLiteral("/code/") + m_state.commit.left(12);
}

QString Deployment::stageDir(const DeploymentState::Condition& condition) const
{
    return m_stateDir + QStringLiteral("/stage/") + condition.slug;
}

QString Deployment::containerName(const DeploymentState::Condition& condition) const
{
    return QStringLiteral("logistician-%1-%2").arg(m_state.experiment.toLower(), condition.slug);
}

QString Deployment::localDataDir(const DeploymentState::Condition& condition) const
{
    return m_experiment.dataDir() + QLatin1Char('/') + condition.slug;
}

QString Deployment::remoteDir(const DeploymentState::Host& host, const DeploymentState::Condition& condition) const
{
    return QStringLiteral("%1/logistician/%2/%3").arg(host.home, m_state.experiment, condition.slug);
}

qint64 Deployment::elapsedSeconds(const DeploymentState::Condition& c)
{
    if (!c.startedAt.isValid())
        return -1;
    const QDateTime end = c.finishedAt.isValid() ? c.finishedAt : QDateTime::currentDateTimeUtc();
    return qMax<qint64>(0, c.startedAt.secsTo(end));
}

int Deployment::exitCodeFor(const DeploymentState& state)
{
    for (const DeploymentState::Condition& c : state.conditions) {
        if (c.phase == Phase::Failed || c.phase == Phase::Unreachable)
            return 1;
    }
    return 0;
}

// --- deploy --------------------------------------------------------------------------------------

Deployment::Plan Deployment::plan(const DeployOptions& options) const
{
    Plan plan;
    const Parameters& params = m_experiment.parameters();
    plan.backend = options.backend.isEmpty() ? params.backend() : options.backend;
    plan.conditionCount = static_cast<int>(params.allConditions().size());
    QString error;
    Backend::Context context { m_experiment, m_stateDir, SshKey::privateKeyPath() };
    auto backend = Backend::create(plan.backend, context, &error);
    if (!backend) {
        plan.check = Result::badInput(error);
        return plan;
    }
    plan.costsMoney = backend->costsMoney();
    // The registry and user of the user's settings reach docker like parameters.json's do.
    if (backend->isRemote()) {
        const UserSettings settings;
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
                                          .arg(m_experiment.parametersPath()));
        return plan;
    }
    // A condition that does not become argv stops the deploy here, before anything
    // starts: it must never run as a container with no arguments at all.
    const QStringList conditions = params.allConditions();
    for (int i = 0; i < conditions.size(); ++i) {
        if (const QString why = ParameterRules::condition(conditions.at(i)); !why.isEmpty()) {
            plan.check = Result::badInput(QStringLiteral("%1: condition %2 (%3): %4")
                                              .arg(m_experiment.parametersPath())
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
                                   .arg(m_experiment.parametersPath(), command ? QStringLiteral("is empty") : error));
        return plan;
    }
    if (m_hasState && !m_state.terminated) {
        auto repo = GitRepository::discover(m_experiment.dir(), &error);
        const QString head = repo ? repo->headCommit() : QString();
        if (m_state.backend != plan.backend || m_state.commit != head) {
            plan.check = Result::badInput(
                QStringLiteral("a deployment of commit %1 on the %2 backend is still active; run `logistician "
                               "terminate` before deploying again")
                    .arg(m_state.commit.left(12), m_state.backend));
            return plan;
        }
        plan.resumes = true;
    }
    plan.check = backend->check(options);
    plan.summary = backend->planSummary(plan.conditionCount, options);
    plan.warnings = backend->warnings(options);
    if (plan.backend == QLatin1String("aws")) {
        AwsParameters::Machine machine;
        AwsParameters::resolve(params, UserSettings(), &machine);
        const AwsPrices::Price price = AwsPrices().price(machine.region, machine.instanceType);
        plan.instanceType = machine.instanceType;
        plan.region = machine.region;
        plan.pricePerHour = price.perHour;
        plan.priceNote = price.note;
    }
    return plan;
}

void Deployment::deploy(const DeployOptions& options)
{
    if (m_busy)
        return;
    m_busy = true;
    const Plan p = plan(options);
    if (!p.check) {
        finishLater(p.check);
        return;
    }
    m_options = options;
    m_problems.clear();
    m_imageCommands.clear();
    QString error;
    auto repo = GitRepository::discover(m_experiment.dir(), &error);
    if (!repo) {
        finishLater(Result::badInput(error));
        return;
    }
    const QString commit = repo->headCommit();
    if (commit.isEmpty()) {
        finishLater(Result::badInput(QStringLiteral("%1 has no commit yet; remote runs use a pinned commit, so commit "
                                                    "first")
                                         .arg(repo->workdir())));
        return;
    }
    const bool dirty = repo->isDirty();
    if (dirty && !options.allowDirty) {
        finishLater(Result::badInput(
            QStringLiteral("%1 has uncommitted changes; deploy runs the pinned commit %2, so commit them first (or "
                           "pass --allow-dirty to run %2 without them)")
                .arg(repo->workdir(), commit.left(12))));
        return;
    }
    if (!createBackend(p.backend, &error)) {
        finishLater(Result::badInput(error));
        return;
    }

    if (!p.resumes) {
        const Parameters& params = m_experiment.parameters();
        m_state = DeploymentState();
        m_state.experiment = params.experimentName();
        m_state.backend = p.backend;
        m_state.commit = commit;
        m_state.dirty = dirty;
        m_state.createdAt = QDateTime::currentDateTimeUtc();
        if (m_backend->isRemote())
            m_state.registry = params.registry().isEmpty() ? UserSettings().registry() : params.registry();
        const QString repository = QStringLiteral("logistician/") + m_state.experiment.toLower();
        m_state.image = (m_state.registry.isEmpty() ? repository : m_state.registry + QLatin1Char('/') + repository)
            + QLatin1Char(':') + commit.left(12);
        // An image repository of its own (the original's docker_repository): one repository, a tag per experiment.
        if (const QString own = UserSettings().imageRepository(); !m_state.registry.isEmpty() && !own.isEmpty())
            m_state.image = QStringLiteral("%1/%2:%3-%4")
                                .arg(m_state.registry, own, m_state.experiment.toLower(), commit.left(12));
        const QStringList conditions = params.allConditions();
        for (int i = 0; i < conditions.size(); ++i) {
            DeploymentState::Condition c;
            c.index = i + 1;
            c.text = conditions.at(i);
            c.arguments = *ShellWords::split(c.text); // plan() refused any that does not split
            c.slug = DeploymentState::slugFor(c.index, c.text);
            m_state.conditions.append(c);
        }
        m_hasState = true;
        // The files machines.txt and the config folders describe belong to this deployment now.
        QFile::remove(m_experiment.machinesFile());
    }
    save();

    const Result files = prepareFiles();
    if (!files) {
        finishLater(files);
        return;
    }
    m_work = new QObject(this);
    Q_EMIT progress(p.resumes ? QStringLiteral("resuming the deployment of %1").arg(commit.left(12))
                              : QStringLiteral("deploying commit %1: %2").arg(commit.left(12), p.summary));

    buildImage([this] {
        pushImage([this] {
            if (m_backend->preassignsHosts() && !m_state.provisioned) {
                for (int i = 0; i < m_state.conditions.size(); ++i)
                    setPhase(i, Phase::Provisioning);
            }
            m_backend->provision(&m_state, m_options, [this](const Result& provisioned) {
                save();
                if (!provisioned) {
                    for (int i = 0; i < m_state.conditions.size(); ++i) {
                        if (m_state.conditions.at(i).phase == Phase::Provisioning)
                            setPhase(i, Phase::Queued);
                    }
                    finish(provisioned);
                    return;
                }
                prepareHosts([this] { statusRound([this] { schedule(); }); });
            });
        });
    });
}

Result Deployment::prepareFiles()
{
    QString error;
    auto repo = GitRepository::discover(m_experiment.dir(), &error);
    if (!repo)
        return Result::badInput(error);

    // The pinned commit's files, exported once; hosts get them from here, never from the Git remote.
    const QString code = codeDir();
    if (!QFileInfo::exists(code + QStringLiteral("/.logistician-complete"))) {
        QDir(code).removeRecursively();
        QDir().mkpath(code);
        const QString sub = QDir(m_experiment.gitRoot()).relativeFilePath(m_experiment.projectRoot());
        // The original's CMD runs `git log -1` in /project: there the export is a repository at the commit.
        const bool exported = m_experiment.parameters().isOriginalStyle()
            ? repo->exportRepository(m_state.commit, code, &error)
            : repo->exportTree(m_state.commit, sub == QLatin1String(".") ? QString() : sub, code, &error);
        if (!exported)
            return Result::failed(QStringLiteral("cannot export commit %1: %2").arg(m_state.commit.left(12), error));
        writeFile(code + QStringLiteral("/.logistician-complete"), QByteArray());
    }

    QFile wrapper(AppPaths::templatesDir() + QStringLiteral("/bootstrap/run-wrapper.sh"));
    if (!wrapper.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("%1: cannot read the run wrapper").arg(wrapper.fileName()));
    const QByteArray wrapperText = wrapper.readAll();
    if (!writeFile(m_stateDir + QStringLiteral("/run-wrapper.sh"), wrapperText, &error))
        return Result::failed(error);

    const QString command = m_experiment.parameters().experimentCommand();
    for (const DeploymentState::Condition& c : std::as_const(m_state.conditions)) {
        const QJsonObject config {
            { QStringLiteral("experiment_name"), m_state.experiment },
            { QStringLiteral("commit"), m_state.commit },
            { QStringLiteral("dirty"), m_state.dirty },
            { QStringLiteral("backend"), m_state.backend },
            { QStringLiteral("image"), m_state.image },
            { QStringLiteral("command"), command },
            { QStringLiteral("condition"), c.text },
            { QStringLiteral("arguments"), QJsonArray::fromStringList(c.arguments) },
            { QStringLiteral("style"),
              m_experiment.parameters().isOriginalStyle() ? QStringLiteral("original") : QStringLiteral("command") },
            { QStringLiteral("container"), containerName(c) },
            { QStringLiteral("deployed_at"), m_state.createdAt.toString(Qt::ISODate) },
        };
        const QByteArray json = QJsonDocument(config).toJson();
        const QString local = localDataDir(c);
        for (const char* sub : { "logs", "results" })
            QDir().mkpath(local + QLatin1Char('/') + QLatin1String(sub));
        if (!writeFile(local + QStringLiteral("/config/deployment.json"), json, &error))
            return Result::failed(error);
        writeFile(local + QStringLiteral("/config/commit.txt"), m_state.commit.toUtf8() + '\n');
        // Original style: docker reads OPTIONS from this file itself (--env-file); no shell on any host sees it.
        if (!writeFile(stageDir(c) + QStringLiteral("/options.env"), "OPTIONS=" + c.text.toUtf8() + '\n', &error))
            return Result::failed(error);
        if (m_backend->isRemote()) {
            const QString stage = stageDir(c);
            for (const char* sub : { "data/logs", "data/results" })
                QDir().mkpath(stage + QLatin1Char('/') + QLatin1String(sub));
            writeFile(stage + QStringLiteral("/data/config/deployment.json"), json);
            writeFile(stage + QStringLiteral("/data/config/commit.txt"), m_state.commit.toUtf8() + '\n');
            writeFile(stage + QStringLiteral("/run.sh"), wrapperText);
        }
    }
    return Result::ok();
}

void Deployment::buildImage(Then then)
{
    // Built here for the local engine, or to push to the registry; without a
    // registry each host builds from the uploaded Dockerfile.
    if (m_backend->isRemote() && m_state.registry.isEmpty()) {
        then();
        return;
    }
    const QString sub = QDir(m_experiment.projectRoot()).relativeFilePath(m_experiment.dir());
    const QString context = codeDir() + QLatin1Char('/') + sub;
    Command build = Docker::build(m_experiment.parameters().localDockerCommand(), context, m_state.image);
    Q_EMIT progress(QStringLiteral("building %1").arg(m_state.image));
    AsyncCommand::run(build, m_work, [this, then](const CommandOutcome& o) {
        if (!o.ok()) {
            finish(Result::failed(QStringLiteral("docker build failed: %1").arg(o.errorText())));
            return;
        }
        then();
    });
}

void Deployment::readRegistryPassword(std::function<void(const QString&, const QString&)> then)
{
    auto* store = new CredentialStore(m_work);
    store->read(CredentialStore::Secret::RegistryPassword, [then, store](const CredentialStore::Reply& reply) {
        store->deleteLater();
        if (!reply.ok()) {
            then(QString(),
                 QStringLiteral("no registry password: %1; run `logistician setup` or set "
                                "LOGISTICIAN_REGISTRY_PASSWORD")
                     .arg(reply.message.isEmpty() ? QStringLiteral("not stored") : reply.message));
            return;
        }
        then(reply.value, QString());
    });
}

void Deployment::pushImage(Then then)
{
    if (!m_backend->isRemote() || m_state.registry.isEmpty()) {
        then();
        return;
    }
    m_registryUser = m_experiment.parameters().json().value(QStringLiteral("registry_user")).toString();
    if (m_registryUser.isEmpty())
        m_registryUser = UserSettings().registryUser();
    if (m_registryUser.isEmpty()) {
        finish(
            Result::badInput(QStringLiteral("no registry user for %1; run `logistician setup`").arg(m_state.registry)));
        return;
    }
    readRegistryPassword([this, then](const QString& password, const QString& error) {
        if (!error.isEmpty()) {
            finish(Result::badInput(error));
            return;
        }
        m_registryPassword = password;
        const QString docker = m_experiment.parameters().localDockerCommand();
        // A client configuration of this push's own (mode 0700), removed with the credential
        // docker login writes into it as soon as the push is done: ~/.docker never holds it.
        auto config = std::make_shared<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/logistician-docker-XXXXXX"));
        if (!config->isValid()) {
            finish(
                Result::failed(QStringLiteral("cannot make a folder for docker login: %1").arg(config->errorString())));
            return;
        }
        AsyncCommand::run(
            Docker::login(docker, m_state.registry, m_registryUser, password, config->path()), m_work,
            [this, then, docker, config](const CommandOutcome& o) {
                if (!o.ok()) {
                    finish(Result::failed(
                        QStringLiteral("docker login %1 failed: %2").arg(m_state.registry, o.errorText())));
                    return;
                }
                Q_EMIT progress(QStringLiteral("pushing %1").arg(m_state.image));
                AsyncCommand::run(
                    Docker::push(docker, m_state.image, config->path()), m_work,
                    [this, then, config](const CommandOutcome& o) {
                        config->remove();
                        if (!o.ok()) {
                            finish(Result::failed(QStringLiteral("docker push failed: %1").arg(o.errorText())));
                            return;
                        }
                        then();
                    });
            });
    });
}

void Deployment::prepareHosts(Then then)
{
    auto* pool = new JobPool(32, m_work);
    for (int h = 0; h < m_state.hosts.size(); ++h) {
        if (m_backend->preassignsHosts()
            && (m_state.conditionsOn(m_state.hosts.at(h).address).isEmpty()
                || m_state.hosts.at(h).phase == HostPhase::Released))
            continue;
        pool->add([this, h](JobPool::Done done) { prepareHost(h, 1, done); });
    }
    connect(pool, &JobPool::finished, this, [pool, then] {
        pool->deleteLater();
        then();
    });
    pool->start();
}

void Deployment::prepareHost(int hostIndex, int attempt, Then then)
{
    const DeploymentState::Host host = m_state.hosts.at(hostIndex);
    if (!m_backend->isRemote()) {
        setHostPhase(host.address, HostPhase::Ready);
        then();
        return;
    }
    setHostPhase(host.address, HostPhase::Booting);
    // First contact: learns the login user's home, where everything for this experiment goes.
    qCDebug(lcSsh) << "first contact with" << host.address << "attempt" << attempt << "(opens the master connection)";
    AsyncCommand::run(
        m_backend->script(host, QStringLiteral("printf '%s\\n' \"$HOME\"")), m_work,
        [this, hostIndex, attempt, then](const CommandOutcome& o) {
            DeploymentState::Host& host = m_state.hosts[hostIndex];
            const QString home = QString::fromUtf8(o.out).trimmed();
            if (!o.ok() || !home.startsWith(QLatin1Char('/'))) {
                // A changed host key is no machine still booting: waiting cannot help, and it may be an impostor.
                if (SshAccess::isHostKeyMismatch(o.err)) {
                    const QString why
                        = QStringLiteral("the host key of %1 is not the one in %2 (%3); if the machine was "
                                         "replaced, remove its line from that file, else someone may be "
                                         "intercepting the connection")
                              .arg(host.address, SshAccess::knownHostsFile(m_stateDir), o.errorText());
                    setHostPhase(host.address, HostPhase::Unreachable, why);
                    Q_EMIT progress(why);
                    m_problems << why;
                    then();
                    return;
                }
                if (attempt < m_backend->bootAttempts()) {
                    QTimer::singleShot(m_backend->bootIntervalSeconds() * 1000, m_work,
                                       [this, hostIndex, attempt, then] { prepareHost(hostIndex, attempt + 1, then); });
                    return;
                }
                markUnreachable(host.address, o.errorText());
                m_problems << QStringLiteral("%1 does not answer").arg(host.address);
                then();
                return;
            }
            qCDebug(lcSsh) << host.address << "answers; home" << home;
            host.home = home;
            save();
            if (m_backend->preassignsHosts()) {
                // A fresh login after the bootstrap, so the docker group it added applies.
                AsyncCommand::run(m_backend->ssh(host).closeMaster(), m_work,
                                  [this, hostIndex, then](const CommandOutcome&) { getImageOnHost(hostIndex, then); });
                return;
            }
            getImageOnHost(hostIndex, then);
        });
}

Command Deployment::registryPull(const DeploymentState::Host& host) const
{
    // docker login on the host writes the credential into a client configuration folder made for this one
    // pull (mode 0700) and removed when the script ends, however it ends: no password stays in the host's
    // ~/.docker. The password reaches docker login through standard input, never a command line.
    const QString setting = m_experiment.parameters().remoteDockerCommand();
    const QString dir = QStringLiteral("%1/logistician/.docker-login-%2")
                            .arg(host.home, QUuid::createUuid().toString(QUuid::Id128).left(16));
    auto argv = [](const Command& c) { return ShellWords::join(QStringList { c.program } + c.arguments); };
    const QString remove = QStringLiteral("rm -rf -- ") + ShellWords::quote(dir);
    const QString text
        = QStringLiteral("umask 077 && mkdir -p -- %1 && mkdir -m 700 -- %2 || exit 1\n"
                         "trap %3 EXIT\ntrap 'exit 129' HUP INT TERM\n%4 && %5")
              .arg(ShellWords::quote(host.home + QStringLiteral("/logistician")), ShellWords::quote(dir),
                   ShellWords::quote(remove),
                   argv(Docker::login(setting, m_state.registry, m_registryUser, m_registryPassword, dir)),
                   argv(Docker::pull(setting, m_state.image, dir)));
    Command c = m_backend->script(host, text, m_registryPassword.toUtf8() + '\n');
    c.secrets << m_registryPassword;
    return c;
}

void Deployment::getImageOnHost(int hostIndex, Then then)
{
    const DeploymentState::Host host = m_state.hosts.at(hostIndex);
    setHostPhase(host.address, HostPhase::Building);
    const QStringList docker = dockerWords(true);
    auto fail = [this, address = host.address, then](const CommandOutcome& o, const QString& what) {
        if (o.exitCode == SshUnreachable)
            markUnreachable(address, o.errorText());
        else
            setHostPhase(address, HostPhase::Unreachable, QStringLiteral("%1 failed: %2").arg(what, o.errorText()));
        m_problems << QStringLiteral("%1: %2 failed: %3").arg(address, what, o.errorText());
        then();
    };
    if (!m_state.registry.isEmpty()) {
        AsyncCommand::run(registryPull(host), m_work, [this, host, fail, then](const CommandOutcome& o) {
            if (!o.ok()) {
                fail(o, QStringLiteral("docker login and pull"));
                return;
            }
            setHostPhase(host.address, HostPhase::Ready);
            then();
        });
        return;
    }
    // No registry: the host builds the image from the pinned commit's Dockerfile.
    const QString sub = QDir(m_experiment.projectRoot()).relativeFilePath(m_experiment.dir());
    const QString remoteContext = QStringLiteral("%1/logistician/%2/image").arg(host.home, m_state.experiment);
    AsyncCommand::run(m_backend->ssh(host).upload(codeDir() + QLatin1Char('/') + sub, remoteContext), m_work,
                      [this, host, docker, remoteContext, fail, then](const CommandOutcome& o) {
                          if (!o.ok()) {
                              fail(o, QStringLiteral("upload"));
                              return;
                          }
                          const QStringList build = docker
                              + QStringList { QStringLiteral("build"), QStringLiteral("-q"), QStringLiteral("-t"),
                                              m_state.image, remoteContext };
                          AsyncCommand::run(m_backend->command(host, build), m_work,
                                            [this, host, fail, then](const CommandOutcome& o) {
                                                if (!o.ok()) {
                                                    fail(o, QStringLiteral("docker build"));
                                                    return;
                                                }
                                                setHostPhase(host.address, HostPhase::Ready);
                                                then();
                                            });
                      });
}

void Deployment::schedule()
{
    if (!m_busy)
        return;
    const int slotCount = m_backend->slotsPerHost();
    auto load = [this](const QString& address) {
        int n = 0;
        for (int i : m_state.conditionsOn(address)) {
            const DeploymentState::Condition& c = m_state.conditions.at(i);
            if (m_starting.contains(i) || (c.startedAt.isValid() && c.phase == Phase::Running))
                ++n;
        }
        return n;
    };
    bool waiting = false;
    for (int i = 0; i < m_state.conditions.size(); ++i) {
        const DeploymentState::Condition& c = m_state.conditions.at(i);
        if (c.startedAt.isValid() || m_starting.contains(i) || c.phase == Phase::Failed || c.phase == Phase::Terminated)
            continue;
        QString chosen;
        if (m_backend->preassignsHosts()) {
            const DeploymentState::Host* h = m_state.host(c.host);
            if (!h || h->phase != HostPhase::Ready) {
                if (c.phase != Phase::Unreachable) {
                    m_state.conditions[i].lastRunPhase = c.phase;
                    setPhase(i, Phase::Unreachable);
                }
                continue;
            }
            chosen = c.host;
        } else {
            int best = slotCount;
            for (const DeploymentState::Host& h : std::as_const(m_state.hosts)) {
                if (h.phase != HostPhase::Ready)
                    continue;
                const int n = load(h.address);
                if (n < best) {
                    best = n;
                    chosen = h.address;
                }
            }
        }
        if (chosen.isEmpty()) {
            waiting = true;
            continue;
        }
        startCondition(i, chosen);
    }
    if (!m_starting.isEmpty())
        return; // schedule() runs again as each start ends
    if (!waiting) {
        finishDeploy();
        return;
    }
    bool anyReady = false;
    for (const DeploymentState::Host& h : std::as_const(m_state.hosts))
        anyReady = anyReady || h.phase == HostPhase::Ready;
    if (!anyReady) {
        for (int i = 0; i < m_state.conditions.size(); ++i) {
            if (!m_state.conditions.at(i).startedAt.isValid() && m_state.conditions.at(i).phase == Phase::Queued)
                setPhase(i, Phase::Unreachable);
        }
        finishDeploy();
        return;
    }
    // Every slot is taken: look again after a while, then start the next ones.
    if (!m_pollTimer) {
        m_pollTimer = new QTimer(this);
        m_pollTimer->setSingleShot(true);
        connect(m_pollTimer, &QTimer::timeout, this, [this] { statusRound([this] { schedule(); }); });
    }
    m_pollTimer->start(pollIntervalMs());
}

void Deployment::startCondition(int index, const QString& address)
{
    m_starting.insert(index);
    DeploymentState::Condition& c = m_state.conditions[index];
    c.host = address;
    setPhase(index, Phase::Uploading);
    if (!m_backend->isRemote()) {
        runContainer(index, address);
        return;
    }
    const DeploymentState::Host host = *m_state.host(address);
    const QString dir = remoteDir(host, c);
    const SshAccess ssh = m_backend->ssh(host);
    AsyncCommand::run(ssh.upload(codeDir(), dir + QStringLiteral("/project")), m_work,
                      [this, index, address, ssh, dir](const CommandOutcome& o) {
                          if (!o.ok()) {
                              conditionStartFailed(index, address, true, o.exitCode, o.errorText());
                              return;
                          }
                          AsyncCommand::run(ssh.upload(stageDir(m_state.conditions.at(index)), dir), m_work,
                                            [this, index, address](const CommandOutcome& o) {
                                                if (!o.ok()) {
                                                    conditionStartFailed(index, address, true, o.exitCode,
                                                                         o.errorText());
                                                    return;
                                                }
                                                runContainer(index, address);
                                            });
                      });
}

Docker::RunSpec Deployment::runSpec(const DeploymentState::Condition& c, const DeploymentState::Host& host, bool remote,
                                    const QString& image, const QStringList& imageCommand) const
{
    const Parameters& params = m_experiment.parameters();
    Docker::RunSpec spec;
    spec.docker = remote ? params.remoteDockerCommand() : params.localDockerCommand();
    spec.gpus = params.gpus();
    spec.image = image;
    spec.name = containerName(c);
    spec.detach = true;
    spec.remove = false; // kept for its exit code and log until terminate
    spec.labels
        = { QStringLiteral("logistician.experiment=") + m_state.experiment,
            QStringLiteral("logistician.condition=") + c.slug, QStringLiteral("logistician.commit=") + m_state.commit };
    if (remote) {
        const QString dir = remoteDir(host, c);
        spec.projectDir = dir + QStringLiteral("/project");
        spec.dataDir = dir + QStringLiteral("/data");
        spec.volumes = { dir + QStringLiteral("/run.sh:/logistician/run.sh:ro") };
    } else {
        spec.projectDir = codeDir();
        spec.dataDir = localDataDir(c);
        spec.volumes = { m_stateDir + QStringLiteral("/run-wrapper.sh:/logistician/run.sh:ro") };
    }
    // The wrapper stops the command after max_runtime_minutes (0: no limit).
    if (const int minutes = params.maxRuntimeMinutes(); minutes > 0)
        spec.environment << QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS=%1").arg(minutes * 60);
    if (params.isOriginalStyle()) {
        // The wrapper runs the image's own ENTRYPOINT and CMD; the condition is in $OPTIONS only.
        spec.entrypoint = QStringLiteral("sh");
        spec.command = QStringList { QStringLiteral("/logistician/run.sh") } + imageCommand;
        spec.environmentFiles = { (remote ? remoteDir(host, c) : stageDir(c)) + QStringLiteral("/options.env") };
        spec.environment << OriginalStyle::gitEnvironment();
    } else {
        spec.command = QStringList { QStringLiteral("sh"), QStringLiteral("/logistician/run.sh") }
            + ShellWords::split(params.experimentCommand()).value_or(QStringList());
        spec.arguments = c.arguments;
    }
    return spec;
}

void Deployment::runContainer(int index, const QString& address)
{
    const DeploymentState::Condition& c = m_state.conditions.at(index);
    const DeploymentState::Host host = *m_state.host(address);
    const bool remote = m_backend->isRemote();
    const Parameters& params = m_experiment.parameters();
    if (params.isOriginalStyle() && !m_imageCommands.contains(address)) {
        imageCommand(address, [this, index, address](const QStringList&, const QString& error) {
            if (!error.isEmpty()) {
                conditionStartFailed(index, address, false, 1, error);
                return;
            }
            runContainer(index, address);
        });
        return;
    }
    const Docker::RunSpec spec = runSpec(c, host, remote, m_state.image, m_imageCommands.value(address));
    const Command local = Docker::run(spec);
    const QStringList argv = QStringList { local.program } + local.arguments;
    AsyncCommand::run(m_backend->command(host, argv), m_work, [this, index, address](const CommandOutcome& o) {
        if (!o.ok() && !o.err.contains("is already in use")) {
            conditionStartFailed(index, address, o.exitCode == SshUnreachable, o.exitCode, o.errorText());
            return;
        }
        // Already in use: a deploy that died after starting it; status reads what it does.
        m_starting.remove(index);
        DeploymentState::Condition& c = m_state.conditions[index];
        c.startedAt = QDateTime::currentDateTimeUtc();
        c.exitCode = -1;
        setPhase(index, Phase::Running);
        save();
        schedule();
    });
}

void Deployment::imageCommand(const QString& address, std::function<void(const QStringList&, const QString&)> then)
{
    const DeploymentState::Host host = *m_state.host(address);
    const QStringList inspect = dockerWords(m_backend->isRemote())
        + QStringList { QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("-f"),
                        QStringLiteral("[{{json .Config.Entrypoint}},{{json .Config.Cmd}}]"), m_state.image };
    AsyncCommand::run(m_backend->command(host, inspect), m_work, [this, address, then](const CommandOutcome& o) {
        const QJsonArray parts = QJsonDocument::fromJson(o.out.trimmed()).array();
        QStringList words;
        for (const QJsonValue& part : parts) {
            for (const QJsonValue& word : part.toArray())
                words << word.toString();
        }
        if (!o.ok() || words.isEmpty()) {
            then({},
                 QStringLiteral("the image %1 has no CMD to run and parameters.json no experiment_command%2")
                     .arg(m_state.image, o.ok() ? QString() : QStringLiteral(": ") + o.errorText()));
            return;
        }
        m_imageCommands.insert(address, words);
        then(words, QString());
    });
}

void Deployment::conditionStartFailed(int index, const QString& address, bool hostDown, int exitCode,
                                      const QString& why)
{
    m_starting.remove(index);
    DeploymentState::Condition& c = m_state.conditions[index];
    if (hostDown) {
        markUnreachable(address, why);
        if (m_backend->preassignsHosts()) {
            setPhase(index, Phase::Unreachable);
        } else {
            c.host.clear(); // back in the queue for another host
            setPhase(index, Phase::Queued);
        }
    } else {
        c.exitCode = exitCode;
        m_problems << QStringLiteral("%1: could not start: %2").arg(c.slug, why);
        setPhase(index, Phase::Failed);
    }
    save();
    schedule();
}

void Deployment::finishDeploy()
{
    save();
    int started = 0;
    QStringList notStarted;
    for (const DeploymentState::Condition& c : std::as_const(m_state.conditions)) {
        if (c.startedAt.isValid())
            ++started;
        else
            notStarted << c.slug;
    }
    QString message = QStringLiteral("%1 of %2 condition(s) started; follow them with `logistician status`")
                          .arg(started)
                          .arg(m_state.conditions.size());
    if (!notStarted.isEmpty())
        m_problems.prepend(QStringLiteral("not started: %1").arg(notStarted.join(QStringLiteral(", "))));
    if (!m_problems.isEmpty()) {
        finish(Result::failed(message + QStringLiteral("; ") + m_problems.join(QStringLiteral("; "))));
        return;
    }
    Q_EMIT progress(message);
    finish(Result::ok());
}

// --- status --------------------------------------------------------------------------------------

void Deployment::refreshStatus()
{
    if (m_busy)
        return;
    if (!beginOnDeployment(nothingDeployed()))
        return;
    m_work = new QObject(this);
    statusRound([this] { finish(exitCodeFor(m_state) ? Result::failed(QString()) : Result::ok()); });
}

void Deployment::statusRound(Then then)
{
    if (m_state.terminated) {
        QTimer::singleShot(0, this, then);
        return;
    }
    auto* pool = new JobPool(64, m_work);
    for (const DeploymentState::Host& host : std::as_const(m_state.hosts)) {
        QList<int> indexes;
        for (int i : m_state.conditionsOn(host.address)) {
            // A condition terminated on its own has no container left to ask about.
            const DeploymentState::Condition& c = m_state.conditions.at(i);
            if (c.startedAt.isValid() && !m_starting.contains(i) && c.phase != Phase::Terminated)
                indexes << i;
        }
        if (indexes.isEmpty() || host.home.isEmpty())
            continue;
        const QString address = host.address;
        pool->add([this, address, indexes](JobPool::Done done) {
            const DeploymentState::Host* h = m_state.host(address);
            AsyncCommand::run(m_backend->script(*h, statusScript(*h, indexes)), m_work,
                              [this, address, indexes, done](const CommandOutcome& o) {
                                  const DeploymentState::Host* h = m_state.host(address);
                                  // FailedToStart: ssh refused to run (e.g. an unsafe control folder); say why.
                                  if ((o.exitCode == SshUnreachable || o.exitCode == CommandRunner::FailedToStart)
                                      && m_backend->isRemote())
                                      markUnreachable(address, o.errorText());
                                  else
                                      applyStatus(*h, indexes, o.out);
                                  done();
                              });
        });
    }
    connect(pool, &JobPool::finished, this, [this, pool, then] {
        pool->deleteLater();
        save();
        then();
    });
    pool->start();
}

QString Deployment::renderStatusScript(const QString& templateText, const QStringList& docker,
                                       const QList<QStringList>& calls)
{
    QString text = templateText;
    text.replace(QLatin1String("@DOCKER@"), ShellWords::join(docker));
    for (const QStringList& call : calls)
        text += QStringLiteral("s ") + ShellWords::join(call) + QLatin1Char('\n');
    return text;
}

QString Deployment::statusScript(const DeploymentState::Host& host, const QList<int>& indexes) const
{
    // The function s comes from templates/remote/status.sh; one call per condition follows.
    // Every value is quoted; nothing from a condition is in here at all.
    QFile file(AppPaths::templatesDir() + QStringLiteral("/remote/status.sh"));
    if (!file.open(QIODevice::ReadOnly)) // a broken installation: the poll fails with the reason
        return QStringLiteral("echo %1 >&2; exit 125\n")
            .arg(ShellWords::quote(file.fileName() + QStringLiteral(": cannot read the status script")));
    QList<QStringList> calls;
    for (int i : indexes) {
        const DeploymentState::Condition& c = m_state.conditions.at(i);
        const QString data = m_backend->isRemote() ? remoteDir(host, c) + QStringLiteral("/data") : localDataDir(c);
        calls << QStringList { c.slug, data, containerName(c) };
    }
    return renderStatusScript(QString::fromUtf8(file.readAll()), dockerWords(m_backend->isRemote()), calls);
}

void Deployment::applyStatus(const DeploymentState::Host& host, const QList<int>& indexes, const QByteArray& output)
{
    if (DeploymentState::Host* h = m_state.host(host.address); h && h->phase == HostPhase::Unreachable) {
        h->phase = HostPhase::Ready;
        h->message.clear();
    }
    QHash<QString, QStringList> lines;
    for (const QByteArray& line : output.split('\n')) {
        const QStringList fields = QString::fromUtf8(line).split(QLatin1Char('\t'));
        if (fields.size() >= 2)
            lines.insert(fields.at(0), fields);
    }
    for (int i : indexes) {
        DeploymentState::Condition& c = m_state.conditions[i];
        const QStringList f = lines.value(c.slug);
        if (f.size() < 2)
            continue;
        Phase phase = c.phase;
        if (f.at(1) == QLatin1String("done")) {
            bool ok = false;
            const int code = f.value(2).trimmed().toInt(&ok);
            c.exitCode = ok ? code : -1;
            phase = ok && code == 0 ? Phase::Succeeded : Phase::Failed;
            const QDateTime start = QDateTime::fromString(f.value(3).trimmed(), Qt::ISODate);
            const QDateTime end = QDateTime::fromString(f.value(4).trimmed(), Qt::ISODate);
            if (start.isValid())
                c.startedAt = start;
            if (end.isValid())
                c.finishedAt = end;
        } else {
            const QStringList st = f.value(2).trimmed().split(QLatin1Char(' '));
            const QString status = st.value(0);
            const QDateTime start = QDateTime::fromString(f.value(3).trimmed(), Qt::ISODate);
            if (start.isValid())
                c.startedAt = start;
            if (status == QLatin1String("running") || status == QLatin1String("created")
                || status == QLatin1String("restarting")) {
                phase = Phase::Running;
            } else if (status == QLatin1String("missing")) {
                // Gone without the wrapper's record: removed by hand, or the machine was replaced.
                if (c.phase == Phase::Running || c.phase == Phase::Unreachable || c.phase == Phase::Stopped)
                    phase = Phase::Failed;
            } else {
                // Exited without the wrapper's record: killed (out of memory, docker stop).
                c.exitCode = st.value(1).toInt();
                phase = Phase::Failed;
                if (!c.finishedAt.isValid())
                    c.finishedAt = QDateTime::currentDateTimeUtc();
            }
        }
        c.lastRunPhase = phase;
        if (phase != c.phase) {
            c.phase = phase;
            Q_EMIT conditionChanged(i);
        }
    }
}

void Deployment::markUnreachable(const QString& address, const QString& why)
{
    DeploymentState::Host* host = m_state.host(address);
    if (!host)
        return;
    host->phase = HostPhase::Unreachable;
    host->message = why;
    Q_EMIT progress(QStringLiteral("%1 does not answer: %2").arg(address, why));
    for (int i : m_state.conditionsOn(address)) {
        DeploymentState::Condition& c = m_state.conditions[i];
        if (!c.startedAt.isValid() || c.phase == Phase::Unreachable || c.phase == Phase::Stopped
            || c.phase == Phase::Terminated)
            continue;
        c.lastRunPhase = c.phase;
        // An AWS machine that stopped itself after its run keeps its disk: stopped, not lost.
        const bool stoppedItself = m_backend->preassignsHosts() && DeploymentState::isTerminal(c.phase)
            && m_experiment.parameters().autoStopMinutes() > 0;
        c.phase = stoppedItself ? Phase::Stopped : Phase::Unreachable;
        Q_EMIT conditionChanged(i);
    }
    save();
}

// --- sync ----------------------------------------------------------------------------------------

void Deployment::sync(const SyncOptions& options)
{
    if (m_busy)
        return;
    if (!beginOnDeployment(nothingDeployed()))
        return;
    QSet<int> selected;
    if (const Result chosen = selectConditions(options.conditions, &selected); !chosen) {
        finishLater(chosen);
        return;
    }
    m_work = new QObject(this);
    statusRound([this, options, selected] { syncAll(options, selected); });
}

Result Deployment::selectConditions(const QList<int>& indexes, QSet<int>* positions) const
{
    for (int index : indexes) {
        if (index < 1 || index > m_state.conditions.size())
            return Result::badInput(QStringLiteral("there is no condition %1; this deployment has %2 (numbered as "
                                                   "`logistician status` shows them)")
                                        .arg(index)
                                        .arg(m_state.conditions.size()));
        positions->insert(index - 1);
    }
    return Result::ok();
}

void Deployment::syncAll(const SyncOptions& options, const QSet<int>& selected)
{
    auto failures = std::make_shared<QStringList>();
    auto count = std::make_shared<int>(0);
    auto* pool = new JobPool(options.parallel, m_work);
    const QStringList docker = dockerWords(m_backend->isRemote());
    for (int i = 0; i < m_state.conditions.size(); ++i) {
        if (!selected.isEmpty() && !selected.contains(i))
            continue;
        const DeploymentState::Condition& c = m_state.conditions.at(i);
        const DeploymentState::Host* host = m_state.host(c.host);
        if (!c.startedAt.isValid() || !host || host->home.isEmpty())
            continue;
        if (!m_backend->isRemote() && c.phase == Phase::Terminated)
            continue; // its container is gone, and its log was saved when it went
        if (host->phase == HostPhase::Released) {
            // Its machine is gone; asked for by name, that is worth saying.
            if (selected.contains(i))
                *failures << QStringLiteral("%1: its machine was destroyed when it was terminated").arg(c.slug);
            continue;
        }
        if (host->phase == HostPhase::Unreachable) {
            *failures << QStringLiteral("%1: %2 does not answer").arg(c.slug, host->address);
            continue;
        }
        const bool wasFinished = c.isFinished();
        pool->add([this, i, wasFinished, docker, failures, count, options](JobPool::Done done) {
            const DeploymentState::Condition& c = m_state.conditions.at(i);
            const DeploymentState::Host host = *m_state.host(c.host);
            const QDateTime started = QDateTime::currentDateTimeUtc();
            auto succeeded = [this, i, wasFinished, started, count, done] {
                if (wasFinished) {
                    m_state.conditions[i].syncedAt = started;
                    save();
                    Q_EMIT conditionChanged(i);
                }
                ++*count;
                done();
            };
            if (!m_backend->isRemote()) {
                // The results are already here; only the container's log is fetched.
                AsyncCommand::run(
                    m_backend->command(host, docker + QStringList { QStringLiteral("logs"), containerName(c) }), m_work,
                    [this, i, succeeded](const CommandOutcome& o) {
                        if (o.ok())
                            writeFile(localDataDir(m_state.conditions.at(i)) + QStringLiteral("/logs/docker.txt"),
                                      o.out + o.err);
                        succeeded();
                    });
                return;
            }
            const QString data = remoteDir(host, c) + QStringLiteral("/data");
            const QString saveLog = ShellWords::join(docker + QStringList { QStringLiteral("logs"), containerName(c) })
                + QStringLiteral(" > %1 2>&1 || true")
                      .arg(ShellWords::quote(data + QStringLiteral("/logs/docker.txt")));
            AsyncCommand::run(m_backend->script(host, saveLog), m_work,
                              [this, i, data, host, failures, succeeded, done, options](const CommandOutcome& o) {
                                  const DeploymentState::Condition& c = m_state.conditions.at(i);
                                  if (!o.ok()) {
                                      *failures << QStringLiteral("%1: %2").arg(c.slug, o.errorText());
                                      done();
                                      return;
                                  }
                                  Q_EMIT progress(QStringLiteral("syncing %1 from %2").arg(c.slug, host.address));
                                  AsyncCommand::run(
                                      m_backend->ssh(host).download(data, localDataDir(c), options.bandwidthLimitKBps),
                                      m_work, [this, i, failures, succeeded, done](const CommandOutcome& o) {
                                          if (!o.ok()) {
                                              *failures << QStringLiteral("%1: rsync: %2")
                                                               .arg(m_state.conditions.at(i).slug, o.errorText());
                                              done();
                                              return;
                                          }
                                          succeeded();
                                      });
                              });
        });
    }
    connect(pool, &JobPool::finished, this, [this, pool, failures, count] {
        pool->deleteLater();
        save();
        if (!failures->isEmpty()) {
            finish(Result::failed(QStringLiteral("synced %1 condition(s); not synced: %2")
                                      .arg(*count)
                                      .arg(failures->join(QStringLiteral("; ")))));
            return;
        }
        Q_EMIT progress(QStringLiteral("synced %1 condition(s) into %2").arg(*count).arg(m_experiment.dataDir()));
        finish(Result::ok());
    });
    pool->start();
}

// --- terminate -----------------------------------------------------------------------------------

void Deployment::terminate(const TerminateOptions& options)
{
    if (m_busy)
        return;
    if (!m_hasState)
        Q_EMIT progress(QStringLiteral("nothing is deployed"));
    // Terminating what is not there is done, not an error.
    if (!beginOnDeployment(Result::ok()))
        return;
    QSet<int> selected;
    if (const Result chosen = selectConditions(options.conditions, &selected); !chosen) {
        finishLater(chosen);
        return;
    }
    if (!selected.isEmpty() && m_state.terminated) {
        Q_EMIT progress(QStringLiteral("the whole deployment is already terminated"));
        finishLater(Result::ok());
        return;
    }
    m_work = new QObject(this);
    if (!selected.isEmpty()) {
        statusRound([this, options, selected] { terminateSome(options, selected); });
        return;
    }
    statusRound([this, options] { terminateAll(options); });
}

void Deployment::terminateAll(const TerminateOptions& options)
{
    if (!options.force && m_backend->isRemote() && !m_state.terminated) {
        QStringList unsafe;
        for (const DeploymentState::Condition& c : std::as_const(m_state.conditions)) {
            if (c.startedAt.isValid() && !c.resultsSafe() && c.phase != Phase::Terminated)
                unsafe << QStringLiteral("%1 (%2)").arg(c.slug, DeploymentState::phaseName(c.phase));
        }
        if (!unsafe.isEmpty()) {
            finish(Result::failed(QStringLiteral("results not synced yet: %1; run `logistician sync` first (or pass "
                                                 "--force to throw them away)")
                                      .arg(unsafe.join(QStringLiteral(", ")))));
            return;
        }
    }
    auto failures = std::make_shared<QStringList>();
    auto* pool = new JobPool(32, m_work);
    const QStringList docker = dockerWords(m_backend->isRemote());
    for (const DeploymentState::Host& host : std::as_const(m_state.hosts)) {
        if ((m_backend->isRemote() && host.home.isEmpty()) || host.phase == HostPhase::Released)
            continue; // never reached, so nothing was placed there; or already destroyed
        const QString address = host.address;
        pool->add([this, address, docker, failures](JobPool::Done done) {
            const DeploymentState::Host host = *m_state.host(address);
            // Every container this experiment could have here, by name, so one a dead deploy started goes too.
            QStringList names;
            QStringList dirs;
            for (const DeploymentState::Condition& c : std::as_const(m_state.conditions)) {
                if (m_backend->preassignsHosts() && c.host != address)
                    continue;
                names << containerName(c);
                if (m_backend->isRemote() && (c.resultsSafe() || !c.startedAt.isValid()))
                    dirs << remoteDir(host, c);
            }
            QString text;
            if (!m_backend->isRemote()) {
                for (const DeploymentState::Condition& c : std::as_const(m_state.conditions)) {
                    // The container's log stays with the results; one terminated earlier saved it then.
                    if (c.phase == Phase::Terminated)
                        continue;
                    text += ShellWords::join(docker + QStringList { QStringLiteral("logs"), containerName(c) })
                        + QStringLiteral(" > %1 2>&1 || true\n")
                              .arg(ShellWords::quote(localDataDir(c) + QStringLiteral("/logs/docker.txt")));
                }
            }
            text += ShellWords::join(docker + QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + names)
                + QStringLiteral(" >/dev/null 2>&1; true\n");
            if (m_backend->isRemote()) {
                // The image build folder, then the experiment's folder once nothing is left in it.
                const QString experimentDir = QStringLiteral("%1/logistician/%2").arg(host.home, m_state.experiment);
                dirs << experimentDir + QStringLiteral("/image");
                text += ShellWords::join(QStringList { QStringLiteral("rm"), QStringLiteral("-rf") } + dirs)
                    + QStringLiteral("\nrmdir %1 2>/dev/null; true\n").arg(ShellWords::quote(experimentDir));
            }
            AsyncCommand::run(m_backend->script(host, text), m_work,
                              [this, address, failures, done](const CommandOutcome& o) {
                                  if (!o.ok() && !m_backend->preassignsHosts())
                                      *failures << QStringLiteral("%1: %2").arg(address, o.errorText());
                                  if (!m_backend->isRemote()) {
                                      done();
                                      return;
                                  }
                                  const DeploymentState::Host host = *m_state.host(address);
                                  AsyncCommand::run(m_backend->ssh(host).closeMaster(), m_work,
                                                    [done](const CommandOutcome&) { done(); });
                              });
        });
    }
    connect(pool, &JobPool::finished, this, [this, pool, failures, options] {
        pool->deleteLater();
        if (!failures->isEmpty() && !options.force) {
            save();
            finish(
                Result::failed(QStringLiteral("could not clean up: %1; run terminate again when the hosts answer, or "
                                              "pass --force")
                                   .arg(failures->join(QStringLiteral("; ")))));
            return;
        }
        m_backend->release(&m_state, [this, failures](const Result& released) {
            if (!released) {
                save();
                finish(released);
                return;
            }
            m_state.terminated = true;
            for (int i = 0; i < m_state.conditions.size(); ++i) {
                DeploymentState::Condition& c = m_state.conditions[i];
                if (c.phase != Phase::Terminated)
                    c.lastRunPhase = c.phase;
                c.phase = Phase::Terminated;
                Q_EMIT conditionChanged(i);
            }
            QDir(m_stateDir + QStringLiteral("/stage")).removeRecursively();
            save();
            QString message = QStringLiteral("terminated; results are in %1").arg(m_experiment.dataDir());
            if (!failures->isEmpty())
                message += QStringLiteral(" (not cleaned up, forced: %1)").arg(failures->join(QStringLiteral("; ")));
            Q_EMIT progress(message);
            finish(Result::ok());
        });
    });
    pool->start();
}

void Deployment::terminateSome(const TerminateOptions& options, const QSet<int>& selected)
{
    QList<int> chosen; // in order, without the ones already terminated
    for (int i = 0; i < m_state.conditions.size(); ++i) {
        if (selected.contains(i) && m_state.conditions.at(i).phase != Phase::Terminated)
            chosen << i;
    }
    if (chosen.isEmpty()) {
        Q_EMIT progress(QStringLiteral("already terminated"));
        finish(Result::ok());
        return;
    }
    if (!options.force && m_backend->isRemote()) {
        QStringList unsafe;
        for (int i : std::as_const(chosen)) {
            const DeploymentState::Condition& c = m_state.conditions.at(i);
            if (c.startedAt.isValid() && !c.resultsSafe())
                unsafe << QStringLiteral("%1 (%2)").arg(c.slug, DeploymentState::phaseName(c.phase));
        }
        if (!unsafe.isEmpty()) {
            finish(Result::failed(QStringLiteral("results not synced yet: %1; run `logistician sync --condition N` "
                                                 "first (or pass --force to throw them away)")
                                      .arg(unsafe.join(QStringLiteral(", ")))));
            return;
        }
    }
    QMap<QString, QList<int>> byHost;
    for (int i : std::as_const(chosen)) {
        const DeploymentState::Condition& c = m_state.conditions.at(i);
        const DeploymentState::Host* host = m_state.host(c.host);
        // Never placed on a machine that was reached: no container, no folder.
        if (host && host->phase != HostPhase::Released && (!m_backend->isRemote() || !host->home.isEmpty()))
            byHost[c.host] << i;
    }
    auto failures = std::make_shared<QStringList>();
    auto* pool = new JobPool(32, m_work);
    const QStringList docker = dockerWords(m_backend->isRemote());
    for (auto it = byHost.cbegin(); it != byHost.cend(); ++it) {
        const QString address = it.key();
        const QList<int> indexes = it.value();
        pool->add([this, address, indexes, docker, failures](JobPool::Done done) {
            const DeploymentState::Host host = *m_state.host(address);
            QString text;
            QStringList names;
            QStringList dirs;
            for (int i : indexes) {
                const DeploymentState::Condition& c = m_state.conditions.at(i);
                names << containerName(c);
                if (!m_backend->isRemote())
                    text += ShellWords::join(docker + QStringList { QStringLiteral("logs"), containerName(c) })
                        + QStringLiteral(" > %1 2>&1 || true\n")
                              .arg(ShellWords::quote(localDataDir(c) + QStringLiteral("/logs/docker.txt")));
                else if (c.resultsSafe() || !c.startedAt.isValid())
                    dirs << remoteDir(host, c);
            }
            // Only these containers and folders: the image and the others' folders stay for the ones still running.
            text += ShellWords::join(docker + QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + names)
                + QStringLiteral(" >/dev/null 2>&1; true\n");
            if (!dirs.isEmpty())
                text += ShellWords::join(QStringList { QStringLiteral("rm"), QStringLiteral("-rf") } + dirs)
                    + QLatin1Char('\n');
            AsyncCommand::run(m_backend->script(host, text), m_work,
                              [this, address, failures, done](const CommandOutcome& o) {
                                  if (!o.ok())
                                      *failures << QStringLiteral("%1: %2").arg(address, o.errorText());
                                  if (!m_backend->preassignsHosts()) {
                                      done();
                                      return;
                                  }
                                  // Its machine goes next; the shared ssh connection to it goes first.
                                  const DeploymentState::Host host = *m_state.host(address);
                                  AsyncCommand::run(m_backend->ssh(host).closeMaster(), m_work,
                                                    [done](const CommandOutcome&) { done(); });
                              });
        });
    }
    connect(pool, &JobPool::finished, this, [this, pool, failures, chosen, options] {
        pool->deleteLater();
        // A machine of its own (aws) is destroyed anyway, so a container it could not stop does not matter.
        if (!failures->isEmpty() && !options.force && !m_backend->preassignsHosts()) {
            save();
            finish(Result::failed(QStringLiteral("could not stop: %1; run terminate again when the hosts answer, or "
                                                 "pass --force")
                                      .arg(failures->join(QStringLiteral("; ")))));
            return;
        }
        m_backend->releaseConditions(&m_state, chosen, [this, chosen](const Result& released) {
            if (!released) {
                save();
                finish(released);
                return;
            }
            QStringList slugs;
            for (int i : chosen) {
                DeploymentState::Condition& c = m_state.conditions[i];
                if (m_backend->preassignsHosts()) {
                    if (DeploymentState::Host* host = m_state.host(c.host)) {
                        host->phase = HostPhase::Released;
                        host->message.clear();
                    }
                }
                c.lastRunPhase = c.phase;
                c.phase = Phase::Terminated;
                slugs << c.slug;
                QDir(stageDir(c)).removeRecursively();
                Q_EMIT conditionChanged(i);
            }
            save();
            Q_EMIT progress(
                QStringLiteral("terminated %1; the other conditions go on").arg(slugs.join(QStringLiteral(", "))));
            finish(Result::ok());
        });
    });
    pool->start();
}
