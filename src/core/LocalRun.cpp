// SPDX-License-Identifier: MIT
#include "LocalRun.h"

#include "Docker.h"
#include "Logging.h"
#include "ShellWords.h"
#include "git/GitRepository.h"
#include "original/OriginalStyle.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

LocalRun::LocalRun(const Experiment& experiment, const Options& options, QObject* parent)
    : QObject(parent)
    , m_experiment(experiment)
    , m_options(options)
{
    connect(&m_runner, &CommandRunner::standardOutput, this, [this](const QByteArray& data) {
        if (m_outputLog)
            m_outputLog->write(data);
        Q_EMIT standardOutput(data);
    });
    connect(&m_runner, &CommandRunner::standardError, this, [this](const QByteArray& data) {
        if (m_outputLog)
            m_outputLog->write(data);
        m_stderrTail = (m_stderrTail + data).right(4096);
        Q_EMIT standardError(data);
    });
    connect(&m_runner, &CommandRunner::finished, this, &LocalRun::onFinished);
    connect(&m_stopper, &CommandRunner::finished, this, [this](int exitCode, const QString&) {
        if (!m_runner.isRunning())
            return;
        // docker run still going: the container did not exist yet (stop fails) or was created but not
        // started when the stop came (stop succeeds, then it starts). Stop again until the client ends;
        // only if docker itself hangs, give up on the container and end the client.
        if (m_stopping.elapsed() > (StopGraceSeconds + 30) * 1000) {
            m_runner.cancel();
            return;
        }
        QTimer::singleShot(exitCode == 0 ? 1000 : 250, this, [this] {
            if (m_runner.isRunning() && !m_stopper.isRunning())
                stopContainer();
        });
    });
}

LocalRun::~LocalRun()
{
    // A preparation still running uses this object's members: let it end first.
    m_preparing.waitForFinished();
}

Result LocalRun::validate() const
{
    const Parameters& params = m_experiment.parameters();
    const auto commandWords = ShellWords::split(params.experimentCommand());
    if (!commandWords)
        return Result::badInput(
            QStringLiteral("%1: experiment_command: %2").arg(m_experiment.parametersPath(), commandWords.message()));
    if (commandWords->isEmpty() && !m_options.interactiveShell && !params.isOriginalStyle())
        return Result::badInput(QStringLiteral("%1: experiment_command is empty; set the command to run")
                                    .arg(m_experiment.parametersPath()));
    if (!m_options.dataReadOnly.isEmpty()) {
        // Docker's -v splits on ':' and ','; such a path cannot be given to it unambiguously.
        const QFileInfo data(m_options.dataReadOnly);
        if (!data.isDir())
            return Result::badInput(QStringLiteral("--data_readonly %1: no such folder").arg(m_options.dataReadOnly));
        if (data.absoluteFilePath().contains(QRegularExpression(QStringLiteral("[:,\\n\\r]"))))
            return Result::badInput(QStringLiteral("--data_readonly %1: a folder path with ':', ',' or a line break "
                                                   "cannot be mounted")
                                        .arg(m_options.dataReadOnly));
    }
    if (!QFileInfo::exists(m_experiment.dockerfilePath()))
        return Result::badInput(QStringLiteral("%1: no Dockerfile").arg(m_experiment.dockerfilePath()));
    auto discovered = GitRepository::discover(m_experiment.dir());
    if (!discovered)
        return discovered.error();
    const auto repo = discovered.take();
    if (m_options.clone && repo->headCommit().isEmpty())
        return Result::badInput(QStringLiteral("--clone needs a commit, and %1 has none yet").arg(repo->workdir()));
    return Result::ok();
}

Result LocalRun::prepare()
{
    const Result result = prepareFiles();
    if (result)
        openOutputLog();
    return result;
}

void LocalRun::prepareInBackground()
{
    // Git status and, with clone, a whole tree export: worker-thread work. The
    // members it fills are not touched here until prepared() is emitted.
    connect(&m_preparing, &QFutureWatcher<Result>::finished, this, [this] {
        const Result result = m_preparing.result();
        if (result)
            openOutputLog();
        Q_EMIT prepared(result);
    });
    m_preparing.setFuture(QtConcurrent::run([this] { return prepareFiles(); }));
}

void LocalRun::openOutputLog()
{
    if (m_options.interactiveShell)
        return;
    m_outputLog = std::make_unique<QFile>(m_dataDir + QStringLiteral("/logs/output.txt"));
    m_outputLog->open(QIODevice::WriteOnly);
}

