// SPDX-License-Identifier: MIT
#include "Launch.h"

#include "Settings.h"
#include "ShellWords.h"
#include "deploy/ImageReference.h"
#include "deploy/RemoteScript.h"
#include "deploy/ResultsStore.h"
#include "original/OriginalStyle.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

using Phase = DeploymentState::Phase;

namespace Launch {

// The registry (remote backends: parameters.json's, else the settings') and the image reference from it.
void setImage(DeploymentState& state, const Parameters& params, bool remote, const QString& commit)
{
    state.registry.clear();
    if (remote)
        state.registry = params.registry().isEmpty() ? Settings().registry() : params.registry();
    state.image
        = ImageReference::forDeploy(state.registry, Settings().imageRepository(), params.experimentName(), commit);
}

DeploymentState newState(const Parameters& params, const QString& backend, bool remote, const QString& commit,
                         bool dirty)
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
        c.arguments = ShellWords::split(c.text).valueOr(QStringList()); // plan() refused any that does not split
        c.slug = DeploymentState::slugFor(c.index, c.text);
        c.lastAttempt = 1 + params.maxRetries();
        state.conditions.append(c);
    }
    return state;
}

bool toHandOver(const DeploymentState::Condition& c)
{
    return !c.startedAt.isValid() && c.phase != Phase::Failed && c.phase != Phase::Succeeded && !c.isTerminated();
}

Docker::RunSpec runSpec(const DeployContext& ctx, const DeploymentState::Condition& c,
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
            + ShellWords::split(params.experimentCommand()).valueOr(QStringList());
        spec.arguments = c.arguments;
    }
    return spec;
}

// Logistician is at work on the host though no container runs yet: an aws machine's idle stop counts
// ~/logistician/activity as activity (templates/bootstrap/user-data.sh). A failed touch changes nothing else.
Command touchActivity(const DeployContext& ctx, const DeploymentState::Host& host)
{
    return ctx.backend->command(host, { QStringLiteral("touch"), host.home + QStringLiteral("/logistician/activity") });
}

Provenance::Record provenance(const DeployContext& ctx, const Facts& facts, const DeploymentState::Condition& c,
                              const DeploymentState::Host& host, const Docker::RunSpec& spec)
{
    const DeploymentState& state = ctx.state;
    Provenance::Record r;
    r.experiment = state.experiment;
    r.condition = c.text;
    r.backend = state.backend;
    r.commit = state.commit;
    r.dirty = state.dirty;
    r.image = state.image;
    r.imageId = facts.hostImageIds.value(host.address, facts.image.id);
    r.repoDigest = facts.image.repoDigest;
    r.host = host.address;
    r.instanceId = host.id;
    r.argv
        = (spec.entrypoint.isEmpty() ? QStringList() : QStringList { spec.entrypoint }) + spec.command + spec.arguments;
    r.originalStyle = ctx.experiment.parameters().isOriginalStyle();
    if (r.originalStyle)
        r.options = c.text;
    r.container = spec.name;
    r.recordedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return r;
}

