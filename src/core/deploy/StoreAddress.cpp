// SPDX-License-Identifier: MIT
#include "StoreAddress.h"

#include <QRegularExpression>
#include <QStringList>

namespace ResultsStore {

namespace {

constexpr int MaxPrefixLength = 512;

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

} // namespace ResultsStore
