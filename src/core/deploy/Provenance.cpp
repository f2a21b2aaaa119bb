// SPDX-License-Identifier: MIT
#include "Provenance.h"

#include "CommandRunner.h"
#include "Docker.h"
#include "deploy/DeployContext.h"
#include "files/SafeFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

QJsonValue orNull(const QString& text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

// What a container or a host wrote: a regular file only, never through a symlink, bounded.
QString readLine(const QString& path)
{
    const auto data = SafeFile::read(path, 4096);
    return data ? QString::fromUtf8(data->left(256)).trimmed() : QString();
}

} // namespace

namespace Provenance {

QJsonObject Record::toJson() const
{
    return QJsonObject {
        { QStringLiteral("schema"), Schema },
        { QStringLiteral("experiment"), experiment },
        { QStringLiteral("condition"), condition },
        { QStringLiteral("backend"), backend },
        { QStringLiteral("commit"), commit },
        { QStringLiteral("dirty"), dirty },
        { QStringLiteral("image"), image },
        { QStringLiteral("image_id"), orNull(imageId) },
        { QStringLiteral("repo_digest"), orNull(repoDigest) },
        { QStringLiteral("host"), host },
        { QStringLiteral("instance_id"), orNull(instanceId) },
        { QStringLiteral("argv"), QJsonArray::fromStringList(argv) },
        { QStringLiteral("options"), originalStyle ? QJsonValue(options) : QJsonValue() },
        { QStringLiteral("container"), container },
        { QStringLiteral("logistician_version"), version },
        { QStringLiteral("recorded_at"), recordedAt },
        { QStringLiteral("started_at"), orNull(startedAt) },
        { QStringLiteral("finished_at"), orNull(finishedAt) },
        { QStringLiteral("exit_code"), exitCode >= 0 ? QJsonValue(exitCode) : QJsonValue() },
    };
}

Record Record::fromJson(const QJsonObject& o)
{
    Record r;
    r.experiment = o.value(QStringLiteral("experiment")).toString();
    r.condition = o.value(QStringLiteral("condition")).toString();
    r.backend = o.value(QStringLiteral("backend")).toString();
    r.commit = o.value(QStringLiteral("commit")).toString();
    r.dirty = o.value(QStringLiteral("dirty")).toBool();
    r.image = o.value(QStringLiteral("image")).toString();
    r.imageId = o.value(QStringLiteral("image_id")).toString();
    r.repoDigest = o.value(QStringLiteral("repo_digest")).toString();
    r.host = o.value(QStringLiteral("host")).toString();
    r.instanceId = o.value(QStringLiteral("instance_id")).toString();
    for (const QJsonValue& word : o.value(QStringLiteral("argv")).toArray())
        r.argv << word.toString();
    r.originalStyle = o.value(QStringLiteral("options")).isString();
    r.options = o.value(QStringLiteral("options")).toString();
    r.container = o.value(QStringLiteral("container")).toString();
    r.version = o.value(QStringLiteral("logistician_version")).toString();
    r.recordedAt = o.value(QStringLiteral("recorded_at")).toString();
    r.startedAt = o.value(QStringLiteral("started_at")).toString();
    r.finishedAt = o.value(QStringLiteral("finished_at")).toString();
    r.exitCode = o.value(QStringLiteral("exit_code")).toInt(-1);
    return r;
}

QString path(const QString& folder)
{
    return folder + QStringLiteral("/config/provenance.json");
}

Result write(const QString& folder, const Record& record, const QString& base, SafeFile::Durability durability)
{
    return DeployContext::writeFile(path(folder), QJsonDocument(record.toJson()).toJson(),
                                    base.isEmpty() ? folder : base, durability);
}

Record read(const QString& folder)
{
    const auto data = SafeFile::read(path(folder), 1024 * 1024);
    if (!data)
        return Record();
    Record r = Record::fromJson(QJsonDocument::fromJson(*data).object());
    // The run wrapper's own files: written in the container, so they arrive with the data (or a sync).
    const QString logs = folder + QStringLiteral("/logs/");
    if (r.startedAt.isEmpty())
        r.startedAt = readLine(logs + QStringLiteral("started_at.txt"));
    if (r.finishedAt.isEmpty())
        r.finishedAt = readLine(logs + QStringLiteral("finished_at.txt"));
    if (r.exitCode < 0) {
        bool ok = false;
        const int code = readLine(logs + QStringLiteral("exit_code.txt")).toInt(&ok);
        if (ok && code >= 0)
            r.exitCode = code;
    }
    return r;
}

Command inspectImage(const QString& docker, const QString& image)
{
    QStringList words = Docker::programWords(docker);
    Command c;
    c.program = words.takeFirst();
    c.arguments = words;
    c.arguments << QStringLiteral("image") << QStringLiteral("inspect") << QStringLiteral("--format")
                << QStringLiteral("{\"id\":{{json .Id}},\"digests\":{{json .RepoDigests}},"
                                  "\"entrypoint\":{{json .Config.Entrypoint}},\"cmd\":{{json .Config.Cmd}}}")
                << image;
    c.query = true;
    return c;
}

ImageFacts parseImageFacts(const QByteArray& out, const QString& image)
{
    ImageFacts facts;
    const QJsonObject o = QJsonDocument::fromJson(out.trimmed()).object();
    facts.id = o.value(QStringLiteral("id")).toString();
    // repository:tag -> repository (a registry's port has a colon too, before the last slash).
    QString repository = image;
    if (const int colon = image.lastIndexOf(QLatin1Char(':')); colon > image.lastIndexOf(QLatin1Char('/')))
        repository = image.left(colon);
    for (const QJsonValue& digest : o.value(QStringLiteral("digests")).toArray()) {
        if (digest.toString().startsWith(repository + QLatin1Char('@')))
            facts.repoDigest = digest.toString();
    }
    for (const char* part : { "entrypoint", "cmd" }) {
        for (const QJsonValue& word : o.value(QLatin1String(part)).toArray())
            facts.command << word.toString();
    }
    return facts;
}

ImageFacts inspectHere(const QString& docker, const QString& image)
{
    const CommandOutcome inspected = CommandRunner::runAndWait(inspectImage(docker, image), 30000);
    if (!inspected.ok())
        return ImageFacts();
    return parseImageFacts(inspected.out, image);
}

} // namespace Provenance
