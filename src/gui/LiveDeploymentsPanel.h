// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Orphans.h"
#include "workspace/LiveDeployments.h"

#include <QDockWidget>
#include <QFutureWatcher>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

// View > Running: every live deployment of this user across projects (what
// `logistician list` prints, from LiveDeployments), with its backend,
// machines, state and cost so far. It is read on a worker thread (it asks the
// Docker engine for labelled containers) while the panel is shown, again every
// half minute; double-click, Enter or Open Board opens that experiment's board.
// What a deleted experiment left running (its folder gone, or only labelled
// containers) has no board: Terminate removes it (Orphans, as `terminate
// --experiment` does) after the board's kind of question.
class LiveDeploymentsPanel : public QDockWidget
{
    Q_OBJECT
public:
    explicit LiveDeploymentsPanel(QWidget* parent = nullptr);
    ~LiveDeploymentsPanel() override;

    // Starts a read in the background unless one is under way; refreshed() follows.
    void refresh();
    bool isRefreshing() const { return m_gather.isRunning(); }
    // Looking for or terminating what an orphan left; finishedTerminating() follows.
    bool isTerminating() const { return m_terminating; }
    QTreeWidget* list() const { return m_list; }
    void setRefreshInterval(int ms) { m_timer.setInterval(ms); }

    enum Column
    {
        ExperimentColumn,
        BackendColumn,
        MachinesColumn,
        StateColumn,
        CostColumn,
        FolderColumn,
    };

Q_SIGNALS:
    // The experiment folder of the chosen deployment (which still exists).
    void openRequested(const QString& experimentDir);
    void refreshed();
    // Terminate of an orphan has ended (or found nothing, or was cancelled); message says how it went.
    void finishedTerminating(bool ok, const QString& message);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void setUpList();
    void onGathered();
    void openCurrent();
    // The orphan of the current row: looked for on a worker, asked about, then terminated.
    void terminateCurrent();
    void askToTerminate(const Orphans::Found& found);
    void endTerminating(bool ok, const QString& message);
    void updateButtons();
    static QString stateText(const LiveDeployments::Row& row);

    QTreeWidget* m_list;
    QLabel* m_status;
    QPushButton* m_open;
    QPushButton* m_refresh;
    // For a deployment there is no board for (its folder gone, or containers only): the command that
    // removes what still runs, as `logistician list` prints it, to copy into a terminal; or Terminate here.
    QLineEdit* m_command = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_terminate;
    QTimer m_timer;
    QFutureWatcher<QList<LiveDeployments::Row>> m_gather;
    QStringList m_refused; // written by the worker, read when it has finished
    bool m_again = false; // a refresh was asked for while one ran
    QFutureWatcher<Orphans::Found> m_finding;
    bool m_terminating = false;
};
