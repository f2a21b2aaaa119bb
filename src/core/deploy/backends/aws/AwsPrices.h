// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

// The cost estimate's one source: templates/aws/prices.json, a dated table of
// on-demand prices per region and instance type that names where it came from.
class AwsPrices
{
public:
    struct Price
    {
        double perHour = -1; // US dollars per instance-hour; -1 when not in the table
        QString note; // why there is no price, or the table's source and date
        bool known() const { return perHour >= 0; }
    };

    // Reads the installed table (AppPaths::templatesDir()/aws/prices.json).
    AwsPrices();
    explicit AwsPrices(const QString& path);

    // This region's own price for the type; unknown (with a note saying so) when either is not listed.
    Price price(const QString& region, const QString& instanceType) const;
    // S3 Standard storage in this region, US dollars per GiB-month (perHour holds it); unknown when not listed.
    Price storage(const QString& region) const;
    QString source() const { return m_source; }
    QString date() const { return m_date; }

private:
    QString m_path;
    QString m_error;
    QString m_source;
    QString m_date;
    QJsonObject m_regions;
    QJsonObject m_storage;
};
