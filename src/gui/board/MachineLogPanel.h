// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class CommandRunner;
class DeploymentMonitor;
class LogView;
class QLabel;
class QPushButton;

// One machine up close: the live tail of its container's output (docker logs
// -f, on the machine through ssh for remote backends), a terminal with an SSH
// session to it (the user's terminal emulator, from the settings), its data
// folder here, and sync or terminate for this machine alone (the board asks
// first and runs them).
class MachineLogPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MachineLogPanel(DeploymentMonitor* monitor, QWidget* parent = nullptr);
    ~MachineLogPanel() override;

    // Follows the log of the condition in `row` of the board model; -1 shows nothing.
    void showRow(int row);
    int row() const { return m_row; }
    LogView* logView() const { return m_log; }
    void stop();
    void openTerminal();
    void openDataFolder();

Q_SIGNALS:
    void message(const QString& text);
    void syncRequested(int row);
    void terminateRequested(int row);

private:
    void updateTitle();
    void updateButtons();

    DeploymentMonitor* m_monitor;
    QLabel* m_title;
    QPushButton* m_follow;
    QPushButton* m_terminal;
    QPushButton* m_data;
    QPushButton* m_sync;
    QPushButton* m_terminate;
    LogView* m_log;
    CommandRunner* m_runner = nullptr;
    int m_row = -1;
};
