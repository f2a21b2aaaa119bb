// SPDX-License-Identifier: MIT
#include "ResultsScanner.h"

#include "LocalRun.h"
#include "ShellWords.h"
#include "deploy/Deployment.h"
#include "files/SafeFile.h"
#include "workspace/ConditionGrid.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <cmath>

namespace {

constexpr qint64 MaxFileBytes = 32 * 1024 * 1024; // bigger files are data, not a summary
constexpr int MaxJsonDepth = 6;

// What NaN, Infinity and -Infinity (not JSON, but Python's json.dump writes them) become before parsing.
const QString NonFiniteMark = QStringLiteral("logistician:non-finite");

void collectJson(const QJsonValue& value, const QString& path, int depth, QMap<QString, double>* out,
                 QStringList* nonFinite)
{
    if (depth > MaxJsonDepth)
        return;
    if (value.isDouble()) {
        if (!path.isEmpty() && std::isfinite(value.toDouble()))
            out->insert(path, value.toDouble());
        return;
    }
    if (value.isString() && value.toString() == NonFiniteMark) {
        if (!path.isEmpty() && nonFinite && !nonFinite->contains(path))
            *nonFinite << path;
        return;
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collectJson(it.value(), path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(), depth + 1, out,
                        nonFinite);
        return;
    }
    if (value.isArray()) {
        // A history of numbers ends with its final value; an array of records reads its last record.
        const QJsonArray array = value.toArray();
        if (!array.isEmpty())
            collectJson(array.last(), path, depth + 1, out, nonFinite);
    }
}

QStringList splitCsvLine(const QString& line, QChar separator)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line.at(i + 1) == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == separator) {
            fields << field.trimmed();
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field.trimmed();
    return fields;
}

} // namespace

namespace ResultsScanner {

QMap<QString, double> numbersFromJson(const QByteArray& json, QStringList* nonFinite)
{
    QMap<QString, double> out;
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError && (json.contains("NaN") || json.contains("Infinity"))) {
        // A diverged run's {"loss": NaN}: the bare words outside strings become a mark, then parse again.
        QByteArray marked;
        marked.reserve(json.size());
        bool inString = false;
        for (qsizetype i = 0; i < json.size(); ++i) {
            const char c = json.at(i);
            if (inString) {
                marked += c;
                if (c == '\\' && i + 1 < json.size())
                    marked += json.at(++i);
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
                inString = true;
            const QByteArray rest = QByteArray::fromRawData(json.constData() + i, json.size() - i);
            const int skip = rest.startsWith("NaN") ? 3
                : rest.startsWith("-Infinity")      ? 9
                : rest.startsWith("Infinity")       ? 8
                                                    : 0;
            if (skip > 0) {
                marked += '"' + NonFiniteMark.toUtf8() + '"';
                i += skip - 1;
                continue;
            }
            marked += c;
        }
        doc = QJsonDocument::fromJson(marked, &error);
    }
    if (error.error != QJsonParseError::NoError)
        return out;
    if (doc.isObject())
        collectJson(doc.object(), QString(), 0, &out, nonFinite);
    else if (doc.isArray())
        collectJson(doc.array(), QString(), 0, &out, nonFinite);
    return out;
}

QMap<QString, double> numbersFromCsv(const QByteArray& csv, QStringList* nonFinite)
{
    QMap<QString, double> out;
    QStringList lines;
    for (const QByteArray& raw : csv.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (!line.isEmpty() && !line.startsWith(QLatin1Char('#')))
            lines << line;
    }
    if (lines.size() < 2)
        return out;
    const QChar separator = lines.first().count(QLatin1Char(';')) > lines.first().count(QLatin1Char(','))
        ? QLatin1Char(';')
        : lines.first().contains(QLatin1Char('\t')) && !lines.first().contains(QLatin1Char(',')) ? QLatin1Char('\t')
                                                                                                 : QLatin1Char(',');
    const QStringList header = splitCsvLine(lines.first(), separator);
    const QStringList last = splitCsvLine(lines.last(), separator);
    for (int i = 0; i < header.size() && i < last.size(); ++i) {
        bool ok = false;
        const double value = last.at(i).toDouble(&ok);
        if (ok && !header.at(i).isEmpty() && std::isfinite(value))
            out.insert(header.at(i), value);
        else if (ok && !header.at(i).isEmpty() && nonFinite)
            *nonFinite << header.at(i);
    }
    return out;
}

QMap<QString, double> scanFolder(const QString& resultsDir, QStringList* files, QStringList* nonFinite)
{
    QMap<QString, double> out;
    const QDir root(resultsDir);
    if (!root.exists())
        return out;
    QStringList candidates;
    const QStringList filters { QStringLiteral("*.json"), QStringLiteral("*.csv"), QStringLiteral("*.tsv") };
    // What a container wrote (or a sync brought): no symlink is followed, no FIFO
    // or device opened (SafeFile reads regular files only, and never blocks).
    const QDir::Filters regular = QDir::Files | QDir::Readable | QDir::NoSymLinks;
    for (const QString& name : root.entryList(filters, regular, QDir::Name))
        candidates << name;
    for (const QString& sub :
         root.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Readable | QDir::NoSymLinks, QDir::Name)) {
        for (const QString& name : QDir(root.filePath(sub)).entryList(filters, regular, QDir::Name))
            candidates << sub + QLatin1Char('/') + name;
    }
    for (const QString& relative : std::as_const(candidates)) {
        const auto read = SafeFile::read(root.filePath(relative), MaxFileBytes, root.absolutePath());
        if (!read)
            continue;
        const QByteArray& data = *read;
        QStringList diverged;
        const QMap<QString, double> numbers = relative.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)
            ? numbersFromJson(data, &diverged)
            : numbersFromCsv(data, &diverged);
        if (nonFinite) {
            for (const QString& name : std::as_const(diverged)) {
                if (!nonFinite->contains(name) && !out.contains(name))
                    *nonFinite << name;
            }
        }
        if (numbers.isEmpty())
            continue;
        if (files)
            *files << relative;
        const QString stem = QFileInfo(relative).completeBaseName();
        for (auto it = numbers.begin(); it != numbers.end(); ++it) {
            const QString name = out.contains(it.key()) ? stem + QLatin1Char('.') + it.key() : it.key();
            out.insert(name, it.value());
        }
    }
    return out;
}

