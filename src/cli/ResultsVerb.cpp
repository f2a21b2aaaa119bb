// SPDX-License-Identifier: MIT
#include "ResultsVerb.h"

#include "Console.h"
#include "DeployVerb.h"
#include "board/ResultsCsv.h"
#include "board/ResultsScanner.h"
#include "deploy/Deployment.h"

#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <optional>

namespace {

using Row = ResultsScanner::Row;

// A row's number for a key or metric (keys that are numbers count too).
std::optional<double> numberOf(const Row& row, const QString& name)
{
    const auto it = row.results.metrics.constFind(name);
    if (it != row.results.metrics.cend())
        return it.value();
    bool ok = false;
    const double value = ResultsScanner::keyValue(row.results, name).toDouble(&ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

struct Columns
{
    QStringList keys;
    QStringList metrics;
};

// Aligned columns for people; the columns and their order are the CSV's (ResultsCsv).
QString table(const QList<Row>& rows, const Columns& columns)
{
    const ResultsCsv csv(columns.keys, columns.metrics);
    QList<QStringList> lines { csv.header() };
    for (const Row& row : rows)
        lines << csv.cells(row, ResultsCsv::Ids::Short);
    QList<int> widths(lines.first().size(), 0);
    for (const QStringList& line : lines) {
        for (int i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], static_cast<int>(line.at(i).size()));
    }
    QString text;
    for (const QStringList& line : lines) {
        QStringList padded;
        for (int i = 0; i < line.size(); ++i)
            padded << (i + 1 < line.size() ? line.at(i).leftJustified(widths[i]) : line.at(i));
        text += padded.join(QStringLiteral("  ")) + QLatin1Char('\n');
    }
    return text;
}

QJsonObject json(const QList<Row>& rows, const Columns& columns, const QString& experiment, const QString& source)
{
    QJsonArray items;
    for (const Row& row : rows) {
        QJsonObject keys;
        for (const auto& pair : row.results.keys)
            keys.insert(pair.first, pair.second);
        QJsonObject metrics;
        for (const QString& metric : columns.metrics) {
            const auto it = row.results.metrics.constFind(metric);
            if (it != row.results.metrics.cend())
                metrics.insert(metric, it.value());
        }
        QJsonObject o {
            { QStringLiteral("slug"), row.results.slug },
            { QStringLiteral("condition"), row.results.condition },
            { QStringLiteral("keys"), keys },
            { QStringLiteral("metrics"), metrics },
            { QStringLiteral("files"), QJsonArray::fromStringList(row.results.files) },
            { QStringLiteral("state"), row.state },
            { QStringLiteral("upload"), row.upload.isEmpty() ? QJsonValue() : QJsonValue(row.upload) },
            { QStringLiteral("attempt"), row.attempt },
            { QStringLiteral("commit"), row.commit },
            { QStringLiteral("data_dir"), row.results.dataDir },
        };
        o.insert(QStringLiteral("exit_code"), row.exitCode >= 0 ? QJsonValue(row.exitCode) : QJsonValue());
        o.insert(QStringLiteral("elapsed_seconds"),
                 row.elapsedSeconds >= 0 ? QJsonValue(row.elapsedSeconds) : QJsonValue());
        // Provenance (docs/json.md): the fields of the folder's config/provenance.json a reviewer traces by.
        const QJsonObject provenance = row.provenance.toJson();
        for (const char* field : { "dirty", "image", "image_id", "repo_digest", "host", "instance_id", "argv",
                                   "options", "started_at", "finished_at", "logistician_version" }) {
            const QString key = QLatin1String(field);
            o.insert(key,
                     row.provenance.isEmpty() && key != QLatin1String("argv") ? QJsonValue() : provenance.value(key));
        }
        items.append(o);
    }
    return QJsonObject {
        { QStringLiteral("verb"), QStringLiteral("results") },
        { QStringLiteral("exit_code"), 0 },
        { QStringLiteral("error"), QJsonValue() },
        { QStringLiteral("experiment"), experiment },
        { QStringLiteral("source"), source },
        { QStringLiteral("keys"), QJsonArray::fromStringList(columns.keys) },
        { QStringLiteral("metrics"), QJsonArray::fromStringList(columns.metrics) },
        { QStringLiteral("rows"), items },
    };
}

// "M" or "M:min" / "M:max": the name and whether larger is better.
struct Order
{
    QString name;
    bool descending = false;
};

// --sort or --best (required: the direction must be given); BadInput naming the verb.
ResultOf<Order> orderOf(const QString& value, bool required)
{
    const int colon = value.lastIndexOf(QLatin1Char(':'));
    const QString direction = colon < 0 ? QString() : value.mid(colon + 1);
    Order out;
    out.name = colon < 0 ? value : value.left(colon);
    if (out.name.isEmpty() || (colon >= 0 && direction != QLatin1String("min") && direction != QLatin1String("max"))
        || (required && colon < 0))
        return Result::badInput(QStringLiteral("results: \"%1\" is not METRIC%2")
                                    .arg(value, required ? ":min or METRIC:max" : "[:min|:max]"));
    out.descending = direction == QLatin1String("max");
    return out;
}

// --metric, repeated or with commas: the metrics shown, each one some condition has.
ResultOf<QStringList> chosenMetrics(const QStringList& values, const QStringList& metrics)
{
    QStringList chosen;
    for (const QString& value : values) {
        for (const QString& m : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!metrics.contains(m))
                return Result::badInput(QStringLiteral("results: no condition has the metric \"%1\"; there are: %2")
                                            .arg(m, metrics.join(QStringLiteral(", "))));
            chosen << m;
        }
    }
    return chosen;
}

// Rows with the number first, in its order; rows without it last, in their order.
void sortRows(QList<Row>& rows, const Order& by)
{
    std::stable_sort(rows.begin(), rows.end(), [&by](const Row& a, const Row& b) {
        const auto x = numberOf(a, by.name);
        const auto y = numberOf(b, by.name);
        if (!x || !y)
            return x.has_value() && !y.has_value();
        return by.descending ? *x > *y : *x < *y;
    });
}

// With a results store, what is missing here comes home from it first (the machines may be gone); what cannot
// is said, and the table shows what is here.
void fetchFromStore(Deployment& deployment)
{
    const DeployVerb::Awaited fetched = DeployVerb::await(deployment, [&] { deployment.fetchFromStore(); });
    if (fetched.code != 0)
        Console::err(QStringLiteral("results: %1\n").arg(fetched.message));
}

// The rows as how says (json, csv, table); with csv or a table, the conditions whose upload to the results store
// did not finish are named on stderr (in JSON, their "upload" says it).
void print(const QString& how, const QList<Row>& rows, const Columns& columns, const QString& experiment,
           const QString& source)
{
    if (how == QLatin1String("json")) {
        Console::printJson(json(rows, columns, experiment, source));
        return;
    }
    Console::out(how == QLatin1String("csv") ? ResultsCsv(columns.keys, columns.metrics).rows(rows)
                                             : table(rows, columns));
    for (const Row& row : rows) {
        if (!row.upload.isEmpty() && row.upload != QLatin1String("uploaded"))
            Console::err(
                QStringLiteral("results: %1: %2 (its results are not here)\n").arg(row.results.slug, row.upload));
    }
}

} // namespace

int ResultsVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("table (default), csv or json (the same as --json)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("table"));
    const QCommandLineOption metric(QStringLiteral("metric"),
                                    QStringLiteral("Show only metric M; repeat it for several."), QStringLiteral("M"));
    const QCommandLineOption sort(QStringLiteral("sort"),
                                  QStringLiteral("Sort the rows by key or metric M, smallest first (rows without it "
                                                 "last); M:max sorts largest first."),
                                  QStringLiteral("M"));
    const QCommandLineOption best(QStringLiteral("best"),
                                  QStringLiteral("Show only the condition with the best M, e.g. loss:min or "
                                                 "accuracy:max; exit code 1 when no condition has M."),
                                  QStringLiteral("M:min|max"));
    parser.addOption(format);
    parser.addOption(metric);
    parser.addOption(sort);
    parser.addOption(best);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    const QString how = Console::jsonMode() ? QStringLiteral("json") : parser.value(format);
    if (how != QLatin1String("table") && how != QLatin1String("csv") && how != QLatin1String("json"))
        return Console::exitWith(
            Result::badInput(QStringLiteral("results: --format is table, csv or json, not \"%1\"").arg(how)));
    if (how == QLatin1String("json"))
        Console::setJsonMode(name());

    const auto sortBy = parser.isSet(sort) ? orderOf(parser.value(sort), false) : ResultOf<Order>(Order());
    if (!sortBy)
        return Console::exitWith(sortBy.error());
    const auto bestBy = parser.isSet(best) ? orderOf(parser.value(best), true) : ResultOf<Order>(Order());
    if (!bestBy)
        return Console::exitWith(bestBy.error());

    ResultOf<std::unique_ptr<Deployment>> loaded = openDeployment(parser);
    if (!loaded)
        return Console::exitWith(loaded.error());
    const std::unique_ptr<Deployment> opened = loaded.take();
    // No deployment: the results of `logistician run`, one row per run folder.
    const bool deployed = opened->hasDeployment();
    if (deployed)
        fetchFromStore(*opened);
    QList<Row> rows = deployed ? ResultsScanner::rows(*opened) : ResultsScanner::runRows(opened->experiment());
    if (!deployed && rows.isEmpty())
        return Console::exitWith(Result::badInput(
            QStringLiteral("%1: nothing is deployed and nothing was run; run `logistician deploy` or `logistician "
                           "run` first")
                .arg(opened->experiment().dir())));
    const QString experiment
        = deployed ? opened->state().experiment : opened->experiment().parameters().experimentName();

    QList<ResultsScanner::ConditionResults> scanned;
    for (const Row& row : std::as_const(rows))
        scanned << row.results;
    Columns columns { ResultsScanner::keyNames(scanned), ResultsScanner::metricNames(scanned) };
    if (parser.isSet(metric)) {
        const auto chosen = chosenMetrics(parser.values(metric), columns.metrics);
        if (!chosen)
            return Console::exitWith(chosen.error());
        columns.metrics = *chosen;
    }
    if (parser.isSet(sort))
        sortRows(rows, *sortBy);
    if (parser.isSet(best)) {
        sortRows(rows, *bestBy);
        if (rows.isEmpty() || !numberOf(rows.first(), bestBy->name))
            return Console::exitWith(
                Result::failed(QStringLiteral("results: no condition has a number for \"%1\"").arg(bestBy->name)));
        rows = { rows.first() };
    }

    print(how, rows, columns, experiment, deployed ? QStringLiteral("deployment") : QStringLiteral("runs"));
    return 0;
}
