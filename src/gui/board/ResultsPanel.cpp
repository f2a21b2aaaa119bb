// SPDX-License-Identifier: MIT
#include "ResultsPanel.h"

#include "Dialogs.h"
#include "Theme.h"
#include "board/BoardStyle.h"
#include "board/ResultsCsv.h"
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
#include <QHBoxLayout>
#include <QHeaderView>
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
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

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
    , m_exportCsv(new QPushButton(tr("E&xport CSV…")))
    , m_saveChart(new QPushButton(tr("Save C&hart…")))
    , m_chartView(new QChartView)
    , m_conditions(new QListWidget)
    , m_files(new QTreeView)
    , m_fileModel(new QFileSystemModel(this))
    , m_preview(new QPlainTextEdit)
{
    setObjectName(QStringLiteral("resultsPanel"));
    m_tabs->setObjectName(QStringLiteral("resultsTabs"));
    m_table->setObjectName(QStringLiteral("resultsTable"));
    m_metric->setObjectName(QStringLiteral("metricCombo"));
    m_key->setObjectName(QStringLiteral("keyCombo"));
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

    m_empty->setText(tr("No results yet. Results appear here once conditions have finished and been synced:\n"
                        "numbers in results/*.json and results/*.csv are compared across conditions."));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    QPalette muted = m_empty->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_empty->setPalette(muted);

    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(ResultsModel::SortRole);
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    ViewKeys::install(m_table);
    m_table->setAccessibleName(tr("Results"));

    // The chart: a metric against a key.
    auto* chartPage = new QWidget;
    auto* chartTop = new QHBoxLayout;
    chartTop->addWidget(new QLabel(tr("&Metric:")));
    static_cast<QLabel*>(chartTop->itemAt(0)->widget())->setBuddy(m_metric);
    chartTop->addWidget(m_metric, 1);
    auto* against = new QLabel(tr("&against:"));
    against->setBuddy(m_key);
    chartTop->addWidget(against);
    chartTop->addWidget(m_key, 1);
    chartTop->addWidget(m_saveChart);
    auto* chartLayout = new QVBoxLayout(chartPage);
    chartLayout->addLayout(chartTop);
    chartLayout->addWidget(m_chartView, 1);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    if (Theme::isDark(palette()))
        chart->setTheme(QChart::ChartThemeDark);
    chart->setBackgroundRoundness(0);
    m_chartView->setChart(chart);

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

    auto* comparePage = new QWidget;
    auto* compareTop = new QHBoxLayout;
    compareTop->addStretch(1);
    compareTop->addWidget(m_exportCsv);
    auto* compareLayout = new QVBoxLayout(comparePage);
    compareLayout->addLayout(compareTop);
    compareLayout->addWidget(m_table, 1);

    m_tabs->addTab(comparePage, tr("Compare"));
    m_tabs->addTab(chartPage, tr("Chart"));
    m_tabs->addTab(filesSplitter, tr("Files"));
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_tabs);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_stack);

    connect(&m_watcher, &QFutureWatcher<QList<ResultsScanner::ConditionResults>>::finished, this,
            &ResultsPanel::onScanned);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ResultsPanel::updateChart);
    connect(m_key, &QComboBox::currentIndexChanged, this, &ResultsPanel::updateChart);
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

QChart* ResultsPanel::chart() const
{
    return m_chartView->chart();
}

void ResultsPanel::showTab(int index)
{
    m_tabs->setCurrentIndex(index);
}

void ResultsPanel::scan(const QList<ResultsScanner::Input>& conditions)
{
    m_pending = conditions;
    if (m_watcher.isRunning()) {
        m_rescan = true; // the newest request runs when this one ends
        return;
    }
    m_rescan = false;
    m_watcher.setFuture(QtConcurrent::run([conditions] { return ResultsScanner::scan(conditions); }));
}

void ResultsPanel::onScanned()
{
    if (m_rescan) {
        scan(m_pending);
        return;
    }
    const QString metric = m_metric->currentText();
    const QString key = m_key->currentData().toString();
    const QString condition
        = m_conditions->currentItem() ? m_conditions->currentItem()->data(Qt::UserRole).toString() : QString();
    m_model->setResults(m_watcher.result());
    m_stack->setCurrentIndex(m_model->rowCount() > 0 ? 1 : 0);
    m_table->resizeColumnsToContents();

    const QSignalBlocker blockMetric(m_metric);
    const QSignalBlocker blockKey(m_key);
    m_metric->clear();
    m_metric->addItems(m_model->metrics());
    m_metric->setCurrentIndex(qMax(0, m_metric->findText(metric)));
    m_key->clear();
    for (const QString& k : m_model->keys())
        m_key->addItem(QStringLiteral("--") + k, k);
    m_key->addItem(tr("condition"), QString());
    m_key->setCurrentIndex(qMax(0, m_key->findData(key)));
    m_saveChart->setEnabled(!m_model->metrics().isEmpty());

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
        if (m_conditions->item(i)->data(Qt::UserRole).toString() == condition)
            row = i;
    }
    if (m_conditions->count() > 0) {
        m_conditions->setCurrentRow(row);
        showCondition(row);
    }
    updateChart();
    Q_EMIT scanned();
}

void ResultsPanel::setMetric(const QString& metric)
{
    m_metric->setCurrentIndex(m_metric->findText(metric));
}

void ResultsPanel::setKey(const QString& key)
{
    m_key->setCurrentIndex(m_key->findData(key));
}

