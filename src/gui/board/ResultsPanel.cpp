// SPDX-License-Identifier: MIT
#include "ResultsPanel.h"

#include "Dialogs.h"
#include "Settings.h"
#include "Theme.h"
#include "board/BoardStyle.h"
#include "board/ResultsCsv.h"
#include "deploy/DeploymentState.h"
#include "keys/ViewKeys.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QLogValueAxis>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScatterSeries>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

namespace {

constexpr qint64 MaxPreviewBytes = 256 * 1024;
constexpr int MaxSeries = 8;
// A chart never shown (its view has no size yet) is saved at this size.
constexpr QSize DefaultChartSize(960, 600);

const QList<QColor>& seriesColours()
{
    static const QList<QColor> colours { QColor(0x2b, 0x6f, 0xe0), QColor(0xe0, 0x6c, 0x1f), QColor(0x1e, 0x9e, 0x4a),
                                         QColor(0xc0, 0x39, 0x8b), QColor(0x7c, 0x5c, 0xd6), QColor(0x14, 0xa8, 0xa0),
                                         QColor(0xb5, 0x8b, 0x00), QColor(0x70, 0x75, 0x7e) };
    return colours;
}

} // namespace

ResultsPanel::ResultsPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new ResultsModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_stack(new QStackedWidget)
    , m_empty(new QLabel)
    , m_tabs(new QTabWidget)
    , m_table(new QTableView)
    , m_metric(new QComboBox)
    , m_key(new QComboBox)
    , m_series(new QComboBox)
    , m_missing(new QLabel)
    , m_saved(new QLabel)
    , m_exportCsv(new QPushButton(tr("E&xport CSV…")))
    , m_saveChart(new QPushButton(tr("Save C&hart…")))
    , m_chartView(new QChartView)
    , m_conditions(new QListWidget)
    , m_files(new QTreeView)
    , m_fileModel(new QFileSystemModel(this))
    , m_preview(new QPlainTextEdit)
{
    setObjectName(QStringLiteral("resultsPanel"));
    setObjectNames();
    setUpLabels();
    setUpTable();
    // Export CSV… sits beside the tabs: the table gets every line of the height.
    auto* corner = new QWidget;
    auto* cornerLayout = new QHBoxLayout(corner);
    cornerLayout->setContentsMargins(0, 0, 0, 2);
    cornerLayout->addWidget(m_saved, 1);
    cornerLayout->addWidget(m_exportCsv);
    m_tabs->setCornerWidget(corner, Qt::TopRightCorner);
    QWidget* comparePage = m_table;
    m_tabs->addTab(comparePage, tr("Compare"));
    m_tabs->addTab(buildChartPage(), tr("Chart"));
    m_tabs->addTab(buildFilesPage(), tr("Files"));
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_tabs);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_stack);

    connectSignals();
}

void ResultsPanel::setObjectNames()
{
    m_tabs->setObjectName(QStringLiteral("resultsTabs"));
    m_table->setObjectName(QStringLiteral("resultsTable"));
    m_metric->setObjectName(QStringLiteral("metricCombo"));
    m_key->setObjectName(QStringLiteral("keyCombo"));
    m_series->setObjectName(QStringLiteral("seriesCombo"));
    m_missing->setObjectName(QStringLiteral("chartMissing"));
    m_saved->setObjectName(QStringLiteral("resultsSaved"));
    m_chartView->setObjectName(QStringLiteral("resultsChart"));
    m_conditions->setObjectName(QStringLiteral("resultsConditions"));
    m_files->setObjectName(QStringLiteral("resultsFiles"));
    m_preview->setObjectName(QStringLiteral("resultsPreview"));
    m_empty->setObjectName(QStringLiteral("resultsEmpty"));
    m_exportCsv->setObjectName(QStringLiteral("exportCsvButton"));
    m_saveChart->setObjectName(QStringLiteral("saveChartButton"));
    m_exportCsv->setAccessibleName(tr("Export the compare table as CSV"));
    m_exportCsv->setToolTip(tr("Save the table's rows, in the order shown, as a CSV file"));
    m_saveChart->setAccessibleName(tr("Save the chart as PNG or SVG"));
    m_saveChart->setToolTip(tr("Save the chart as a PNG image or an SVG drawing"));
}

void ResultsPanel::setUpLabels()
{
    m_empty->setText(tr("No results yet. Results appear here once conditions have finished and been synced:\n"
                        "numbers in results/*.json and results/*.csv are compared across conditions."));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    QPalette muted = m_empty->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_empty->setPalette(muted);
    m_saved->setPalette(muted);
    m_saved->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_missing->setWordWrap(true);
    m_missing->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_missing->setAccessibleName(tr("Conditions not on the chart"));
    m_missing->hide();
}

