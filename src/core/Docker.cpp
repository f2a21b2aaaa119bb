// SPDX-License-Identifier: MIT
#include "Docker.h"

#include "ShellWords.h"

#include <QLocalSocket>
#include <QProcessEnvironment>

namespace Docker {

QStringList programWords(const QString& dockerSetting)
{
    QStringList words = ShellWords::split(dockerSetting).valueOr(QStringList());
    if (words.isEmpty())
        words << QStringLiteral("docker");
    for (QString& word : words) {
        if (word == QLatin1String("nvidia-docker"))
            word = QStringLiteral("docker");
    }
    return words;
}

QString gpusFor(const QString& dockerSetting, const QString& gpus)
{
    if (!gpus.isEmpty())
        return gpus;
    const QStringList words = ShellWords::split(dockerSetting).valueOr(QStringList());
    return words.contains(QStringLiteral("nvidia-docker")) ? QStringLiteral("all") : QString();
}

namespace {
Command dockerCommand(const QString& docker, const QStringList& args, const QString& configDir = QString())
{
    QStringList words = programWords(docker);
    Command c;
    c.program = words.takeFirst();
    c.arguments = words;
    if (!configDir.isEmpty())
        c.arguments << QStringLiteral("--config") << configDir;
    c.arguments += args;
    return c;
}
} // namespace

Command build(const QString& docker, const QString& contextDir, const QString& tag, bool quiet,
              const QStringList& labels)
{
    QStringList args { QStringLiteral("build") };
    if (quiet)
        args << QStringLiteral("-q");
    for (const QString& label : labels)
        args << QStringLiteral("--label") << label;
    return dockerCommand(docker, args << QStringLiteral("-t") << tag << contextDir);
}

Command labelledImages(const QString& docker, const QString& experiment)
{
    return dockerCommand(docker,
                         { QStringLiteral("image"), QStringLiteral("ls"), QStringLiteral("--filter"),
                           QStringLiteral("label=logistician.image-of=%1").arg(experiment), QStringLiteral("--format"),
                           QStringLiteral("{{.Repository}}:{{.Tag}} {{.ID}}") })
        .asQuery();
}

Command logs(const QString& docker, const QString& container, int tail, bool follow)
{
    QStringList args { QStringLiteral("logs") };
    if (tail >= 0)
        args << QStringLiteral("--tail") << QString::number(tail);
    if (follow)
        args << QStringLiteral("-f");
    return dockerCommand(docker, args << container).asQuery();
}

Command removeContainers(const QString& docker, const QStringList& containers)
{
    return dockerCommand(docker, QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + containers);
}

Command removeImages(const QString& docker, const QStringList& images)
{
    return dockerCommand(docker, QStringList { QStringLiteral("image"), QStringLiteral("rm") } + images);
}

Command listLabelled(const QString& docker, const QString& experiment)
{
    QString filter = QStringLiteral("label=logistician.experiment");
    if (!experiment.isEmpty())
        filter += QLatin1Char('=') + experiment;
    return dockerCommand(docker,
                         { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--no-trunc"),
                           QStringLiteral("--filter"), filter, QStringLiteral("--format"),
                           QStringLiteral("{{.Names}}\t{{.Label \"logistician.experiment\"}}\t{{.Label "
                                          "\"logistician.commit\"}}\t{{.Image}}\t{{.State}}\t{{.Status}}") })
        .asQuery();
}

Command imageCommand(const QString& docker, const QString& image)
{
    return dockerCommand(docker,
                         { QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("-f"),
                           QStringLiteral("[{{json .Config.Entrypoint}},{{json .Config.Cmd}}]"), image })
        .asQuery();
}

QStringList argv(const Command& command)
{
    return QStringList { command.program } + command.arguments;
}

Command run(const RunSpec& spec)
{
    QStringList args { QStringLiteral("run") };
    if (spec.remove)
        args << QStringLiteral("--rm");
    if (spec.detach)
        args << QStringLiteral("-d");
    if (spec.interactive)
        args << (spec.tty ? QStringLiteral("-it") : QStringLiteral("-i"));
    if (!spec.name.isEmpty())
        args << QStringLiteral("--name") << spec.name;
    for (const QString& label : spec.labels)
        args << QStringLiteral("--label") << label;
    // Never reach for a registry here: a missing image should fail at once with
    // a hint to build, not hang on a pull.
    args << QStringLiteral("--pull") << QStringLiteral("never");
    if (!spec.projectDir.isEmpty())
        args << QStringLiteral("-v") << spec.projectDir + QStringLiteral(":/project");
    if (!spec.dataDir.isEmpty())
        args << QStringLiteral("-v")
             << spec.dataDir + (spec.dataReadOnly ? QStringLiteral(":/data:ro") : QStringLiteral(":/data"));
    for (const QString& volume : spec.volumes)
        args << QStringLiteral("-v") << volume;
    for (const QString& variable : spec.environment)
        args << QStringLiteral("-e") << variable;
    for (const QString& file : spec.environmentFiles)
        args << QStringLiteral("--env-file") << file;
    if (const QString gpus = gpusFor(spec.docker, spec.gpus); !gpus.isEmpty())
        args << QStringLiteral("--gpus") << gpus;
    if (!spec.entrypoint.isEmpty())
        args << QStringLiteral("--entrypoint") << spec.entrypoint;
    args << QStringLiteral("-w") << QStringLiteral("/project");
    args << spec.image;
    args << spec.command << spec.arguments;
    Command c = dockerCommand(spec.docker, args);
    c.interactive = spec.interactive;
    return c;
}

Command push(const QString& docker, const QString& image, const QString& configDir)
{
    return dockerCommand(docker, { QStringLiteral("push"), image }, configDir);
}

Command pull(const QString& docker, const QString& image, const QString& configDir)
{
    return dockerCommand(docker, { QStringLiteral("pull"), image }, configDir);
}

Command tag(const QString& docker, const QString& source, const QString& target)
{
    return dockerCommand(docker, { QStringLiteral("tag"), source, target });
}

Command stop(const QString& docker, const QString& name, int graceSeconds)
{
    return dockerCommand(docker,
                         { QStringLiteral("stop"), QStringLiteral("--time"), QString::number(graceSeconds), name });
}

Command login(const QString& docker, const QString& registry, const QString& user, const QString& password,
              const QString& configDir)
{
    Command c = dockerCommand(
        docker,
        { QStringLiteral("login"), QStringLiteral("--username"), user, QStringLiteral("--password-stdin"), registry },
        configDir);
    c.standardInput = password.toUtf8() + '\n';
    c.secrets << password;
    return c;
}

Result engineAnswers()
{
    QString host = QProcessEnvironment::systemEnvironment().value(QStringLiteral("DOCKER_HOST"));
    if (host.isEmpty())
        host = QStringLiteral("unix:///var/run/docker.sock");
    if (!host.startsWith(QLatin1String("unix://")))
        return Result::ok();
    const QString path = host.mid(7);
    QLocalSocket socket;
    socket.connectToServer(path);
    if (socket.waitForConnected(2000))
        return Result::ok();
    return Result::unavailable(QStringLiteral("no Docker engine answers at %1 (%2); start it (e.g. `dockerd &` or "
                                              "`systemctl start docker`) or set DOCKER_HOST")
                                   .arg(path, socket.errorString()));
}

} // namespace Docker
