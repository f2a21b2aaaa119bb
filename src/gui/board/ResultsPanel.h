// SPDX-License-Identifier: MIT
#pragma once

#include "board/ResultsScanner.h"

#include <QFutureWatcher>
#include <QWidget>
#include <functional>

struct ChartPoint;
class QChart;
class QChartView;
class QComboBox;
class QFileSystemModel;
class QLabel;
class QListWidget;
class QPainter;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTreeView;

// The results of the synced conditions: a comparison table with a row per
// condition (its keys, then every number found in results/*.json and *.csv),
// a chart of a chosen metric against a chosen condition key (by default the
// first numeric key that varies, one line per value of a second key, log
// scales where values span decades), the conditions the chart leaves out and
// why (no results yet, failed, diverged) listed under it, and each condition's
// logs/, config/ and results/ to browse. Folders are read on a worker thread.
// The compare table exports as CSV with the columns of `logistician results
// --format csv` (ResultsCsv) and the chart saves, as shown, as PNG or SVG. The
// chart's choices are remembered per experiment (setExperimentDir).
class ResultsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ResultsPanel(QWidget* parent = nullptr);
    ~ResultsPanel() override;

    // Reads these conditions' folders again (in the background); scanned() follows.
    void scan(const QList<ResultsScanner::Input>& conditions);
    // The same for a deployment's rows (ResultsScanner::pendingRows): where each condition stands too.
    void scan(const QList<ResultsScanner::Row>& rows);
    // The experiment whose choices (metric, key, series, tab) are restored and remembered.
    void setExperimentDir(const QString& dir);
    bool isScanning() const { return m_watcher.isRunning(); }
    ResultsModel* model() const { return m_model; }
    QChart* chart() const;
    void setMetric(const QString& metric);
    void setKey(const QString& key);
    void setSeriesKey(const QString& key); // empty: one line
    void showTab(int index);
    int currentTab() const; // 0 Compare, 1 Chart, 2 Files
    // The condition a board row stands for (its slug): selected in the compare table and in Files.
    void selectCondition(const QString& slug);
    // The height the panel needs for this many rows of the compare table (a small window's budget).
    int heightForRows(int rows) const;

    // What Export CSV… and Save Chart… do once a file is chosen: the compare table's
    // rows as sorted on screen, or the chart as PNG or SVG (by the suffix). The file is
    // replaced atomically; on failure it is left as it was and a message names it.
    bool exportCsv(const QString& path);
    bool saveChart(const QString& path);

Q_SIGNALS:
    void scanned();
    void tabChanged(int index);

protected:
    void changeEvent(QEvent* event) override; // a theme chosen while shown: the chart follows

private:
    void setObjectNames();
    void setUpLabels();
    void setUpTable();
    QWidget* buildChartPage();
    QWidget* buildFilesPage();
    void connectSignals();
    void onScanned();
    // The Files tab's list of conditions, the one shown before kept current.
    void fillConditions(const QString& current);
    void updateChart();
    // The chosen metric's values against the key, grouped by the series key; numeric: every x a number.
    QList<ChartPoint> chartPoints(const QString& metric, const QString& key, const QString& seriesKey,
                                  bool* numeric) const;
    void fillSeries();
    void chooseDefaults();
    void remember();
    void updateMissing(const QString& metric);
    void showCondition(int index);
    void previewFile(const QModelIndex& index);
    void chooseFile(const QString& title, const QString& name, const QStringList& filters,
                    const std::function<bool(const QString&)>& save);
    bool writeFile(const QString& title, const QString& path, const QByteArray& data);
    void renderChart(QPainter* painter, const QSize& size);
    QString startDir() const;

    ResultsModel* m_model;
    QSortFilterProxyModel* m_sorted;
    QFutureWatcher<QList<ResultsScanner::Row>> m_watcher;
    QList<ResultsScanner::Row> m_pending;
    QList<ResultsScanner::Row> m_rows; // every condition, with results or not
    QString m_experimentDir;
    bool m_restore = false; // the next scan restores the experiment's remembered choices
    bool m_restoring = false;
    // The metric, key or lines were picked by the user (or restored from such a pick): kept across scans.
    // Defaults are chosen anew at each scan, so early defaults (one result in) do not stick.
    bool m_chosenByUser = false;
    bool m_rescan = false;

    QStackedWidget* m_stack;
    QLabel* m_empty;
    QTabWidget* m_tabs;
    QTableView* m_table;
    QComboBox* m_metric;
    QComboBox* m_key;
    QComboBox* m_series;
    QLabel* m_missing;
    QLabel* m_saved;
    QPushButton* m_exportCsv;
    QPushButton* m_saveChart;
    QString m_lastDir; // where the last export went
    QChartView* m_chartView;
    QListWidget* m_conditions;
    QTreeView* m_files;
    QFileSystemModel* m_fileModel;
    QPlainTextEdit* m_preview;
};