void ResultsPanel::setUpTable()
{
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(ResultsModel::SortRole);
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    ViewKeys::install(m_table);
    m_table->setAccessibleName(tr("Results"));
}

QWidget* ResultsPanel::buildChartPage()
{
    // The chart: a metric against a key, a line per value of another.
    auto* chartPage = new QWidget;
    auto* chartTop = new QHBoxLayout;
    chartTop->setContentsMargins(0, 0, 0, 0);
    auto* metricLabel = new QLabel(tr("&Metric:"));
    metricLabel->setBuddy(m_metric);
    chartTop->addWidget(metricLabel);
    chartTop->addWidget(m_metric, 2);
    auto* against = new QLabel(tr("&against:"));
    against->setBuddy(m_key);
    chartTop->addWidget(against);
    chartTop->addWidget(m_key, 1);
    auto* perLabel = new QLabel(tr("&lines:"));
    perLabel->setBuddy(m_series);
    m_series->setToolTip(tr("One line per value of this key"));
    m_series->setAccessibleName(tr("One line per value of"));
    chartTop->addWidget(perLabel);
    chartTop->addWidget(m_series, 1);
    chartTop->addWidget(m_saveChart);
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_metric->setMinimumContentsLength(8);
    for (QComboBox* combo : { m_key, m_series }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6);
    }
    auto* chartLayout = new QVBoxLayout(chartPage);
    chartLayout->setContentsMargins(4, 4, 4, 4);
    chartLayout->setSpacing(4);
    chartLayout->addLayout(chartTop);
    chartLayout->addWidget(m_chartView, 1);
    chartLayout->addWidget(m_missing);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setFrameShape(QFrame::NoFrame);
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    if (Theme::isDark(palette()))
        chart->setTheme(QChart::ChartThemeDark);
    chart->setBackgroundRoundness(0);
    // The application's font, not the charts' small default: readable in a paper draft.
    QFont titleFont = font();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->legend()->setFont(font());
    m_chartView->setChart(chart);

    return chartPage;
}

QWidget* ResultsPanel::buildFilesPage()
{
    // The files of each condition.
    m_fileModel->setReadOnly(true);
    m_files->setModel(m_fileModel);
    m_files->setHeaderHidden(false);
    m_files->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 2; c < 4; ++c)
        m_files->setColumnHidden(c, true);
    m_preview->setReadOnly(true);
    m_preview->setTabChangesFocus(true);
    m_preview->setFont(Theme::monospaceFont());
    m_preview->setPlaceholderText(tr("Select a file to see it."));
    auto* filesSplitter = new QSplitter;
    filesSplitter->addWidget(m_conditions);
    filesSplitter->addWidget(m_files);
    filesSplitter->addWidget(m_preview);
    filesSplitter->setStretchFactor(0, 1);
    filesSplitter->setStretchFactor(1, 2);
    filesSplitter->setStretchFactor(2, 3);

    return filesSplitter;
}

void ResultsPanel::connectSignals()
{
    connect(&m_watcher, &QFutureWatcher<QList<ResultsScanner::Row>>::finished, this, &ResultsPanel::onScanned);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ResultsPanel::updateChart);
    connect(m_key, &QComboBox::currentIndexChanged, this, [this] {
        fillSeries();
        updateChart();
    });
    connect(m_series, &QComboBox::currentIndexChanged, this, &ResultsPanel::updateChart);
    for (QComboBox* combo : { m_metric, m_key, m_series }) {
        connect(combo, &QComboBox::activated, this, [this] {
            m_chosenByUser = true;
            remember();
        });
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, &ResultsPanel::remember);
    connect(m_tabs, &QTabWidget::currentChanged, this, &ResultsPanel::tabChanged);
    connect(m_conditions, &QListWidget::currentRowChanged, this, &ResultsPanel::showCondition);
    connect(m_files->selectionModel(), &QItemSelectionModel::currentChanged, this, &ResultsPanel::previewFile);
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        chooseFile(tr("Export CSV"), QStringLiteral("results.csv"), { tr("CSV files (*.csv)") },
                   [this](const QString& path) { return exportCsv(path); });
    });
    connect(m_saveChart, &QPushButton::clicked, this, [this] {
        chooseFile(tr("Save Chart"), QStringLiteral("chart.png"),
                   { tr("PNG image (*.png)"), tr("SVG drawing (*.svg)") },
                   [this](const QString& path) { return saveChart(path); });
    });
}

