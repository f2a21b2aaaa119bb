// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Provenance.h"

#include <QAbstractTableModel>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

class Deployment;
class Experiment;

// What a deployment's conditions left in data/<condition>/results/: every
// number found in JSON and CSV files there, by metric name, next to the
// condition's keys (`--lr 0.1 --layers 2` → lr = 0.1, layers = 2), so
// conditions compare in one table and a metric can be charted against a key.
// Plain data and free functions, safe to run on a worker thread.
namespace ResultsScanner {

struct Input
{
    QString slug;
    QString condition; // as written in parameters.json
    QString dataDir; // data/<slug>, or data/<slug>/attempt-N for its latest attempt
};

struct ConditionResults
{
    QString slug;
    QString condition;
    QString dataDir;
    QList<QPair<QString, QString>> keys; // from `--key value` conditions, in order
    QMap<QString, double> metrics;
    QStringList nonFinite; // metrics whose value is NaN or infinite (a run that diverged), not in metrics
    QStringList files; // results files read, relative to results/
    bool hasResults = false; // results/ holds at least one file
};

// Numbers of a JSON document: object members by dotted path ("train.loss"), an
// array of numbers by its last element (the final value of a history).
// NaN and Infinity (as Python's json module writes them) are named in nonFinite, not returned.
QMap<QString, double> numbersFromJson(const QByteArray& json, QStringList* nonFinite = nullptr);
// Numbers of a CSV table with a header row: each numeric column's value in the last row.
QMap<QString, double> numbersFromCsv(const QByteArray& csv, QStringList* nonFinite = nullptr);
// Every metric in a results folder (and its direct subfolders). A name found in
// two files is prefixed with the file's base name in the second.
QMap<QString, double> scanFolder(const QString& resultsDir, QStringList* files = nullptr,
                                 QStringList* nonFinite = nullptr);
QList<ConditionResults> scan(const QList<Input>& conditions);
// A deployment's conditions as scan() takes them: what the board's compare
// table and `logistician results` both scan (one function, two views).
QList<Input> inputsFor(const Deployment& deployment);

// One row of `logistician results`: a condition's results beside where it stands.
struct Row
{
    ConditionResults results;
    QString state; // DeploymentState::phaseName
    QString upload; // with a results store, ended and not synced: DeploymentState::uploadState
    int attempt = 1; // the condition's latest attempt, whose folder was scanned (deploy --rerun, max_retries)
    int exitCode = -1; // -1: not ended
    qint64 elapsedSeconds = -1; // -1: not started
    QString commit;
    // Its folder's config/provenance.json with the run wrapper's times (Provenance::read): image ID and
    // digest, host, argv, version. Empty for a folder from before provenance was recorded.
    Provenance::Record provenance;
};
// Every condition of a deployment, scanned, in the deployment's order: readRows(pendingRows(deployment)).
QList<Row> rows(const Deployment& deployment);
// The rows with where each condition stands and its folder (results.slug, condition, dataDir), not yet read:
// quick, on the caller's thread. readRows scans their folders (slow; safe on a worker thread).
QList<Row> pendingRows(const Deployment& deployment);
QList<Row> readRows(QList<Row> rows);
// The experiment's `logistician run` folders (data/local-*), oldest first: a row each,
// its keys from the run's arguments.
QList<Row> runRows(const Experiment& experiment);

// Keys and metrics across conditions, in order of first appearance (metrics sorted).
QStringList keyNames(const QList<ConditionResults>& results);
QStringList metricNames(const QList<ConditionResults>& results);
QString keyValue(const ConditionResults& results, const QString& key);

} // namespace ResultsScanner

// The comparison table: a row per condition with results, a column per
// condition key, then one per metric. Numbers sort as numbers.
class ResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        NumberRole, // double, or invalid when the cell has no number
        SlugRole,
    };

    explicit ResultsModel(QObject* parent = nullptr);

    void setResults(const QList<ResultsScanner::ConditionResults>& results);
    const QList<ResultsScanner::ConditionResults>& results() const { return m_results; }
    QStringList keys() const { return m_keys; }
    QStringList metrics() const { return m_metrics; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatNumber(double value);

private:
    QList<ResultsScanner::ConditionResults> m_results;
    QStringList m_keys;
    QStringList m_metrics;
};