void ResultsPanel::updateChart()
{
    QChart* chart = m_chartView->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
        chart->removeAxis(axis);
    const QString metric = m_metric->currentText();
    const QString key = m_key->currentData().toString();
    if (metric.isEmpty()) {
        chart->setTitle(tr("No numbers found in the results"));
        return;
    }
    chart->setTitle(key.isEmpty() ? tr("%1 per condition").arg(metric) : tr("%1 against --%2").arg(metric, key));

    struct Point
    {
        QString x;
        double y;
        QString group;
    };
    QList<Point> points;
    bool numeric = !key.isEmpty();
    const QStringList others = [&] {
        QStringList o = m_model->keys();
        o.removeAll(key);
        return o;
    }();
    for (const ResultsScanner::ConditionResults& r : m_model->results()) {
        const auto it = r.metrics.constFind(metric);
        if (it == r.metrics.cend())
            continue;
        Point p;
        p.x = key.isEmpty() ? r.slug : ResultsScanner::keyValue(r, key);
        p.y = it.value();
        if (!key.isEmpty()) {
            QStringList parts;
            for (const QString& o : others) {
                const QString v = ResultsScanner::keyValue(r, o);
                if (!v.isEmpty())
                    parts << QStringLiteral("%1=%2").arg(o, v);
            }
            p.group = parts.join(QLatin1Char(' '));
        }
        bool ok = false;
        p.x.toDouble(&ok);
        numeric = numeric && ok;
        points << p;
    }
    if (points.isEmpty())
        return;
    QStringList groups;
    for (const Point& p : std::as_const(points)) {
        if (!groups.contains(p.group))
            groups << p.group;
    }
    if (groups.size() > MaxSeries) {
        // Too many combinations to tell apart: one series.
        for (Point& p : points)
            p.group.clear();
        groups = QStringList { QString() };
    }

    auto* yAxis = new QValueAxis;
    yAxis->setTitleText(metric);
    yAxis->setLabelFormat(QStringLiteral("%.4g"));
    chart->addAxis(yAxis, Qt::AlignLeft);
    double yMin = points.first().y, yMax = points.first().y;
    for (const Point& p : std::as_const(points)) {
        yMin = std::min(yMin, p.y);
        yMax = std::max(yMax, p.y);
    }

    if (numeric) {
        double lo = points.first().x.toDouble(), hi = lo;
        for (const Point& p : std::as_const(points)) {
            lo = std::min(lo, p.x.toDouble());
            hi = std::max(hi, p.x.toDouble());
        }
        // A key swept over decades (learning rates) reads on a log scale.
        const bool logScale = lo > 0 && hi / lo >= 20;
        QAbstractAxis* xAxis = nullptr;
        if (logScale) {
            auto* axis = new QLogValueAxis;
            axis->setBase(10);
            axis->setLabelFormat(QStringLiteral("%g"));
            axis->setMinorTickCount(-1);
            axis->setRange(lo / 1.5, hi * 1.5);
            xAxis = axis;
        } else {
            auto* axis = new QValueAxis;
            axis->setLabelFormat(QStringLiteral("%.4g"));
            const double pad = hi > lo ? (hi - lo) * 0.05 : 1.0;
            axis->setRange(lo - pad, hi + pad);
            xAxis = axis;
        }
        xAxis->setTitleText(QStringLiteral("--") + key);
        chart->addAxis(xAxis, Qt::AlignBottom);
        for (int g = 0; g < groups.size(); ++g) {
            QList<QPointF> xy;
            for (const Point& p : std::as_const(points)) {
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
        chart->legend()->setVisible(groups.size() > 1);
    } else {
        // Categories (a key that is not a number, or each condition): bars, one set per group.
        QStringList categories;
        for (const Point& p : std::as_const(points)) {
            if (!categories.contains(p.x))
                categories << p.x;
        }
        auto* series = new QBarSeries;
        for (int g = 0; g < groups.size(); ++g) {
            auto* set = new QBarSet(groups.at(g).isEmpty() ? metric : groups.at(g));
            set->setColor(seriesColours().at(g % seriesColours().size()));
            for (const QString& category : std::as_const(categories)) {
                double value = 0;
                for (const Point& p : std::as_const(points)) {
                    if (p.group == groups.at(g) && p.x == category)
                        value = p.y;
                }
                set->append(value);
            }
            series->append(set);
        }
        chart->addSeries(series);
        auto* xAxis = new QBarCategoryAxis;
        xAxis->append(categories);
        xAxis->setTitleText(key.isEmpty() ? tr("condition") : QStringLiteral("--") + key);
        chart->addAxis(xAxis, Qt::AlignBottom);
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
        yMin = std::min(0.0, yMin);
        chart->legend()->setVisible(groups.size() > 1);
    }
    const double yPad = yMax > yMin ? (yMax - yMin) * 0.08 : std::max(1e-9, std::abs(yMax) * 0.1 + 1e-9);
    yAxis->setRange(yMin - (numeric ? yPad : 0.0), yMax + yPad);
    yAxis->applyNiceNumbers();
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
    // The experiment's folder: data/<slug>[/attempt-N] lies below it.
    if (!m_model->results().isEmpty()) {
        QString dir = QDir::cleanPath(QFileInfo(m_model->results().first().dataDir).absoluteFilePath());
        while (dir.size() > 1) {
            const QFileInfo info(dir);
            if (info.fileName() == QLatin1String("data"))
                return info.absolutePath();
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
    // The rows as the table shows them: its sort order, and only the rows it accepts.
    QList<ResultsScanner::ConditionResults> rows;
    for (int r = 0; r < m_sorted->rowCount(); ++r)
        rows << m_model->results().at(m_sorted->mapToSource(m_sorted->index(r, 0)).row());
    const QString text = ResultsCsv(m_model->keys(), m_model->metrics()).compare(rows);
    return writeFile(tr("Export CSV"), path, text.toUtf8());
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
    return writeFile(tr("Save Chart"), path, data);
}