ResultsPanel::~ResultsPanel()
{
    // The scan works on its own copy of the inputs; nothing to wait for.
    m_watcher.disconnect(this);
}

void ResultsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::PaletteChange)
        return;
    QChart* chart = m_chartView->chart();
    const QChart::ChartTheme theme = Theme::isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (chart->theme() == theme)
        return;
    chart->setTheme(theme);
    chart->setBackgroundRoundness(0);
    QFont titleFont = font();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->legend()->setFont(font());
    updateChart();
}

QChart* ResultsPanel::chart() const
{
    return m_chartView->chart();
}

void ResultsPanel::showTab(int index)
{
    m_tabs->setCurrentIndex(index);
}

void ResultsPanel::setExperimentDir(const QString& dir)
{
    if (dir == m_experimentDir)
        return;
    m_experimentDir = dir;
    m_restore = true;
}

void ResultsPanel::scan(const QList<ResultsScanner::Input>& conditions)
{
    QList<ResultsScanner::Row> rows;
    for (const ResultsScanner::Input& input : conditions) {
        ResultsScanner::Row row;
        row.results.slug = input.slug;
        row.results.condition = input.condition;
        row.results.dataDir = input.dataDir;
        rows << row;
    }
    scan(rows);
}

void ResultsPanel::scan(const QList<ResultsScanner::Row>& rows)
{
    m_pending = rows;
    if (m_watcher.isRunning()) {
        m_rescan = true; // the newest request runs when this one ends
        return;
    }
    m_rescan = false;
    m_watcher.setFuture(QtConcurrent::run([rows] { return ResultsScanner::readRows(rows); }));
}

void ResultsPanel::onScanned()
{
    if (m_rescan) {
        scan(m_pending);
        return;
    }
    QString metric = m_metric->currentText();
    QString key = m_key->currentData().toString();
    QString series = m_series->currentData().toString();
    bool chosen = m_chosenByUser && m_metric->count() > 0; // a choice the user made is kept
    int tab = -1;
    if (m_restore && !m_experimentDir.isEmpty()) {
        const QVariantMap remembered = Settings().resultsView(m_experimentDir);
        if (remembered.contains(QStringLiteral("metric"))) {
            metric = remembered.value(QStringLiteral("metric")).toString();
            key = remembered.value(QStringLiteral("key")).toString();
            series = remembered.value(QStringLiteral("series")).toString();
            tab = remembered.value(QStringLiteral("tab"), -1).toInt();
            chosen = remembered.value(QStringLiteral("chosen"), true).toBool();
            m_chosenByUser = chosen;
        } else {
            chosen = false;
            m_chosenByUser = false;
        }
    }
    const QString condition
        = m_conditions->currentItem() ? m_conditions->currentItem()->data(Qt::UserRole).toString() : QString();
    m_rows = m_watcher.result();
    QList<ResultsScanner::ConditionResults> results;
    for (const ResultsScanner::Row& row : std::as_const(m_rows))
        results << row.results;
    m_model->setResults(results);
    m_stack->setCurrentIndex(m_model->rowCount() > 0 ? 1 : 0);
    m_table->resizeColumnsToContents();

    m_restoring = true;
    {
        const QSignalBlocker blockMetric(m_metric);
        const QSignalBlocker blockKey(m_key);
        const QSignalBlocker blockSeries(m_series);
        m_metric->clear();
        m_metric->addItems(m_model->metrics());
        m_key->clear();
        for (const QString& k : m_model->keys())
            m_key->addItem(QStringLiteral("--") + k, k);
        m_key->addItem(tr("each condition"), QString());
        if (chosen && m_metric->findText(metric) >= 0) {
            m_metric->setCurrentIndex(m_metric->findText(metric));
            m_key->setCurrentIndex(qMax(0, m_key->findData(key)));
            fillSeries();
            m_series->setCurrentIndex(qMax(0, m_series->findData(series)));
        } else {
            chooseDefaults();
        }
    }
    if (m_restore && tab >= 0 && tab < m_tabs->count())
        m_tabs->setCurrentIndex(tab);
    m_restore = false;
    m_restoring = false;
    m_saveChart->setEnabled(!m_model->metrics().isEmpty());

    fillConditions(condition);
    updateChart();
    Q_EMIT scanned();
}

namespace {

// The distinct values of a key across the conditions with results, in order of appearance.
QStringList valuesOf(const QList<ResultsScanner::ConditionResults>& results, const QString& key)
{
    QStringList values;
    for (const ResultsScanner::ConditionResults& r : results) {
        const QString v = ResultsScanner::keyValue(r, key);
        if (!v.isEmpty() && !values.contains(v))
            values << v;
    }
    return values;
}

bool allNumbers(const QStringList& values)
{
    return !values.isEmpty() && std::all_of(values.cbegin(), values.cend(), [](const QString& v) {
        bool ok = false;
        v.toDouble(&ok);
        return ok;
    });
}

} // namespace