QByteArray startScript(const DeployContext& ctx, const DeploymentState::Host& host, const DeploymentState::Condition& c,
                       const QStringList& imageCommand, QString* announcement)
{
    // The one docker run of this attempt, every word quoted by ShellWords; exec so the runner's
    // worker sees docker's own exit code.
    const Docker::RunSpec spec = runSpec(ctx, c, host, ctx.isRemote(), ctx.state.image, imageCommand);
    const QString run = ShellWords::join(Docker::argv(Docker::run(spec)));
    const QString dir = ctx.dataDirOnHost(host, c);
    // An earlier attempt's container could write anything under its /data, which holds this attempt's
    // folder: a symlink there (attempt-2 -> elsewhere) is refused, never mounted or written through.
    const QString first = ctx.dataDirOnHost(host, c, 1);
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
    if (announcement)
        *announcement = QStringLiteral("%1 on %2 will run: %3").arg(c.attemptKey(c.attempt), host.address, run);
    // "sh KEY.sh ended": the runner, once the container ended, has its whole log saved as logs/docker.txt
    // (save-log.sh, as sync would), so sync does not ask the engine for it.
    const QStringList logs = ctx.dockerWords() << QStringLiteral("logs") << ctx.containerName(c);
    const QString saveLog = RemoteScript(QStringLiteral("save-log"))
                                .call(QStringLiteral("keep_output"),
                                      QStringList { first, DeploymentState::Condition::logsFolder(c.attempt),
                                                    QStringLiteral("docker.txt") }
                                          + logs)
                                .render();
    const QByteArray ended = "if [ \"${1-}\" = ended ]; then\n" + saveLog.toUtf8() + "\nexit 0\nfi\n";
    // docker's own exit code is the script's; then the container's output is kept in logs/output.txt as it
    // runs (docker logs -f ends with the container), so it is there to read and comes home with each sync.
    QStringList follow = ctx.dockerWords();
    follow << QStringLiteral("logs") << QStringLiteral("-f") << ctx.containerName(c);
    // The running container can swap anything in its folder: save-log.sh's follow_output writes there safely.
    const QString output = RemoteScript(QStringLiteral("save-log"))
                               .call(QStringLiteral("follow_output"),
                                     QStringList { first, DeploymentState::Condition::logsFolder(c.attempt),
                                                   QStringLiteral("output.txt") }
                                         + follow)
                               .render();
    return ended + start + run.toUtf8() + " || exit $?\n" + output.toUtf8();
}

Result writeConditionFiles(const DeployContext& ctx, const DeploymentState::Condition& c, const QByteArray& wrapper)
{
    const DeploymentState& state = ctx.state;
    const Parameters& params = ctx.experiment.parameters();
    const QJsonObject config {
        { QStringLiteral("experiment_name"), state.experiment },
        { QStringLiteral("commit"), state.commit },
        { QStringLiteral("dirty"), state.dirty },
        { QStringLiteral("backend"), state.backend },
        { QStringLiteral("image"), state.image },
        { QStringLiteral("command"), params.experimentCommand() },
        { QStringLiteral("condition"), c.text },
        { QStringLiteral("arguments"), QJsonArray::fromStringList(c.arguments) },
        { QStringLiteral("style"), params.isOriginalStyle() ? QStringLiteral("original") : QStringLiteral("command") },
        { QStringLiteral("container"), ctx.containerName(c, 1) },
        { QStringLiteral("deployed_at"), state.createdAt.toString(Qt::ISODate) },
    };
    const QByteArray json = QJsonDocument(config).toJson();
    // Attempt 1's folder; a later attempt's start copies this config (startScript).
    const QString local = ctx.localDataDir(c, 1);
    for (const char* sub : { "logs", "results" })
        QDir().mkpath(local + QLatin1Char('/') + QLatin1String(sub));
    // Original style: docker reads OPTIONS from this file itself (--env-file); no shell on any host sees it.
    const QString stage = ctx.stageDir(c);
    QList<QPair<QString, QByteArray>> files {
        { local + QStringLiteral("/config/deployment.json"), json },
        { local + QStringLiteral("/config/commit.txt"), state.commit.toUtf8() + '\n' },
        { stage + QStringLiteral("/options.env"), "OPTIONS=" + c.text.toUtf8() + '\n' },
    };
    if (ctx.isRemote()) {
        for (const char* sub : { "data/logs", "data/results" })
            QDir().mkpath(stage + QLatin1Char('/') + QLatin1String(sub));
        files.append({ { stage + QStringLiteral("/data/config/deployment.json"), json },
                       { stage + QStringLiteral("/data/config/commit.txt"), state.commit.toUtf8() + '\n' },
                       { stage + QStringLiteral("/run.sh"), wrapper } });
    }
    for (const auto& [path, text] : std::as_const(files)) {
        if (Result r = DeployContext::writeFile(path, text, QString(), SafeFile::Durability::Whole); !r)
            return r;
    }
    return Result::ok();
}

QList<int> runnerConditions(const DeploymentState& state, const QString& address)
{
    QList<int> out;
    for (int i : state.conditionsOn(address)) {
        if (!state.conditions.at(i).isTerminated())
            out << i;
    }
    return out;
}

