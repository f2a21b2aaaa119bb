// SPDX-License-Identifier: MIT
#include "ResultsStore.h"

#include "Parameters.h"
#include "Settings.h"
#include "aws/AwsParameters.h"
#include "deploy/DeployContext.h"
#include "deploy/RemoteScript.h"
#include "workspace/DeploymentIndex.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace ResultsStore {

namespace {

constexpr int MaxPrefixLength = 512;
// How often a running attempt's logs go up (upload.sh watch).
constexpr int LogUploadSeconds = 60;

} // namespace

QString bucketProblem(const QString& bucket)
{
    static const QRegularExpression name(QStringLiteral("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"));
    static const QRegularExpression address(QStringLiteral("^\\d+\\.\\d+\\.\\d+\\.\\d+$"));
    if (!name.match(bucket).hasMatch())
        return QStringLiteral("the bucket name \"%1\" is not one S3 allows: 3 to 63 lowercase letters, digits, '.' "
                              "and '-', beginning and ending with a letter or digit")
            .arg(bucket.left(80));
    if (bucket.contains(QLatin1String("..")))
        return QStringLiteral("the bucket name \"%1\" has two '.' in a row, which S3 does not allow").arg(bucket);
    if (address.match(bucket).hasMatch())
        return QStringLiteral("the bucket name \"%1\" looks like an IP address, which S3 does not allow").arg(bucket);
    if (bucket.startsWith(QLatin1String("xn--")) || bucket.startsWith(QLatin1String("sthree-"))
        || bucket.endsWith(QLatin1String("-s3alias")) || bucket.endsWith(QLatin1String("--ol-s3")))
        return QStringLiteral("the bucket name \"%1\" uses a prefix or suffix S3 keeps for itself").arg(bucket);
    return {};
}

QString prefixProblem(const QString& prefix)
{
    static const QRegularExpression word(QStringLiteral("^[A-Za-z0-9._-]+$"));
    if (prefix.isEmpty())
        return QStringLiteral("the prefix is missing: give the experiment's folder in the bucket, "
                              "s3://BUCKET/PREFIX (e.g. s3://my-results/sweep-1)");
    if (prefix.size() > MaxPrefixLength)
        return QStringLiteral("the prefix is longer than %1 characters").arg(MaxPrefixLength);
    for (const QString& part : prefix.split(QLatin1Char('/'))) {
        if (part.isEmpty())
            return QStringLiteral("the prefix \"%1\" has an empty part (\"//\", or a '/' at an end)").arg(prefix);
        if (part == QLatin1String(".") || part == QLatin1String(".."))
            return QStringLiteral("the prefix \"%1\" has a \"%2\" part").arg(prefix, part);
        if (!word.match(part).hasMatch())
            return QStringLiteral("the prefix may hold only letters, digits, '.', '_', '-' and '/' between parts");
    }
    return {};
}

QString rule(const QString& text)
{
    if (text.isEmpty())
        return {}; // no store
    if (!text.startsWith(QLatin1String("s3://")))
        return QStringLiteral("must be an S3 address, s3://BUCKET/PREFIX");
    const QString rest = text.mid(5);
    const int slash = rest.indexOf(QLatin1Char('/'));
    const QString bucket = slash < 0 ? rest : rest.left(slash);
    if (const QString why = bucketProblem(bucket); !why.isEmpty())
        return QStringLiteral("must be s3://BUCKET/PREFIX, and %1").arg(why);
    if (const QString why = prefixProblem(slash < 0 ? QString() : rest.mid(slash + 1)); !why.isEmpty())
        return QStringLiteral("must be s3://BUCKET/PREFIX, and %1").arg(why);
    return {};
}

std::optional<Location> parse(const QString& text)
{
    if (text.isEmpty() || !rule(text).isEmpty())
        return std::nullopt;
    const QString rest = text.mid(5);
    const int slash = rest.indexOf(QLatin1Char('/'));
    return Location { rest.left(slash), rest.mid(slash + 1) };
}

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

QString keyProblem(const QString& key)
{
    if (key.isEmpty())
        return QStringLiteral("an empty name");
    if (key.startsWith(QLatin1Char('/')))
        return QStringLiteral("an absolute path");
    for (const QChar c : key) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Control
            || c.category() == QChar::Other_Format || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return QStringLiteral("a control character");
        if (c == QLatin1Char('\\'))
            return QStringLiteral("a backslash");
    }
    for (const QString& part : key.split(QLatin1Char('/'))) {
        if (part == QLatin1String(".."))
            return QStringLiteral("a \"..\" part (outside the data folder)");
        if (part == QLatin1String("."))
            return QStringLiteral("a \".\" part");
        if (part.isEmpty())
            return QStringLiteral("an empty part (\"//\" or a '/' at its end)");
    }
    return {};
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

Result writeUploadScript(const DeployContext& ctx, const DeploymentState::Host& host,
                         const DeploymentState::Condition& condition, int attempt, const QString& folder)
{
    const Parameters& p = ctx.experiment.parameters();
    const std::optional<Location> store = of(p);
    if (!store || !ctx.isRemote())
        return Result::ok();
    // On aws the machines' own region (the bucket is made there); elsewhere the host's AWS CLI settings.
    QString region;
    if (ctx.state.backend == QLatin1String("aws")) {
        AwsParameters::Machine machine;
        if (AwsParameters::resolve(p, Settings(), &machine))
            region = machine.region;
    }
    const RemoteScript script = RemoteScript(QStringLiteral("upload"))
                                    .set(QStringLiteral("SOURCE"), ctx.dataDirOnHost(host, condition, 1))
                                    .set(QStringLiteral("LOGS"), DeploymentState::Condition::logsFolder(attempt))
                                    .set(QStringLiteral("DESTINATION"), store->conditionUrl(condition.slug))
                                    .set(QStringLiteral("KEY"), condition.attemptKey(attempt))
                                    .set(QStringLiteral("REGION"), region)
                                    .set(QStringLiteral("INTERVAL"), QString::number(LogUploadSeconds));
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