void ResultsPanel::chooseDefaults()
{
    // The metric as first listed; against the first numeric key that varies (a grid's learning rate),
    // else the first key that varies, else each condition; a line per value of the key that varies
    // least among the others (a grid's second parameter).
    m_metric->setCurrentIndex(m_metric->count() > 0 ? 0 : -1);
    const QList<ResultsScanner::ConditionResults>& results = m_model->results();
    QString key;
    for (const QString& k : m_model->keys()) {
        const QStringList values = valuesOf(results, k);
        if (values.size() >= 2 && allNumbers(values)) {
            key = k;
            break;
        }
        if (key.isEmpty() && values.size() >= 2)
            key = k;
    }
    m_key->setCurrentIndex(qMax(0, m_key->findData(key)));
    fillSeries();
    QString series;
    qsizetype fewest = 0;
    if (!key.isEmpty()) {
        for (const QString& k : m_model->keys()) {
            const qsizetype n = valuesOf(results, k).size();
            if (k != key && n >= 2 && (series.isEmpty() || n < fewest)) {
                series = k;
                fewest = n;
            }
        }
    }
    m_series->setCurrentIndex(qMax(0, m_series->findData(series)));
}

void ResultsPanel::fillSeries()
{
    const QSignalBlocker block(m_series);
    const QString current = m_series->currentData().toString();
    const QString key = m_key->currentData().toString();
    m_series->clear();
    m_series->addItem(tr("one line"), QString());
    for (const QString& k : m_model->keys()) {
        if (k != key)
            m_series->addItem(tr("per --%1").arg(k), k);
    }
    m_series->setCurrentIndex(qMax(0, m_series->findData(current)));
    m_series->setEnabled(!key.isEmpty() && m_series->count() > 1);
}

void ResultsPanel::remember()
{
    if (m_restoring || m_experimentDir.isEmpty() || m_metric->count() == 0)
        return;
    Settings settings;
    settings.setResultsView(m_experimentDir,
                            {
                                { QStringLiteral("metric"), m_metric->currentText() },
                                { QStringLiteral("key"), m_key->currentData().toString() },
                                { QStringLiteral("series"), m_series->currentData().toString() },
                                { QStringLiteral("tab"), m_tabs->currentIndex() },
                                { QStringLiteral("chosen"), m_chosenByUser },
                            });
}

void ResultsPanel::setMetric(const QString& metric)
{
    m_metric->setCurrentIndex(m_metric->findText(metric));
    m_chosenByUser = true;
    remember();
}

void ResultsPanel::setKey(const QString& key)
{
    m_key->setCurrentIndex(m_key->findData(key));
    m_chosenByUser = true;
    remember();
}

void ResultsPanel::setSeriesKey(const QString& key)
{
    m_series->setCurrentIndex(qMax(0, m_series->findData(key)));
    m_chosenByUser = true;
    remember();
}

void ResultsPanel::updateMissing(const QString& metric)
{
    // Every condition the chart leaves out, and why: a reader of the chart knows what is not there.
    QStringList lines;
    const QString failed = DeploymentState::phaseName(DeploymentState::Phase::Failed);
    for (const ResultsScanner::Row& row : std::as_const(m_rows)) {
        const ResultsScanner::ConditionResults& r = row.results;
        if (metric.isEmpty() || r.metrics.contains(metric))
            continue;
        QString why;
        if (r.nonFinite.contains(metric))
            why = tr("diverged: %1 is not a finite number").arg(metric);
        else if (!r.hasResults && row.state == failed)
            why = row.exitCode >= 0 ? tr("failed (exit %1), no results").arg(row.exitCode) : tr("failed, no results");
        else if (!r.hasResults && !row.state.isEmpty() && row.state != QLatin1String("succeeded"))
            why = tr("%1, no results yet").arg(row.state);
        else if (!r.hasResults)
            why = tr("no results in data/ yet");
        else
            why = tr("no %1 in its results").arg(metric);
        if (row.state == failed && r.hasResults && !why.startsWith(tr("failed")))
            why = tr("failed (exit %1); %2").arg(row.exitCode).arg(why);
        lines << tr("%1 — %2").arg(r.condition.isEmpty() ? r.slug : r.condition, why);
    }
    if (lines.isEmpty()) {
        m_missing->hide();
        m_missing->clear();
        return;
    }
    constexpr int Shown = 4;
    QStringList shown = lines.mid(0, Shown);
    if (lines.size() > Shown)
        shown << tr("and %n more (hover to see all)", nullptr, static_cast<int>(lines.size() - Shown));
    m_missing->setText(tr("Not on the chart (%1 of %2): %3")
                           .arg(lines.size())
                           .arg(m_rows.size())
                           .arg(shown.join(QStringLiteral("; "))));
    m_missing->setToolTip(lines.join(QLatin1Char('\n')));
    m_missing->show();
}

