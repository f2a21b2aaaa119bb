// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Result.h"
#include "files/SafeFile.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

// What a reviewer needs to trace a result back to its code and image: one
// record per run folder (data/<condition>/, an attempt folder, or a local run's
// data/local-<time>/), in its config/provenance.json (docs/json.md, section
// provenance). Written by the host when the condition is handed over (or when a
// local run starts and ends); the times and the exit code of a deployed
// condition are the run wrapper's (logs/started_at.txt, finished_at.txt,
// exit_code.txt), written inside the container, and read() joins them in.
namespace Provenance {

constexpr int Schema = 1;

struct Record
{
    QString experiment;
    QString condition; // as written in parameters.json, or a local run's arguments
    QString backend; // local, ssh, aws; "run" for `logistician run`
    QString commit;
    bool dirty = false;
    QString image; // the tag
    QString imageId; // docker image inspect {{.Id}}, where it was built (or, for hosts that build, on that host)
    QString repoDigest; // repository@sha256:... once pushed; empty otherwise
    QString host; // the host's address; "local" for this machine's engine
    QString instanceId; // aws; empty otherwise
    QStringList argv; // the container's command exactly (entrypoint first when set)
    QString options; // original-style folders: $OPTIONS; empty otherwise
    bool originalStyle = false;
    QString container;
    QString version = QStringLiteral(LOGISTICIAN_VERSION);
    QString recordedAt; // ISO 8601 UTC
    QString startedAt; // ISO 8601 UTC; empty before the start
    QString finishedAt; // empty before the end
    int exitCode = -1; // -1: not ended

    QJsonObject toJson() const;
    static Record fromJson(const QJsonObject& o);
    bool isEmpty() const { return commit.isEmpty() && imageId.isEmpty() && host.isEmpty(); }
};

// folder/config/provenance.json
QString path(const QString& folder);
// base: the experiment's folder; no symlink below it is followed (a container
// may have planted config/ or the next attempt's folder as one).
Result write(const QString& folder, const Record& record, const QString& base = QString(),
             SafeFile::Durability durability = SafeFile::Durability::OnDisk);
// The folder's record: provenance.json, with the run wrapper's times and exit code
// from logs/ where the file has none. An empty record when the folder has no provenance.json.
Record read(const QString& folder);

// The image's ID, its repository digests and its own ENTRYPOINT and CMD, as one JSON object on stdout.
Command inspectImage(const QString& docker, const QString& image);
struct ImageFacts
{
    QString id;
    QString repoDigest; // the digest in the image's own repository, if pushed there
    QStringList command; // ENTRYPOINT then CMD
    bool valid() const { return id.startsWith(QLatin1String("sha256:")); }
};
// image: the tag inspected, to pick the digest of its own repository among several.
ImageFacts parseImageFacts(const QByteArray& out, const QString& image);
// The same, run here and waited for (a local run, on its worker thread).
ImageFacts inspectHere(const QString& docker, const QString& image);

} // namespace Provenance
