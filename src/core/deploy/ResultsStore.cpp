// SPDX-License-Identifier: MIT
#include "ResultsStore.h"

#include "Parameters.h"
#include "Settings.h"
#include "deploy/DeployContext.h"
#include "deploy/RemoteScript.h"
#include "deploy/backends/BackendRegistry.h"
#include "workspace/DeploymentIndex.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

namespace ResultsStore {

std::optional<Location> of(const Parameters& parameters)
{
    const QJsonValue v = parameters.json().value(QLatin1String(Key));
    if (!v.isString() || v.toString().isEmpty())
        return std::nullopt;
    return parse(v.toString());
}

bool createsBucket(const Parameters& parameters)
{
    return parameters.json().value(QLatin1String(CreateKey)).toBool(true);
}

int logSeconds(const Parameters& parameters)
{
    // Checked when parameters.json is loaded (ParameterSchema: a whole number from 5 to 86400).
    return parameters.json().value(QLatin1String(LogSecondsKey)).toInt(DefaultLogSeconds);
}

ResultOf<QList<Object>> parseListing(const QByteArray& json)
{
    QList<Object> out;
    if (json.trimmed().isEmpty())
        return out;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return Result::failed(
            QStringLiteral("the store's listing is no JSON object (%1)").arg(parseError.errorString()));
    for (const QJsonValue& v : doc.object().value(QStringLiteral("Contents")).toArray()) {
        const QJsonObject o = v.toObject();
        Object object;
        object.key = o.value(QStringLiteral("Key")).toString();
        object.size = static_cast<qint64>(o.value(QStringLiteral("Size")).toDouble());
        object.etag = o.value(QStringLiteral("ETag")).toString();
        object.etag.remove(QLatin1Char('"'));
        out << object;
    }
    return out;
}

qint64 bytesOf(const QList<Object>& objects)
{
    qint64 total = 0;
    for (const Object& o : objects)
        total += std::max<qint64>(0, o.size);
    return total;
}

Result writeUploadScript(const DeployContext& ctx, const DeploymentState::Host& host,
                         const DeploymentState::Condition& condition, int attempt, const QString& folder)
{
    const Parameters& p = ctx.experiment.parameters();
    const std::optional<Location> store = of(p);
    if (!store || !ctx.isRemote())
        return Result::ok();
    // Where a backend rents the machines, their own region (aws: the bucket is made there; Backend::machinePriceFor);
    // elsewhere the host's AWS CLI settings.
    const QString region = BackendRegistry::machinePrice(ctx.state.backend, p).place;
    const RemoteScript script = RemoteScript(QStringLiteral("upload"))
                                    .set(QStringLiteral("SOURCE"), ctx.dataDirOnHost(host, condition, 1))
                                    .set(QStringLiteral("LOGS"), DeploymentState::Condition::logsFolder(attempt))
                                    .set(QStringLiteral("DATA"), store->dataUrl(condition.slug))
                                    .set(QStringLiteral("MARKERS"), store->markersUrl(condition.slug))
                                    .set(QStringLiteral("KEY"), condition.attemptKey(attempt))
                                    .set(QStringLiteral("REGION"), region)
                                    .set(QStringLiteral("INTERVAL"), QString::number(logSeconds(p)));
    if (!script.error().isEmpty())
        return Result::failed(script.error());
    if (Result r = remember(*store, p.experimentName(), ctx.experiment.dir()); !r)
        return r;
    return DeployContext::writeFile(folder + QLatin1Char('/') + condition.attemptKey(attempt)
                                        + QStringLiteral(".upload.sh"),
                                    script.render().toUtf8());
}

QString userDir()
{
    // Beside the per-user deployment index (XDG_STATE_HOME): the stores outlive every deployment.
    return QFileInfo(DeploymentIndex::defaultFolder()).absolutePath() + QStringLiteral("/stores");
}

namespace {

QString recordsDir()
{
    return userDir() + QStringLiteral("/records");
}

QString recordPath(const Location& store)
{
    // Bucket and prefix are [a-z0-9.-] and [A-Za-z0-9._/-]: '/' is the only character a file name cannot hold.
    QString name = store.bucket + QLatin1Char('@') + store.prefix;
    name.replace(QLatin1Char('/'), QLatin1Char('+'));
    return recordsDir() + QLatin1Char('/') + name + QStringLiteral(".json");
}

} // namespace

Result remember(const Location& store, const QString& experiment, const QString& experimentDir)
{
    if (QFileInfo::exists(recordPath(store)))
        return Result::ok();
    const QJsonObject record { { QStringLiteral("url"), store.url() },
                               { QStringLiteral("experiment"), experiment },
                               { QStringLiteral("experiment_dir"), experimentDir },
                               { QStringLiteral("since"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate) } };
    return DeployContext::writeFile(recordPath(store), QJsonDocument(record).toJson());
}

void forget(const Location& store)
{
    QFile::remove(recordPath(store));
}

QList<Record> records()
{
    QList<Record> out;
    const QFileInfoList files = QDir(recordsDir()).entryInfoList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QFileInfo& info : files) {
        QFile f(info.filePath());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.read(64 * 1024)).object();
        Record r { o.value(QStringLiteral("url")).toString(), o.value(QStringLiteral("experiment")).toString(),
                   o.value(QStringLiteral("experiment_dir")).toString(), o.value(QStringLiteral("since")).toString() };
        if (!r.url.isEmpty() && parse(r.url))
            out << r;
    }
    return out;
}

} // namespace ResultsStore