Result LocalRun::prepareFiles()
{
    const Result valid = validate();
    if (!valid)
        return valid;
    auto repo = GitRepository::discover(m_experiment.dir()).valueOr(nullptr);
    const QString commit = repo->headCommit();
    // Before the run's own folder exists: files of the experiment not committed yet count, ignored ones do not.
    const bool dirty = !m_options.clone && repo->isDirty(m_experiment.dir());
    const auto projectDir = projectFolder(*repo, commit);
    if (!projectDir)
        return projectDir.error();
    const auto name = makeDataDir();
    if (!name)
        return name.error();
    const Docker::RunSpec spec = runSpec(*projectDir, *name);
    m_docker = spec.docker;
    m_containerName = spec.name;
    m_command = Docker::run(spec);
    if (m_experiment.parameters().isOriginalStyle())
        m_command.environment.insert(QStringLiteral("OPTIONS"), m_options.optionsText);
    qCDebug(lcDocker) << "local run of" << spec.image << "as" << spec.name << "with its data in" << m_dataDir;
    recordConfig(spec, commit, dirty);
    writeConfig();
    return Result::ok();
}

ResultOf<QString> LocalRun::projectFolder(GitRepository& repo, const QString& commit)
{
    const Parameters& params = m_experiment.parameters();
    if (m_options.clone) {
        m_cloneDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/logistician-clone-XXXXXX"));
        if (!m_cloneDir->isValid())
            return Result::failed(
                QStringLiteral("cannot create a temporary folder: %1").arg(m_cloneDir->errorString()));
        const QString sub = QDir(m_experiment.gitRoot()).relativeFilePath(m_experiment.projectRoot());
        // The original's CMD runs `git log -1` in /project: there it gets a repository at the commit.
        const Result exported = params.isOriginalStyle() ? repo.exportRepository(commit, m_cloneDir->path())
                                                         : repo.exportTree(commit, sub, m_cloneDir->path());
        if (!exported)
            return Result::failed(
                QStringLiteral("cannot export commit %1: %2").arg(commit.left(12), exported.message()));
        return m_cloneDir->path();
    }
    return m_experiment.projectRoot();
}

ResultOf<QString> LocalRun::makeDataDir()
{
    // A fresh folder per run, named by time so runs sort and never collide.
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    // Shell sessions get their own prefix so they do not show up as runs.
    const QString prefix = m_options.interactiveShell ? QStringLiteral("shell-") : QStringLiteral("local-");
    QString name = prefix + stamp;
    for (int n = 2; QFileInfo::exists(m_experiment.dataDir() + QLatin1Char('/') + name); ++n)
        name = prefix + QStringLiteral("%1-%2").arg(stamp).arg(n);
    m_dataDir = m_experiment.dataDir() + QLatin1Char('/') + name;
    for (const char* sub : { "logs", "config", "results" }) {
        if (!QDir().mkpath(m_dataDir + QLatin1Char('/') + QLatin1String(sub)))
            return Result::failed(QStringLiteral("cannot create %1/%2").arg(m_dataDir, QLatin1String(sub)));
    }
    return name;
}

Docker::RunSpec LocalRun::runSpec(const QString& projectDir, const QString& name) const
{
    const Parameters& params = m_experiment.parameters();
    Docker::RunSpec spec;
    spec.docker = params.localDockerCommand();
    spec.image = m_experiment.imageTag();
    if (!m_options.noVolume)
        spec.projectDir = projectDir;
    spec.dataDir = m_dataDir;
    if (!m_options.dataReadOnly.isEmpty()) {
        spec.dataDir = QFileInfo(m_options.dataReadOnly).absoluteFilePath();
        spec.dataReadOnly = true;
    }
    spec.gpus = params.gpus();
    // Unique, since Stop finds the container by it: the data folder's name is unique within the
    // experiment, the random part across projects with the same experiment name.
    spec.name = QStringLiteral("logistician-%1-%2-%3")
                    .arg(params.experimentName().toLower(), name)
                    .arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16, QLatin1Char('0'));
    if (m_options.interactiveShell) {
        spec.interactive = true;
        spec.tty = m_options.tty;
        spec.command = { QStringLiteral("bash") };
    } else {
        spec.command = *ShellWords::split(params.experimentCommand());
        spec.arguments = m_options.arguments;
    }
    if (params.isOriginalStyle() && !m_options.interactiveShell) {
        // The image's own CMD runs; docker copies OPTIONS from its own environment (-e NAME without a value).
        spec.command.clear();
        spec.arguments.clear();
        spec.environment << QStringLiteral("OPTIONS") << OriginalStyle::gitEnvironment();
    }
    return spec;
}

