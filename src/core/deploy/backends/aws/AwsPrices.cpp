// SPDX-License-Identifier: MIT
#include "AwsPrices.h"

#include "AppPaths.h"

#include <QFile>
#include <QJsonDocument>

AwsPrices::AwsPrices()
    : AwsPrices(AppPaths::templatesDir() + QStringLiteral("/aws/prices.json"))
{
}

AwsPrices::AwsPrices(const QString& path)
    : m_path(path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("%1: cannot read the price table").arg(path);
        return;
    }
    QJsonParseError parseError;
    const QJsonObject table = QJsonDocument::fromJson(file.read(4 << 20), &parseError).object();
    if (table.isEmpty()) {
        m_error = QStringLiteral("%1: not a price table (%2)").arg(path, parseError.errorString());
        return;
    }
    m_source = table.value(QStringLiteral("source")).toString();
    m_date = table.value(QStringLiteral("date")).toString();
    m_regions = table.value(QStringLiteral("regions")).toObject();
    m_storage = table.value(QStringLiteral("storage")).toObject();
}

AwsPrices::Price AwsPrices::storage(const QString& region) const
{
    Price p;
    const QJsonValue v = m_storage.value(QStringLiteral("s3_standard_per_gib_month")).toObject().value(region);
    if (!m_error.isEmpty() || !v.isDouble()) {
        p.note = m_error.isEmpty()
            ? QStringLiteral("no S3 storage price for region %1 in the table (%2)").arg(region, m_path)
            : m_error;
        return p;
    }
    p.perHour = v.toDouble();
    p.note = QStringLiteral("S3 Standard in %1, prices of %2")
                 .arg(region, m_storage.value(QStringLiteral("date")).toString());
    return p;
}

AwsPrices::Price AwsPrices::price(const QString& region, const QString& instanceType) const
{
    Price p;
    if (!m_error.isEmpty()) {
        p.note = m_error;
        return p;
    }
    if (!m_regions.contains(region)) {
        p.note = QStringLiteral("no price for region %1 in the table (%2, %3); see the EC2 pricing page")
                     .arg(region, m_path, m_date);
        return p;
    }
    const QJsonValue v = m_regions.value(region).toObject().value(instanceType);
    if (!v.isDouble()) {
        p.note = QStringLiteral("no price for %1 in %2 in the table (%3, %4); see the EC2 pricing page")
                     .arg(instanceType, region, m_path, m_date);
        return p;
    }
    p.perHour = v.toDouble();
    p.note = QStringLiteral("on-demand %1 prices of %2").arg(region, m_date);
    return p;
}
