// SPDX-License-Identifier: MIT
#pragma once

#include "workspace/LiveDeployments.h"

#include <QDockWidget>
#include <QFutureWatcher>
#include <QTimer>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

// View > Running: every live deployment of this user across projects (what
// `logistician list` prints, from LiveDeployments), with its backend,
// machines, state and cost so far. It is read on a worker thread (it asks the
// Docker engine for labelled containers) while the panel is shown, again every
// half minute; double-click, Enter or Open Board opens that experiment's board.
class LiveDeploymentsPanel : public QDockWidget
{
    Q_OBJECT
public:
    explicit LiveDeploymentsPanel(QWidget* parent = nullptr);
    ~LiveDeploymentsPanel() override;

    // Starts a read in the background unless one is under way; refreshed() follows.
    void refresh();
    bool isRefreshing() const { return m_gather.isRunning(); }
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

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void onGathered();
    void openCurrent();
    void updateButtons();
    static QString stateText(const LiveDeployments::Row& row);

    QTreeWidget* m_list;
    QLabel* m_status;
    QPushButton* m_open;
    QPushButton* m_refresh;
    QTimer m_timer;
    QFutureWatcher<QList<LiveDeployments::Row>> m_gather;
    QStringList m_refused; // written by the worker, read when it has finished
    bool m_again = false; // a refresh was asked for while one ran
};