Result writeRunnerFiles(const DeployContext& ctx, const QString& address, const QString& folder, qint64 publisher)
{
    const RemoteScript runner
        = RemoteScript(QStringLiteral("runner")).setWords(QStringLiteral("DOCKER"), ctx.dockerWords());
    if (!runner.error().isEmpty())
        return Result::failed(runner.error());
    constexpr auto whole = SafeFile::Durability::Whole;
    if (Result r
        = DeployContext::writeFile(folder + QStringLiteral("/runner.sh"), runner.render().toUtf8(), QString(), whole);
        !r)
        return r;
    QByteArray queue;
    QByteArray retries;
    for (int i : runnerConditions(ctx.state, address)) {
        const DeploymentState::Condition& c = ctx.state.conditions.at(i);
        // Its current attempt in the queue; the retries (max_retries) the runner starts by itself after a
        // failure in the retries file. A line names the key of the attempt that follows it, or "-".
        for (int a = c.attempt; a <= c.lastAttempt; ++a) {
            DeploymentState::Condition run = c;
            run.attempt = a;
            const QString next = a < c.lastAttempt ? c.attemptKey(a + 1) : QStringLiteral("-");
            (a == c.attempt ? queue : retries)
                += QStringLiteral("%1 %2 %3\n").arg(run.attemptKey(a), ctx.containerName(run), next).toUtf8();
        }
    }
    if (Result r = DeployContext::writeFile(folder + QStringLiteral("/retries"), retries, QString(), whole); !r)
        return r;
    // Before the queue: a runner alive there (deploy run again) waits for the new lines' start scripts.
    if (publisher > 0) {
        if (Result r = DeployContext::writeFile(folder + QStringLiteral("/publishing"),
                                                QByteArray::number(publisher) + '\n', QString(), whole);
            !r)
            return r;
    }
    return DeployContext::writeFile(folder + QStringLiteral("/queue"), queue, QString(), whole);
}

ResultOf<QStringList> publishCondition(const DeployContext& ctx, const Facts& facts, const QString& address,
                                       int position, const QString& folder)
{
    const DeploymentState::Host host = *ctx.state.host(address);
    const DeploymentState::Condition& c = ctx.state.conditions.at(position);
    const bool handed = toHandOver(c);
    QStringList announcements;
    // Local: the condition's own folder, which the start script mounts (remote: uploaded from the stage before).
    if (handed && !ctx.isRemote()) {
        if (Result r = writeConditionFiles(ctx, c, QByteArray()); !r)
            return r;
    }
    // The later attempts first, the current one last: its start script is the mark the runner waits for.
    for (int a = c.lastAttempt; a >= c.attempt; --a) {
        DeploymentState::Condition run = c;
        run.attempt = a;
        if (a == c.attempt && handed) {
            const Docker::RunSpec spec
                = runSpec(ctx, run, host, ctx.isRemote(), ctx.state.image, facts.imageCommands.value(address));
            if (Result r = Provenance::write(ctx.localDataDir(run, a), provenance(ctx, facts, run, host, spec),
                                             ctx.experiment.dir(), SafeFile::Durability::Whole);
                !r)
                return r;
        }
        if (Result r = ResultsStore::writeUploadScript(ctx, host, run, a, folder); !r)
            return r;
        QString announcement;
        const QByteArray start
            = startScript(ctx, host, run, facts.imageCommands.value(address), a == c.attempt ? &announcement : nullptr);
        if (!announcement.isEmpty())
            announcements << announcement;
        if (Result r = DeployContext::writeFile(folder + QLatin1Char('/') + run.attemptKey(a) + QStringLiteral(".sh"),
                                                start, QString(), SafeFile::Durability::Whole);
            !r)
            return r;
    }
    return announcements;
}

ResultOf<QStringList> writeRunnerFolder(const DeployContext& ctx, const Facts& facts, const QString& address,
                                        const QString& folder)
{
    QStringList announcements;
    for (int i : runnerConditions(ctx.state, address)) {
        const ResultOf<QStringList> published = publishCondition(ctx, facts, address, i, folder);
        if (!published)
            return published.error();
        announcements << *published;
    }
    // The queue last: the runner never reads a line whose start script is not there yet.
    if (Result r = writeRunnerFiles(ctx, address, folder, 0); !r)
        return r;
    return announcements;
}

QString deploymentId(const DeploymentState& state)
{
    return state.commit.left(12) + QLatin1Char('-') + QString::number(state.createdAt.toSecsSinceEpoch());
}

} // namespace Launch