QList<ConditionResults> scan(const QList<Input>& conditions)
{
    QList<ConditionResults> out;
    for (const Input& input : conditions) {
        ConditionResults r;
        r.slug = input.slug;
        r.condition = input.condition;
        r.dataDir = input.dataDir;
        const ConditionGrid::Parsed parsed = ConditionGrid::parse(input.condition);
        if (parsed.keyed)
            r.keys = parsed.pairs;
        const QString results = input.dataDir + QStringLiteral("/results");
        r.hasResults = !QDir(results).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty();
        if (r.hasResults)
            r.metrics = scanFolder(results, &r.files, &r.nonFinite);
        out << r;
    }
    return out;
}

QList<Input> inputsFor(const Deployment& deployment)
{
    QList<Input> inputs;
    for (const DeploymentState::Condition& c : deployment.state().conditions)
        inputs << Input { c.slug, c.text, deployment.localDataDir(c) };
    return inputs;
}

QList<Row> rows(const Deployment& deployment)
{
    return readRows(pendingRows(deployment));
}

QList<Row> pendingRows(const Deployment& deployment)
{
    const DeploymentState& state = deployment.state();
    QList<Row> out;
    for (const DeploymentState::Condition& c : state.conditions) {
        Row row;
        row.results.slug = c.slug;
        row.results.condition = c.text;
        row.results.dataDir = deployment.localDataDir(c);
        row.state = DeploymentState::phaseName(c.phase);
        row.upload = state.uploadState(c);
        row.attempt = c.attempt;
        row.exitCode = c.exitCode;
        row.elapsedSeconds = Deployment::elapsedSeconds(c);
        row.commit = state.commit;
        out << row;
    }
    return out;
}

QList<Row> readRows(QList<Row> rows)
{
    QList<Input> inputs;
    for (const Row& row : std::as_const(rows))
        inputs << Input { row.results.slug, row.results.condition, row.results.dataDir };
    const QList<ConditionResults> scanned = scan(inputs);
    for (int i = 0; i < scanned.size(); ++i) {
        Row& row = rows[i];
        row.results = scanned.at(i);
        row.provenance = Provenance::read(row.results.dataDir);
        if (row.exitCode < 0 && row.state != DeploymentState::phaseName(DeploymentState::Phase::Running))
            row.exitCode = row.provenance.exitCode; // the wrapper's, synced before the status knew it
    }
    return rows;
}