namespace {

// A log scale's range: at least the whole decades around the values, so its labels are 0.001, 0.01, 0.1,
// and a little beyond the values, so no point sits on the frame.
QPair<double, double> decades(double lo, double hi)
{
    const double pad = std::pow(10.0, 0.2);
    return { std::min(std::pow(10.0, std::floor(std::log10(lo))), lo / pad),
             std::max(std::pow(10.0, std::ceil(std::log10(hi))), hi * pad) };
}

bool spansDecades(double lo, double hi)
{
    return lo > 0 && hi / lo >= 20;
}

QAbstractAxis* valueAxis(double lo, double hi, bool logScale, bool padLow)
{
    if (logScale) {
        auto* axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(-1);
        const auto range = decades(lo, hi);
        axis->setRange(range.first, range.second);
        return axis;
    }
    auto* axis = new QValueAxis;
    axis->setLabelFormat(QStringLiteral("%.4g"));
    const double pad = hi > lo ? (hi - lo) * 0.06 : std::max(1e-9, std::abs(hi) * 0.1 + 1e-9);
    axis->setRange(padLow ? lo - pad : lo, hi + pad);
    axis->applyNiceNumbers(); // ticks at 0.1, 0.15, 0.2: values a reader can use
    return axis;
}

} // namespace

// One value of the chart: a condition's key value (or its label), its metric, and its line's value.
struct ChartPoint
{
    QString x;
    double y;
    QString group;
};

