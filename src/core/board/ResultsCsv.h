// SPDX-License-Identifier: MIT
#pragma once

#include "board/ResultsScanner.h"

#include <QString>
#include <QStringList>

// The results' columns in one order for every view, and their CSV. First the
// compare columns: condition (its slug), each key, each metric (formatted as
// the compare table shows it); then, for `logistician results`, where each
// condition stands: state, attempt, exit_code, elapsed_seconds, commit,
// image_id, host. The CLI's table and CSV and the app's Export CSV all come
// from here, so a file from either reads the same.
class ResultsCsv
{
public:
    ResultsCsv(QStringList keys, QStringList metrics);

    // The commit and image ID in full (CSV) or short, as `git log` and `docker images` show them (the table).
    enum class Ids
    {
        Full,
        Short,
    };

    QStringList compareHeader() const;
    QStringList compareCells(const ResultsScanner::ConditionResults& results) const;
    QStringList header() const;
    QStringList cells(const ResultsScanner::Row& row, Ids ids) const;

    // CSV documents, header first, one line per condition in the order given.
    QString compare(const QList<ResultsScanner::ConditionResults>& results) const;
    QString rows(const QList<ResultsScanner::Row>& rows) const;

    // RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled;
    // one a spreadsheet would run as a formula (=, +, -, @ and not a number) starts with an apostrophe.
    // Lines end in "\n" (what the CLI has always written; every CSV reader takes it).
    static QString field(const QString& text);
    static QString line(const QStringList& fields);

private:
    QStringList m_keys;
    QStringList m_metrics;
};
