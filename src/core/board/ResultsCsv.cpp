// SPDX-License-Identifier: MIT
#include "ResultsCsv.h"

#include <utility>

ResultsCsv::ResultsCsv(QStringList keys, QStringList metrics)
    : m_keys(std::move(keys))
    , m_metrics(std::move(metrics))
{
}

QStringList ResultsCsv::compareHeader() const
{
    QStringList out { QStringLiteral("condition") };
    out << m_keys << m_metrics;
    return out;
}

QStringList ResultsCsv::compareCells(const ResultsScanner::ConditionResults& results) const
{
    QStringList out { results.slug };
    for (const QString& key : m_keys)
        out << ResultsScanner::keyValue(results, key);
    for (const QString& metric : m_metrics) {
        const auto it = results.metrics.constFind(metric);
        out << (it == results.metrics.cend() ? QString() : ResultsModel::formatNumber(it.value()));
    }
    return out;
}

QStringList ResultsCsv::header() const
{
    return compareHeader() << QStringLiteral("state") << QStringLiteral("attempt") << QStringLiteral("exit_code")
                           << QStringLiteral("elapsed_seconds") << QStringLiteral("commit")
                           << QStringLiteral("image_id") << QStringLiteral("host");
}

QStringList ResultsCsv::cells(const ResultsScanner::Row& row, Ids ids) const
{
    const bool full = ids == Ids::Full;
    return compareCells(row.results) << row.state << QString::number(row.attempt)
                                     << (row.exitCode >= 0 ? QString::number(row.exitCode) : QString())
                                     << (row.elapsedSeconds >= 0 ? QString::number(row.elapsedSeconds) : QString())
                                     << (full ? row.commit : row.commit.left(12))
                                     // sha256: and 12 hex digits, as `docker images` shows an ID.
                                     << (full ? row.provenance.imageId : row.provenance.imageId.left(19))
                                     << row.provenance.host;
}

QString ResultsCsv::compare(const QList<ResultsScanner::ConditionResults>& results) const
{
    QString text = line(compareHeader());
    for (const ResultsScanner::ConditionResults& r : results)
        text += line(compareCells(r));
    return text;
}

QString ResultsCsv::rows(const QList<ResultsScanner::Row>& rows) const
{
    QString text = line(header());
    for (const ResultsScanner::Row& row : rows)
        text += line(cells(row, Ids::Full));
    return text;
}

QString ResultsCsv::field(const QString& cell)
{
    // A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
    // return before one) as a formula; a metric name or a condition from a
    // container could be =HYPERLINK(...). Such a cell gets a leading apostrophe,
    // as OWASP advises; a plain number (-0.5) stays a number.
    QString text = cell;
    static const QString starts = QStringLiteral("=+-@\t\r");
    if (!text.isEmpty() && starts.contains(text.front())) {
        bool number = false;
        text.toDouble(&number);
        if (!number)
            text.prepend(QLatin1Char('\''));
    }
    const bool quote = text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))
        || text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'));
    if (!quote)
        return text;
    return QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

QString ResultsCsv::line(const QStringList& fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString& f : fields)
        quoted << field(f);
    return quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
}