void LocalRun::recordConfig(const Docker::RunSpec& spec, const QString& commit, bool dirty)
{
    const Parameters& params = m_experiment.parameters();
    m_config = QJsonObject {
        { QStringLiteral("experiment_name"), params.experimentName() },
        { QStringLiteral("commit"), commit },
        { QStringLiteral("dirty"), dirty },
        { QStringLiteral("clone"), m_options.clone },
        { QStringLiteral("command"), params.experimentCommand() },
        { QStringLiteral("arguments"), QJsonArray::fromStringList(m_options.arguments) },
        { QStringLiteral("style"), params.isOriginalStyle() ? QStringLiteral("original") : QStringLiteral("command") },
        { QStringLiteral("image"), spec.image },
        { QStringLiteral("container"), spec.name },
        { QStringLiteral("started"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
    };
    if (params.isOriginalStyle())
        m_config.insert(QStringLiteral("options"), m_options.optionsText);
    if (!m_options.interactiveShell) {
        // What a reviewer traces a result back to: the image this engine runs it from, by ID.
        const Provenance::ImageFacts image = Provenance::inspectHere(spec.docker, spec.image);
        m_provenance.experiment = params.experimentName();
        m_provenance.condition
            = params.isOriginalStyle() ? m_options.optionsText : ShellWords::join(m_options.arguments);
        m_provenance.backend = QStringLiteral("run");
        m_provenance.commit = commit;
        m_provenance.dirty = m_config.value(QStringLiteral("dirty")).toBool();
        m_provenance.image = spec.image;
        m_provenance.imageId = image.id;
        m_provenance.host = QStringLiteral("local");
        // Original style: the image's own ENTRYPOINT and CMD run, with the condition in $OPTIONS.
        m_provenance.argv = params.isOriginalStyle() ? image.command : spec.command + spec.arguments;
        m_provenance.originalStyle = params.isOriginalStyle();
        m_provenance.options = m_options.optionsText;
        m_provenance.container = spec.name;
        m_provenance.recordedAt = m_config.value(QStringLiteral("started")).toString();
        m_provenance.startedAt = m_provenance.recordedAt;
    }
}

void LocalRun::start()
{
    m_runner.start(m_command);
}

void LocalRun::cancel()
{
    if (!m_runner.isRunning() || m_stopping.isValid())
        return;
    m_stopping.start();
    stopContainer();
}

void LocalRun::stopContainer()
{
    qCDebug(lcDocker) << "stopping" << m_containerName;
    m_stopper.start(Docker::stop(m_docker, m_containerName, StopGraceSeconds));
}

void LocalRun::onFinished(int exitCode, const QString& error)
{
    QString message = error;
    // docker reports its own failures with 125 and a "docker: " line (an image it cannot find, a
    // mount it refuses): then the container never started, and the folder made for it is no run.
    const bool dockerFailed = exitCode == 125
        && (m_stderrTail.contains("docker: ") || m_stderrTail.contains("No such image")
            || m_stderrTail.contains("Unable to find image"));
    if (exitCode == 125 && m_stderrTail.contains("No such image"))
        message = QStringLiteral("image %1 is not built yet; build it with `logistician build %2` (or run "
                                 "without --no-build)")
                      .arg(m_experiment.imageTag(), m_experiment.dir());
    else if (dockerFailed || (exitCode == 125 && m_options.interactiveShell))
        // An interactive shell's stderr goes straight to the terminal, so docker's own words are above.
        message = QStringLiteral("docker could not start the container (see its message above; if the image is "
                                 "missing, run `logistician build %1` first)")
                      .arg(m_experiment.dir());
    if (m_outputLog)
        m_outputLog->close();
    if (dockerFailed) {
        m_outputLog.reset();
        QDir(m_dataDir).removeRecursively();
        qCDebug(lcDocker) << "the container never started; removed" << m_dataDir;
        m_dataDir.clear();
        Q_EMIT finished(exitCode, message);
        return;
    }
    m_config.insert(QStringLiteral("exit_code"), exitCode);
    m_config.insert(QStringLiteral("finished"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    m_provenance.finishedAt = m_config.value(QStringLiteral("finished")).toString();
    m_provenance.exitCode = exitCode;
    writeConfig();
    Q_EMIT finished(exitCode, message);
}

void LocalRun::writeConfig()
{
    QSaveFile file(m_dataDir + QStringLiteral("/config/run.json"));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(m_config).toJson());
        file.commit();
    }
    if (!m_provenance.isEmpty())
        Provenance::write(m_dataDir, m_provenance, m_experiment.dir());
}

Command LocalRun::buildCommand(const Experiment& experiment)
{
    return Docker::build(experiment.parameters().localDockerCommand(), experiment.dir(), experiment.imageTag());
}

Result LocalRun::checkImageBuilt(const Experiment& experiment, const QString& skippedBy)
{
    const QString docker = experiment.parameters().localDockerCommand();
    if (Provenance::inspectHere(docker, experiment.imageTag()).valid())
        return Result::ok();
    return Result::failed(QStringLiteral("image %1 is not built yet (%2); build it first: `logistician build %3`")
                              .arg(experiment.imageTag(), skippedBy, experiment.dir()));
}

QList<LocalRun::Record> LocalRun::history(const Experiment& experiment)
{
    QList<Record> records;
    const QDir data(experiment.dataDir());
    const QStringList names
        = data.entryList({ QStringLiteral("local-*") }, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    for (const QString& name : names) {
        QFile file(data.filePath(name) + QStringLiteral("/config/run.json"));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        records << Record { data.filePath(name), QJsonDocument::fromJson(file.readAll()).object() };
    }
    return records;
}
