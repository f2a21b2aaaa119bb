// SPDX-License-Identifier: MIT
#pragma once

#include "board/DeploymentMonitor.h"

#include <QWidget>

class BoardFilterModel;
class BoardNotifier;
class DeployDialog;
class ElidedLabel;
class MachineLogPanel;
class QAction;
class QComboBox;
class QLabel;
class QLayout;
class QSplitter;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class ResultsPanel;
class SummaryBar;

// The Deployments tab of an experiment: deploy it, then watch every machine on
// a status board (state with colour and icon, machine, elapsed time, exit
// code, last log line; filter and sort; counts per state), follow one
// machine's log or open a terminal on it, sync and terminate everything, and
// compare the results. It opens whatever deployment the experiment already has
// (from an earlier window or the CLI) and reconciles it with what runs.
class DeploymentBoard : public QWidget
{
    Q_OBJECT
public:
    explicit DeploymentBoard(QWidget* parent = nullptr);
    ~DeploymentBoard() override;

    // Opens the experiment's deployment (none is fine); false when the experiment does not load.
    bool setExperimentDir(const QString& dir);
    QString experimentDir() const { return m_monitor->experimentDir(); }

    DeploymentMonitor* monitor() const { return m_monitor; }
    BoardModel* model() const { return m_monitor->model(); }
    BoardFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }
    SummaryBar* summaryBar() const { return m_summary; }
    MachineLogPanel* machineLog() const { return m_machineLog; }
    ResultsPanel* results() const { return m_results; }
    BoardNotifier* notifier() const { return m_notifier; }
    bool isBusy() const;

    // For the main window's menu; enabled as the board's buttons are.
    QAction* deployAction() const { return m_deployAction; }
    QAction* syncAllAction() const { return m_syncAction; }
    QAction* terminateAllAction() const { return m_terminateAction; }
    QAction* refreshAction() const { return m_refreshAction; }
    QAction* rerunFailedAction() const { return m_rerunFailedAction; }

    DeployDialog* showDeployDialog();
    void syncAll(); // asks first
    void terminateAll(); // asks first, warning about results not synced
    // One machine (a row of the board model): sync it, or terminate it after asking; the others go on.
    void syncMachine(int row);
    void terminateMachine(int row);
    // deploy --rerun-failed, and deploy --rerun of one row: each a new attempt, the earlier ones kept.
    void rerunFailed();
    void rerunMachine(int row);
    bool canRerun(int row) const;
    void refresh();
    // Follows the log of a row of the board model (and shows the Log tab).
    void showMachine(int row);

Q_SIGNALS:
    void busyChanged(bool busy);
    void statusMessage(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // the splitter's resizes

private:
    void setUpActions();
    void connectMonitor();
    void onDeploymentFinished(int failed);
    void buildUi();
    QWidget* buildEmptyPage();
    QLayout* buildTitleRow();
    QLayout* buildMessageRow();
    QLayout* buildFilterRow();
    void buildTable();
    void sizeColumns();
    QWidget* buildDetails();
    // Sizes the splitter to the open tab's share, keeping 8 board rows (and 5 of results) when they fit.
    void applyDetailsShare();
    void updateActions();
    void updateHeader();
    void onOperationFinished(DeploymentMonitor::Operation operation, int exitCode, const QString& message);
    void onPhaseChanged(int row, DeploymentState::Phase from, DeploymentState::Phase to);
    void flushFailureNotes();
    void setMessage(const QString& text, bool error);
    void rescanResults();
    void applyStateFilter(int index);
    int currentRow() const;
    void showContextMenu(const QPoint& pos);

    DeploymentMonitor* m_monitor;
    BoardFilterModel* m_filter;
    BoardNotifier* m_notifier;
    QTimer* m_tick;
    QAction* m_deployAction;
    QAction* m_syncAction;
    QAction* m_terminateAction;
    QAction* m_rerunFailedAction;
    QAction* m_refreshAction;

    QStackedWidget* m_pages = nullptr;
    QLabel* m_emptyText = nullptr;
    QLabel* m_title = nullptr;
    ElidedLabel* m_message = nullptr;
    // The details' share of the board's height on the Log tab and on the Results tab (a chart needs more).
    double m_detailsShare[2] = { 0.38, 0.62 };
    QProgressBar* m_busy = nullptr;
    QPushButton* m_deployButton = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QPushButton* m_syncButton = nullptr;
    QPushButton* m_terminateButton = nullptr;
    QPushButton* m_rerunFailedButton = nullptr;
    QPushButton* m_emptyDeployButton = nullptr;
    SummaryBar* m_summary = nullptr;
    QComboBox* m_stateFilter = nullptr;
    QLineEdit* m_search = nullptr;
    QTableView* m_view = nullptr;
    QTabWidget* m_details = nullptr;
    QSplitter* m_splitter = nullptr;
    MachineLogPanel* m_machineLog = nullptr;
    ResultsPanel* m_results = nullptr;

    QStringList m_failureNotes;
    int m_scannedFinished = -1;
};