namespace {

// The lines' names in the order of their values (layers=2 before layers=10); too many to tell apart: one.
QStringList chartGroups(QList<ChartPoint>* points)
{
    QStringList groups;
    for (const ChartPoint& p : std::as_const(*points)) {
        if (!groups.contains(p.group))
            groups << p.group;
    }
    std::stable_sort(groups.begin(), groups.end(), [](const QString& a, const QString& b) {
        bool okA = false, okB = false;
        const double x = a.mid(a.indexOf(QLatin1Char('=')) + 1).toDouble(&okA);
        const double y = b.mid(b.indexOf(QLatin1Char('=')) + 1).toDouble(&okB);
        return okA && okB ? x < y : false;
    });
    if (groups.size() > MaxSeries) {
        for (ChartPoint& p : *points)
            p.group.clear();
        groups = QStringList { QString() };
    }
    return groups;
}

// A line with its dots per group, against a numeric key.
void plotLines(QChart* chart, const QList<ChartPoint>& points, const QStringList& groups, const QString& metric,
               QAbstractAxis* xAxis, QAbstractAxis* yAxis)
{
    for (int g = 0; g < groups.size(); ++g) {
        QList<QPointF> xy;
        for (const ChartPoint& p : points) {
            if (p.group == groups.at(g))
                xy << QPointF(p.x.toDouble(), p.y);
        }
        std::sort(xy.begin(), xy.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
        const QColor colour = seriesColours().at(g % seriesColours().size());
        auto* line = new QLineSeries;
        line->setName(groups.at(g).isEmpty() ? metric : groups.at(g));
        line->setColor(colour);
        QPen pen = line->pen();
        pen.setWidthF(2.0);
        line->setPen(pen);
        auto* dots = new QScatterSeries;
        dots->setColor(colour);
        dots->setBorderColor(colour);
        dots->setMarkerSize(9);
        for (const QPointF& point : std::as_const(xy)) {
            line->append(point);
            dots->append(point);
        }
        chart->addSeries(line);
        chart->addSeries(dots);
        for (QAbstractSeries* s : { static_cast<QAbstractSeries*>(line), static_cast<QAbstractSeries*>(dots) }) {
            s->attachAxis(xAxis);
            s->attachAxis(yAxis);
        }
        // The dots repeat the line in the legend.
        chart->legend()->markers(dots).first()->setVisible(false);
    }
}

// Bars, one set per line's value, for a key that is not a number or for each condition (then across, so
// their labels read in full down the side).
void plotBars(QChart* chart, const QList<ChartPoint>& points, const QStringList& groups, const QString& metric,
              const QString& key, QAbstractAxis* yAxis)
{
    QStringList categories;
    for (const ChartPoint& p : points) {
        if (!categories.contains(p.x))
            categories << p.x;
    }
    QAbstractBarSeries* series = key.isEmpty() ? static_cast<QAbstractBarSeries*>(new QHorizontalBarSeries)
                                               : static_cast<QAbstractBarSeries*>(new QBarSeries);
    for (int g = 0; g < groups.size(); ++g) {
        auto* set = new QBarSet(groups.at(g).isEmpty() ? metric : groups.at(g));
        set->setColor(seriesColours().at(g % seriesColours().size()));
        for (const QString& category : std::as_const(categories)) {
            double value = 0;
            for (const ChartPoint& p : points) {
                if (p.group == groups.at(g) && p.x == category)
                    value = p.y;
            }
            set->append(value);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    categoryAxis->setTitleText(key.isEmpty() ? QObject::tr("condition") : QStringLiteral("--") + key);
    chart->addAxis(categoryAxis, key.isEmpty() ? Qt::AlignLeft : Qt::AlignBottom);
    chart->addAxis(yAxis, key.isEmpty() ? Qt::AlignBottom : Qt::AlignLeft);
    series->attachAxis(categoryAxis);
    series->attachAxis(yAxis);
}

} // namespace

QList<ChartPoint> ResultsPanel::chartPoints(const QString& metric, const QString& key, const QString& seriesKey,
                                            bool* numeric) const
{
    // What tells the conditions apart in a label: the keys that vary.
    QStringList varying;
    for (const QString& k : m_model->keys()) {
        if (valuesOf(m_model->results(), k).size() >= 2)
            varying << k;
    }
    QList<ChartPoint> points;
    *numeric = !key.isEmpty();
    for (const ResultsScanner::ConditionResults& r : m_model->results()) {
        const auto it = r.metrics.constFind(metric);
        if (it == r.metrics.cend())
            continue;
        ChartPoint p;
        if (key.isEmpty()) {
            QStringList parts;
            for (const QString& k : std::as_const(varying))
                parts << QStringLiteral("%1=%2").arg(k, ResultsScanner::keyValue(r, k));
            p.x = parts.isEmpty() ? r.slug : parts.join(QLatin1Char(' '));
        } else {
            p.x = ResultsScanner::keyValue(r, key);
            if (p.x.isEmpty())
                continue;
        }
        p.y = it.value();
        if (!seriesKey.isEmpty()) {
            const QString v = ResultsScanner::keyValue(r, seriesKey);
            p.group = QStringLiteral("%1=%2").arg(seriesKey, v.isEmpty() ? tr("(none)") : v);
        }
        bool ok = false;
        p.x.toDouble(&ok);
        *numeric = *numeric && ok;
        points << p;
    }
    return points;
}

void ResultsPanel::updateChart()
{
    QChart* chart = m_chartView->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
        chart->removeAxis(axis);
    const QString metric = m_metric->currentText();
    const QString key = m_key->currentData().toString();
    const QString seriesKey = key.isEmpty() ? QString() : m_series->currentData().toString();
    updateMissing(metric);
    if (metric.isEmpty()) {
        chart->setTitle(tr("No numbers found in the results"));
        return;
    }
    if (key.isEmpty())
        chart->setTitle(tr("%1 per condition").arg(metric));
    else if (seriesKey.isEmpty())
        chart->setTitle(tr("%1 against --%2").arg(metric, key));
    else
        chart->setTitle(tr("%1 against --%2, a line per --%3").arg(metric, key, seriesKey));

    bool numeric = false;
    QList<ChartPoint> points = chartPoints(metric, key, seriesKey, &numeric);
    if (points.isEmpty()) {
        chart->legend()->setVisible(false);
        return;
    }
    const QStringList groups = chartGroups(&points);
    double yMin = points.first().y, yMax = points.first().y;
    for (const ChartPoint& p : std::as_const(points)) {
        yMin = std::min(yMin, p.y);
        yMax = std::max(yMax, p.y);
    }
    // A metric over decades (a loss from 10 to 0.01) reads on a log scale; bars start at zero.
    const bool logY = numeric && spansDecades(yMin, yMax) && yMin > 0;
    QAbstractAxis* yAxis = valueAxis(numeric ? yMin : std::min(0.0, yMin), yMax, logY, numeric);
    yAxis->setTitleText(metric);
    if (numeric) {
        double lo = points.first().x.toDouble(), hi = lo;
        for (const ChartPoint& p : std::as_const(points)) {
            lo = std::min(lo, p.x.toDouble());
            hi = std::max(hi, p.x.toDouble());
        }
        // A key swept over decades (learning rates) reads on a log scale.
        QAbstractAxis* xAxis = valueAxis(lo, hi, spansDecades(lo, hi), true);
        xAxis->setTitleText(QStringLiteral("--") + key);
        chart->addAxis(xAxis, Qt::AlignBottom);
        chart->addAxis(yAxis, Qt::AlignLeft);
        plotLines(chart, points, groups, metric, xAxis, yAxis);
    } else {
        plotBars(chart, points, groups, metric, key, yAxis);
    }
    chart->legend()->setVisible(groups.size() > 1);
}

void ResultsPanel::fillConditions(const QString& current)
{
    const QSignalBlocker blockList(m_conditions);
    m_conditions->clear();
    for (const ResultsScanner::ConditionResults& r : m_model->results()) {
        auto* item = new QListWidgetItem(r.slug, m_conditions);
        item->setData(Qt::UserRole, r.slug);
        item->setData(Qt::UserRole + 1, r.dataDir);
        item->setToolTip(r.condition);
    }
    int row = 0;
    for (int i = 0; i < m_conditions->count(); ++i) {
        if (m_conditions->item(i)->data(Qt::UserRole).toString() == current)
            row = i;
    }
    if (m_conditions->count() > 0) {
        m_conditions->setCurrentRow(row);
        showCondition(row);
    }
}

int ResultsPanel::currentTab() const
{
    return m_tabs->currentIndex();
}

void ResultsPanel::selectCondition(const QString& slug)
{
    for (int i = 0; i < m_conditions->count(); ++i) {
        if (m_conditions->item(i)->data(Qt::UserRole).toString() == slug && m_conditions->currentRow() != i)
            m_conditions->setCurrentRow(i);
    }
    const QList<ResultsScanner::ConditionResults>& results = m_model->results();
    for (int i = 0; i < results.size(); ++i) {
        if (results.at(i).slug == slug) {
            const QModelIndex index = m_sorted->mapFromSource(m_model->index(i, 0));
            m_table->selectionModel()->setCurrentIndex(index,
                                                       QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_table->scrollTo(index);
        }
    }
}

int ResultsPanel::heightForRows(int rows) const
{
    const int table = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth()
        + rows * m_table->verticalHeader()->defaultSectionSize();
    // The tabs (or the corner's Export CSV…, when taller), the panel's margin and the tab pane's frame.
    const int tabs = qMax(m_tabs->tabBar()->sizeHint().height(),
                          m_tabs->cornerWidget() ? m_tabs->cornerWidget()->sizeHint().height() : 0);
    return layout()->contentsMargins().top() + tabs + 4 + table;
}

void ResultsPanel::showCondition(int index)
{
    QListWidgetItem* item = m_conditions->item(index);
    if (!item)
        return;
    const QString dir = item->data(Qt::UserRole + 1).toString();
    m_files->setRootIndex(m_fileModel->setRootPath(dir));
    m_preview->clear();
}

void ResultsPanel::previewFile(const QModelIndex& index)
{
    const QString path = m_fileModel->filePath(index);
    QFile file(path);
    if (m_fileModel->isDir(index) || !file.open(QIODevice::ReadOnly)) {
        m_preview->clear();
        return;
    }
    QByteArray data = file.read(MaxPreviewBytes);
    if (!file.atEnd())
        data += "\n…";
    m_preview->setPlainText(QString::fromUtf8(data));
}

// --- export ---------------------------------------------------------------------------------------

QString ResultsPanel::startDir() const
{
    if (!m_lastDir.isEmpty())
        return m_lastDir;
    // The experiment's data/ folder: Git ignores it, so an export leaves the working tree clean.
    if (!m_experimentDir.isEmpty() && QFileInfo(m_experimentDir + QStringLiteral("/data")).isDir())
        return m_experimentDir + QStringLiteral("/data");
    // data/<slug>[/attempt-N] lies below it.
    if (!m_rows.isEmpty()) {
        QString dir = QDir::cleanPath(QFileInfo(m_rows.first().results.dataDir).absoluteFilePath());
        while (dir.size() > 1) {
            const QFileInfo info(dir);
            if (info.fileName() == QLatin1String("data"))
                return info.absoluteFilePath();
            dir = info.absolutePath();
        }
    }
    return QDir::homePath();
}

void ResultsPanel::chooseFile(const QString& title, const QString& name, const QStringList& filters,
                              const std::function<bool(const QString&)>& save)
{
    auto* dialog = new QFileDialog(this, title, QDir(startDir()).filePath(name));
    dialog->setObjectName(QStringLiteral("resultsSaveDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilters(filters);
    dialog->setDefaultSuffix(QFileInfo(name).suffix());
    // A name typed without a suffix takes the chosen filter's (PNG or SVG).
    connect(dialog, &QFileDialog::filterSelected, dialog, [dialog](const QString& filter) {
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("\\*\\.(\\w+)")).match(filter);
        if (m.hasMatch())
            dialog->setDefaultSuffix(m.captured(1));
    });
    connect(dialog, &QFileDialog::fileSelected, this, [this, save](const QString& path) {
        if (save(path))
            m_lastDir = QFileInfo(path).absolutePath();
    });
    dialog->open();
}

bool ResultsPanel::writeFile(const QString& title, const QString& path, const QByteArray& data)
{
    // QSaveFile writes beside the file and renames over it: a failed save leaves no partial file.
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(data) == data.size() && file.commit())
        return true;
    const QString why = file.errorString();
    file.cancelWriting();
    Gui::MessageBox::tell(this, QMessageBox::Warning, title,
                          tr("Could not save %1:\n%2").arg(QDir::toNativeSeparators(path), why));
    return false;
}

bool ResultsPanel::exportCsv(const QString& path)
{
    // The columns of `logistician results --format csv` (ResultsCsv::rows, one place for both): the
    // keys and metrics, then state, attempt, exit code, elapsed, commit, image and host. The rows as
    // the table shows them (its sort order), then the conditions without results, as the CLI lists them.
    QList<ResultsScanner::Row> rows;
    QList<ResultsScanner::ConditionResults> all;
    for (const ResultsScanner::Row& row : std::as_const(m_rows))
        all << row.results;
    auto rowOf = [this](const QString& slug) -> const ResultsScanner::Row* {
        for (const ResultsScanner::Row& row : std::as_const(m_rows)) {
            if (row.results.slug == slug)
                return &row;
        }
        return nullptr;
    };
    QSet<QString> listed;
    for (int r = 0; r < m_sorted->rowCount(); ++r) {
        const QString slug = m_sorted->index(r, 0).data(ResultsModel::SlugRole).toString();
        if (const ResultsScanner::Row* row = rowOf(slug)) {
            rows << *row;
            listed.insert(slug);
        }
    }
    for (const ResultsScanner::Row& row : std::as_const(m_rows)) {
        if (!listed.contains(row.results.slug))
            rows << row;
    }
    const QString text = ResultsCsv(ResultsScanner::keyNames(all), ResultsScanner::metricNames(all)).rows(rows);
    if (!writeFile(tr("Export CSV"), path, text.toUtf8()))
        return false;
    m_saved->setText(
        tr("Saved %n row(s) to %1", nullptr, static_cast<int>(rows.size())).arg(QDir::toNativeSeparators(path)));
    m_saved->setToolTip(m_saved->text());
    return true;
}

void ResultsPanel::renderChart(QPainter* painter, const QSize& size)
{
    QChart* chart = m_chartView->chart();
    const QSizeF shown = chart->size();
    chart->resize(size);
    // The chart lays out its title, axes and series on a posted event: done now, the file
    // shows the chart as it is, not as it was before the last change of metric or size.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    painter->setRenderHint(QPainter::Antialiasing);
    // The scene, not the widget: its items draw as vectors into an SVG.
    chart->scene()->render(painter, QRectF(QPointF(), size), QRectF(chart->pos(), size));
    chart->resize(shown);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
}

bool ResultsPanel::saveChart(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    QSize size = m_chartView->chart()->size().toSize();
    if (size.width() < 320 || size.height() < 200)
        size = DefaultChartSize;
    QByteArray data;
    if (suffix == QLatin1String("svg")) {
        QBuffer buffer(&data);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(), size));
        svg.setTitle(m_chartView->chart()->title());
        svg.setDescription(tr("A chart of Logistician's results"));
        QPainter painter(&svg);
        renderChart(&painter, size);
        painter.end();
    } else if (suffix == QLatin1String("png")) {
        const qreal ratio = std::max<qreal>(1.0, devicePixelRatioF());
        QImage image(size * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(palette().color(QPalette::Base));
        QPainter painter(&image);
        renderChart(&painter, size);
        painter.end();
        QBuffer buffer(&data);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
    } else {
        Gui::MessageBox::tell(
            this, QMessageBox::Warning, tr("Save Chart"),
            tr("Could not save %1: the chart is saved as .png or .svg").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    if (!writeFile(tr("Save Chart"), path, data))
        return false;
    m_saved->setText(tr("Saved the chart to %1").arg(QDir::toNativeSeparators(path)));
    m_saved->setToolTip(m_saved->text());
    return true;
}