QList<Row> runRows(const Experiment& experiment)
{
    QList<LocalRun::Record> records = LocalRun::history(experiment);
    std::reverse(records.begin(), records.end());
    QList<Input> inputs;
    for (const LocalRun::Record& record : std::as_const(records)) {
        QStringList arguments;
        for (const QJsonValue& word : record.config.value(QStringLiteral("arguments")).toArray())
            arguments << word.toString();
        const QString options = record.config.value(QStringLiteral("options")).toString();
        inputs << Input { QFileInfo(record.dataDir).fileName(),
                          options.isEmpty() ? ShellWords::join(arguments) : options, record.dataDir };
    }
    const QList<ConditionResults> scanned = scan(inputs);
    QList<Row> out;
    for (int i = 0; i < scanned.size(); ++i) {
        const QJsonObject& config = records.at(i).config;
        Row row;
        row.results = scanned.at(i);
        row.commit = config.value(QStringLiteral("commit")).toString();
        row.provenance = Provenance::read(row.results.dataDir);
        row.exitCode = config.value(QStringLiteral("exit_code")).toInt(-1);
        row.state = row.exitCode < 0 ? QStringLiteral("running")
            : row.exitCode == 0      ? QStringLiteral("succeeded")
                                     : QStringLiteral("failed");
        const QDateTime started
            = QDateTime::fromString(config.value(QStringLiteral("started")).toString(), Qt::ISODate);
        const QDateTime finished
            = QDateTime::fromString(config.value(QStringLiteral("finished")).toString(), Qt::ISODate);
        if (started.isValid())
            row.elapsedSeconds = started.secsTo(finished.isValid() ? finished : QDateTime::currentDateTimeUtc());
        out << row;
    }
    return out;
}

QStringList keyNames(const QList<ConditionResults>& results)
{
    QStringList keys;
    for (const ConditionResults& r : results) {
        for (const auto& pair : r.keys) {
            if (!keys.contains(pair.first))
                keys << pair.first;
        }
    }
    return keys;
}

QStringList metricNames(const QList<ConditionResults>& results)
{
    QSet<QString> seen;
    QStringList metrics;
    for (const ConditionResults& r : results) {
        for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it) {
            if (!seen.contains(it.key())) {
                seen.insert(it.key());
                metrics << it.key();
            }
        }
    }
    metrics.sort(Qt::CaseInsensitive);
    return metrics;
}

QString keyValue(const ConditionResults& results, const QString& key)
{
    for (const auto& pair : results.keys) {
        if (pair.first == key)
            return pair.second;
    }
    return QString();
}

} // namespace ResultsScanner

// --- ResultsModel ---------------------------------------------------------------------------------

ResultsModel::ResultsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ResultsModel::setResults(const QList<ResultsScanner::ConditionResults>& results)
{
    beginResetModel();
    m_results.clear();
    for (const ResultsScanner::ConditionResults& r : results) {
        if (r.hasResults)
            m_results << r;
    }
    m_keys = ResultsScanner::keyNames(m_results);
    m_metrics = ResultsScanner::metricNames(m_results);
    endResetModel();
}

QString ResultsModel::formatNumber(double value)
{
    return QString::number(value, 'g', 6);
}

int ResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_results.size());
}

int ResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 1 + static_cast<int>(m_keys.size() + m_metrics.size());
}

QVariant ResultsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_results.size())
        return {};
    const ResultsScanner::ConditionResults& r = m_results.at(index.row());
    const int column = index.column();
    if (role == SlugRole)
        return r.slug;
    if (column == 0) {
        if (role == Qt::DisplayRole)
            return r.condition.isEmpty() ? r.slug : r.condition;
        if (role == SortRole)
            return index.row();
        if (role == Qt::ToolTipRole)
            return QStringLiteral("%1\n%2").arg(r.slug, r.files.join(QStringLiteral(", ")));
        return {};
    }
    if (column <= m_keys.size()) {
        const QString value = ResultsScanner::keyValue(r, m_keys.at(column - 1));
        bool ok = false;
        const double number = value.toDouble(&ok);
        if (role == Qt::DisplayRole)
            return value;
        if (role == NumberRole)
            return ok ? QVariant(number) : QVariant();
        if (role == SortRole)
            return ok ? QVariant(number) : QVariant(value);
        return {};
    }
    const QString metric = m_metrics.value(column - 1 - m_keys.size());
    const auto it = r.metrics.constFind(metric);
    if (it == r.metrics.cend())
        return {};
    if (role == Qt::DisplayRole)
        return formatNumber(it.value());
    if (role == NumberRole || role == SortRole)
        return it.value();
    if (role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return tr("Condition");
    if (section <= m_keys.size())
        return QStringLiteral("--") + m_keys.at(section - 1);
    return m_metrics.value(section - 1 - m_keys.size());
}
